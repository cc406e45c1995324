"""The indicator grid: rows placed under columns whose roles ``columns`` decides, merged
labels filled down.

Fill-down follows the grid's hierarchy: a new 一级 label starts a group (its 二级 label and
weight reset), a new 二级 label starts a subgroup. Filling an *empty* cell is a repair and is
recorded. A cell covered by an explicit merge (Word, HTML) already carries its label, so it
is never "filled".

A header cell the lexicon does not know (``备注2``), or a second header of a role already
taken, still names a column: its cells go to ``RawRow.extra`` with that header, are never
realigned, and one finding per grid names such columns. Only cells beyond every header column are stray (``unplaced_row``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from goaltables.extract.findings import Finding, raw_cells
from goaltables.extract.goaltable import RawRow
from goaltables.extract.parser.align import place
from goaltables.extract.parser.continuation import continues_previous
from goaltables.extract.parser.columns import GridHeader, add_subheader, assign
from goaltables.extract.parser.lexicon import Lexicon
from goaltables.extract.parser.rows import Row, RowCell, Vocabulary, texts

FILLED_DOWN = ("level1", "weight", "level2")
FIELD_NAMES = {"level1": "一级指标", "level2": "二级指标", "weight": "权重"}
_NO_VALUE = ("group", "seq")  # roles whose cells are not indicator values


@dataclass
class GridReader:
    """Collects a grid's rows under its header; ``finish`` decides the column roles from the
    header and the collected rows together, then places every row.

    ``phase`` is ``long_term`` or ``annual`` when a row above the grid named it (长期绩效指标).
    """

    header: GridHeader
    lex: Lexicon
    vocab: Vocabulary
    table_index: int
    findings: list[Finding]
    phase: str | None = None
    rows: list[RawRow] = field(default_factory=list)
    pending: list[Row] = field(default_factory=list)
    columns: dict[int, str] = field(default_factory=dict)
    extra: dict[int, str] = field(default_factory=dict)
    _context: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(FILLED_DOWN))

    def collect(self, row: Row) -> None:
        """Keep a body row for ``finish``; blank rows, a second header row and repeated
        headers are not rows."""
        if not any(c.text for c in row):
            return
        if not self.pending and len(self.header.rows) == 1 and add_subheader(self.header, row, self.lex):
            return
        if self.header.repeats(row, self.lex):
            return
        self.pending.append(self._header_merges_emptied(row))

    def _header_merges_emptied(self, row: Row) -> Row:
        """A Word merge that starts in a repeated header row (after a page break) shows the
        header's text in the cells below it; those cells are empty, to be filled down."""
        headers = {col: h.text for col, h in self.header.columns.items()}
        if not any(c.continued and c.text == headers.get(c.col) for c in row):
            return row
        return [replace(c, text="", continued=False) if c.continued and c.text == headers.get(c.col) else c
                for c in row]

    def finish(self) -> None:
        """Decide the column roles, then read every collected row."""
        roles = assign(self.header, self.pending, self.lex, self.vocab)
        self.columns, self.extra = roles.columns, roles.extra
        for note in roles.notes:
            self._note("target_column_inferred", note, None, [])
        if self.extra:
            names = "; ".join(repr(name) for name in self.extra.values())
            self._note("unrecognised_column", f"column(s) not in the lexicon, cells kept as extra cells: {names}",
                       None, list(self.extra.values()))
        for row in self.pending:
            self._read_row(row)
        self.pending = []

    @property
    def group_label(self) -> str | None:
        col = next((c for c, r in self.columns.items() if r == "group"), None)
        return self.header.columns[col].text if col is not None else None

    def _read_row(self, row: Row) -> None:
        if continues_previous(self, row):
            return  # the rest of a row cut by a page break, joined to it (continuation.py)
        extra = [(self.extra[c.col], c.text) for c in row if c.col in self.extra and c.text]
        gridded = [c for c in row if c.col not in self.extra]
        placed, unplaced, realigned = place(gridded, self.columns, self.vocab, self.lex.value_types)
        values = {self.columns[col]: cell.text for col, cell in placed.items() if self.columns[col] not in _NO_VALUE}
        raw = texts(row)
        index = len(self.rows)
        if realigned:
            self._note("row_realigned", self._describe_move(placed), index, raw)
        if unplaced:
            self._note("unplaced_row", f"{len(unplaced)} cell(s) fit no column: "
                       + "; ".join(repr(c.text) for c in unplaced), index, raw)
        is_indicator = bool(values.get("level3") or values.get("target"))
        filled = self._fill_down(values)
        if not is_indicator:
            self._note("label_only_row", "row holds group labels only: " + raw_cells([t for t in raw if t]), None, raw)
            return
        if filled:
            names = ", ".join(f"{FIELD_NAMES[k]} {values[k]!r}" for k in filled)
            self._note("label_filled_down", f"empty cell filled from the row above: {names}", index, raw)
        if not values.get("level3"):
            self._note("missing_indicator_name", "row has a target but no indicator name", index, raw)
        # the row's own place: a merged cell continued from above carries the row it started in
        pos = next((c.pos for c in row if c.text and not c.continued), None) or next((c.pos for c in row if c.text), None)
        self.rows.append(RawRow(row_index=index, raw=raw, pos=pos, extra=extra, **values))

    def _fill_down(self, values: dict[str, str]) -> list[str]:
        """Complete the row's group labels from the context and update the context."""
        ctx = self._context
        if values.get("level1") and values["level1"] != ctx["level1"]:
            ctx.update(level1=values["level1"], weight=values.get("weight"), level2=values.get("level2"))
            return []
        if values.get("level2"):
            if not values.get("level1") and ctx["level1"] and not self.vocab.compatible(ctx["level1"], values["level2"]):
                ctx.update(level1=None, weight=None)  # this group's 一级 cell is missing: not the one above
            ctx["level2"] = values["level2"]
        if values.get("weight"):
            ctx["weight"] = values["weight"]
        filled = []
        for key in FILLED_DOWN:
            if not values.get(key) and ctx[key]:
                values[key] = ctx[key]
                filled.append(key)
        return filled

    def _describe_move(self, placed: dict[int, RowCell]) -> str:
        moves = [f"{cell.text[:20]!r} to {self.columns[col]}" for col, cell in sorted(placed.items()) if col != cell.col]
        return "shifted cells realigned by content: " + "; ".join(moves)

    def _note(self, code: str, message: str, row_index: int | None, raw: list[str]) -> None:
        if self.phase == "long_term":
            row_index = None  # the table's rows are the annual grid's: no row of this grid is one
        self.findings.append(Finding.of(code, message, table_index=self.table_index, row_index=row_index,
                                        raw=raw_cells(raw)))
