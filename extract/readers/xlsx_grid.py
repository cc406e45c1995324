"""From one sheet's cells and merged ranges to the document model's tables.

A sheet has no table boundaries of its own: people separate a form's parts (a title, the
header block, the indicator grid, a second form) with empty rows. So a run of rows with text
is one ``Table``, and an empty row ends it. Every position inside a table's bounding box
becomes a cell, empty or not, so the parser sees the columns exactly as Excel draws them; a
merged range is one cell with spans, never repeated text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goaltables.extract.limits import check_table_area
from goaltables.extract.model import Cell, SourcePos, Table

Merge = tuple[int, int, int, int]  # 0-based (first row, first col, end row, end col); ends exclusive
MAX_EMPTY_COLUMNS = 100  # a wider run of empty columns inside a table is squeezed to one column


@dataclass(slots=True)
class SheetGrid:
    """What a spreadsheet reader extracts from one sheet: display texts and merges."""

    name: str
    values: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> non-empty text
    merges: list[Merge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the layout changed, for Document.notes

    def put(self, row: int, col: int, text: str) -> None:
        if text.strip():
            self.values[(row, col)] = text


def hidden_notes(sheet: str, state: str | None, rows: list[str], cols: list[str]) -> list[str]:
    """Hidden parts are read anyway; name them so a reviewer knows what Excel did not show.

    ``state`` is the sheet's hidden state (None when visible); rows and columns as labelled in
    Excel (``5``, ``C``).
    """
    notes = []
    if state is not None:
        notes.append(f"sheet {sheet} is hidden ({state}) and was read")
    if rows:
        notes.append(f"sheet {sheet}: hidden rows {_first_twenty(rows)} were read")
    if cols:
        notes.append(f"sheet {sheet}: hidden columns {_first_twenty(cols)} were read")
    return notes


def _first_twenty(labels: list[str]) -> str:
    return ", ".join(labels[:20]) + (f" and {len(labels) - 20} more" if len(labels) > 20 else "")


def sheet_tables(grid: SheetGrid, first_block: int) -> list[Table]:
    """The sheet's tables top to bottom; ``first_block`` numbers them within the document."""
    merges = [m for m in grid.merges if (m[0], m[1]) in grid.values]
    tables = []
    for top, bottom in _bands(grid, merges):
        band_merges = [m for m in merges if top <= m[0] < bottom]
        block = first_block + len(tables)
        tables.append(_table(grid, band_merges, top, bottom, block))
    return tables


def _bands(grid: SheetGrid, merges: list[Merge]) -> list[tuple[int, int]]:
    """Runs of rows holding text (a merge holds all rows it covers); ends exclusive."""
    busy = {row for row, _ in grid.values}
    for r0, _, r1, _ in merges:
        busy.update(range(r0, r1))
    bands: list[tuple[int, int]] = []
    for row in sorted(busy):
        if bands and bands[-1][1] == row:
            bands[-1] = (bands[-1][0], row + 1)
        else:
            bands.append((row, row + 1))
    return bands


def _table(grid: SheetGrid, merges: list[Merge], top: int, bottom: int, block: int) -> Table:
    columns = _columns(grid, merges, top, bottom)
    check_table_area(bottom - top, len(columns), f"the table on sheet {grid.name} at row {top + 1}")
    index = {c: i for i, c in enumerate(columns)}
    covered: set[tuple[int, int]] = set()
    cells = []
    for r0, c0, r1, c1 in merges:
        covered.update((r, c) for r in range(r0, r1) for c in range(c0, c1))
        text = grid.values[(r0, c0)]
        span = index[c1 - 1] - index[c0] + 1
        cells.append(Cell(text, r0 - top, index[c0], r1 - r0, span, SourcePos(sheet=grid.name, line=r0 + 1, col=c0 + 1)))
    for r in range(top, bottom):
        for c in columns:
            if (r, c) not in covered:
                text = grid.values.get((r, c), "")
                cells.append(Cell(text, r - top, index[c], pos=SourcePos(sheet=grid.name, line=r + 1, col=c + 1)))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    if len(columns) < columns[-1] - columns[0] + 1:
        grid.notes.append(f"sheet {grid.name}: {columns[-1] - columns[0] + 1 - len(columns):,} empty columns of the "
                          f"table at row {top + 1} were left out (a cell far to the right, e.g. column "
                          f"{_letter(columns[-1])})")
    return Table(cells=cells, pos=SourcePos(sheet=grid.name, line=top + 1, col=columns[0] + 1, block=block))


def _columns(grid: SheetGrid, merges: list[Merge], top: int, bottom: int) -> list[int]:
    """The band's columns left to right, with runs of more than ``MAX_EMPTY_COLUMNS`` empty
    columns squeezed to one: a stray cell in column XFD must not make every row 16,384 cells."""
    used = sorted({c for (r, c) in grid.values if top <= r < bottom} | {c for m in merges for c in range(m[1], m[3])})
    columns = [used[0]]
    for before, after in zip(used, used[1:]):
        gap = range(before + 1, after)
        columns.extend(gap if len(gap) <= MAX_EMPTY_COLUMNS else gap[:1])
        columns.append(after)
    return columns


def _letter(col: int) -> str:
    """0-based column number as Excel labels it (0 -> A, 16383 -> XFD)."""
    label = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        label = chr(65 + rest) + label
    return label
