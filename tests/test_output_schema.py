"""Output files match the declared schemas and open in pandas and DuckDB without surprises."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from goaltables.pipelines import docs
from goaltables.pipelines.cli import main
from goaltables.pipelines.schema import SCHEMA_VERSION, SCHEMAS
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("schema") / "out"
    assert main(["extract", str(SAMPLES), "--out", str(folder), "--quiet"]) == 0
    return folder


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_table_has_exactly_its_declared_schema(out: Path, name: str) -> None:
    [part] = (out / name).glob("part-*.parquet")
    schema = pq.read_schema(part)
    assert schema.remove_metadata() == SCHEMAS[name].remove_metadata()
    assert schema.metadata[b"goaltables.schema_version"] == SCHEMA_VERSION.encode()
    assert schema.metadata[b"goaltables.table"] == name.encode()


def test_contract_columns_exist_with_their_types() -> None:
    required = {
        "documents": {"doc_id": "string", "source_path": "string", "file_format": "string", "status": "string",
                      "error": "string", "n_goal_tables": "int64", "n_indicators": "int64"},
        "goal_tables": {"table_id": "string", "doc_id": "string", "table_index": "int64", "table_kind": "string",
                        "table_key": "string", "title": "string", "unit_code": "string", "unit_name": "string", "project_code": "string",
                        "project_name": "string", "budget_total": "decimal128(18, 6)",
                        "budget_fiscal": "decimal128(18, 6)", "budget_other": "decimal128(18, 6)", "fund_purpose": "string", "annual_goal": "string", "year": "int64"},
        "indicators": {"indicator_id": "string", "table_id": "string", "doc_id": "string", "row_index": "int64",
                       "level1_raw": "string", "level2_raw": "string", "level1": "string", "level2": "string",
                       "level3": "string", "description": "string", "target_raw": "string", "target_op": "string",
                       "target_value": "double", "target_value_max": "double", "target_unit": "string",
                       "target_text": "string", "value_type": "string", "weight": "double", "basis": "string"},
        "unit_goals": {"goal_id": "string", "doc_id": "string", "goal_index": "int64", "title": "string",
                       "goal_text": "string", "indicator_text": "string"},
        "findings": {"doc_id": "string", "table_id": "string", "indicator_id": "string", "row_index": "int64",
                     "code": "string", "severity": "string", "message": "string", "raw": "string"},
    }
    for table, columns in required.items():
        schema = SCHEMAS[table]
        assert {name: str(schema.field(name).type) for name in columns} == columns


def test_duckdb_joins_the_tables(out: Path) -> None:
    con = duckdb.connect()
    rows = con.execute(
        f"""SELECT t.table_kind, count(*) FROM '{out}/indicators/*.parquet' i
            JOIN '{out}/goal_tables/*.parquet' t USING (table_id) GROUP BY ALL ORDER BY 1"""
    ).fetchall()
    assert rows == [("overall", 35), ("project", 28)]


def test_keys_are_unique(out: Path) -> None:
    for name, key in (("documents", "doc_id"), ("goal_tables", "table_id"), ("indicators", "indicator_id"),
                      ("unit_goals", "goal_id")):
        values = pq.read_table(out / name, columns=[key]).column(key).to_pylist()
        assert len(values) == len(set(values))


@pytest.mark.parametrize("page", sorted(docs.PAGES))
def test_generated_docs_are_current(page: str) -> None:
    assert (docs.DOCS / page).read_text(encoding="utf-8") == docs.PAGES[page](), "run `make docs`"
