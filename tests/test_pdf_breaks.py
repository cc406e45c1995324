"""Issue 9, PDF: running headers stripped, rows cut by a page break joined by the parser (never
by the reader) and recorded, image-only pages and pdfminer's data-loss warnings reported.
Fixtures: tests/fixtures/make_trust_fixtures.py (LibreOffice-rendered, committed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltables.extract.model import Cell, Document, Paragraph, SourcePos, Table
from goaltables.extract.parser import parse
from goaltables.extract.readers.pdf import read
from goaltables.normalize.taxonomy import default_taxonomy
from goaltables.pipelines.process import FileResult, process_file
from goaltables.pipelines.settings import Settings
from tests.fixtures.make_trust_fixtures import FOOTER, HEADER, N_ROWS, indicator_rows

TRUST = Path(__file__).resolve().parent / "fixtures" / "trust"


def _run(name: str) -> FileResult:
    return process_file(TRUST / name, name, Settings())


def _codes(result: FileResult, code: str) -> list:
    return [f for f in result.findings if f.code == code]


def test_pdf_narrow_table_120_rows_stay_120() -> None:
    result = _run("narrow_120.pdf")
    want = indicator_rows()
    got = [(r.level1_raw, r.level2_raw, r.level3, r.description, r.target_raw) for r in result.indicators]
    assert len(got) == N_ROWS
    assert got == [tuple(row) for row in want]  # no text moved between rows, no phantom row
    joins = _codes(result, "row_continued")
    assert joins and all(" ‖ " in f.raw for f in joins)
    assert not _codes(result, "label_only_row") and not _codes(result, "missing_indicator_name")
    assert result.document.status == "ok"


def test_pdf_running_header_and_footer_stripped() -> None:
    document = read((TRUST / "narrow_120.pdf").read_bytes())
    texts = [b.text for b in document.blocks if isinstance(b, Paragraph)]
    assert HEADER not in texts and FOOTER not in texts
    grid = document.tables()[-1]
    assert {c.pos.page for c in grid.cells} == set(range(1, 14))  # one table over all 13 pages


def test_pdf_reader_does_not_glue_rows() -> None:
    grid = read((TRUST / "narrow_120.pdf").read_bytes()).tables()[-1]
    joins = len(_codes(_run("narrow_120.pdf"), "row_continued"))
    assert joins > 0 and grid.n_rows == 1 + N_ROWS + joins  # header, indicators, each cut row's rest
    breaks = {c.pos.page for c in grid.cells if c.pos.after_break}
    assert breaks == set(range(2, 14))  # the first row of every later page carries the evidence


def test_pdf_page_without_text_layer_flagged() -> None:
    result = _run("with_scan.pdf")
    [note] = _codes(result, "reader_note")
    assert "page(s) 2 have no text layer" in note.message
    assert result.document.status == "partial" and all(t.needs_review for t in result.tables)


def test_pdf_data_loss_warning_is_a_finding(capfd: pytest.CaptureFixture[str]) -> None:
    result = _run("data_loss.pdf")
    [note] = _codes(result, "reader_note")
    assert "Data-loss while decompressing" in note.message
    assert result.document.status == "partial"
    assert "Data-loss" not in capfd.readouterr().err  # the file's finding, not stderr noise


def _break_table(target: str) -> Document:
    """A grid whose second row starts a new page and continues wrapped cells above it."""
    header = ["一级指标", "三级指标", "绩效指标描述", "指标值"]
    first = ["产出指标", "培训人数", "按计划组织", "≥100人"]
    rest = ["", "", "实施", target]
    after = SourcePos(page=2, after_break=True, flows_from_above=True)
    cells = [Cell(t, 0, c, pos=SourcePos(page=1)) for c, t in enumerate(header)]
    cells += [Cell(t, 1, c, pos=SourcePos(page=1)) for c, t in enumerate(first)]
    cells += [Cell(t, 2, c, pos=after) for c, t in enumerate(rest)]
    return Document([Paragraph("培训项目绩效目标表"), Table(cells)], "pdf")


def test_continuation_joins_a_rest_without_target() -> None:
    parsed = parse(_break_table(""), default_taxonomy())
    [row] = parsed.tables[0].rows
    assert row.description == "按计划组织实施"
    assert [f.code for f in parsed.findings if f.code == "row_continued"] == ["row_continued"]


def test_continuation_never_swallows_a_row_with_its_own_target() -> None:
    parsed = parse(_break_table("≥50人"), default_taxonomy())
    assert len(parsed.tables[0].rows) == 2
    assert not [f for f in parsed.findings if f.code == "row_continued"]


def test_pdf_debug_view_draws_the_joins(tmp_path: Path) -> None:
    from goaltables.extract.readers.pdf_debug import draw, page_breaks

    views = page_breaks((TRUST / "narrow_120.pdf").read_bytes())
    joined = sum(len(v.joined) for v in views.values())
    assert joined == len(_codes(_run("narrow_120.pdf"), "row_continued"))
    assert all(len(views[p].stripped) == 2 for p in range(1, 14))  # header and footer on every page
    assert len(draw(TRUST / "narrow_120.pdf", tmp_path)) == 13


def test_pdf_repeated_title_is_not_taken_for_a_running_header() -> None:
    from goaltables.extract.readers.pdf_pages import strip_running_lines
    from goaltables.extract.readers.pdf_text import Line

    class Table:
        bbox = (40.0, 60.0, 500.0, 550.0)

    class Page:
        def __init__(self, n: int) -> None:
            self.lines = [Line("项目支出绩效目标表", 40, 200, 40, 50, 12), Line(f"第{n}页", 90, 120, 560, 570, 9)]
            self.tables = [Table()]

    pages = [Page(n) for n in range(1, 5)]
    strip_running_lines(pages)
    assert [[line.text for line in page.lines] for page in pages] == [["项目支出绩效目标表"]] * 4


def test_pdf_spreadsheet_printed_in_strips_keeps_its_repeated_rows() -> None:
    # Calc prints a wide sheet in column strips: its rows repeat at the same place on every
    # strip, and they are content (the trap fixture excel_split_columns.pdf)
    result = process_file(TRUST.parent / "files" / "traps" / "excel_split_columns.pdf", "x.pdf", Settings())
    assert result.document.status != "no_goal_tables"


def test_pdf_stream_cut_short_is_a_data_loss_finding() -> None:
    # pdfminer decompresses a cut stream as far as it goes and warns about nothing
    result = _run("cut_stream.pdf")
    assert result.document.n_indicators < N_ROWS
    [note] = _codes(result, "reader_note")
    assert "damaged compressed stream" in note.message and result.document.status == "partial"
