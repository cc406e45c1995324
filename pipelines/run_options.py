"""The command-line side of what a run reads and how: --include/--exclude, the engine, progress.

Kept out of ``cli.py`` (as the limits are, in ``pipelines.limits``) so each group of options
sits beside the text that explains it in ``--help``.
"""

from __future__ import annotations

import argparse
from typing import Any

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
                            "left out is listed in manifest.json under \"skipped\"")


def selection_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The ``Settings`` keyword arguments of the selection options."""
    return {"include": tuple(args.include), "exclude": tuple(args.exclude)}
