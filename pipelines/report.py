"""Review reports: the findings of a submission, grouped the way a finance-bureau reviewer
reads a goal-table filing (document → table → row), with the worst problems first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from normalize.money import show
from normalize.records import GoalTableRecord
from pipelines.process import FileResult
from pipelines.records import FindingRecord

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LABEL = {"error": "ERROR  ", "warning": "WARNING", "info": "info   "}


@dataclass(frozen=True)
class ReviewTotals:
    files: int
    errors: int
    warnings: int
    infos: int


def review(results: Iterable[FileResult], min_severity: str = "warning") -> tuple[str, ReviewTotals]:
    """The report text and its totals; findings below ``min_severity`` are counted, not listed."""
    limit = SEVERITY_ORDER[min_severity]
    lines: list[str] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    files = 0
    for result in results:
        files += 1
        for f in result.findings:
            counts[f.severity] += 1
        lines += _document(result, limit)
    totals = ReviewTotals(files, counts["error"], counts["warning"], counts["info"])
    lines.append(f"{files} file(s): {totals.errors} error(s), {totals.warnings} warning(s), {totals.infos} note(s)"
                 + ("" if limit == 2 else " (notes not listed; --all lists them)"))
    return "\n".join(lines) + "\n", totals


def _document(result: FileResult, limit: int) -> list[str]:
    doc = result.document
    head = f"{doc.source_path} [{doc.file_format or 'unknown'}, {doc.status}]"
    if doc.error:
        return [head, f"  {LABEL['error']} {doc.error}", ""]
    head += f": {doc.n_goal_tables} goal table(s), {doc.n_indicators} indicator(s)"
    shown = [f for f in result.findings if SEVERITY_ORDER[f.severity] <= limit]
    lines = [head]
    for f in (f for f in shown if f.table_id is None):
        lines.append(f"  {LABEL[f.severity]} {f.message} [{f.code}]")
    for table in result.tables:
        table_findings = sorted((f for f in shown if f.table_id == table.table_id),
                                key=lambda f: (SEVERITY_ORDER[f.severity], f.row_index if f.row_index is not None else -1))
        if table_findings:
            lines.append(f"  {_table_heading(table)}")
            lines += [f"    {LABEL[f.severity]} {_where(f)}{f.message} [{f.code}]" for f in table_findings]
    if len(lines) == 1:
        lines.append("  no problems found")
    return [*lines, ""]


def _table_heading(table: GoalTableRecord) -> str:
    parts = [f"table {table.table_index + 1}: {table.title or '(untitled)'}"]
    if table.project_code:
        parts.append(table.project_code)
    if table.budget_total is not None:
        parts.append(f"{show(table.budget_total)} 万元")
    return " · ".join(parts)


def _where(f: FindingRecord) -> str:
    return f"row {f.row_index + 1}: " if f.row_index is not None else ""
