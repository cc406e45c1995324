"""Amounts of money, always returned in 万元 (ten-thousand yuan) as the contract requires."""

from __future__ import annotations

import re

from extract.text import compact

TO_WAN = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4, "万": 1.0, "亿": 1e4}
_AMOUNT = re.compile(r"^(-?\d+(?:\.\d+)?)(亿元|万元|千元|元|万|亿)?$")
# A fund named before its amount: 中央衔接推进乡村振兴补助资金(少数民族发展任务)50.
_NAMED_AMOUNT = re.compile(r"^[^\d]*[\u4e00-\u9fff)）](-?\d+(?:\.\d+)?)(亿元|万元|千元|元|万|亿)?$")


def parse_number(text: str | None) -> float | None:
    """A plain printed number such as ``10``, ``１２.５`` or ``1,200``; None for anything else."""
    match = _AMOUNT.match(compact(text).replace(",", "")) if text else None
    return float(match.group(1)) if match and not match.group(2) else None


def to_wan(text: str | None, money_unit: str | None) -> float | None:
    """``"50.00"`` with unit 万元 → 50.0; ``"1,200"`` 元 → 0.12. None when not a plain amount.

    A unit printed with the amount wins over the table's declared unit. Results are rounded to
    6 decimals (0.01 元) so a 元 → 万元 conversion does not print as 0.12000000000000001.
    """
    if not text:
        return None
    key = compact(text).replace(",", "")
    match = _AMOUNT.match(key) or _NAMED_AMOUNT.match(key)
    if not match:
        return None
    unit = match.group(2) or money_unit or "万元"
    return round(float(match.group(1)) * TO_WAN[unit], 6)
