"""What reading libraries print while reading one file, kept with that file.

pdfminer logs a warning per odd object, xlrd prints ``*** xf`` lines straight to the process's
stdout (its ``logfile`` default is bound to the original ``sys.stdout`` at import, so Python
redirection cannot catch it), and libraries raise ``warnings``. Over ten thousand files this
floods the terminal and says nothing about which file spoke. So each file runs inside
``captured``: the text is collected and returned, and the pipeline files it under the file's
manifest entry (``library_output``).

Python warnings and the reading libraries' loggers are always captured. In a local worker
process (one file at a time, nothing else running) file descriptors 1 and 2 are redirected as
well, which catches everything else, C libraries and xlrd included. A Dask worker's process is
shared with Dask's own threads, so its descriptors are left alone.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "openpyxl", "PIL", "jieba", "xlrd", "olefile")
MAX_CHARS = 4000  # per file: enough to see what happened, not a second copy of the file


class Captured:
    """The text captured during a ``captured`` block; ``text`` is set when the block ends."""

    text: str = ""


@contextmanager
def captured(fd_level: bool) -> Iterator[Captured]:
    """Collect library output inside the block (see the module docstring for ``fd_level``)."""
    box = Captured()
    parts: list[str] = []
    with ExitStack() as stack:
        caught = stack.enter_context(warnings.catch_warnings(record=True))
        warnings.simplefilter("always")
        if fd_level:
            stack.enter_context(_descriptors(parts))
        stack.enter_context(_library_logs(parts))
        try:
            yield box
        finally:
            stack.close()
            parts += [f"{w.category.__name__}: {w.message}" for w in caught]
            text = "\n".join(p.rstrip("\n") for p in parts if p.strip())
            box.text = text if len(text) <= MAX_CHARS else text[:MAX_CHARS] + f"\n… ({len(text):,} characters in all)"


@contextmanager
def _descriptors(parts: list[str]) -> Iterator[None]:
    """Point fds 1 and 2 at a temporary file for the block, then restore them."""
    for stream in (sys.stdout, sys.stderr):
        _flush(stream)
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
                _flush(stream)
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            sink.seek(0)
            parts.append(sink.read().decode("utf-8", "replace"))


@contextmanager
def _library_logs(parts: list[str]) -> Iterator[None]:
    """Route the reading libraries' log records into ``parts`` instead of the console."""
    handler = _ListHandler(parts)
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    saved = [logger.propagate for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False
    try:
        yield
    finally:
        for logger, propagate in zip(loggers, saved):
            logger.removeHandler(handler)
            logger.propagate = propagate


class _ListHandler(logging.Handler):
    def __init__(self, parts: list[str]) -> None:
        super().__init__(logging.INFO)
        self.parts = parts

    def emit(self, record: logging.LogRecord) -> None:
        self.parts.append(f"{record.name}: {record.getMessage()}")


def _flush(stream: object) -> None:
    try:
        stream.flush()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        pass
