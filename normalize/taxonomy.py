"""Map printed 一级/二级 labels onto the canonical codes of ``taxonomy.yaml``.

Matching runs from strict to loose and records which step matched (``exact``, ``stripped``),
so analysts can filter out the guesses. A label no step matches keeps its raw text and gets a
finding; it is never forced onto the nearest code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from extract.text import compact

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
FRAMEWORKS_OF_KIND = {"project": {"project_2015", "project_2021"}, "overall": {"overall"}}
_NUMBERING = re.compile(r"^(?:[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十\d]+[、.:])")
_TRAILING_LIST = re.compile(r"[(][^()]*[)]$")


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    label: str
    level: int
    aliases: tuple[str, ...]
    frameworks: frozenset[str]
    parents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Match:
    code: str | None
    method: str | None  # "exact", "stripped", "inferred"; None when unmatched
    score: float  # 1.0 for exact and stripped matches, 0.0 when unmatched


NO_MATCH = Match(None, None, 0.0)


def strip_decorations(label: str) -> str:
    """``一、产出指标（数量、质量…）`` → ``产出``: the part that carries the meaning."""
    key = compact(label)
    key = _NUMBERING.sub("", key)
    key = _TRAILING_LIST.sub("", key)
    return key.removesuffix("指标") or key


@dataclass
class Taxonomy:
    terms: list[Term]
    _exact: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _stripped: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for name in (term.label, term.code, *term.aliases):
                self._exact.setdefault((term.level, compact(name)), term.code)
                self._stripped.setdefault((term.level, strip_decorations(name)), term.code)

    def match(self, label: str | None, level: int) -> Match:
        if not label:
            return NO_MATCH
        if code := self._exact.get((level, compact(label))):
            return Match(code, "exact", 1.0)
        if code := self._stripped.get((level, strip_decorations(label))):
            return Match(code, "stripped", 1.0)
        return NO_MATCH

    def levels(self, text: str) -> frozenset[int]:
        """Part of the parser's ``Vocabulary``: the levels a label can stand at."""
        return frozenset(level for level in (1, 2) if self.match(text, level).code)

    def is_unit(self, text: str) -> bool:
        """Part of the parser's ``Vocabulary``."""
        from normalize.units import is_unit

        return is_unit(text)

    def parent_of(self, level2_code: str, table_kind: str) -> str | None:
        """The one level-1 code a level-2 code belongs to in this kind of table, if unique."""
        frameworks = FRAMEWORKS_OF_KIND.get(table_kind, set())
        level1 = {t.code: t for t in self.terms if t.level == 1}
        candidates = {
            p for t in self.terms if t.level == 2 and t.code == level2_code for p in t.parents
            if p in level1 and level1[p].frameworks & frameworks
        }
        return candidates.pop() if len(candidates) == 1 else None

    def codes(self, level: int) -> list[str]:
        return [t.code for t in self.terms if t.level == level]


def _terms(data: dict, source: str) -> Iterable[Term]:
    for level, key in ((1, "level1"), (2, "level2")):
        for entry in data.get(key) or []:
            try:
                yield Term(
                    code=entry["code"], label=entry["label"], level=level,
                    aliases=tuple(entry.get("aliases") or ()),
                    frameworks=frozenset(entry.get("frameworks") or ()),
                    parents=tuple(entry.get("parents") or ()),
                )
            except (KeyError, TypeError) as exc:
                raise ValueError(f"{source}: {key} entry {entry!r} lacks {exc}") from None


def load_taxonomy(extra: Path | None = None) -> Taxonomy:
    """The packaged taxonomy, extended by a user's ``extra`` file (same layout)."""
    terms = list(_terms(yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8")), TAXONOMY_PATH.name))
    if extra is not None:
        data = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        # user terms first: their aliases win where they overlap with the packaged ones
        terms = [*_terms(data, str(extra)), *terms]
    return Taxonomy(terms)


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
