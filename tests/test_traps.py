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

from goaltables.pipelines.process import EXTRACTION_STAGES, REVIEW_SEVERITIES
from tests import golden

TRAPS = Path(__file__).resolve().parent / "fixtures" / "files" / "traps"
FIXTURES = sorted(p.name for p in TRAPS.iterdir() if p.is_file())
PARTS = ("document", "goal_tables", "indicators", "findings")



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


G, I, F, D = "goal_tables", "indicators", "findings", "document"

# fixture -> the fixes that make its output right, each naming the parts it changes.
KNOWN_WRONG: dict[str, list[Fix]] = {
    "excel_split_columns.pdf": [Fix(
        (G, I, F, D), "a sheet printed from Calc with its right-hand columns (指标解释, 指标值, 度量单位, "
        "指标值确定依据, 备注) on later pages gives no indicator rows at all: status partial, one error "
        "grid_without_header, table_kind overall, no project_name or budget; expected the table of its "
        "source workbook (traps/sources/excel_split_columns.xlsx): a project table, budget 64/64/0, five "
        "rows with their descriptions, targets, units and bases", intended_from="excel_split_columns.xlsx")],
}


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
    serious = [f for f in findings if f["severity"] in REVIEW_SEVERITIES]
    if document["status"] in ("ok", "partial"):  # the pipeline's own rule (docs/status.md)
        document["status"] = "partial" if any(f["stage"] in EXTRACTION_STAGES for f in serious) else "ok"
    if "needs_review" in document:
        document["needs_review"] = bool(serious)
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
