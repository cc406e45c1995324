"""The indicator grid: header row by meaning, rows placed under it, merged labels filled down.

Fill-down follows the grid's hierarchy: a new 一级 label starts a group (its 二级 label and
weight reset), a new 二级 label starts a subgroup. Filling an *empty* cell is a repair and is
recorded. A cell covered by an explicit merge (Word, HTML) already carries its label, so it
is never "filled".

A header cell the lexicon does not know (``实施期指标值``, ``备注2``), or a second header of a
meaning already taken (``年度指标值`` beside ``指标值``: the first wins), still names a column: its
cells go to ``RawRow.extra`` with that header, are never realigned, and one finding per grid
names such columns. Only cells beyond every header column are stray (``unplaced_row``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.findings import Finding, raw_cells
from extract.goaltable import RawRow
from extract.parser.align import place
from extract.parser.continuation import continues_previous
from extract.parser.lexicon import Lexicon
from extract.parser.rows import Row, RowCell, Vocabulary, texts

MIN_HEADER_ROLES = 3
FILLED_DOWN = ("level1", "weight", "level2")
FIELD_NAMES = {"level1": "一级指标", "level2": "二级指标", "weight": "权重"}


class ExtraColumn(str):
    """The printed header of a grid column the lexicon does not know.

    A ``str`` so ``header_columns`` keeps one column -> name mapping (a repeated header still
    compares equal); the type tells its cells apart from those of known fields.
    """


def header_columns(row: Row, lex: Lexicon) -> dict[int, str] | None:
    """Column -> field (or ``ExtraColumn`` header) for a grid header row; None if not one."""
    columns: dict[int, str] = {}
    unknown: dict[int, str] = {}
    for cell in row:
        role = lex.grid_role(cell.text)
        if role and role not in columns.values():
            columns[cell.col] = role
        elif cell.text:  # unknown, or a second column of a meaning already taken (年度指标值 + 指标值)
            unknown[cell.col] = ExtraColumn(cell.text)
    roles = set(columns.values())
    if len(roles) >= MIN_HEADER_ROLES and roles & {"level3", "target"}:
        return dict(sorted({**columns, **unknown}.items()))
    return None


@dataclass
class GridReader:
    """Reads a grid's rows under ``columns`` (as ``header_columns`` returned them).

    After construction ``columns`` holds the known fields only and ``extra`` the columns whose
    header the lexicon does not know.
    """

    columns: dict[int, str]
    lex: Lexicon
    vocab: Vocabulary
    table_index: int
    findings: list[Finding]
    rows: list[RawRow] = field(default_factory=list)
    extra: dict[int, str] = field(init=False)
    _context: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(FILLED_DOWN))

    def __post_init__(self) -> None:
        self.extra = {col: str(name) for col, name in self.columns.items() if isinstance(name, ExtraColumn)}
        self.columns = {col: role for col, role in self.columns.items() if col not in self.extra}
        if self.extra:
            names = "; ".join(repr(name) for name in self.extra.values())
            self._note("unrecognised_column", f"column(s) not in the lexicon, cells kept as extra cells: {names}",
                       None, list(self.extra.values()))

    def add(self, row: Row) -> None:
        if not any(c.text for c in row) or self._repeats_header(row):
            return  # blank, or the header repeated after a page break
        if continues_previous(self, row):
            return  # the rest of a row cut by a page break, joined to it (continuation.py)
        extra = [(self.extra[c.col], c.text) for c in row if c.col in self.extra and c.text]
        gridded = [c for c in row if c.col not in self.extra]
        placed, unplaced, realigned = place(gridded, self.columns, self.vocab, self.lex.value_types)
        values = {self.columns[col]: cell.text for col, cell in placed.items()}
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
        pos = next((c.pos for c in row if c.text), None)
        self.rows.append(RawRow(row_index=index, raw=raw, pos=pos, extra=extra, **values))

    def _repeats_header(self, row: Row) -> bool:
        """``header_columns(row)`` has this grid's fields, rejecting ordinary rows on one cell first.

        Only known fields are compared: a repeated header whose unknown cells differ (a page-2
        header without its 实施期指标值 cell) is still the header, never an indicator row.

        A repeated header has the first header column's role at that column; testing that one
        cell spares a lexicon lookup per cell on every data row.
        """
        col, role = next(iter(self.columns.items()))
        if not any(c.col == col and self.lex.grid_role(c.text) == role for c in row):
            return False
        header = header_columns(row, self.lex) or {}
        return {c: r for c, r in header.items() if not isinstance(r, ExtraColumn)} == self.columns

    def _fill_down(self, values: dict[str, str]) -> list[str]:
        """Complete the row's group labels from the context and update the context."""
        ctx = self._context
        if values.get("level1") and values["level1"] != ctx["level1"]:
            ctx.update(level1=values["level1"], weight=values.get("weight"), level2=values.get("level2"))
            return []
        if values.get("level2"):
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
        self.findings.append(Finding.of(code, message, table_index=self.table_index, row_index=row_index,
                                        raw=raw_cells(raw)))
