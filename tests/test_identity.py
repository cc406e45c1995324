"""table_key: one table, one identity, whatever file or format it came from."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from goaltables.normalize.identity import content_fields, table_key
from goaltables.normalize.records import GoalTableRecord, IndicatorRecord
from goaltables.pipelines.process import FileResult, process_file
from goaltables.pipelines.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004

COPIES = {SAMPLE_000: ["docx/000.docx", "pdf/000.pdf", "html/000.html", "xlsx/000.xlsx"],
          SAMPLE_004: ["docx/004.docx", "pdf/004.pdf", "html/004.html", "xlsx/004.xlsx"]}


def _result(path) -> FileResult:  # noqa: ANN001 - a Path
    result = process_file(path, path.name, Settings())
    assert result.document.status != "failed", result.document.error
    return result


def _differences(a: FileResult, b: FileResult) -> list[str]:
    """Which content columns differ between two copies: what to mark ``identity=False`` or fix."""
    out = []
    for ta, tb in zip(a.tables, b.tables):
        out += [f"goal_tables.{n}" for n in content_fields(GoalTableRecord) if getattr(ta, n) != getattr(tb, n)]
    for ia, ib in zip(a.indicators, b.indicators):
        out += [f"indicators.{n}" for n in content_fields(IndicatorRecord) if getattr(ia, n) != getattr(ib, n)]
    return sorted(set(out))


@pytest.mark.parametrize(("sample", "copy"), [(s, c) for s, cs in COPIES.items() for c in cs],
                         ids=[c for cs in COPIES.values() for c in cs])
def test_a_copy_in_another_format_has_the_same_keys(sample, copy: str) -> None:  # noqa: ANN001
    original, other = _result(sample), _result(FIXTURES / copy)
    assert [t.table_key for t in other.tables] == [t.table_key for t in original.tables], \
        f"content columns differ between the copies: {_differences(original, other)}"
    assert other.document.doc_id != original.document.doc_id


def test_different_tables_have_different_keys() -> None:
    keys = [t.table_key for path in (SAMPLE_000, SAMPLE_004) for t in _result(path).tables]
    assert len(keys) == len(set(keys)) == 5


def test_content_changes_the_key_and_location_does_not() -> None:
    result = _result(SAMPLE_000)
    table = result.tables[0]
    rows = [r for r in result.indicators if r.table_id == table.table_id]
    key = table_key(table, rows)
    assert table_key(dataclasses.replace(table, table_line=999, doc_id="x", table_index=7), rows) == key
    assert table_key(dataclasses.replace(table, budget_total=Decimal("50.01")), rows) != key
    assert table_key(dataclasses.replace(table, budget_total=Decimal("50")), rows) == key  # 50 = 50.000000
    changed = [dataclasses.replace(rows[0], target_raw="≥99优"), *rows[1:]]
    assert table_key(table, changed) != key
    assert table_key(table, rows[:-1]) != key
