"""One input file through the fixed stages: read → parse → normalize.

A module-level function so that process pools (and Dask) can ship it to workers: it takes a
path and settings and returns a small typed result; nothing escapes it as an exception.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from goaltables import extract, normalize, pipelines
from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.findings import CATALOGUE, Finding
from goaltables.extract.limits import LimitExceeded, applied
from goaltables.extract.parser import parse
from goaltables.extract.parser.lexicon import lexicon
from goaltables.extract.registry import reader_for
from goaltables.extract.sniff import sniff
from goaltables.normalize.document import NormalizedDocument, indicator_id, normalize_document, table_id
from goaltables.normalize.identity import assign_keys
from goaltables.normalize.quality import check_document
from goaltables.normalize.records import GoalTableRecord, IndicatorRecord, UnitGoalRecord
from goaltables.normalize.taxonomy import Taxonomy, default_taxonomy, load_taxonomy
from goaltables.pipelines.records import DocumentRecord, FindingRecord
from goaltables.pipelines.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    document: DocumentRecord
    tables: list[GoalTableRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    unit_goals: list[UnitGoalRecord] = field(default_factory=list)
    findings: list[FindingRecord] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    library_output: str | None = None  # what reading libraries printed meanwhile (pipelines.capture)


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


def process_file(path: Path, source_path: str, settings: Settings,
                 load: Callable[[], bytes] | None = None) -> FileResult:
    """Extract one file; a bad file comes back with status ``failed`` and one-sentence error.

    The readers' limits (zip sizes, table areas) apply inside; the time limit and memory cap
    need a process to enforce them and are the caller's (``pipelines.worker``). ``load`` reads
    the bytes when they are not simply those of ``path`` (a zip archive's member); it runs under
    the limits too and may raise ``DocumentLoadError`` or ``LimitExceeded``.
    """
    with applied(settings.read_limits):
        try:
            return _process(path, source_path, settings, load)
        except MemoryError:
            pass  # the traceback still holds the memory: build the row after leaving the handler
    return out_of_memory(path, source_path, settings)


def out_of_memory(path: Path, source_path: str, settings: Settings) -> FileResult:
    error = f"exceeded the {settings.memory_text()} memory limit (raise it with --max-memory-mb)"
    return failed_result(path, source_path, None, None, error, "limit_exceeded", {})


def _process(path: Path, source_path: str, settings: Settings, load: Callable[[], bytes] | None) -> FileResult:
    timings: dict[str, float] = {}
    data: bytes | None = None
    file_format = None
    try:
        with _timed(timings, "load"):
            data = load() if load is not None else _load(path, settings)
        digest = hashlib.sha256(data).hexdigest()
        doc_id = digest[:16]
        with _timed(timings, "read"), library_errors_are_the_files():
            file_format = sniff(data)
            document = reader_for(file_format, settings.encoding)(data)
        taxonomy = _taxonomy(settings.taxonomy)
        with _timed(timings, "parse"):
            parsed = parse(document, taxonomy, lexicon(settings.lexicon))
            parsed.findings[:0] = [Finding.of("reader_note", note) for note in document.notes]
        with _timed(timings, "normalize"):
            normalized = normalize_document(parsed, doc_id, taxonomy, lexicon(settings.lexicon))
            assign_keys(normalized.tables, normalized.indicators)
        with _timed(timings, "check"):
            normalized.findings.extend(check_document(normalized))
    except LimitExceeded as exc:
        return failed_result(path, source_path, data, file_format, str(exc), "limit_exceeded", timings)
    except DocumentLoadError as exc:
        if _ran_out_of_memory(exc):
            raise MemoryError from None  # a reader took it for corruption ("corrupt PDF: Unable to allocate …")
        return failed_result(path, source_path, data, file_format, str(exc), "unreadable_file", timings)
    except MemoryError:
        raise  # handled by process_file, once the frames holding the memory are gone
    except RecursionError:
        error = "the document is nested too deeply to read (more levels than any real form has)"
        return failed_result(path, source_path, data, file_format, error, "unreadable_file", timings)
    except Exception as exc:  # our bug: keep the batch going, but say so loudly
        log.exception("internal error on %s", source_path)
        error = f"internal error ({type(exc).__name__}: {exc})"
        return failed_result(path, source_path, data, file_format, error, "internal_error", timings)
    if not normalized.tables:
        why = "the document holds no text or tables" if not document.blocks else \
            "no goal table (绩效目标表) was recognised in the document"
        normalized.findings.append(Finding.of("no_goal_tables", why))
    return _result(data, digest, source_path, file_format, document.encoding, normalized, timings)


@contextmanager
def library_errors_are_the_files() -> Iterator[None]:
    """While sniffing and reading, an exception raised inside a reading library (zlib, zipfile,
    pdfminer, openpyxl, xlrd, …) is the file's fault: it becomes a ``DocumentLoadError`` sentence.

    Readers map the failures they know; corrupt files find new ones (a byte-flip campaign
    found zlib errors, zip versions and malformed PDF boxes). An exception raised in our own
    code is still an internal error: that one is a bug to fix, not a bad file.
    """
    try:
        yield
    except (DocumentLoadError, MemoryError, RecursionError):
        raise
    except Exception as exc:
        if not _raised_in_library(exc):
            raise
        raise DocumentLoadError(f"corrupt or unreadable file: {_library_message(exc)}") from None


_OUR_CODE = tuple(str(Path(module.__file__).resolve().parent) + os.sep for module in (extract, normalize, pipelines))


def _ran_out_of_memory(exc: BaseException) -> bool:
    """Readers map "any library exception" to a corrupt-file sentence; one that stood for a
    MemoryError (the worker's cap) must say so instead, with the limit to raise."""
    seen = exc.__context__
    while seen is not None:
        if isinstance(seen, MemoryError):
            return True
        seen = seen.__context__
    return False


def _raised_in_library(exc: BaseException) -> bool:
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and not os.path.realpath(frames[-1].filename).startswith(_OUR_CODE)


def _library_message(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text[:120]}" if text else type(exc).__name__


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
    path: Path, source_path: str, data: bytes | None, file_format: str | None, error: str, code: str,
    timings: dict[str, float],
) -> FileResult:
    """The row of a file that failed; ``data`` is None when its bytes were never read.

    A file that failed before being read gets an identity from its path (and no SHA-256), so
    two unreadable files are never taken for byte-identical duplicates of each other.
    """
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    doc_id = digest[:16] if data else unread_id(source_path)
    document = DocumentRecord(
        doc_id=doc_id, source_path=source_path, file_format=file_format, status="failed", error=error, needs_review=True,
        n_goal_tables=0, n_indicators=0, n_unit_goals=0, n_findings=1, encoding=None,
        size_bytes=len(data) if data is not None else _size(path), sha256=digest, duplicate_paths=[],
    )
    finding = finding_record(doc_id, Finding.of(code, f"{source_path}: {error}"))
    return FileResult(document, findings=[finding], timings=timings)


def unread_id(source_path: str) -> str:
    """The id of a file whose bytes are unknown: from its path, marked so it cannot equal a content id."""
    return hashlib.sha256(b"unread\0" + source_path.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
