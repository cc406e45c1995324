"""Checks on an .xlsx package before openpyxl opens it.

openpyxl turns every position of a merged range into a ``MergedCell`` object as it loads, so a
1.5 KB workbook declaring the merge ``A1:XFD1048576`` would ask for 17 billion objects before
any of our code runs. The merges are therefore read from the sheet XML with a byte-level scan
(no parse, so it costs little beside openpyxl's own load) and checked against the limits.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from openpyxl.utils.cell import range_boundaries

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.limits import check_table_area, check_zip, current

_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*["']([^"']+)["']""")


def check_package(data: bytes) -> None:
    """Raise ``LimitExceeded`` for a zip bomb or merges larger than ``max_table_cells``."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # openpyxl reports the corrupt container in its own words
    check_zip(package)
    for name in package.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            _check_merges(name, _member(package, name))


def _member(package: zipfile.ZipFile, name: str) -> bytes:
    try:
        return package.read(name)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise DocumentLoadError(f"corrupt Excel file: {name} cannot be unpacked ({str(exc)[:100] or type(exc).__name__})") from None


def _check_merges(name: str, xml: bytes) -> None:
    total = 0
    for match in _MERGE.finditer(xml):
        ref = match.group(1).decode("ascii", "replace")
        try:
            c0, r0, c1, r1 = range_boundaries(ref)
        except (ValueError, TypeError):
            continue  # openpyxl decides what to make of a malformed reference
        rows, cols = r1 - r0 + 1, c1 - c0 + 1
        sheet = name.rsplit("/", 1)[-1].removesuffix(".xml")
        check_table_area(rows, cols, f"merged range {ref} in {sheet}")
        total += rows * cols
        if total > current().max_table_cells:
            check_table_area(total, 1, f"the merged ranges of {sheet} together")
