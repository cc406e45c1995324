"""What a run remembers, so that the next run over the same archive reads only what changed.

A run writes its rows in commits: a batch of finished files becomes one part file per table,
and then one line of ``_journal.jsonl`` naming those parts and, per document, what the
documents table, the manifest and the summary need without reading the parts again. A line
is appended only after its parts are complete on disk, so the journal never names a
half-written part; a line cut short by a crash is ignored, and so are the parts it would have
named. The journal of a finished run lies in the output folder; that of an interrupted run in
its staging folder beside it, which the next run resumes.

A document's rows are reused when its ``DocState.key`` is unchanged: the SHA-256 of its
bytes as the run hashed them before reading, and its name as text and as bytes (a failed row
quotes the name; a non-UTF-8 name adds a finding), and when the commit was made by the same
pipeline (``fingerprint``: this code, the versions of the libraries it depends on, the taxonomy
and lexicon files, and the settings that change what is read).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

from goaltables.pipelines import __version__
from goaltables.pipelines.records import DocumentRecord
from goaltables.pipelines.settings import Settings

log = logging.getLogger(__name__)
JOURNAL = "_journal.jsonl"
COVERED = ("level1", "level2", "indicator_kind")  # indicator columns whose fill rate the summary reports
# settings that change what a file yields; --jobs, the engine and --include/--exclude do not, and
# neither do --timeout and --max-memory-mb (a file they stopped is re-read with --retry-failed)
_OUTPUT_SETTINGS = ("max_file_mb", "max_unzipped_mb", "max_zip_ratio", "max_table_cells", "encoding")
_PACKAGES = ("extract", "normalize", "pipelines")


def document_key(sha256: str | None, source_path: str, raw_path: bytes | None) -> str | None:
    """Same bytes under the same name: the identity under which a document's rows are reused;
    None for a file that could not be hashed (nothing proves it unchanged)."""
    if sha256 is None:
        return None
    return json.dumps([sha256, source_path, raw_path.hex() if raw_path is not None else None], ensure_ascii=False)


@dataclass(slots=True)
class DocState:
    """One document of a commit: its documents row, its manifest entry and its counts."""

    key: str | None  # ``document_key`` of the input as hashed before it was read
    document: dict[str, Any]  # DocumentRecord fields; source_path_raw as hex; duplicate_paths empty
    entry: dict[str, Any]  # the manifest's entry for the file
    stats: dict[str, Any]  # findings per severity, table keys, indicators and their coverage
    sha256: str | None = None  # the input's SHA-256 as hashed before it was read (a zip member's too)
    container: str | None = None  # SHA-256 of the zip archive a member came from

    @property
    def failed(self) -> bool:
        return self.document["status"] == "failed"

    def record(self) -> DocumentRecord:
        values = dict(self.document)
        raw = values.get("source_path_raw")
        values["source_path_raw"] = bytes.fromhex(raw) if raw is not None else None
        values["duplicate_paths"] = []
        return DocumentRecord(**values)

    @classmethod
    def of(cls, key: str | None, document: DocumentRecord, entry: dict[str, Any], stats: dict[str, Any],
           sha256: str | None = None, container: str | None = None) -> DocState:
        values = {f.name: getattr(document, f.name) for f in fields(DocumentRecord)}
        raw = values["source_path_raw"]
        values["source_path_raw"] = raw.hex() if raw is not None else None
        values["duplicate_paths"] = []
        return cls(key, values, entry, stats, sha256, container)


def stats_of(tables: list[Any], indicators: list[Any], findings: list[Any]) -> dict[str, Any]:
    """What the run's summary counts of one document, kept so a reused document counts too."""
    return {
        "severity": dict(Counter(f.severity for f in findings)),
        "table_keys": sorted({t.table_key for t in tables}),
        "indicators": len(indicators),
        "coverage": {name: sum(getattr(i, name) is not None for i in indicators) for name in COVERED},
    }


@dataclass
class Commit:
    """One journal line: the part file of each table that has rows, and the documents in them."""

    id: str
    fingerprint: str
    parts: dict[str, str]  # table name -> part file name in that table's folder
    rows: dict[str, int]  # table name -> rows in the part
    docs: list[DocState] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "fingerprint": self.fingerprint, "parts": self.parts, "rows": self.rows,
                           "docs": [asdict(d) for d in self.docs]}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> Commit:
        data = json.loads(line)
        return cls(data["id"], data["fingerprint"], data["parts"], data["rows"],
                   [DocState(**d) for d in data["docs"]])


def read_journal(folder: Path) -> list[Commit]:
    """The complete commits of ``folder``: lines that parse and whose parts all exist."""
    path = folder / JOURNAL
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return []
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s (%s); its files will be read again", path, exc)
        return []
    commits = []
    for line in text.split("\n"):  # not splitlines(): names may hold U+2028 and friends
        try:
            commit = Commit.from_json(line)
        except (ValueError, KeyError, TypeError):
            continue  # the last line of a run killed while writing it
        if all((folder / name / part).is_file() for name, part in commit.parts.items()):
            commits.append(commit)
    return commits


class Journal:
    """The journal being written: each line flushed and fsync'ed before the next commit."""

    def __init__(self, folder: Path) -> None:
        self.file = open(folder / JOURNAL, "a", encoding="utf-8")

    def append(self, commit: Commit) -> None:
        self.file.write(commit.to_json() + "\n")
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        self.file.close()


def write_journal(folder: Path, commits: list[Commit]) -> None:
    """Replace the journal of ``folder`` with these commits, in one rename (after merging)."""
    hidden = folder / f".{JOURNAL}"
    with open(hidden, "w", encoding="utf-8") as handle:
        handle.writelines(commit.to_json() + "\n" for commit in commits)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(hidden, folder / JOURNAL)


def fingerprint(settings: Settings) -> str:
    """The pipeline as far as it decides rows: code, libraries, data files, output-changing settings."""
    digest = hashlib.sha256(f"{__version__}\0{_code_hash()}\0{_library_versions()}".encode())
    for name in _OUTPUT_SETTINGS:
        digest.update(f"\0{name}={getattr(settings, name)!r}".encode())
    for extra in (settings.taxonomy, settings.lexicon):
        digest.update(b"\0" + (Path(extra).read_bytes() if extra else b"-"))
    return digest.hexdigest()[:32]


@cache
def _library_versions() -> str:
    """The installed version of every library goaltables requires: a new pdfminer may read a
    table differently, so an upgrade reads everything again. (LibreOffice, for .doc, is not
    covered: run with --full after upgrading it.)"""
    from importlib import metadata

    try:
        required = metadata.requires("goaltables") or []
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "not installed"
    names = sorted({re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0].lower() for r in required if "extra ==" not in r})
    versions = []
    for name in names:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    return ",".join(versions)


@cache
def _code_hash() -> str:
    """SHA-256 of every .py and .yaml file of the installed packages: any change re-reads all."""
    import goaltables.extract
    import goaltables.normalize
    import goaltables.pipelines

    digest = hashlib.sha256()
    for package, module in zip(_PACKAGES, (goaltables.extract, goaltables.normalize, goaltables.pipelines)):
        root = Path(module.__file__).parent
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts):
            digest.update(f"{package}/{path.relative_to(root).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
