"""PDF reader: ruled tables as merged-cell grids, other text as paragraphs, in reading order.

One pdfplumber pass per page: the table finder runs once and its cell rectangles serve both the
grid (spans) and the text (each glyph goes to the one cell that contains it). Text outside
tables becomes paragraphs. Pages are read in order and, within a page, blocks top to bottom; a
table cut by a page break is joined back into one table (see ``pdf_grid``).

Files we cannot read truthfully fail with a ``DocumentLoadError`` that says why: encrypted,
scanned (no text layer), fonts without a Unicode map (``(cid:…)`` codes), corrupt.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Block, Cell, Document, Paragraph, SourcePos, Table
from goaltables.extract.readers.pdf_grid import TablePart, join, split_page
from goaltables.extract.readers.pdf_pages import pdfminer_warnings, strip_running_lines
from goaltables.extract.readers.pdf_text import Char, Line, join_all, lines_of

T = TypeVar("T")
CID_FAIL_SHARE = 0.05  # more glyphs than this without a Unicode mapping: the text is unusable
_CID = "(cid:"
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?\s*([/／共]\s*\d+\s*页?)?[-—–\s]*$")
# Paragraph lines: a line continues the paragraph above when the line above ran to the right
# margin, this line starts at the left margin, and no extra space separates them.
FULL_LINE_SLACK = 2.5  # font sizes short of the right margin still count as a full line (kinsoku can
# push up to two characters to the next line)
MARGIN_SLACK = 1.0  # font sizes from the left margin still count as starting at it
PARAGRAPH_GAP = 0.8  # font sizes of blank space between lines that start a new paragraph


@dataclass(slots=True)
class _Page:
    """What one page contributes, before paragraphs and cross-page tables are settled."""

    number: int
    width: float
    tables: list[TablePart] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)


@dataclass(slots=True)
class _Stats:
    chars: int = 0
    cid_chars: int = 0
    pages_with_images: int = 0
    pages_without_text: list[int] = field(default_factory=list)  # pages that show an image but hold no text


def read(data: bytes) -> Document:
    """The PDF as blocks in reading order; raises ``DocumentLoadError`` when the text is unusable."""
    stats = _Stats()
    with pdfminer_warnings() as warnings:
        pages = _read_pages(data, stats)
    _check_text_layer(stats, len(pages))
    strip_running_lines(pages)
    items = _paragraphs_and_tables(pages)
    blocks = _blocks(_join_continued(items))
    notes = _page_notes(stats, warnings)
    if b"%%EOF" not in data[-2048:]:
        notes.append("PDF has no %%EOF marker at its end: the file may be truncated")
    if stats.cid_chars:
        notes.append(f"{stats.cid_chars} glyph(s) without a Unicode mapping read as (cid:…) codes")
    return Document(blocks=blocks, file_format="pdf", notes=notes)


def _page_notes(stats: _Stats, warnings: list[str]) -> list[str]:
    """Reader notes for what the text layer lost: image-only pages and damaged streams."""
    notes = []
    if stats.pages_without_text:
        listed = ", ".join(map(str, stats.pages_without_text[:10]))
        notes.append(f"page(s) {listed} have no text layer (a scanned image): their content is not read")
    losses = [w for w in warnings if "data-loss" in w.lower()]
    if losses:
        shown = "; ".join(dict.fromkeys(w[:80] for w in losses))
        notes.append(f"{len(losses)} damaged compressed stream report(s) ({shown}): text on those pages may be missing")
    return notes


def _read_pages(data: bytes, stats: _Stats) -> list[_Page]:
    pdf = _parsed(lambda: pdfplumber.open(io.BytesIO(data)))
    with pdf:
        pages = _parsed(lambda: pdf.pages)
        if not pages:
            raise DocumentLoadError("corrupt or truncated PDF: no pages found")
        return [_read_page(page, stats) for page in pages]


def _parsed(parse: Callable[[], T]) -> T:
    """Run a pdfplumber/pdfminer parsing step; any failure there is the file's fault.

    pdfminer signals damage with many exception types (its own, but also ``KeyError`` or
    ``ValueError`` from half-read objects), so everything raised *inside the library* is turned
    into a ``DocumentLoadError``, while our own code runs outside this wrapper and its bugs
    surface as bugs.
    """
    try:
        return parse()
    except PdfminerException as exc:
        raise _load_error(exc.args[0] if exc.args else exc) from None
    except Exception as exc:
        raise _load_error(exc) from None


def _load_error(cause: object) -> DocumentLoadError:
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(cause).lower():
        return DocumentLoadError("encrypted PDF")
    reason = str(cause).strip() or type(cause).__name__
    return DocumentLoadError(f"corrupt or truncated PDF: {reason[:120]}")


def _read_page(page: pdfplumber.page.Page, stats: _Stats) -> _Page:
    chars: list[Char] = _parsed(lambda: page.chars)
    cid = sum(1 for c in chars if c["text"].startswith(_CID))
    if chars and cid > CID_FAIL_SHARE * len(chars):  # per page, so no page can hide among good ones
        raise DocumentLoadError("PDF text is not extractable: its fonts have no Unicode mapping ((cid:…) codes)")
    stats.chars += len(chars)
    stats.cid_chars += cid
    has_images = bool(_parsed(lambda: page.images))
    stats.pages_with_images += has_images
    if not chars and has_images:
        stats.pages_without_text.append(page.page_number)
    tables = _parsed(page.find_tables)
    parts, outside = split_page(tables, chars, page.page_number)
    result = _Page(page.page_number, float(page.width), parts, lines_of(outside))
    page.close()  # drop pdfplumber's per-page caches: long documents stay small in memory
    return result


def _check_text_layer(stats: _Stats, n_pages: int) -> None:
    if stats.chars == 0:
        if stats.pages_with_images:
            raise DocumentLoadError("scanned PDF: no text layer")
        raise DocumentLoadError(f"PDF has no text on any of its {n_pages} page(s)")


# -- paragraphs ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Para:
    """A paragraph's lines, kept until a paragraph running over a page break has been joined."""

    lines: list[Line]
    left: float  # the page's left text margin

    @property
    def text(self) -> str:
        return join_all(line.text for line in self.lines)


