"""The notebook loader: analysts' dtypes, a DuckDB connection with views, the codes table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines import load
from goaltables.pipelines.cli import main
from goaltables.pipelines.dataset import NotAnOutputFolder
from goaltables.pipelines.labels import column_label
from goaltables.pipelines.schema import SCHEMAS, code_columns
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("load") / "out"
    assert main(["extract", str(SAMPLES), "--out", str(folder), "--quiet"]) == 0
    return folder


def test_tables_have_analysts_dtypes(out: Path) -> None:
    t = load.tables(out)
    assert list(t) == list(SCHEMAS)
    tables, indicators = t["goal_tables"], t["indicators"]
    assert str(tables.year.dtype) == "Int64" and str(indicators.page.dtype) == "Int64"
    assert str(tables.unit_name.dtype) == "string"
    for name in SCHEMAS:
        for column in code_columns(name):
            assert str(t[name][column].dtype) == "category", (name, column)
    assert "level1" in code_columns("indicators") and "severity" in code_columns("findings")
    total = tables.query("is_primary").budget_total.sum()
    assert total == Decimal("686.8")  # 50 + 43.38 + 434 + 16.6 + 142.82, exactly


def test_duckdb_views_and_codes(out: Path) -> None:
    con = load.duckdb(out)
    rows = con.execute("""SELECT c.name_zh, count(*) FROM indicators i JOIN codes c ON c."column" = 'level1'
                          AND c.code = i.level1 GROUP BY ALL ORDER BY 1""").fetchall()
    names = load.codes().query("column == 'level1'").set_index("code").name_zh
    by_pandas = load.table(out, "indicators").level1.value_counts()
    assert dict(rows) == {names[code]: n for code, n in by_pandas.items() if n}
    assert sum(n for _, n in rows) == 63 and dict(rows)["满意度指标"] > 0
    assert con.execute("SELECT count(*) FROM goal_tables WHERE is_primary").fetchone() == (5,)


def test_codes_name_every_canonical_code() -> None:
    codes = load.codes()
    level1 = codes[codes["column"] == "level1"].set_index("code").name_zh
    assert level1["output"] == "产出指标" and level1["satisfaction"] == "满意度指标"
    assert codes[codes["column"] == "level2"].set_index("code").name_zh["service_satisfaction"] == "服务对象满意度指标"
    assert not codes.duplicated(["column", "code"]).any()


def test_every_code_column_value_has_a_chinese_name(out: Path) -> None:
    codes = load.codes()
    named = set(zip(codes["column"], codes["code"]))
    shared = {"level2_match": "level1_match", "actual_op": "target_op", "level1_suggestion": "level1",
              "level2_suggestion": "level2", "level2_suggestion_method": "level1_suggestion_method"}
    for name, frame in load.tables(out).items():
        for column in code_columns(name):
            if column in ("file_format", "encoding", "money_unit"):
                continue  # names of formats and encodings are their own names
            for value in frame[column].dropna().unique():
                assert (shared.get(column, column), value) in named, (name, column, value)


def test_every_column_has_a_chinese_header() -> None:
    missing = [f"{n}.{c}" for n, s in SCHEMAS.items() for c in s.names if column_label(c) == c]
    assert not missing, f"add them under `columns` in pipelines/labels_zh.yaml: {missing}"


def test_a_folder_that_is_no_output_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(NotAnOutputFolder, match="goaltables extract"):
        load.tables(tmp_path)
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(NotAnOutputFolder, match="older goaltables"):
        load.duckdb(tmp_path)


def test_unknown_table_name_is_refused(out: Path) -> None:
    with pytest.raises(ValueError, match="the tables are documents"):
        load.table(out, "indicator")


def test_tables_read_every_part(out: Path) -> None:
    frame = load.table(out, "indicators")
    assert len(frame) == 63 and isinstance(frame, pd.DataFrame)


def test_duckdb_primary_views_count_each_table_once(tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), str(FIXTURES / "pdf"), "--out", str(out), "--quiet"]) == 0
    con = load.duckdb(out)
    assert con.execute("SELECT count(*) FROM goal_tables").fetchone() == (10,)
    assert con.execute("SELECT count(*) FROM primary_goal_tables").fetchone() == (5,)
    assert con.execute("SELECT count(*) FROM primary_indicators").fetchone() == (63,)
    assert con.execute("SELECT sum(budget_total) FROM primary_goal_tables WHERE table_kind = 'project'"
                       ).fetchone() == (Decimal("543.98"),)


def test_every_finding_code_has_a_chinese_name() -> None:
    from goaltables.extract.findings import CATALOGUE
    from goaltables.pipelines.labels import code_label

    missing = [code for code in CATALOGUE if code_label("code", code) == code]
    assert not missing, f"add them under codes: code: in pipelines/labels_zh.yaml: {missing}"
