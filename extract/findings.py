"""Findings: every problem, repair and doubt, as data.

All codes live in ``CATALOGUE`` so they stay stable and documented (``docs/findings.md`` is
generated from it). Stages create findings with ``Finding.of``; an unknown code is a bug.
Parser findings point at a table and row by position; the pipeline turns positions into ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class FindingKind:
    severity: Severity
    summary: str


CATALOGUE: dict[str, FindingKind] = {
    # reading and parsing
    "unreadable_file": FindingKind("error", "The file could not be read; `documents.error` says why."),
    "internal_error": FindingKind("error", "goaltables itself failed on this file (a bug: please report it with the file)."),
    "duplicate_file": FindingKind("info", "Byte-identical to another input file; extracted once."),
    "no_goal_tables": FindingKind("warning", "The document was read but holds no recognisable goal table."),
    "grid_without_header": FindingKind("error", "A goal table has no recognisable indicator header row, so no indicator was read."),
    "unplaced_row": FindingKind("error", "A row of the indicator grid could not be placed in any column; its raw cells are kept."),
    "row_realigned": FindingKind("warning", "A row whose cells had shifted (collapsed merged cells) was realigned by its content."),
    "label_filled_down": FindingKind("info", "An empty 一级/二级 (or weight) cell took the label from the row above, as merged cells do."),
    "label_only_row": FindingKind("info", "A row holding only group labels (no indicator) set the labels for the rows below."),
    "missing_indicator_name": FindingKind("warning", "An indicator row has a target but no indicator name."),
    "skipped_block": FindingKind("info", "A grid that is not an indicator grid (审核意见, 资金来源, …) was passed over; its rows are in `raw`."),
    "unparsed_form_value": FindingKind("warning", "A header-block value (budget, percentage) could not be read as a number."),
    # normalization
    "unmapped_label": FindingKind("warning", "A 一级/二级 label matches no canonical code; the raw label is kept."),
    "level1_inferred": FindingKind("info", "The 一级 label is missing; the canonical level 1 was inferred from the 二级 label."),
    "level2_inferred": FindingKind("info", "The 二级 label is missing; the canonical level 2 was inferred from the 一级 label."),
    "money_unit_assumed": FindingKind("warning", "The table states no money unit (单位：万元/元); 万元 was assumed."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    table_index: int | None = None
    row_index: int | None = None
    raw: str | None = None

    @classmethod
    def of(
        cls,
        code: str,
        message: str,
        *,
        table_index: int | None = None,
        row_index: int | None = None,
        raw: str | None = None,
    ) -> Finding:
        """A finding of a catalogued ``code``; severity comes from the catalogue."""
        kind = CATALOGUE[code]
        return cls(code, kind.severity, message, table_index, row_index, raw)


def raw_cells(cells: list[str]) -> str:
    """The raw cells of a row as one reviewer-readable string: ``a | b | c``."""
    return " | ".join(cells)
