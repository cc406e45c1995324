"""Table rows as the parser sees them: cleaned cells with their grid column and merge flag."""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Protocol

from extract.model import SourcePos, Table
from extract.text import clean


@dataclass(slots=True)
class RowCell:
    """A cell as one row sees it. Not frozen (never mutated, though): a frozen dataclass sets
    each field through ``object.__setattr__``, which made building these, one per cell per
    row, take three times as long."""

    col: int
    span: int
    text: str
    continued: bool  # covered by a merge that started in an earlier row
    pos: SourcePos | None


Row = list[RowCell]


class Vocabulary(Protocol):
    """What the parser needs to know about indicator labels; normalization supplies it.

    Injected rather than imported so the parser stays independent of the taxonomy's storage
    while still realigning shifted rows by what their cells mean.
    """

    def levels(self, text: str) -> frozenset[int]:
        """The grid levels (1, 2) a label such as ``产出指标`` or ``数量指标`` can stand at."""
        ...

    def is_unit(self, text: str) -> bool:
        """True for a measurement unit such as ``%``, ``人次`` or ``工作日``."""
        ...


_BY_COL = attrgetter("col")


def table_rows(table: Table) -> list[Row]:
    """``table.rows()`` as parser cells, built straight from the table's cells.

    Same layout as ``Table.rows`` (a merged cell once per row it covers, rows sorted by
    column), without the intermediate ``Slot`` objects, and each cell cleaned once rather
    than once per row it covers.
    """
    rows: list[Row] = [[] for _ in range(table.n_rows)]
    for cell in table.cells:
        text = clean(cell.text)
        for r in range(cell.row, cell.row + cell.row_span):
            rows[r].append(RowCell(cell.col, cell.col_span, text, r != cell.row, cell.pos))
    for row in rows:
        row.sort(key=_BY_COL)
    return rows


def texts(row: Row) -> list[str]:
    return [c.text for c in row]


def is_blank(row: Row) -> bool:
    return not any(c.text for c in row)
