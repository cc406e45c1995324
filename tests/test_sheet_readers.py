"""Excel (.xlsx, .xls) and web-page (.html) readers: the model they build and the rows it gives.

Fixtures come from tests/fixtures/make_sheet_fixtures.py (generated from the real samples);
small workbooks and pages for single features are built here, in memory.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Cell, Document, Paragraph, Table
from goaltables.extract.readers import html, xls, xlsx
from goaltables.extract.registry import read_document, reader_for
from goaltables.extract.sniff import sniff
from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings
from tests import golden
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004

SAMPLES = {"000": SAMPLE_000, "004": SAMPLE_004}
SHEET_FIXTURES = ["xlsx/000.xlsx", "xlsx/004.xlsx", "xls/000.xls", "xls/004.xls",
                  "html/000.html", "html/004.html", "xls/000_as.xls"]


def xlsx_bytes(build: Callable[[openpyxl.Workbook], None]) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def texts(table: Table) -> list[list[str]]:
    return [[slot.text for slot in row if not slot.continued] for row in table.rows()]


def cell_at(table: Table, row: int, col: int) -> Cell:
    return next(c for c in table.cells if c.row == row and c.col == col)


def find_cell(doc: Document, text: str) -> Cell:
    return next(c for t in doc.tables() for c in t.cells if c.text == text)


# --------------------------------------------------------------------------- equivalence


@pytest.fixture(scope="module")
def txt_rows() -> dict[str, dict]:
    return {name: golden.without_location(golden.records(path)) for name, path in SAMPLES.items()}


@pytest.mark.parametrize("fixture", SHEET_FIXTURES)
@pytest.mark.parametrize("table", ["goal_tables", "indicators"])
def test_sheet_formats_give_the_text_samples_rows(fixture: str, table: str, txt_rows: dict) -> None:
    expected = txt_rows[Path(fixture).name[:3]][table]
    actual = golden.without_location(golden.records(FIXTURES / fixture))[table]
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got == want


def test_web_page_keeps_the_narrative_goals(txt_rows: dict) -> None:
    actual = golden.without_location(golden.records(FIXTURES / "html/000.html"))
    assert actual["unit_goals"] == txt_rows["000"]["unit_goals"]


# --------------------------------------------------------------------------- xlsx model


@pytest.fixture(scope="module")
def doc_000() -> Document:
    return xlsx.read((FIXTURES / "xlsx/000.xlsx").read_bytes())


def test_every_sheet_in_order_with_its_tables_separate(doc_000: Document) -> None:
    sheets = [t.pos.sheet for t in doc_000.tables()]
    assert sheets == ["项目1", "项目1", "项目2", "项目2", "项目3", "项目3", "项目4", "项目4"]
    assert [t.pos.block for t in doc_000.tables()] == list(range(8))
    assert doc_000.file_format == "xlsx" and doc_000.notes == []


def test_merged_ranges_are_one_cell_with_spans(doc_000: Document) -> None:
    form, grid = doc_000.tables()[:2]
    assert cell_at(form, 0, 0).col_span == 7 and cell_at(form, 0, 0).text.endswith("救助资金绩效目标表")
    assert (cell_at(form, 3, 0).text, cell_at(form, 3, 0).row_span) == ("预算规模及资金用途", 2)
    assert (cell_at(grid, 1, 0).text, cell_at(grid, 1, 0).row_span) == ("产出指标", 4)
    assert not any(c.text == "产出指标" for c in grid.cells if c.row > 1)  # never repeated text


def test_percent_format_shows_percentages(doc_000: Document) -> None:
    raw = openpyxl.load_workbook(FIXTURES / "xlsx/000.xlsx")["项目1"]["B7"]
    assert (raw.value, raw.number_format) == (0.25, "0%")
    assert texts(doc_000.tables()[0])[6] == ["25%", "50%", "75%", "100%"]


def test_formula_cells_read_from_cached_values(doc_000: Document) -> None:
    assert openpyxl.load_workbook(FIXTURES / "xlsx/000.xlsx")["项目1"]["C4"].value == "=E4+G4"
    assert cell_at(doc_000.tables()[0], 3, 2).text == "50.00"  # cached 50 under "0.00"
    doc_004 = xlsx.read((FIXTURES / "xlsx/004.xlsx").read_bytes())
    assert openpyxl.load_workbook(FIXTURES / "xlsx/004.xlsx").active["D7"].value == "=D5+D6"
    assert cell_at(doc_004.tables()[0], 6, 3).text == "142.82"  # 130.4 + 12.42 without float noise


def test_formula_without_cached_value_reads_empty_with_a_note() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        ws = wb.active
        ws.title = "预算"
        ws["A5"], ws["B5"], ws["C5"], ws["C6"] = "预算数", "=C5+C6", 1, 2

    doc = xlsx.read(xlsx_bytes(build))
    assert texts(doc.tables()[0])[0] == ["预算数", "", "1"]
    assert doc.notes == ["sheet 预算 cell B5: formula =C5+C6 has no cached value"]


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (10891.615675000001, "General", "10891.615675"),
    (50, "General", "50"),
    (50.0, "General", "50"),
    (50, "0.00", "50.00"),
    (1, "0%", "100%"),
    (0.95, "0%", "95%"),
    (0.955, "0.0%", "95.5%"),
    (1234567.5, "#,##0.00", "1,234,567.50"),
    (100, '0"人"', "100人"),
    (datetime(2025, 3, 31), "yyyy-mm-dd", "2025-03-31"),
    (datetime(2025, 3, 31), 'yyyy"年"m"月"d"日"', "2025-03-31"),
    (True, "General", "TRUE"),
])
def test_values_as_excel_shows_them(value: object, number_format: str, shown: str) -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active["A1"] = value
        wb.active["A1"].number_format = number_format

    assert xlsx.read(xlsx_bytes(build)).tables()[0].cells[0].text == shown


def test_hidden_sheets_rows_and_columns_are_read_and_named() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active.title = "可见"
        wb.active["A1"], wb.active["A2"], wb.active["C1"] = "一", "二", "三"
        wb.active.row_dimensions[2].hidden = True
        wb.active.column_dimensions["C"].hidden = True
        secret = wb.create_sheet("隐藏")
        secret["A1"] = "藏"
        secret.sheet_state = "hidden"

    doc = xlsx.read(xlsx_bytes(build))
    assert [c.text for t in doc.tables() for c in t.cells if c.text] == ["一", "三", "二", "藏"]
    assert doc.notes == ["sheet 可见: hidden rows 2 were read", "sheet 可见: hidden columns C were read",
                         "sheet 隐藏 is hidden (hidden) and was read"]


def test_empty_rows_split_a_sheet_into_tables_and_empty_sheets_are_skipped() -> None:
    def build(wb: openpyxl.Workbook) -> None:
        wb.active["A1"], wb.active["B2"], wb.active["A4"] = "甲", "乙", "丙"
        wb.create_sheet("空")

    doc = xlsx.read(xlsx_bytes(build))
    assert [texts(t) for t in doc.tables()] == [[["甲", ""], ["", "乙"]], [["丙"]]]


def test_workbook_with_only_empty_sheets_has_no_blocks() -> None:
    doc = xlsx.read((FIXTURES / "bad/empty_sheet.xlsx").read_bytes())
    assert doc.blocks == []
    result = process_file(FIXTURES / "bad/empty_sheet.xlsx", "empty_sheet.xlsx", Settings())
    assert result.document.status == "no_goal_tables"


def test_encrypted_workbook_is_rejected_with_a_clear_sentence() -> None:
    data = (FIXTURES / "bad/encrypted.xlsx").read_bytes()
    with pytest.raises(DocumentLoadError, match="encrypted Office file: remove the password"):
        sniff(data)
    with pytest.raises(DocumentLoadError, match="encrypted"):
        xlsx.read(data)
    result = process_file(FIXTURES / "bad/encrypted.xlsx", "encrypted.xlsx", Settings())
    assert result.document.status == "failed" and "password" in result.document.error


def test_corrupt_workbooks_raise_load_errors() -> None:
    with pytest.raises(DocumentLoadError, match="^corrupt Excel file: "):
        xlsx.read((FIXTURES / "bad/corrupt.xlsx").read_bytes())
    with pytest.raises(DocumentLoadError, match="^corrupt Excel 97-2003 file: "):
        xls.read((FIXTURES / "xls/000.xls").read_bytes()[:3000])
    result = process_file(FIXTURES / "bad/corrupt.xlsx", "corrupt.xlsx", Settings())
    assert result.document.status == "failed"


# --------------------------------------------------------------------------- xls model


@pytest.mark.parametrize("name", ["000", "004"])
def test_xls_gives_the_same_model_as_xlsx(name: str) -> None:
    def shape(doc: Document) -> list[list[tuple]]:
        return [[(c.text, c.row, c.col, c.row_span, c.col_span) for c in t.cells] for t in doc.tables()]

    from_xls = xls.read((FIXTURES / f"xls/{name}.xls").read_bytes())
    assert from_xls.file_format == "xls"
    assert shape(from_xls) == shape(xlsx.read((FIXTURES / f"xlsx/{name}.xlsx").read_bytes()))


# --------------------------------------------------------------------------- html model


def page(body: str, head: str = '<meta charset="utf-8">', encoding: str = "utf-8") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode(encoding)


def test_rowspans_shift_later_cells_to_their_true_columns() -> None:
    doc = html.read(page(
        "<table><tr><td rowspan=3>一级</td><td rowspan=2>二级</td><td>a</td><td colspan=2>b</td></tr>"
        "<tr><td>c</td><td rowspan=2>d</td><td>e</td></tr>"
        "<tr><td>f</td><td>g</td><td>h</td></tr></table>"))
    table = doc.tables()[0]
    positions = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in table.cells}
    assert positions == {"一级": (0, 0, 3, 1), "二级": (0, 1, 2, 1), "a": (0, 2, 1, 1), "b": (0, 3, 1, 2),
                         "c": (1, 2, 1, 1), "d": (1, 3, 2, 1), "e": (1, 4, 1, 1),
                         "f": (2, 1, 1, 1), "g": (2, 2, 1, 1), "h": (2, 4, 1, 1)}


def test_text_nested_tables_scripts_and_line_breaks() -> None:
    doc = html.read(page(
        "<style>p {color: red}</style><h2>项目绩效目标表</h2><script>document.write('<table>')</script>"
        "<div>单位：万元</div><table><tr><td>外<br>层<table><tr><td>内</td></tr></table></td>"
        "<td rowspan=9>  多   空格 </td></tr></table><p>表后说明</p>"))
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else texts(b)) for b in doc.blocks]
    assert kinds == [("Paragraph", "项目绩效目标表"), ("Paragraph", "单位：万元"),
                     ("Table", [["外\n层", "多 空格"]]), ("Table", [["内"]]), ("Paragraph", "表后说明")]
    assert doc.tables()[0].cells[1].row_span == 1  # a rowspan past the last row is cut, as browsers do


@pytest.mark.parametrize("head", ['<meta charset="gbk">', '<meta charset=GB2312>',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'])
def test_declared_chinese_encodings_are_honoured(head: str) -> None:
    # 镕 is in GBK but not in GB2312: pages declaring GB2312 still carry it.
    doc = html.read(page("<p>朱镕基 绩效目标表</p>", head, "gbk"))
    assert doc.paragraphs()[0].text == "朱镕基 绩效目标表"
    assert doc.encoding == "gb18030" and doc.notes == []


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_undeclared_encoding_is_guessed(encoding: str) -> None:
    doc = html.read(page("<p>一级指标</p>", head="", encoding=encoding))
    assert doc.paragraphs()[0].text == "一级指标" and doc.encoding == encoding


def test_wrong_declaration_falls_back_with_a_note() -> None:
    doc = html.read(page("<p>一级指标</p>", head='<meta charset="utf-8">', encoding="gbk"))
    assert doc.paragraphs()[0].text == "一级指标"
    assert doc.notes == ["page declares charset utf-8 but is not valid utf-8; read as gb18030"]


def test_html_fixture_has_real_spans() -> None:
    doc = html.read((FIXTURES / "html/000.html").read_bytes())
    assert doc.encoding == "gb18030"
    assert find_cell(doc, "产出指标").row_span == 4
    assert find_cell(doc, "预算规模及资金用途").row_span == 2


def test_xls_that_is_really_html_goes_to_the_html_reader() -> None:
    data = (FIXTURES / "xls/000_as.xls").read_bytes()
    assert sniff(data) == "html"
    doc = read_document(data)
    assert doc.file_format == "html" and find_cell(doc, "25%").col == 1


def test_readers_are_registered() -> None:
    assert reader_for("xlsx") is xlsx.read
    assert reader_for("xls") is xls.read
    assert reader_for("html") is html.read
