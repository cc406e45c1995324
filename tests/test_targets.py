"""Target grammar: every real-world form in tests/data/target_forms.yaml, plus properties that
must hold for any text at all (analysts trust the numbers, and a batch must never crash)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from goaltables.normalize.targets import OPS, Target, _parse, parse_target, value_type_of
from goaltables.normalize.units import canonical_unit, unit_table

DATA = Path(__file__).parent / "data" / "target_forms.yaml"


def _doc_generator() -> ModuleType:
    """Load tests/gen_targets_doc.py by path, so this works under any pytest import mode."""
    spec = importlib.util.spec_from_file_location("gen_targets_doc", Path(__file__).parent / "gen_targets_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _forms() -> list[dict[str, Any]]:
    groups = yaml.safe_load(DATA.read_text(encoding="utf-8"))["groups"]
    return [form for group in groups for form in group["forms"]]


FORMS = _forms()


def test_enough_real_world_forms() -> None:
    assert len(FORMS) >= 60
    assert len({(f["raw"], f["unit_column"]) for f in FORMS}) == len(FORMS), "duplicate form"


@pytest.mark.parametrize("form", FORMS, ids=[f"{f['raw']}|{f['unit_column']}" for f in FORMS])
def test_form(form: dict[str, Any]) -> None:
    expected = Target(**form["expect"])
    assert parse_target(form["raw"], form["unit_column"]) == expected


def test_doc_examples_in_sync() -> None:
    gen = _doc_generator()
    doc = gen.DOC_PATH.read_text(encoding="utf-8")
    assert gen.current_block(doc) == gen.render(gen.load_groups()), "run tests/gen_targets_doc.py"


def test_none_is_empty() -> None:
    assert parse_target(None) == Target()
    assert parse_target(None, "％") == Target(unit="%")


def test_value_type() -> None:
    assert value_type_of(parse_target("≥95%")) == "quantitative"
    assert value_type_of(parse_target("90-95")) == "quantitative"
    assert value_type_of(parse_target("稳步提升", "人次")) == "qualitative"
    assert value_type_of(parse_target("≥**%")) == "qualitative"
    assert value_type_of(parse_target("1600人、200人")) == "quantitative"  # several numbers, still numbers


def test_cell_unit_wins_over_column() -> None:
    assert parse_target("95%", "分").unit == "%"
    assert parse_target("95", "分").unit == "分"


def test_sample_cells() -> None:
    """Every target cell of the two real samples reads as intended."""
    assert parse_target("≥100优") == Target(op=">=", value=100.0, text="优")
    assert parse_target("≥8", "项") == Target(op=">=", value=8.0, unit="项")
    assert parse_target("≥12", "次") == Target(op=">=", value=12.0, unit="次")
    assert parse_target("持续完善") == Target(text="持续完善")
    assert parse_target("稳步推进") == Target(text="稳步推进")


# --- properties -------------------------------------------------------------------------------

_ALPHABET = (
    "0123456789０１２３４５６７８９.．,，-－~～〜—至到 ≥≤≧≦<>=＜＞＝％%‰*×xX…、；;/"
    "万亿千百十元人次项个天日月年工作分约以上下内左右余多优良中差合格"
    "零一二两三四五六七八九稳步提升健全规范不低于超过预算达到"
)
_cells = st.text(alphabet=_ALPHABET, max_size=16)
_hints = st.none() | st.sampled_from(["%", "％", "人次", "-", "元", "万元", "工作日", "无", "起"]) | st.text(max_size=4)


_TOKENS = [
    "≥", "≤", ">", "<", "=", "≧", "＞", "不低于", "不超过", "低于", "达到", "约", "控制在", "以上", "以下", "以内",
    "内", "左右", "之间", "(含)", "（优）", "优", "合格", "余", "多", "万", "亿", "千", "百分之", "千分之", "九十",
    "十二", "两", "零", "1", "95", "0.5", "1,600", "2023", ".07", "-", "～", "至", "、", "；", "/", " ", "　",
    "*", "XX", "…", "%", "％", "人次", "万人次", "元", "万元", "个", "个月", "月", "日", "年", "底", "前", "工作日",
    "千米", "百分点", "㎡", "M", "m", "稳步提升", "健全",
]
_soup = st.lists(st.sampled_from(_TOKENS), max_size=8).map("".join)


def _check_invariants(target: Target) -> None:
    assert target.op is None or target.op in OPS
    assert (target.op is None) == (target.value is None)
    assert (target.value_max is not None) == (target.op == "range")
    if target.op == "range":
        assert target.value is not None and target.value_max is not None
        assert target.value_max >= target.value
    for number in (target.value, target.value_max):
        assert number is None or math.isfinite(number)
    # target_unit is as printed (T, 个工作日); its canonical spelling is a fixed point of canonical_unit
    canonical = canonical_unit(target.unit)
    assert canonical is None or canonical_unit(canonical) == canonical
    assert target.text is None or target.text.strip() == target.text != ""
    assert not (target.placeholder and target.value is not None)
    assert not (target.multiple and target.value is not None)
    assert value_type_of(target) in {"quantitative", "qualitative"}


@settings(max_examples=1500)
@given(st.text(), _hints)
def test_any_text_parses(raw: str, hint: str | None) -> None:
    _check_invariants(_parse(raw, hint))


@settings(max_examples=3000)
@given(_cells, _hints)
def test_target_alphabet_parses(raw: str, hint: str | None) -> None:
    _check_invariants(_parse(raw, hint))


@settings(max_examples=3000)
@given(_soup, _hints)
def test_token_soup_parses(raw: str, hint: str | None) -> None:
    """Real fragments in random order reach the deep branches that random characters miss."""
    _check_invariants(_parse(raw, hint))


_SYMBOLS = {"≥": ">=", "≧": ">=", ">=": ">=", "不低于": ">=", "≤": "<=", "<=": "<=", "不超过": "<=",
            ">": ">", "＞": ">", "<": "<", "低于": "<", "=": "=", "": "="}
_FULL = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def _spellings() -> list[str]:
    """Unit spellings that cannot be read as something else right after a number."""
    return sorted(k for k in unit_table().aliases if k[0] not in "万亿千" and k not in {"年", "月", "日", "T"})


@settings(max_examples=1500)
@given(
    st.sampled_from(sorted(_SYMBOLS)),
    st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(_spellings()),
    st.booleans(),
)
def test_generated_comparisons_round_trip(symbol: str, number: Any, spelling: str, full: bool) -> None:
    """Operator + number + unit, in any spelling and width, reads back exactly."""
    digits = format(number, "f")
    cell = symbol + (digits.translate(_FULL) if full else digits) + spelling
    target = _parse(cell, None)
    assert (target.op, target.value, target.unit) == (_SYMBOLS[symbol], float(number), canonical_unit(spelling))


@settings(max_examples=800)
@given(
    st.integers(min_value=0, max_value=1000),
    st.integers(min_value=0, max_value=1000),
    st.sampled_from(["-", "~", "～", "至", "到", "—"]),
    st.sampled_from(["%", "人", "分", "天", ""]),
)
def test_generated_ranges(a: int, b: int, sep: str, unit: str) -> None:
    low, high = sorted((a, b))
    target = _parse(f"{low}{unit}{sep}{high}{unit}", None)
    assert (target.op, target.value, target.value_max) == ("range", low, high)
    assert target.unit == (unit or None)


def test_parse_target_swallows_internal_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public entry point survives a bug in the grammar and keeps the cell as text."""
    import goaltables.normalize.targets as targets

    def boom(raw: str | None, hint: str | None) -> Target:
        raise RuntimeError("bug")

    monkeypatch.setattr(targets, "_parse", boom)
    assert targets.parse_target("≥ 95 %", "人") == Target(unit="人", text="≥ 95 %")


def test_non_string_cells() -> None:
    """A spreadsheet reader may hand over numbers; they read as their text."""
    assert parse_target(95.5, "%") == Target(op="=", value=95.5, unit="%")  # type: ignore[arg-type]
    assert parse_target(3, 7) == Target(op="=", value=3.0)  # type: ignore[arg-type]
