"""The command-line side of what a run reads and how: --include/--exclude, the engine, progress.

Kept out of ``cli.py`` (as the limits are, in ``pipelines.limits``) so each group of options
sits beside the text that explains it in ``--help``.
"""

from __future__ import annotations

import argparse
from typing import Any

from goaltables.pipelines.settings import DEFAULT_COMMIT_EVERY, DEFAULT_SLOW_AFTER_S

SELECTION_EPILOG = """\
zip archives:
  A .zip is read in place: its members are inputs named ARCHIVE.zip!/folder/file.docx in
  source_path; a zip inside a zip is opened too (a.zip!/b.zip!/file.docx), one level deep.
  Member names from Windows zips (no UTF-8 flag) are decoded as GBK; source_path_raw keeps
  their bytes. Each member is checked against --max-file-mb, --max-unzipped-mb and
  --max-zip-ratio before it is unpacked, so a bomb fails alone. Hidden files, Office lock
  files and __MACOSX folders inside archives are skipped like those of folders.
"""


def add_selection_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("selection")
    group.add_argument("--include", action="append", default=[], metavar="GLOB",
                       help="read only files whose source_path matches GLOB (case-insensitive; * also "
                            "matches /, so '*.docx' finds Word files at any depth, inside zips too); "
                            "repeat for several patterns; folders and archives are always searched")
    group.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="leave out files, folders and archives whose source_path matches GLOB "
                            "(e.g. '*/草稿/*' or '*.pdf'); wins over --include; repeatable; what is "
                            "left out is listed in _manifest.json under \"skipped\"")


ENGINE_EPILOG = """\
engines:
  local (default) reads each file in one of --jobs forked worker processes on this machine,
  under --timeout and --max-memory-mb. dask runs the same per-file work on a dask.distributed
  cluster (pip install 'goaltables[dask]'): the scheduler at --scheduler, or else a
  LocalCluster of --jobs worker processes. The output is identical; input files must be
  readable at the same paths on every Dask worker (a shared file system). On Dask the
  readers' size limits apply per file, while time and memory are policed by the cluster
  (its workers' memory limit); a task whose worker dies becomes that file's failed row.
"""


def add_engine_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("engine")
    group.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="where files are read: local worker processes, or a Dask cluster (default: local)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="address of a running Dask scheduler, e.g. tcp://host:8786 (with --engine dask; "
                            "default: start a LocalCluster of --jobs workers)")


def engine_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` keyword arguments of the engine options."""
    return {"engine": args.engine, "scheduler": args.scheduler}


def selection_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` keyword arguments of the selection options."""
    return {"include": tuple(args.include), "exclude": tuple(args.exclude)}


INCREMENTAL_EPILOG = f"""\
re-runs:
  A run remembers what it read (DIR/_journal.jsonl). Run the same command again and only new
  and changed files are read: a file whose bytes (SHA-256) and path are unchanged, read by the
  same goaltables with the same --taxonomy, --lexicon, --encoding and size limits, keeps its
  rows; the rows of deleted files are dropped. --full reads everything again; --retry-failed
  reads again the files that failed (after a --timeout or --max-memory-mb change, say).
  Work is committed every --commit-every files (default {DEFAULT_COMMIT_EVERY}). A run that is
  interrupted (Ctrl-C, SIGTERM, kill -9, a power cut) leaves DIR as it was and keeps its
  committed work beside it (.DIR.staging-*); the next run over the same DIR continues from
  there and ends with exactly the rows of an uninterrupted run.
"""


def add_incremental_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("re-runs")
    group.add_argument("--full", action="store_true",
                       help="read every file again, ignoring what earlier runs into DIR committed")
    group.add_argument("--retry-failed", action="store_true",
                       help="read again the files that failed in earlier runs, even when unchanged")
    group.add_argument("--commit-every", type=int, default=DEFAULT_COMMIT_EVERY, metavar="N",
                       help=f"commit the rows of every N files read (default: {DEFAULT_COMMIT_EVERY}): the most "
                            "work an interruption can lose; each commit adds a part file to each table")


def incremental_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` keyword arguments of the re-run options."""
    return {"full": args.full, "retry_failed": args.retry_failed, "commit_every": args.commit_every}


def add_progress_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("progress")
    group.add_argument("--slow-after", type=float, default=DEFAULT_SLOW_AFTER_S, metavar="S",
                       help="log a line naming each file still being read after S seconds, and again every S "
                            f"seconds until it ends or reaches --timeout (default: {DEFAULT_SLOW_AFTER_S:g}; "
                            "local engine)")
    group.add_argument("--log-file", metavar="FILE",
                       help="also append the run's log (progress, slow files, warnings; dated) to FILE, at "
                            "info level whatever --quiet says, or debug with --verbose (which adds what reading "
                            "libraries printed per file; _manifest.json keeps that as library_output)")


FAILED_SHOWN = 5  # failed files named in the summary; all of them are in the documents table


def failed_lines(failed: list[tuple[str, str]]) -> str:
    """The summary's lines naming the first failed files and counting the rest."""
    if not failed:
        return ""
    lines = [f"  failed files{' (first ' + str(FAILED_SHOWN) + ')' if len(failed) > FAILED_SHOWN else ''}:"]
    lines += [f"    {path}: {_short(error)}" for path, error in failed[:FAILED_SHOWN]]
    if len(failed) > FAILED_SHOWN:
        lines.append(f"    … and {len(failed) - FAILED_SHOWN} more (documents table, status failed)")
    return "\n".join(lines) + "\n"


def _short(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
