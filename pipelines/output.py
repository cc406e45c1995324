"""Write the output folder so that an interrupted run never leaves a mix of old and new files,
and loses no finished work either.

The folder is a dataset: one sub-folder per table holding ``part-*.parquet`` files, the
manifest as ``_manifest.json`` and the run's memory as ``_journal.jsonl`` (``pipelines.state``);
pandas, DuckDB, polars, Dask and Spark all skip files starting with ``_`` or ``.``. So
``pd.read_parquet("out/indicators")``, ``FROM 'out/indicators/*.parquet'`` and
``spark.read.parquet("out/indicators")`` each read one whole table in one call.

A run builds the new folder beside DIR, in a staging folder: parts of files an earlier run
committed and that are unchanged are hard-linked in (a part that also holds rows of changed or
deleted files is rewritten without them); files read now are written as they finish, a commit
at a time (each part written under a hidden name, fsync'ed, renamed, then journaled). When all
is there, the documents table, the choice of primary copies and the manifest are written and
the staging folder is swapped with DIR in one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux;
elsewhere two renames leave DIR absent for microseconds, never mixed). Readers of DIR see the
previous run or this one, never a part being written. A run that is interrupted or killed
leaves its staging folder; the next run takes its commits from there.
"""

from __future__ import annotations

import ctypes
import glob
import json
import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from goaltables.pipelines.parts import link_part, write_part
from goaltables.pipelines.primary import mark_primaries
from goaltables.pipelines.schema import SCHEMAS, to_table
from goaltables.pipelines.state import JOURNAL, Commit, DocState, Journal, write_journal

log = logging.getLogger(__name__)
MANIFEST = "_manifest.json"
ROW_TABLES = ("goal_tables", "indicators", "unit_goals", "findings")  # written per commit; documents at the end
# what an earlier goaltables (schema version 1) wrote: ours to replace, never carried over
_LEGACY = {"manifest.json"} | {f"{name}.parquet" for name in SCHEMAS}
OUTPUT_FILES = set(SCHEMAS) | {MANIFEST, JOURNAL} | _LEGACY
_KEEP_IN_NEW_FOLDER = {".gitkeep", "README.md", "README"}
MAX_COMMITS = 64  # more commits than this in a finished folder: small ones are merged (rows kept)
MERGED_ROWS = 200_000  # rows a merged commit aims at
STAGING = ".{name}.staging-"  # staging folders beside DIR: ``STAGING.format(name=DIR.name)`` + a random suffix


def table_dir(out_dir: Path, name: str) -> Path:
    """The folder of table ``name``: what to hand any engine to read the whole table."""
    return out_dir / name


