"""The WordprocessingML body walk behind the .docx reader, on plain lxml elements.

python-docx's table API repeats a merged cell once per grid slot and its text API misses
content controls, text boxes and tracked insertions, so the body is read from the XML here:
merges become one cell with spans, and text is what a reader of the accepted document sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from extract.model import Block, Cell, Paragraph, SourcePos, Table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, T = w("p"), w("tbl"), w("tr"), w("tc"), w("t")
# Wrappers whose children belong to the level they sit at (content controls, custom XML).
_CONTAINERS = {w("sdt"), w("sdtContent"), w("customXml"), w("smartTag"), w("ins"), w("moveTo")}
# Subtrees that print nothing in the accepted document: properties, deletions, field
# instructions, ruby guides, and the second copy of alternate content.
_SKIP = {
    w("pPr"), w("rPr"), w("sdtPr"), w("tcPr"), w("trPr"), w("tblPr"), w("del"), w("moveFrom"),
    w("delText"), w("instrText"), w("delInstrText"), w("rt"), f"{{{MC}}}Fallback",
}
_BREAKS = {w("br"), w("cr")}
_TXBX = w("txbxContent")


def block_elements(parent: etree._Element) -> Iterator[etree._Element]:
    """The w:p and w:tbl children of ``parent`` in order, looking through content controls."""
    yield from _children(parent, (P, TBL))


def _children(parent: etree._Element, wanted: tuple[str, ...]) -> Iterator[etree._Element]:
    for child in parent:
        if child.tag in wanted:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _children(child, wanted)


# --------------------------------------------------------------------------- text


def paragraph_text(p: etree._Element) -> str:
    """The paragraph as printed: accepted insertions in, deletions and field codes out."""
    return "".join(_texts(p, [])).strip()


def _texts(element: etree._Element, fields: list[bool]) -> Iterator[str]:
    """Walk runs in order; ``fields`` holds one flag per open complex field (True = result)."""
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == T:
            if all(fields):
                yield child.text or ""
        elif tag == w("tab") and all(fields):
            yield "\t"
        elif tag in _BREAKS and all(fields):
            yield "\n" if child.get(w("type")) in (None, "textWrapping") else ""
        elif tag == w("fldChar"):
            _field_char(child.get(w("fldCharType")), fields)
        elif tag == _TXBX:
            yield "\n" + "\n".join(paragraph_text(p) for p in _descendant_paragraphs(child)) + "\n"
        else:
            yield from _texts(child, fields)


def _field_char(kind: str | None, fields: list[bool]) -> None:
    if kind == "begin":
        fields.append(False)
    elif kind == "separate" and fields:
        fields[-1] = True
    elif kind == "end" and fields:
        fields.pop()


def _descendant_paragraphs(element: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs of a text box, including those in its tables, in reading order."""
    for child in block_elements(element):
        if child.tag == P:
            yield child
        else:
            for tc in child.iter(TC):
                yield from _children(tc, (P,))


# --------------------------------------------------------------------------- tables


@dataclass
class _Span:
    """A cell being built; ``row_span`` grows while vMerge continuations arrive below it."""

    text: str
    row: int
    col: int
    col_span: int
    row_span: int = 1

    def ends_above(self, row: int) -> bool:
        return self.row + self.row_span == row


@dataclass
class TableReader:
    """Resolves one w:tbl into grid cells; nested tables are collected for the caller."""

    nested: list[etree._Element] = field(default_factory=list)
    spans: list[_Span] = field(default_factory=list)
    _by_col: dict[int, _Span] = field(default_factory=dict)

    def read(self, tbl: etree._Element, block: int) -> Table:
        rows = [tr for tr in _children(tbl, (TR,)) if not _is_deleted(tr)]
        for r, tr in enumerate(rows):
            self._row(tr, r)
        pos = SourcePos(block=block)
        cells = [Cell(s.text, s.row, s.col, s.row_span, s.col_span, pos) for s in self.spans]
        return Table(cells=cells, pos=pos)

    def _row(self, tr: etree._Element, r: int) -> None:
        col = _int_prop(tr.find(w("trPr")), "gridBefore", 0)
        for tc in _children(tr, (TC,)):
            props = tc.find(w("tcPr"))
            span = max(_int_prop(props, "gridSpan", 1), 1)
            self._cell(tc, props, r, col, span)
            col += span

    def _cell(self, tc: etree._Element, props: etree._Element | None, r: int, col: int, span: int) -> None:
        above = self._by_col.get(col)
        if _continues_vertically(props) and above is not None and above.ends_above(r):
            above.row_span += 1  # Word shows only the first cell's text for a merge
            return
        if _continues_horizontally(props) and self.spans and self.spans[-1].row == r:
            self.spans[-1].col_span += span  # legacy w:hMerge from old converters
            return
        cell = _Span(self._cell_text(tc), r, col, span)
        self.spans.append(cell)
        self._by_col[col] = cell

    def _cell_text(self, tc: etree._Element) -> str:
        parts = []
        for child in block_elements(tc):
            if child.tag == TBL:
                self.nested.append(child)
            else:
                parts.append(paragraph_text(child))
        return "\n".join(parts).strip()


def _int_prop(props: etree._Element | None, name: str, default: int) -> int:
    element = props.find(w(name)) if props is not None else None
    try:
        return int(element.get(w("val"))) if element is not None else default
    except (TypeError, ValueError):
        return default


def _continues_vertically(props: etree._Element | None) -> bool:
    vmerge = props.find(w("vMerge")) if props is not None else None
    return vmerge is not None and vmerge.get(w("val"), "continue") == "continue"


def _continues_horizontally(props: etree._Element | None) -> bool:
    hmerge = props.find(w("hMerge")) if props is not None else None
    return hmerge is not None and hmerge.get(w("val"), "continue") == "continue"


def _is_deleted(tr: etree._Element) -> bool:
    """A row deleted with change tracking on is gone once the changes are accepted."""
    props = tr.find(w("trPr"))
    return props is not None and props.find(w("del")) is not None


# --------------------------------------------------------------------------- body


def body_blocks(body: etree._Element) -> list[Block]:
    """Paragraphs and tables in reading order; a nested table follows its outer table."""
    blocks: list[Block] = []
    for element in block_elements(body):
        if element.tag == P:
            if text := paragraph_text(element):
                blocks.append(Paragraph(text, SourcePos(block=len(blocks))))
        else:
            _add_table(element, blocks)
    return blocks


def _add_table(tbl: etree._Element, blocks: list[Block]) -> None:
    reader = TableReader()
    table = reader.read(tbl, len(blocks))
    if table.cells:
        blocks.append(table)
    for nested in reader.nested:
        _add_table(nested, blocks)
