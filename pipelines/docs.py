"""Generate docs/schema.md, docs/findings.md and docs/cli.md from the code (``make docs``).

The pages are never edited by hand; ``tests/test_docs.py`` fails when they drift from the
records, schemas and finding catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

from goaltables.extract.findings import CATALOGUE
from goaltables.pipelines.schema import SCHEMA_VERSION, SCHEMAS

DOCS = Path(__file__).resolve().parent.parent / "docs"
INTRO = {
    "documents": "One row per input file, also the ones that failed.",
    "goal_tables": "One row per goal table (project or overall-expenditure table).",
    "indicators": "One row per indicator row of a goal table.",
    "unit_goals": "One row per numbered narrative goal of a unit.",
    "findings": "One row per problem, repair or doubt; codes in findings.md.",
}


LAYOUT = f"""\
## Layout

An output folder `DIR` is a dataset: each table is a folder `DIR/<table>/` of one or more
`part-*.parquet` files (read the folder, not a file), `DIR/_manifest.json` lists the
run's inputs, counts and per-file status, and `DIR/_journal.jsonl` is what the next run needs to
read only changed files. Engines skip `_`-prefixed files, so each table opens
in one call: `pd.read_parquet("DIR/indicators")`, `pl.read_parquet("DIR/indicators/*.parquet")`,
`dd.read_parquet("DIR/indicators")`, `spark.read.parquet("DIR/indicators")`, DuckDB
`FROM 'DIR/indicators/*.parquet'`. Each file's schema metadata holds
`goaltables.schema_version` (now `{SCHEMA_VERSION}`) and `goaltables.table`. Row order carries
no meaning: files are committed as they finish and a re-run keeps the parts of unchanged files,
so sort by the keys (`doc_id`, `table_index`, `row_index`) where order matters.

Tables are not split into `year=…/` or `province=…/` folders. An archive's output is small (about
1.1 MB of Parquet for 400 files, so some 55 MB for 20,000), every engine scans a table in well
under a second, and Hive-style folders would change what users see: the partition column
becomes a category in pandas, Spark refuses a column that is both in the files and in the
folder names, and `'DIR/goal_tables/*.parquet'` would no longer match in DuckDB and polars.
Filter on `goal_tables.year` and `goal_tables.province` instead.

Keys: `doc_id`, `table_id`, `indicator_id`, `goal_id` mean the same in every table. Join on
them by name; two other names are shared, both required by the output contract: `needs_review`
(goal_tables: a finding touches this table; documents: one touches the file) and `title`
(goal_tables and unit_goals, each the heading as printed). So name the keys:

```sql
SELECT i.*, t.unit_name, t.budget_total, d.source_path, t.needs_review, d.needs_review AS file_needs_review
FROM indicators i JOIN goal_tables t USING (table_id, doc_id) JOIN documents d USING (doc_id)
```

(pandas: `indicators.merge(goal_tables, on=["table_id", "doc_id"]).merge(documents, on="doc_id",
suffixes=("", "_file"))`; polars `join(on=…, suffix="_file")`; Spark `join(…, on=[…])`.)

Types: money (`budget_*`) is `decimal(18, 6)` in 万元, exact as printed (6 decimals of 万元 =
0.01 元), so sums of printed amounts equal printed totals in every engine. Nullable integers are
`int64` with nulls; the files carry pandas metadata so pandas and Dask give them `Int64`.

## Counting each goal table once

The same goal table archived as .doc, .pdf and .txt is three rows of `goal_tables` with one
`table_key`; `is_primary` is true on exactly one of them. Sum budgets over primary copies, and
never add overall tables (`table_kind = 'overall'`, the unit's whole budget) to project tables
(part of it), nor self-evaluations (`table_kind = 'self_evaluation'`: the same money looked
at after the year). Sum budgets on goal_tables itself, never after joining indicators (that
repeats each amount once per indicator row):

```sql
SELECT unit_name, sum(budget_total) AS 万元
FROM goal_tables WHERE is_primary AND table_kind = 'project' GROUP BY unit_name
```

A table may print no budget (`budget_total` null): a group of such tables sums to 0 in pandas
and polars but to NULL in DuckDB and Spark, so filter `budget_total IS NOT NULL` when the
difference matters.

To attribute money to indicators, first reduce the indicators to one row per table and what
you group by (e.g. `SELECT DISTINCT table_id, level1 FROM indicators`), then join the budgets.

## From a row to the paper

Indicators carry `page` (PDF), `sheet` and `line` (text or HTML line, or the sheet row),
`column` (sheet column) and `box` (PDF points); goal tables the same as `table_page`,
`table_line`, …; `position`/`table_position` say it in words. A finding points at its row with
`indicator_id` (join indicators for the place) or, for a row that never became an indicator,
with `table_id` and `row_index` (0-based, as `indicators.row_index`).
""".splitlines()


def schema_page() -> str:
    lines = ["# Output schema", "", "Generated from `normalize/records.py` and `pipelines/records.py` by `make docs`;",
             "do not edit by hand.", "", *LAYOUT, ""]
    for name, schema in SCHEMAS.items():
        lines += [f"## {name}", "", INTRO[name], "", "| column | type | null | meaning |", "|---|---|---|---|"]
        for f in schema:
            doc = f.metadata[b"doc"].decode() if f.metadata else ""
            lines.append(f"| `{f.name}` | `{f.type}` | {'yes' if f.nullable else 'no'} | {doc} |")
        lines.append("")
    return "\n".join(lines)


def findings_page() -> str:
    lines = ["# Finding codes", "", "Generated from `extract/findings.py` by `make docs`; do not edit by hand.",
             "Codes are stable: filter on them.", "", "| code | severity | meaning |", "|---|---|---|"]
    lines += [f"| `{code}` | {kind.severity} | {kind.summary} |" for code, kind in CATALOGUE.items()]
    return "\n".join(lines) + "\n"


def cli_page() -> str:
    """Every command's --help, exactly as the program prints it."""
    from goaltables.pipelines.cli import build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps subcommands only here
    lines = ["# Command line", "", "Generated from `pipelines/cli.py` by `make docs`; do not edit by hand.", "",
             "```text", parser.format_help().rstrip(), "```", ""]
    for name, command in commands.items():
        lines += [f"## goaltables {name}", "", "```text", command.format_help().rstrip(), "```", ""]
    return "\n".join(lines)


PAGES = {"schema.md": schema_page, "findings.md": findings_page, "cli.md": cli_page}


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    for name, make in PAGES.items():
        (DOCS / name).write_text(make(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
