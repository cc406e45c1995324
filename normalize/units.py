"""Canonical units (``units.yaml``): one spelling per unit, so analysts can group by it.

The same unit is printed many ways (``％`` and ``%``, ``天`` and ``日``, ``㎡`` and ``m2``), in
the target cell itself or in a 度量单位/计量单位 column. ``canonical_unit`` maps every known
spelling to one form and says None for anything else, rather than passing unknown text through:
an unknown unit that looks canonical would be worse than a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from goaltables.extract.text import compact
from goaltables.extract.yamlfile import read_yaml

UNITS_PATH = Path(__file__).with_name("units.yaml")
_BRACKETS = ("()", "[]", "【】", "〔〕")


@dataclass(frozen=True)
class UnitTable:
    aliases: dict[str, str]  # matching key -> canonical unit
    kinds: dict[str, str]  # canonical unit -> kind (count, time, ratio, money, …)
    none_words: frozenset[str]


@cache
def unit_table() -> UnitTable:
    """Load ``units.yaml`` once; a duplicate alias is a data error, so it fails loudly."""
    data = read_yaml(UNITS_PATH)
    aliases: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for entry in data["units"]:
        unit = str(entry["unit"])
        kinds[unit] = entry["kind"]
        for spelling in (unit, *map(str, entry["aliases"])):
            key = compact(spelling)
            if aliases.setdefault(key, unit) != unit:
                raise ValueError(f"{UNITS_PATH.name}: {spelling!r} is an alias of two units")
    none_words = frozenset(compact(str(word)) for word in data["none_words"])
    return UnitTable(aliases=aliases, kinds=kinds, none_words=none_words)


@cache
def unit_spellings() -> tuple[str, ...]:
    """Every known spelling, longest first, so a regex alternation prefers 万人次 over 万 or 人."""
    return tuple(sorted(unit_table().aliases, key=lambda s: (-len(s), s)))


def _key(text: str) -> str:
    """Width-folded, whitespace-free text without a ``单位：`` prefix or one pair of brackets."""
    key = compact(text).removeprefix("单位:").removeprefix("单位")
    for pair in _BRACKETS:
        if len(key) > 2 and key[0] == pair[0] and key[-1] == pair[1]:
            return key[1:-1]
    return key


def _compound(key: str) -> str | None:
    """``元/人`` or ``次/年``: canonical when both sides are known units."""
    parts = key.split("/")
    if len(parts) != 2:
        return None
    aliases = unit_table().aliases
    top, bottom = aliases.get(parts[0]), aliases.get(parts[1])
    return f"{top}/{bottom}" if top and bottom else None


@lru_cache(maxsize=4096)
def canonical_unit(text: str | None) -> str | None:
    """The canonical unit for a printed unit, or None when the text is empty, "-", "无" or unknown."""
    if text is None:
        return None
    key = _key(text)
    table = unit_table()
    if not key or key in table.none_words:
        return None
    return table.aliases.get(key) or _compound(key)


def is_unit(text: str) -> bool:
    """True when ``text`` names a known unit (so a realigner can tell a unit cell from a value)."""
    return canonical_unit(text) is not None


def unit_kind(unit: str | None) -> str | None:
    """The kind of a canonical unit (``count``, ``time``, ``ratio``, ``money``, …); compounds are ``rate``."""
    if unit is None:
        return None
    if "/" in unit and unit not in unit_table().kinds:
        return "rate"
    return unit_table().kinds.get(unit)
