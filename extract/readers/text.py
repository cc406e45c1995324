"""Plain-text exports of goal tables: Word "save as text" and tab-separated rows.

Two layouts occur and a file uses one of them:

* **cell per line** (Word export): every table cell is a line starting with a tab, rows are
  separated by a blank line, an empty merged cell is a bare tab; other lines are paragraphs.
* **tab-separated**: every table row is one line of tab-separated cells.

Neither layout records merges, so every cell has span 1 and an empty cell stays empty; filling
merged labels down is the parser's (recorded) repair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.model import Block, Cell, Document, Paragraph, SourcePos, Table
from extract.readers.encoding import decode
from extract.text import strip_markers


def read(data: bytes) -> Document:
    text, encoding = decode(data)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = _Builder()
    if _is_cell_per_line(lines):
        _read_cell_per_line(lines, builder)
    else:
        _read_tab_separated(lines, builder)
    builder.end_table()
    return Document(blocks=builder.blocks, file_format="txt", encoding=encoding)


def _is_cell_per_line(lines: list[str]) -> bool:
    cell_lines = sum(1 for ln in lines if ln.startswith("\t") and ln.count("\t") == 1)
    tsv_lines = sum(1 for ln in lines if ln.count("\t") >= 2 or (ln.count("\t") == 1 and not ln.startswith("\t")))
    return cell_lines > tsv_lines


@dataclass
class _Builder:
    """Accumulates blocks; a table is open while rows keep coming."""

    blocks: list[Block] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    row: int = 0
    table_line: int | None = None

    def add_row(self, texts: list[tuple[str, int]]) -> None:
        if not texts:
            return
        if self.table_line is None:
            self.table_line = texts[0][1]
        for col, (text, line) in enumerate(texts):
            self.cells.append(Cell(strip_markers(text), self.row, col, pos=SourcePos(line=line)))
        self.row += 1

    def end_table(self) -> None:
        if self.cells:
            pos = SourcePos(line=self.table_line, block=len(self.blocks))
            self.blocks.append(Table(cells=self.cells, pos=pos))
        self.cells, self.row, self.table_line = [], 0, None

    def add_paragraph(self, text: str, line: int) -> None:
        self.end_table()
        text = strip_markers(text).strip()
        if text:
            self.blocks.append(Paragraph(text, SourcePos(line=line, block=len(self.blocks))))


def _read_cell_per_line(lines: list[str], builder: _Builder) -> None:
    row: list[tuple[str, int]] = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("\t"):
            row.append((line[1:], number))
            continue
        builder.add_row(row)
        row = []
        if line:  # a blank line only separates rows; any other line is a paragraph
            builder.add_paragraph(line, number)
    builder.add_row(row)


def _read_tab_separated(lines: list[str], builder: _Builder) -> None:
    for number, line in enumerate(lines, start=1):
        if "\t" in line:
            builder.add_row([(cell, number) for cell in line.split("\t")])
        elif line.strip():
            builder.add_paragraph(line, number)
        else:
            builder.end_table()
