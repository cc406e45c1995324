"""Batch runs: find the input files, read what changed in contained workers, write the output.

Before any file is read, every input is hashed and compared with what earlier runs committed
(``pipelines.incremental``): unchanged files keep their rows, copies are listed under their first
copy, and only the rest is handed to the engine. Results are taken as files finish (no worker
waits for a slow file ahead of it) and committed every ``--commit-every`` files (``pipelines.output``), so a run that is stopped, even by
``kill -9``, loses at most that many files of work, and the next run ends with exactly the rows
an uninterrupted run would have written. Configuration, the output folder and the run lock are
checked before any file is read (``pipelines.preflight``).
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from goaltables.extract.findings import Finding
from goaltables.extract.limits import applied
from goaltables.pipelines import __version__
from goaltables.pipelines.discover import Discovery, Filters, Input, Skipped, check_inputs_exist, display
from goaltables.pipelines.discover import discover as find_inputs
from goaltables.pipelines.engines import check_engine
from goaltables.pipelines.engines import completed
from goaltables.pipelines.incremental import Plan, Planned, Previous, plan_run
from goaltables.pipelines.output import OutputWriter, check_inputs_outside, check_output_dir, staging_folders
from goaltables.pipelines.preflight import OutputLock, check_configuration
from goaltables.pipelines.process import FileResult, finding_record
from goaltables.pipelines.progress import Progress
from goaltables.pipelines.records import DocumentRecord, FindingRecord
from goaltables.pipelines.schema import to_table
from goaltables.pipelines.settings import Settings
from goaltables.pipelines.state import COVERED, DocState, document_key, fingerprint, stats_of

log = logging.getLogger(__name__)
STATUSES = ("ok", "partial", "no_goal_tables", "failed")
COMMIT_ROWS = 50_000  # commit sooner when the files read so far hold this many rows (memory stays flat)
COMMIT_SECONDS = 60.0  # … or when this long has passed since the last commit (little work lost to a crash)


@dataclass
class RunSummary:
    out_dir: Path
    files: int = 0
    read: int = 0  # files read by this run; the others were unchanged or copies
    reused: int = 0  # files whose rows an earlier run committed and that are unchanged
    duplicates: int = 0
    needs_review: int = 0  # documents with a warning or error finding (docs/status.md)
    skipped: list[Skipped] = field(default_factory=list)
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    counts: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("error", "warning", "info"), 0))
    coverage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("indicators", *COVERED), 0))
    table_keys: set[str] = field(default_factory=set)  # distinct tables: copies in other files count once
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source_path, error), in input order

    def count(self, state: DocState) -> None:
        """Add one document (read now or kept) to the figures."""
        doc, stats = state.document, state.stats
        self.by_status[doc["status"]] += 1
        self.needs_review += doc["needs_review"]
        if doc["status"] == "failed":
            self.failed.append((doc["source_path"], doc["error"] or ""))
        for severity, n in stats["severity"].items():
            self.findings_by_severity[severity] += n
        self.table_keys.update(stats["table_keys"])
        self.coverage["indicators"] += stats["indicators"]
        for name in COVERED:
            self.coverage[name] += stats["coverage"][name]

    @property
    def distinct_tables(self) -> int:
        return len(self.table_keys)


def discover(paths: Iterable[Path], skip: Path | None = None, settings: Settings = Settings()) -> list[Input]:
    """Input files and archive members (see ``pipelines.discover`` for what is skipped)."""
    return _find(paths, skip, settings).inputs


def _find(paths: Iterable[Path], skip: Path | None, settings: Settings) -> Discovery:
    """Discovery under the run's limits: zips inside zips are opened while listing."""
    with applied(settings.read_limits):
        return find_inputs(paths, skip, Filters(settings.include, settings.exclude), settings.max_file_bytes)


def run(paths: list[Path], out_dir: Path, settings: Settings) -> RunSummary:
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    check_inputs_exist(paths)
    check_inputs_outside(paths, out_dir)
    check_output_dir(out_dir)
    check_configuration(settings)
    check_engine(settings)
    with OutputLock(out_dir):
        found = _find(paths, out_dir, settings)
        summary = RunSummary(out_dir=out_dir, files=len(found.inputs), skipped=found.skipped)
        pipeline, leftovers = fingerprint(settings), staging_folders(out_dir.resolve())
        previous = Previous() if settings.full else Previous.load([out_dir.resolve(), *leftovers], pipeline)
        plan = plan_run(found.inputs, previous, settings)
        writer = OutputWriter(out_dir, pipeline)
        try:
            for origin, commit, docs in plan.kept:
                writer.keep(origin, commit, docs)
            states = _read(plan, writer, settings, summary)
            documents, findings, entries = _assemble(plan, states, summary)
            summary.seconds = time.perf_counter() - clock
            writer.finish(documents, findings, _manifest(paths, settings, started, summary, entries))
        except BaseException:
            writer.leave()
            raise
        summary.counts = dict(writer.counts)
        for folder in leftovers:  # their commits are in the new output now, or were not wanted
            shutil.rmtree(folder, ignore_errors=True)
    return summary


