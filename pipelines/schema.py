"""pyarrow schemas derived from the record dataclasses, so columns are defined once.

Besides the column types, each schema carries metadata every reader of the files can use:

* ``goaltables.schema_version`` and ``goaltables.table`` — which layout a file follows, so a
  notebook (or ``pipelines.load``) can refuse a folder written by an incompatible version;
* ``pandas`` — the dtype pandas should give each column: nullable integer columns come back
  as ``Int64`` (not ``2025.0`` in a float column) from a plain ``pd.read_parquet``, in Dask
  too, because pyarrow's pandas conversion honours this block.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from decimal import Decimal
from typing import Any

import pyarrow as pa

from goaltables.normalize.records import MONEY_PRECISION, MONEY_SCALE, GoalTableRecord, IndicatorRecord, UnitGoalRecord
from goaltables.pipelines.records import DocumentRecord, FindingRecord

SCHEMA_VERSION = "2"  # 2: a folder per table, decimal money, table_key, structured provenance
TABLES: dict[str, type] = {
    "documents": DocumentRecord,
    "goal_tables": GoalTableRecord,
    "indicators": IndicatorRecord,
    "unit_goals": UnitGoalRecord,
    "findings": FindingRecord,
}
KEYS: dict[str, str] = {
    "documents": "doc_id", "goal_tables": "table_id", "indicators": "indicator_id", "unit_goals": "goal_id",
}
MONEY = pa.decimal128(MONEY_PRECISION, MONEY_SCALE)
_SCALARS: dict[Any, pa.DataType] = {
    str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), bytes: pa.binary(), Decimal: MONEY,
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
        meta = {"doc": f.metadata.get("doc", "")}
        if f.metadata.get("code"):
            meta["code"] = "true"
        out.append(pa.field(f.name, dtype, nullable=nullable, metadata=meta))
    return out


def pandas_dtype(field: pa.Field) -> str:
    """The pandas dtype a column should have: nullable ints as ``Int64``, the rest as pyarrow's
    default conversion gives them."""
    t = field.type
    if pa.types.is_integer(t):
        return "Int64" if field.nullable else "int64"
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_boolean(t):
        return "boolean" if field.nullable else "bool"
    return "object"


def _pandas_metadata(fields: list[pa.Field]) -> bytes:
    """The ``pandas`` schema metadata block pyarrow writes for a DataFrame, for our dtypes."""
    columns = [{"name": f.name, "field_name": f.name, "pandas_type": _pandas_type(f.type),
                "numpy_type": pandas_dtype(f), "metadata": None} for f in fields]
    return json.dumps({"index_columns": [], "column_indexes": [], "columns": columns,
                       "creator": {"library": "goaltables"}, "pandas_version": "2.0.0"}).encode()


def _pandas_type(t: pa.DataType) -> str:
    if pa.types.is_integer(t):
        return "int64"
    if pa.types.is_floating(t):
        return "float64"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_decimal(t):
        return "decimal"
    if pa.types.is_list(t):
        return "list[" + _pandas_type(t.value_type) + "]"
    return "unicode" if pa.types.is_string(t) else "object"


def schema_of(record: type, name: str = "") -> pa.Schema:
    fields = _fields(record)
    meta = {b"goaltables.schema_version": SCHEMA_VERSION.encode(), b"goaltables.table": name.encode(),
            b"pandas": _pandas_metadata(fields)}
    return pa.schema(fields, metadata=meta)


SCHEMAS: dict[str, pa.Schema] = {name: schema_of(rec, name) for name, rec in TABLES.items()}


def code_columns(name: str) -> list[str]:
    """Columns of table ``name`` that hold codes (``col(..., code=True)``): categories in pandas."""
    return [f.name for f in SCHEMAS[name] if f.metadata and f.metadata.get(b"code") == b"true"]


def to_table(name: str, records: list[Any]) -> pa.Table:
    """Records of table ``name`` as an Arrow table with its exact schema."""
    schema = SCHEMAS[name]
    columns = {}
    for f in schema:
        values = [getattr(r, f.name) for r in records]
        columns[f.name] = [_plain(v) for v in values] if _nested(f.type) else values  # scalars pass as they are
    return pa.Table.from_pydict(columns, schema=schema)


def _nested(t: pa.DataType) -> bool:
    """Lists and structs may hold dataclasses (provenance, …); every other column holds scalars."""
    return pa.types.is_list(t) or pa.types.is_struct(t)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return value
