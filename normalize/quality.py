"""Quality checks on a normalized goal table: what a reviewer would send back.

Each check is a small function over one table and its indicators that yields findings; the
list ``CHECKS`` is the whole review. Codes and severities live in ``extract.findings.CATALOGUE``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goaltables.extract.findings import Finding
from goaltables.extract.text import compact
from goaltables.extract.yamlfile import read_yaml
from goaltables.normalize.money import show
from goaltables.normalize.records import GoalTableRecord, IndicatorRecord

if TYPE_CHECKING:
    from goaltables.normalize.document import NormalizedDocument

MONEY_TOLERANCE = Decimal("0.005")  # 万元: half a 50-yuan rounding step
WEIGHT_TOTAL = 100.0
_PLACEHOLDER = re.compile(r"\*{2,}|＊{2,}|[Xx×]{2,}|…|\.{3,}|□|○{2,}")
Rows = list[IndicatorRecord]
PLAUSIBILITY_PATH = Path(__file__).with_name("plausibility.yaml")
REGION_LEVELS = ("county", "city", "province", "unknown")
BUDGET_LABELS = {"budget_total": "预算数", "budget_fiscal": "财政资金", "budget_other": "其他资金",
                 "budget_basic": "基本支出", "budget_personnel": "人员经费", "budget_public": "公用经费",
                 "budget_project": "项目支出"}


@dataclass(frozen=True, slots=True)
class Plausibility:
    """Bounds of a plausible amount, in 万元 (``plausibility.yaml``)."""

    max_wan: dict[str, float]
    min_wan: float


def _bound(value: Any, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{PLAUSIBILITY_PATH.name}: {where} must be a positive number of 万元, got {value!r}")
    return float(value)


def build_plausibility(data: Any) -> Plausibility:
    """Validate the loaded YAML; every problem names its key."""
    if not isinstance(data, dict) or set(data) != {"budget_max_wan", "budget_min_wan"}:
        raise ValueError(f"{PLAUSIBILITY_PATH.name}: expected exactly the keys budget_max_wan and budget_min_wan")
    maxima = data["budget_max_wan"]
    if not isinstance(maxima, dict) or set(maxima) != set(REGION_LEVELS):
        raise ValueError(f"{PLAUSIBILITY_PATH.name}: budget_max_wan must give a bound for each of {', '.join(REGION_LEVELS)}")
    bounds = {level: _bound(maxima[level], f"budget_max_wan.{level}") for level in REGION_LEVELS}
    minimum = _bound(data["budget_min_wan"], "budget_min_wan")
    if minimum >= min(bounds.values()):
        raise ValueError(f"{PLAUSIBILITY_PATH.name}: budget_min_wan must be below every budget_max_wan bound")
    return Plausibility(bounds, minimum)


@cache
def plausibility() -> Plausibility:
    return build_plausibility(read_yaml(PLAUSIBILITY_PATH))


def _finding(code: str, message: str, table: GoalTableRecord, row: int | None = None, raw: str | None = None) -> Finding:
    return Finding.of(code, message, table_index=table.table_index, row_index=row, raw=raw)


def placeholders(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    for r in rows:
        fields = {"target": r.target_raw, "indicator name": r.level3, "description": r.description}
        hits = [name for name, text in fields.items() if text and _PLACEHOLDER.search(text)]
        if r.target_placeholder and "target" not in hits:
            hits.insert(0, "target")
        if hits:
            yield _finding("placeholder_value", f"placeholder left in the {' and '.join(hits)} of {r.level3!r}",
                           table, r.row_index, " | ".join(filter(None, [r.level3, r.description, r.target_raw])))


def copied_targets(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    targets = {r.target_raw for r in rows}
    if len(rows) >= 3 and len(targets) == 1 and None not in targets:
        yield _finding("copied_targets", f"all {len(rows)} indicators have the target {targets.pop()!r}", table)


def satisfaction_placement(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    for r in rows:
        is_kind = r.indicator_kind == "satisfaction_rate"
        in_group = r.level1 == "satisfaction" or r.level2 == "service_satisfaction"
        if is_kind and r.level1 is not None and not in_group:
            yield _finding("satisfaction_misplaced", f"satisfaction indicator {r.level3!r} is filed under "
                           f"{r.level1_raw}/{r.level2_raw}", table, r.row_index)
        elif in_group and r.indicator_kind is not None and not is_kind:
            yield _finding("satisfaction_misplaced", f"{r.level3!r} is not a satisfaction measure but is filed "
                           f"under {r.level1_raw}", table, r.row_index)


def missing_groups(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    if table.table_kind != "project" or not rows:
        return
    present = {r.level1 for r in rows}
    missing = [name for code, name in (("output", "产出"), ("effect", "效益"), ("satisfaction", "满意度"))
               if code not in present]
    if missing:
        yield _finding("missing_indicator_group", f"no {'/'.join(missing)} indicator in the table", table)


def budget_sums(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    total, fiscal, other = table.budget_total, table.budget_fiscal, table.budget_other
    if total is not None and fiscal is not None and abs(total - fiscal - (other or 0)) > MONEY_TOLERANCE:
        yield _finding("budget_mismatch",
                       f"预算数 {show(total)} 万元 ≠ 财政资金 {show(fiscal)} + 其他资金 {show(other or Decimal(0))}", table)
    basic, personnel, public = table.budget_basic, table.budget_personnel, table.budget_public
    if basic is not None and personnel is not None and public is not None \
            and abs(basic - personnel - public) > MONEY_TOLERANCE:
        yield _finding("basic_expenditure_mismatch",
                       f"基本支出 {show(basic)} 万元 ≠ 人员经费 {show(personnel)} + 公用经费 {show(public)}", table)


def _region_level(table: GoalTableRecord) -> str:
    if table.county:
        return "county"
    return "city" if table.city else "province" if table.province else "unknown"


def budget_magnitude(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    """Amounts no single table can carry: almost always a money unit read wrongly (元 printed
    and 万元 assumed makes a budget 10,000× too large) or a typo."""
    bounds, level = plausibility(), _region_level(table)
    unit = table.money_unit or "万元 (assumed)"
    for name, label in BUDGET_LABELS.items():
        amount = getattr(table, name)
        if amount is None or amount == 0:
            continue
        if abs(amount) > bounds.max_wan[level]:
            yield _finding("budget_implausible", f"{label} {show(amount)} 万元 (printed in {unit}) is above the "
                           f"{bounds.max_wan[level]:g} 万元 plausible for a {level}-level table", table)
        elif abs(amount) < bounds.min_wan:
            yield _finding("budget_implausible", f"{label} {show(amount)} 万元 (printed in {unit}) is below the "
                           f"{bounds.min_wan:g} 万元 a budget line plausibly holds", table)


def spending_plan(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    percents = [p.percent for p in table.spending_plan]
    if not percents or None in percents:
        return
    plan = ", ".join(f"{p.checkpoint} {p.percent:g}%" for p in table.spending_plan)
    if any(b < a for a, b in zip(percents, percents[1:])):
        yield _finding("spending_plan_invalid", f"spending plan decreases: {plan}", table)
    elif abs(percents[-1] - 100) > 1e-9:
        yield _finding("spending_plan_invalid", f"spending plan ends at {percents[-1]:g}%, not 100%: {plan}", table)


def weights(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    """Group weights (one 权重 per 一级, merged down) or row weights (a 分值 per indicator) add up
    to 100; the check accepts either reading that does."""
    groups: dict[str, float | None] = {}
    for r in rows:
        groups.setdefault(r.level1_raw or "", r.weight)
    if not any(w is not None for w in groups.values()):
        return
    total = sum(w for w in groups.values() if w is not None)
    per_row = sum(r.weight for r in rows if r.weight is not None)
    if abs(total - WEIGHT_TOTAL) > 1e-6 and abs(per_row - WEIGHT_TOTAL) > 1e-6:
        unweighted = [g for g, w in groups.items() if w is None]
        note = f" ({', '.join(unweighted)} without a weight)" if unweighted else ""
        yield _finding("weights_not_100", f"level-1 weights add up to {total:g}, not 100{note}", table)


def target_consistency(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    for r in rows:
        if r.target_raw and r.target_value is None and r.target_unit and not r.target_placeholder \
                and not r.target_multiple:
            yield _finding("qualitative_with_unit", f"{r.level3!r}: target {r.target_raw!r} has no number but "
                           f"the unit {r.target_unit}", table, r.row_index)
        printed = {"quantitative": "定量", "qualitative": "定性"}.get(r.value_type or "")
        has_number = r.target_value is not None or r.target_multiple
        if r.target_raw and printed and r.value_type != ("quantitative" if has_number else "qualitative") \
                and not r.target_placeholder:
            yield _finding("value_type_mismatch", f"{r.level3!r} is marked {printed} but its target is "
                           f"{r.target_raw!r}", table, r.row_index)


def duplicates(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    counts = Counter(compact(r.level3) for r in rows if r.level3)
    for r in rows:
        key = compact(r.level3)
        if key and counts[key] > 1:
            counts[key] = 0  # report each name once, at its first row
            yield _finding("duplicate_indicator", f"indicator {r.level3!r} occurs more than once", table, r.row_index)


def echoed_descriptions(table: GoalTableRecord, rows: Rows) -> Iterator[Finding]:
    for r in rows:
        if r.description and r.level3 and compact(r.description) == compact(r.level3):
            yield _finding("description_repeats_name", f"the description of {r.level3!r} only repeats its name",
                           table, r.row_index)


Check = Callable[[GoalTableRecord, Rows], Iterator[Finding]]
CHECKS: tuple[Check, ...] = (
    placeholders, copied_targets, satisfaction_placement, missing_groups, budget_sums, budget_magnitude,
    spending_plan, weights,
    target_consistency, duplicates, echoed_descriptions,
)


def check_table(table: GoalTableRecord, rows: Rows) -> list[Finding]:
    return [finding for check in CHECKS for finding in check(table, rows)]


def check_document(document: NormalizedDocument) -> list[Finding]:
    """All checks on every table of a document."""
    by_table: dict[str, Rows] = {}
    for row in document.indicators:
        by_table.setdefault(row.table_id, []).append(row)
    return [f for table in document.tables for f in check_table(table, by_table.get(table.table_id, []))]
