"""An HTML tree as the document model: text between tables as paragraphs, tables as grids.

Browsers lay a table out by filling a grid: a cell goes to the first column its row does not
already have covered by a ``rowspan`` from above. Real exports rely on that (a row below a
merged label starts with fewer cells), so positions are computed the same way instead of
trusting the cell's index in its row. A table nested in a cell is a table of its own, emitted
after the table that holds it; the holding cell keeps only its own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from goaltables.extract.limits import check_table_area, current
from goaltables.extract.model import Block, Cell, Paragraph, SourcePos, Table

SKIPPED = {"script", "style", "noscript", "template", "head", "title", "object", "select"}
BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
    "article", "header", "footer", "center", "blockquote", "pre", "hr", "form", "caption", "main", "nav",
}
MAX_SPAN = 1000  # browsers cap colspan at 1000 and rowspan at 65534; junk values must not explode
_SPACE = re.compile(r"[ \t\r\n\f\xa0\u200b]+")


def page_blocks(root: HtmlElement) -> list[Block]:
    walker = _Walker()
    body = root.find("body")
    walker.visit(body if body is not None else root)
    walker.flush()
    return walker.blocks


@dataclass
class _Walker:
    """Collects inline text until a block boundary; tables interrupt the text flow."""

    blocks: list[Block] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)
    line: int | None = None

    def visit(self, root: HtmlElement) -> None:
        """Depth-first over the tree with an explicit stack of (action, element): pages nested
        deeper than Python's recursion limit are read, not a RecursionError."""
        todo: list[tuple[str, HtmlElement]] = [("enter", root)]
        while todo:
            action, el = todo.pop()
            if action == "tail":
                self.text(el.tail, el.sourceline)
            elif action == "exit":
                self.flush()
            else:
                self._enter(el, todo)

    def _enter(self, el: HtmlElement, todo: list[tuple[str, HtmlElement]]) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIPPED:
            return
        if tag == "table":
            self.flush()
            self.add_table(el)
            return
        if tag == "br" or tag in BLOCK_TAGS:
            self.flush()
        self.text(el.text, el.sourceline)
        if tag in BLOCK_TAGS:
            todo.append(("exit", el))
        for child in reversed(el):
            todo.append(("tail", child))
            todo.append(("enter", child))

    def text(self, text: str | None, line: int | None) -> None:
        if text and text.strip():
            if not self.pieces:
                self.line = line
            self.pieces.append(text)

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.pieces)).strip()
        if text:
            self.blocks.append(Paragraph(text, SourcePos(line=self.line, block=len(self.blocks))))
        self.pieces, self.line = [], None

    def add_table(self, table: HtmlElement) -> None:
        """The table, then the tables nested in its cells depth first (a stack, not recursion)."""
        todo = [table]
        while todo:
            current_table = todo.pop()
            nested: list[HtmlElement] = []
            cells = _grid(current_table, nested)
            self.blocks.append(Table(cells=cells, pos=SourcePos(line=current_table.sourceline, block=len(self.blocks))))
            todo.extend(reversed(nested))


def _rows(table: HtmlElement) -> list[HtmlElement]:
    """The table's own rows, in order, through thead/tbody/tfoot but not into nested tables."""
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if r.tag == "tr")
    return rows


def _grid(table: HtmlElement, nested: list[HtmlElement]) -> list[Cell]:
    """Cells at their true grid positions, skipping columns covered by rowspans from above."""
    rows = _rows(table)
    covered: set[tuple[int, int]] = set()
    cells = []
    area, width = 0, 0  # positions covered so far, and the widest row: checked before covering more
    for r, tr in enumerate(rows):
        c = 0
        for td in (el for el in tr if el.tag in ("td", "th")):
            while (r, c) in covered:
                c += 1
            row_span = _span(td.get("rowspan"), len(rows) - r)
            col_span = _span(td.get("colspan"), MAX_SPAN)
            area, width = area + row_span * col_span, max(width, c + col_span)
            if area > current().max_table_cells:
                check_table_area(len(rows), width, f"the table at line {table.sourceline}")
                check_table_area(area, 1, f"the merged cells of the table at line {table.sourceline}")
            covered.update((r + i, c + j) for i in range(row_span) for j in range(col_span))
            cells.append(Cell(cell_text(td, nested), r, c, row_span, col_span, SourcePos(line=td.sourceline)))
            c += col_span
    return cells


def _span(value: str | None, limit: int) -> int:
    """A span attribute as browsers read it: leading digits, at least 1; 0 means "to the end"."""
    match = re.match(r"\s*(\d+)", value or "")
    span = int(match.group(1)) if match else 1
    if span == 0:
        span = limit
    return max(1, min(span, limit))


def cell_text(td: HtmlElement, nested: list[HtmlElement]) -> str:
    """The cell's visible text; ``<br>`` and block elements break lines, nested tables are set aside."""
    pieces: list[str] = []
    _collect(td, pieces, nested)
    lines = [_SPACE.sub(" ", line).strip() for line in "".join(pieces).split("\n")]
    return "\n".join(line for line in lines if line)


def _collect(root: HtmlElement, pieces: list[str], nested: list[HtmlElement]) -> None:
    """Text pieces of ``root`` in order, walked with an explicit stack (deep pages do not
    recurse); actions are popped in document order: ``str`` appends, ``nest`` sets a table aside."""
    todo: list[tuple[str, object]] = [("enter", root)]
    while todo:
        action, item = todo.pop()
        if action == "str":
            pieces.append(item)  # type: ignore[arg-type]
        elif action == "nest":
            nested.append(item)  # type: ignore[arg-type]
        else:
            el: HtmlElement = item  # type: ignore[assignment]
            pieces.append(_SPACE.sub(" ", el.text or ""))
            for child in reversed(el):
                todo.append(("str", _SPACE.sub(" ", child.tail or "")))
                todo.extend(_child_actions(child))


def _child_actions(child: HtmlElement) -> list[tuple[str, object]]:
    """What a child contributes, in reverse order (the caller's stack pops them forwards)."""
    tag = child.tag if isinstance(child.tag, str) else ""
    if tag == "table":
        return [("str", "\n"), ("nest", child)]
    if tag == "br":
        return [("str", "\n")]
    if tag and tag not in SKIPPED:
        brk = "\n" if tag in BLOCK_TAGS else ""
        return [("str", brk), ("enter", child), ("str", brk)]
    return []
