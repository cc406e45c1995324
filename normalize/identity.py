"""One table, one identity: ``table_key``, a fingerprint of a goal table's normalized content.

A submission is often archived as .doc, .pdf and .txt at once; every copy becomes a row of
goal_tables, and summing budgets over them counts the same money three times. The readers
are built to give identical normalized rows whatever the format (tests/test_formats.py), so a
hash of those rows identifies the table itself. Columns marked ``identity=False`` in the
record dataclasses (ids, positions in the file, copy flags) are left out; every other column,
including ones added later, is part of the key without a change here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from decimal import Decimal
from functools import cache
from typing import Any

from goaltables.normalize.records import GoalTableRecord, IndicatorRecord

KEY_LENGTH = 16  # hex digits: 64 bits, no collision in any realistic archive


@cache
def content_fields(record: type) -> tuple[str, ...]:
    """The fields of a record dataclass that describe content, not location."""
    return tuple(f.name for f in dataclasses.fields(record) if f.metadata.get("identity", True))


def table_key(table: GoalTableRecord, rows: list[IndicatorRecord]) -> str:
    """The fingerprint of a table and its indicator rows (in order)."""
    content = {
        "table": _content(table),
        "rows": [_content(row) for row in rows],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def _content(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in content_fields(type(record))}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 50 and 50.000000 are the same amount
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def assign_keys(tables: list[GoalTableRecord], indicators: list[IndicatorRecord]) -> None:
    """Set ``table_key`` on each table of one document from its own indicator rows."""
    by_table: dict[str, list[IndicatorRecord]] = {}
    for row in indicators:
        by_table.setdefault(row.table_id, []).append(row)
    for table in tables:
        table.table_key = table_key(table, by_table.get(table.table_id, []))
