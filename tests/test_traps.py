"""Every trap of docs/domain.md has a named fixture and a golden record of every field.

The fixtures are written by ``tests/fixtures/make_trap_fixtures.py`` into
``tests/fixtures/files/traps/``; each runs through the real pipeline (``process_file``) and the
document row (status, counts, error), every goal table, every indicator row and every finding
(code, severity, table, row, message, raw) must equal ``tests/data/golden/traps/<file>.json``.

The golden files hold the *correct* values, checked by hand against what each fixture prints.
Where the pipeline is still wrong, ``KNOWN_WRONG`` says what the right value is and why; the
golden file is the pipeline's output with those fixes applied (also on regeneration), and the
affected part of that fixture is an expected failure (strict, so it turns red once fixed and the
entry must be removed), while a second test checks that part with the fixes applied, so nothing
else in it can change unnoticed. Regenerate only after checking the differences by hand:
``GOALTABLES_REGEN_GOLDEN=1 make test``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests import golden

TRAPS = Path(__file__).resolve().parent / "fixtures" / "files" / "traps"
FIXTURES = sorted(p.name for p in TRAPS.iterdir() if p.is_file())
PARTS = ("document", "goal_tables", "indicators", "findings")

NO_REGION = {"region_code": None, "province": None, "city": None, "county": None, "region_source": None}
REGION_REASON = ("an unknown county name (an invented 'XX县…' unit) is resolved to region 500200 "
                 "重庆市/县 (city '县'); it should stay null")


@dataclass
class Fix:
    """How the correct output differs from what the pipeline gives today."""

    parts: tuple[str, ...]  # the golden parts this changes (their tests are expected failures)
    reason: str
    tables: dict[int, dict[str, Any]] = field(default_factory=dict)  # table_index -> fields
    rows: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (table, row) -> fields
    drop_tables: tuple[int, ...] = ()  # spurious goal tables (their rows and findings go too)
    drop_rows: dict[int, tuple[int, ...]] = field(default_factory=dict)  # table -> spurious row indexes
    drop_findings: tuple[tuple[str, int | None], ...] = ()  # (code, row_index) of spurious findings
    add_findings: tuple[dict[str, Any], ...] = ()  # missing findings
    insert_at: int = 0  # where the missing findings go in the corrected list (document order)
    document: dict[str, Any] = field(default_factory=dict)
    intended_from: str | None = None  # a source file (traps/sources/) whose tables, rows and findings are the truth


def region_fix(*tables: int) -> Fix:
    return Fix(("goal_tables",), REGION_REASON, tables={t: dict(NO_REGION) for t in tables})


def skipped(block: str, raw: str) -> dict[str, Any]:
    return {"table_index": 0, "row_index": None, "code": "skipped_block", "severity": "info", "stage": "parse",
            "message": f"not an indicator grid ({block}): row passed over", "raw": raw}


G, I, F, D = "goal_tables", "indicators", "findings", "document"

# fixture -> the fixes that make its output right, each naming the parts it changes.
KNOWN_WRONG: dict[str, list[Fix]] = {
    **{name: [region_fix(0)] for name in (
        "left_label_column.docx", "no_level_columns.docx", "self_evaluation.docx",
        "title_in_first_row.docx", "pseudo_grids.docx", "framework_2021.docx", "units_in_names.docx",
        "labels_repeated.docx", "nested_layout.docx", "content_controls.docx", "year_only_in_notice.docx",
        "operator_spellings.docx")},
    "shifted_rows.txt": [Fix(
        (G,), "the invented unit 桐庐山县总工会 is resolved to 360483 江西省九江市庐山市 by a partial name "
        "match; an unknown county should leave the region null", tables={0: dict(NO_REGION)})],
    "word_export_utf16.txt": [Fix(
        (G,), "the unit line above the table prints the unit name alone (杉溪县妇女联合会 | 单位：万元, as "
        "sample 000 prints 711001怀来县总工会 there) but unit_name and unit_role stay null; expected "
        "杉溪县妇女联合会 / unit", tables={0: {"unit_name": "杉溪县妇女联合会", "unit_role": "unit"}})],
    "excel_split_columns.pdf": [region_fix(0), Fix(
        (G, I, F, D), "a sheet printed from Calc with its right-hand columns (指标解释, 指标值, 度量单位, "
        "指标值确定依据, 备注) on later pages gives no indicator rows at all: status partial, one error "
        "grid_without_header, table_kind overall, no project_name or budget; expected the table of its "
        "source workbook (traps/sources/excel_split_columns.xlsx): a project table, budget 64/64/0, five "
        "rows with their descriptions, targets, units and bases", intended_from="excel_split_columns.xlsx")],
    "twin_grids.docx": [Fix(
        (I,), "沿岸防洪标准 (flood-control standard, target 逐步提高) gets indicator_kind cost_control; "
        "it measures no cost (expected null)", rows={(0, 2): {"indicator_kind": None}})],
    "multi_tables_narrative.docx": [region_fix(0, 2, 3), Fix(
        (G, I, F, D), "the non-goal table between goal tables 1 and 2 (年度 | 预算数 | 执行数 | 执行率, "
        "spending in 2023/2024) is taken as an untitled goal table (budget 700, year 2023) with an error "
        "grid_without_header, so the document is partial with 4 tables and later tables are renumbered; "
        "expected ok, 3 goal tables and one info finding that the table was skipped",
        drop_tables=(1,), add_findings=(
            {"table_index": None, "row_index": None, "code": "skipped_block", "severity": "info", "stage": "parse",
             "message": "not an indicator grid (年度 | 预算数 | 执行数 | 执行率): table passed over",
             "raw": "年度 | 预算数 | 执行数 | 执行率"},))],
    "yuan_budget.docx": [Fix(
        (G,), "with 资金总额 356000.00 in the header block, unit_code becomes '356000' and unit_name '.00'; "
        "expected unit_code null and unit_name 白杨县档案馆 (from the 单位名称 line)",
        tables={0: {"unit_code": None, "unit_name": "白杨县档案馆"}})],
    "split_grid.docx": [Fix(
        (I, F, D), "the first row of the second Word table continues the 产出指标 merge (a bare vMerge "
        "under the repeated header); it gets level1_raw '一级指标' and level1 null instead of "
        "产出指标/output, with a spurious unmapped_label warning",
        rows={(0, 3): {"level1_raw": "产出指标", "level1": "output", "level1_match": "exact", "level1_score": 1.0}},
        drop_findings=(("unmapped_label", 3),))],
    "units_in_names.docx": [region_fix(0), Fix(
        (I,), "units printed only in the indicator name are not used: 受益人数（人） target_unit null "
        "(expected 人), 培训合格率（%） and 学员满意度（%） null (expected %); and '1600人、200人' "
        "(several numbers) is value_type qualitative (expected quantitative)",
        rows={(0, 0): {"value_type": "quantitative"},
              (0, 1): {"target_unit": "人", "target_unit_canonical": "人"},
              (0, 2): {"target_unit": "%", "target_unit_canonical": "%"},
              (0, 5): {"target_unit": "%", "target_unit_canonical": "%"}})],
}
for _name, _reason in (
        ("no_level_columns.docx", "weights_not_100 says the level-1 weights add up to 30, but without level "
         "columns the 权重 column is per row and adds up to 30+30+20+20 = 100"),
        ("operator_column.docx", "weights_not_100 sums the first weight of each level-1 group (70), but the "
         "权重 column is not merged: every row has its own weight and they add up to 100"),
        ("self_evaluation.docx", "weights_not_100 sums the first 分值 of each level-1 group (80), but 分值 is "
         "per row in a self-evaluation table and adds up to 100")):
    KNOWN_WRONG.setdefault(_name, []).append(Fix((F, D), _reason, drop_findings=(("weights_not_100", None),)))
KNOWN_WRONG["pseudo_grids.docx"].append(Fix(
    (I, F, D), "the 项目支出明细, 年度重点工作任务 and 项目实施进度计划 grids after the indicator grid are "
    "read as nine indicator rows (rows 3-11, level1_raw 支出内容 / 助学金 / 任务名称 / 实施内容 …, with 17 "
    "unmapped_label warnings); expected 3 rows and info skipped_block findings for those grids, as for "
    "资金来源 and 审核意见", drop_rows={0: (3, 4, 5, 6, 7, 8, 9, 10, 11)}, insert_at=4,
    add_findings=tuple([skipped("项目支出明细", r) for r in (
        "支出内容 | 数量 | 单价（元） | 金额（万元）", "助学金 | 1000 | 800 | 80.00", "学费减免 | 200 | 1000 | 20.00")]
        + [skipped("年度重点工作任务", r) for r in (
            "任务名称 | 主要内容 | 资金（万元） | 预期达到的效果", "精准识别资助对象 | 开展家庭经济困难学生认定 | 0.00 | 应助尽助",
            "资金按时发放 | 分两学期发放资助资金 | 100.00 | 及时足额到位")]
        + [skipped("项目实施进度计划", r) for r in (
            "实施内容 | 开始时间 | 完成时间 | 备注", "资助对象认定 | 2025年3月 | 2025年4月 | ",
            "资助资金发放 | 2025年5月 | 2025年11月 | 分两次发放")])))


def fixes_of(name: str) -> list[Fix]:
    return KNOWN_WRONG.get(name, [])


def corrected(actual: dict[str, Any], fixes: list[Fix]) -> dict[str, Any]:
    """The pipeline's output with every known error of the fixture put right."""
    out = copy.deepcopy(actual)
    for f in fixes:
        if f.intended_from:
            source = golden.trap_records(TRAPS / "sources" / f.intended_from)
            out.update({part: source[part] for part in ("goal_tables", "indicators", "findings")})
    drop_tables = sorted({t for f in fixes for t in f.drop_tables})
    drop_rows = {(t, r) for f in fixes for t, rows in f.drop_rows.items() for r in rows}
    drop_findings = {d for f in fixes for d in f.drop_findings}

    def new_index(t: int | None) -> int | None:
        return None if t is None else t - sum(d < t for d in drop_tables)

    tables = [dict(t) for t in out["goal_tables"] if t["table_index"] not in drop_tables]
    rows = [dict(r) for r in out["indicators"]
            if r["table_index"] not in drop_tables and (r["table_index"], r["row_index"]) not in drop_rows]
    findings = [dict(f) for f in out["findings"]
                if not (f["table_index"] in drop_tables and f["table_index"] is not None)
                and (f["table_index"], f["row_index"]) not in drop_rows
                and (f["code"], f["row_index"]) not in drop_findings]
    for f in fixes:
        for t in f.tables:
            tables[[x["table_index"] for x in tables].index(t)].update(f.tables[t])
        for (t, r), values in f.rows.items():
            next(x for x in rows if (x["table_index"], x["row_index"]) == (t, r)).update(values)
    for record in (*tables, *rows, *findings):
        record["table_index"] = new_index(record["table_index"])
    for f in fixes:
        missing = [dict(x) for x in f.add_findings if dict(x) not in findings]
        findings[f.insert_at:f.insert_at] = missing
    for t in tables:
        t["n_table_indicators"] = sum(r["table_index"] == t["table_index"] for r in rows)
    document = dict(out["document"])
    document.update(n_goal_tables=len(tables), n_indicators=len(rows), n_findings=len(findings))
    if document["status"] == "partial" and not any(
            f["severity"] == "error" and f["stage"] in ("read", "parse") for f in findings):
        document["status"] = "ok"
    for f in fixes:
        document.update(f.document)
    return {"document": document, "goal_tables": tables, "indicators": rows, "findings": findings}


