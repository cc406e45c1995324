"""Map printed 一级/二级 labels onto the canonical codes of ``taxonomy.yaml``, and 三级 names
onto indicator kinds.

Only strict matches set a canonical code: an ``exact`` alias, or the alias left once
decorations are ``stripped`` (numbering, brackets, 指标). Looser evidence is a *suggestion*,
kept apart so it can never overwrite a strict match or pass for one: ``contains`` (the label
holds an alias, 项目产出 → output) or ``fuzzy`` (rapidfuzz similarity ≥ ``FUZZY_MIN``, between
labels neither of which contains the other). A suggestion's score is always below 1.0.

No word segmenter is used. jieba cost 0.7–1.5 s of dictionary load per process and a shared
/tmp cache file, and the rules below, held as data in ``taxonomy.yaml``, do as well on the
samples and the development set: a two-character keyword counts where a word ends (end of the
name, a non-Chinese character, or one of ``keyword_followers`` such as 率/数/控制 next).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from goaltables.extract.text import compact
from goaltables.extract.yamlfile import read_yaml

FUZZY_MIN = 80.0  # rapidfuzz ratio (0-100) below which no suggestion is made
MAX_SUGGESTION_SCORE = 0.99  # a suggestion is never as sure as a strict match

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
FRAMEWORKS_OF_KIND = {"project": {"project_2015", "project_2021"}, "overall": {"overall"}}
_NUMBERING = re.compile(r"^(?:[(][一二三四五六七八九十\d]+[)]|[一二三四五六七八九十\d]+[、.:])")
# a trailing bracketed list or score range: 产出指标（数量、质量…）, 成本指标(0-20)分, 效益指标（30分）
_TRAILING_LIST = re.compile(r"(?:[(][^()]*[)]分?|\d+(?:\.\d+)?分)$")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


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
    method: str | None  # "exact", "stripped", "inferred"; "contains"/"fuzzy" for suggestions; None unmatched
    score: float  # 1.0 for exact and stripped matches, below 1.0 for suggestions, 0.0 unmatched


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


def _word_match(keyword: str, text: str, followers: tuple[str, ...]) -> bool:
    """Long keywords anywhere; two-character ones only where a word ends: at the end of the
    name, before a non-Chinese character, or before a follower (率, 数, 控制, …). Chinese
    compounds end in their head word (效率 in 提高效率), so 生活 in 生活污水治理率 is no match."""
    if len(keyword) > 2:
        return keyword in text
    start = text.find(keyword)
    while start >= 0:
        rest = text[start + len(keyword):]
        if not rest or not _HAN.match(rest) or rest.startswith(followers):
            return True
        start = text.find(keyword, start + 1)
    return False


@dataclass
class Taxonomy:
    terms: list[Term]
    kinds: list[Kind] = field(default_factory=list)
    keyword_followers: tuple[str, ...] = ()
    _exact: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _stripped: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _cache: dict[tuple[str, int], Match] = field(default_factory=dict, repr=False)
    _suggestions: dict[tuple[str, int], Match] = field(default_factory=dict, repr=False)
    _levels: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)
    _kinds: dict[str, str | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            for name in (term.label, term.code, *term.aliases):
                self._exact.setdefault((term.level, compact(name)), term.code)
                self._stripped.setdefault((term.level, strip_decorations(name)), term.code)

    def match(self, label: str | None, level: int) -> Match:
        """The canonical code of a printed label at ``level`` (1 or 2): strict matches only."""
        if not label:
            return NO_MATCH
        key = (label, level)
        if key not in self._cache:
            self._cache[key] = self._strict(label, level)
        return self._cache[key]

    def _strict(self, label: str, level: int) -> Match:
        if code := self._exact.get((level, compact(label))):
            return Match(code, "exact", 1.0)
        if code := self._stripped.get((level, strip_decorations(label))):
            return Match(code, "stripped", 1.0)
        return NO_MATCH

    def suggest(self, label: str | None, level: int) -> Match:
        """A code a label that matches none strictly probably means, for a reviewer to confirm.

        Never returned for a strictly matched label, and never with score 1.0.
        """
        if not label or self.match(label, level).code:
            return NO_MATCH
        key = (label, level)
        if key not in self._suggestions:
            self._suggestions[key] = self._suggest(strip_decorations(label), level)
        return self._suggestions[key]

    def _suggest(self, stripped: str, level: int) -> Match:
        aliases = {alias: code for (lvl, alias), code in self._stripped.items() if lvl == level and len(alias) >= 2}
        inside = [alias for alias in aliases if alias in stripped]
        if inside and len({aliases[a] for a in inside}) == 1:
            word = max(inside, key=len)
            return Match(aliases[word], "contains", _capped(len(word) / len(stripped)))
        if inside:
            return NO_MATCH  # 经济社会效益: two codes inside, no basis to pick one
        similar = [a for a in aliases if stripped not in a]  # containment is not similarity
        best = process.extractOne(stripped, similar, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if best:
            return Match(aliases[best[0]], "fuzzy", _capped(best[1] / 100))
        return NO_MATCH

    def indicator_kind(self, name: str | None) -> str | None:
        """What a 三级 indicator measures (``satisfaction_rate``, ``headcount``, …), or None."""
        if not name:
            return None
        if name not in self._kinds:
            self._kinds[name] = self._kind(compact(name))
        return self._kinds[name]

    def _kind(self, text: str) -> str | None:
        for kind in self.kinds:
            if any(_word_match(k, text, self.keyword_followers) for k in kind.keywords):
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
        from goaltables.normalize.units import is_unit

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


def _capped(score: float) -> float:
    return min(round(score, 3), MAX_SUGGESTION_SCORE)


def _followers(data: dict, source: str) -> tuple[str, ...]:
    value = data.get("keyword_followers") or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{source}: keyword_followers must be a list of words, got {value!r}")
    return tuple(compact(v) for v in value)


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
    sources = [(read_yaml(TAXONOMY_PATH), TAXONOMY_PATH.name)]
    if extra is not None:
        try:
            data = read_yaml(extra) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"{extra}: not valid YAML ({exc.problem})") from None
        sources.insert(0, (data, str(extra)))
    terms = [t for data, name in sources for t in _terms(data, name)]
    kinds = [k for data, name in sources for k in _kinds(data, name)]
    followers = tuple(dict.fromkeys(f for data, name in sources for f in _followers(data, name)))
    return Taxonomy(terms, kinds, followers)


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()
