"""Table rows as the parser sees them: cleaned cells with their grid column and merge flag."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from goaltables.extract.model import SourcePos, Table
from goaltables.extract.text import clean


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

    def compatible(self, level1: str, level2: str) -> bool:
        """False only when both labels are known and the 二级 cannot sit under the 一级."""
        ...


def table_rows(table: Table) -> list[Row]:
    """``table.rows()`` as parser cells with cleaned text."""
    return table.rows_as(lambda cell, continued: RowCell(cell.col, cell.col_span, clean(cell.text), continued, cell.pos))


def texts(row: Row) -> list[str]:
    return [c.text for c in row]
