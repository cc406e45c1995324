"""Review findings on the indicator grid: names that are also labels, targets in the unit
column, and columns the lexicon does not know."""

from __future__ import annotations

import pytest

from goaltables.extract.findings import Finding
from goaltables.extract.goaltable import ParsedDocument
from goaltables.extract.model import Cell, Document, Paragraph, Table
from goaltables.extract.parser import parse
from goaltables.normalize.taxonomy import default_taxonomy

VOCAB = default_taxonomy()
HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "度量单位"]
TITLE = Paragraph("救助项目绩效目标表")


def _table(rows: list[list[str]]) -> Table:
    return Table([Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])


def _parse(*tables: Table) -> ParsedDocument:
    return parse(Document([TITLE, *tables], "txt"), VOCAB)


def _codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# A. an indicator whose name is also a level label stays the indicator


@pytest.mark.parametrize(("level1", "level2", "name", "target", "unit"), [
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥95", "%"),
    ("效益指标", "社会效益指标", "社会效益", "显著", ""),
    ("产出指标", "质量指标", "质量", "合格", ""),
])
def test_an_indicator_named_like_a_level_label_keeps_its_name(
    level1: str, level2: str, name: str, target: str, unit: str
) -> None:
    parsed = _parse(_table([HEADER, [level1, level2, "群众满意度", "≥90", "%"], ["", "", name, target, unit]]))
    row = parsed.tables[0].rows[1]
    assert (row.level1, row.level2, row.level3, row.target) == (level1, level2, name, target)
    assert not _codes(parsed.findings, "row_realigned")
    assert not _codes(parsed.findings, "missing_indicator_name")


def test_a_full_row_whose_name_is_a_label_is_not_moved() -> None:
    parsed = _parse(_table([HEADER, ["满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90", "%"]]))
    [row] = parsed.tables[0].rows
    assert (row.level2, row.level3, row.target, row.unit) == ("服务对象满意度指标", "服务对象满意度", "≥90", "%")
    assert not _codes(parsed.findings, "row_realigned")


def test_a_new_level1_without_level2_keeps_its_indicator_name() -> None:
    parsed = _parse(_table([HEADER, ["产出指标", "数量指标", "人数", "≥100", "人"], ["满意度指标", "", "满意度", "≥90", "%"]]))
    row = parsed.tables[0].rows[1]
    assert (row.level1, row.level2, row.level3, row.target) == ("满意度指标", None, "满意度", "≥90")
    assert not _codes(parsed.findings, "row_realigned")


