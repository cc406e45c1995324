"""The header lexicon (``lexicon.yaml``) loaded once into lookup tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from extract.goaltable import FORM_FIELDS, ROW_FIELDS
from extract.text import compact

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
_MONEY_UNIT = re.compile(r"(?:单位:|\()(亿元|万元|元)\)?")


@dataclass(frozen=True)
class Lexicon:
    grid: dict[str, str]  # compact header -> RawRow field
    form: dict[str, str]  # compact label -> FormFields field
    budget_groups: dict[str, str]
    subtotals: frozenset[str]
    spending_plan: frozenset[str]
    title_markers: tuple[str, ...]
    overall_markers: tuple[str, ...]
    non_indicator: tuple[str, ...]
    value_types: frozenset[str]

    @cached_property
    def all_labels(self) -> frozenset[str]:
        """Every header-block label in compact form (built once: it is asked per header row)."""
        return frozenset(self.form) | frozenset(self.budget_groups) | self.subtotals | self.spending_plan

    def grid_role(self, text: str) -> str | None:
        return self.grid.get(compact(text))

    def form_role(self, text: str) -> str | None:
        key = compact(text).rstrip(":")
        return self.form.get(key) or self.form.get(key.removeprefix("其中:"))

    def is_title(self, text: str) -> bool:
        key = compact(text)
        return any(m in key for m in self.title_markers) and len(key) < 200

    def is_overall(self, title: str) -> bool:
        return any(m in compact(title) for m in self.overall_markers)

    def is_non_indicator(self, text: str) -> bool:
        return compact(text).startswith(self.non_indicator)  # a tuple: any of the markers


def money_unit_in(text: str) -> str | None:
    """The money unit a label or unit line declares: ``单位：万元``, ``预算金额（万元）``."""
    match = _MONEY_UNIT.search(compact(text))
    return match.group(1) if match else None


def _invert(groups: dict[str, list[str]], allowed: tuple[str, ...], section: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for role, aliases in groups.items():
        if role not in allowed:
            raise ValueError(f"{LEXICON_PATH.name}: {section} has unknown field {role!r}")
        for alias in aliases:
            table[compact(alias)] = role
    return table


@cache
def lexicon() -> Lexicon:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    return Lexicon(
        grid=_invert(data["grid_columns"], ROW_FIELDS, "grid_columns"),
        form=_invert(data["form_fields"], FORM_FIELDS, "form_fields"),
        budget_groups=_invert(data["budget_groups"], FORM_FIELDS, "budget_groups"),
        subtotals=frozenset(compact(s) for s in data["subtotal_labels"]),
        spending_plan=frozenset(compact(s) for s in data["spending_plan_labels"]),
        title_markers=tuple(compact(s) for s in data["title_markers"]),
        overall_markers=tuple(compact(s) for s in data["overall_markers"]),
        non_indicator=tuple(compact(s) for s in data["non_indicator_blocks"]),
        value_types=frozenset(data["value_type_words"]),
    )
