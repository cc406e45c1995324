"""The goal-table parser: document model in, goal tables as printed out.

It walks the document's blocks once. A title paragraph (``…绩效目标表``) or a title row opens a
goal table, and a money-unit paragraph (``单位：元``) printed before it belongs to it. The rows
that follow, across as many Word/PDF tables as the form was split into, feed its header block
until the grid header row, then its indicator grid. A grid that continues
in the next table (page break, repeated header) stays one grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from extract.findings import Finding, raw_cells
from extract.goaltable import ParsedDocument, RawGoalTable
from extract.model import Document, Paragraph, SourcePos
from extract.parser.form import FormReader
from extract.parser.grid import GridReader, header_columns
from extract.parser.lexicon import Lexicon, lexicon, money_unit_in
from extract.parser.narrative import unit_goals
from extract.parser.rows import Row, Vocabulary, table_rows, texts
from extract.text import clean, compact

__all__ = ["parse", "Vocabulary"]


def parse(document: Document, vocab: Vocabulary) -> ParsedDocument:
    parser = _Parser(lexicon(), vocab)
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
    grid: GridReader | None = None
    skipping: str | None = None  # a non-indicator block (审核意见, …) being passed over

    def table(self, lex: Lexicon) -> RawGoalTable:
        fields = self.form.form
        is_overall = bool(self.title and lex.is_overall(self.title)) or (
            not fields.project_name and not fields.project_code and bool(fields.budget_personnel or fields.unit_name)
        )
        return RawGoalTable(
            index=self.index,
            kind="overall" if is_overall else "project",
            title=self.title,
            money_unit=self.form.money_unit,
            form=fields,
            spending_plan=self.form.spending_plan,
            columns=[self.grid.columns[c] for c in sorted(self.grid.columns)] if self.grid else [],
            rows=self.grid.rows if self.grid else [],
            pos=self.pos,
        )


@dataclass
class _Parser:
    lex: Lexicon
    vocab: Vocabulary
    findings: list[Finding] = field(default_factory=list)
    done: list[_Builder] = field(default_factory=list)
    current: _Builder | None = None
    pending_unit: str | None = None  # a unit line printed before the next goal table opens

    def paragraph(self, para: Paragraph) -> None:
        if self.lex.is_title_paragraph(para.text):
            self._open(clean(para.text), para.pos)
        elif unit := money_unit_in(para.text):
            if self.current and not self.current.grid:
                self.current.form.declare_unit(unit, para.text)
            else:  # no form open (nothing yet, or the last grid is done): the unit heads the next table
                self.pending_unit = unit

    def row(self, row: Row, table_pos: SourcePos) -> None:
        filled = [t for t in texts(row) if t]
        if not filled:
            return
        if len(filled) == 1 and self.lex.is_title(filled[0]):
            if self.current and self.current.title is None and not self.current.grid and not _has_content(self.current):
                self.current.title = filled[0]
            else:
                self._open(filled[0], row[0].pos or table_pos)
            return
        builder = self.current or self._open(None, table_pos)
        self._feed(builder, row)

    def _feed(self, builder: _Builder, row: Row) -> None:
        if builder.skipping is not None:
            if header_columns(row, self.lex) is None:
                return self._skip(builder, row)
            builder.skipping = None  # an indicator grid starts: the skipped block is over
        elif self._starts_block(builder, row):
            builder.skipping = row[0].text
            return self._skip(builder, row)
        if builder.grid is None:
            if columns := header_columns(row, self.lex):
                builder.form.finish()
                builder.grid = GridReader(columns, self.lex, self.vocab, builder.index, self.findings)
            else:
                builder.form.add(row)
            return
        if builder.grid.rows and self._starts_form(row):
            builder = self._open(None, row[0].pos)  # a new form without a title paragraph
            return self._feed(builder, row)
        builder.grid.add(row)

    def _starts_form(self, row: Row) -> bool:
        """After a grid, a header-block label (预算数, 主管部门, 项目名称…) begins the next form.

        合计/小计 are left out: a grid may end with a total row of its own.
        """
        first = row[0].text or ""
        return self.lex.is_header_label(first) and compact(first) not in self.lex.subtotals

    def _starts_block(self, builder: _Builder, row: Row) -> bool:
        """A non-indicator block (审核意见, 资金来源…) starts here, so its rows are passed over.

        Before the grid, a row labelled 资金来源 is usually a header-block line with its values
        (``资金来源 | 财政拨款 | 50``); only a row heading a block of its own starts skipping there.
        """
        if not self.lex.is_non_indicator(row[0].text or ""):
            return False
        return builder.grid is not None or self._heads_block(row)

    def _heads_block(self, row: Row) -> bool:
        """The block name alone, or with column headers: no number, no header-block label."""
        others = [t for t in texts(row)[1:] if t]
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
        if self.current:
            self.current.form.finish()
            if _has_content(self.current):
                self.done.append(self.current)
            else:
                unit = self.current.form.money_unit or unit
                title = title or self.current.title
        unit = unit or (money_unit_in(title) if title else None)  # …绩效目标表（单位：元）
        index = len(self.done)
        self.current = _Builder(index, title, pos, FormReader(self.lex, index, self.findings))
        self.current.form.money_unit = unit
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
        return [builder.table(self.lex) for builder in self.done]


def _has_content(builder: _Builder) -> bool:
    form = builder.form.form
    return any(getattr(form, name) for name in form.__slots__) or builder.grid is not None


def _detached(finding: Finding) -> Finding:
    return Finding(finding.code, finding.severity, finding.message, None, finding.row_index, finding.raw)
