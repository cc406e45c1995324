"""The output folder is one dataset every engine reads the same way.

On the samples plus every good fixture (so copies of one table in many formats), written in
several part files per table, pandas, DuckDB, polars, Dask and Spark must agree exactly on:
the three-way join ``indicators ⋈ goal_tables ⋈ documents`` done on the shared column names
alone, the budget per unit counting each table once (``is_primary``), and each column's type.
Sums skip tables without a printed budget: over nulls only, pandas and polars give 0 where SQL
engines give NULL (docs/schema.md says so to analysts).
Spark runs where Java is installed and is skipped, saying so, elsewhere.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from goaltables.pipelines.cli import main
from goaltables.pipelines.schema import KEYS, SCHEMAS
from tests.conftest import FIXTURES, SAMPLES

JOINED = ["indicators", "goal_tables", "documents"]
KEYS_IT, KEYS_D = ["table_id", "doc_id"], ["doc_id"]  # the join keys, named: needs_review is shared too
UNTYPED = "object of nulls"
BAD_FIXTURES = {"bad", "hostile"}  # folders of files that must fail; every other fixture folder is good
PICK = ["indicator_id", "table_key", "is_primary", "source_path", "file_format", "level1", "budget_total", "year",
        "row_index", "page", "line", "needs_review"]  # needs_review: the table's, as the contract defines it
# what the printed tables say: the 4 project tables of 怀来县总工会 and the overall table of 宁县总工会
BUDGET_BY_UNIT = {("怀来县总工会", "project"): Decimal("543.98"), ("宁县总工会", "overall"): Decimal("142.82")}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Samples and good fixtures, committed two files at a time so every table spans several parts."""
    folder = tmp_path_factory.mktemp("engines") / "out"
    good = [p for p in sorted(FIXTURES.iterdir()) if p.is_dir() and p.name not in BAD_FIXTURES]
    if shutil.which("soffice") is None:
        good.remove(FIXTURES / "doc")  # .doc needs LibreOffice; the other formats still copy the tables
    assert main(["extract", str(SAMPLES), *map(str, good), "--out", str(folder), "--quiet", "--commit-every", "2"]) == 0
    assert len(list((folder / "indicators").glob("part-*.parquet"))) > 3
    return folder


