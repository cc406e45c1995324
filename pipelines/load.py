"""The notebook entry point: an output folder as pandas DataFrames or a DuckDB connection.

    from goaltables.pipelines import load
    t = load.tables("output")                       # dict: documents, goal_tables, indicators, …
    t["goal_tables"].query("is_primary").groupby("unit_name").budget_total.sum()
    con = load.duckdb("output")                     # views of the same tables, plus `codes`
    con.sql("SELECT level1, count(*) FROM indicators GROUP BY ALL").show()

Why a loader when every engine reads the folders directly: the dtypes analysts expect, the
same in every notebook. Integers stay integers with ``<NA>`` (``Int64``), text is ``string``,
columns of codes (level1, status, severity, …) are categories, money is an exact
``decimal128(18, 6)[pyarrow]`` column whose sums are exact decimals, and ``codes`` gives the
Chinese name of every canonical code (level1 ``output`` → 产出指标) for labelling results.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from goaltables.pipelines.dataset import check_folder, read_table
from goaltables.pipelines.labels import code_names
from goaltables.pipelines.output import table_dir
from goaltables.pipelines.schema import SCHEMAS, code_columns

TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)


def table(out_dir: str | Path, name: str) -> pd.DataFrame:
    """One table of the output folder as a DataFrame with analysts' dtypes."""
    if name not in SCHEMAS:
        raise ValueError(f"no table {name!r}; the tables are {', '.join(TABLE_NAMES)}")
    frame = read_table(Path(out_dir), name).to_pandas(types_mapper=_dtype)
    for column in code_columns(name):
        frame[column] = frame[column].astype("category")
    return frame


def tables(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """All five tables: documents, goal_tables, indicators, unit_goals, findings."""
    return {name: table(out_dir, name) for name in TABLE_NAMES}


def codes() -> pd.DataFrame:
    """Every canonical code with its Chinese name: columns ``column``, ``code``, ``name_zh``.

    ``column`` says which output column the code appears in (level1, level2, indicator_kind,
    table_kind, status, severity, code of findings, …), since a code such as ``cost`` exists at
    level 1 and level 2 with different names.
    """
    rows = code_names()
    return pd.DataFrame({"column": [r.column for r in rows], "code": [r.code for r in rows],
                         "name_zh": [r.name_zh for r in rows]}).astype("string")


def duckdb(out_dir: str | Path, connection: object | None = None):  # noqa: ANN201 - duckdb is imported lazily
    """A DuckDB connection with a view per table (reading the folders, so always current), a
    ``codes`` table, and ``primary_goal_tables`` / ``primary_indicators``: each goal table once
    (its primary copy) with its rows. Pass ``connection`` to add them to one you already have."""
    import duckdb as _duckdb

    out = Path(out_dir)
    check_folder(out)
    con = connection if connection is not None else _duckdb.connect()
    for name in TABLE_NAMES:
        pattern = str(table_dir(out.resolve(), name) / "*.parquet").replace("'", "''")
        con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet('{pattern}')")
    frame = codes()  # noqa: F841 - DuckDB reads the local DataFrame by name
    con.execute("CREATE OR REPLACE TABLE codes AS SELECT * FROM frame")
    # each goal table once: the primary copy and its rows, for counting and summing
    con.execute("CREATE OR REPLACE VIEW primary_goal_tables AS SELECT * FROM goal_tables WHERE is_primary")
    con.execute("""CREATE OR REPLACE VIEW primary_indicators AS SELECT i.* FROM indicators i
                   JOIN goal_tables t USING (table_id, doc_id) WHERE t.is_primary""")
    return con


def _dtype(arrow: pa.DataType) -> object:
    """pandas dtype for an Arrow type (``to_pandas(types_mapper=…)``); None keeps the default."""
    if pa.types.is_integer(arrow):
        return pd.Int64Dtype()
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
        return pd.StringDtype()
    if pa.types.is_decimal(arrow):
        return pd.ArrowDtype(arrow)
    return None
