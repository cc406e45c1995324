"""Word 2007+ (.docx): paragraphs and tables in body order, merges as real spans.

python-docx opens the package (relationships, content types); the body itself is walked as
XML in ``docx_xml`` because the table API would hand the parser repeated merged text.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from extract.errors import DocumentLoadError
from extract.model import Document
from extract.readers.docx_xml import body_blocks, w
from extract.sniff import ZIP_MAGIC, sniff

DOCUMENT_PART = "word/document.xml"


def read(data: bytes) -> Document:
    return Document(blocks=body_blocks(_body(data)), file_format="docx")


def _body(data: bytes) -> etree._Element:
    _check_container(data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(io.BytesIO(data)).element.body
    except (ValueError, KeyError, PackageNotFoundError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError):
        # python-docx refuses macro-enabled (.docm) content types and packages missing a
        # part Word would repair (styles, content types); the body alone is all we need.
        return _raw_body(data)


def _check_container(data: bytes) -> None:
    """Reject what is not a readable .docx zip with the sentence the sniffer would give."""
    if not data.startswith(ZIP_MAGIC):
        found = sniff(data)  # raises for empty and encrypted files
        raise DocumentLoadError(f"not a .docx file: the content is a {found} file")
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentLoadError("corrupt Word file: the zip container is truncated or damaged") from None
    if DOCUMENT_PART not in names:
        raise DocumentLoadError(f"corrupt Word file: {DOCUMENT_PART} is missing")


def _raw_body(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read(DOCUMENT_PART), parser)
    except etree.XMLSyntaxError:
        raise DocumentLoadError(f"corrupt Word file: {DOCUMENT_PART} is not well-formed XML") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise DocumentLoadError(f"corrupt Word file: {_short(exc)}") from None
    body = root.find(w("body"))
    if body is None:
        raise DocumentLoadError("corrupt Word file: the document has no body")
    return body


def _short(exc: Exception) -> str:
    """The first line of a library message, trimmed: findings hold one sentence."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
