"""Characters to text for PDFs: lines from glyph positions, joined the way Chinese is written.

pdfplumber hands us one record per glyph. Chinese has no spaces between words, and a PDF
producer may still leave gaps between glyphs (justified text, letter spacing). Within a line a
gap or space glyph is kept as one space unless both neighbours are CJK (``达 100%`` stays,
``救助  资金`` closes up). Wrapped lines of a cell or paragraph are joined with a space only
between two Latin letters or digits: ``救助`` + ``资金`` → ``救助资金`` but ``Annual`` +
``report`` → ``Annual report``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Char = dict[str, Any]  # a pdfplumber char record (text, x0, x1, top, bottom, size, …)

# A gap wider than this share of the font size separates words when no space glyph is drawn.
WORD_GAP = 0.2
# Glyphs of one line overlap vertically by at least this share of the smaller glyph's height.
LINE_OVERLAP = 0.5
# The same glyph drawn twice (fake bold) lands within this many points of itself.
DUPLICATE_TOLERANCE = 1.0

_WIDE_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x9FFF),  # CJK radicals, punctuation, kana, ideographs
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # full-width forms: ，（）：％
    (0x20000, 0x3FFFF),  # CJK extensions
)
_QUOTES = set("“”‘’…—")  # general punctuation that Chinese text sets without spaces


def is_wide(ch: str) -> bool:
    """True for characters Chinese typesetting never separates with spaces."""
    if ch in _QUOTES:
        return True
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _WIDE_RANGES)


def join_pieces(left: str, right: str) -> str:
    """Join two runs of text, with a space only between two Latin/digit characters."""
    if not left:
        return right
    if not right:
        return left
    if is_wide(left[-1]) or is_wide(right[0]):
        return left + right
    return f"{left} {right}"


def join_all(pieces: Iterable[str]) -> str:
    """Wrapped lines joined back into one text."""
    text = ""
    for piece in pieces:
        text = join_pieces(text, piece)
    return text


def join_words(words: Iterable[tuple[str, bool]]) -> str:
    """Words of one line, each with whether a space glyph preceded it.

    A drawn space is kept unless CJK is on both sides. A mere gap counts only between two Latin
    characters: Word and LibreOffice widen the gap between CJK and digits ("autospace"), which
    is not a space in the text.
    """
    text = ""
    for word, spaced in words:
        if text:
            wide = is_wide(text[-1]), is_wide(word[0])
            if not any(wide) or (spaced and not all(wide)):
                text += " "
        text += word
    return text


@dataclass(slots=True)
class Line:
    """One visual line of text with its box; paragraphs and cells are built from these."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def lines_of(chars: list[Char]) -> list[Line]:
    """Group glyphs into visual lines, top to bottom, each read left to right."""
    groups: list[list[Char]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        if groups and _same_line(groups[-1], char):
            groups[-1].append(char)
        else:
            groups.append([char])
    return [_line(sorted(group, key=lambda c: c["x0"])) for group in groups]


def _same_line(group: list[Char], char: Char) -> bool:
    """Vertical overlap decides, because CJK and Latin fonts in one line sit at different tops."""
    top = min(c["top"] for c in group[-3:])
    bottom = max(c["bottom"] for c in group[-3:])
    overlap = min(bottom, char["bottom"]) - max(top, char["top"])
    height = min(bottom - top, char["bottom"] - char["top"]) or 1.0
    return overlap >= LINE_OVERLAP * height


def _line(chars: list[Char]) -> Line:
    return Line(
        text=join_words(_words(chars)),
        x0=chars[0]["x0"],
        x1=max(c["x1"] for c in chars),
        top=min(c["top"] for c in chars),
        bottom=max(c["bottom"] for c in chars),
        size=max((c.get("size") or 0.0) for c in chars),
    )


def _words(chars: list[Char]) -> list[tuple[str, bool]]:
    """Split a line at space glyphs and wide gaps; each word notes whether a space glyph preceded it."""
    words: list[tuple[str, bool]] = []
    current, spaced, prev = "", False, None
    for char in chars:
        text = char["text"]
        if prev is not None and _is_duplicate(prev, char):
            continue
        if not text.strip():
            if current:
                words.append((current, spaced))
            current, spaced = "", True
        elif current and prev is not None and char["x0"] - prev["x1"] > WORD_GAP * (char.get("size") or 10.0):
            words.append((current, spaced))
            current, spaced = text, False
        else:
            current += text
        prev = char
    if current:
        words.append((current, spaced))
    return words


def _is_duplicate(prev: Char, char: Char) -> bool:
    return (
        prev["text"] == char["text"]
        and abs(prev["x0"] - char["x0"]) < DUPLICATE_TOLERANCE
        and abs(prev["top"] - char["top"]) < DUPLICATE_TOLERANCE
    )
