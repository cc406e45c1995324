"""Batch runs: find the input files, process them (in parallel if asked), write the output.

Results are consumed in input order, so the output is the same whatever the number of jobs.
A worker that dies (a crash inside a reading library, out of memory) fails only its own file.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from extract.findings import Finding
from pipelines import __version__
from pipelines.output import OutputWriter, check_inputs_outside
from pipelines.process import FileResult, failed_result, finding_record, process_file
from pipelines.records import DocumentRecord
from pipelines.settings import Settings

log = logging.getLogger(__name__)
STATUSES = ("ok", "partial", "no_goal_tables", "failed")
COVERED = ("level1", "level2", "indicator_kind")  # indicator columns whose fill rate the summary reports
Item = tuple[Path, str]  # (file, source_path)


@dataclass
class RunSummary:
    out_dir: Path
    files: int = 0
    duplicates: int = 0
    needs_review: int = 0  # documents with a warning or error finding (docs/status.md)
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    counts: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("error", "warning", "info"), 0))
    coverage: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("indicators", *COVERED), 0))
    seconds: float = 0.0


def discover(paths: Iterable[Path], skip: Path | None = None) -> list[Item]:
    """Input files with their paths relative to the root given (folders are searched
    recursively; hidden files and the folder ``skip``, our own output, are left out)."""
    roots = list(paths)
    skipped = skip.resolve() if skip is not None else None
    items: list[Item] = []
    for root in roots:
        if root.is_file():
            items.append((root, root.name))
        elif root.is_dir():
            prefix = f"{root.name}/" if len(roots) > 1 else ""
            for path in sorted(root.rglob("*")):
                rel = path.relative_to(root)
                if path.is_file() and not any(part.startswith(".") for part in rel.parts) \
                        and not (skipped and path.resolve().is_relative_to(skipped)):
                    items.append((path, prefix + rel.as_posix()))
        else:
            raise FileNotFoundError(f"input {root} does not exist")
    return items


def run(paths: list[Path], out_dir: Path, settings: Settings) -> RunSummary:
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    check_inputs_outside(paths, out_dir)
    items = discover(paths, skip=out_dir)
    summary = RunSummary(out_dir=out_dir, files=len(items))
    writer = OutputWriter(out_dir)
    try:
        documents, entries = _consume(_results(items, settings), writer, summary)
        writer.add("documents", documents)
        summary.counts = dict(writer.counts)
        summary.seconds = time.perf_counter() - clock
        writer.commit(_manifest(paths, settings, started, summary, entries))
    except BaseException:
        writer.abort()
        raise
    return summary


def _consume(results: Iterator[FileResult], writer: OutputWriter, summary: RunSummary) -> tuple[list[DocumentRecord], list[dict]]:
    by_sha: dict[str, DocumentRecord] = {}
    documents: list[DocumentRecord] = []
    entries: list[dict[str, Any]] = []
    progress = _Progress(summary.files)
    for result in results:
        doc = result.document
        entry = {"path": doc.source_path, "doc_id": doc.doc_id, "status": doc.status, "error": doc.error,
                 "file_format": doc.file_format, "timings": result.timings}
        if doc.size_bytes and (first := by_sha.get(doc.sha256)):
            first.duplicate_paths.append(doc.source_path)
            first.n_findings += 1
            entry.update(status="duplicate", duplicate_of=first.source_path, doc_id=first.doc_id)
            same = Finding.of("duplicate_file", f"{doc.source_path} has the same bytes as {first.source_path}")
            writer.add("findings", [finding_record(first.doc_id, same)])
            summary.duplicates += 1
            summary.findings_by_severity["info"] += 1
        else:
            by_sha[doc.sha256] = doc
            documents.append(doc)
            summary.by_status[doc.status] += 1
            summary.needs_review += doc.needs_review
            for name in ("tables", "indicators", "unit_goals", "findings"):
                writer.add("goal_tables" if name == "tables" else name, getattr(result, name))
            for f in result.findings:
                summary.findings_by_severity[f.severity] += 1
            summary.coverage["indicators"] += len(result.indicators)
            for name in COVERED:
                summary.coverage[name] += sum(getattr(i, name) is not None for i in result.indicators)
        entries.append(entry)
        progress.tick(doc.status)
    return documents, entries


def _results(items: list[Item], settings: Settings) -> Iterator[FileResult]:
    if settings.jobs == 1:
        for path, source in items:
            yield process_file(path, source, settings)
        return
    yield from _parallel(items, settings)


def _parallel(items: list[Item], settings: Settings) -> Iterator[FileResult]:
    """Ordered results from a process pool, with a bounded number of files in flight."""
    window = settings.jobs * 4
    todo = deque(items)
    pool = ProcessPoolExecutor(settings.jobs)
    pending: deque[tuple[Item, Future[FileResult]]] = deque()
    try:
        while todo or pending:
            while todo and len(pending) < window:
                item = todo.popleft()
                pending.append((item, pool.submit(process_file, *item, settings)))
            item, future = pending.popleft()
            try:
                yield future.result()
            except BrokenProcessPool:
                pool.shutdown(cancel_futures=True)
                yield _retry_alone(item, settings)
                todo.extendleft(reversed([it for it, _ in pending]))
                pending.clear()
                pool = ProcessPoolExecutor(settings.jobs)
    finally:
        pool.shutdown(cancel_futures=True)


def _retry_alone(item: Item, settings: Settings) -> FileResult:
    """Run the file of a broken pool alone to learn whether it was the one that killed it."""
    with ProcessPoolExecutor(1) as single:
        try:
            return single.submit(process_file, *item, settings).result()
        except BrokenProcessPool:
            error = "the worker process died reading this file (a crash in a reading library or out of memory)"
            return failed_result(item[0], item[1], b"", None, error, "internal_error", {})


class _Progress:
    """Logs a progress line at most every few seconds, so long runs show life without noise."""

    def __init__(self, total: int, every: float = 3.0) -> None:
        self.total, self.every, self.done, self.failed = total, every, 0, 0
        self.start = self.last = time.perf_counter()

    def tick(self, status: str) -> None:
        self.done += 1
        self.failed += status == "failed"
        now = time.perf_counter()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            log.info("%d/%d files (%.0f%%), %.1f files/s, %d failed",
                     self.done, self.total, 100 * self.done / max(self.total, 1), rate, self.failed)


def _manifest(paths: list[Path], settings: Settings, started: datetime, summary: RunSummary,
              entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "tool": "goaltables",
        "version": __version__,
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(summary.seconds, 3),
        "inputs": [str(p) for p in paths],
        "settings": {"jobs": settings.jobs, "max_file_mb": settings.max_file_mb,
                     "taxonomy": str(settings.taxonomy) if settings.taxonomy else None,
                     "encoding": settings.encoding},
        "counts": summary.counts,
        "status_counts": summary.by_status | {"duplicate": summary.duplicates},
        "needs_review": summary.needs_review,
        "coverage": summary.coverage,
        "files": entries,
    }
