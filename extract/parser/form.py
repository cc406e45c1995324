"""The header block above the indicator grid: unit, project, budget, purpose, plan, goal, year.

Labels are found by meaning (``lexicon.yaml``) wherever the template puts them:

- left of the value: the value is the next cell (``项目名称 | 救助``);
- inside the value's cell or a line of text: ``项目名称：救助``, ``预算单位：X  金额单位：万元``;
- above the value: a row of labels (``预算数 | 执行数 | 执行率``, ``长期目标 | 年度目标``) names
  the cells below it; an amount under 执行数 is never a budget.

An empty first cell continues the label of the row above, as a vertically merged label cell
does in a text export. When several budget labels give one field (资金总额 over three years
and 当年申请 for this year), the label of the year's budget wins and the others are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from goaltables.extract.findings import Finding, raw_cells
from goaltables.extract.goaltable import FormFields
from goaltables.extract.parser.labels import LABEL_MAX, MONEY_LABELS, label_pairs, label_run
from goaltables.extract.parser.lexicon import Lexicon, money_unit_in
from goaltables.extract.parser.rows import Row, RowCell, texts
from goaltables.extract.text import compact

_UNIT_LINE = re.compile(r"^\d{6}\s*[^\d\s]")
_AMOUNT = re.compile(r"-?[\d,]+(?:\.\d+)?(?:亿元|万元|千元|元|万)?")
_NOTE = re.compile(r"\([^()]{0,12}\)$")
_COLUMN_RANK = 10  # a budget column's preference counts below the row label's rank
BUDGET_ROLES = frozenset({"budget_total", "budget_income_total", "budget_fiscal", "budget_fiscal_parts",
                          "budget_other"})


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
    _columns: dict[int, str] = field(default_factory=dict)  # labels printed above the cells below
    _ranks: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # role -> (rank, label, value)
    _finished: bool = False

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
        """Read a row still held back when the header block ends, and settle budget labels."""
        if self._held is not None:
            held, self._held = self._held, None
            self._read(held)
        if not self._finished:
            self._finished = True
            self._settle_ranks()

    def label_line(self, text: str, without_colons: bool = False) -> bool:
        """Read ``预算单位：X 金额单位：万元`` (a paragraph or a cell); False if it holds no label.

        ``without_colons`` also reads ``编制单位 X 项目负责人 Y``, a header row folded into the
        title cell, where the labels themselves separate the values.
        """
        pairs = label_pairs(text, self.lex) or (label_run(text, self.lex) if without_colons else [])
        if not pairs:
            return False
        for label, value in pairs:
            self._put_labelled(label, value)
        return True

    def _put_labelled(self, label: str, value: str, rank: int | None = None) -> None:
        if compact(label) in MONEY_LABELS:
            if unit := money_unit_in(f"单位:{value}"):
                self.declare_unit(unit, f"{label}:{value}")
        elif role := self.lex.form_role(label):
            self._put(role, value, label, rank)
        elif group := self.lex.budget_groups.get(self.lex.label_key(label)):
            if _AMOUNT.fullmatch(compact(value)):
                self._put(group, value, label, rank)

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
        declared = False
        for text in texts(row):
            if unit := money_unit_in(text):
                self.declare_unit(unit, text)
                declared = True
        if declared and self._unit_name_beside(row):
            return
        label = self._label_of(row)
        if compact(label) in self.lex.spending_plan:
            self._add_plan(row, label)
            return
        if self._column_labels(row):
            return
        if self._columns and self._read_under_columns(row, label):
            return
        self._columns = {}
        cells = [label, *texts(row)[1:]]
        rank = self._row_rank(cells)
        for i, cell in enumerate(row):
            self._read_cell(cells, i, cell, rank)

    def _unit_name_beside(self, row: Row) -> bool:
        """``杉溪县妇女联合会 | 单位：万元``: a unit line whose name has no label of its own."""
        others = [t for t in texts(row) if t and not money_unit_in(t)]
        if len(others) != 1 or self.lex.is_header_label(others[0]) or ":" in compact(others[0]):
            return False
        if any(ch.isdigit() for ch in others[0]) and not _UNIT_LINE.match(others[0]):
            return False
        self.form.unit_line.append(others[0])
        return True

    def _column_key(self, text: str) -> str:
        key = self.lex.label_key(text)
        while _NOTE.search(key):
            key = _NOTE.sub("", key)
        return key

    def _is_column_label(self, text: str) -> bool:
        key = self._column_key(text)
        return key in self.lex.budget_columns or key in self.lex.non_budget_columns or self.lex.is_header_label(text)

    def _column_labels(self, row: Row) -> bool:
        """A row of labels only (after its first cell) names the cells of the rows below it."""
        later = [c for c in row[1:] if c.text and not c.continued]
        if len(later) < 2 or not all(self._is_column_label(c.text) for c in later):
            return False
        self._columns = {c.col: c.text for c in later}
        return True

    def _read_under_columns(self, row: Row, label: str) -> bool:
        """Cells under a row of labels: an amount takes its field from the row's label and its
        preference from the column's (全年预算数 over 年初预算数; 执行数 never); other cells
        take the column label's field. False when the row holds labels of its own."""
        cells = [c for c in row if c.text and not c.continued and c.col in self._columns]
        if not cells or any(self._is_column_label(c.text) for c in cells):
            return False
        row_label = next((c.text for c in row if c.text and not c.continued and c.col not in self._columns), label)
        row_role = self.lex.form_role(row_label) or self.lex.budget_groups.get(self.lex.label_key(row_label))
        for cell in cells:
            column = self._columns[cell.col]
            key = self._column_key(column)
            if key in self.lex.non_budget_columns:
                continue
            if key in self.lex.budget_columns and row_role:
                rank = self.lex.budget_rank(row_label) * _COLUMN_RANK + self.lex.budget_columns[key]
                self._put(row_role, cell.text, f"{row_label}/{column}", rank)
            elif role := self.lex.form_role(column):
                self._put(role, cell.text, column)
        return True

    def _label_of(self, row: Row) -> str:
        first = row[0]
        if first.text and not first.continued:
            self._row_label = first.text
        return first.text or self._row_label

    def _row_rank(self, cells: list[str]) -> int | None:
        """The rank of the row's budget-total label: the other amounts of the row (其中：财政拨款
        beside 当年申请) cover the same span of years."""
        ranks = [self.lex.budget_rank(label) for label in self._labels_of_row(cells)
                 if self.lex.form_role(label) == "budget_total"]
        return min(ranks) * _COLUMN_RANK if ranks else None

    def _labels_of_row(self, cells: list[str]) -> list[str]:
        labels = []
        for text in cells:
            if self.lex.is_header_label(text):
                labels.append(text)
            else:
                labels.extend(label for label, _ in label_pairs(text, self.lex))
        return labels

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

    def _read_cell(self, cells: list[str], i: int, cell: RowCell, rank: int | None) -> None:
        text = cells[i]
        nxt = cells[i + 1] if i + 1 < len(cells) else ""
        value = "" if self.lex.is_header_label(nxt) else nxt
        if role := self.lex.form_role(text):
            if role == "fund_source":
                after = cells[i + 2] if i + 2 < len(cells) else ""
                self._fund_source(nxt, after, rank)
            elif not (value and self._put_inline(value, rank)):
                self._put(role, value, text, rank)
        elif group := self.lex.budget_groups.get(self.lex.label_key(text)):
            self._groups[cell.col] = group  # a group's own cell holds a number only when no subtotal row follows
            if _AMOUNT.fullmatch(compact(value)):
                self._put(group, value, text, rank)
        elif compact(text) in self.lex.subtotals:
            left = [col for col in self._groups if col < cell.col]
            self._put(self._groups[max(left)] if left else "budget_total", value, text, rank)
        elif _UNIT_LINE.match(text) and len(text) < 80:
            self.form.unit_line.append(text)
        elif not self.lex.is_header_label(text):
            self._put_inline(text, rank)

    def _fund_source(self, value: str, after: str, rank: int | None) -> None:
        """资金来源: ``区级财政资金 285.00 万元`` gives an amount to its label's field; a source
        name alone (``市级财政``) is kept so normalization can tell the whole budget is fiscal.
        A source label followed by its amount (``本级财政 | 386,400``) is read as a label."""
        if not value or self._put_inline(value, rank):
            return
        if self.lex.is_header_label(value) and (_AMOUNT.fullmatch(compact(after)) or self.lex.is_header_label(after)
                                                or not self.lex.form_role(value)):
            return
        key = compact(value)
        for size in range(min(len(key), LABEL_MAX), 1, -1):
            if (role := self.lex.form_role(key[:size])) in BUDGET_ROLES and _AMOUNT.fullmatch(key[size:]):
                self._put(role, key[size:], key[:size], rank)
                return
        self.form.fund_source.append(value)

    def _put_inline(self, text: str, rank: int | None) -> bool:
        """``项目名称：救助`` or ``年度资金总额:50万`` inside a cell; False if it holds no label."""
        pairs = label_pairs(text, self.lex)
        for label, value in pairs:
            self._put_labelled(label, value, rank)
        return bool(pairs)

    def _put(self, role: str, value: str, label: str, rank: int | None = None) -> None:
        """Record a labelled value; a budget label beside a text with no digit is next to another
        label or heading (预算金额 | 按来源类型分), not printed with an amount."""
        if not value or role in BUDGET_ROLES and not any(ch.isdigit() for ch in value):
            return
        getattr(self.form, role).append(value)
        if role in BUDGET_ROLES:
            label_rank = rank if rank is not None else self.lex.budget_rank(label) * _COLUMN_RANK
            self._ranks.setdefault(role, []).append((label_rank, label, value))

    def _settle_ranks(self) -> None:
        """Keep, per budget field, the values of its best-ranked label; report the others."""
        for role, entries in self._ranks.items():
            best = min(rank for rank, _, _ in entries)
            kept = [(label, value) for rank, label, value in entries if rank == best]
            dropped = [(label, value) for rank, label, value in entries if rank != best]
            setattr(self.form, role, [value for _, value in kept])
            if dropped:
                shown = "; ".join(f"{label} {value}" for label, value in dropped)
                self.findings.append(Finding.of(
                    "budget_label_preferred",
                    f"{kept[0][0]} {kept[0][1]} taken as the year's budget over {shown}",
                    table_index=self.table_index, raw=raw_cells([f"{l}:{v}" for l, v in kept + dropped]),
                ))


def _relabel(row: Row, label: str) -> Row:
    return [replace(row[0], text=label), *row[1:]]
