"""Part files that exist only when complete, and parts shared between runs without copying."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq


def write_part(table: pa.Table, path: Path) -> None:
    """Write a part under a hidden name, make it durable, then give it its name: a part file
    that exists is complete, even after a crash or a power cut."""
    hidden = path.with_name("." + path.name)
    with open(hidden, "wb") as handle:
        pq.write_table(table, handle, compression="zstd")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(hidden, path)


def link_part(source: Path, target: Path) -> None:
    """A part of an earlier run, without copying it (hard links need one file system)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
