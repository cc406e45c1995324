"""Quality findings: each check fires on the problem it names and stays quiet otherwise."""

from __future__ import annotations

import dataclasses

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from goaltables.normalize.quality import check_table
from goaltables.normalize.records import GoalTableRecord, IndicatorRecord, PlanPoint
from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings
from tests.conftest import SAMPLE_000, SAMPLE_004


def _codes(path: Path) -> Counter[str]:
    return Counter(f.code for f in process_file(path, path.name, Settings()).findings if f.stage == "quality")


def test_sample_000_gets_copied_targets_and_the_placeholder() -> None:
    codes = _codes(SAMPLE_000)
    assert codes["copied_targets"] == 4
    assert codes["placeholder_value"] == 1
    assert codes["weights_not_100"] == 0 and codes["budget_mismatch"] == 0 and codes["spending_plan_invalid"] == 0


def test_sample_004_gets_the_weight_sum_and_no_false_alarm() -> None:
    codes = _codes(SAMPLE_004)
    assert codes["weights_not_100"] == 1
    assert codes["copied_targets"] == 0 and codes["placeholder_value"] == 0
    assert codes["basic_expenditure_mismatch"] == 0 and codes["budget_mismatch"] == 0


def _record(cls: type, **values: object) -> object:
    """A record with the given values and None for every other column (so new columns do not
    break these hand-built fixtures)."""
    return cls(**{f.name: values.get(f.name) for f in dataclasses.fields(cls)})


TABLE = _record(
    GoalTableRecord,
    table_id="d-t0", doc_id="d", table_index=0, table_key="k", is_primary=True, table_kind="project",
    title="培训项目绩效目标表", allocation_code=None,
    unit_code=None, unit_name=None, project_code=None, project_name="培训", budget_total=Decimal(100),
    budget_fiscal=Decimal(80), budget_other=Decimal(20), budget_basic=None, budget_personnel=None, budget_public=None,
    budget_project=None,
    money_unit="万元", fund_purpose=None, annual_goal=None, doc_number=None, doc_number_agency=None,
    doc_number_year=None, doc_number_seq=None, region_code=None, province=None, city=None, county=None,
    region_source=None, year=None,
    spending_plan=[PlanPoint("6月底", 50.0), PlanPoint("12月底", 100.0)], n_table_indicators=3, table_page=None,
    table_sheet=None, table_line=None, table_column=None, table_box=None, table_position=None,
)


def _row(i: int, level1: str, level3: str, target: str, **kw: object) -> IndicatorRecord:
    values = dict(
        indicator_id=f"d-t0-r{i}", table_id="d-t0", doc_id="d", row_index=i, level1_raw=level1, level2_raw=None,
        level1={"产出指标": "output", "效益指标": "effect", "满意度指标": "satisfaction"}.get(level1), level2=None,
        level1_match="exact", level2_match=None, level1_score=1.0, level2_score=None, level1_suggestion=None,
        level2_suggestion=None, level1_suggestion_method=None, level2_suggestion_method=None,
        level1_suggestion_score=None, level2_suggestion_score=None, level3=level3,
        indicator_kind="satisfaction_rate" if "满意" in level3 else "headcount", description=None,
        target_raw=target, target_op=">=", target_value=1.0, target_value_max=None, target_unit=None,
        target_text=None, target_placeholder=False, target_multiple=False, value_type="quantitative",
        weight=None, basis=None, unit_raw=None, previous_raw=None, extra_cells=[], page=None, sheet=None,
        line=None, column=None, box=None, position=None,
    )
    values.update(kw)
    return _record(IndicatorRecord, **values)


GOOD = [_row(0, "产出指标", "培训人数", "≥100人"), _row(1, "效益指标", "就业人数", "≥50人"),
        _row(2, "满意度指标", "学员满意度", "≥90%")]


def _found(table: GoalTableRecord, rows: list[IndicatorRecord]) -> set[str]:
    return {f.code for f in check_table(table, rows)}


def test_a_sound_table_has_no_finding() -> None:
    assert _found(TABLE, GOOD) == set()


@pytest.mark.parametrize(
    ("table_changes", "row_changes", "code"),
    [
        ({}, {0: {"target_raw": "≥**人", "target_placeholder": True}}, "placeholder_value"),
        ({}, {0: {"target_raw": "≥90%"}, 1: {"target_raw": "≥90%"}}, "copied_targets"),
        ({}, {0: {"level3": "学员满意度", "indicator_kind": "satisfaction_rate"}}, "satisfaction_misplaced"),
        ({}, {2: {"level3": "培训人数", "indicator_kind": "headcount"}}, "satisfaction_misplaced"),
        ({}, {1: {"level1": "output", "level1_raw": "产出指标"}}, "missing_indicator_group"),
        ({"budget_total": Decimal(120)}, {}, "budget_mismatch"),
        ({"budget_basic": Decimal(50), "budget_personnel": Decimal(40), "budget_public": Decimal(5)}, {}, "basic_expenditure_mismatch"),
        ({"spending_plan": [PlanPoint("6月底", 60.0), PlanPoint("12月底", 50.0)]}, {}, "spending_plan_invalid"),
        ({"spending_plan": [PlanPoint("6月底", 50.0), PlanPoint("12月底", 90.0)]}, {}, "spending_plan_invalid"),
        ({}, {0: {"weight": 30.0}, 1: {"weight": 30.0}, 2: {"weight": 30.0}}, "weights_not_100"),
        ({}, {0: {"target_raw": "稳步提升", "target_op": None, "target_value": None, "target_unit": "人"}},
         "qualitative_with_unit"),
        ({}, {0: {"target_raw": "健全", "target_op": None, "target_value": None}}, "value_type_mismatch"),
        ({}, {1: {"level3": "培训人数"}}, "duplicate_indicator"),
        ({}, {0: {"description": "培训 人数"}}, "description_repeats_name"),
    ],
)
def test_each_check_fires_on_its_problem(table_changes: dict, row_changes: dict, code: str) -> None:
    table = dataclasses.replace(TABLE, **table_changes)
    rows = [dataclasses.replace(r, **row_changes.get(r.row_index, {})) for r in GOOD]
    assert code in _found(table, rows)


def test_weights_that_sum_to_100_and_budgets_within_rounding_are_fine() -> None:
    table = dataclasses.replace(TABLE, budget_total=Decimal("100.004"))
    rows = [dataclasses.replace(r, weight=w) for r, w in zip(GOOD, (40.0, 40.0, 20.0))]
    assert _found(table, rows) == set()
