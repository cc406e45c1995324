"""Map printed 一级/二级 labels onto the canonical codes of ``taxonomy.yaml``, and 三级 names
onto indicator kinds.

Matching runs from strict to loose and records which step matched, so analysts can filter out
the guesses: ``exact`` alias → ``stripped`` (numbering, brackets, 指标 removed) → ``jieba`` (an
alias is a whole word of the label) → ``fuzzy`` (rapidfuzz similarity ≥ ``FUZZY_MIN``). A label
no step matches keeps its raw text and gets a finding; it is never forced onto the nearest code.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jieba
import yaml
from rapidfuzz import fuzz, process

from extract.text import compact

jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO on first use
FUZZY_MIN = 80.0  # rapidfuzz ratio (0-100) below which a label stays unmapped

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
    method: str | None  # "exact", "stripped", "jieba", "fuzzy", "inferred"; None when unmatched
    score: float  # 1.0 for exact and stripped matches, similarity for looser ones, 0.0 unmatched


NO_MATCH = Match(None, None, 0.0)


def strip_decorations(label: str) -> str:
    """``一、产出指标（数量、质量…）`` → ``产出``: the part that carries the meaning."""
    key = compact(label)
    key = _NUMBERING.sub("", key)
    key = _TRAILING_LIST.sub("", key)
    return key.removesuffix("指标") or key


@dataclass(frozen=True, slots=True)
class Kind:
    code: str
    label: str
    keywords: tuple[str, ...]


def _word_match(keyword: str, text: str, words: list[str]) -> bool:
    """Long keywords anywhere; two-character ones only as a whole word or a word's ending."""
    if len(keyword) > 2:
        return keyword in text
    return any(w == keyword or (len(w) > 2 and w.endswith(keyword)) for w in words)


@dataclass
class Taxonomy:
    terms: list[Term]
    kinds: list[Kind] = field(default_factory=list)
    _exact: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _stripped: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _cache: dict[tuple[str, int], Match] = field(default_factory=dict, repr=False)
    _levels: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for name in (term.label, term.code, *term.aliases):
                self._exact.setdefault((term.level, compact(name)), term.code)
                self._stripped.setdefault((term.level, strip_decorations(name)), term.code)

    def match(self, label: str | None, level: int) -> Match:
        """The canonical code of a printed label at ``level`` (1 or 2), with how it was found."""
        if not label:
            return NO_MATCH
        key = (label, level)
        if key not in self._cache:
            self._cache[key] = self._match(label, level)
        return self._cache[key]

    def _strict(self, label: str, level: int) -> Match:
        if code := self._exact.get((level, compact(label))):
            return Match(code, "exact", 1.0)
        if code := self._stripped.get((level, strip_decorations(label))):
            return Match(code, "stripped", 1.0)
        return NO_MATCH

    def _match(self, label: str, level: int) -> Match:
        if (strict := self._strict(label, level)).code:
            return strict
        stripped = strip_decorations(label)
        aliases = {alias: code for (lvl, alias), code in self._stripped.items() if lvl == level}
        words = {w for w in jieba.lcut(stripped) if w in aliases}
        if len({aliases[w] for w in words}) == 1:
            word = max(words, key=len)
            return Match(aliases[word], "jieba", round(len(word) / len(stripped), 3))
        best = process.extractOne(stripped, list(aliases), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if best:
            return Match(aliases[best[0]], "fuzzy", round(best[1] / 100, 3))
        return NO_MATCH

    def indicator_kind(self, name: str | None) -> str | None:
        """What a 三级 indicator measures (``satisfaction_rate``, ``headcount``, …), or None."""
        if not name:
            return None
        if name not in self._kinds:
            self._kinds[name] = self._kind(compact(name))
        return self._kinds[name]

    def _kind(self, text: str) -> str | None:
        words = jieba.lcut(text)
        for kind in self.kinds:
            if any(_word_match(k, text, words) for k in kind.keywords):
                return kind.code
        return None

    def levels(self, text: str) -> frozenset[int]:
        """Part of the parser's ``Vocabulary``: the levels a label can stand at.

        Strict tiers only: the parser asks this of every cell it realigns, and an indicator name
        such as 基层工会满意度 must not pass for a label because it contains one.
        """
        if text not in self._levels:
            self._levels[text] = frozenset(level for level in (1, 2) if self._strict(text, level).code)
        return self._levels[text]

    def is_unit(self, text: str) -> bool:
        """Part of the parser's ``Vocabulary``."""
        from normalize.units import is_unit

        return is_unit(text)

    def compatible(self, level1: str, level2: str) -> bool:
        """Part of the parser's ``Vocabulary``: False only when both labels match strictly and
        the 二级 cannot sit under the 一级 (a 一级 cell missing for a group, not to be filled
        from the group above)."""
        one, two = self._strict(level1, 1).code, self._strict(level2, 2).code
        if not (one and two) or not self._in_frameworks(one, 1, FRAMEWORKS_OF_KIND["project"]):
            return True  # overall tables group their 二级 labels freely
        return self.belongs(two, one)

    def _in_frameworks(self, code: str, level: int, frameworks: set[str]) -> bool:
        return any(t.code == code and t.level == level and t.frameworks & frameworks for t in self.terms)

    def parent_of(self, level2_code: str, table_kind: str) -> str | None:
        """The one level-1 code a level-2 code belongs to in this kind of table, if unique."""
        frameworks = FRAMEWORKS_OF_KIND.get(table_kind, set())
        level1 = {t.code: t for t in self.terms if t.level == 1}
        candidates = {
            p for t in self.terms if t.level == 2 and t.code == level2_code for p in t.parents
            if p in level1 and level1[p].frameworks & frameworks
        }
        return candidates.pop() if len(candidates) == 1 else None

    def belongs(self, level2_code: str, level1_code: str) -> bool:
        """Whether a level-2 code may sit under a level-1 code (True when parents are unknown)."""
        parents = {p for t in self.terms if t.level == 2 and t.code == level2_code for p in t.parents}
        return not parents or level1_code in parents

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


def _kinds(data: dict, source: str) -> Iterable[Kind]:
    for entry in data.get("indicator_kinds") or []:
        try:
            yield Kind(entry["code"], entry["label"], tuple(compact(k) for k in entry["keywords"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{source}: indicator_kinds entry {entry!r} lacks {exc}") from None


def load_taxonomy(extra: Path | None = None) -> Taxonomy:
    """The packaged taxonomy, extended by a user's ``extra`` file (same layout).

    The user's entries come first, so their aliases and kinds win where they overlap.
    """
    sources = [(yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8")), TAXONOMY_PATH.name)]
    if extra is not None:
        try:
            data = yaml.safe_load(extra.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{extra}: not valid YAML ({exc.problem})") from None
        sources.insert(0, (data, str(extra)))
    terms = [t for data, name in sources for t in _terms(data, name)]
    kinds = [k for data, name in sources for k in _kinds(data, name)]
    return Taxonomy(terms, kinds)


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
