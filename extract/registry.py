"""The one place that binds a file format to its reader.

Readers are imported lazily so a missing optional library (or LibreOffice) only affects the
files that need it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from extract.errors import UnsupportedFormatError
from extract.model import Document

Reader = Callable[[bytes], Document]

READERS: dict[str, str] = {
    "txt": "extract.readers.text",
    "docx": "extract.readers.docx",
    "doc": "extract.readers.doc",
    "pdf": "extract.readers.pdf",
    "xlsx": "extract.readers.xlsx",
    "xls": "extract.readers.xls",
    "html": "extract.readers.html",
}


def reader_for(file_format: str) -> Reader:
    """The ``read(data) -> Document`` function registered for ``file_format``."""
    try:
        module = READERS[file_format]
    except KeyError:
        raise UnsupportedFormatError(f"{file_format} files are not supported yet") from None
    return importlib.import_module(module).read


def read_document(data: bytes) -> Document:
    """Sniff the format from the bytes and run its reader."""
    from extract.sniff import sniff

    return reader_for(sniff(data))(data)
