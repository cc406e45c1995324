"""Zip archives read in place: their members become inputs like the files of a folder.

Province archives arrive as zip files made on Windows, sometimes a zip of zips. Unpacking them
first would double the disk space and lose where each file came from; so a ``.zip`` is listed
where it lies, each member gets a ``source_path`` such as ``2024.zip!/财政局/表.docx`` (a
zip inside a zip: ``a.zip!/b.zip!/表.docx``), and a worker reads the member's bytes itself,
under the same limits as the file of a folder. Archives are opened one level deep: a zip inside
a zip is opened, a zip inside that fails with a sentence saying to unpack it.

Windows zip tools write names in the machine's code page (GBK in China) without the UTF-8 flag
(bit 0x800); ``zipfile`` then decodes them as cp437. Such names are re-encoded to their exact
bytes and decoded as GBK (else UTF-8, else with ``\\xNN`` escapes), and the bytes are kept.

A member may be a bomb: before a byte is inflated, its declared size is checked against
``--max-file-mb`` and ``--max-unzipped-mb``, and its ratio against ``--max-zip-ratio``
(``zipfile`` never inflates past the declared size, so the check binds). Such a member fails
alone, with one sentence; the rest of the archive is read.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.limits import RATIO_FLOOR_BYTES, LimitExceeded, current

UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
SEPARATOR = "!/"  # between an archive's source_path and a member's name
MACOSX = "__MACOSX"
ARCHIVE_SKIP_REASONS = {
    "macosx": "macOS resource-fork folder (__MACOSX) inside a zip archive",
    "link": "symlink inside a zip archive",
}
TOO_DEEP = ("a zip archive inside a zip inside a zip: archives are opened one level deep; "
            "unpack the outer archives and run again")


@dataclass(frozen=True, slots=True)
class MemberName:
    """One entry of an archive's directory: where to find it and how to show it."""

    index: int  # position in the archive's directory (names may repeat; positions do not)
    stored: str  # the name as zipfile decoded it (cp437 when the UTF-8 flag is off)
    text: str  # the name as people read it: valid UTF-8, "/" separators
    raw: bytes  # the name's exact bytes
    exact: bool  # False when the bytes were not UTF-8 (decoded as GBK, or with \\xNN escapes)
    size: int  # declared unpacked size
    packed: int  # declared packed size
    is_dir: bool
    is_link: bool


def is_archive(name: str) -> bool:
    """A zip archive to list, not a document: recognised by its ``.zip`` name. An Office package
    saved as ``.zip`` is a zip too; ``list_members`` tells them apart by its content."""
    return name.lower().endswith(".zip")


def member_name(info: zipfile.ZipInfo, index: int) -> MemberName:
    """The readable and the exact name of a member (see the module docstring for GBK names)."""
    if info.flag_bits & UTF8_FLAG:
        raw, text, exact = info.filename.encode("utf-8", "surrogateescape"), info.filename, True
    else:
        raw = info.filename.encode("cp437")  # zipfile's decoding is a bijection on bytes: undo it
        text, exact = decode_name(raw)
    text = text.replace("\\", "/").lstrip("/")  # old Windows tools write backslashes
    mode = info.external_attr >> 16
    return MemberName(index, info.filename, text, raw, exact, info.file_size, info.compress_size,
                      info.is_dir(), stat.S_ISLNK(mode))


def decode_name(raw: bytes) -> tuple[str, bool]:
    """``(text, exact)`` of a name written without the UTF-8 flag: ASCII as is, else GBK (the
    code page of Chinese Windows), else UTF-8 (zips from macOS omit the flag), else escapes."""
    if raw.isascii():
        return raw.decode("ascii"), True
    for encoding in ("gbk", "utf-8"):
        try:
            return raw.decode(encoding), False
        except UnicodeDecodeError:
            pass
    return raw.decode("utf-8", "backslashreplace"), False


