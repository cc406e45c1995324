"""Output records the pipeline itself produces: one per input file and one per finding."""

from __future__ import annotations

from dataclasses import dataclass

from goaltables.normalize.records import col


@dataclass(slots=True)
class DocumentRecord:
    doc_id: str = col("Stable id: the first 16 hex digits of the file's SHA-256 (same bytes, same id); "
                      "for a file that failed before being read, a hash of its source_path instead.")
    source_path: str = col("Path relative to the input root given on the command line.")
    file_format: str | None = col("docx, doc, pdf, txt, xlsx, xls, html, … detected from the content; null when unrecognised.", code=True)
    status: str = col("ok (read faithfully: no read/parse/normalize finding of warning level or above), partial (something was lost, guessed or repaired while reading), no_goal_tables, or failed; see docs/status.md.", code=True)
    needs_review: bool = col("True when any warning- or error-severity finding (of any stage, the submission's own quality problems included) touches the document; see docs/status.md.")
    error: str | None = col("One sentence saying why the file failed; null unless status is failed.")
    n_goal_tables: int = col("Goal tables found.")
    n_indicators: int = col("Indicator rows found.")
    n_unit_goals: int = col("Narrative unit goals found.")
    n_findings: int = col("Findings recorded for the file.")
    encoding: str | None = col("Detected text encoding for text formats (utf-8, gb18030, utf-16-le, …).", code=True)
    size_bytes: int = col("File size.")
    sha256: str | None = col("Full SHA-256 of the file's bytes; null when the file failed before its bytes were read.")
    duplicate_paths: list[str] = col("Other input paths with byte-identical content (extracted once, under this row).")
    source_path_raw: bytes | None = col(
        "The exact bytes of source_path when the file name is not UTF-8 (source_path then shows it decoded "
        "as GBK, or with \\xNN escapes); null for UTF-8 names.", default=None)


@dataclass(slots=True)
class FindingRecord:
    doc_id: str = col("The document the finding is about.")
    table_id: str | None = col("The goal table, when the finding concerns one.")
    indicator_id: str | None = col("The indicator row, when the finding concerns one that was extracted.")
    row_index: int | None = col("0-based row within the table, as indicators.row_index (the row the indicator has, or would have had).")
    code: str = col("Stable code; see docs/findings.md.", code=True)
    severity: str = col("error, warning or info.", code=True)
    stage: str = col("Where it was found: read, parse, normalize or quality (only read/parse errors make a document partial).", code=True)
    message: str = col("One sentence a reviewer understands.")
    raw: str | None = col("The raw cells involved, `a | b | c`, when any.")
