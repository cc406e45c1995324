"""Limits that keep one hostile file from exhausting the machine, checked before allocating.

A 4 MB .docx can hold a 4 GB ``document.xml`` (a zip bomb), a 1.5 KB .xlsx can declare one
merged range of 17 billion cells, and a 75 KB web page can ask for a million-cell rowspan. Each
is refused here with one sentence that names the limit, before a reader builds anything big.

The limits are process-wide (each worker process reads one file at a time): the pipeline sets
them from its settings with ``applied`` around each file, so readers keep their simple
``read(data) -> Document`` signature and a Dask worker calling the same per-file function gets
the same protection.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from goaltables.extract.errors import DocumentLoadError

DEFAULT_MAX_UNZIPPED_MB = 500
DEFAULT_MAX_ZIP_RATIO = 200
DEFAULT_MAX_TABLE_CELLS = 1_000_000
RATIO_FLOOR_BYTES = 1 << 20  # members smaller than this may compress as well as they like


class LimitExceeded(DocumentLoadError):
    """The file asks for more than a limit allows; the message names the limit's option."""


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """How much a single file may unpack or lay out; see ``goaltables extract --help``."""

    max_unzipped_mb: float = DEFAULT_MAX_UNZIPPED_MB  # all members of a .docx/.xlsx together
    max_zip_ratio: float = DEFAULT_MAX_ZIP_RATIO  # uncompressed / compressed size of one member
    max_table_cells: int = DEFAULT_MAX_TABLE_CELLS  # rows x columns of one table's grid, merges included


_current = ReadLimits()


def current() -> ReadLimits:
    return _current


@contextmanager
def applied(limits: ReadLimits) -> Iterator[None]:
    """Use ``limits`` for the readers called inside the block."""
    global _current
    before, _current = _current, limits
    try:
        yield
    finally:
        _current = before


def check_zip(package: zipfile.ZipFile) -> None:
    """Refuse a zip whose members would unpack past the limits, from the sizes its directory
    declares (zipfile never inflates a member beyond its declared size, so they bind)."""
    limits = current()
    total = 0
    for info in package.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_zip_ratio:
            raise LimitExceeded(
                f"zip bomb: member {info.filename} unpacks {ratio:,.0f} times its packed size "
                f"({_mb(info.file_size)}), more than --max-zip-ratio {limits.max_zip_ratio:g} allows"
            )
    if total > limits.max_unzipped_mb * 2**20:
        raise LimitExceeded(
            f"the file unpacks to {_mb(total)}, more than --max-unzipped-mb {limits.max_unzipped_mb:g} allows"
        )


def check_table_area(rows: int, cols: int, where: str) -> None:
    """Refuse a table grid (or a merge) of more than ``max_table_cells`` positions before
    anything per position is allocated; ``where`` says which table, for the sentence."""
    limit = current().max_table_cells
    if rows * cols > limit:
        raise LimitExceeded(
            f"{where} spans {rows:,} rows x {cols:,} columns ({rows * cols:,} cells), "
            f"more than --max-table-cells {limit:,} allows"
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB"
