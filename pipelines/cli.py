"""The ``goaltables`` command: a thin layer over ``pipelines.batch``."""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from pathlib import Path

from goaltables.pipelines import __version__
from goaltables.pipelines.batch import RunSummary, discover, run
from goaltables.pipelines.limits import LIMITS_EPILOG, SKIPPED_EPILOG, add_limit_options, limit_settings
from goaltables.pipelines.preflight import PreflightError, check_configuration
from goaltables.pipelines.progress import add_log_file
from goaltables.pipelines.run_options import (
    ENGINE_EPILOG, INCREMENTAL_EPILOG, SELECTION_EPILOG, add_engine_options, add_incremental_options,
    add_progress_options, add_selection_options, engine_settings, failed_lines, incremental_settings,
    selection_settings,
)
from goaltables.pipelines.output import UnsafeOutputError
from goaltables.pipelines.schema import SCHEMAS
from goaltables.pipelines.settings import DEFAULT_MAX_MB, Settings, SettingsError, available_cpus
from goaltables.pipelines.worker import Terminated, results, sigterm_as_interrupt

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143

DESCRIPTION = """\
Extract Chinese budget performance goal tables (预算绩效目标表) from text, Word, PDF,
spreadsheet and web-page files into typed Parquet tables.
"""

EXTRACT_EPILOG = f"""\
input formats (recognised from the content, not the file name):
  .txt (UTF-8, GB18030/GBK, UTF-16), .docx, .doc (needs LibreOffice), .pdf (with a text
  layer; scans fail), .xlsx/.xlsm, .xls, .html/.htm

output:
  DIR is a dataset: one folder of part-*.parquet files per table and a manifest,
    {"/, ".join(list(SCHEMAS)[:3])}/,
    {"/, ".join(list(SCHEMAS)[3:])}/, _manifest.json
  Read a table by its folder: pd.read_parquet("DIR/indicators"), DuckDB
  'DIR/indicators/*.parquet', polars, Dask and Spark alike (they skip _manifest.json).
  Every input file gets a row in documents, also the ones that failed, with a one-sentence
  error. Problems, repairs and doubts are rows of findings. Copies of one goal table in
  several files share goal_tables.table_key; is_primary marks one copy of each.
  Money is decimal(18, 6) in 万元, exact as printed.
  The folder is replaced atomically at the end: an interrupted run leaves the previous
  output untouched (and its own work beside it, for the next run to continue). DIR must be
  new, empty, or an earlier goaltables output folder.
  Column reference: docs/schema.md. Finding codes: docs/findings.md.

{LIMITS_EPILOG}
{SELECTION_EPILOG}
{ENGINE_EPILOG}
{INCREMENTAL_EPILOG}
{SKIPPED_EPILOG}
exit status:
  {EXIT_OK}    every file was read (some may hold no goal table or have findings)
  {EXIT_SOME_FAILED}    some files failed; their errors are in DIR/documents and the other
       files' rows are all written
  {EXIT_USAGE}    usage error: bad option, missing input, unsafe or unwritable output folder,
       unusable --taxonomy file, or another run writing the same output folder
       (all checked before any file is read; the previous output is untouched)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C); the previous output is untouched, the work done is
       kept for the next run
  {EXIT_TERMINATED}  terminated (SIGTERM); handled like Ctrl-C

examples:
  goaltables extract samples --out output
  goaltables extract archive/2025 archive/2024 --out out --jobs 4
  python -c "from pipelines import load; print(load.tables('output')['indicators'])"
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=92)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="goaltables", description=DESCRIPTION, formatter_class=_Formatter)
    parser.add_argument("--version", action="version", version=f"goaltables {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    extract = commands.add_parser(
        "extract", help="convert files and folders into Parquet tables",
        description=DESCRIPTION, epilog=EXTRACT_EPILOG, formatter_class=_Formatter,
    )
    extract.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                         help="input files or folders (folders are searched recursively; hidden and lock files, FIFOs "
                              "and broken links are skipped and listed in _manifest.json)")
    extract.add_argument("--out", "-o", required=True, type=Path, metavar="DIR", help="output folder")
    extract.add_argument("--jobs", "-j", type=int, default=available_cpus(), metavar="N",
                         help="files processed in parallel by N worker processes (default: the number of "
                              "CPUs this run may use)")
    extract.add_argument("--taxonomy", type=Path, metavar="FILE",
                         help="extra taxonomy YAML: more aliases or codes (same layout as normalize/taxonomy.yaml)")
    extract.add_argument("--lexicon", type=Path, metavar="FILE",
                         help="extra header lexicon YAML: more header words and labels, appended to the built-in "
                              "ones (same layout as extract/parser/lexicon.yaml; see docs/columns.md)")
    extract.add_argument("--max-file-mb", type=float, default=DEFAULT_MAX_MB, metavar="MB",
                         help=f"files larger than this fail with a clear error instead of exhausting memory "
                              f"(default: {DEFAULT_MAX_MB})")
    extract.add_argument("--encoding", metavar="NAME",
                         help="read text files and web pages in this encoding (e.g. big5, cp932) instead of "
                              "guessing; use it when an error names the likely encoding")
    add_selection_options(extract)
    add_engine_options(extract)
    add_incremental_options(extract)
    add_progress_options(extract)
    add_limit_options(extract)
    _add_verbosity(extract)
    _add_check(commands)
    _add_taxonomy(commands)
    for module in _analyst_commands():
        module.add_parser(commands, _Formatter)
    return parser


def _analyst_commands() -> list:
    """Commands over an existing output folder, each in its own module (``add_parser`` sets
    ``handler``); imported here so that ``goaltables --help`` lists them."""
    from goaltables.pipelines import export, html_report, sql

    return [sql, export, html_report]


CHECK_EPILOG = f"""\
The report lists, per file and goal table, what a reviewer would send back: placeholder
values, targets copied across a table, budgets that do not add up, weights that do not sum
to 100, missing indicator groups, and rows the parser had to repair. Codes: docs/findings.md.
Each finding shows its row as the data numbers it (row_index, from 0) and its place in the
original file (page, line or sheet row). PATH may also be an output folder of an earlier
extract: its findings are reviewed without reading the files again.
With --report FILE the report is also written to FILE: Markdown (.md) or HTML (.html).
Nothing else is written to disk.

