"""Golden records: every field of every table, indicator and unit-goal row of a sample, plus
the document's status and needs_review and every finding (code, severity, position, message).

``tests/data/golden/<sample>.json`` holds the hand-checked expectation; ``tests/data/golden/traps/``
holds those of the trap fixtures (document, goal tables, indicators and findings; see
tests/test_traps.py). Regenerate only after
checking the differences by hand: ``GOALTABLES_REGEN_GOLDEN=1 make test`` (a test fails while
the flag is set, so it cannot stay on in CI).
"""

from __future__ import annotations

import dataclasses
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from goaltables.normalize.records import GoalTableRecord, IndicatorRecord, UnitGoalRecord
from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
REGEN = os.environ.get("GOALTABLES_REGEN_GOLDEN") == "1"
# Columns that legitimately differ between copies of the same table in other files or formats:
# the ones the records mark ``identity=False`` (ids and positions in the file).
# needs_review stays: it is outside table_key (a reader note on one copy may set it), yet the
# golden files check it.
LOCATION_COLUMNS = {f.name for record in (GoalTableRecord, IndicatorRecord, UnitGoalRecord)
                    for f in dataclasses.fields(record) if not f.metadata.get("identity", True)} - {"needs_review"}
ROW_TABLES = ("goal_tables", "indicators", "unit_goals")
DOCUMENT_FIELDS = ("file_format", "status", "error", "needs_review", "n_goal_tables", "n_indicators",
                   "n_unit_goals", "n_findings")


def records(path: Path) -> dict[str, list[dict[str, Any]]]:
    result = process_file(path, path.name, Settings())
    assert result.document.status != "failed", result.document.error
    # JSON's view of the rows (money as its exact decimal string), as the golden files hold them
    return json.loads(json.dumps({
        "goal_tables": [dataclasses.asdict(r) for r in result.tables],
        "indicators": [dataclasses.asdict(r) for r in result.indicators],
        "unit_goals": [dataclasses.asdict(r) for r in result.unit_goals],
        "documents": [{name: getattr(result.document, name) for name in DOCUMENT_FIELDS}],
        "findings": [{k: v for k, v in dataclasses.asdict(f).items() if k != "doc_id"} for f in result.findings],
    }, ensure_ascii=False, default=_decimal))


def _decimal(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def rows_only(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The extracted rows without the document summary and findings (which may rightly differ
    between copies, e.g. a reader note about the encoding)."""
    return {table: data[table] for table in ROW_TABLES}


def without_location(data: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {table: [{k: v for k, v in row.items() if k not in LOCATION_COLUMNS} for row in rows]
            for table, rows in data.items()}


def golden(name: str, actual: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    path = GOLDEN / f"{name}.json"
    if REGEN:
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


# Trap fixtures (tests/test_traps.py): the document row and the findings are pinned too.
TRAP_GOLDEN = GOLDEN / "traps"
DOCUMENT_LOCATION = {"doc_id", "source_path", "source_path_raw", "size_bytes", "duplicate_paths", "sha256"}


def trap_records(path: Path) -> dict[str, Any]:
    """Every field of the document, its goal tables, indicators and findings, with the ids that
    depend on the file's bytes replaced by the table's index, so a golden file reads on its own."""
    result = process_file(path, path.name, Settings())
    index = {t.table_id: t.table_index for t in result.tables}

    def located(row: Any) -> dict[str, Any]:
        data = dataclasses.asdict(row)
        table = data.get("table_id")
        out = {"table_index": index.get(table) if table else None} if "table_id" in data else {}
        out.update((k, v) for k, v in data.items() if k not in LOCATION_COLUMNS | {"table_index"})
        return out

    document = {k: v for k, v in dataclasses.asdict(result.document).items() if k not in DOCUMENT_LOCATION}
    return json.loads(json.dumps({  # JSON's view of the rows (money as its exact decimal string)
        "document": document,
        "goal_tables": [{"table_index": t.table_index, **located(t)} for t in result.tables],
        "indicators": [located(r) for r in result.indicators],
        "findings": [located(f) for f in result.findings],
    }, ensure_ascii=False, default=_decimal))


def trap_golden(name: str, expected: dict[str, Any]) -> dict[str, Any]:
    """The golden record of trap fixture ``name``; with the flag set, write ``expected`` first."""
    path = TRAP_GOLDEN / f"{name}.json"
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))