def _plain(value: Any) -> Any:
    """A value as a comparable Python object: exact decimals as strings, NA as None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _rows(records: list[tuple]) -> list[tuple]:
    return sorted(tuple(_plain(v) for v in r) for r in records)


# --- one reader per engine: (join rows, budget by unit and kind, logical column types) -------

def _pandas(out: Path) -> tuple[list, dict, dict]:
    ind, tab, doc = (pd.read_parquet(out / n) for n in JOINED)
    joined = ind.merge(tab, on=KEYS_IT).merge(doc, on=KEYS_D, suffixes=("", "_file"))
    primary = tab[tab.is_primary & tab.unit_name.notna() & tab.budget_total.notna()]
    sums = primary.groupby(["unit_name", "table_kind"]).budget_total.sum()
    types = {n: {c: _pandas_type(s) for c, s in pd.read_parquet(out / n).items()} for n in SCHEMAS}
    return _rows(list(joined[PICK].itertuples(index=False))), dict(sums.items()), types


def _pandas_type(series: pd.Series) -> str:
    dtype = str(series.dtype)
    if dtype in ("Int64", "int64"):
        return "int"
    if dtype == "float64":
        return "float"
    if dtype in ("bool", "boolean"):
        return "bool"
    sample = next((v for v in series if v is not None and v is not pd.NA), None)
    if sample is None:
        return UNTYPED  # an object column of nulls only: pandas keeps no type for it
    if isinstance(sample, Decimal):
        return "decimal(18,6)"
    if isinstance(sample, bytes):
        return "binary"
    return "string" if isinstance(sample, str) else "list"


def _dask(out: Path) -> tuple[list, dict, dict]:
    import dask.dataframe as dd

    ind, tab, doc = (dd.read_parquet(out / n) for n in JOINED)
    joined = ind.merge(tab, on=KEYS_IT).merge(doc, on=KEYS_D, suffixes=("", "_file")).compute()
    kept = tab[tab.is_primary & tab.unit_name.notnull() & tab.budget_total.notnull()]
    sums = kept.groupby(["unit_name", "table_kind"]).budget_total.sum().compute()
    types = {n: {c: _dask_type(t) for c, t in dd.read_parquet(out / n).dtypes.items()} for n in SCHEMAS}
    return _rows(list(joined[PICK].itertuples(index=False))), dict(sums.items()), types


def _dask_type(dtype: Any) -> str:
    text = str(dtype)
    if text in ("Int64", "int64"):
        return "int"
    return {"float64": "float", "bool": "bool", "string": "string", "decimal128(18, 6)[pyarrow]": "decimal(18,6)",
            "object": "list", "binary[pyarrow]": "binary"}.get(text, text)


def _duckdb(out: Path) -> tuple[list, dict, dict]:
    import duckdb

    con = duckdb.connect()
    for name in SCHEMAS:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM '{out / name}/*.parquet'")
    columns = ", ".join("goal_tables.needs_review" if c == "needs_review" else c for c in PICK)
    joined = con.execute(f"SELECT {columns} FROM indicators JOIN goal_tables USING (table_id, doc_id) "
                         "JOIN documents USING (doc_id)")
    joined_rows = joined.fetchall()
    sums = con.execute("SELECT unit_name, table_kind, sum(budget_total) FROM goal_tables WHERE is_primary "
                       "AND unit_name IS NOT NULL AND budget_total IS NOT NULL GROUP BY ALL").fetchall()
    types = {n: {c: _sql_type(t) for c, t, *_ in con.execute(f"DESCRIBE {n}").fetchall()} for n in SCHEMAS}
    return _rows(joined_rows), {(u, k): s for u, k, s in sums}, types


def _sql_type(text: str) -> str:
    text = text.upper().replace(" ", "")
    if text.endswith("[]") or text.startswith(("ARRAY", "STRUCT")):
        return "list"
    return {"VARCHAR": "string", "STRING": "string", "BIGINT": "int", "DOUBLE": "float", "BOOLEAN": "bool",
            "DECIMAL(18,6)": "decimal(18,6)", "BLOB": "binary", "BINARY": "binary"}.get(text, text)


def _polars(out: Path) -> tuple[list, dict, dict]:
    import polars as pl

    ind, tab, doc = (pl.read_parquet(out / n / "*.parquet") for n in JOINED)
    joined = ind.join(tab, on=KEYS_IT).join(doc, on=KEYS_D, suffix="_file")
    sums = (tab.filter(pl.col("is_primary") & pl.col("unit_name").is_not_null() & pl.col("budget_total").is_not_null())
            .group_by("unit_name", "table_kind").agg(pl.col("budget_total").sum()))
    types = {n: {c: _polars_type(t) for c, t in pl.read_parquet(out / n / "*.parquet").schema.items()} for n in SCHEMAS}
    return _rows(joined.select(PICK).rows()), {(u, k): s for u, k, s in sums.rows()}, types


def _polars_type(dtype: Any) -> str:
    import polars as pl

    if dtype == pl.Int64:
        return "int"
    if isinstance(dtype, pl.Decimal):
        return f"decimal({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.List):
        return "list"
    return {pl.String: "string", pl.Float64: "float", pl.Boolean: "bool", pl.Binary: "binary"}.get(dtype, str(dtype))


def _spark(out: Path) -> tuple[list, dict, dict]:
    from pyspark.sql import SparkSession, functions as F

    spark = (SparkSession.builder.master("local[1]").appName("goaltables-test")
             .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        ind, tab, doc = (spark.read.parquet(str(out / n)) for n in JOINED)
        joined = ind.join(tab, on=KEYS_IT).join(doc.withColumnRenamed("needs_review", "needs_review_file"), on=KEYS_D)
        sums = (tab.filter("is_primary AND unit_name IS NOT NULL AND budget_total IS NOT NULL")
                .groupBy("unit_name", "table_kind")
                .agg(F.sum("budget_total")).collect())
        types = {n: {f.name: _sql_type(f.dataType.simpleString()) for f in spark.read.parquet(str(out / n)).schema}
                 for n in SCHEMAS}
        rows = [tuple(r) for r in joined.select(*PICK).collect()]
        return _rows(rows), {(u, k): s for u, k, s in sums}, types
    finally:
        spark.stop()


def _java_major() -> int | None:
    if shutil.which("java") is None:
        return None
    import re
    import subprocess

    version = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8" is Java 8


def _spark_or_skip(out: Path) -> tuple[list, dict, dict]:
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install -e '.[test]')")
    need = 17 if int(pyspark.__version__.split(".")[0]) >= 4 else 8
    java = _java_major()
    if java is None or java < need:
        found = "no Java" if java is None else f"Java {java}"
        pytest.skip(f"Spark {pyspark.__version__} needs Java {need}+ ({found} here): "
                    f"apt-get install default-jre-headless to run the Spark comparison")
    return _spark(out)


ENGINES: dict[str, Callable[[Path], tuple[list, dict, dict]]] = {
    "duckdb": _duckdb, "polars": _polars, "dask": _dask, "spark": _spark_or_skip,
}


@pytest.fixture(scope="module")
def reference(out: Path) -> tuple[list, dict, dict]:
    return _pandas(out)


def test_pandas_reference_has_the_copies_counted_once(out: Path, reference: tuple[list, dict, dict]) -> None:
    joined, sums, types = reference
    n_indicators = len(pd.read_parquet(out / "indicators"))
    assert len(joined) == n_indicators  # the join neither drops nor multiplies rows
    tables = pd.read_parquet(out / "goal_tables")
    copies = tables.groupby("table_key").size()
    assert (copies >= 7).sum() == 5  # the samples' 5 tables, each copied into every format
    assert tables.groupby("table_key").is_primary.sum().eq(1).all()
    assert {k: _plain(sums[k]) for k in BUDGET_BY_UNIT} == {k: _plain(v) for k, v in BUDGET_BY_UNIT.items()}
    assert types["goal_tables"]["year"] == types["goal_tables"]["table_page"] == "int"


def test_nullable_integers_stay_integers_in_plain_pandas(out: Path) -> None:
    tables = pd.read_parquet(out / "goal_tables")
    assert str(tables.year.dtype) == str(tables.doc_number_year.dtype) == "Int64"
    assert tables.table_page.isna().any() and tables.table_page.notna().any()


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engine_agrees_with_pandas(engine: str, out: Path, reference: tuple[list, dict, dict]) -> None:
    joined, sums, types = ENGINES[engine](out)
    want_joined, want_sums, want_types = reference
    assert joined == want_joined
    assert {k: _plain(v) for k, v in sums.items()} == {k: _plain(v) for k, v in want_sums.items()}
    for name, columns in types.items():  # pandas cannot type an object column holding only nulls
        assert {c: t for c, t in columns.items() if want_types[name][c] != UNTYPED} == \
               {c: t for c, t in want_types[name].items() if t != UNTYPED}


def test_pandas_leaves_untyped_only_columns_that_are_all_null(out: Path, reference: tuple[list, dict, dict]) -> None:
    for name, columns in reference[2].items():
        frame = pd.read_parquet(out / name)
        for column, kind in columns.items():
            assert kind != UNTYPED or frame[column].isna().all(), (name, column)


def test_tables_share_only_key_columns() -> None:
    """Tables share no column name but their keys, except the few the contract requires."""
    keys = set(KEYS.values()) | {"row_index"}  # findings.row_index is indicators.row_index
    allowed = {  # names the output contract requires in both tables; docs/schema.md says how to join
        frozenset({"goal_tables", "unit_goals"}): {"title"},  # each the heading as printed
        frozenset({"goal_tables", "documents"}): {"needs_review"},  # per table / per file
    }
    names = {n: set(s.names) for n, s in SCHEMAS.items()}
    for a in names:
        for b in names:
            if a < b:
                shared = names[a] & names[b] - keys - allowed.get(frozenset({a, b}), set())
                assert not shared, f"{a} and {b} share non-key columns {shared}"
