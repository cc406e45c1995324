"""Batch runs: find the input files, process them in contained workers, write the output.

Results are consumed in input order, so the output is the same whatever the number of jobs.
Every file runs in a worker process (``pipelines.worker``): one that dies, overruns the time
limit or exhausts its memory cap fails only its own file. Configuration, the output folder
and the run lock are checked before any file is read (``pipelines.preflight``).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from goaltables.extract.findings import Finding
from goaltables.pipelines import __version__
from goaltables.extract.limits import applied
from goaltables.pipelines.discover import Discovery, Filters, Input, Skipped, check_inputs_exist, display
from goaltables.pipelines.discover import discover as find_inputs
from goaltables.pipelines.output import OutputWriter, check_inputs_outside, check_output_dir
from goaltables.pipelines.preflight import OutputLock, check_configuration
from goaltables.pipelines.process import FileResult, finding_record
from goaltables.pipelines.progress import Progress
from goaltables.pipelines.records import DocumentRecord
from goaltables.pipelines.settings import Settings
from goaltables.pipelines.engines import check_engine
from goaltables.pipelines.engines import results as engine_results

log = logging.getLogger(__name__)
STATUSES = ("ok", "partial", "no_goal_tables", "failed")
COVERED = ("level1", "level2", "indicator_kind")  # indicator columns whose fill rate the summary reports


@dataclass
class RunSummary:
    out_dir: Path
    files: int = 0
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
        writer = OutputWriter(out_dir)
        results = engine_results(found.inputs, settings)
        try:
            documents, entries = _consume(_named(results, found), writer, summary)
            writer.add("documents", documents)
            summary.counts = dict(writer.counts)
            summary.seconds = time.perf_counter() - clock
            writer.commit(_manifest(paths, settings, started, summary, entries))
        except BaseException:
            writer.abort()
            raise
        finally:
            results.close()  # stops the workers now, not when the traceback is freed
    return summary


def _named(results: Iterator[FileResult], found: Discovery) -> Iterator[FileResult]:
    """Results with the raw bytes of names that are not UTF-8, and a finding saying so."""
    for item, result in zip(found.inputs, results):
        if item.raw_path is not None:
            _note_raw_name(result, item)
        yield result


def _note_raw_name(result: FileResult, item: Input) -> None:
    doc = result.document
    doc.source_path_raw = item.raw_path
    note = Finding.of("non_utf8_name", f"the file name is not UTF-8; shown as {item.source_path}",
                      raw=item.raw_path.hex() if item.raw_path else None)
    result.findings.append(finding_record(doc.doc_id, note))
    doc.n_findings += 1


def _consume(results: Iterator[FileResult], writer: OutputWriter, summary: RunSummary) -> tuple[list[DocumentRecord], list[dict]]:
    by_sha: dict[str, DocumentRecord] = {}
    documents: list[DocumentRecord] = []
    entries: list[dict[str, Any]] = []
    with Progress(summary.files) as progress:
        for result in results:
            _take(result, writer, summary, by_sha, documents, entries)
            progress.tick(result.document.status)
    return documents, entries


def _take(result: FileResult, writer: OutputWriter, summary: RunSummary, by_sha: dict[str, DocumentRecord],
          documents: list[DocumentRecord], entries: list[dict[str, Any]]) -> None:
    """Account for one file's result: its rows, or a duplicate's note; its manifest entry."""
    doc = result.document
    entry = {"path": doc.source_path, "doc_id": doc.doc_id, "status": doc.status, "error": doc.error,
             "file_format": doc.file_format, "timings": result.timings}
    if result.library_output:
        entry["library_output"] = result.library_output
        log.debug("%s: library output: %s", doc.source_path, result.library_output)
    if doc.sha256 and doc.size_bytes and (first := by_sha.get(doc.sha256)):
        first.duplicate_paths.append(doc.source_path)
        first.n_findings += 1
        entry.update(status="duplicate", duplicate_of=first.source_path, doc_id=first.doc_id)
        same = Finding.of("duplicate_file", f"{doc.source_path} has the same bytes as {first.source_path}")
        writer.add("findings", [finding_record(first.doc_id, same)])
        summary.duplicates += 1
        summary.findings_by_severity["info"] += 1
    else:
        if doc.sha256:  # a file never read has no content to be a duplicate of
            by_sha[doc.sha256] = doc
        documents.append(doc)
        summary.by_status[doc.status] += 1
        summary.needs_review += doc.needs_review
        if doc.status == "failed":
            summary.failed.append((doc.source_path, doc.error or ""))
        for name in ("tables", "indicators", "unit_goals", "findings"):
            writer.add("goal_tables" if name == "tables" else name, getattr(result, name))
        for f in result.findings:
            summary.findings_by_severity[f.severity] += 1
        summary.table_keys.update(t.table_key for t in result.tables)
        summary.coverage["indicators"] += len(result.indicators)
        for name in COVERED:
            summary.coverage[name] += sum(getattr(i, name) is not None for i in result.indicators)
    entries.append(entry)


def _manifest(paths: list[Path], settings: Settings, started: datetime, summary: RunSummary,
              entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tool": "goaltables",
        "version": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(summary.seconds, 3),
        "inputs": [display(os.fsencode(p))[0] for p in paths],  # valid UTF-8 even for GBK folder names
        "settings": {"jobs": settings.jobs, "engine": settings.engine, "max_file_mb": settings.max_file_mb,
                     "taxonomy": str(settings.taxonomy) if settings.taxonomy else None,
                     "timeout_s": settings.timeout_s, "max_memory_mb": settings.max_memory_mb,
                     "max_unzipped_mb": settings.max_unzipped_mb, "max_zip_ratio": settings.max_zip_ratio,
                     "max_table_cells": settings.max_table_cells, "encoding": settings.encoding,
                     "include": list(settings.include), "exclude": list(settings.exclude)},
        "counts": summary.counts,
        "distinct_goal_tables": summary.distinct_tables,
        "status_counts": summary.by_status | {"duplicate": summary.duplicates},
        "needs_review": summary.needs_review,
        "coverage": summary.coverage,
        "files": entries,
        "skipped": [{"path": s.source_path, "reason": s.reason} for s in summary.skipped],
    }
