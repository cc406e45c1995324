"""Generate docs/schema.md, docs/findings.md and docs/cli.md from the code (``make docs``).

The pages are never edited by hand; ``tests/test_docs.py`` fails when they drift from the
records, schemas and finding catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

from extract.findings import CATALOGUE
from pipelines.schema import SCHEMAS

DOCS = Path(__file__).resolve().parent.parent / "docs"
INTRO = {
    "documents": "One row per input file, also the ones that failed.",
    "goal_tables": "One row per goal table (project or overall-expenditure table).",
    "indicators": "One row per indicator row of a goal table.",
    "unit_goals": "One row per numbered narrative goal of a unit.",
    "findings": "One row per problem, repair or doubt; codes in findings.md.",
}


def schema_page() -> str:
    lines = ["# Output schema", "", "Generated from `normalize/records.py` and `pipelines/records.py` by `make docs`;",
             "do not edit by hand. Each table is `DIR/<table>.parquet`; `DIR/manifest.json` lists the",
             "run's inputs, counts and per-file status.", ""]
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
    from pipelines.cli import build_parser

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
