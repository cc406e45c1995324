"""The one place that binds a file format to its reader.

Readers are imported lazily so a missing optional library (or LibreOffice) only affects the
files that need it.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

from goaltables.extract.errors import UnsupportedFormatError
from goaltables.extract.model import Document

Reader = Callable[[bytes], Document]

READERS: dict[str, str] = {
    "txt": "goaltables.extract.readers.text",
    "docx": "goaltables.extract.readers.docx",
    "doc": "goaltables.extract.readers.doc",
    "pdf": "goaltables.extract.readers.pdf",
    "xlsx": "goaltables.extract.readers.xlsx",
    "xls": "goaltables.extract.readers.xls",
    "html": "goaltables.extract.readers.html",
}


# Formats whose reader decodes text itself and so takes an ``encoding`` override.
TEXT_FORMATS = frozenset({"txt", "html"})


def reader_for(file_format: str, encoding: str | None = None) -> Reader:
    """The ``read(data) -> Document`` function registered for ``file_format``; for text formats
    with ``encoding`` (``--encoding``) bound, so that it replaces every guess."""
    try:
        module = READERS[file_format]
    except KeyError:
        raise UnsupportedFormatError(f"{file_format} files are not supported yet") from None
    read = importlib.import_module(module).read
    return functools.partial(read, encoding=encoding) if encoding and file_format in TEXT_FORMATS else read


def read_document(data: bytes) -> Document:
    """Sniff the format from the bytes and run its reader."""
    from goaltables.extract.sniff import sniff

    return reader_for(sniff(data))(data)