def staging_folders(out_dir: Path) -> list[Path]:
    """Staging folders of earlier runs of DIR that did not finish, oldest first."""
    found = [p for p in out_dir.parent.glob(glob.escape(STAGING.format(name=out_dir.name)) + "*")
             if p.is_dir() and not p.is_symlink()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


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


class OutputWriter:
    """Builds the next output folder in a staging folder, commit by commit, then swaps it in."""

    def __init__(self, out_dir: Path, fingerprint: str) -> None:
        check_output_dir(out_dir)
        self.out_dir = out_dir.resolve()  # a symlinked DIR: replace its target, not the link
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.fingerprint, self.run_id, self.sequence = fingerprint, uuid.uuid4().hex[:8], 0
        self.staging = Path(tempfile.mkdtemp(prefix=STAGING.format(name=self.out_dir.name), dir=self.out_dir.parent))
        self.staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; the output is for colleagues too
        for name in SCHEMAS:
            table_dir(self.staging, name).mkdir()
        self.counts = dict.fromkeys(SCHEMAS, 0)
        self.journal = Journal(self.staging)
        self.committed = 0  # documents in this staging folder's journal
        self.commits: list[Commit] = []

    def keep(self, origin: Path, commit: Commit, docs: list[DocState]) -> None:
        """Carry an earlier commit's rows of ``docs`` over: linked whole, or rewritten without the rest."""
        if len(docs) == len(commit.docs):
            for name, part in commit.parts.items():
                link_part(table_dir(origin, name) / part, table_dir(self.staging, name) / part)
            self._journaled(commit)
            return
        import pyarrow.compute as pc  # only here: 70 ms of start-up otherwise

        wanted = pa.array(sorted({d.document["doc_id"] for d in docs}), pa.string())
        tables = {}
        for name, part in commit.parts.items():
            table = pq.read_table(table_dir(origin, name) / part, schema=SCHEMAS[name])
            tables[name] = table.filter(pc.is_in(table.column("doc_id"), value_set=wanted))
        self._commit(tables, docs)

    def write(self, results: list[tuple[Any, DocState]]) -> None:
        """Commit the rows of files just read (``FileResult``, its state), in one part per table."""
        tables = {name: to_table(name, [r for result, _ in results for r in getattr(result, _attribute(name))])
                  for name in ROW_TABLES}
        self._commit(tables, [state for _, state in results])

    def _commit(self, tables: dict[str, pa.Table], docs: list[DocState]) -> None:
        self.sequence += 1
        commit = Commit(f"{self.run_id}-{self.sequence:05d}", self.fingerprint, {}, {}, docs)
        for name, table in tables.items():
            if table.num_rows:
                commit.parts[name] = f"part-{commit.id}.parquet"
                commit.rows[name] = table.num_rows
                write_part(table, table_dir(self.staging, name) / commit.parts[name])
        self._journaled(commit)

    def _journaled(self, commit: Commit) -> None:
        self.journal.append(commit)
        self.commits.append(commit)
        self.committed += len(commit.docs)
        for name, rows in commit.rows.items():
            self.counts[name] += rows

    def finish(self, documents: list[Any], findings: list[Any], manifest: dict[str, Any]) -> None:
        """Write what depends on the whole run, then swap the staging folder in as DIR."""
        self.journal.close()
        if len(self.commits) > MAX_COMMITS:
            self._merge_small_commits()
        for name, records in (("documents", documents), ("findings", findings)):
            if records:
                write_part(to_table(name, records), table_dir(self.staging, name) / f"part-{self.run_id}-run.parquet")
                self.counts[name] += len(records)
        for name in SCHEMAS:  # an empty table is still a folder with its schema in it
            folder = table_dir(self.staging, name)
            if not any(folder.glob("part-*.parquet")):
                write_part(SCHEMAS[name].empty_table(), folder / f"part-{self.run_id}-empty.parquet")
        mark_primaries(table_dir(self.staging, "goal_tables"))
        manifest["counts"] = dict(self.counts)
        (self.staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        self._carry_over_foreign_files()
        _swap_in(self.staging, self.out_dir)

    def _merge_small_commits(self) -> None:
        """Fold small commits into few: each re-run that reads a few changed files adds a small
        part per table, and months of daily re-runs would leave thousands of tiny files."""
        small = [c for c in self.commits if sum(c.rows.values()) < MERGED_ROWS // 4]
        groups, group, rows = [], [], 0
        for commit in small:
            group.append(commit)
            rows += sum(commit.rows.values())
            if rows >= MERGED_ROWS:
                groups.append(group)
                group, rows = [], 0
        groups += [group] if len(group) > 1 else []
        for group in groups:
            self._merge(group)
        write_journal(self.staging, self.commits)

    def _merge(self, group: list[Commit]) -> None:
        self.sequence += 1
        merged = Commit(f"{self.run_id}-m{self.sequence:05d}", self.fingerprint, {}, {},
                        [doc for commit in group for doc in commit.docs])
        for name in {name for commit in group for name in commit.parts}:
            parts = [table_dir(self.staging, name) / c.parts[name] for c in group if name in c.parts]
            table = pa.concat_tables([pq.read_table(p, schema=SCHEMAS[name]) for p in parts])
            merged.parts[name], merged.rows[name] = f"part-{merged.id}.parquet", table.num_rows
            write_part(table, table_dir(self.staging, name) / merged.parts[name])
            for path in parts:
                path.unlink()
        self.commits = [c for c in self.commits if all(c is not g for g in group)] + [merged]

    def leave(self) -> None:
        """Stop without swapping: the committed work stays for the next run, or goes if there is none."""
        self.journal.close()
        if self.committed:
            log.warning("interrupted: the rows of %d files are kept in %s; run the same command again to "
                        "continue from there (the output folder is unchanged)", self.committed, self.staging.name)
        else:
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


def _attribute(name: str) -> str:
    """The ``FileResult`` attribute holding the rows of table ``name``."""
    return "tables" if name == "goal_tables" else name


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
