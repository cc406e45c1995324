"""Decide, before any file is read, which files a run reads and whose rows it keeps.

Every input is hashed first (SHA-256, in threads; a zip member through its archive: an
archive whose bytes are unchanged keeps the hashes of its members, a changed one is inflated
member by member under the usual limits). Then, in input order:

* a file with the same bytes as an earlier input is a duplicate: it is not read, and it is
  listed under the first copy (``documents.duplicate_paths``);
* a file whose key (bytes and name, ``pipelines.state``) was committed by an earlier run of
  the same pipeline keeps those rows;
* everything else is read: new and changed files, files never hashed (too large, unreadable),
  and with ``--retry-failed`` every file that failed before.

The rows of files that are gone or changed are simply not kept. ``--full`` ignores what
earlier runs committed.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from goaltables.extract.errors import GoalTablesError
from goaltables.extract.limits import applied
from goaltables.pipelines import archives
from goaltables.pipelines.discover import Input
from goaltables.pipelines.settings import Settings
from goaltables.pipelines.state import Commit, DocState, document_key, read_journal

log = logging.getLogger(__name__)
EMPTY_SHA = hashlib.sha256(b"").hexdigest()  # 0-byte files share it without being copies of each other
HASH_THREADS = 8


@dataclass
class Previous:
    """What earlier runs of this pipeline committed: per key, the commit holding its rows."""

    chosen: dict[str, tuple[Path, Commit, DocState]] = field(default_factory=dict)
    by_path: dict[str, DocState] = field(default_factory=dict)

    @classmethod
    def load(cls, folders: Sequence[Path], fingerprint: str) -> Previous:
        """Commits of ``folders`` (the output folder, then interrupted runs' staging folders,
        oldest first): a later commit of the same key wins, its rows being the same."""
        found = cls()
        for folder in folders:
            for commit in read_journal(folder):
                if commit.fingerprint != fingerprint:
                    continue
                for doc in commit.docs:
                    found.by_path[doc.document["source_path"]] = doc
                    if doc.key is not None:
                        found.chosen[doc.key] = (folder, commit, doc)
        return found


@dataclass
class Planned:
    """One input and what the run does with it."""

    item: Input
    sha256: str | None  # None: never hashed (too large, unreadable, a broken archive)
    size: int | None = None  # bytes, to read the largest files first
    container: str | None = None  # SHA-256 of the archive a member belongs to
    reused: DocState | None = None
    duplicate_of: int | None = None  # position of the first copy in ``Plan.order``


@dataclass
class Plan:
    order: list[Planned]
    kept: list[tuple[Path, Commit, list[DocState]]]  # per earlier commit, the documents it still serves

    @property
    def work(self) -> list[tuple[int, Planned]]:
        """The inputs to read, with their positions in ``order``: largest first, since a big
        file started last would keep one worker busy alone at the end."""
        todo = [(i, p) for i, p in enumerate(self.order) if p.reused is None and p.duplicate_of is None]
        return sorted(todo, key=lambda w: -(w[1].size or 0))


def plan_run(items: list[Input], previous: Previous, settings: Settings) -> Plan:
    """Hash every input and decide what to read, keep and list as a duplicate."""
    order = hashed(items, previous, settings)
    first: dict[str, int] = {}
    kept: dict[tuple[Path, str], tuple[Path, Commit, list[DocState]]] = {}
    for position, planned in enumerate(order):
        sha = planned.sha256
        if sha is None:
            continue
        if sha != EMPTY_SHA:
            if sha in first:
                planned.duplicate_of = first[sha]
                continue
            first[sha] = position
        found = previous.chosen.get(document_key(sha, planned.item.source_path, planned.item.raw_path))
        if found is None or (settings.retry_failed and found[2].failed):
            continue
        folder, commit, doc = found
        doc.container = planned.container  # its archive may have changed around it: remember the new one
        planned.reused = doc
        kept.setdefault((folder, commit.id), (folder, commit, []))[2].append(doc)
    return Plan(order, list(kept.values()))


def hashed(items: list[Input], previous: Previous, settings: Settings) -> list[Planned]:
    """Every input with the SHA-256 of its bytes (members: see the module docstring)."""
    on_disk = sorted({item.path for item in items if item.error is None}, key=str)
    containers = {item.path for item in items if item.member}  # an archive is hashed whatever its size
    limit = settings.max_file_bytes
    with ThreadPoolExecutor(HASH_THREADS) as pool:
        digests = dict(zip(on_disk, pool.map(lambda p: file_sha(p, None if p in containers else limit), on_disk)))
    order = []
    with applied(settings.read_limits):
        for item in items:
            disk, size = digests.get(item.path, (None, None)) if item.error is None else (None, None)
            if not item.member:
                order.append(Planned(item, disk, size))
            else:
                order.append(Planned(item, _member_sha(item, disk, previous, limit), item.size, disk))
    return order


def file_sha(path: Path, limit: int | None) -> tuple[str | None, int | None]:
    """SHA-256 and size of a file; no hash when it is larger than ``limit`` or cannot be read
    (the worker then fails it with the reason)."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, 2)
            if limit is not None and size > limit:
                return None, size
            handle.seek(0)
            return hashlib.file_digest(handle, "sha256").hexdigest(), size
    except OSError:
        return None, None


def _member_sha(item: Input, archive_sha: str | None, previous: Previous, limit: int) -> str | None:
    """A member's hash: remembered while its archive is unchanged, else from its bytes."""
    if archive_sha is None:
        return None
    before = previous.by_path.get(item.source_path)
    if before is not None and before.container == archive_sha and before.sha256:
        return before.sha256
    try:
        return hashlib.sha256(archives.read_member(item.path, item.member, limit)).hexdigest()
    except GoalTablesError:
        return None  # a bomb, a corrupt or encrypted member: read (and failed) by a worker
