"""The command-line side of the containment limits: options, and the --help text about them.

Kept out of ``cli.py`` so the limits (defined and validated in ``pipelines.settings`` and
``extract.limits``) are described in one place beside their options.
"""

from __future__ import annotations

import argparse
from typing import Any

from goaltables.pipelines.discover import SKIP_REASONS
from goaltables.pipelines.settings import (
    DEFAULT_MAX_MEMORY_MB, DEFAULT_MAX_TABLE_CELLS, DEFAULT_MAX_UNZIPPED_MB, DEFAULT_MAX_ZIP_RATIO, DEFAULT_TIMEOUT_S,
)

LIMITS_EPILOG = """\
limits (one hostile file fails alone, with one sentence, at any --jobs):
  Every file is read in a worker process under --timeout and --max-memory-mb; a worker
  that overruns, runs out of memory or crashes is replaced and only its file fails.
  .docx/.xlsx are zip packages: members are checked against --max-unzipped-mb and
  --max-zip-ratio before anything is unpacked. A table, merged range or HTML span
  grid of more than --max-table-cells positions fails before it is built.
  Files failing a limit have status failed and a limit_exceeded finding naming the option.
"""

SKIPPED_EPILOG = "skipped on purpose (listed in _manifest.json under \"skipped\" with the reason; not a failure):\n" + "".join(
    f"  {reason}\n" for key, reason in SKIP_REASONS.items() if key != "unreadable"
) + f"  {SKIP_REASONS['unreadable']} (permission denied, …)\n" + """\
  File names that are not UTF-8 are read; source_path shows them decoded as GBK or with
  \\xNN escapes, source_path_raw keeps their bytes, and a non_utf8_name finding says so.
"""


def add_limit_options(command: argparse.ArgumentParser) -> None:
    group = command.add_argument_group("limits")
    group.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                       help=f"seconds one file may take before it fails (default: {DEFAULT_TIMEOUT_S})")
    group.add_argument("--max-memory-mb", type=float, default=DEFAULT_MAX_MEMORY_MB, metavar="MB",
                       help=f"memory each worker may allocate for one file (default: {DEFAULT_MAX_MEMORY_MB})")
    group.add_argument("--max-unzipped-mb", type=float, default=DEFAULT_MAX_UNZIPPED_MB, metavar="MB",
                       help=f"unpacked size of a .docx/.xlsx package (default: {DEFAULT_MAX_UNZIPPED_MB})")
    group.add_argument("--max-zip-ratio", type=float, default=DEFAULT_MAX_ZIP_RATIO, metavar="R",
                       help=f"unpacked/packed size of a package member over 1 MB (default: {DEFAULT_MAX_ZIP_RATIO})")
    group.add_argument("--max-table-cells", type=int, default=DEFAULT_MAX_TABLE_CELLS, metavar="N",
                       help=f"grid positions of one table or merge (default: {DEFAULT_MAX_TABLE_CELLS:,})")


def limit_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` keyword arguments of the limit options."""
    return {"timeout_s": args.timeout, "max_memory_mb": args.max_memory_mb, "max_unzipped_mb": args.max_unzipped_mb,
            "max_zip_ratio": args.max_zip_ratio, "max_table_cells": args.max_table_cells}
