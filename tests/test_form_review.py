"""Header-block and text-reader cases found in review: money units, titles, second forms, skipped
blocks and cell-per-line text quirks. Each test names the wrong result it guards against."""

from __future__ import annotations

from goaltables.extract.findings import Finding
from goaltables.extract.goaltable import ParsedDocument
from goaltables.extract.model import Block, Cell, Document, Paragraph, Table
from goaltables.extract.parser import parse
from goaltables.extract.readers.text import read
from goaltables.normalize.document import normalize_document
from goaltables.normalize.records import GoalTableRecord
from goaltables.normalize.taxonomy import default_taxonomy

VOCAB = default_taxonomy()
HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]
GRID_TSV = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t人数\t≥100人\n"


def _tsv(text: str) -> ParsedDocument:
    return parse(read(text.encode("utf-8")), VOCAB)


def _docx(*blocks: Block) -> ParsedDocument:
    return parse(Document(list(blocks), "docx"), VOCAB)


def _table(rows: list[list[str]]) -> Table:
    return Table([Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])


def _records(parsed: ParsedDocument) -> list[GoalTableRecord]:
    return normalize_document(parsed, "d", VOCAB).tables


def _codes(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


# 1. only a declaration sets the money unit


def test_unit_in_a_project_name_does_not_make_the_budget_yuan() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t困难职工补助(元/人)\n预算数\t50\t其中：财政资金\t50\n" + GRID_TSV)
    [record] = _records(parsed)
    assert parsed.tables[0].money_unit is None
    assert (record.budget_total, record.budget_fiscal) == (50.0, 50.0)


def test_unit_in_fund_purpose_text_does_not_make_the_budget_yuan() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t救助\n资金用途\t按每人每月补助（元）标准发放\n预算数\t500\n" + GRID_TSV)
    [record] = _records(parsed)
    assert parsed.tables[0].money_unit is None and record.budget_total == 500.0


def test_unit_line_variants_are_declarations() -> None:
    for line, unit in [("单位：万元", "万元"), ("单位:元", "元"), ("金额单位：万元", "万元"), ("（单位：元）", "元")]:
        parsed = _tsv(f"项目绩效目标表\n\t{line}\n项目名称\t救助\n预算数\t500\n" + GRID_TSV)
        assert parsed.tables[0].money_unit == unit, line


def test_two_different_unit_declarations_keep_the_first_and_are_reported() -> None:
    parsed = _tsv("项目绩效目标表\n单位：万元\n项目名称\t救助\n预算数（元）\t50\n" + GRID_TSV)
    [record] = _records(parsed)
    assert record.money_unit == "万元" and record.budget_total == 50.0
    [finding] = _codes(parsed.findings, "money_unit_conflict")
    assert finding.severity == "warning" and finding.table_index == 0


# 2. unit and title paragraphs around the table


def test_unit_paragraph_before_the_title_applies_to_the_next_table() -> None:
    parsed = _tsv("单位：元\n项目绩效目标表\n项目名称\t救助\n预算数\t500000\t其中：财政资金\t500000\n" + GRID_TSV)
    [record] = _records(parsed)
    assert record.money_unit == "元" and record.budget_total == 50.0


def test_unit_paragraph_after_a_finished_grid_applies_to_the_next_table() -> None:
    first = _table([["项目名称", "甲"], ["预算数", "10"], HEADER, ["产出指标", "数量指标", "人数", "1人"]])
    second = _table([["项目名称", "乙"], ["预算数", "200000"], HEADER, ["产出指标", "数量指标", "次数", "2次"]])
    parsed = _docx(Paragraph("甲项目绩效目标表"), Paragraph("单位：万元"), first,
                   Paragraph("单位：元"), Paragraph("乙项目绩效目标表"), second)
    assert [(r.money_unit, r.budget_total) for r in _records(parsed)] == [("万元", 10.0), ("元", 20.0)]


def test_unit_survives_a_table_that_repeats_the_title_row() -> None:
    table = _table([["救助项目绩效目标表"], ["项目名称", "救助"], ["预算数", "500000"], HEADER,
                    ["产出指标", "数量指标", "人数", "1人"]])
    parsed = _docx(Paragraph("救助项目绩效目标表"), Paragraph("单位：元"), table)
    [record] = _records(parsed)
    assert record.title == "救助项目绩效目标表"
    assert (record.money_unit, record.budget_total) == ("元", 50.0)


def test_a_note_mentioning_绩效目标申报_is_not_a_title() -> None:
    table = _table([["单位名称", "宁县总工会"], ["人员经费", "10"], HEADER, ["产出指标", "数量指标", "人数", "≥1人"]])
    parsed = _docx(Paragraph("宁县总工会2025年部门整体支出绩效目标表"), Paragraph("单位：元"),
                   Paragraph("注：请按财政局要求于3月底前完成绩效目标申报。"), table)
    [table_out] = parsed.tables
    assert table_out.title == "宁县总工会2025年部门整体支出绩效目标表" and table_out.money_unit == "元"


def test_a_title_may_end_with_a_bracket_or_colon() -> None:
    for title in ["《救助项目绩效目标表》", "救助项目绩效目标表："]:
        parsed = _tsv(f"{title}\n项目名称\t救助\n" + GRID_TSV)
        assert parsed.tables[0].title == title


# 3. budget labels with a unit suffix, inline labels holding a colon


def test_budget_labels_with_a_wan_yuan_suffix_are_read_and_declare_the_unit() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t救助\n预算数（万元）\t50\t其中：财政资金（万元）\t50\n" + GRID_TSV)
    [record] = _records(parsed)
    assert (record.money_unit, record.budget_total, record.budget_fiscal) == ("万元", 50.0, 50.0)


def test_budget_labels_with_a_yuan_suffix_are_read_and_converted() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t救助\n项目资金总额(元)\t500000\t财政资金(元)\t500000\n" + GRID_TSV)
    [record] = _records(parsed)
    assert (record.money_unit, record.budget_total, record.budget_fiscal) == ("元", 50.0, 50.0)


def test_inline_label_holding_a_colon_keeps_its_value() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t救助\n预算数:50万元\t其中:财政资金:50万元\n" + GRID_TSV)
    form = parsed.tables[0].form
    assert (form.budget_total, form.budget_fiscal) == (["50万元"], ["50万元"])


# 4. a second form in the same Word table


def test_second_form_starting_with_预算数_after_a_grid_is_a_new_table() -> None:
    table = _table([
        ["项目名称", "甲"], ["预算数", "10"], HEADER, ["产出指标", "数量指标", "人数", "≥1人"],
        ["预算数", "20", "其中：财政资金", "20"], ["项目名称", "乙"], HEADER, ["产出指标", "数量指标", "次数", "≥2次"],
    ])
    parsed = _docx(table)
    assert [(t.form.project_name, t.form.budget_total, len(t.rows)) for t in parsed.tables] == [
        (["甲"], ["10"], 1), (["乙"], ["20"], 1)]
    assert all(r.level1 == "产出指标" for t in parsed.tables for r in t.rows)


def test_second_form_starting_with_主管部门_after_a_grid_is_a_new_table() -> None:
    table = _table([
        ["项目名称", "甲"], HEADER, ["产出指标", "数量指标", "人数", "≥1人"],
        ["主管部门", "县总工会"], ["项目名称", "乙"], HEADER, ["产出指标", "数量指标", "次数", "≥2次"],
    ])
    parsed = _docx(table)
    assert [t.form.project_name for t in parsed.tables] == [["甲"], ["乙"]]
    assert not _codes(parsed.findings, "label_only_row")


def test_level_labels_after_a_grid_stay_in_the_grid() -> None:
    table = _table([
        ["项目名称", "甲"], HEADER, ["产出指标", "数量指标", "人数", "≥1人"],
        ["满意度指标", "服务对象满意度指标", "满意度", "≥90%"],
    ])
    [out] = _docx(table).tables
    assert [r.level1 for r in out.rows] == ["产出指标", "满意度指标"]


# 5. 资金来源 in the header block


def test_资金来源_row_with_values_in_the_header_block_does_not_skip_the_grid() -> None:
    parsed = _tsv("项目绩效目标表\n单位：万元\n项目名称\t救助\n预算数\t50\t其中：财政资金\t50\n"
                  "资金来源\t财政拨款\t50\n" + GRID_TSV)
    [table] = parsed.tables
    assert [r.level3 for r in table.rows] == ["人数"]
    assert not _codes(parsed.findings, "skipped_block")
    assert not _codes(parsed.findings, "grid_without_header")


def test_a_block_headed_by_its_name_is_skipped_until_the_grid_header() -> None:
    parsed = _tsv("项目绩效目标表\n项目名称\t救助\n资金来源\t来源名称\t说明\n\t一般公共预算\t本级安排\n" + GRID_TSV)
    [table] = parsed.tables
    assert [r.level3 for r in table.rows] == ["人数"]
    assert len(_codes(parsed.findings, "skipped_block")) == 2


# 6. cell-per-line text


def test_cell_per_line_cell_continued_without_a_tab_stays_in_its_cell() -> None:
    text = ("项目绩效目标表\n\t项目名称\n\t救助\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n"
            "\t产出指标\n\t数量指标\n\t人数（含\n残疾人）\n\t≥100人\n\n\t\n\t\n\t次数\n\t≥3次\n")
    doc = read(text.encode("utf-8"))
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Table"]
    [table] = parse(doc, VOCAB).tables
    assert [(r.level1, r.level3, r.target) for r in table.rows] == [
        ("产出指标", "人数（含残疾人）", "≥100人"), ("产出指标", "次数", "≥3次")]


def test_cell_per_line_with_a_trailing_tab_on_every_cell_line_is_read_as_cells() -> None:
    lines = ["项目绩效目标表", "\t项目名称\t", "\t救助\t", "", "\t一级指标\t", "\t二级指标\t", "\t三级指标\t",
             "\t指标值\t", "", "\t产出指标\t", "\t数量指标\t", "\t人数\t", "\t≥100人\t", ""]
    doc = read("\r\n".join(lines).encode("utf-8"))
    [grid] = doc.tables()
    assert [[s.cell.text for s in row] for row in grid.rows()] == [
        ["项目名称", "救助"], HEADER, ["产出指标", "数量指标", "人数", "≥100人"]]
    [table] = parse(doc, VOCAB).tables
    assert table.form.project_name == ["救助"] and table.rows[0].target == "≥100人"
