"""Inline SVG bar charts: no JavaScript library, no network, readable when printed or mailed.

A chart is a few rectangles and labels computed here, so the report opens the same on an
offline machine in a finance bureau as on the author's laptop, and its numbers are in the
page's text (``data-value``) where a test can read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from goaltables.pipelines.textgrid import width as text_width

PALETTE = ("#2f6db5", "#e08a2e", "#3d9a6b", "#b8453c", "#7a5bb5", "#8c8c8c")
BAR, GAP, LABEL_PX, VALUE_PX, CHART_PX = 20, 6, 210, 110, 720
CHAR_PX = 7  # average width of a narrow character at 13px


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: Decimal | int | float
    shown: str  # the value as printed beside the bar
    color: int = 0  # index into PALETTE
    title: str | None = None  # tooltip (the full label, code, …)


def bars(items: Sequence[Bar], caption: str) -> str:
    """A horizontal bar chart, longest bar = full width; labels cut to fit with …"""
    if not items:
        return ""
    top = max((float(b.value) for b in items), default=0.0) or 1.0
    span = CHART_PX - LABEL_PX - VALUE_PX
    height = len(items) * (BAR + GAP) + GAP
    parts = [f'<svg class="chart" role="img" aria-label="{escape(caption)}" viewBox="0 0 {CHART_PX} {height}" '
             f'width="{CHART_PX}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, b in enumerate(items):
        y = GAP + i * (BAR + GAP)
        length = max(span * float(b.value) / top, 1.0) if b.value else 0.0
        tip = escape(b.title or b.label)
        parts.append(
            f'<g><title>{tip}: {escape(b.shown)}</title>'
            f'<text x="{LABEL_PX - 8}" y="{y + BAR * 0.72:.1f}" text-anchor="end">{escape(_fit(b.label))}</text>'
            f'<rect x="{LABEL_PX}" y="{y}" width="{length:.1f}" height="{BAR}" rx="2" '
            f'fill="{PALETTE[b.color % len(PALETTE)]}"/>'
            f'<text class="v" x="{LABEL_PX + length + 6:.1f}" y="{y + BAR * 0.72:.1f}">{escape(b.shown)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fit(label: str, limit: int = (LABEL_PX - 14) // CHAR_PX) -> str:
    if text_width(label) <= limit:
        return label
    out, used = "", 0
    for ch in label:
        used += text_width(ch)
        if used > limit - 1:
            return out + "…"
        out += ch
    return out


def legend(names: Sequence[str]) -> str:
    items = "".join(f'<span class="key"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{escape(n)}</span>'
                    for i, n in enumerate(names))
    return f'<div class="legend">{items}</div>'
