"""Rows cut by a page break: is the first row on the new page the rest of the row above?

Word and LibreOffice print a row that does not fit with its first lines at the bottom of page
N and the rest at the top of page N+1. The PDF reader keeps the two pieces as two rows and
marks the evidence (``SourcePos.after_break``, ``flows_from_above``); only the grid knows what
the columns mean, so the decision is made here. The rest of a row is joined to the row above
when all of these hold:

* it is the first row after a page break;
* the row above is an indicator row with a target, and this row has no target of its own
  (every indicator prints one, and a short target finishes before the break);
* every cell of this row with text sits under a known column whose cell above ended in a
  wrapped line and holds text (it was cut, not finished).

A new row at the top of a page has its own target, so it is never swallowed. Every join is
recorded as a ``row_continued`` finding with both pieces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goaltables.extract.findings import Finding, raw_cells
from goaltables.extract.parser.rows import Row, RowCell, texts
from goaltables.extract.text import is_cjk

if TYPE_CHECKING:
    from goaltables.extract.parser.grid import GridReader


def continues_previous(grid: GridReader, row: Row) -> bool:
    """Join ``row`` to the grid's last indicator row when it is that row's rest; True if joined."""
    pieces = _pieces(grid, row)
    if not pieces:
        return False
    last = grid.rows[-1]
    before = list(last.raw)
    for role, cell in pieces:
        setattr(last, role, join_text(getattr(last, role), cell.text))
    last.raw = _joined_raw(last.raw, row)
    page = next((c.pos.page for c in row if c.pos is not None and c.pos.page is not None), None)
    moved = "; ".join(f"{cell.text[:20]!r} to {role}" for role, cell in pieces)
    grid.findings.append(Finding.of(
        "row_continued", f"row cut by the page break before page {page} joined to the row above: {moved}",
        table_index=grid.table_index, row_index=last.row_index, raw=raw_cells(before) + " ‖ " + raw_cells(texts(row)),
    ))
    return True


def _pieces(grid: GridReader, row: Row) -> list[tuple[str, RowCell]]:
    """(field, cell) for every cell of a row that is the rest of the row above; empty if it is not."""
    if not grid.rows or not any(c.pos is not None and c.pos.after_break for c in row):
        return []
    last = grid.rows[-1]
    if "target" not in grid.columns.values() or not last.target:
        return []
    pieces = []
    for cell in row:
        if not cell.text or cell.continued:
            continue
        role = grid.columns.get(cell.col)
        if role is None or role == "target" or not getattr(last, role, None):
            return []
        if cell.pos is None or not cell.pos.flows_from_above:
            return []
        pieces.append((role, cell))
    return pieces


def _joined_raw(raw: list[str], row: Row) -> list[str]:
    """The raw cells of the row above with the rest appended cell by cell."""
    rest = texts(row)
    if len(rest) != len(raw):
        return raw + [t for t in rest if t]
    return [join_text(a, b) for a, b in zip(raw, rest)]


def join_text(left: str | None, right: str) -> str:
    """Two pieces of one cell's text: no space next to Chinese, one between Latin words."""
    if not left:
        return right
    if not right:
        return left
    if is_cjk(left[-1]) or is_cjk(right[0]) or not left[-1].isalnum() or not right[0].isalnum():
        return left + right
    return f"{left} {right}"
