"""One input file through the fixed stages: read → parse → normalize.

A module-level function so that process pools (and Dask) can ship it to workers: it takes a
path and settings and returns a small typed result; nothing escapes it as an exception.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from extract.errors import DocumentLoadError
from extract.findings import CATALOGUE, Finding
from extract.parser import parse
from extract.parser.lexicon import lexicon
from extract.registry import reader_for
from extract.sniff import sniff
from normalize.document import NormalizedDocument, indicator_id, normalize_document, table_id
from normalize.quality import check_document
from normalize.records import GoalTableRecord, IndicatorRecord, UnitGoalRecord
from normalize.taxonomy import Taxonomy, default_taxonomy, load_taxonomy
from pipelines.records import DocumentRecord, FindingRecord
from pipelines.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    document: DocumentRecord
    tables: list[GoalTableRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    unit_goals: list[UnitGoalRecord] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@cache
def _taxonomy(path: Path | None) -> Taxonomy:
    return load_taxonomy(path) if path else default_taxonomy()


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = round(time.perf_counter() - start, 6)


def process_file(path: Path, source_path: str, settings: Settings) -> FileResult:
    """Extract one file; a bad file comes back with status ``failed`` and one-sentence error."""
    timings: dict[str, float] = {}
    data, file_format = b"", None
    try:
        with _timed(timings, "load"):
            data = _load(path, settings)
        digest = hashlib.sha256(data).hexdigest()
        doc_id = digest[:16]
        with _timed(timings, "read"):
            file_format = sniff(data)
            document = reader_for(file_format, settings.encoding)(data)
        taxonomy = _taxonomy(settings.taxonomy)
        with _timed(timings, "parse"):
            parsed = parse(document, taxonomy, lexicon(settings.lexicon))
            parsed.findings[:0] = [Finding.of("reader_note", note) for note in document.notes]
        with _timed(timings, "normalize"):
            normalized = normalize_document(parsed, doc_id, taxonomy)
        with _timed(timings, "check"):
            normalized.findings.extend(check_document(normalized))
    except DocumentLoadError as exc:
        return failed_result(path, source_path, data, file_format, str(exc), "unreadable_file", timings)
    except Exception as exc:  # our bug: keep the batch going, but say so loudly
        log.exception("internal error on %s", source_path)
        error = f"internal error ({type(exc).__name__}: {exc})"
        return failed_result(path, source_path, data, file_format, error, "internal_error", timings)
    if not normalized.tables:
        why = "the document holds no text or tables" if not document.blocks else \
            "no goal table (绩效目标表) was recognised in the document"
        normalized.findings.append(Finding.of("no_goal_tables", why))
    return _result(data, digest, source_path, file_format, document.encoding, normalized, timings)


def _load(path: Path, settings: Settings) -> bytes:
    try:
        size = path.stat().st_size
        if size > settings.max_file_bytes:
            raise DocumentLoadError(
                f"file too large ({size / 2**20:.0f} MB, limit {settings.max_file_mb:g} MB; raise it with --max-file-mb)"
            )
        return path.read_bytes()
    except OSError as exc:
        raise DocumentLoadError(f"cannot read the file: {exc.strerror or exc}") from None


REVIEW_SEVERITIES = frozenset({"warning", "error"})
EXTRACTION_STAGES = frozenset({"read", "parse", "normalize"})


def _status(normalized: NormalizedDocument) -> str:
    """``ok`` promises that reading guessed, repaired and lost nothing at warning level or
    above; ``partial`` says it did (docs/status.md). Quality findings are the submission's own
    problems, so they set ``needs_review`` but leave the status alone."""
    if not normalized.tables:
        return "no_goal_tables"
    if any(f.severity in REVIEW_SEVERITIES and CATALOGUE[f.code].stage in EXTRACTION_STAGES
           for f in normalized.findings):
        return "partial"
    return "ok"


def _mark_tables_for_review(normalized: NormalizedDocument) -> None:
    """A table needs review when a warning or error names it, or when a read-stage one names no
    table: a reader's doubt (lost data, a guessed encoding) covers every table of the file."""
    serious = [f for f in normalized.findings if f.severity in REVIEW_SEVERITIES]
    whole_file = any(f.table_index is None and CATALOGUE[f.code].stage == "read" for f in serious)
    flagged = {f.table_index for f in serious}
    for table in normalized.tables:
        table.needs_review = whole_file or table.table_index in flagged


def _result(
    data: bytes, digest: str, source_path: str, file_format: str, encoding: str | None,
    normalized: NormalizedDocument, timings: dict[str, float],
) -> FileResult:
    doc_id = digest[:16]
    _mark_tables_for_review(normalized)
    extracted = frozenset(i.indicator_id for i in normalized.indicators)
    findings = [finding_record(doc_id, f, extracted) for f in normalized.findings]
    document = DocumentRecord(
        doc_id=doc_id, source_path=source_path, file_format=file_format, status=_status(normalized), error=None,
        needs_review=any(f.severity in REVIEW_SEVERITIES for f in normalized.findings),
        n_goal_tables=len(normalized.tables), n_indicators=len(normalized.indicators),
        n_unit_goals=len(normalized.unit_goals), n_findings=len(findings), encoding=encoding,
        size_bytes=len(data), sha256=digest, duplicate_paths=[],
    )
    return FileResult(document, normalized.tables, normalized.indicators, normalized.unit_goals, findings, timings)


def finding_record(doc_id: str, f: Finding, extracted: frozenset[str] = frozenset()) -> FindingRecord:
    """The output row of a finding: positions become ids (a row that never became an indicator
    keeps only its row_index), the stage comes from the catalogue."""
    t_id = table_id(doc_id, f.table_index) if f.table_index is not None else None
    i_id = None
    if t_id is not None and f.row_index is not None:
        candidate = indicator_id(doc_id, f.table_index, f.row_index)
        i_id = candidate if candidate in extracted else None
    return FindingRecord(doc_id, t_id, i_id, f.row_index, f.code, f.severity, CATALOGUE[f.code].stage, f.message, f.raw)


def failed_result(
    path: Path, source_path: str, data: bytes, file_format: str | None, error: str, code: str,
    timings: dict[str, float],
) -> FileResult:
    digest = hashlib.sha256(data).hexdigest()
    doc_id = digest[:16] if data else hashlib.sha256(source_path.encode()).hexdigest()[:16]
    document = DocumentRecord(
        doc_id=doc_id, source_path=source_path, file_format=file_format, status="failed", error=error, needs_review=True,
        n_goal_tables=0, n_indicators=0, n_unit_goals=0, n_findings=1, encoding=None,
        size_bytes=len(data) or _size(path), sha256=digest, duplicate_paths=[],
    )
    finding = finding_record(doc_id, Finding.of(code, f"{source_path}: {error}"))
    return FileResult(document, findings=[finding], timings=timings)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
