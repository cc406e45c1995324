"""Ruled PDF tables as grids of merged cells, and tables that continue across a page break.

pdfplumber finds a ruled table's cells as rectangles. A merged cell is simply a bigger
rectangle, so the table's grid is the set of distinct cell edges: a cell that spans three of
the distinct x boundaries covers two grid columns. Each cell's text is read from the glyphs
whose centre falls inside it, once, so a merged cell's text is never repeated.

A table that runs over a page break arrives as one part per page. Joining them:

* the part on the next page must use the previous part's column boundaries (a subset of them,
  within ``COLUMN_TOLERANCE``), with the same outer edges;
* leading rows that repeat the previous table's first rows (Word's "repeat header row") are
  dropped;
* a **broken row** is *not* merged here. When a row does not fit, Word and LibreOffice print
  its first lines on page N and the rest at the top of page N+1, which arrives as a row of its
  own. Whether it is the rest of the row above or a new row depends on what its columns mean
  (a row without a target of its own, whose texts continue wrapped texts above, is a rest),
  so the decision is the parser's (``extract/parser/continuation.py``). The reader supplies
  the evidence: each cell of the new page's first row is marked ``after_break``, and
  ``flows_from_above`` when the cell above it ended in a wrapped line (its last line runs to
  the cell's right edge; the bottom edge is no help: orphan control can leave a line or two of
  space under text that continues on the next page).
* otherwise a vertical merge that already spans rows above the break (a 一级指标 label) and
  continues as an empty cell at the top of the new page is extended over it.

Not detected: a merged cell whose *text* is split by a clean row break (``资金支出计`` /
``划（%）``) looks exactly like two cells whose texts happen to fill their lines, so it is
left as two cells.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from goaltables.extract.readers.pdf_text import Char, Line, is_wide, join_pieces, lines_of

COLUMN_TOLERANCE = 2.0  # points; the same column edge drawn on two pages
EDGE_TOLERANCE = 1.5  # points; distinct cell edges closer than this are one grid line
FLOW_CJK = 2.5  # font sizes short of a cell's edge a wrapped CJK line may stop (kinsoku moves
# a character together with the punctuation after it)
FLOW_LATIN = 4.0  # the same for a line ending in a Latin word (the next word did not fit)
MAX_REPEATED_HEADER_ROWS = 3
MID_WORD_SLACK = 1.0  # font sizes: a line broken inside a word leaves less than a character free

BBox = tuple[float, float, float, float]


@dataclass(slots=True)
class GridCell:
    text: str
    row: int
    col: int
    row_span: int
    col_span: int
    page: int
    flowing: bool = False  # its last line runs to the right edge: the text may go on below
    after_break: bool = False  # in the first row of a part that continues a table on a new page
    bbox: BBox | None = None  # the cell's rectangle on its page (for the debug view)
    flows_from_above: bool = False  # after_break, and the cell above it was flowing


@dataclass(slots=True)
class TablePart:
    """One table (or a join of per-page pieces) before it becomes a model ``Table``."""

    page: int
    bbox: BBox
    xs: list[float]
    n_rows: int
    cells: list[GridCell]
    last_page: int = 0

    def __post_init__(self) -> None:
        self.last_page = self.last_page or self.page


@dataclass(slots=True)
class _Layout:
    """Where each pdfplumber cell sits on the grid, and which grid slots it covers."""

    xs: list[float]
    ys: list[float]
    boxes: list[BBox]
    slots: dict[tuple[int, int], int] = field(default_factory=dict)
    chars: list[list[Char]] = field(default_factory=list)


def split_page(tables: list[Any], chars: list[Char], page: int) -> tuple[list[TablePart], list[Char]]:
    """Table parts found on a page, and the glyphs that lie outside every table."""
    layouts = [_layout(t.cells) for t in tables]
    bboxes = [t.bbox for t in tables]
    outside: list[Char] = []
    for char in chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        hit = next((i for i, b in enumerate(bboxes) if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]), None)
        if hit is None:
            outside.append(char)
        else:
            _assign(layouts[hit], char, cx, cy)  # glyphs on a table's ruling but in no cell are dropped
    parts = [_part(layout, bbox, page) for layout, bbox in zip(layouts, bboxes) if layout.boxes]
    return parts, outside


def _layout(boxes: list[BBox]) -> _Layout:
    xs = _boundaries([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _boundaries([b[1] for b in boxes] + [b[3] for b in boxes])
    layout = _Layout(xs, ys, list(boxes), chars=[[] for _ in boxes])
    for i, (x0, top, x1, bottom) in enumerate(boxes):
        for r in range(_index(ys, top), max(_index(ys, bottom), _index(ys, top) + 1)):
            for c in range(_index(xs, x0), max(_index(xs, x1), _index(xs, x0) + 1)):
                layout.slots.setdefault((r, c), i)  # overlapping detections: the first cell wins
    return layout


def _boundaries(values: list[float]) -> list[float]:
    """Distinct grid lines: edges closer than ``EDGE_TOLERANCE`` are the same line."""
    lines: list[float] = []
    for v in sorted(values):
        if not lines or v - lines[-1] > EDGE_TOLERANCE:
            lines.append(v)
    return lines


def _index(lines: list[float], value: float) -> int:
    """The grid line nearest to ``value``."""
    i = bisect_right(lines, value)
    if i == 0:
        return 0
    if i < len(lines) and lines[i] - value < value - lines[i - 1]:
        return i
    return i - 1


def _assign(layout: _Layout, char: Char, cx: float, cy: float) -> None:
    r = bisect_right(layout.ys, cy) - 1
    c = bisect_right(layout.xs, cx) - 1
    cell = layout.slots.get((r, c))
    if cell is not None:
        layout.chars[cell].append(char)


def _part(layout: _Layout, bbox: BBox, page: int) -> TablePart:
    lines = [lines_of(chars) for chars in layout.chars]
    padding = min((min(ln.x0 for ln in ls) - box[0] for ls, box in zip(lines, layout.boxes) if ls), default=0.0)
    cells = [_cell(layout, i, lines[i], max(padding, 0.0), page) for i in range(len(layout.boxes))]
    cells.sort(key=lambda c: (c.row, c.col))
    return TablePart(page, bbox, layout.xs, max(len(layout.ys) - 1, 1), cells)


def _cell(layout: _Layout, i: int, lines: list[Line], padding: float, page: int) -> GridCell:
    x0, top, x1, bottom = layout.boxes[i]
    row, col = _index(layout.ys, top), _index(layout.xs, x0)
    return GridCell(
        text=_cell_text(lines, x1 - padding),
        row=row,
        col=col,
        row_span=max(_index(layout.ys, bottom) - row, 1),
        col_span=max(_index(layout.xs, x1) - col, 1),
        page=page,
        flowing=bool(lines) and _runs_to_edge(lines[-1], x1, padding),
        bbox=layout.boxes[i],
    )


def _cell_text(lines: list[Line], edge: float) -> str:
    """Wrapped lines joined; a Latin token too long for the cell was broken mid-word, not at a space."""
    text = ""
    for prev, line in zip([None, *lines], lines):
        if prev is not None and _broken_mid_word(prev, line, edge):
            text += line.text
        else:
            text = join_pieces(text, line.text)
    return text


def _broken_mid_word(prev: Line, line: Line, edge: float) -> bool:
    """``13073025P0008491000`` / ``1M``: one Latin token filling the whole line, continued below."""
    return (
        bool(prev.text and line.text)
        and " " not in prev.text
        and not is_wide(prev.text[-1])
        and not is_wide(line.text[0])
        and edge - prev.x1 <= MID_WORD_SLACK * max(prev.size, 1.0)
    )


def _runs_to_edge(line: Line, x1: float, padding: float) -> bool:
    """The line was wrapped, not ended: nothing more would have fit between it and the edge.

    A wrapped Chinese line stops at most about two characters short of the edge; a Latin one
    can stop a whole word short.
    """
    slack = FLOW_CJK if is_wide(line.text[-1]) else FLOW_LATIN
    return x1 - padding - line.x1 <= slack * max(line.size, 1.0)


def join(prev: TablePart, nxt: TablePart) -> TablePart | None:
    """``prev`` with ``nxt`` appended when ``nxt`` continues it on the next page, else None."""
    columns = _column_map(prev.xs, nxt.xs)
    if columns is None:
        return None
    cells = [_remap(c, columns) for c in nxt.cells]
    n_rows = nxt.n_rows
    dropped = _repeated_header_rows(prev.cells, cells)
    cells, n_rows = _drop_rows(cells, dropped), n_rows - dropped
    _mark_break(prev, cells)
    cells = _continue_merges(prev, cells)
    for cell in cells:
        cell.row += prev.n_rows
    return TablePart(prev.page, prev.bbox, prev.xs, prev.n_rows + n_rows, prev.cells + cells, nxt.last_page)


def _column_map(xs: list[float], other: list[float]) -> dict[int, int] | None:
    """Index in ``other`` -> index in ``xs`` when every edge of ``other`` is one of ``xs``."""
    if abs(xs[0] - other[0]) > COLUMN_TOLERANCE or abs(xs[-1] - other[-1]) > COLUMN_TOLERANCE:
        return None
    mapping: dict[int, int] = {}
    for j, x in enumerate(other):
        i = _index(xs, x)
        if abs(xs[i] - x) > COLUMN_TOLERANCE:
            return None
        mapping[j] = i
    return mapping


def _remap(cell: GridCell, columns: dict[int, int]) -> GridCell:
    col = columns[cell.col]
    cell.col_span = columns[cell.col + cell.col_span] - col
    cell.col = col
    return cell


def _row_signature(cells: list[GridCell], row: int) -> list[tuple[int, int, str]]:
    return [(c.col, c.col_span, c.text) for c in cells if c.row == row]


def _repeated_header_rows(first: list[GridCell], cells: list[GridCell]) -> int:
    """How many leading rows of ``cells`` repeat the first rows of the table they continue."""
    count = 0
    while count < MAX_REPEATED_HEADER_ROWS:
        mine = _row_signature(cells, count)
        if not mine or not any(t for _, _, t in mine) or mine != _row_signature(first, count):
            break
        count += 1
    return count


def _drop_rows(cells: list[GridCell], count: int) -> list[GridCell]:
    """Remove the first ``count`` rows; cells that started there were merged or repeated."""
    if not count:
        return cells
    kept = [c for c in cells if c.row >= count]
    for c in kept:
        c.row -= count
    return kept


def _continue_merges(prev: TablePart, cells: list[GridCell]) -> list[GridCell]:
    """Extend vertical merges that run into the page break over the empty cells that continue them.

    A merged 一级指标 cell prints its label once; on the next page the rest of the merge is an
    empty cell at the top. Only a merge that already spans rows above the break is extended, so
    an empty cell under an ordinary one-row cell stays an empty cell.
    """
    last = prev.n_rows - 1
    spanning = {c.col: c for c in prev.cells if c.row < last < c.row + c.row_span}
    kept: list[GridCell] = []
    for cell in cells:
        top = spanning.get(cell.col)
        if cell.row == 0 and not cell.text and top is not None and top.col_span == cell.col_span:
            top.row_span += cell.row_span
        else:
            kept.append(cell)
    return kept


def _mark_break(prev: TablePart, cells: list[GridCell]) -> None:
    """Mark the new page's first row as such, and each of its cells whose text may continue the
    wrapped text of the cell above it: evidence for the parser, which decides."""
    last = prev.n_rows - 1
    above = {c.col: c for c in prev.cells if c.row <= last < c.row + c.row_span}
    for cell in cells:
        if cell.row == 0:
            cell.after_break = True
            top = above.get(cell.col)
            cell.flows_from_above = bool(top and top.text and top.flowing and top.col_span == cell.col_span)
