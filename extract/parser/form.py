"""The header block above the indicator grid: unit, project, budget, purpose, plan, goal.

Labels are found by meaning (``lexicon.yaml``); a label's value is the cell right after it, or
the text after a colon in the same cell. An empty first cell continues the label of the row
above, as a vertically merged label cell does in a text export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.findings import Finding, raw_cells
from extract.goaltable import FormFields
from extract.parser.lexicon import Lexicon, money_unit_in
from extract.parser.rows import Row, RowCell, texts
from extract.text import compact

_UNIT_LINE = re.compile(r"^\d{6}\s*[^\d\s]")
_NUMBER = re.compile(r"-?[\d,]+(?:\.\d+)?")


@dataclass
class FormReader:
    lex: Lexicon
    table_index: int
    findings: list[Finding]
    form: FormFields = field(default_factory=FormFields)
    money_unit: str | None = None
    spending_plan: list[tuple[str, str]] = field(default_factory=list)
    _row_label: str = ""
    _plan_periods: list[str] | None = None
    _groups: dict[int, str] = field(default_factory=dict)
    _held: Row | None = None  # a row whose label may continue in the next row (page break)

    def add(self, row: Row) -> None:
        """Read one header-block row, first rejoining a label a page break cut in two."""
        if not any(c.text for c in row):
            return
        held, self._held = self._held, None
        if held is not None:
            joined = held[0].text + row[0].text
            if self.lex.is_header_label(joined) and not self.lex.is_header_label(row[0].text):
                self.findings.append(Finding.of(
                    "label_rejoined", f"label split over two rows rejoined: {held[0].text!r} + {row[0].text!r}",
                    table_index=self.table_index, raw=raw_cells(texts(held) + texts(row)),
                ))
                self._read(_relabel(held, joined))
                self._read(_relabel(row, joined))
                return
            self._read(held)
        if self._label_prefix(row[0].text):
            self._held = row
        else:
            self._read(row)

    def finish(self) -> None:
        """Read a row still held back when the header block ends."""
        if self._held is not None:
            held, self._held = self._held, None
            self._read(held)

    def _label_prefix(self, text: str) -> bool:
        """True for the first part of a label that is not a label itself (``资金支出计``)."""
        key = compact(text)
        return bool(key) and not self.lex.is_header_label(text) and any(
            label.startswith(key) and label != key for label in self.lex.all_labels)

    def declare_unit(self, unit: str, raw: str) -> None:
        """Take the first money unit the table declares; a later different one is reported.

        Two declarations that disagree are a contradiction in the submission: the first (the
        unit line above the form, as a rule) is kept and the reviewer is told.
        """
        if self.money_unit is None:
            self.money_unit = unit
        elif unit != self.money_unit:
            self.findings.append(Finding.of(
                "money_unit_conflict", f"money unit {unit} declared after {self.money_unit}; {self.money_unit} kept",
                table_index=self.table_index, raw=raw,
            ))

    def _read(self, row: Row) -> None:
        for text in texts(row):
            if unit := money_unit_in(text):
                self.declare_unit(unit, text)
        label = self._label_of(row)
        if compact(label) in self.lex.spending_plan:
            self._add_plan(row, label)
            return
        cells = [label, *texts(row)[1:]]
        for i, cell in enumerate(row):
            self._read_cell(cells, i, cell)

    def _label_of(self, row: Row) -> str:
        first = row[0]
        if first.text and not first.continued:
            self._row_label = first.text
        return first.text or self._row_label

    def _add_plan(self, row: Row, label: str) -> None:
        values = [t for t in texts(row)[1:] if t]
        if self._plan_periods is None:
            self._plan_periods = values
            return
        periods, self._plan_periods = self._plan_periods, None
        if len(periods) != len(values):
            self.findings.append(Finding.of(
                "unparsed_form_value",
                f"spending plan has {len(periods)} checkpoints but {len(values)} percentages",
                table_index=self.table_index, raw=raw_cells(texts(row)),
            ))
        self.spending_plan.extend(zip(periods, values))

    def _read_cell(self, cells: list[str], i: int, cell: RowCell) -> None:
        text = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else ""
        value = "" if self.lex.is_header_label(nxt) else nxt
        if role := self.lex.form_role(text):
            self._put(role, value)
        elif group := self.lex.budget_groups.get(compact(text)):
            self._groups[cell.col] = group  # a group's own cell holds a number only when no subtotal row follows
            if _NUMBER.fullmatch(compact(value)):
                self._put(group, value)
        elif compact(text) in self.lex.subtotals:
            left = [col for col in self._groups if col < cell.col]
            self._put(self._groups[max(left)] if left else "budget_total", value)
        elif _UNIT_LINE.match(text) and len(text) < 80:
            self.form.unit_line.append(text)
        else:
            self._read_inline(text)

    def _read_inline(self, text: str) -> None:
        """``项目名称：救助`` style cells hold label and value together.

        The label may hold a colon itself (``其中：财政资金：50万元``), so each colon is tried in
        turn and the first one with a known label before it splits the cell.
        """
        flat = text.replace("：", ":")
        for i, ch in enumerate(flat):
            if ch != ":":
                continue
            tail = flat[i + 1:].strip()
            if tail and (role := self.lex.form_role(flat[:i])):
                self._put(role, tail)
                return

    def _put(self, role: str, value: str) -> None:
        if value:
            getattr(self.form, role).append(value)


def _relabel(row: Row, label: str) -> Row:
    return [replace(row[0], text=label), *row[1:]]
