"""Money-unit declarations, read from ``money_units.yaml`` (the one place that lists them).

A goal table prints its amounts in 万元, 元, 千元 or 亿元 and says so in one of many ways:
a unit line (``单位：元``, ``金额单位：人民币元``, ``单位：元（保留两位小数）``), a unit inside
the title (``…绩效目标表（单位：万元）``), a budget label with its unit (``预算数（元）``) or a
cell holding only the unit beside the amount. Reading one of these wrongly makes a budget
10,000 times too large or too small, so the grammar is data, validated when loaded, and a unit
inside ordinary text (``补助标准（元/人）``) never counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from goaltables.extract.text import compact
from goaltables.extract.yamlfile import read_yaml

MONEY_UNITS_PATH = Path(__file__).with_name("money_units.yaml")
_KEYS = {"units", "amount_suffixes", "unit_prefixes", "declaration_words", "not_money_before", "note_words", "search_max_chars",
         "label_max_chars", "budget_label_words", "bare_unit_declares"}


@dataclass(frozen=True)
class MoneyUnits:
    """The validated data and the patterns built from it."""

    to_wan: dict[str, float]  # canonical unit -> factor to 万元
    declaration: re.Pattern[str]  # a whole text that is a declaration
    inside: re.Pattern[str]  # a declaration inside a longer text (title, unit line)
    label: re.Pattern[str]  # a budget label with its unit
    bare: re.Pattern[str]  # a cell holding only a unit
    amount: re.Pattern[str]  # an amount with an optional unit: 1,200元, 50万
    named_amount: re.Pattern[str]  # a fund named before its amount: 中央衔接推进乡村振兴补助资金50
    suffixes: dict[str, str]  # short form after an amount -> unit (万 -> 万元)
    search_max_chars: int
    label_max_chars: int
    budget_label_words: tuple[str, ...]
    bare_unit_declares: bool
    prefixes: tuple[str, ...]

    def unit_of(self, match: re.Match[str]) -> str | None:
        """The canonical unit an ``amount``/``named_amount`` match printed, or None."""
        if match.group("unit"):
            return self.canonical(match.group("unit"))
        return self.suffixes[match.group("short")] if match.group("short") else None

    def canonical(self, printed: str) -> str:
        """``人民币元`` → ``元``."""
        for prefix in self.prefixes:
            printed = printed.removeprefix(prefix)
        return printed


def _alternatives(words: list[str]) -> str:
    """A regex alternation, longest first so 万元 wins over 元."""
    return "|".join(re.escape(compact(w)) for w in sorted(words, key=len, reverse=True))


def _strings(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{MONEY_UNITS_PATH.name}: {key} must be a non-empty list of words, got {value!r}")
    return value


def _positive_int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{MONEY_UNITS_PATH.name}: {key} must be a positive whole number, got {value!r}")
    return value


def _units(data: dict[str, Any]) -> dict[str, float]:
    units = data.get("units")
    if not isinstance(units, dict) or "万元" not in units:
        raise ValueError(f"{MONEY_UNITS_PATH.name}: units must map each unit to its value in 万元, 万元 included")
    for name, factor in units.items():
        if not isinstance(factor, int | float) or isinstance(factor, bool) or factor <= 0:
            raise ValueError(f"{MONEY_UNITS_PATH.name}: unit {name!r} needs a positive factor to 万元, got {factor!r}")
    if units["万元"] != 1:
        raise ValueError(f"{MONEY_UNITS_PATH.name}: 万元 must have the factor 1, got {units['万元']!r}")
    return {str(name): float(factor) for name, factor in units.items()}


def _suffixes(data: dict[str, Any], units: dict[str, float]) -> dict[str, str]:
    value = data.get("amount_suffixes") or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and v in units for k, v in value.items()):
        raise ValueError(f"{MONEY_UNITS_PATH.name}: amount_suffixes must map short forms to units listed under "
                         f"units, got {value!r}")
    return {compact(k): v for k, v in value.items()}


def build(data: Any) -> MoneyUnits:
    """Validate the loaded YAML and build the patterns; every problem names its key."""
    if not isinstance(data, dict):
        raise ValueError(f"{MONEY_UNITS_PATH.name}: expected a mapping of settings, got {type(data).__name__}")
    if unknown := set(data) - _KEYS:
        raise ValueError(f"{MONEY_UNITS_PATH.name}: unknown keys {sorted(unknown)}; expected {sorted(_KEYS)}")
    units = _units(data)
    prefixes = _strings(data, "unit_prefixes")
    unit = f"(?:{_alternatives(prefixes)})?(?P<unit>{_alternatives(list(units))})"
    word = _alternatives(_strings(data, "declaration_words"))
    not_before = "".join(f"(?<!{re.escape(w)})" for w in _strings(data, "not_money_before"))
    note = rf"(?:\((?:[^()]*(?:{_alternatives(_strings(data, 'note_words'))})[^()]*)\))?"
    head = rf"{not_before}(?:{word}):?\(?{unit}\)?"
    suffixes = _suffixes(data, units)
    number = r"(?P<number>-?\d+(?:\.\d+)?)"
    tail = rf"(?:{unit}|(?P<short>{_alternatives(list(suffixes))}))?" if suffixes else rf"(?:{unit})?(?P<short>(?!))?"
    bare_declares = data.get("bare_unit_declares")
    if not isinstance(bare_declares, bool):
        raise ValueError(f"{MONEY_UNITS_PATH.name}: bare_unit_declares must be true or false, got {bare_declares!r}")
    return MoneyUnits(
        to_wan=units,
        declaration=re.compile(rf"\(?{head}{note}\)?:?"),
        # inside a longer text the unit must end there: 单位:元氏县 (a county) is no declaration
        inside=re.compile(rf"{head}(?=$|[()\[\],;:.。、】])"),
        label=re.compile(rf"(?P<label>.*)\({unit}\):?"),
        bare=re.compile(rf"\(?{unit}\)?:?"),
        amount=re.compile(rf"^{number}{tail}$"),
        named_amount=re.compile(rf"^[^\d]*[\u4e00-\u9fff)）]{number}{tail}$"),
        suffixes=suffixes,
        search_max_chars=_positive_int(data, "search_max_chars"),
        label_max_chars=_positive_int(data, "label_max_chars"),
        budget_label_words=tuple(compact(w) for w in _strings(data, "budget_label_words")),
        bare_unit_declares=bare_declares,
        prefixes=tuple(compact(p) for p in prefixes),
    )


@cache
def money_units() -> MoneyUnits:
    """The packaged money-unit data, loaded and validated once per process."""
    try:
        data = read_yaml(MONEY_UNITS_PATH)
    except yaml.YAMLError as exc:
        raise ValueError(f"{MONEY_UNITS_PATH.name}: not valid YAML ({exc})") from None
    return build(data)


def money_unit_in(text: str) -> str | None:
    """The money unit a cell, paragraph or title declares (``元``, ``万元``, …), or None.

    Only a declaration counts: a whole unit line, a short budget label with its unit, a cell
    holding only a unit, or a unit line inside a short text such as a title. A unit in
    ordinary text (``困难职工补助(元/人)``) says nothing about the table's amounts, and taking
    it would silently divide every budget by 10,000.
    """
    mu = money_units()
    key = compact(text)
    if not key:
        return None
    if match := mu.declaration.fullmatch(key):
        return mu.canonical(match.group("unit"))
    if mu.bare_unit_declares and (match := mu.bare.fullmatch(key)):
        return mu.canonical(match.group("unit"))
    if (match := mu.label.fullmatch(key)) and _is_budget_label(match.group("label").rstrip(":"), mu):
        return mu.canonical(match.group("unit"))
    if len(key) <= mu.search_max_chars and (match := mu.inside.search(key)):
        return mu.canonical(match.group("unit"))
    return None


def _is_budget_label(label: str, mu: MoneyUnits) -> bool:
    return 0 < len(label) <= mu.label_max_chars and any(w in label for w in mu.budget_label_words)


def without_unit_declaration(text: str) -> str:
    """``青山县林业站 金额单位:万元`` → ``青山县林业站``: a unit line
    printed in the same cell as a name is not part of the name."""
    mu = money_units()
    key = compact(text)
    match = mu.inside.search(key) if len(key) <= mu.search_max_chars else None
    if not match or match.start() == 0 or key[match.end():].strip("()（）"):
        return text
    cut = text.rfind(key[match.start():match.start() + 2])  # the declaration's first two characters
    return text[:cut].rstrip(" \t:：(（") if cut > 0 else text


def unit_alternatives() -> str:
    """Every unit the data knows as one regex alternation (longest first), for code that must
    recognise a unit suffix such as 预算数（千元） without declaring it."""
    return _alternatives(list(money_units().to_wan))


def to_wan_factor(unit: str) -> float:
    """How many 万元 one ``unit`` is (元 → 0.0001); KeyError for a unit not in the data."""
    return money_units().to_wan[unit]
