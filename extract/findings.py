"""Findings: every problem, repair and doubt, as data.

All codes live in ``CATALOGUE`` so they stay stable and documented (``docs/findings.md`` is
generated from it). Stages create findings with ``Finding.of``; an unknown code is a bug.
Parser findings point at a table and row by position; the pipeline turns positions into ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


Stage = Literal["read", "parse", "normalize", "quality"]


@dataclass(frozen=True, slots=True)
class FindingKind:
    severity: Severity
    stage: Stage  # only read/parse errors make a document "partial"; quality errors are the submission's
    summary: str


CATALOGUE: dict[str, FindingKind] = {
    # reading and parsing
    "unreadable_file": FindingKind("error", "read", "The file could not be read; `documents.error` says why."),
    "limit_exceeded": FindingKind("error", "read", "The file needed more time, memory or space than a limit allows (a bomb, or raise the limit named in `documents.error`)."),
    "non_utf8_name": FindingKind("warning", "read", "The file name is not valid UTF-8; `source_path` shows it decoded as GBK or with \\xNN escapes, `source_path_raw` holds its bytes."),
    "internal_error": FindingKind("error", "read", "goaltables itself failed on this file (a bug: please report it with the file)."),
    "reader_note": FindingKind("warning", "read", "The reader saw something a reviewer should know: hidden sheets, rows or columns that were read, a formula without a cached value, a page without an end marker, a wrong encoding declaration."),
    "duplicate_file": FindingKind("info", "read", "Byte-identical to another input file; extracted once."),
    "no_goal_tables": FindingKind("warning", "parse", "The document was read but holds no recognisable goal table."),
    "grid_without_header": FindingKind("error", "parse", "A goal table has no recognisable indicator header row, so no indicator was read."),
    "unplaced_row": FindingKind("error", "parse", "A row of the indicator grid could not be placed in any column; its raw cells are kept."),
    "unrecognised_column": FindingKind("info", "parse", "A grid column's header is not in the lexicon; its cells are kept in indicators.extra_cells."),
    "row_realigned": FindingKind("warning", "parse", "A row whose cells had shifted (collapsed merged cells) was realigned by its content."),
    "label_filled_down": FindingKind("info", "parse", "An empty 一级/二级 (or weight) cell took the label from the row above, as merged cells do."),
    "label_rejoined": FindingKind("info", "parse", "A header-block label cut in two by a page break was rejoined."),
    "row_continued": FindingKind("info", "parse", "A row cut by a PDF page break was joined to the row above: it had no target of its own and each of its texts continued a wrapped text above (evidence from the reader, decision by the grid); both pieces are in `raw`."),
    "label_only_row": FindingKind("info", "parse", "A row holding only group labels (no indicator) set the labels for the rows below."),
    "missing_indicator_name": FindingKind("warning", "parse", "An indicator row has a target but no indicator name."),
    "skipped_block": FindingKind("info", "parse", "A grid that is not an indicator grid (审核意见, 资金来源, …) was passed over; its rows are in `raw`."),
    "unparsed_form_value": FindingKind("warning", "parse", "A header-block value (budget, percentage) could not be read as a number."),
    "target_column_inferred": FindingKind("warning", "parse", "No grid column is headed as the target; the first unnamed column holding target-like values was taken as the target."),
    "long_term_only": FindingKind("info", "parse", "A row of the long-term (长期/实施期) grid has no annual row of the same name; its raw cells are kept in the finding."),
    "budget_label_preferred": FindingKind("info", "parse", "Several budget labels give one field (资金总额 over the whole project, 当年申请 for the year); the year's budget was taken."),
    "money_unit_conflict": FindingKind("warning", "parse", "A table declares two different money units (单位：万元 and 预算数（元）); the first was kept."),
    # normalization
    "unmapped_label": FindingKind("warning", "normalize", "A 一级/二级 label matches no canonical code; the raw label is kept."),
    "label_suggestion": FindingKind("warning", "normalize", "A 一级/二级 label matches no code exactly; the code it probably means is in level1_suggestion/level2_suggestion for a reviewer to confirm, and level1/level2 stay null."),
    "level1_inferred": FindingKind("info", "normalize", "The 一级 label is missing; the canonical level 1 was inferred from the 二级 label."),
    "level2_inferred": FindingKind("info", "normalize", "The 二级 label is missing; the canonical level 2 was inferred from the 一级 label."),
    "conflicting_values": FindingKind("warning", "normalize", "A header-block amount is printed more than once with different values; the first is used."),
    "level_mismatch": FindingKind("warning", "normalize", "In a project table, a 二级 label that cannot sit under its printed 一级; both are kept as printed."),
    "unparsed_weight": FindingKind("warning", "normalize", "A 权重/分值 cell is not a number (10, 10分 and 10% are read as 10); the weight is null."),
    "division_code_invalid": FindingKind("warning", "normalize", "A project code's first six digits are not a known administrative division code."),
    "region_ambiguous": FindingKind("warning", "normalize", "The unit name fits several counties of the same name (朝阳区, 鼓楼区) and names no city or province; the region is left empty."),
    "budget_total_derived": FindingKind("info", "normalize", "The total budget cell is blank; budget_total is the sum of the printed 财政资金 and 其他资金."),
    "budget_fiscal_from_source": FindingKind("info", "normalize", "资金来源 names only fiscal money with no amount of its own; budget_fiscal is the whole budget."),
    "unit_from_name": FindingKind("info", "normalize", "A bare-number target takes the unit printed in its indicator's name (培训合格率（%）), and the operator of a placeholder there (≥**%)."),
    "year_from_context": FindingKind("info", "normalize", "The table states no year; the year was taken from the notice or heading printed just above it."),
    "money_unit_assumed": FindingKind("warning", "normalize", "The table states no money unit (单位：万元/元, 预算数（元）, a unit in the title or beside the amount); 万元 was assumed."),
    # quality of the submission
    "placeholder_value": FindingKind("warning", "quality", "A target, indicator name or description still holds a template placeholder (**, XX, …)."),
    "copied_targets": FindingKind("warning", "quality", "Every indicator of the table has the same target (e.g. ≥100优 throughout): copied, not set."),
    "satisfaction_misplaced": FindingKind("warning", "quality", "A satisfaction indicator outside the 满意度 group, or a non-satisfaction indicator inside it."),
    "missing_indicator_group": FindingKind("warning", "quality", "A project table lacks an output (产出), effect (效益) or satisfaction (满意度) indicator."),
    "budget_mismatch": FindingKind("error", "quality", "预算数 differs from 财政资金 + 其他资金."),
    "budget_implausible": FindingKind("warning", "quality", "An amount is beyond what one table can plausibly carry (bounds by region level in normalize/plausibility.yaml): usually a money unit read wrongly or a typo."),
    "basic_expenditure_mismatch": FindingKind("error", "quality", "人员经费 + 公用经费 differs from 基本支出."),
    "spending_plan_invalid": FindingKind("warning", "quality", "The 资金支出计划 percentages decrease somewhere or do not end at 100%."),
    "weights_not_100": FindingKind("warning", "quality", "The level-1 weights (权重/分值) do not add up to 100."),
    "qualitative_with_unit": FindingKind("warning", "quality", "A target without a number carries a numeric unit (稳步提升 with 人次)."),
    "value_type_mismatch": FindingKind("warning", "quality", "The printed 定量/定性 contradicts the target (定量 with a word, 定性 with a number)."),
    "duplicate_indicator": FindingKind("warning", "quality", "The same indicator name occurs more than once in a table."),
    "description_repeats_name": FindingKind("info", "quality", "The indicator description only repeats the indicator name."),
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
