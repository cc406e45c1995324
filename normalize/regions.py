"""Place a goal table in an administrative region, from its project code or its unit's name.

Division codes and names come from cpca's maintained table, never a hand-typed list. A project
code's first six digits are trusted only when cpca knows them as a division code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import ModuleType

_COLUMNS = ("省", "市", "区", "adcode")


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # 6-digit administrative division code
    province: str | None
    city: str | None
    county: str | None
    source: str  # "project_code" or "unit_name"
    # for a name that fits several counties (朝阳区 in Beijing and Changchun): each as
    # "province city county (code)"; the caller must not trust the region then
    candidates: tuple[str, ...] = ()


@cache
def _cpca() -> ModuleType:
    """cpca, imported on the first lookup: its import (pkg_resources, its table) is 0.15 s that
    only the workers need, each once, while the main process starts the run."""
    import cpca

    return cpca


def is_division_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and f"{code}000000" in _cpca().ad_2_addr_dict


def _name(code: str) -> str | None:
    return _cpca().adcode_name(code) or None


@cache
def region_from_code(code: str) -> Region | None:
    """``130730`` → 河北省 张家口市 怀来县."""
    if not is_division_code(code):
        return None
    county = _name(code) if not code.endswith("00") else None
    city = _name(code[:4]) if not code.endswith("0000") else None
    return Region(code, _name(code[:2]), city, county, "project_code")


@cache
def region_from_name(name: str) -> Region | None:
    """``宁县总工会`` → 甘肃省 庆阳市 宁县; None unless at least a city is recognised.

    cpca picks one county for a name several counties share (鼓楼区 is in four cities); unless
    the name also says the city or province, the region comes back with its ``candidates``.
    """
    row = _cpca().transform([name]).iloc[0]
    province, city, county, adcode = (row.get(c) or None for c in _COLUMNS)
    if not adcode or not (city or county):
        return None
    if not _spelled_out(name[: len(name) - len(row.get("地址") or "")], (province, city, county)):
        return None  # cpca matched part of a word (桐庐山县 as 庐山市) or a bare 县: not a place we know
    candidates = _namesakes(name, county) if county else ()
    return Region(str(adcode), province, city, county, "unit_name", candidates)


_PARTY_PREFIX = ("中共", "中国共产党")
_PLACE_SUFFIXES = ("省", "市", "自治州", "州", "地区", "盟", "县", "区", "旗", "自治县")


def _spelled_out(prefix: str, places: tuple[str | None, ...]) -> bool:
    """Whether the part of a unit name cpca read as a place is exactly those places, in order,
    each in full, without its 省/市/县 suffix (``宁县``, ``湖南岳阳``) or left out."""
    for party in _PARTY_PREFIX:
        prefix = prefix.removeprefix(party)
    return _consumed(prefix, [p for p in places if p])


def _consumed(prefix: str, places: list[str]) -> bool:
    if not prefix:
        return True
    if not places:
        return False
    place, rest = places[0], places[1:]
    forms = {place} | {place.removesuffix(s) for s in _PLACE_SUFFIXES if place.endswith(s) and len(place) > len(s) + 1}
    return any(prefix.startswith(f) and _consumed(prefix[len(f):], rest) for f in forms) or _consumed(prefix, rest)


@cache
def _counties_by_name() -> dict[str, tuple[str, ...]]:
    """County-level name → the 6-digit codes of every county with that name."""
    by_name: dict[str, list[str]] = {}
    for key, info in _cpca().ad_2_addr_dict.items():
        if info.rank == info.RANK_COUNTY and key.endswith("000000"):
            by_name.setdefault(info.name, []).append(key[:6])
    return {name: tuple(sorted(set(codes))) for name, codes in by_name.items()}


def _namesakes(text: str, county: str) -> tuple[str, ...]:
    """Every county called ``county`` that ``text`` does not rule out by naming its city or
    province; empty when one or none is left."""
    codes = _counties_by_name().get(county, ())
    if len(codes) < 2:
        return ()
    regions = [r for code in codes if (r := region_from_code(code)) is not None]
    named = [r for r in regions if _names(text, r.city) or _names(text, r.province)]
    left = named or regions
    if len(left) < 2:
        return ()
    return tuple(f"{r.province or ''}{r.city or ''}{r.county or ''} ({r.code})" for r in left)


def _names(text: str, place: str | None) -> bool:
    """Whether ``text`` names ``place`` in full or by its first two characters (长春 for 长春市)."""
    return bool(place) and (place in text or place[:2] in text)