def test_a_row_shifted_left_by_collapsed_merges_is_still_realigned() -> None:
    """Sample 004's shape: the 定量 cell left of the 指标值类型 column shows the shift."""
    header = ["一级指标", "权重", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位", "指标值内容"]
    shifted = ["服务对象满意度", "职工整体满意度", "定量", "≥95", "%", "", "通过问卷调查、现场回访，接受工会服务的职工满意"]
    parsed = _parse(_table([header, shifted]))
    [row] = parsed.tables[0].rows
    assert (row.level1, row.level3, row.value_type, row.target, row.unit) == (
        "服务对象满意度", "职工整体满意度", "定量", "≥95", "%")
    assert row.description and row.description.startswith("通过问卷调查")
    assert [f.row_index for f in _codes(parsed.findings, "row_realigned")] == [0]


# B. a target printed in the unit column


def test_a_target_printed_in_the_unit_column_becomes_the_target() -> None:
    parsed = _parse(_table([HEADER, ["产出指标", "数量指标", "人数", "", "≥100人"], ["", "", "覆盖率", "", "≥95%"]]))
    rows = parsed.tables[0].rows
    assert [(r.level3, r.target, r.unit) for r in rows] == [("人数", "≥100人", None), ("覆盖率", "≥95%", None)]
    realigned = _codes(parsed.findings, "row_realigned")
    assert [f.row_index for f in realigned] == [0, 1] and "≥100人" in realigned[0].message


@pytest.mark.parametrize("unit", ["%", "人次", "工作日", "-"])
def test_a_real_unit_with_an_empty_target_stays_the_unit(unit: str) -> None:
    parsed = _parse(_table([HEADER, ["产出指标", "数量指标", "人数", "", unit]]))
    [row] = parsed.tables[0].rows
    assert (row.level3, row.target, row.unit) == ("人数", None, unit)
    assert not _codes(parsed.findings, "row_realigned")


def test_a_unit_column_target_does_not_replace_a_printed_target() -> None:
    parsed = _parse(_table([HEADER, ["产出指标", "数量指标", "人数", "≥100", "≥100人"]]))
    [row] = parsed.tables[0].rows
    assert (row.target, row.unit) == ("≥100", "≥100人")


# C. columns the lexicon does not know


UNKNOWN_HEADER = ["一级指标", "二级指标", "三级指标", "第三方参考值", "年度指标值"]


def test_cells_under_an_unknown_column_are_kept_as_extra_cells() -> None:
    parsed = _parse(_table([
        UNKNOWN_HEADER, ["产出指标", "数量指标", "发放人数", "≥500人", "≥100人"], ["", "", "发放次数", "≥10次", "≥2次"]]))
    [table] = parsed.tables
    assert [(r.level1, r.level2, r.level3, r.target, r.extra) for r in table.rows] == [
        ("产出指标", "数量指标", "发放人数", "≥100人", [("第三方参考值", "≥500人")]),
        ("产出指标", "数量指标", "发放次数", "≥2次", [("第三方参考值", "≥10次")]),
    ]
    assert table.columns == ["level1", "level2", "level3", "target"]
    assert not _codes(parsed.findings, "unplaced_row") and not _codes(parsed.findings, "row_realigned")
    [finding] = _codes(parsed.findings, "unrecognised_column")
    assert finding.severity == "info" and finding.table_index == 0 and "第三方参考值" in finding.message


def test_a_grid_continued_after_a_repeated_header_reports_its_unknown_columns_once() -> None:
    first = _table([UNKNOWN_HEADER, ["产出指标", "数量指标", "发放人数", "≥500人", "≥100人"]])
    second = _table([UNKNOWN_HEADER, ["", "", "发放次数", "≥10次", "≥2次"]])
    parsed = _parse(first, second)
    [table] = parsed.tables
    assert [r.level3 for r in table.rows] == ["发放人数", "发放次数"]
    assert len(_codes(parsed.findings, "unrecognised_column")) == 1


def test_cells_beyond_the_last_header_column_are_still_unplaced() -> None:
    parsed = _parse(_table([UNKNOWN_HEADER, ["产出指标", "数量指标", "发放人数", "≥500人", "≥100人", "多出来的一格"]]))
    [row] = parsed.tables[0].rows
    assert row.target == "≥100人" and row.extra == [("第三方参考值", "≥500人")]
    [finding] = _codes(parsed.findings, "unplaced_row")
    assert "多出来的一格" in finding.message


def test_a_realigned_row_leaves_its_extra_cells_where_they_are() -> None:
    header = ["一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位", "第三方参考值"]
    shifted = ["服务对象满意度", "群众满意度", "定量", "≥95", "%", "", "≥90"]
    parsed = _parse(_table([header, shifted]))
    [row] = parsed.tables[0].rows
    assert (row.level1, row.level3, row.value_type, row.target, row.unit) == (
        "服务对象满意度", "群众满意度", "定量", "≥95", "%")
    assert row.extra == [("第三方参考值", "≥90")]
    assert len(_codes(parsed.findings, "row_realigned")) == 1
    assert not _codes(parsed.findings, "unplaced_row")


def test_a_long_term_column_beside_the_annual_target_keeps_its_own_value() -> None:
    parsed = _parse(_table([["一级指标", "二级指标", "三级指标", "实施期指标值", "年度指标值"],
                            ["产出指标", "数量指标", "发放人数", "≥500人", "≥100人"]]))
    [row] = parsed.tables[0].rows
    assert (row.target, row.long_term, row.extra) == ("≥100人", "≥500人", [])


def test_a_second_header_of_the_same_meaning_is_kept_as_an_extra_column() -> None:
    from goaltables.extract.model import Cell, Document, Paragraph, Table
    from goaltables.extract.parser import parse
    from goaltables.normalize.taxonomy import default_taxonomy

    rows = [["一级指标", "二级指标", "三级指标", "指标值", "年度指标值"], ["产出指标", "数量指标", "发放人数", "≥500人", "≥100人"]]
    table = Table([Cell(t, r, c) for r, row in enumerate(rows) for c, t in enumerate(row)])
    parsed = parse(Document([Paragraph("发放项目绩效目标表"), table], "txt"), default_taxonomy())
    [row] = parsed.tables[0].rows
    assert (row.target, row.extra) == ("≥500人", [("年度指标值", "≥100人")])
    assert not [f for f in parsed.findings if f.code == "unplaced_row"]
