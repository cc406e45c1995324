"""Decide a file's format from its bytes, not its name.

Archives are full of mislabeled files (a .doc saved as .docx, an .xls that is really HTML), so
the extension is only a tie-breaker for text-like content.
"""

from __future__ import annotations

import io
import zipfile

from goaltables.extract.errors import DocumentLoadError, UnsupportedFormatError
from goaltables.extract.limits import check_zip
from goaltables.extract.readers.encoding import looks_binary

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
HTML_MARKERS = (b"<!doctype html", b"<html", b"<table", b"<meta", b"<head", b"<body")


def sniff(data: bytes) -> str:
    """Return the format name a reader is registered under, or raise ``DocumentLoadError``."""
    if not data:
        raise DocumentLoadError("empty file (0 bytes)")
    head = data[:1024]
    if data.startswith(PDF_MAGIC):  # at offset 0 only: a text that mentions %PDF- is still text
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if head.lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFormatError("RTF file: save it as .docx to extract it")
    if _looks_like_html(head):
        return "html"
    if looks_binary(head):
        raise UnsupportedFormatError("binary file: not a text, Word, PDF or Excel document")
    return "txt"


def _sniff_zip(data: bytes) -> str:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocumentLoadError("corrupt or truncated zip container: not a readable Word or Excel file") from None
    check_zip(package)  # before any reader inflates a member
    names = set(package.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UnsupportedFormatError("zip archive that is not a Word (.docx) or Excel (.xlsx) file")


def _sniff_ole(data: bytes) -> str:
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, IndexError):
        raise DocumentLoadError("corrupt or truncated Office 97-2003 file") from None
    with ole:
        streams = {"/".join(s) for s in ole.listdir()}
    if "EncryptedPackage" in streams:
        raise DocumentLoadError("encrypted Office file: remove the password and try again")
    if "WordDocument" in streams:
        return "doc"
    if "Workbook" in streams or "Book" in streams:
        return "xls"
    raise UnsupportedFormatError("Office 97-2003 file that is neither Word nor Excel")


def _looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return lowered.startswith(b"<") and any(m in lowered for m in HTML_MARKERS)
