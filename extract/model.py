"""The format-neutral document model every reader produces.

Readers know file formats and nothing about goal tables; the parser knows goal tables and
nothing about file formats. This module is the whole vocabulary between the two: ordered
blocks (paragraphs and tables), tables as cells with spans on a grid, and a source position on
everything so a finding can point a reviewer back into the original file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TypeVar

R = TypeVar("R")
_BY_COL = attrgetter("col")


@dataclass(frozen=True, slots=True)
class SourcePos:
    """Where a block or cell sits in the original file; only the fields a format has are set."""

    line: int | None = None  # 1-based line (text formats, HTML source) or sheet row (spreadsheets)
    page: int | None = None  # 1-based page (PDF)
    sheet: str | None = None  # sheet name (spreadsheets)
    block: int | None = None  # 0-based ordinal of the block in the document body
    col: int | None = None  # 1-based sheet column (spreadsheets: 1 is column A)
    box: tuple[float, float, float, float] | None = None  # PDF: x0, top, x1, bottom in points
    table: int | None = None  # Word: 1-based ordinal of the table among the document's tables
    row: int | None = None  # Word: 1-based row within that table
    # Page-break evidence for the parser (PDF cells of a table continued from the previous page):
    # the cell is in the first row after the break, and the cell above it (same column, last row
    # of the previous page) ended in a wrapped line, so its text may go on here. The reader never
    # joins rows itself: whether a row continues is decided by the parser, which knows the
    # columns' roles (extract/parser/continuation.py).
    after_break: bool = False
    flows_from_above: bool = False

    def describe(self) -> str:
        """A short human reference such as ``page 2`` or ``line 118``."""
        parts = []
        if self.sheet is not None:
            parts.append(f"sheet {self.sheet}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if not parts and self.table is not None:
            parts.append(f"table {self.table}" + (f", row {self.row}" if self.row is not None else ""))
        if not parts and self.block is not None:
            parts.append(f"block {self.block}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    pos: SourcePos = SourcePos()


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the file stores it: a top-left grid corner plus the spans of a merge.

    A merged range is one cell with ``row_span``/``col_span`` > 1, never repeated text: the
    parser must be able to tell an explicit merge from a cell that is merely empty.
    """

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    pos: SourcePos | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """A cell as seen from one grid row; ``continued`` is True below a merge's first row."""

    cell: Cell
    continued: bool

    @property
    def text(self) -> str:
        return self.cell.text

    @property
    def col(self) -> int:
        return self.cell.col


@dataclass(slots=True)
class Table:
    cells: list[Cell]
    pos: SourcePos = SourcePos()
    _rows: list[list[Slot]] | None = field(default=None, repr=False, compare=False)

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    def rows(self) -> list[list[Slot]]:
        """Each grid row's cells left to right, a merged cell once per row it covers."""
        if self._rows is None:
            self._rows = self.rows_as(Slot)
        return self._rows

    def rows_as(self, make: Callable[[Cell, bool], R]) -> list[list[R]]:
        """``rows()`` with each slot built by ``make(cell, continued)``, for readers of the model
        that want their own cell type (the parser) without an intermediate ``Slot`` per cell."""
        rows: list[list[R]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                rows[r].append(make(cell, r != cell.row))
        for row in rows:
            row.sort(key=_BY_COL)
        return rows


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    """What a reader hands the parser: blocks in reading order plus facts about the source."""

    blocks: list[Block]
    file_format: str
    encoding: str | None = None  # text formats: the detected encoding
    notes: list[str] = field(default_factory=list)  # reader-level remarks worth a finding

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]
