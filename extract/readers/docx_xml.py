"""The WordprocessingML body walk behind the .docx reader, on plain lxml elements.

python-docx's table API repeats a merged cell once per grid slot and its text API misses
content controls, text boxes and tracked insertions, so the body is read from the XML here:
merges become one cell with spans, and text is what a reader of the accepted document sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from goaltables.extract.limits import check_table_area
from goaltables.extract.model import Block, Cell, Paragraph, SourcePos, Table
from goaltables.extract.yamlfile import read_yaml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


# Qualified names are built once here: the walk compares tags tens of thousands of times per
# document, and formatting them per call was a measurable share of the read.
P, TBL, TR, TC, R, T = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t")
TAB, FLD_CHAR, FLD_CHAR_TYPE, TYPE, VAL = w("tab"), w("fldChar"), w("fldCharType"), w("type"), w("val")
TR_PR, TC_PR, DEL = w("trPr"), w("tcPr"), w("del")
GRID_BEFORE, GRID_SPAN, V_MERGE, H_MERGE = w("gridBefore"), w("gridSpan"), w("vMerge"), w("hMerge")
# Wrappers whose children belong to the level they sit at (content controls, custom XML).
_CONTAINERS = frozenset({w("sdt"), w("sdtContent"), w("customXml"), w("smartTag"), w("ins"), w("moveTo")})
# Subtrees that print nothing in the accepted document: properties, deletions, field
# instructions, ruby guides, and the second copy of alternate content.
_SKIP = frozenset({
    w("pPr"), w("rPr"), w("sdtPr"), TC_PR, TR_PR, w("tblPr"), DEL, w("moveFrom"),
    w("delText"), w("instrText"), w("delInstrText"), w("rt"), f"{{{MC}}}Fallback",
})
_BREAKS = frozenset({w("br"), w("cr")})
_LINE_BREAKS = (None, "textWrapping")  # other w:br types (page, column) print nothing
_TXBX = w("txbxContent")
SYM, R_PR, R_FONTS, FONT, CHAR, ASCII = w("sym"), w("rPr"), w("rFonts"), w("font"), w("char"), w("ascii")
SYMBOL_FONTS_PATH = Path(__file__).with_name("symbol_fonts.yaml")


@cache
def symbol_fonts() -> dict[str, dict[int, str]]:
    """Font name → {character code (0x00-0xFF) → Unicode text}, validated on load."""
    data = read_yaml(SYMBOL_FONTS_PATH)
    fonts: dict[str, dict[int, str]] = {}
    for font, table in (data or {}).items():
        if not isinstance(table, dict):
            raise ValueError(f"{SYMBOL_FONTS_PATH.name}: {font} must map hex character codes to text")
        fonts[font] = {}
        for code, text in table.items():
            try:
                value = int(str(code), 16)
            except ValueError:
                raise ValueError(f"{SYMBOL_FONTS_PATH.name}: {font}: {code!r} is not a hex character code") from None
            if not 0 <= value <= 0xFF or not isinstance(text, str) or not text:
                raise ValueError(f"{SYMBOL_FONTS_PATH.name}: {font}: {code!r} must be 00-FF mapped to a character")
            fonts[font][value] = text
    return fonts


def symbol_char(font: str | None, code: int) -> str | None:
    """The character a symbol-font code shows (U+F0B3 or 0xB3 in Symbol → ``≥``), or None."""
    table = symbol_fonts().get(font or "Symbol")
    if table is None or not (code <= 0xFF or 0xF000 <= code <= 0xF0FF):
        return None
    return table.get(code & 0xFF)


def _sym_text(sym: etree._Element) -> str:
    """A w:sym element: the symbol font's character as Unicode; a code the table lacks stays
    as its private-use character, so it is visible rather than silently dropped."""
    try:
        code = int(sym.get(CHAR) or "", 16)
    except ValueError:
        return ""
    return symbol_char(sym.get(FONT), code) or chr(code)


def _run_font(run: etree._Element) -> str | None:
    """The symbol font a run is set in (its w:rFonts ascii font), when it is one we map."""
    for child in run:
        if child.tag == R_PR:
            for prop in child:
                if prop.tag == R_FONTS and prop.get(ASCII) in symbol_fonts():
                    return prop.get(ASCII)
            return None
    return None


def _symbol_text(text: str, font: str) -> str:
    """Private-use characters of a run set in a symbol font, as the characters they show."""
    return "".join(symbol_char(font, ord(ch)) or ch if 0xF000 <= ord(ch) <= 0xF0FF else ch for ch in text)


def _t_text(t: etree._Element) -> str:
    """A w:t's text. An entity the parser left unresolved is a child node: the text after it
    is its tail, which ``t.text`` alone would drop (docx.read reports the entity)."""
    if len(t) == 0:
        return t.text or ""
    return (t.text or "") + "".join(child.tail or "" for child in t)


def block_elements(parent: etree._Element) -> list[etree._Element]:
    """The w:p and w:tbl children of ``parent`` in order, looking through content controls."""
    return _children(parent, (P, TBL))


def _children(parent: etree._Element, wanted: tuple[str, ...]) -> list[etree._Element]:
    """A list rather than a generator: it runs per cell and row, and resuming generators cost more.

    Containers are entered with an explicit stack, not recursion, so content controls nested
    1,500 deep cannot raise RecursionError.
    """
    found = []
    stack = [iter(parent)]
    while stack:
        for child in stack[-1]:
            tag = child.tag
            if tag in wanted:
                found.append(child)
            elif tag in _CONTAINERS:
                stack.append(iter(child))
                break
        else:
            stack.pop()
    return found


# --------------------------------------------------------------------------- text


def paragraph_text(p: etree._Element) -> str:
    """The paragraph as printed: accepted insertions in, deletions and field codes out."""
    parts: list[str] = []
    _collect_texts(p, [], parts)
    return "".join(parts).strip()


def _collect_texts(element: etree._Element, fields: list[bool], parts: list[str]) -> None:
    """Walk runs in order into ``parts``; ``fields`` holds one flag per open complex field
    (True = showing its result).

    This runs on every element of every paragraph, so it appends to one list instead of
    nesting generators, and tests the two commonest tags (w:t, w:r) before the rare ones. The
    walk keeps its own stack of child iterators instead of recursing: hostile files nest
    elements deeper than Python's recursion limit. A run set in a symbol font has its text
    translated when the walk leaves it (``symbols`` holds the open ones: depth, start, font).
    """
    stack = [iter(element)]
    symbols: list[tuple[int, int, str]] = []
    while stack:
        child = next(stack[-1], None)
        if child is None:
            if symbols and symbols[-1][0] == len(stack):
                _, first, font = symbols.pop()
                parts[first:] = [_symbol_text(part, font) for part in parts[first:]]
            stack.pop()
            continue
        tag = child.tag
        if tag == T:
            if all(fields):
                parts.append(_t_text(child))
        elif tag == R:
            stack.append(iter(child))
            if (font := _run_font(child)) is not None:
                symbols.append((len(stack), len(parts), font))
        elif tag == SYM:
            if all(fields):
                parts.append(_sym_text(child))
        elif tag in _SKIP or not isinstance(tag, str):
            continue
        elif tag == TAB and all(fields):
            parts.append("\t")
        elif tag in _BREAKS and all(fields):
            parts.append("\n" if child.get(TYPE) in _LINE_BREAKS else "")
        elif tag == FLD_CHAR:
            _field_char(child.get(FLD_CHAR_TYPE), fields)
        elif tag == _TXBX:
            parts.append("\n" + "\n".join(paragraph_text(p) for p in _descendant_paragraphs(child)) + "\n")
        else:
            stack.append(iter(child))


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

    def read(self, tbl: etree._Element, block: int, number: int | None = None) -> Table:
        """The table as the model's cells; ``number`` is its 1-based ordinal among the
        document's tables, so a reviewer can find a row as "table 3, row 12" in Word."""
        r = 0
        for tr in _children(tbl, (TR,)):
            row_props = _props(_first_child(tr, TR_PR))
            if DEL not in row_props:  # a row deleted with change tracking on is gone once accepted
                self._row(tr, row_props, r)
                r += 1
        width = max((s.col + s.col_span for s in self.spans), default=0)
        check_table_area(r, width, f"table {block + 1}")  # a huge gridSpan costs nothing here, but would downstream
        pos = SourcePos(block=block, table=number)
        cells = [Cell(s.text, s.row, s.col, s.row_span, s.col_span, SourcePos(block=block, table=number, row=s.row + 1))
                 for s in self.spans]
        return Table(cells=cells, pos=pos)

    def _row(self, tr: etree._Element, row_props: dict[str, etree._Element], r: int) -> None:
        col = _int_val(row_props.get(GRID_BEFORE), 0)
        for tc in _children(tr, (TC,)):
            props = _props(_first_child(tc, TC_PR))
            span = max(_int_val(props.get(GRID_SPAN), 1), 1)
            self._cell(tc, props, r, col, span)
            col += span

    def _cell(self, tc: etree._Element, props: dict[str, etree._Element], r: int, col: int, span: int) -> None:
        above = self._by_col.get(col)
        if _continues(props.get(V_MERGE)) and above is not None and above.ends_above(r):
            above.row_span += 1  # Word shows only the first cell's text for a merge
            return
        if _continues(props.get(H_MERGE)) and self.spans and self.spans[-1].row == r:
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


