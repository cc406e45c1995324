"""The PDF reader on the LibreOffice renderings of the real samples and on bad PDFs.

Fixtures: tests/fixtures/files/pdf/{000,004}.pdf (make_fixtures.py) and
tests/fixtures/files/bad/*.pdf (make_pdf_fixtures.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.goaltable import ROW_FIELDS
from goaltables.extract.model import Cell, Document, Table
from goaltables.extract.parser import parse
from goaltables.extract.readers import text as text_reader
from goaltables.extract.readers.pdf import read
from goaltables.extract.readers.pdf_grid import GridCell, TablePart, join
from goaltables.extract.readers.pdf_text import join_pieces, join_words
from goaltables.extract.registry import read_document, reader_for
from goaltables.extract.text import compact
from goaltables.normalize.taxonomy import default_taxonomy
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004

PDF_000 = FIXTURES / "pdf" / "000.pdf"
PDF_004 = FIXTURES / "pdf" / "004.pdf"
BAD = FIXTURES / "bad"
CJK_SPACE = re.compile(r"[\u4e00-\u9fff，。、：；（）【】“”]\s+[\u4e00-\u9fff，。、：；（）【】“”]")
VOCAB = default_taxonomy()


@pytest.fixture(scope="module")
def doc_000() -> Document:
    return read(PDF_000.read_bytes())


@pytest.fixture(scope="module")
def doc_004() -> Document:
    return read(PDF_004.read_bytes())


def _cell(table: Table, text: str) -> Cell:
    [cell] = [c for c in table.cells if c.text == text][:1]
    return cell


def _grids(doc: Document) -> list[Table]:
    return [t for t in doc.tables() if any(c.text == "一级指标" for c in t.cells)]


# -- the document model -----------------------------------------------------------------------


def test_pdf_is_registered_and_sniffed() -> None:
    assert reader_for("pdf") is read
    assert read_document(PDF_004.read_bytes()).file_format == "pdf"


def test_merged_level1_cells_keep_their_spans_and_are_not_repeated(doc_000: Document) -> None:
    grids = _grids(doc_000)
    assert len(grids) == 4
    for grid in grids:
        spans = [(c.text, c.row, c.row_span) for c in grid.cells if c.col == 0]
        assert [text for text, _, _ in spans] == ["一级指标", "产出指标", "效益指标", "满意度指标"]
        # contiguous: each label's merge ends where the next begins (a row cut by a page break
        # stays a row of its own under the merge; the parser joins it)
        assert all(row + span == nxt for (_, row, span), (_, nxt, _) in zip(spans, spans[1:]))
        assert spans[1][2] - _rests(grid) in (4, 3) and sum(c.text == "产出指标" for c in grid.cells) == 1


def _rests(table: Table) -> int:
    """Rows the reader marked as possibly continuing the row above across a page break."""
    rows: dict[int, list[Cell]] = {}
    for cell in table.cells:
        rows.setdefault(cell.row, []).append(cell)
    return sum(1 for cells in rows.values()
               if any(c.pos.after_break for c in cells) and all(c.pos.flows_from_above for c in cells if c.text))


def test_horizontal_merges_and_empty_cells_are_explicit(doc_000: Document) -> None:
    form = doc_000.tables()[0]
    assert (_cell(form, "711001怀来县总工会").col_span, _cell(form, "单位：万元").col_span) == (5, 2)
    assert _cell(form, "预算规模及资金用途").row_span == 2
    assert all(isinstance(c.text, str) for t in doc_000.tables() for c in t.cells)
    assert any(c.text == "" for c in form.cells)  # 其他资金's empty value cell is there, empty


def test_no_spaces_between_cjk_and_wrapped_cells_joined(doc_000: Document, doc_004: Document) -> None:
    for doc in (doc_000, doc_004):
        texts = [c.text for t in doc.tables() for c in t.cells] + [p.text for p in doc.paragraphs()]
        assert not [t for t in texts if CJK_SPACE.search(t)]
    form = doc_000.tables()[0]
    assert _cell(form, "其中：财政资金").col == 3  # wrapped over two lines in the PDF
    assert any(c.text == "13073025P00084910001M" for c in form.cells)  # a code broken mid-token


def test_latin_words_and_explicit_spaces_next_to_digits_are_kept() -> None:
    assert join_pieces("Annual", "report") == "Annual report"
    assert join_pieces("救助", "资金") == "救助资金"
    assert join_pieces("达到", "100%") == "达到100%"
    assert join_words([("率达", False), ("100%", True)]) == "率达 100%"  # a drawn space
    assert join_words([("711001", False), ("怀来县", False)]) == "711001怀来县"  # autospace gap only
    assert join_words([("工会", False), ("经费", True)]) == "工会经费"


def test_paragraphs_match_the_text_export_in_reading_order(doc_000: Document) -> None:
    txt = text_reader.read(SAMPLE_000.read_bytes())
    expected = [compact(p.text) for p in txt.paragraphs() if compact(p.text)]
    assert [compact(p.text) for p in doc_000.paragraphs()] == expected


def test_blocks_are_in_reading_order_with_page_positions(doc_000: Document) -> None:
    kinds = ["T" if isinstance(b, Table) else "P" for b in doc_000.blocks]
    assert "".join(kinds).endswith("PTT" * 4)  # title, header block, grid per goal table
    assert [b.pos.block for b in doc_000.blocks] == list(range(len(doc_000.blocks)))
    pages = [b.pos.page for b in doc_000.blocks]
    assert pages == sorted(pages) and pages[0] == 1 and pages[-1] >= 5


def test_table_continued_across_pages_is_one_table(doc_000: Document, doc_004: Document) -> None:
    [table] = doc_004.tables()
    assert {c.pos.page for c in table.cells} == {1, 2, 3, 4}
    assert table.n_rows == 9 + 1 + 35 + _rests(table)  # header block, grid header, indicator rows, cut rows
    assert _cell(table, "重点履职指标").row_span == 10  # the merge runs over a page break (no row cut there)
    form = doc_000.tables()[0]  # 000's first header block is cut by the page 3/4 break
    assert {c.pos.page for c in form.cells} == {3, 4} and form.n_rows == 7


def test_row_broken_across_a_page_is_kept_with_evidence(doc_004: Document) -> None:
    # the reader does not glue rows: the rest of the cut row is a row of its own, marked
    [table] = doc_004.tables()
    rest = next(c for c in table.cells if c.text.startswith("批、招标"))
    above = next(c for c in table.cells if c.col == rest.col and c.row == rest.row - 1)
    assert rest.pos.after_break and rest.pos.flows_from_above and rest.pos.page == above.pos.page + 1
    assert above.text.endswith("报")


def test_row_broken_across_a_page_is_joined_by_the_parser(doc_004: Document) -> None:
    parsed = parse(doc_004, VOCAB)
    [row] = [r for r in parsed.tables[0].rows if r.level3 == "政府采购规范性"]
    assert row.basis == "政府采购项目按规定履行报批、招标、验收等流程，采购档案完整规范"
    joins = [f for f in parsed.findings if f.code == "row_continued"]
    assert joins and all("‖" in f.raw for f in joins)


# -- joining parts (synthetic) ------------------------------------------------------------------


def _part(page: int, rows: list[list[tuple[str, int, bool]]], xs: list[float] | None = None) -> TablePart:
    """Rows of (text, row_span, flowing), one cell per column."""
    cells = [GridCell(text, r, c, span, 1, page, flowing)
             for r, row in enumerate(rows) for c, (text, span, flowing) in enumerate(row) if span]
    return TablePart(page, (0, 0, 300, 100), xs or [0.0, 100.0, 200.0, 300.0], len(rows), cells)


HEADER = [("一级指标", 1, False), ("三级指标", 1, False), ("指标值说明", 1, False)]


def test_join_drops_a_repeated_header_and_keeps_complete_rows() -> None:
    prev = _part(1, [HEADER, [("产出", 1, False), ("人数", 1, False), ("全年服务职工人次", 1, True)]])
    nxt = _part(2, [HEADER, [("效益", 1, False), ("影响", 1, False), ("无", 1, False)]], [0.5, 100.5, 199.0, 300.0])
    joined = join(prev, nxt)
    assert joined is not None and joined.n_rows == 3
    assert [c.text for c in joined.cells if c.row == 2] == ["效益", "影响", "无"]


def test_join_keeps_a_broken_row_and_marks_the_evidence() -> None:
    prev = _part(1, [HEADER, [("产出", 1, True), ("人数", 1, False), ("全年服务职工人", 1, True)]])
    nxt = _part(2, [[("指标", 2, False), ("", 1, False), ("次不少于100次", 1, False)],
                    [("", 0, False), ("时效", 1, False), ("及时", 1, False)]])
    joined = join(prev, nxt)
    assert joined is not None and joined.n_rows == 4  # nothing glued
    rest = [c for c in joined.cells if c.row == 2]
    assert [(c.text, c.after_break, c.flows_from_above) for c in rest] == [
        ("指标", True, True), ("", True, False), ("次不少于100次", True, True)]
    assert not any(c.after_break for c in joined.cells if c.row == 3)


def test_join_does_not_merge_a_new_row_under_text_that_ended() -> None:
    prev = _part(1, [HEADER, [("产出", 1, False), ("人数", 1, False), ("全年服务职工人次", 1, False)]])
    nxt = _part(2, [[("", 1, False), ("时效", 1, False), ("及时", 1, False)]])
    joined = join(prev, nxt)
    assert joined is not None and joined.n_rows == 3 and joined.cells[-1].text == "及时"


def test_join_refuses_different_columns() -> None:
    prev = _part(1, [HEADER])
    assert join(prev, _part(2, [HEADER], [0.0, 150.0, 200.0, 300.0])) is None
    assert join(prev, _part(2, [HEADER], [0.0, 100.0, 200.0, 420.0])) is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is needed to render the docx")
def test_repeated_header_after_a_page_break_is_dropped(tmp_path: Path) -> None:
    source = FIXTURES / "docx" / "000_continued.docx"
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    grids = _grids(read((tmp_path / "000_continued.pdf").read_bytes()))
    assert [g.n_rows for g in grids] == [8] * 4
    assert len({c.pos.page for c in grids[1].cells}) == 2
    assert sum(c.text == "一级指标" for c in grids[1].cells) == 1


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "message"), [
    ("scanned.pdf", "scanned PDF: no text layer"),
    ("encrypted.pdf", "encrypted PDF"),
    ("truncated.pdf", "corrupt or truncated PDF: "),
    ("cid.pdf", "PDF text is not extractable: its fonts have no Unicode mapping ((cid:…) codes)"),
])
def test_unreadable_pdfs_fail_with_a_reason(name: str, message: str) -> None:
    with pytest.raises(DocumentLoadError) as error:
        read((BAD / name).read_bytes())
    assert str(error.value).startswith(message)


def test_garbage_after_the_pdf_header_is_corrupt() -> None:
    with pytest.raises(DocumentLoadError, match="^corrupt or truncated PDF: "):
        read(b"%PDF-1.7\n" + bytes(range(256)) * 4)


# -- through the goal-table parser ---------------------------------------------------------------


@pytest.mark.parametrize(("pdf", "sample", "shape"), [
    (PDF_000, SAMPLE_000, [7, 7, 7, 7]),
    (PDF_004, SAMPLE_004, [35]),
])
def test_parser_reads_the_same_rows_as_from_the_text_export(pdf: Path, sample: Path, shape: list[int]) -> None:
    from_pdf = parse(read(pdf.read_bytes()), VOCAB)
    from_txt = parse(text_reader.read(sample.read_bytes()), VOCAB)
    assert [len(t.rows) for t in from_pdf.tables] == shape
    for ours, theirs in zip(from_pdf.tables, from_txt.tables):
        for a, b in zip(ours.rows, theirs.rows):
            # The text export keeps spaces a PDF line break makes unrecoverable ("率 100%" wrapped
            # at the space) and spaces between CJK that the reader drops on purpose.
            assert {f: compact(getattr(a, f)) for f in ROW_FIELDS} == {f: compact(getattr(b, f)) for f in ROW_FIELDS}
            short = ("level1", "level2", "weight", "value_type", "target", "unit")
            assert {f: getattr(a, f) for f in short} == {f: getattr(b, f) for f in short}
    assert not [f for f in from_pdf.findings if f.code in ("row_realigned", "unplaced_row")]  # merges are explicit


def test_debug_view_writes_one_png_per_page(tmp_path: Path) -> None:
    from goaltables.extract.readers.pdf_debug import main

    assert main([str(PDF_004), str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [f"004-p{n}.png" for n in range(1, 5)]
