"""Amounts of money, always returned in 万元 (ten-thousand yuan) as the contract requires.

The units and their factors (元 = 0.0001 万元, 千元 = 0.1, 亿元 = 10000) and the short forms
after an amount (50万, 2亿) come from ``extract/parser/money_units.yaml``, the same data that
recognises unit declarations, so a unit the parser can read is always one this module converts.
"""

from __future__ import annotations

import re

from extract.parser.money_unit import money_units
from extract.text import compact

DEFAULT_UNIT = "万元"  # assumed when a table declares none (and reported as money_unit_assumed)


def _match(key: str) -> re.Match[str] | None:
    return money_units().amount.match(key)


def parse_number(text: str | None) -> float | None:
    """A plain printed number such as ``10``, ``１２.５`` or ``1,200``; None for anything else."""
    match = _match(compact(text).replace(",", "")) if text else None
    return float(match.group("number")) if match and money_units().unit_of(match) is None else None


def to_wan(text: str | None, money_unit: str | None) -> float | None:
    """``"50.00"`` with unit 万元 → 50.0; ``"1,200"`` 元 → 0.12; ``"30千元"`` → 3.0; a fund named
    before its amount (``中央衔接推进乡村振兴补助资金50``) → 50.0. None when not an amount.

    A unit printed with the amount wins over the table's declared unit. Results are rounded to
    6 decimals (0.01 元) so a 元 → 万元 conversion does not print as 0.12000000000000001.
    """
    if not text:
        return None
    mu = money_units()
    key = compact(text).replace(",", "")
    match = _match(key) or mu.named_amount.match(key)
    if not match:
        return None
    unit = mu.unit_of(match) or money_unit or DEFAULT_UNIT
    return round(float(match.group("number")) * mu.to_wan[unit], 6)
