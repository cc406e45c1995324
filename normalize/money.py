"""Amounts of money, always returned in 万元 (ten-thousand yuan) as the contract requires.

The units and their factors (元 = 0.0001 万元, 千元 = 0.1, 亿元 = 10000) come from
``extract/parser/money_units.yaml``, the same data that recognises their declarations, so a
unit the parser can read is always one this module can convert.
"""

from __future__ import annotations

import re

from extract.parser.money_unit import money_units
from extract.text import compact

DEFAULT_UNIT = "万元"  # assumed when a table declares none (and reported as money_unit_assumed)


def _match(text: str) -> re.Match[str] | None:
    return money_units().amount.match(compact(text).replace(",", ""))


def parse_number(text: str | None) -> float | None:
    """A plain printed number such as ``10``, ``１２.５`` or ``1,200``; None for anything else."""
    match = _match(text) if text else None
    return float(match.group("number")) if match and not match.group("unit") else None


def to_wan(text: str | None, money_unit: str | None) -> float | None:
    """``"50.00"`` with unit 万元 → 50.0; ``"1,200"`` 元 → 0.12; ``"30千元"`` → 3.0. None when
    not a plain amount.

    A unit printed with the amount wins over the table's declared unit. Results are rounded to
    6 decimals (0.01 元) so a 元 → 万元 conversion does not print as 0.12000000000000001.
    """
    if not text:
        return None
    match = _match(text)
    if not match:
        return None
    mu = money_units()
    unit = mu.canonical(match.group("unit")) if match.group("unit") else money_unit or DEFAULT_UNIT
    return round(float(match.group("number")) * mu.to_wan[unit], 6)