def _read(plan: Plan, writer: OutputWriter, settings: Settings, summary: RunSummary) -> dict[int, DocState]:
    """Read the files the plan names, committing every ``commit_every`` files; the state of
    each by its position in ``plan.order``. Ctrl-C commits what was read before it stops."""
    work = plan.work
    summary.read, summary.reused = len(work), sum(p.reused is not None for p in plan.order)
    if summary.reused:
        log.info("%d of %d files are unchanged since the last run; reading %d", summary.reused, summary.files,
                 summary.read)
    states: dict[int, DocState] = {}
    pending: list[tuple[FileResult, DocState]] = []
    rows, last = 0, time.monotonic()
    results = completed([p.item for _, p in work], settings, _prepare_arrow)
    try:
        with Progress(len(work)) as progress:
            for index, result in results:
                position, planned = work[index]
                states[position] = state = _state(planned, result)
                pending.append((result, state))
                rows += len(result.indicators) + len(result.findings)
                progress.tick(result.document.status)
                if len(pending) >= settings.commit_every or rows >= COMMIT_ROWS or time.monotonic() - last >= COMMIT_SECONDS:
                    writer.write(pending)
                    pending, rows, last = [], 0, time.monotonic()
        if pending:
            writer.write(pending)
    except KeyboardInterrupt:
        if pending:
            writer.write(pending)
        raise
    finally:
        results.close()  # stops the workers now, not when the traceback is freed
    return states


def _prepare_arrow() -> None:
    """Convert nothing to Arrow once: pyarrow imports pandas on its first conversion (0.3 s),
    which then overlaps with the workers reading the first files instead of following them."""
    to_table("documents", [])


def _state(planned: Planned, result: FileResult) -> DocState:
    """What the journal keeps of a file just read (its raw name noted first)."""
    if planned.item.raw_path is not None:
        _note_raw_name(result, planned.item)
    doc = result.document
    entry: dict[str, Any] = {"path": doc.source_path, "doc_id": doc.doc_id, "status": doc.status, "error": doc.error,
                             "file_format": doc.file_format, "timings": result.timings}
    if result.library_output:
        entry["library_output"] = result.library_output
        log.debug("%s: library output: %s", doc.source_path, result.library_output)
    key = document_key(planned.sha256, planned.item.source_path, planned.item.raw_path)
    stats = stats_of(result.tables, result.indicators, result.findings)
    return DocState.of(key, doc, entry, stats, planned.sha256, planned.container)


def _note_raw_name(result: FileResult, item: Input) -> None:
    doc = result.document
    doc.source_path_raw = item.raw_path
    note = Finding.of("non_utf8_name", f"the file name is not UTF-8; shown as {item.source_path}",
                      raw=item.raw_path.hex() if item.raw_path else None)
    result.findings.append(finding_record(doc.doc_id, note))
    doc.n_findings += 1


def _assemble(plan: Plan, states: dict[int, DocState], summary: RunSummary
              ) -> tuple[list[DocumentRecord], list[FindingRecord], list[dict[str, Any]]]:
    """The documents rows, the duplicate findings and the manifest entries, in input order."""
    records: dict[int, DocumentRecord] = {}
    findings: list[FindingRecord] = []
    entries: list[dict[str, Any]] = []
    for position, planned in enumerate(plan.order):
        path = planned.item.source_path
        if planned.duplicate_of is not None:
            first = records[planned.duplicate_of]
            first.duplicate_paths.append(path)
            first.n_findings += 1
            same = Finding.of("duplicate_file", f"{path} has the same bytes as {first.source_path}")
            findings.append(finding_record(first.doc_id, same))
            entries.append({"path": path, "doc_id": first.doc_id, "status": "duplicate",
                            "duplicate_of": first.source_path})
            summary.duplicates += 1
            summary.findings_by_severity["info"] += 1
            continue
        state = planned.reused or states[position]
        records[position] = state.record()
        entries.append(state.entry | {"reused": True} if planned.reused else state.entry)
        summary.count(state)
    return list(records.values()), findings, entries


def _manifest(paths: list[Path], settings: Settings, started: datetime, summary: RunSummary,
              entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tool": "goaltables",
        "version": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(summary.seconds, 3),
        "inputs": [display(os.fsencode(p))[0] for p in paths],  # valid UTF-8 even for GBK folder names
        "read": summary.read,
        "reused": summary.reused,
        "settings": {"jobs": settings.jobs, "full": settings.full, "retry_failed": settings.retry_failed, "engine": settings.engine, "max_file_mb": settings.max_file_mb,
                     "taxonomy": str(settings.taxonomy) if settings.taxonomy else None,
                     "timeout_s": settings.timeout_s, "max_memory_mb": settings.max_memory_mb,
                     "max_unzipped_mb": settings.max_unzipped_mb, "max_zip_ratio": settings.max_zip_ratio,
                     "max_table_cells": settings.max_table_cells, "encoding": settings.encoding,
                     "include": list(settings.include), "exclude": list(settings.exclude)},
        "distinct_goal_tables": summary.distinct_tables,
        "status_counts": summary.by_status | {"duplicate": summary.duplicates},
        "needs_review": summary.needs_review,
        "coverage": summary.coverage,
        "files": entries,
        "skipped": [{"path": s.source_path, "reason": s.reason} for s in summary.skipped],
    }
