"""The goal-table parser on the real samples and on small documents built from their cells."""

from __future__ import annotations

from goaltables.extract.findings import Finding
from goaltables.extract.model import Cell, Document, Paragraph, Table
from goaltables.extract.parser import parse
from goaltables.extract.readers.text import read
from goaltables.normalize.taxonomy import default_taxonomy
from tests.conftest import SAMPLE_000, SAMPLE_004

VOCAB = default_taxonomy()


def _codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def _table(rows: list[list[str]]) -> Table:
    return Table([Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])


HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def test_sample_000_has_four_project_tables_of_seven_rows_and_four_unit_goals() -> None:
    parsed = parse(read(SAMPLE_000.read_bytes()), VOCAB)
    assert [(t.kind, len(t.rows)) for t in parsed.tables] == [("project", 7)] * 4
    assert [g.title for g in parsed.unit_goals] == [
        "抓好工会党建工作，凝心聚力促发展",
        "落实廉政举措，奏响职工思政乐章",
        "推进工会规范化，关爱“童”行暖人心",
        "抓审计控经费，工会财务“精细管”",
    ]
    assert all(t.spending_plan == [("3月底", "25%"), ("6月底", "50%"), ("10月底", "75%"), ("12月底", "100%")]
               for t in parsed.tables)


def test_merged_level1_cells_are_filled_down_and_each_repair_is_recorded() -> None:
    parsed = parse(read(SAMPLE_000.read_bytes()), VOCAB)
    first = parsed.tables[0]
    assert [r.level1 for r in first.rows] == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]
    filled = [(f.table_index, f.row_index) for f in _codes(parsed.findings, "label_filled_down")]
    assert filled == [(t, r) for t in range(4) for r in (1, 2, 3, 5)]


def test_shifted_rows_of_sample_004_are_realigned_by_content_and_reported() -> None:
    parsed = parse(read(SAMPLE_004.read_bytes()), VOCAB)
    [table] = parsed.tables
    rows = table.rows
    assert len(rows) == 35
    assert (rows[10].level1, rows[10].level2, rows[10].level3, rows[10].value_type, rows[10].target) == (
        "基本运行指标", "绩效管理", "绩效管理制度健全性", "定性", "健全")
    assert (rows[26].level1, rows[26].level2, rows[26].weight, rows[26].level3, rows[26].target, rows[26].unit) == (
        "服务对象满意度", None, None, "职工整体满意度", "≥95", "%")
    assert (rows[27].level1, rows[27].level3, rows[27].target) == ("服务对象满意度", "基层工会满意度", "≥90")
    assert (rows[34].level1, rows[34].weight, rows[34].level2, rows[34].level3, rows[34].target) == (
        "可持续发展能力指标", "20", "改革创新", "工作数字化推进度", "稳步推进")
    assert [f.row_index for f in _codes(parsed.findings, "row_realigned")] == [10, 26, 27, 34]
    assert all(f.raw for f in _codes(parsed.findings, "row_realigned"))


def test_unshifted_rows_are_never_moved() -> None:
    parsed = parse(read(SAMPLE_004.read_bytes()), VOCAB)
    moved = {f.row_index for f in _codes(parsed.findings, "row_realigned")}
    for row in parsed.tables[0].rows:
        if row.row_index not in moved:
            printed = [c for c in row.raw if c]
            placed = [v for v in (row.level1, row.weight, row.level2, row.level3, row.value_type, row.target,
                                  row.unit, row.description, row.basis) if v]
            assert set(printed) <= set(placed)


def test_overall_budget_block_is_read_by_label() -> None:
    [table] = parse(read(SAMPLE_004.read_bytes()), VOCAB).tables
    form = table.form
    assert table.kind == "overall" and table.money_unit == "万元"
    assert (form.unit_name, form.budget_personnel, form.budget_public, form.budget_basic) == (
        ["宁县总工会"], ["130.4"], ["12.42"], ["142.82"])
    assert (form.budget_total, form.budget_fiscal, form.budget_fiscal_parts, form.budget_other) == (
        ["142.82"], [], ["142.82"], [])


def test_a_row_no_column_can_hold_is_kept_as_a_finding() -> None:
    table = _table([HEADER, ["产出指标", "数量指标", "培训人数", "≥100人", "多出来的一格", "又一格"]])
    parsed = parse(Document([Paragraph("培训项目绩效目标表"), table], "txt"), VOCAB)
    [row] = parsed.tables[0].rows
    assert row.level3 == "培训人数" and row.target == "≥100人"
    [finding] = _codes(parsed.findings, "unplaced_row")
    assert "多出来的一格" in finding.message and finding.raw.endswith("又一格")


def test_label_only_rows_set_context_and_non_indicator_blocks_are_skipped_with_a_finding() -> None:
    table = _table([
        HEADER,
        ["产出指标", "数量指标", "", ""],
        ["", "", "培训人数", "≥100人"],
        ["审核意见", "同意", "", ""],
        ["", "", "签字", "2025年"],
    ])
    parsed = parse(Document([Paragraph("培训项目绩效目标表"), table], "txt"), VOCAB)
    [row] = parsed.tables[0].rows
    assert (row.level1, row.level2, row.level3) == ("产出指标", "数量指标", "培训人数")
    assert len(_codes(parsed.findings, "label_only_row")) == 1
    assert len(_codes(parsed.findings, "skipped_block")) == 2


def test_grid_continued_in_a_second_table_with_repeated_header_is_one_grid() -> None:
    first = _table([HEADER, ["产出指标", "数量指标", "培训人数", "≥100人"]])
    second = _table([HEADER, ["", "质量指标", "合格率", "≥95%"]])
    parsed = parse(Document([Paragraph("培训项目绩效目标表"), first, second], "txt"), VOCAB)
    [table] = parsed.tables
    assert [(r.level1, r.level2, r.level3) for r in table.rows] == [
        ("产出指标", "数量指标", "培训人数"), ("产出指标", "质量指标", "合格率")]


def test_explicit_vertical_merge_is_not_reported_as_a_repair() -> None:
    cells = [Cell(t, 0, c) for c, t in enumerate(HEADER)] + [
        Cell("产出指标", 1, 0, row_span=2), Cell("数量指标", 1, 1), Cell("培训人数", 1, 2), Cell("100人", 1, 3),
        Cell("质量指标", 2, 1), Cell("合格率", 2, 2), Cell("95%", 2, 3),
    ]
    parsed = parse(Document([Paragraph("培训项目绩效目标表"), Table(cells)], "docx"), VOCAB)
    assert [r.level1 for r in parsed.tables[0].rows] == ["产出指标", "产出指标"]
    assert not _codes(parsed.findings, "label_filled_down")


def test_a_title_inside_the_first_table_row_names_the_table() -> None:
    table = _table([["2025年培训项目绩效目标表"], ["项目名称", "培训"], HEADER, ["产出指标", "数量指标", "人数", "10人"]])
    [parsed] = parse(Document([table], "docx"), VOCAB).tables
    assert parsed.title == "2025年培训项目绩效目标表" and parsed.form.project_name == ["培训"]
