"""Labels and values printed together in one line or cell, with or without colons.

``预算单位：青山县林业站  金额单位：万元`` is a line of two labelled values; a header row folded into
a title cell (``编制单位 东湖区文化馆 项目负责人 王某``) is one without colons. Both come out as
(label, value) pairs for the header block to file by the label's meaning.
"""

from __future__ import annotations

from goaltables.extract.parser.lexicon import Lexicon
from goaltables.extract.text import clean, compact, halfwidth

MONEY_LABELS = frozenset({"单位", "金额单位", "货币单位"})  # a label whose value is the money unit
LABEL_MAX = 20  # the longest label tried


def _is_label(text: str, lex: Lexicon) -> bool:
    return lex.is_header_label(text) or compact(text) in MONEY_LABELS


def label_pairs(text: str, lex: Lexicon) -> list[tuple[str, str]]:
    """``label：value`` pairs of a line that starts with a known label, in order.

    Each colon is tried with the longest known label ending right before it, so a line whose
    spaces were lost (``预算单位:青山县林业站单位:万元``) still splits at 单位.
    """
    flat = halfwidth(clean(text)).replace("：", ":")
    starts: list[tuple[int, int, str]] = []  # (label start, colon, label)
    for i, ch in enumerate(flat):
        if ch != ":":
            continue
        for size in range(min(LABEL_MAX, i), 0, -1):
            label = flat[i - size:i].strip()
            if label and _is_label(label, lex):
                if not starts or i - size > starts[-1][1]:
                    starts.append((i - size, i, label))
                break
    if not starts or flat[:starts[0][0]].strip(" ([（"):
        return []
    ends = [s for s, _, _ in starts[1:]] + [len(flat)]
    return [(label, flat[colon + 1:end].strip()) for (_, colon, label), end in zip(starts, ends)]


def label_run(text: str, lex: Lexicon) -> list[tuple[str, str]]:
    """``编制单位东湖区文化馆项目负责人王某``: known labels, each followed by its value up to the
    next label; the text must start with a label."""
    key = compact(text).replace(":", "")
    found: list[tuple[int, int]] = []  # (start, end) of each label
    i = 0
    while i < len(key):
        size = next((n for n in range(min(LABEL_MAX, len(key) - i), 1, -1) if lex.is_header_label(key[i:i + n])), 0)
        if size:
            found.append((i, i + size))
            i += size
        elif not found:
            return []
        else:
            i += 1
    ends = [start for start, _ in found[1:]] + [len(key)]
    return [(key[a:b], key[b:end]) for (a, b), end in zip(found, ends)]