def _first_child(element: etree._Element, tag: str) -> etree._Element | None:
    """``element.find(tag)`` without lxml's ElementPath machinery, which cost ~3 µs a call
    (several calls per table cell); property elements come first, so this stops early."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _props(props: etree._Element | None) -> dict[str, etree._Element]:
    """The first child of each tag in a w:tcPr/w:trPr, read in one pass instead of one find each."""
    found: dict[str, etree._Element] = {}
    if props is not None:
        for child in props:
            found.setdefault(child.tag, child)
    return found


def _int_val(element: etree._Element | None, default: int) -> int:
    try:
        return int(element.get(VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


def _continues(merge: etree._Element | None) -> bool:
    """A w:vMerge/w:hMerge without ``val`` or with ``continue`` continues the cell before it."""
    return merge is not None and merge.get(VAL, "continue") == "continue"


# --------------------------------------------------------------------------- body


def body_blocks(body: etree._Element) -> list[Block]:
    """Paragraphs and tables in reading order; a nested table follows its outer table."""
    blocks: list[Block] = []
    _add_blocks(body, blocks)
    return blocks


def _add_blocks(parent: etree._Element, blocks: list[Block]) -> None:
    for element in block_elements(parent):
        if element.tag == P:
            if text := paragraph_text(element):
                blocks.append(Paragraph(text, SourcePos(block=len(blocks))))
        elif (cell := _layout_cell(element)) is not None:
            _add_blocks(cell, blocks)  # a one-cell layout table: its content is the document's
        else:
            _add_table(element, blocks)


def _layout_cell(tbl: etree._Element) -> etree._Element | None:
    """The cell of a one-row, one-cell table that holds tables of its own (a borderless frame
    around a whole form), else None: such a table is layout, not data."""
    rows = _children(tbl, (TR,))
    cells = _children(rows[0], (TC,)) if len(rows) == 1 else []
    if len(cells) != 1:
        return None
    return cells[0] if any(child.tag == TBL for child in block_elements(cells[0])) else None


def _add_table(tbl: etree._Element, blocks: list[Block]) -> None:
    """The table, then its nested tables depth first, with a stack instead of recursion."""
    todo = [tbl]
    while todo:
        reader = TableReader()
        table = reader.read(todo.pop(), len(blocks), sum(isinstance(b, Table) for b in blocks) + 1)
        if table.cells:
            blocks.append(table)
        todo.extend(reversed(reader.nested))