def list_members(data: zipfile.ZipFile) -> list[MemberName]:
    """Every entry of an open archive, in directory order."""
    return [member_name(info, i) for i, info in enumerate(data.infolist())]


def is_office_package(package: zipfile.ZipFile) -> bool:
    """A .docx/.xlsx saved under a ``.zip`` name: read it as the document it is."""
    names = set(package.namelist())
    return "[Content_Types].xml" in names


def skip_reason(parts: list[str]) -> tuple[int, str] | None:
    """``(depth, reason)`` when a member is left out: the first path component that is hidden,
    an Office lock file or ``__MACOSX``, as for folders."""
    from goaltables.pipelines.discover import HIDDEN, OFFICE_LOCK

    for depth, part in enumerate(parts):
        if part == MACOSX:
            return depth, ARCHIVE_SKIP_REASONS["macosx"]
        if part.startswith("."):
            return depth, HIDDEN
        if part.startswith("~$"):
            return depth, OFFICE_LOCK
    return None


# --------------------------------------------------------------------------- reading members


def check_member(name: str, size: int, packed: int, max_file_bytes: int) -> None:
    """Refuse a member before inflating it: too large for --max-file-mb or --max-unzipped-mb,
    or a bomb by its ratio (same sentences as for the members of a .docx)."""
    limits = current()
    ratio = size / max(packed, 1)
    if size > RATIO_FLOOR_BYTES and ratio > limits.max_zip_ratio:
        raise LimitExceeded(
            f"zip bomb: archive member {name} unpacks {ratio:,.0f} times its packed size "
            f"({size / 2**20:,.0f} MB), more than --max-zip-ratio {limits.max_zip_ratio:g} allows"
        )
    if size > limits.max_unzipped_mb * 2**20:
        raise LimitExceeded(f"archive member {name} unpacks to {size / 2**20:,.0f} MB, "
                            f"more than --max-unzipped-mb {limits.max_unzipped_mb:g} allows")
    if size > max_file_bytes:
        raise DocumentLoadError(f"file too large ({size / 2**20:.0f} MB, limit {max_file_bytes / 2**20:g} MB; "
                                f"raise it with --max-file-mb)")


def read_member(archive: Path, chain: tuple[int, ...], max_file_bytes: int) -> bytes:
    """The bytes of the member reached by ``chain`` (directory positions: one per level) inside
    ``archive``; every level is checked against the limits before it is inflated."""
    try:
        source: zipfile.ZipFile = zipfile.ZipFile(archive)
        data = b""
        for level, index in enumerate(chain):
            with source:
                info = _info(source, index)
                check_member(member_name(info, index).text, info.file_size, info.compress_size, max_file_bytes)
                if info.flag_bits & ENCRYPTED_FLAG:
                    raise DocumentLoadError("encrypted zip member: remove the archive's password and try again")
                data = source.read(info)
            if level + 1 < len(chain):
                source = zipfile.ZipFile(io.BytesIO(data))
        return data
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, RuntimeError) as exc:
        raise DocumentLoadError(f"corrupt zip archive: {type(exc).__name__}: {str(exc)[:120]}") from None
    except OSError as exc:
        raise DocumentLoadError(f"cannot read the zip archive: {exc.strerror or exc}") from None


def _info(archive: zipfile.ZipFile, index: int) -> zipfile.ZipInfo:
    infos = archive.infolist()
    if index >= len(infos):
        raise DocumentLoadError("the zip archive changed during the run: the member is gone")
    return infos[index]


def open_nested(outer: zipfile.ZipFile, member: MemberName, max_file_bytes: int) -> zipfile.ZipFile:
    """A zip inside a zip, opened in memory after the limit checks (raises DocumentLoadError)."""
    check_member(member.text, member.size, member.packed, max_file_bytes)
    try:
        return zipfile.ZipFile(io.BytesIO(outer.read(outer.infolist()[member.index])))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError, RuntimeError) as exc:
        raise DocumentLoadError(f"corrupt zip archive: {type(exc).__name__}: {str(exc)[:120]}") from None
