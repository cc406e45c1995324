"""pyarrow schemas derived from the record dataclasses, so columns are defined once."""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

import pyarrow as pa

from normalize.records import GoalTableRecord, IndicatorRecord, UnitGoalRecord
from pipelines.records import DocumentRecord, FindingRecord

TABLES: dict[str, type] = {
    "documents": DocumentRecord,
    "goal_tables": GoalTableRecord,
    "indicators": IndicatorRecord,
    "unit_goals": UnitGoalRecord,
    "findings": FindingRecord,
}
_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), bytes: pa.binary(),
}


def arrow_type(hint: Any) -> tuple[pa.DataType, bool]:
    """(arrow type, nullable) for a field's type hint."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [a for a in args if a is not type(None)]
        return arrow_type(inner[0])[0], True
    if typing.get_origin(hint) is list:
        return pa.list_(arrow_type(args[0])[0]), False
    if dataclasses.is_dataclass(hint):
        return pa.struct(_fields(hint)), False
    return _SCALARS[hint], False


def _fields(record: type) -> list[pa.Field]:
    hints = typing.get_type_hints(record)
    out = []
    for f in dataclasses.fields(record):
        dtype, nullable = arrow_type(hints[f.name])
        out.append(pa.field(f.name, dtype, nullable=nullable, metadata={"doc": f.metadata.get("doc", "")}))
    return out


def schema_of(record: type) -> pa.Schema:
    return pa.schema(_fields(record))


SCHEMAS: dict[str, pa.Schema] = {name: schema_of(rec) for name, rec in TABLES.items()}


def to_table(name: str, records: list[Any]) -> pa.Table:
    """Records of table ``name`` as an Arrow table with its exact schema."""
    schema = SCHEMAS[name]
    columns = {f.name: [_plain(getattr(r, f.name)) for r in records] for f in schema}
    return pa.Table.from_pydict(columns, schema=schema)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return value
