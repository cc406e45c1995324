"""Amounts of money, always returned in 万元 (ten-thousand yuan) as the contract requires.

The units and their factors (元 = 0.0001 万元, 千元 = 0.1, 亿元 = 10000) and the short forms
after an amount (50万, 2亿) come from ``extract/parser/money_units.yaml``, the same data that
recognises unit declarations, so a unit the parser can read is always one this module converts.
"""

from __future__ import annotations

import re
from decimal import Decimal

from goaltables.extract.parser.money_unit import money_units
from goaltables.extract.text import compact

MONEY_QUANTUM = Decimal("0.000001")  # 6 decimals of 万元 = 0.01 元: the output's decimal(18, 6)
MONEY_LIMIT = Decimal(10) ** 12  # decimal(18, 6) holds 12 integer digits
DEFAULT_UNIT = "万元"  # assumed when a table declares none (and reported as money_unit_assumed)


def _match(key: str) -> re.Match[str] | None:
    return money_units().amount.match(key)


def parse_number(text: str | None) -> float | None:
    """A plain printed number such as ``10``, ``１２.５`` or ``1,200``; None for anything else."""
    match = _match(compact(text).replace(",", "")) if text else None
    return float(match.group("number")) if match and money_units().unit_of(match) is None else None


def to_wan(text: str | None, money_unit: str | None) -> Decimal | None:
    """``"50.00"`` with unit 万元 → Decimal("50.000000"); ``"1,200"`` 元 → Decimal("0.120000");
    ``"30千元"`` → 3; a fund named before its amount (``中央衔接推进乡村振兴补助资金50``) → 50.
    None when not an amount (or too large for the output's decimal(18, 6)).

    A unit printed with the amount wins over the table's declared unit. Decimal arithmetic from
    the printed digits keeps amounts exact, so sums of printed amounts equal printed totals;
    results are quantized to 6 decimals (0.01 元), the scale of the output columns.
    """
    if not text:
        return None
    mu = money_units()
    key = compact(text).replace(",", "")
    match = _match(key) or mu.named_amount.match(key)
    if not match:
        return None
    unit = mu.unit_of(match) or money_unit or DEFAULT_UNIT
    factor = Decimal(str(mu.to_wan[unit]))  # the factor as written in money_units.yaml (0.0001), exactly
    amount = (Decimal(match.group("number")) * factor).quantize(MONEY_QUANTUM)
    return amount if abs(amount) < MONEY_LIMIT else None


def show(amount: Decimal | float) -> str:
    """An amount for a message: ``543.98``, ``100``, never ``543.980000`` or ``1E+2``."""
    if isinstance(amount, Decimal):
        return format(amount.normalize(), "f")
    return f"{amount:g}"