_Item = tuple[int, float, _Para | TablePart]  # page, top, block-to-be


def _paragraphs_and_tables(pages: list[_Page]) -> list[_Item]:
    """Every page's tables and paragraphs, in page order and top to bottom within a page."""
    right = _right_margins(pages)
    items: list[_Item] = []
    for page in pages:
        found: list[_Item] = [(page.number, t.bbox[1], t) for t in page.tables]
        found += [(page.number, para.lines[0].top, para) for para in _paragraphs(page.lines, right[page.width])]
        found.sort(key=lambda item: item[1])
        if found and items and _continues_on_next_page(items[-1][2], found[0][2], right[page.width]):
            items[-1][2].lines.extend(found.pop(0)[2].lines)
        items.extend(found)
    return items


def _right_margins(pages: list[_Page]) -> dict[float, float]:
    """The text's right edge per page width, over the whole document, so a short page's longest
    line is not mistaken for a full one."""
    margins: dict[float, float] = {}
    for page in pages:
        for line in page.lines:
            margins[page.width] = max(margins.get(page.width, 0.0), line.x1)
    for page in pages:
        margins.setdefault(page.width, page.width)
    return margins


def _paragraphs(lines: list[Line], right: float) -> list[_Para]:
    """Lines grouped into paragraphs; page numbers are dropped, they would split a table in two."""
    lines = [line for line in lines if line.text and not _PAGE_NUMBER.match(line.text)]
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    paras = [_Para([lines[0]], left)]
    for prev, line in zip(lines, lines[1:]):
        if _continues(prev, line, left, right) and line.top - prev.bottom <= PARAGRAPH_GAP * max(line.size, 1.0):
            paras[-1].lines.append(line)
        else:
            paras.append(_Para([line], left))
    return paras


def _continues(prev: Line, line: Line, left: float, right: float) -> bool:
    """The line above ran to the right margin and this one starts at the left margin."""
    size = max(prev.size, line.size, 1.0)
    return (
        prev.x1 >= right - FULL_LINE_SLACK * size
        and line.x0 <= left + MARGIN_SLACK * size
        and abs(prev.size - line.size) < 1.0
    )


def _continues_on_next_page(prev: _Para | TablePart, first: _Para | TablePart, right: float) -> bool:
    """A paragraph cut by a page break: the page's last line is full, the next page's starts flush."""
    if not (isinstance(prev, _Para) and isinstance(first, _Para)):
        return False
    return _continues(prev.lines[-1], first.lines[0], first.left, right)


# -- tables across pages and final blocks ----------------------------------------------------


def _join_continued(items: list[_Item]) -> list[_Item]:
    """Join a table that ends page N with the table that starts page N+1 when it continues it."""
    result: list[_Item] = []
    for item in items:
        page, _, block = item
        if isinstance(block, TablePart) and result and _starts_page(result, page):
            prev_page, prev_top, prev = result[-1]
            if isinstance(prev, TablePart) and prev.last_page == page - 1:
                joined = join(prev, block)
                if joined is not None:
                    result[-1] = (prev_page, prev_top, joined)
                    continue
        result.append(item)
    return result


def _starts_page(result: list[_Item], page: int) -> bool:
    """Nothing from ``page`` has been placed yet, so the next item is the page's first block."""
    return result[-1][0] != page


def _blocks(items: list[_Item]) -> list[Block]:
    blocks: list[Block] = []
    for page, _, block in items:
        index = len(blocks)
        if isinstance(block, _Para):
            blocks.append(Paragraph(block.text, SourcePos(page=page, block=index)))
        else:
            blocks.append(_table(block, index))
    return blocks


def _table(part: TablePart, index: int) -> Table:
    cells = [
        Cell(c.text, c.row, c.col, c.row_span, c.col_span,
             SourcePos(page=c.page, block=index, box=_rounded(c.bbox), after_break=c.after_break,
                       flows_from_above=c.flows_from_above))
        for c in part.cells
    ]
    return Table(cells=cells, pos=SourcePos(page=part.page, block=index, box=_rounded(part.bbox)))


def _rounded(bbox: tuple[float, float, float, float] | None) -> tuple[float, float, float, float] | None:
    return tuple(round(v, 1) for v in bbox) if bbox else None  # type: ignore[return-value]
