"""The goal-table parser: document model in, goal tables as printed out.

It walks the document's blocks once. A title paragraph (``…绩效目标表``) or a title row opens a
goal table; label lines printed around the title (``预算单位：… 金额单位：万元``) and a year line
(``（2021年度）``) belong to it. The rows that follow, across as many Word/PDF tables as the form
was split into, feed its header block until a grid header row, then its indicator grid. A grid
that continues in the next table (page break, repeated header) stays one grid. A row naming
the grid below it (长期绩效指标 / 年度绩效指标) starts a new grid of that phase; the annual grid
gives the rows and long-term values are kept beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from goaltables.extract.findings import Finding, raw_cells
from goaltables.extract.goaltable import ParsedDocument, RawGoalTable
from goaltables.extract.model import Document, Paragraph, SourcePos
from goaltables.extract.parser.columns import header_of
from goaltables.extract.parser.form import FormReader
from goaltables.extract.parser.grid import GridReader
from goaltables.extract.parser.labels import label_pairs
from goaltables.extract.parser.lexicon import Lexicon, lexicon, money_unit_in
from goaltables.extract.parser.narrative import unit_goals
from goaltables.extract.parser.phases import merge_phases
from goaltables.extract.parser.rows import Row, Vocabulary, table_rows, texts
from goaltables.extract.text import clean, compact

__all__ = ["parse", "Vocabulary"]

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_LINE = re.compile(r"^[(\[【〔]?((?:19|20)\d{2})年度?[)\]】〕]?$")
# A title ends at 表 after its marker, with an optional year in brackets: …绩效目标表（2025年度）.
_TITLE_TAIL = re.compile(r"^[^:]*?表(?:[(\[【〔](?:19|20)\d{2}年度?[)\]】〕])?")
_CONTEXT_PARAGRAPHS = 3  # narrative paragraphs before a title that may give its year
_BLOCK_NAME_MAX = 20  # a block's name printed as a paragraph is a short heading
# Labels that open a new form after a closed grid: they name a project or a unit, unlike budget
# labels (预算数, 执行数), which another table after the grid may print in its header.
_FORM_OPENERS = frozenset({"project_name", "project_code", "unit_name", "unit_department", "unit_implementing"})


def parse(document: Document, vocab: Vocabulary, lex: Lexicon | None = None) -> ParsedDocument:
    parser = _Parser(lex or lexicon(), vocab)
    for block in document.blocks:
        if isinstance(block, Paragraph):
            parser.paragraph(block)
        else:
            for row in table_rows(block):
                parser.row(row, block.pos)
            parser.end_of_table()
    tables = parser.finish()
    return ParsedDocument(tables, unit_goals(document.paragraphs()), parser.findings)


@dataclass
class _Builder:
    """One goal table being assembled."""

    index: int
    title: str | None
    pos: SourcePos | None
    form: FormReader
    grids: list[GridReader] = field(default_factory=list)
    skipping: str | None = None  # a non-indicator block (审核意见, …) being passed over
    closed: bool = False  # a heading after the grid ended it: later rows are not indicators
    phase: str | None = None  # the phase a 长期/年度绩效指标 row announced for the next grid
    title_years: list[int] = field(default_factory=list)
    context_years: list[int] = field(default_factory=list)

    @property
    def grid(self) -> GridReader | None:
        return self.grids[-1] if self.grids else None

    def table(self, lex: Lexicon, findings: list[Finding]) -> RawGoalTable:
        for grid in self.grids:
            grid.finish()
        grid = merge_phases(self.grids, self.index, findings)
        fields = self.form.form
        is_overall = bool(self.title and lex.is_overall(self.title)) or (
            not fields.project_name and not fields.project_code and bool(fields.budget_personnel or fields.unit_name)
        )
        roles = set(grid.columns.values()) if grid else set()
        return RawGoalTable(
            index=self.index,
            kind="overall" if is_overall else "project",
            title=self.title,
            money_unit=self.form.money_unit,
            form=fields,
            spending_plan=self.form.spending_plan,
            columns=[grid.columns[c] for c in sorted(grid.columns)] if grid else [],
            rows=grid.rows if grid else [],
            pos=self.pos,
            self_evaluation=bool(self.title and lex.is_self_evaluation(self.title)) or bool(roles & {"actual", "score"}),
            title_years=self.title_years,
            context_years=self.context_years,
            group_label=grid.group_label if grid else None,
        )


@dataclass
class _Parser:
    lex: Lexicon
    vocab: Vocabulary
    findings: list[Finding] = field(default_factory=list)
    done: list[_Builder] = field(default_factory=list)
    current: _Builder | None = None
    pending_unit: str | None = None  # a unit line printed before the next goal table opens
    pending_lines: list[str] = field(default_factory=list)  # label lines printed before the title
    recent: list[str] = field(default_factory=list)  # narrative paragraphs since the last table

    def paragraph(self, para: Paragraph) -> None:
        text = clean(para.text)
        if not text:
            return
        current = self.current
        if self.lex.is_title_paragraph(text):
            self._open(text, para.pos)
        elif self._marker(text):
            pass
        elif current and self.lex.is_non_indicator(text) and len(compact(text)) <= _BLOCK_NAME_MAX:
            current.skipping = text  # 项目支出明细 printed above its grid: that grid is passed over
            current.closed = current.grid is not None
        elif current and current.grid is None and current.form.label_line(text):
            pass  # 预算单位：… 金额单位：万元, read into the open form
        elif unit := money_unit_in(text):
            if current and current.grid is None:
                current.form.declare_unit(unit, text)
            else:  # no form open (nothing yet, or the last grid is done): the unit heads the next table
                self.pending_unit = unit
        elif label_pairs(text, self.lex) and len(text) < 120:
            self.pending_lines.append(text)
        else:
            self.recent = [*self.recent[-(_CONTEXT_PARAGRAPHS - 1):], text]

    def _marker(self, text: str) -> bool:
        """Lines that steer the parse wherever they are printed, as a paragraph or a one-cell
        row: a grid's phase (长期绩效指标), a heading that ends the grid (附：…), a year line
        under the title (（2021年度）). False when ``text`` is none of them."""
        current = self.current
        if current is None:
            return False
        if phase := self.lex.phase_of(text):
            current.phase, current.skipping = phase, None
        elif current.grid is not None and self.lex.is_section_heading(text):
            current.closed, current.skipping = True, text  # rows below it are another table's
            self.recent = [text]
        elif current.grid is None and (year := _YEAR_LINE.fullmatch(compact(text))):
            current.title_years.append(int(year.group(1)))
        else:
            return False
        return True

    def row(self, row: Row, table_pos: SourcePos) -> None:
        filled = [t for t in texts(row) if t]
        if not filled:
            return
        if len(filled) == 1 and self.lex.is_title(filled[0]):
            return self._title_row(filled[0], row[0].pos or table_pos)
        if len(filled) == 1 and self._marker(filled[0]):
            return
        builder = self.current or self._open(None, table_pos)
        self._feed(builder, row)

    def _title_row(self, text: str, pos: SourcePos | None) -> None:
        """A title in a table row, perhaps with the unit line in the same merged cell."""
        match = _TITLE_TAIL.match(compact(text))
        title, rest = text, ""
        if match and self.lex.is_title(match.group()) and len(match.group()) < len(compact(text)):
            title, rest = _split_compact(text, len(match.group()))
        current = self.current
        if current and current.title is None and current.grid is None and not _has_content(current):
            current.title = title
        else:
            current = self._open(title, pos)
        if rest and not current.form.label_line(rest, without_colons=True) and (unit := money_unit_in(rest)):
            current.form.declare_unit(unit, rest)

    def _feed(self, builder: _Builder, row: Row) -> None:
        if builder.closed:
            if self.lex.form_role(next((t for t in texts(row) if t), "")) in _FORM_OPENERS:
                return self._feed(self._open(None, row[0].pos), row)
            first = next((t for t in texts(row) if t), "")
            if self.lex.is_non_indicator(first):
                builder.skipping = first
            builder.skipping = builder.skipping or "a table after the goal table"
            return self._skip(builder, row)
        if builder.skipping is not None:
            if header_of(row, self.lex) is None:
                return self._skip(builder, row)
            builder.skipping = None  # an indicator grid starts: the skipped block is over
        elif self._starts_block(builder, row):
            builder.skipping = row[0].text or next(t for t in texts(row) if t)
            return self._skip(builder, row)
        grid = builder.grid
        if grid is None or builder.phase is not None:
            if header := header_of(row, self.lex):
                builder.form.finish()
                builder.grids.append(GridReader(header, self.lex, self.vocab, builder.index, self.findings,
                                                phase=builder.phase))
                builder.phase = None
            elif grid is None:
                builder.form.add(row)
            return
        if grid.pending and self._starts_form(row):
            builder = self._open(None, row[0].pos)  # a new form without a title paragraph
            return self._feed(builder, row)
        grid.collect(row)

    def _starts_form(self, row: Row) -> bool:
        """After a grid, a header-block label (预算数, 主管部门, 项目名称…) begins the next form.

        合计/小计 are left out: a grid may end with a total row of its own.
        """
        first = next((c.text for c in row if c.text), "")
        return self.lex.is_header_label(first) and compact(first) not in self.lex.subtotals

    def _starts_block(self, builder: _Builder, row: Row) -> bool:
        """A non-indicator block (审核意见, 资金来源…) starts here, so its rows are passed over.

        Before the grid, a row labelled 资金来源 is usually a header-block line with its values
        (``资金来源 | 财政拨款 | 50``); only a row heading a block of its own starts skipping there.
        """
        first = next((t for t in texts(row) if t), "")
        if not self.lex.is_non_indicator(first):
            return False
        return builder.grid is not None or self._heads_block(row)

    def _heads_block(self, row: Row) -> bool:
        """The block name alone, or with column headers: no number, no header-block label."""
        filled = [t for t in texts(row) if t]
        others = filled[1:]
        if not others:
            return True
        return len(others) >= 2 and not any(
            any(ch.isdigit() for ch in t) or self.lex.is_header_label(t) for t in others)

    def _skip(self, builder: _Builder, row: Row) -> None:
        self.findings.append(Finding.of(
            "skipped_block", f"not an indicator grid ({builder.skipping}): row passed over",
            table_index=builder.index, raw=raw_cells(texts(row)),
        ))

    def end_of_table(self) -> None:
        if self.current:
            self.current.skipping = None

    def _open(self, title: str | None, pos: SourcePos | None) -> _Builder:
        """Start a goal table. A predecessor with no content (only a title or a unit line) is
        replaced, not kept: its title and unit are this table's, and indexes stay dense."""
        unit, self.pending_unit = self.pending_unit, None
        title_years: list[int] = []
        context = [int(y) for text in self.recent for y in _YEAR.findall(text)]
        if self.current:
            self.current.form.finish()
            if _has_content(self.current):
                self.done.append(self.current)
            else:
                unit = self.current.form.money_unit or unit
                title = title or self.current.title
                title_years = self.current.title_years
                context = context or self.current.context_years
        unit = unit or (money_unit_in(title) if title else None)  # …绩效目标表（单位：元）
        index = len(self.done)
        self.current = _Builder(index, title, pos, FormReader(self.lex, index, self.findings),
                                title_years=title_years, context_years=context)
        self.recent = []
        self.current.form.money_unit = unit
        for line in self.pending_lines:
            self.current.form.label_line(line)
        self.pending_lines = []
        return self.current

    def finish(self) -> list[RawGoalTable]:
        last, self.current = self.current, None
        if last:
            last.form.finish()
            if _has_content(last):
                self.done.append(last)
            else:  # its findings (a skipped block) belong to no table
                self.findings[:] = [_detached(f) if f.table_index == last.index else f for f in self.findings]
        for builder in self.done:
            if builder.grid is None:
                self.findings.append(Finding.of(
                    "grid_without_header",
                    f"goal table {builder.title or '(untitled)'} has no indicator header row",
                    table_index=builder.index,
                ))
        return [builder.table(self.lex, self.findings) for builder in self.done]


def _split_compact(text: str, n: int) -> tuple[str, str]:
    """Split ``text`` after its first ``n`` characters that are not whitespace."""
    seen = 0
    for i, ch in enumerate(text):
        if not ch.isspace():
            seen += 1
            if seen == n:
                return text[: i + 1].strip(), text[i + 1:].strip()
    return text, ""


def _has_content(builder: _Builder) -> bool:
    form = builder.form.form
    return any(getattr(form, name) for name in form.__slots__) or builder.grid is not None


def _detached(finding: Finding) -> Finding:
    return Finding(finding.code, finding.severity, finding.message, None, finding.row_index, finding.raw)
