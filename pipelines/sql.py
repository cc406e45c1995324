"""``goaltables sql DIR "SELECT …"``: DuckDB over an output folder, from the shell.

For the reviewer who knows SQL but not Python: the five tables and ``codes`` are views named
as in the docs, so a question is one line, and the answer is an aligned table, CSV or JSON
(ready for another tool). Money stays exact: decimals are printed as written, never as floats.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from goaltables.pipelines.command import folder_command
from goaltables.pipelines.textgrid import cell, render

EPILOG = """\
tables (views): documents, goal_tables, indicators, unit_goals, findings; codes (column,
code, name_zh: the Chinese name of every canonical code); primary_goal_tables and
primary_indicators (each goal table once, with its rows). Columns: docs/schema.md.
Join on the shared names; sum money over one copy of each table (is_primary):

examples:
  goaltables sql output "SELECT unit_name, sum(budget_total) AS wan_yuan FROM goal_tables
                          WHERE is_primary GROUP BY ALL ORDER BY 2 DESC"
  goaltables sql output "SELECT c.name_zh, count(*) FROM indicators i
                          JOIN codes c ON c.column = 'level1' AND c.code = i.level1 GROUP BY ALL"
  goaltables sql output --csv "SELECT * FROM findings WHERE severity = 'error'" > errors.csv

output:
  an aligned table (default), CSV with a header row (--csv), or a JSON array of objects
  (--json). In JSON, decimals (money) are strings such as "543.98", so no digit is lost.

exit status:
  0  the query ran
  2  usage error, not an output folder, or an SQL error (DuckDB's message is printed)
"""


def add_parser(commands: argparse._SubParsersAction, formatter: type[argparse.HelpFormatter]) -> None:
    sql = folder_command(commands, "sql", "run an SQL query (DuckDB) on an output folder and print the result",
                         "Run one SQL query (DuckDB dialect) on the tables of an output folder.", EPILOG, formatter)
    sql.add_argument("query", metavar="QUERY", help="the SQL query, quoted")
    shape = sql.add_mutually_exclusive_group()
    shape.add_argument("--csv", action="store_true", help="print CSV (comma-separated, header row) instead of a table")
    shape.add_argument("--json", action="store_true", help="print a JSON array of objects instead of a table")
    sql.set_defaults(handler=run)


class QueryError(ValueError):
    """DuckDB rejected the query; the message is DuckDB's own."""


def query(out_dir: Path, text: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of ``text`` run against the folder's views."""
    import duckdb

    from goaltables.pipelines import load

    con = load.duckdb(out_dir)
    try:
        result = con.execute(text)
    except duckdb.Error as exc:
        raise QueryError(f"SQL error: {exc}") from None
    if result.description is None:
        return [], []
    return [d[0] for d in result.description], result.fetchall()


def as_csv(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def as_json(columns: list[str], rows: list[tuple[Any, ...]]) -> str:
    records = [dict(zip(columns, row)) for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=1, default=_json_value) + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return cell(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def run(args: argparse.Namespace) -> int:
    columns, rows = query(args.out_dir, args.query)
    if args.csv:
        sys.stdout.write(as_csv(columns, rows))
    elif args.json:
        sys.stdout.write(as_json(columns, rows))
    else:
        sys.stdout.write(render(columns, rows) + f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return 0
