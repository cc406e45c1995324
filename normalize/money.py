"""Amounts of money, always returned in 万元 (ten-thousand yuan) as the contract requires."""

from __future__ import annotations

import re
from decimal import Decimal

from extract.text import compact

TO_WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000),
          "万": Decimal(1), "亿": Decimal(10000)}
MONEY_QUANTUM = Decimal("0.000001")  # 6 decimals of 万元 = 0.01 元: the output's decimal(18, 6)
MONEY_LIMIT = Decimal(10) ** 12  # decimal(18, 6) holds 12 integer digits
_AMOUNT = re.compile(r"^(-?\d+(?:\.\d+)?)(亿元|万元|千元|元|万|亿)?$")
# A fund named before its amount: 中央衔接推进乡村振兴补助资金(少数民族发展任务)50.
_NAMED_AMOUNT = re.compile(r"^[^\d]*[\u4e00-\u9fff)）](-?\d+(?:\.\d+)?)(亿元|万元|千元|元|万|亿)?$")


def parse_number(text: str | None) -> float | None:
    """A plain printed number such as ``10``, ``１２.５`` or ``1,200``; None for anything else."""
    match = _AMOUNT.match(compact(text).replace(",", "")) if text else None
    return float(match.group(1)) if match and not match.group(2) else None


def to_wan(text: str | None, money_unit: str | None) -> Decimal | None:
    """``"50.00"`` with unit 万元 → Decimal("50.000000"); ``"1,200"`` 元 → Decimal("0.120000").
    None when not a plain amount (or too large for the output's decimal(18, 6)).

    A unit printed with the amount wins over the table's declared unit. Decimal arithmetic from
    the printed digits keeps amounts exact, so sums of printed amounts equal printed totals;
    results are quantized to 6 decimals (0.01 元), the scale of the output columns.
    """
    if not text:
        return None
    key = compact(text).replace(",", "")
    match = _AMOUNT.match(key) or _NAMED_AMOUNT.match(key)
    if not match:
        return None
    unit = match.group(2) or money_unit or "万元"
    amount = (Decimal(match.group(1)) * TO_WAN[unit]).quantize(MONEY_QUANTUM)
    return amount if abs(amount) < MONEY_LIMIT else None


def show(amount: Decimal | float) -> str:
    """An amount for a message: ``543.98``, ``100``, never ``543.980000`` or ``1E+2``."""
    if isinstance(amount, Decimal):
        text = format(amount.normalize(), "f")
        return text
    return f"{amount:g}"
