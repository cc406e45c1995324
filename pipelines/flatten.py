"""Rows of an output table as flat, human-readable cells: what Excel, CSV and HTML show.

Parquet keeps structure (lists of spending-plan points, extra cells, PDF boxes); a spreadsheet
cell cannot. Nested values become one line of text, codes become their Chinese names
(``output`` → 产出指标), and headers are Chinese, so the workbook reads without the schema page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from goaltables.pipelines.dataset import read_table
from goaltables.pipelines.labels import code_label, column_label
from goaltables.pipelines.schema import SCHEMAS, code_columns
from goaltables.pipelines.textgrid import cell

NAMED_CODES = {"file_format", "encoding", "money_unit"}  # their codes are already what people say


def headers(name: str) -> list[str]:
    return [column_label(c) for c in SCHEMAS[name].names]


def flat(value: Any) -> Any:
    """A cell value: scalars unchanged (numbers stay numbers), nested values as one line."""
    if isinstance(value, list):
        return "；".join(str(flat(v)) for v in value) if value else None
    if isinstance(value, dict):  # a struct: its values in order; a field named percent reads as 25%
        return " ".join(cell(flat(v)) + ("%" if k == "percent" else "") for k, v in value.items() if v is not None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, bytes):  # a file name that is not UTF-8: shown with escapes, never dropped
        return value.decode("utf-8", "backslashreplace")
    return value


def rows(out_dir: Path, name: str, batch_rows: int = 10_000) -> Iterator[list[Any]]:
    """The table's rows, flattened, batch by batch (so a large table never sits in memory)."""
    table = read_table(out_dir, name)
    coded = {i for i, c in enumerate(table.column_names) if c in code_columns(name) and c not in NAMED_CODES}
    names = table.column_names
    for batch in table.to_batches(max_chunksize=batch_rows):
        columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        for values in zip(*columns):
            yield [code_label(names[i], v) if i in coded else flat(v) for i, v in enumerate(values)]


def is_money(field: pa.Field) -> bool:
    return pa.types.is_decimal(field.type)