exit status:
  {EXIT_OK}    no error-level finding
  {EXIT_SOME_FAILED}    some file failed or has an error-level finding (e.g. budget_mismatch)
  {EXIT_USAGE}    usage error

examples:
  goaltables check submissions/2025/怀来县总工会.docx
  goaltables check output --all --report 审核报告.html
  goaltables check submissions/2025 --lang en --report review.md
"""

TAXONOMY_EPILOG = """\
Prints the canonical level-1 and level-2 codes with their labels, aliases and frameworks,
and the indicator kinds. With --unmapped DIR it also lists the 一级/二级 labels of an
output folder that matched no code, most frequent first: add them as aliases in a file
passed to --taxonomy (same layout as normalize/taxonomy.yaml).

example:
  goaltables taxonomy --unmapped output --taxonomy extra.yaml
"""


def _add_check(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check", help="review report of a submission's findings (files or an output folder)",
        description="Review the goal tables of one submission and report its problems.",
        epilog=CHECK_EPILOG, formatter_class=_Formatter,
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="input files or folders, or an output folder of goaltables extract")
    check.add_argument("--all", action="store_true", help="also list notes (info findings such as filled-down labels)")
    check.add_argument("--report", type=Path, metavar="FILE",
                       help="also write the report to FILE, as Markdown (.md) or HTML (.html)")
    check.add_argument("--lang", choices=["en", "zh"], default="zh",
                       help="language of the report's labels (default: zh); messages stay as recorded")
    check.add_argument("--taxonomy", type=Path, metavar="FILE", help="extra taxonomy YAML, as for extract")
    add_limit_options(check)
    _add_verbosity(check)


def _add_taxonomy(commands: argparse._SubParsersAction) -> None:
    taxonomy = commands.add_parser(
        "taxonomy", help="print the canonical taxonomy and the unmapped labels of an output folder",
        description="Print the canonical indicator taxonomy.", epilog=TAXONOMY_EPILOG, formatter_class=_Formatter,
    )
    taxonomy.add_argument("--taxonomy", type=Path, metavar="FILE", help="extra taxonomy YAML to include")
    taxonomy.add_argument("--unmapped", type=Path, metavar="DIR", help="output folder whose unmapped labels to list")
    _add_verbosity(taxonomy)


def _add_verbosity(command: argparse.ArgumentParser) -> None:
    group = command.add_mutually_exclusive_group()
    group.add_argument("--quiet", "-q", action="store_true", help="log warnings and errors only")
    group.add_argument("--verbose", "-v", action="store_true", help="log debug detail")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if getattr(args, "quiet", False) else logging.DEBUG if getattr(args, "verbose", False)
        else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr,
    )
    if getattr(args, "log_file", None) is not None:
        add_log_file(args.log_file, logging.DEBUG if args.verbose else logging.INFO)
    command = {"extract": _extract, "check": _check, "taxonomy": _taxonomy}.get(args.command) or args.handler
    try:
        with sigterm_as_interrupt():
            return command(args)
    except (SettingsError, UnsafeOutputError, PreflightError, FileNotFoundError, ValueError) as exc:
        parser.exit(EXIT_USAGE, f"goaltables: error: {exc}\n")
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        logging.getLogger(__name__).warning("%s; the output folder is unchanged", "terminated" if terminated else "interrupted")
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def _extract(args: argparse.Namespace) -> int:
    settings = Settings(jobs=args.jobs, max_file_mb=args.max_file_mb, taxonomy=args.taxonomy, lexicon=args.lexicon,
                        encoding=args.encoding, **limit_settings(args), **selection_settings(args),
                        **engine_settings(args), **incremental_settings(args),
                        slow_after_s=args.slow_after)
    summary = run(args.paths, args.out, settings)
    sys.stdout.write(format_summary(summary))
    return EXIT_SOME_FAILED if summary.by_status["failed"] else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from goaltables.pipelines import report
    from goaltables.pipelines.review_source import is_output_folder, results_from_folder

    writers = {".md": report.markdown, ".markdown": report.markdown, ".html": report.html, ".htm": report.html}
    if args.report is not None and args.report.suffix.lower() not in writers:
        raise ValueError(f"--report {args.report}: name it .md (Markdown) or .html (HTML)")
    settings = Settings(taxonomy=args.taxonomy, **limit_settings(args))
    check_configuration(settings)
    folders = [p for p in args.paths if is_output_folder(p)]
    files = [p for p in args.paths if p not in folders]
    found = [r for folder in folders for r in results_from_folder(folder)]
    if files:
        found += list(results(discover(files, settings=settings), settings))
    docs, totals = report.build(found, "info" if args.all else "warning")
    sys.stdout.write(report.text(docs, totals, args.all, args.lang))
    if args.report is not None:
        args.report.write_text(writers[args.report.suffix.lower()](docs, totals, args.all, args.lang), encoding="utf-8")
        sys.stderr.write(f"wrote {args.report}\n")
    return EXIT_SOME_FAILED if totals.errors else EXIT_OK  # a failed file carries an error finding


def _taxonomy(args: argparse.Namespace) -> int:
    from goaltables.pipelines.taxonomy_report import taxonomy_report

    if args.taxonomy is not None:
        Settings(taxonomy=args.taxonomy)  # validates the path
    sys.stdout.write(taxonomy_report(args.taxonomy, args.unmapped))
    return EXIT_OK


def format_summary(s: RunSummary) -> str:
    status = s.by_status
    sev = s.findings_by_severity
    return textwrap.dedent(f"""\
        goaltables: {s.files} files in {s.seconds:.1f} s -> {s.out_dir} (read {s.read}, unchanged {s.reused})
          ok {status['ok']}, partial {status['partial']}, no goal tables {status['no_goal_tables']}, failed {status['failed']}, duplicates {s.duplicates}, skipped {len(s.skipped)}
          needs review {s.needs_review} of {s.files - s.duplicates} documents (see docs/status.md)
          goal tables {s.counts.get('goal_tables', 0)} ({s.distinct_tables} distinct), indicators {s.counts.get('indicators', 0)}, unit goals {s.counts.get('unit_goals', 0)}
          findings {s.counts.get('findings', 0)} (error {sev['error']}, warning {sev['warning']}, info {sev['info']})
          coverage: level1 {_pct(s.coverage, 'level1')}, level2 {_pct(s.coverage, 'level2')}, indicator kind {_pct(s.coverage, 'indicator_kind')}
        """) + failed_lines(s.failed)


def _pct(coverage: dict[str, int], key: str) -> str:
    total = coverage.get("indicators", 0)
    return f"{100 * coverage.get(key, 0) / total:.0f}%" if total else "n/a"


if __name__ == "__main__":
    sys.exit(main())
