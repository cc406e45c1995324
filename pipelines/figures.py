"""The numbers of the HTML report, computed once from an output folder with DuckDB.

Every figure counts each goal table once (``is_primary``), so a submission archived as .doc,
.pdf and .txt does not triple its money. The report only lays these figures out; the tests
recompute them with pandas and compare, so what the boss reads is what the Parquet says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from goaltables.pipelines import load

PRIMARY = "goal_tables WHERE is_primary"
PRIMARY_ROWS = "indicators i JOIN goal_tables t USING (table_id, doc_id) WHERE t.is_primary"
PERCENT_BUCKETS = ((None, 60, "<60"), (60, 80, "60–79"), (80, 90, "80–89"), (90, 95, "90–94"),
                   (95, 100, "95–99.x"), (100, 100.0001, "100"), (100.0001, None, ">100"))


@dataclass
class Figures:
    totals: dict[str, Any]
    # unit, project tables and money, overall tables and money; money None where no budget is printed
    by_unit: list[tuple[str, int, Decimal | None, int, Decimal | None]]
    by_region: list[tuple[str, int, Decimal | None]]  # region, project tables, project money
    level1: list[tuple[str, int]]
    level2: list[tuple[str, str, int]]  # level1, level2, indicators
    kinds: list[tuple[str, int]]
    percent_targets: list[tuple[str, int]]
    target_forms: list[tuple[str, int]]
    finding_codes: list[tuple[str, str, int]]  # code, severity, count (each table once)
    findings: list[dict[str, Any]] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def compute(out_dir: Path) -> Figures:
    from goaltables.pipelines.dataset import manifest

    con = load.duckdb(out_dir)

    def rows(sql: str) -> list[tuple]:
        return con.execute(sql).fetchall()

    def one(sql: str) -> Any:
        return con.execute(sql).fetchone()[0]

    zero = Decimal(0)
    totals = {
        "files": one("SELECT count(*) FROM documents"),
        "files_failed": one("SELECT count(*) FROM documents WHERE status = 'failed'"),
        "table_copies": one("SELECT count(*) FROM goal_tables"),
        "tables": one("SELECT count(DISTINCT table_key) FROM goal_tables"),
        "project_tables": one(f"SELECT count(*) FROM {PRIMARY} AND table_kind = 'project'"),
        "overall_tables": one(f"SELECT count(*) FROM {PRIMARY} AND table_kind = 'overall'"),
        "units": one(f"SELECT count(DISTINCT unit_name) FROM {PRIMARY}"),
        "indicators": one(f"SELECT count(*) FROM {PRIMARY_ROWS}"),
        "project_money": one(f"SELECT sum(budget_total) FROM {PRIMARY} AND table_kind = 'project'") or zero,
        "overall_money": one(f"SELECT sum(budget_total) FROM {PRIMARY} AND table_kind = 'overall'") or zero,
        "errors": one("SELECT count(*) FROM findings WHERE severity = 'error'"),
        "warnings": one("SELECT count(*) FROM findings WHERE severity = 'warning'"),
    }
    by_unit = rows(f"""
        SELECT coalesce(unit_name, '?') AS unit, count(*) FILTER (table_kind = 'project'),
               sum(budget_total) FILTER (table_kind = 'project'),
               count(*) FILTER (table_kind = 'overall'),
               sum(budget_total) FILTER (table_kind = 'overall')
        FROM {PRIMARY} GROUP BY unit ORDER BY 3 DESC NULLS LAST, 5 DESC NULLS LAST, unit""")
    by_region = rows(f"""
        SELECT coalesce(county, city, province, '?') AS region, count(*), sum(budget_total)
        FROM {PRIMARY} AND table_kind = 'project' GROUP BY region ORDER BY 3 DESC NULLS LAST, region""")
    level1 = rows(f"SELECT coalesce(i.level1, '?'), count(*) FROM {PRIMARY_ROWS} GROUP BY 1 ORDER BY 2 DESC, 1")
    level2 = rows(f"""SELECT coalesce(i.level1, '?'), coalesce(i.level2, '?'), count(*) FROM {PRIMARY_ROWS}
                      GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2""")
    kinds = rows(f"SELECT coalesce(i.indicator_kind, '?'), count(*) FROM {PRIMARY_ROWS} GROUP BY 1 ORDER BY 2 DESC, 1")
    percent = dict(rows(f"""SELECT {_bucket_sql()}, count(*) FROM {PRIMARY_ROWS}
                            AND i.target_unit = '%' AND i.target_value IS NOT NULL GROUP BY 1"""))
    forms = rows(f"""SELECT coalesce(i.target_op, CASE WHEN i.target_placeholder THEN 'placeholder'
                                                  WHEN i.target_multiple THEN 'multiple' ELSE 'qualitative' END),
                            count(*) FROM {PRIMARY_ROWS} GROUP BY 1 ORDER BY 2 DESC, 1""")
    codes = rows("""SELECT f.code, f.severity, count(*) FROM findings f
                    LEFT JOIN goal_tables t USING (table_id, doc_id)
                    WHERE f.table_id IS NULL OR t.is_primary
                    GROUP BY ALL ORDER BY 3 DESC, 1""")
    return Figures(totals, by_unit, by_region, level1, level2, kinds,
                   [(label, percent.get(label, 0)) for *_, label in PERCENT_BUCKETS], forms, codes,
                   findings=_findings(con), tables=_tables(con), manifest=manifest(out_dir))


def _bucket_sql() -> str:
    cases = []
    for low, high, label in PERCENT_BUCKETS:
        conds = [f"i.target_value >= {low}" if low is not None else "", f"i.target_value < {high}" if high else ""]
        cases.append(f"WHEN {' AND '.join(c for c in conds if c)} THEN '{label}'")
    return f"CASE {' '.join(cases)} END"


def _findings(con: Any) -> list[dict[str, Any]]:
    """Every finding with where it points: file, table, row (0-based, as the data) and place."""
    cursor = con.execute("""
        SELECT f.severity, f.code, f.message, f.raw, d.source_path, d.file_format, f.table_id, t.table_key,
               t.title, f.row_index, coalesce(i.page, t.table_page) AS page,
               coalesce(i.line, t.table_line) AS line, coalesce(i.sheet, t.table_sheet) AS sheet,
               coalesce(i.position, t.table_position) AS position
        FROM findings f JOIN documents d USING (doc_id)
        LEFT JOIN goal_tables t ON t.table_id = f.table_id
        LEFT JOIN indicators i ON i.indicator_id = f.indicator_id
        ORDER BY CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, d.source_path,
                 t.table_index NULLS FIRST, f.row_index NULLS FIRST, f.code""")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _tables(con: Any) -> list[dict[str, Any]]:
    """One line per distinct goal table (its primary copy), with its number of copies and files."""
    cursor = con.execute("""
        SELECT t.table_key, t.table_kind, t.title, t.unit_name, t.project_name, t.budget_total, t.year,
               t.n_table_indicators, d.source_path, t.table_position,
               (SELECT count(*) FROM goal_tables c WHERE c.table_key = t.table_key) AS copies
        FROM goal_tables t JOIN documents d USING (doc_id) WHERE t.is_primary
        ORDER BY t.unit_name, t.table_kind, t.budget_total DESC NULLS LAST, t.title""")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
