"""The header lexicon (``lexicon.yaml``) loaded once into lookup tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from extract.goaltable import FORM_FIELDS, ROW_FIELDS
from extract.parser.money_unit import money_unit_in, unit_alternatives
from extract.text import compact

__all__ = ["Lexicon", "lexicon", "money_unit_in"]  # money_unit_in lives in money_unit.py

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
_UNIT = f"({unit_alternatives()})"
# A budget label carrying its unit: 预算数（万元）, 其中：财政资金（万元）, 资金总额(元).
_LABEL_UNIT = re.compile(rf"(.*)\({_UNIT}\):?")
_TITLE_END = re.compile(r"表[)\]】」』〕》\"”’':]*$")


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
    other_form_labels: frozenset[str] = frozenset()

    @cached_property
    def all_labels(self) -> frozenset[str]:
        """Every header-block label in compact form (built once: it is asked per header row)."""
        return (frozenset(self.form) | frozenset(self.budget_groups) | self.subtotals | self.spending_plan
                | self.other_form_labels)

    def grid_role(self, text: str) -> str | None:
        return self.grid.get(compact(text))

    def form_role(self, text: str) -> str | None:
        """The form field a label names; a unit suffix (``预算数（万元）``) does not change it."""
        key = compact(text).rstrip(":")
        if match := _LABEL_UNIT.fullmatch(key):
            key = match.group(1).rstrip(":")
        return self.form.get(key) or self.form.get(key.removeprefix("其中:"))

    def is_title(self, text: str) -> bool:
        key = compact(text)
        return any(m in key for m in self.title_markers) and len(key) < 200

    def is_title_paragraph(self, text: str) -> bool:
        """A title paragraph names the table: it ends with 表 (``…绩效目标表：``), unlike a note
        that only mentions 绩效目标申报."""
        return self.is_title(text) and bool(_TITLE_END.search(compact(text)))

    def is_overall(self, title: str) -> bool:
        return any(m in compact(title) for m in self.overall_markers)

    def is_non_indicator(self, text: str) -> bool:
        return compact(text).startswith(self.non_indicator)  # a tuple: any of the markers

    def is_header_label(self, text: str) -> bool:
        """A header-block label by meaning (form field, budget group, subtotal, spending plan, other)."""
        key = compact(text)
        return bool(key) and bool(self.form_role(text) or key in self.all_labels)


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
        other_form_labels=frozenset(compact(s) for s in data.get("other_form_labels", [])),
    )
