"""Canonical units: every spelling in units.yaml maps to one form; anything else is None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from goaltables.normalize.units import canonical_unit, is_unit, unit_kind, unit_spellings, unit_table


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("%", "%"), ("％", "%"), ("﹪", "%"), ("百分比", "%"), ("（%）", "%"), ("(％)", "%"),
        ("‰", "‰"), ("个百分点", "百分点"),
        ("人次", "人次"), ("人 次", "人次"), ("万人次", "万人次"), ("人", "人"), ("名", "人"), ("万人", "万人"),
        ("个", "个"), ("家", "家"), ("项", "项"), ("次", "次"), ("场", "场"), ("户", "户"), ("份", "份"),
        ("篇", "篇"), ("期", "期"), ("批", "批"), ("辆", "辆"), ("台", "台"), ("套", "套"), ("所", "所"),
        ("座", "座"), ("件", "件"), ("本", "本"), ("册", "册"),
        ("天", "天"), ("日", "天"), ("自然日", "天"), ("工作日", "工作日"), ("个工作日", "工作日"),
        ("小时", "小时"), ("月", "月"), ("个月", "月"), ("年", "年"),
        ("元", "元"), ("万元", "万元"), ("亿元", "亿元"),
        ("公里", "公里"), ("千米", "公里"), ("km", "公里"), ("米", "米"), ("m", "米"),
        ("平方米", "平方米"), ("㎡", "平方米"), ("m2", "平方米"), ("m²", "平方米"), ("ｍ２", "平方米"),
        ("亩", "亩"), ("吨", "吨"), ("分", "分"), ("M", "M"),
        ("单位：万元", "万元"), (" 人次 ", "人次"),
        ("元/人", "元/人"), ("元／人", "元/人"), ("次/年", "次/年"), ("人/次", "人次"),
    ],
)
def test_canonical(printed: str, canonical: str) -> None:
    assert canonical_unit(printed) == canonical
    assert is_unit(printed)


@pytest.mark.parametrize("printed", [None, "", " ", "-", "—", "--", "/", "无", "N/A", "起", "元/起", "人/次/年", "稳步提升"])
def test_not_a_unit(printed: str | None) -> None:
    assert canonical_unit(printed) is None
    if printed is not None:
        assert not is_unit(printed)


def test_case_matters() -> None:
    """m is 米 and M is 兆: folding case would turn bandwidth into metres."""
    assert canonical_unit("m") == "米"
    assert canonical_unit("M") == "M"


def test_every_spelling_is_canonical_and_idempotent() -> None:
    table = unit_table()
    for spelling, unit in table.aliases.items():
        assert canonical_unit(spelling) == unit
        assert canonical_unit(unit) == unit
        assert unit in table.kinds


def test_spellings_longest_first() -> None:
    lengths = [len(s) for s in unit_spellings()]
    assert lengths == sorted(lengths, reverse=True)


def test_kinds() -> None:
    assert unit_kind("万元") == "money"
    assert unit_kind("%") == "ratio"
    assert unit_kind("工作日") == "time"
    assert unit_kind("元/人") == "rate"
    assert unit_kind(None) is None


@given(st.text(max_size=8))
def test_any_text(text: str) -> None:
    unit = canonical_unit(text)
    assert unit is None or canonical_unit(unit) == unit
