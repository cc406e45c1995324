"""The header lexicon (``lexicon.yaml``) loaded into lookup tables, validated on load.

Users extend it without a release (``goaltables extract --lexicon extra.yaml``): an extra file
has the same layout and its lists are appended to the built-in ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from goaltables.extract.errors import ConfigError
from goaltables.extract.goaltable import FORM_FIELDS, GRID_ROLES
from goaltables.extract.parser.money_unit import money_unit_in, unit_alternatives  # noqa: F401 - re-exported for the parser
from goaltables.extract.text import compact
from goaltables.extract.yamlfile import read_yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
_UNIT = f"({unit_alternatives()})"  # every unit of money_units.yaml
# A budget label carrying its unit: 预算数（万元）, 其中：财政资金（万元）, 资金总额(元).
_LABEL_UNIT = re.compile(rf"(.*)\({_UNIT}\):?")
_UNIT_IN_HEADING = re.compile(rf"\S\((?:金额)?单位:{_UNIT}\)$")
# A title ends with 表, perhaps in quotes or brackets, or with a short bracketed qualifier:
# …绩效目标表（2025年度）, 绩效目标表(政府性基金).
_TITLE_END = re.compile(r"表(?:[)\]】」』〕》\"”’':]*|\([^()]{1,20}\):?)$")
# Decorations of a grid header cell that do not change its meaning: *指标值, 2024年目标值,
# 年初目标值(A), 分值(分). The year is kept apart: it tells last year's column from this year's.
_HEADER_YEAR = re.compile(r"(?:19|20)\d{2}年度?")
_HEADER_NOTE = re.compile(r"\([^()]{0,8}\)$")
_SECTIONS = {"grid_columns", "ambiguous_grid_columns", "grid_phases", "form_fields", "budget_ranks",
                    "budget_columns", "label_decorations", "budget_groups", "subtotal_labels",
                    "other_form_labels", "spending_plan_labels", "title_markers", "overall_markers",
                    "self_evaluation_markers", "non_indicator_blocks", "value_type_words", "operator_words",
             "section_markers", "form_patterns"}
OPERATORS = (">=", "<=", ">", "<", "=")
PHASES = ("long_term", "annual")


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """Candidate roles of a grid header cell, best first, and how strong the evidence is."""

    roles: tuple[str, ...]
    strength: float  # 3 exact, 2 without decorations, 1 a listed word inside the header
    year: int | None  # a year printed in the header (2023年实际完成值)


@dataclass(frozen=True)
class Lexicon:
    grid: dict[str, str]  # compact header -> grid role
    ambiguous: dict[str, tuple[str, ...]]  # compact header -> candidate roles, best first
    phases: dict[str, str]  # compact grid title -> long_term / annual
    form: dict[str, str]  # compact label -> FormFields field
    budget_ranks: dict[str, int]
    budget_columns: dict[str, int]  # compact column label -> preference (lower wins)
    non_budget_columns: frozenset[str]
    decorations: tuple[str, ...]
    budget_groups: dict[str, str]
    subtotals: frozenset[str]
    spending_plan: frozenset[str]
    title_markers: tuple[str, ...]
    overall_markers: tuple[str, ...]
    self_evaluation_markers: tuple[str, ...]
    non_indicator: tuple[str, ...]
    value_types: frozenset[str]
    operators: dict[str, str]  # compact word -> operator
    other_form_labels: frozenset[str] = frozenset()
    section_markers: tuple[str, ...] = ()
    form_patterns: tuple[tuple[re.Pattern[str], str], ...] = ()

    def is_section_heading(self, text: str) -> bool:
        """An attachment or another table's heading (附：…, …（单位：万元）): the grid above is over."""
        key = compact(text)
        return key.startswith(self.section_markers) or bool(_UNIT_IN_HEADING.search(key))

    @cached_property
    def all_labels(self) -> frozenset[str]:
        """Every header-block label in compact form (built once: it is asked per header row)."""
        return (frozenset(self.form) | frozenset(self.budget_groups) | self.subtotals | self.spending_plan
                | self.other_form_labels | frozenset(self.budget_columns) | self.non_budget_columns)

    @cached_property
    def _grid_words(self) -> list[tuple[str, tuple[str, ...]]]:
        """Header words longest first, for the weakest match (a listed word inside a header)."""
        words = {w: (r,) for w, r in self.grid.items()} | self.ambiguous
        return sorted(((w, r) for w, r in words.items() if len(w) >= 3), key=lambda wr: -len(wr[0]))

    def header_match(self, text: str) -> HeaderMatch | None:
        """The roles a grid header cell can stand for, or None when it names no known column."""
        key = compact(text)
        if not key:
            return None
        if roles := self._exact(key):
            return HeaderMatch(roles, 3.0, None)
        year_match = _HEADER_YEAR.search(key)
        bare = _HEADER_NOTE.sub("", _HEADER_YEAR.sub("", key.strip("*").lstrip("※"))).strip("*:")
        year = int(year_match.group()[:4]) if year_match else None
        if bare and (roles := self._exact(bare)):
            return HeaderMatch(roles, 2.0, year)
        if len(bare) <= 12:
            for word, roles in self._grid_words:
                if word in bare:
                    return HeaderMatch(roles, 1.0, year)
        return None

    def _exact(self, key: str) -> tuple[str, ...]:
        if key in self.ambiguous:
            return self.ambiguous[key]
        return (self.grid[key],) if key in self.grid else ()

    def phase_of(self, text: str) -> str | None:
        """``long_term`` or ``annual`` for a row naming the grid below it (长期绩效指标)."""
        return self.phases.get(self.label_key(text))

    def operator_of(self, text: str) -> str | None:
        return self.operators.get(compact(text))

    def label_key(self, text: str) -> str:
        """A header-block label's matching key: compact, without 盖章-style decorations,
        a trailing colon or a leading *."""
        return self._cached_label_key(text)

    def form_role(self, text: str) -> str | None:
        """The form field a label names; a unit suffix (``预算数（万元）``) does not change it."""
        return self._cached_form_role(text)

    @cached_property
    def _cached_label_key(self) -> Callable[[str], str]:
        """``label_key`` remembered: the same labels recur in every file, cell after cell."""
        return lru_cache(maxsize=16384)(self._label_key)

    @cached_property
    def _cached_form_role(self) -> Callable[[str], str | None]:
        return lru_cache(maxsize=16384)(self._form_role)

    def _label_key(self, text: str) -> str:
        key = compact(text).rstrip(":").lstrip("*")
        for decoration in self.decorations:
            key = key.replace(decoration, "")
        return key.rstrip(":")

    def _form_role(self, text: str) -> str | None:
        key = self.label_key(text)
        if match := _LABEL_UNIT.fullmatch(key):
            key = match.group(1).rstrip(":")
        bare = key.removeprefix("其中:")
        return self.form.get(key) or self.form.get(bare) or next(
            (role for pattern, role in self.form_patterns if pattern.fullmatch(bare)), None)

    def budget_rank(self, text: str) -> int:
        key = self.label_key(text)
        if match := _LABEL_UNIT.fullmatch(key):
            key = match.group(1).rstrip(":")
        return self.budget_ranks.get(key, self.budget_ranks.get(key.removeprefix("其中:"), 1))

    def is_title(self, text: str) -> bool:
        key = compact(text)
        return any(m in key for m in self.title_markers) and len(key) < 200

    def is_title_paragraph(self, text: str) -> bool:
        """A title paragraph names the table: it ends with 表 (``…绩效目标表：``), unlike a note
        that only mentions 绩效目标申报."""
        return self.is_title(text) and bool(_TITLE_END.search(compact(text)))

    def is_overall(self, title: str) -> bool:
        return any(m in compact(title) for m in self.overall_markers)

    def is_self_evaluation(self, title: str) -> bool:
        return any(m in compact(title) for m in self.self_evaluation_markers)

    def is_non_indicator(self, text: str) -> bool:
        key = compact(text)
        return bool(key) and (key.startswith(self.non_indicator) or self.label_key(text).startswith(self.non_indicator))

    def is_header_label(self, text: str) -> bool:
        """A header-block label by meaning (form field, budget group, subtotal, spending plan, other)."""
        key = self.label_key(text)
        if not key:
            return False
        if match := _LABEL_UNIT.fullmatch(key):
            key = match.group(1).rstrip(":")
        return bool(self.form_role(text) or key in self.all_labels or key.removeprefix("其中:") in self.all_labels)


