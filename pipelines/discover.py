"""Find the input files under the paths given, and account for every entry left out.

An archive copied from Windows machines holds names that are not UTF-8 (GBK from every
Windows zip), Office lock files (``~$报告.docx``), hidden files, FIFOs, dangling symlinks,
symlink loops and folders nobody may read. None of them may stop a run, and none may vanish
without a trace: each entry becomes an ``Input`` (it gets a documents row) or a ``Skipped``
with its reason (listed in the manifest). Skipping is not failing: a clean batch with a lock
file in it still exits 0.

Names are kept losslessly: ``source_path`` is always valid UTF-8 (Parquet requires it), decoded
as UTF-8, else as GBK, else with ``\\xNN`` escapes; ``raw_path`` then holds the exact bytes.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from goaltables.extract.errors import DocumentLoadError

if TYPE_CHECKING:
    from goaltables.pipelines.archives import MemberName

HIDDEN = "hidden file or folder (name starts with a dot)"
OFFICE_LOCK = "Office lock file (~$…) of a document that was open in Word or Excel"
SKIP_REASONS = {
    "hidden": HIDDEN,
    "lock": OFFICE_LOCK,
    "fifo": "FIFO (named pipe), not a file",
    "special": "not a regular file (socket or device)",
    "dangling": "dangling symlink: its target does not exist",
    "loop": "symlink loop",
    "revisit": "symlink to a folder that is already being searched",
    "unreadable": "folder cannot be read",
    "output": "the output folder of this run",
    "repeated": "given twice on the command line",
    "excluded": "matches --exclude",
    "not_included": "matches no --include pattern",
}


@dataclass(frozen=True, slots=True)
class Input:
    """One file to read: a file on disk, or a member of a zip archive (``member`` non-empty).

    This is what a worker receives (``pipelines.worker``), so it stays small and picklable.
    """

    path: Path  # as the operating system knows it (undecodable bytes as surrogate escapes); a member's archive
    source_path: str  # unique, valid UTF-8, relative to the root given
    raw_path: bytes | None = None  # the relative path's bytes, when they are not UTF-8
    member: tuple[int, ...] = ()  # directory positions inside ``path`` (two for a zip inside a zip)
    error: str | None = None  # known to fail before reading (a corrupt or too deeply nested archive)
    size: int | None = None  # a member's declared size (its file has none of its own)


@dataclass(frozen=True)
class Filters:
    """``--include`` / ``--exclude`` glob patterns, matched against ``source_path``.

    Case-insensitive (Windows archives mix ``.DOC`` and ``.doc``), and ``*`` also matches ``/``,
    so ``*.docx`` selects Word files at any depth and ``*/草稿/*`` leaves out every draft folder.
    Exclusions apply to folders and archives too (their contents are not searched); inclusions
    apply to files only, so ``--include '*.docx'`` still finds the .docx inside folders and zips.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    _folded: tuple[tuple[str, ...], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_folded", (tuple(p.casefold() for p in self.include),
                                              tuple(p.casefold() for p in self.exclude)))

    def reason(self, source_path: str, is_file: bool) -> str | None:
        """Why ``source_path`` is left out, or None to keep it."""
        include, exclude = self._folded
        name = source_path.casefold()
        for pattern, original in zip(exclude, self.exclude):
            if fnmatch.fnmatchcase(name, pattern):
                return f"{SKIP_REASONS['excluded']} {original}"
        if is_file and include and not any(fnmatch.fnmatchcase(name, p) for p in include):
            return SKIP_REASONS["not_included"]
        return None


@dataclass(frozen=True, slots=True)
class Skipped:
    source_path: str
    reason: str


@dataclass
class Discovery:
    inputs: list[Input]
    skipped: list[Skipped]
    filters: Filters = Filters()
    max_file_bytes: int = 200 * 2**20  # --max-file-mb, for the zips inside zips opened while listing


def discover(paths: Iterable[Path], skip: Path | None = None, filters: Filters = Filters(),
             max_file_bytes: int = 200 * 2**20) -> Discovery:
    """Inputs and skipped entries under ``paths`` (folders searched recursively, in name
    order; zip archives listed in place, see ``pipelines.archives``); ``skip`` is our own
    output folder. A path that does not exist raises FileNotFoundError: that is a typo on the
    command line, not a problem of the archive."""
    roots = list(paths)
    found = Discovery([], [], filters, max_file_bytes)
    skipped_dir = _identity(skip) if skip is not None and skip.exists() else None
    seen_roots: set[tuple[int, int]] = set()
    for root, label in zip(roots, _labels(roots)):
        if not root.exists():
            raise FileNotFoundError(f"input {root} does not exist")
        identity = _identity(root)
        if identity in seen_roots:
            found.skipped.append(Skipped(display(os.fsencode(root))[0], SKIP_REASONS["repeated"]))
            continue
        seen_roots.add(identity)
        mode = root.stat().st_mode
        if stat.S_ISDIR(mode):
            _walk(root, label, found, skipped_dir)
        elif stat.S_ISREG(mode):
            found.inputs.extend(i for _, i in _file(root, tuple(label.split("/")), found))
        else:  # a FIFO named on the command line would block the run on its first read
            reason = SKIP_REASONS["fifo"] if stat.S_ISFIFO(mode) else SKIP_REASONS["special"]
            found.skipped.append(Skipped(_joined(tuple(label.split("/"))), reason))
    _make_unique(found.inputs)
    return found


def check_inputs_exist(paths: Iterable[Path]) -> None:
    """A path on the command line that does not exist is a typo: say so before any work."""
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"input {path} does not exist")


def _labels(roots: list[Path]) -> list[str]:
    """The prefix of each root in ``source_path``: nothing for a single folder, else its name,
    lengthened with parent folders until no two roots share one (``a/2024``, ``b/2024``)."""
    if len(roots) == 1:
        return ["" if roots[0].is_dir() else roots[0].name]
    parts = [Path(os.path.abspath(r)).parts for r in roots]
    depth = [1] * len(roots)
    while True:
        labels = ["/".join(p[-d:]) for p, d in zip(parts, depth)]
        clashes = {label for label in labels if labels.count(label) > 1}
        grown = False
        for i, label in enumerate(labels):
            if label in clashes and depth[i] < len(parts[i]) - 1:
                depth[i] += 1
                grown = True
        if not grown:
            return labels


def _walk(root: Path, label: str, found: Discovery, output: tuple[int, int] | None) -> None:
    """Depth-first without recursion; folders are entered once, whatever links lead to them."""
    visited = {_identity(root)}
    prefix = tuple(label.split("/")) if label else ()
    inputs: list[tuple[tuple[str, ...], Input]] = []
    stack: list[tuple[Path, tuple[str, ...]]] = [(root, prefix)]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.skipped.append(Skipped(_joined(rel) or ".", f"{SKIP_REASONS['unreadable']}: {exc.strerror or exc}"))
            continue
        for entry in entries:
            parts = (*rel, entry.name)
            kind = _kind(entry, visited, output)
            if kind in ("file", "folder") and (why := found.filters.reason(_joined(parts), _is_document(kind, parts))):
                kind = why
            if kind == "file":
                inputs.extend(_file(Path(entry.path), parts, found))
            elif kind == "folder":
                stack.append((Path(entry.path), parts))
            else:
                found.skipped.append(Skipped(_joined(parts), kind))
    inputs.sort(key=lambda pair: pair[0])
    found.inputs.extend(i for _, i in inputs)
    found.skipped.sort(key=lambda s: s.source_path)


def _kind(entry: os.DirEntry, visited: set[tuple[int, int]], output: tuple[int, int] | None) -> str:
    """``file``, ``folder`` (to enter), or the reason the entry is skipped."""
    if entry.name.startswith("."):
        return HIDDEN
    if entry.name.startswith("~$"):
        return OFFICE_LOCK
    try:
        info = os.stat(entry.path)  # follows symlinks
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return SKIP_REASONS["loop"]
        if exc.errno == errno.ENOENT and entry.is_symlink():
            return SKIP_REASONS["dangling"]
        return f"cannot be examined: {exc.strerror or exc}"
    if stat.S_ISREG(info.st_mode):
        return "file"
    if stat.S_ISDIR(info.st_mode):
        identity = (info.st_dev, info.st_ino)
        if identity == output:
            return SKIP_REASONS["output"]
        if identity in visited:
            return SKIP_REASONS["loop"] if entry.is_symlink() else SKIP_REASONS["revisit"]
        visited.add(identity)
        return "folder"
    return SKIP_REASONS["fifo"] if stat.S_ISFIFO(info.st_mode) else SKIP_REASONS["special"]


def _file(path: Path, parts: tuple[str, ...], found: Discovery) -> list[tuple[tuple, Input]]:
    """A file found: itself, or the members of a zip archive (each with its sort key)."""
    from goaltables.pipelines.archives import is_archive

    if not is_archive(parts[-1]):
        return [(parts, _input(path, parts))]
    return _members(path, parts, found)


def _is_document(kind: str, parts: tuple[str, ...]) -> bool:
    """Whether ``--include`` applies: to files, not to folders and archives (their contents)."""
    from goaltables.pipelines.archives import is_archive

    return kind == "file" and not is_archive(parts[-1])


def _members(path: Path, parts: tuple[str, ...], found: Discovery) -> list[tuple[tuple, Input]]:
    """The members of the archive at ``path``, and of the zips inside it (one level)."""
    from goaltables.pipelines import archives

    base = _input(path, parts)
    try:
        with zipfile.ZipFile(path) as package:
            if archives.is_office_package(package):
                return [(parts, base)]  # a .docx or .xlsx saved as .zip: a document
            return _listed(package, path, parts, base, (), found)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        error = f"corrupt zip archive: {type(exc).__name__}: {str(exc)[:120]}"
        return [(parts, Input(base.path, base.source_path, base.raw_path, error=error))]


def _listed(package: zipfile.ZipFile, path: Path, parts: tuple, outer: Input, chain: tuple[int, ...],
            found: Discovery) -> list[tuple[tuple, Input]]:
    """Inputs for the members of an open archive; ``outer`` is the archive's own input."""
    from goaltables.pipelines import archives

    inputs: list[tuple[tuple, Input]] = []
    skipped_prefixes: set[str] = set()
    raw_prefix = outer.raw_path or outer.source_path.encode("utf-8")
    for member in archives.list_members(package):
        names = [n for n in member.text.split("/") if n]
        if member.is_dir or not names:
            continue
        source = f"{outer.source_path}{archives.SEPARATOR}{member.text}"
        raw = raw_prefix + archives.SEPARATOR.encode() + member.raw
        exact = outer.raw_path is None and member.exact
        skip = archives.skip_reason(names)
        if skip is not None:
            depth, reason = skip
            prefix = f"{outer.source_path}{archives.SEPARATOR}{'/'.join(names[: depth + 1])}"
            if prefix not in skipped_prefixes:
                skipped_prefixes.add(prefix)
                found.skipped.append(Skipped(prefix, reason))
            continue
        if member.is_link:
            found.skipped.append(Skipped(source, archives.ARCHIVE_SKIP_REASONS["link"]))
            continue
        is_zip = archives.is_archive(member.text)
        if why := found.filters.reason(source, not is_zip):
            found.skipped.append(Skipped(source, why))
            continue
        key = (*parts, archives.SEPARATOR, *names)
        item = Input(path, source, None if exact else raw, (*chain, member.index), size=member.size)
        inputs += _nested(package, member, key, item, found) if is_zip else [(key, item)]
    return inputs


def _nested(package: zipfile.ZipFile, member: MemberName, key: tuple, item: Input,
            found: Discovery) -> list[tuple[tuple, Input]]:
    """A zip inside an archive: its members (opened once, in memory, after the limit checks),
    or one failed input when it is too deep, too big or corrupt."""
    from goaltables.pipelines import archives

    def failing(error: str) -> list[tuple[tuple, Input]]:
        return [(key, Input(item.path, item.source_path, item.raw_path, item.member, error, item.size))]

    if len(item.member) > 1:
        return failing(archives.TOO_DEEP)
    try:
        with archives.open_nested(package, member, found.max_file_bytes) as inner:
            if archives.is_office_package(inner):
                return [(key, item)]  # a .docx saved as .zip
            return _listed(inner, item.path, key, item, item.member, found)
    except DocumentLoadError as exc:
        return failing(str(exc))


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_dev, info.st_ino


def _input(path: Path, parts: tuple[str, ...]) -> Input:
    raw = os.fsencode("/".join(parts))
    return Input(path, _joined(parts), None if _is_utf8(raw) else raw)


def _joined(parts: tuple[str, ...]) -> str:
    return "/".join(display(os.fsencode(p))[0] for p in parts)


def display(raw: bytes) -> tuple[str, bool]:
    """``(text, exact)``: a name as valid UTF-8 text; ``exact`` is False when it was not UTF-8
    (then decoded as GBK, the encoding of names in Windows zips, or else with ``\\xNN``)."""
    if _is_utf8(raw):
        return raw.decode("utf-8"), True
    try:
        return raw.decode("gbk"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace"), False


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _make_unique(inputs: list[Input]) -> None:
    """A decoded name can equal a real one (GBK bytes beside the UTF-8 spelling): number the later."""
    used: set[str] = set()
    for i, item in enumerate(inputs):
        name, n = item.source_path, 2
        while name in used:
            name, n = f"{item.source_path} ({n})", n + 1
        used.add(name)
        if name != item.source_path:
            inputs[i] = Input(item.path, name, item.raw_path or os.fsencode(item.source_path), item.member,
                              item.error, item.size)
