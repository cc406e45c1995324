"""Text primitives shared by the parser and normalization: whitespace and width folding.

They live at the bottom layer because the parser must recognise labels such as
``其中：财政    资金`` before anything is normalised.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
# CJK ideographs, CJK punctuation and full-width forms: a space next to one of these carries no
# meaning in Chinese text, and PDFs and Word exports add or drop such spaces at random.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) | (?=[{_CJK}])")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# Full-width ASCII variants (！ to ～) map onto ASCII by a fixed offset; the ideographic space
# is the only other width variant in these files.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


def _has_space(text: str) -> bool:
    """True if ``text`` holds any character ``\\s`` matches.

    Every whitespace character but the ASCII space is unprintable, so two C-level scans answer
    this; the cleaners run on every cell of every table and most cells hold no space at all.
    """
    return " " in text or not text.isprintable()


def clean(text: str | None) -> str:
    """Strip, collapse whitespace runs to one space, and drop spaces touching Chinese characters.

    ``其中：财政    资金`` → ``其中：财政资金``, ``执行率达 100%`` → ``执行率达100%``; ``1600 200``
    keeps its space. This makes the same cell read identically from text, Word and PDF.
    """
    if not text or not _has_space(text):
        return text or ""
    return _CJK_SPACE.sub("", _WS.sub(" ", text.replace("\u3000", " ")).strip())


def halfwidth(text: str) -> str:
    """Fold full-width ASCII (``９５％``, ``＞``, ``（``) to half-width; CJK is untouched.

    ``str.translate`` with a dict looks up every character, so it runs only when one matches.
    """
    return text.translate(_FULLWIDTH) if _WIDE.search(text) else text


@lru_cache(maxsize=65536)  # the same labels and header words recur in every cell scan of every file
def compact(text: str | None) -> str:
    """A matching key: half-width, no whitespace at all. ``其中：财政    资金`` → ``其中:财政资金``."""
    if not text:
        return ""
    text = halfwidth(text)
    return _WS.sub("", text) if _has_space(text) else text


def strip_markers(text: str) -> str:
    """Remove Word-export artefacts such as ``[bookmark: _Toc_2_2_0000000001]``."""
    return _BOOKMARK.sub("", text)


def is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "")