def _words(data: dict[str, Any], section: str) -> list[str]:
    value = data.get(section, [])
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ConfigError(f"lexicon: {section} must be a list of words")
    return [str(v) for v in value]


def _groups(data: dict[str, Any], section: str, allowed: tuple[str, ...] | None) -> dict[str, list[str]]:
    groups = data.get(section, {}) or {}
    if not isinstance(groups, dict):
        raise ConfigError(f"lexicon: {section} must map names to lists of words")
    out: dict[str, list[str]] = {}
    for name, words in groups.items():
        name = str(name)
        if allowed is not None and name not in allowed:
            raise ConfigError(f"lexicon: {section} has unknown name {name!r} (known: {', '.join(allowed)})")
        out[name] = _words(groups, name)
    return out


def _invert(groups: dict[str, list[str]]) -> dict[str, str]:
    return {compact(word): name for name, words in groups.items() for word in words}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists are appended, mappings merged key by key; the extra file cannot remove anything."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *value]
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        data = read_yaml(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"lexicon {path}: cannot be read ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"lexicon {path}: expected a mapping of sections")
    if unknown := sorted(set(data) - _SECTIONS):
        raise ConfigError(f"lexicon {path}: unknown section(s) {', '.join(unknown)}")
    return data


def _ambiguous(data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for word, roles in _groups(data, "ambiguous_grid_columns", None).items():
        if unknown := [r for r in roles if r not in GRID_ROLES]:
            raise ConfigError(f"lexicon: ambiguous_grid_columns {word!r} has unknown role(s) {unknown}")
        out[compact(word)] = tuple(roles)
    return out


def _ranks(data: dict[str, Any]) -> dict[str, int]:
    ranks = data.get("budget_ranks", {}) or {}
    if not isinstance(ranks, dict) or not all(isinstance(k, int) for k in ranks):
        raise ConfigError("lexicon: budget_ranks must map whole numbers to lists of labels")
    return {compact(w).removeprefix("其中:"): int(rank) for rank, words in ranks.items()
            for w in _words(ranks, rank)}


def _patterns(data: dict[str, Any]) -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for role, patterns in _groups(data, "form_patterns", FORM_FIELDS).items():
        for pattern in patterns:
            try:
                out.append((re.compile(pattern), role))
            except re.error as exc:
                raise ConfigError(f"lexicon: form_patterns {role}: {pattern!r} is not a regular expression ({exc})") from None
    return tuple(out)


def _operators(data: dict[str, Any]) -> dict[str, str]:
    return _invert(_groups(data, "operator_words", OPERATORS))


def build(data: dict[str, Any]) -> Lexicon:
    """A validated ``Lexicon`` from the parsed YAML; ``ConfigError`` names what is wrong."""
    columns = _groups(data, "budget_columns", ("budget", "other"))
    return Lexicon(
        grid=_invert(_groups(data, "grid_columns", GRID_ROLES)),
        ambiguous=_ambiguous(data),
        phases=_invert(_groups(data, "grid_phases", PHASES)),
        form=_invert(_groups(data, "form_fields", FORM_FIELDS)),
        budget_ranks=_ranks(data),
        budget_columns={compact(w): i for i, w in enumerate(columns.get("budget", []))},
        non_budget_columns=frozenset(compact(w) for w in columns.get("other", [])),
        decorations=tuple(compact(s) for s in _words(data, "label_decorations")),
        budget_groups=_invert(_groups(data, "budget_groups", FORM_FIELDS)),
        subtotals=frozenset(compact(s) for s in _words(data, "subtotal_labels")),
        spending_plan=frozenset(compact(s) for s in _words(data, "spending_plan_labels")),
        title_markers=tuple(compact(s) for s in _words(data, "title_markers")),
        overall_markers=tuple(compact(s) for s in _words(data, "overall_markers")),
        self_evaluation_markers=tuple(compact(s) for s in _words(data, "self_evaluation_markers")),
        non_indicator=tuple(compact(s) for s in _words(data, "non_indicator_blocks")),
        value_types=frozenset(_words(data, "value_type_words")),
        operators=_operators(data),
        other_form_labels=frozenset(compact(s) for s in _words(data, "other_form_labels")),
        section_markers=tuple(compact(s) for s in _words(data, "section_markers")),
        form_patterns=_patterns(data),
    )


@cache
def lexicon(extra: Path | None = None) -> Lexicon:
    """The built-in lexicon, extended by ``extra`` when given (``--lexicon extra.yaml``)."""
    data = _read(LEXICON_PATH)
    if extra is not None:
        data = _merge(data, _read(extra))
    return build(data)