@cache
def actual_records(name: str) -> dict[str, Any]:
    return golden.trap_records(TRAPS / name)


@cache
def expected_records(name: str) -> dict[str, Any]:
    actual = actual_records(name)
    return golden.trap_golden(name, corrected(actual, fixes_of(name)))


def cases() -> list[Any]:
    out = []
    for name in FIXTURES:
        for part in PARTS:
            reasons = [fix.reason for fix in fixes_of(name) if part in fix.parts]
            marks = [pytest.mark.xfail(strict=True, reason="; ".join(reasons))] if reasons else []
            out.append(pytest.param(name, part, marks=marks, id=f"{name}-{part}"))
    return out


def test_every_trap_has_a_fixture_and_a_golden_file() -> None:
    assert len(FIXTURES) >= 26
    for name in FIXTURES:
        assert (golden.TRAP_GOLDEN / f"{name}.json").exists() or golden.REGEN, name
    assert {p.name for p in golden.TRAP_GOLDEN.glob("*.json")} <= {f"{n}.json" for n in FIXTURES}


def test_known_wrong_entries_name_real_fixtures() -> None:
    assert set(KNOWN_WRONG) <= set(FIXTURES)
    assert {part for fixes in KNOWN_WRONG.values() for fix in fixes for part in fix.parts} <= set(PARTS)


@pytest.mark.parametrize(("name", "part"), cases())
def test_trap_matches_golden(name: str, part: str) -> None:
    actual = actual_records(name)[part]
    expected = expected_records(name)[part]
    if part == "document":
        assert actual == expected
        return
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected):
        assert got == want


@pytest.mark.parametrize("name", sorted(KNOWN_WRONG))
@pytest.mark.parametrize("part", PARTS)
def test_trap_matches_golden_apart_from_known_errors(name: str, part: str) -> None:
    """With the known errors put right, everything else still matches: an expected failure above
    must not hide a new change in the same part. (Once a known error is fixed in the pipeline its
    strict xfail turns red, and this may too: remove the entry from KNOWN_WRONG.)"""
    assert corrected(actual_records(name), fixes_of(name))[part] == expected_records(name)[part]
