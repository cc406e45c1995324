"""Page furniture and damage in PDFs: running headers and footers, pdfminer's warnings.

Running headers and footers (the unit's name and ``内部资料`` on top of every page, the bureau at
the bottom) sit between the two halves of a table cut by a page break. Left in, they keep the
halves apart and turn the rest of a broken row into a phantom row, so they are removed before
tables are joined across pages. A line counts as running when the same text (digits ignored,
so ``第 3 页`` matches ``第 4 页``) opens or closes the text outside tables at the same height
(within ``SAME_PLACE`` points) on at least ``RUNNING_MIN_SHARE`` of the pages, and on at least
two: furniture sits at a fixed place. Only where it matters is such a line removed: above a
page's first table or below its last one, where it would keep a table's halves apart. A page
without tables keeps all its lines (a spreadsheet printed in column strips repeats its rows
at the same place on every strip, and they are content). A line that ends like a table's
title (``…绩效目标表``) is never taken for furniture: a file of one-page goal tables repeats
the same title on every page, and that title opens each table.

pdfminer reports a damaged compressed stream ("Data-loss while decompressing corrupted data")
only as a log warning and goes on with what it could decompress. Those warnings are collected
per file while it is read, so they become findings of that file instead of stderr noise. Worse,
a stream cut short or damaged in its middle is decompressed as far as it goes (or dropped)
without any warning; pdfminer's fallback decompressor runs exactly then, so while a file is
read it is wrapped to report each such stream as a data loss too.
"""

from __future__ import annotations

import logging
import re
import zlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from pdfminer import pdftypes

from goaltables.extract.readers.pdf_text import Line

RUNNING_MIN_SHARE = 0.5  # of the pages: a line repeated on fewer is content, not furniture
RUNNING_MIN_PAGES = 2
EDGE_LINES = 2  # lines at the top and at the bottom of a page's text that may be furniture
SAME_PLACE = 3.0  # points: the same running line drawn on two pages
_DIGITS = re.compile(r"\d+")
_TITLE_LIKE = re.compile(r"表[)）\]】」:：]*$")
_PDFMINER = logging.getLogger("pdfminer")


class _TablePart(Protocol):
    bbox: tuple[float, float, float, float]


class _PageLines(Protocol):
    lines: list[Line]
    tables: list[_TablePart]


def _key(line: Line) -> str:
    return _DIGITS.sub("#", "".join(line.text.split()))


def _edges(lines: list[Line]) -> list[Line]:
    ordered = sorted(lines, key=lambda line: line.top)
    return ordered[:EDGE_LINES] + ordered[EDGE_LINES:][-EDGE_LINES:]


def strip_running_lines(pages: list[_PageLines]) -> None:
    """Remove running header and footer lines from every page's non-table lines, in place."""
    if len(pages) < RUNNING_MIN_PAGES:
        return
    places: dict[str, list[float]] = {}
    for page in pages:
        for key, top in {(_key(line), line.top) for line in _edges(page.lines)}:
            places.setdefault(key, []).append(top)
    needed = max(RUNNING_MIN_PAGES, RUNNING_MIN_SHARE * len(pages))
    running = {key: _usual(tops) for key, tops in places.items()
               if key and not _TITLE_LIKE.search(key) and _usual(tops) is not None
               and sum(abs(t - _usual(tops)) <= SAME_PLACE for t in tops) >= needed}  # type: ignore[operator]
    if not running:
        return
    for page in pages:
        if not page.tables:
            continue
        top, bottom = min(t.bbox[1] for t in page.tables), max(t.bbox[3] for t in page.tables)
        furniture = {id(line) for line in _edges(page.lines)
                     if _key(line) in running and abs(line.top - running[_key(line)]) <= SAME_PLACE
                     and (line.bottom <= top or line.top >= bottom)}
        page.lines = [line for line in page.lines if id(line) not in furniture]


def _usual(tops: list[float]) -> float | None:
    """The height a line is most often drawn at (the median of its tops)."""
    return sorted(tops)[len(tops) // 2] if tops else None


class _Collector(logging.Handler):
    """Keeps the messages of the thread that opened it (workers may read files side by side)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def pdfminer_warnings() -> Iterator[list[str]]:
    """Collect pdfminer's warnings, and every damaged compressed stream, while a file is read;
    keep them off stderr."""
    collector = _Collector()
    propagate = _PDFMINER.propagate
    fallback = pdftypes.decompress_corrupted

    def reporting_fallback(data: bytes) -> bytes:
        try:
            result = fallback(data)
        except zlib.error:
            collector.messages.append(f"Data-loss: a damaged compressed stream of {len(data)} bytes was dropped")
            raise
        collector.messages.append(f"Data-loss: a damaged compressed stream gave only {len(result)} bytes")
        return result

    _PDFMINER.addHandler(collector)
    _PDFMINER.propagate = False
    pdftypes.decompress_corrupted = reporting_fallback
    try:
        yield collector.messages
    finally:
        pdftypes.decompress_corrupted = fallback
        _PDFMINER.removeHandler(collector)
        _PDFMINER.propagate = propagate
