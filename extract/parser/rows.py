"""Table rows as the parser sees them: cleaned cells with their grid column and merge flag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from extract.model import SourcePos, Table
from extract.text import clean


@dataclass(frozen=True, slots=True)
class RowCell:
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


def table_rows(table: Table) -> list[Row]:
    return [
        [RowCell(s.cell.col, s.cell.col_span, clean(s.text), s.continued, s.cell.pos) for s in row]
        for row in table.rows()
    ]


def texts(row: Row) -> list[str]:
    return [c.text for c in row]


def is_blank(row: Row) -> bool:
    return not any(c.text for c in row)
