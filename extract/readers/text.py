"""Plain-text exports of goal tables: Word "save as text" and tab-separated rows.

Two layouts occur, and a file may hold both (a Word export with a tab-separated table pasted
below it), so the layout is chosen per block: a block starts at a paragraph line that does not
continue a cell, and the layout most of its tab-holding lines follow is used for it.

* **cell per line** (Word export): every table cell is a line starting with a tab, rows are
  separated by a blank line, an empty merged cell is a bare tab; other lines are paragraphs.
  Some exporters end every cell line with a second tab, and a cell holding a line break goes on
  in a line without the leading tab.
* **tab-separated**: every table row is one line of tab-separated cells.

Neither layout records merges, so every cell has span 1 and an empty cell stays empty; filling
merged labels down is the parser's (recorded) repair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goaltables.extract.model import Block, Cell, Document, Paragraph, SourcePos, Table
from goaltables.extract.readers.encoding import decode
from goaltables.extract.text import strip_markers


def read(data: bytes, encoding: str | None = None) -> Document:
    text, encoding = decode(data, encoding)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    builder = _Builder()
    cells = [_cell_text(ln) for ln in lines]
    for start, end in _blocks(lines, cells):
        if _is_cell_per_line(lines[start:end], cells[start:end]):
            _read_cell_per_line(lines[start:end], cells[start:end], builder, start + 1)
        else:
            _read_tab_separated(lines[start:end], builder, start + 1)
        builder.end_table()
    return Document(blocks=builder.blocks, file_format="txt", encoding=encoding)


def _blocks(lines: list[str], cells: list[str | None]) -> list[tuple[int, int]]:
    """Line ranges [start, end) that each follow one layout.

    A block starts at a line without a tab (a title, a unit line) unless it directly follows a
    cell line, where it is the rest of a cell holding a line break.
    """
    starts = [0]
    for i in range(1, len(lines)):
        line, before = lines[i], lines[i - 1]
        if line.strip() and "\t" not in line and cells[i - 1] is None and "\t" not in before:
            if i != starts[-1]:
                starts.append(i)
    return list(zip(starts, [*starts[1:], len(lines)]))


def _is_cell_per_line(lines: list[str], cells: list[str | None]) -> bool:
    """The layout most tab-holding lines follow: a line is either one cell or one TSV row."""
    cell_lines = sum(1 for c in cells if c is not None)
    tsv_lines = sum(1 for ln, c in zip(lines, cells) if c is None and "\t" in ln)
    return cell_lines > tsv_lines


def _cell_text(line: str) -> str | None:
    """The cell a cell-per-line line holds, or None if it is not one.

    A cell line is a tab and the cell text; one trailing tab (``\\t项目名称\\t``, maybe followed by
    spaces) is an exporter's terminator, not a second cell, so it is dropped before the line is
    judged.
    """
    if not line.startswith("\t"):
        return None
    body = line[1:]
    if body.rstrip(" ").endswith("\t"):
        body = body.rstrip(" ")[:-1]
    return None if "\t" in body else body


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


def _read_cell_per_line(lines: list[str], cells: list[str | None], builder: _Builder, first: int = 1) -> None:
    row: list[tuple[str, int]] = []
    previous_was_cell = False
    for number, (line, cell) in enumerate(zip(lines, cells), start=first):
        if cell is None and line.startswith("\t"):
            cell = line[1:]  # a stray TSV-like line in a cell-per-line file: kept as one cell, as before
        if cell is not None:
            row.append((cell, number))
        elif line and previous_was_cell:
            # a cell holding a line break: its next line carries no leading tab
            text, first = row[-1]
            row[-1] = (f"{text}\n{line}", first)
            continue
        else:
            builder.add_row(row)
            row = []
            if line:  # a blank line only separates rows; any other line is a paragraph
                builder.add_paragraph(line, number)
        previous_was_cell = cell is not None
    builder.add_row(row)


def _read_tab_separated(lines: list[str], builder: _Builder, first: int = 1) -> None:
    for number, line in enumerate(lines, start=first):
        if "\t" in line:
            builder.add_row([(cell, number) for cell in line.split("\t")])
        elif line.strip():
            builder.add_paragraph(line, number)
        else:
            builder.end_table()
