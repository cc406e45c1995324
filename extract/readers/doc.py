"""Word 97-2003 (.doc): converted to .docx by LibreOffice, then read by the .docx reader.

No Python library reads .doc tables with their merges; LibreOffice's converter does, and its
.docx output keeps gridSpan/vMerge (``extract.libreoffice`` runs it).
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from goaltables.extract import libreoffice
from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Document
from goaltables.extract.readers import docx as docx_reader
from goaltables.extract.sniff import OLE_MAGIC

TIMEOUT_SECONDS = 120
_FIB_FLAGS_OFFSET = 0x0A  # FibBase.flags in the WordDocument stream
_F_ENCRYPTED = 0x0100


def read(data: bytes) -> Document:
    libreoffice.office()  # fail with the install hint before any other work
    _check_doc(data)
    with tempfile.TemporaryDirectory(prefix=libreoffice.scratch_prefix("doc"), dir=libreoffice.scratch_folder()) as tmp:
        converted = _convert(data, Path(tmp))
    document = docx_reader.read(converted)
    document.file_format = "doc"
    return document


def _check_doc(data: bytes) -> None:
    """Fail fast on what LibreOffice would stall on or silently turn into something else."""
    if not data.startswith(OLE_MAGIC):
        raise DocumentLoadError("not a Word 97-2003 (.doc) file")
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            head = ole.openstream("WordDocument").read(_FIB_FLAGS_OFFSET + 2)
    except (OSError, ValueError, IndexError):
        raise DocumentLoadError("corrupt Word 97-2003 file: no readable WordDocument stream") from None
    if len(head) == _FIB_FLAGS_OFFSET + 2 and int.from_bytes(head[-2:], "little") & _F_ENCRYPTED:
        raise DocumentLoadError("encrypted Word file: remove the password and try again")


def _convert(data: bytes, tmp: Path) -> bytes:
    source, outdir = tmp / "input.doc", tmp / "out"
    source.write_bytes(data)
    libreoffice.convert([source], "docx", outdir, TIMEOUT_SECONDS, what="the .doc file")
    result = outdir / "input.docx"
    if not result.is_file():
        raise DocumentLoadError("LibreOffice could not convert the .doc file")
    return result.read_bytes()
