"""Plain-text tables that line up in a terminal with Chinese text (wide characters count 2)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

MAX_CELL = 40  # terminal columns; longer cells are cut with …


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cell(value: Any) -> str:
    """A value as shown in a table or CSV: NULL as empty, exact decimals without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f").rstrip("0")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return str(value).replace("\n", " ")


def _cut(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * (size - width(text))
    return gap + text if right else text + gap


def render(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns and rows as an aligned text table; numbers right-aligned."""
    texts = [[_cut(cell(v), MAX_CELL) for v in row] for row in rows]
    numeric = [all(isinstance(r[i], (int, float, Decimal)) or r[i] is None for r in rows) and bool(rows)
               for i in range(len(columns))]
    sizes = [max([width(c), *(width(t[i]) for t in texts)]) for i, c in enumerate(columns)]
    line = "  ".join("-" * s for s in sizes)
    head = "  ".join(_pad(c, s, n) for c, s, n in zip(columns, sizes, numeric))
    body = ["  ".join(_pad(t, s, n) for t, s, n in zip(row, sizes, numeric)) for row in texts]
    return "\n".join([head, line, *body]) + "\n"
