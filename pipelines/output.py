"""Write the output folder so that an interrupted run never leaves a mix of old and new files.

The folder is a dataset: one sub-folder per table holding ``part-NNNNN.parquet`` files, and the
manifest as ``_manifest.json``, which pandas, DuckDB, polars, Dask and Spark all skip (files
starting with ``_`` or ``.`` are metadata to them). So ``pd.read_parquet("out/indicators")``,
``FROM 'out/indicators/*.parquet'`` and ``spark.read.parquet("out/indicators")`` each read
one whole table in one call, however many part files it has.

Everything is written into a staging folder beside DIR. Only when all tables and the manifest
are complete is the staging folder swapped with DIR in one atomic ``renameat2(RENAME_EXCHANGE)``
(Linux); where that call is missing, two renames leave a gap of microseconds in which DIR is
absent but never mixed. Interrupting before the swap leaves the old DIR untouched.
"""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from goaltables.pipelines.primary import mark_primaries
from goaltables.pipelines.schema import SCHEMAS, to_table

FLUSH_ROWS = 5000
PART_ROWS = 1_000_000  # rows per part file; a table larger than this gets part-00001 and on
MANIFEST = "_manifest.json"
# what an earlier goaltables (schema version 1) wrote: ours to replace, never carried over
_LEGACY = {"manifest.json"} | {f"{name}.parquet" for name in SCHEMAS}
OUTPUT_FILES = set(SCHEMAS) | {MANIFEST} | _LEGACY
_KEEP_IN_NEW_FOLDER = {".gitkeep", "README.md", "README"}


def table_dir(out_dir: Path, name: str) -> Path:
    """The folder of table ``name``: what to hand any engine to read the whole table."""
    return out_dir / name


def part_path(out_dir: Path, name: str, index: int) -> Path:
    return table_dir(out_dir, name) / f"part-{index:05d}.parquet"


class UnsafeOutputError(Exception):
    """DIR holds files goaltables did not write; replacing it could destroy them."""


def check_output_dir(out_dir: Path) -> None:
    """Refuse to swap out a folder that is not empty and not an earlier goaltables output."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise UnsafeOutputError(f"{out_dir} exists and is not a folder")
    entries = {p.name for p in out_dir.iterdir()}
    if entries & {MANIFEST, "manifest.json"} or not entries - _KEEP_IN_NEW_FOLDER:
        return
    raise UnsafeOutputError(
        f"{out_dir} is not empty and holds no goaltables {MANIFEST}; choose a new or empty folder"
    )


class _Parts:
    """The part files of one table: a new part after ``PART_ROWS`` rows. The first part is
    opened at once so that an empty table is still a folder with its schema in it."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder, self.name = folder, name
        table_dir(folder, name).mkdir()
        self.index, self.rows = 0, 0
        self.writer: pq.ParquetWriter | None = self._open()

    def _open(self) -> pq.ParquetWriter:
        return pq.ParquetWriter(part_path(self.folder, self.name, self.index), SCHEMAS[self.name], compression="zstd")

    def write(self, table: object) -> None:
        if self.writer is None:
            self.index, self.rows = self.index + 1, 0
            self.writer = self._open()
        self.writer.write_table(table)
        self.rows += table.num_rows  # type: ignore[attr-defined]
        if self.rows >= PART_ROWS:
            self.close()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


class OutputWriter:
    """Streams records into per-table part files in a staging folder, then swaps it in."""

    def __init__(self, out_dir: Path) -> None:
        check_output_dir(out_dir)
        self.out_dir = out_dir.resolve()  # a symlinked DIR: replace its target, not the link
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.staging-", dir=self.out_dir.parent))
        self.staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is for colleagues too
        self.counts = dict.fromkeys(SCHEMAS, 0)
        self._buffers: dict[str, list[Any]] = {name: [] for name in SCHEMAS}
        self._writers = {name: _Parts(self.staging, name) for name in SCHEMAS}

    def add(self, name: str, records: list[Any]) -> None:
        self._buffers[name].extend(records)
        self.counts[name] += len(records)
        if len(self._buffers[name]) >= FLUSH_ROWS:
            self._flush(name)

    def _flush(self, name: str) -> None:
        if self._buffers[name]:
            self._writers[name].write(to_table(name, self._buffers[name]))
            self._buffers[name] = []

    def commit(self, manifest: dict[str, Any]) -> None:
        for name in SCHEMAS:
            self._flush(name)
            self._writers[name].close()
        mark_primaries(table_dir(self.staging, "goal_tables"))
        (self.staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        self._carry_over_foreign_files()
        _swap_in(self.staging, self.out_dir)

    def abort(self) -> None:
        for writer in self._writers.values():
            try:
                writer.close()
            except Exception:  # already broken; removing the folder is all that matters
                pass
        shutil.rmtree(self.staging, ignore_errors=True)

    def _carry_over_foreign_files(self) -> None:
        """Keep what a person put in DIR (a README, .gitkeep, a notes folder) across the swap."""
        if not self.out_dir.is_dir():
            return
        for entry in self.out_dir.iterdir():
            if entry.name in OUTPUT_FILES:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, self.staging / entry.name, symlinks=True)
            else:
                shutil.copy2(entry, self.staging / entry.name, follow_symlinks=False)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_inputs_outside(paths: list[Path], out_dir: Path) -> None:
    """An input inside DIR would be deleted by the swap; refuse before reading anything."""
    out = out_dir.resolve()
    for path in paths:
        if path.resolve().is_relative_to(out):
            raise UnsafeOutputError(f"input {path} is inside the output folder {out_dir}, which every run replaces")


def _swap_in(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if not _exchange(staging, out_dir):
        old = staging.with_name(staging.name + "-old")
        os.rename(out_dir, old)
        os.rename(staging, out_dir)
        staging = old
    shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with Linux renameat2; False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
