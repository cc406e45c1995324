"""Word 2007+ (.docx): paragraphs and tables in body order, merges as real spans.

Only ``word/document.xml`` is parsed, with plain lxml, and walked in ``docx_xml``: python-docx's
table API would hand the parser repeated merged text, and opening a package with python-docx
unmarshals every part (styles, numbering, headers), which measured at 15 ms of a 45 ms read
(docs/benchmarks.md). python-docx builds the test fixtures.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from lxml import etree

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.limits import check_zip
from goaltables.extract.model import Document
from goaltables.extract.readers.docx_xml import body_blocks, w
from goaltables.extract.sniff import ZIP_MAGIC, sniff

DOCUMENT_PART = "word/document.xml"


def read(data: bytes) -> Document:
    body = _body(data)
    return Document(blocks=body_blocks(body), file_format="docx", notes=_entity_notes(body))


def _entity_notes(body: etree._Element) -> list[str]:
    """Entities left unresolved (never fetched: XXE stays closed) are left out of the text, and
    the reviewer is told, since one may have stood for a digit or a sign."""
    names = sorted({entity.name for entity in body.iter(etree.Entity)})
    if not names:
        return []
    shown = ", ".join(f"&{name};" for name in names[:5])
    return [f"unresolved XML entities left out of the text: {shown}"]


def _body(data: bytes) -> etree._Element:
    package = _open_container(data)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        root = etree.fromstring(package.read(DOCUMENT_PART), parser)
    except etree.XMLSyntaxError:
        raise DocumentLoadError(f"corrupt Word file: {DOCUMENT_PART} is not well-formed XML") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise DocumentLoadError(f"corrupt Word file: {_short(exc)}") from None
    body = root.find(w("body"))
    if body is None:
        raise DocumentLoadError("corrupt Word file: the document has no body")
    return body


def _open_container(data: bytes) -> zipfile.ZipFile:
    """The zip package, or the sentence the sniffer would give for what is not a .docx."""
    if not data.startswith(ZIP_MAGIC):
        found = sniff(data)  # raises for empty and encrypted files
        raise DocumentLoadError(f"not a .docx file: the content is a {found} file")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentLoadError("corrupt Word file: the zip container is truncated or damaged") from None
    check_zip(package)
    if DOCUMENT_PART not in package.namelist():
        raise DocumentLoadError(f"corrupt Word file: {DOCUMENT_PART} is missing")
    return package


def _short(exc: Exception) -> str:
    """The first line of a library message, trimmed: findings hold one sentence."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
