"""Place a goal table in an administrative region, from its project code or its unit's name.

Division codes and names come from cpca's maintained table, never a hand-typed list. A project
code's first six digits are trusted only when cpca knows them as a division code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cpca

_COLUMNS = ("省", "市", "区", "adcode")


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # 6-digit administrative division code
    province: str | None
    city: str | None
    county: str | None
    source: str  # "project_code" or "unit_name"


def is_division_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit() and f"{code}000000" in cpca.ad_2_addr_dict


def _name(code: str) -> str | None:
    return cpca.adcode_name(code) or None


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
    """``宁县总工会`` → 甘肃省 庆阳市 宁县; None unless at least a city is recognised."""
    row = cpca.transform([name]).iloc[0]
    province, city, county, adcode = (row.get(c) or None for c in _COLUMNS)
    if not adcode or not (city or county):
        return None
    return Region(str(adcode), province, city, county, "unit_name")
