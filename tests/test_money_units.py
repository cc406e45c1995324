"""Issue 9, money: every way a unit is declared, read from money_units.yaml, converted to 万元
by its factor there; Excel's 元-shown-as-万元 formats; the magnitude check. Each test runs the
whole pipeline on a real .docx or .xlsx and asserts the amount in 万元 (or the flag)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from goaltables.extract.parser.money_unit import build, money_unit_in
from goaltables.normalize.money import to_wan
from goaltables.normalize.quality import build_plausibility
from goaltables.pipelines.process import FileResult, process_file
from goaltables.pipelines.settings import Settings
from tests.fixtures.trust_files import form_rows, goal_docx, goal_xlsx

TITLE = "职工技能培训项目绩效目标表"


def _run(path: Path) -> FileResult:
    return process_file(path, path.name, Settings())


def _budget(path: Path) -> tuple[str | None, float | None]:
    [table] = _run(path).tables
    return table.money_unit, table.budget_total


def _codes(result: FileResult) -> list[str]:
    return [f.code for f in result.findings if f.severity != "info"]


@pytest.mark.parametrize(("line", "budget", "unit"), [
    ("单位（元）", "500000", "元"),
    ("单位：人民币元", "500000", "元"),
    ("金额单位：人民币元", "500000", "元"),
    ("单位：元（保留两位小数）", "500000.00", "元"),
])
def test_money_unit_renminbi_yuan(tmp_path: Path, line: str, budget: str, unit: str) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, line], rows=form_rows(budget))
    assert _budget(path) == (unit, 50.0)


def test_money_unit_thousand_yuan(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：千元"], rows=form_rows("500"))
    assert _budget(path) == ("千元", 50.0)


def test_money_unit_hundred_million_yuan(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：亿元"], rows=form_rows("0.5"))
    assert _budget(path) == ("亿元", 5000.0)


def test_money_unit_in_the_title(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[], rows=form_rows("500000"), title_row=f"{TITLE}（单位：元）")
    assert _budget(path) == ("元", 50.0)


def test_money_unit_in_its_own_cell_beside_the_amount(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE], rows=form_rows("500000", unit_cell="元"))
    assert _budget(path) == ("元", 50.0)


def test_money_unit_in_the_budget_label(tmp_path: Path) -> None:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE], rows=form_rows("500", budget_label="预算数（千元）"))
    assert _budget(path) == ("千元", 50.0)


def test_money_unit_not_taken_from_a_county_named_yuan(tmp_path: Path) -> None:
    # 元氏县 is a county: 填报单位：元氏县… declares no unit, so 万元 is assumed and flagged
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "填报单位：元氏县总工会"], rows=form_rows("50"))
    result = _run(path)
    assert (result.tables[0].money_unit, result.tables[0].budget_total) == (None, 50.0)
    assert "money_unit_assumed" in _codes(result) and result.document.status == "partial"


@pytest.mark.parametrize("text", ["困难职工补助(元/人)", "计量单位：元", "单位：元/人", "按每人每月补助（元）标准发放"])
def test_money_unit_not_from_ordinary_text(text: str) -> None:
    assert money_unit_in(text) is None


@pytest.mark.parametrize(("fmt", "stored", "unit_line", "wan"), [
    ("0!.0000", 500000, "单位：万元", 50.0),  # 元 stored, shown as 万元 by a literal point
    ('0\\.0000', 1234567, "单位：万元", 123.4567),
    ("0.00,", 500000, "单位：千元", 50.0),  # a trailing comma divides by 1000: 元 shown as 千元
])
def test_money_unit_excel_display_format(tmp_path: Path, fmt: str, stored: int, unit_line: str, wan: float) -> None:
    path = goal_xlsx(tmp_path / "t.xlsx", before=[TITLE, unit_line], rows=form_rows(stored),  # type: ignore[arg-type]
                     number_formats={(2, 1): fmt})
    assert _budget(path)[1] == Decimal(str(wan))  # money is exact: Decimal("123.4567"), not a float


def test_money_unit_assumed_is_still_flagged(tmp_path: Path) -> None:
    result = _run(goal_docx(tmp_path / "t.docx", before=[TITLE], rows=form_rows("50")))
    assert "money_unit_assumed" in _codes(result) and result.tables[0].needs_review


def test_budget_magnitude_flags_yuan_read_as_wan(tmp_path: Path) -> None:
    # 80,000,000 printed in 元 with no unit: read as 8,000 亿元 for a county union
    result = _run(goal_docx(tmp_path / "t.docx", before=[TITLE], rows=form_rows("80000000")))
    assert result.tables[0].county == "怀来县"
    assert "budget_implausible" in _codes(result)


def test_budget_magnitude_flags_wan_read_as_yuan(tmp_path: Path) -> None:
    result = _run(goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：元"], rows=form_rows("50")))
    assert result.tables[0].budget_total == Decimal("0.005") and "budget_implausible" in _codes(result)


def test_budget_magnitude_quiet_for_a_plausible_budget(tmp_path: Path) -> None:
    result = _run(goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=form_rows("50")))
    assert "budget_implausible" not in _codes(result)


def test_money_conversion_factors_come_from_the_data() -> None:
    assert (to_wan("1,200", "元"), to_wan("500", "千元"), to_wan("2", "亿元"), to_wan("30千元", "元")) == (
        Decimal("0.12"), Decimal(50), Decimal(20000), Decimal(3))


@pytest.mark.parametrize(("change", "message"), [
    ({"units": {"元": 0.0001}}, "万元 included"),
    ({"units": {"万元": 1, "元": -1}}, "unit '元' needs a positive factor"),
    ({"declaration_words": []}, "declaration_words must be a non-empty list"),
    ({"search_max_chars": "many"}, "search_max_chars must be a positive whole number"),
    ({"surprise": 1}, "unknown keys ['surprise']"),
])
def test_money_units_data_is_validated_on_load(change: dict, message: str) -> None:
    import yaml

    from goaltables.extract.parser.money_unit import MONEY_UNITS_PATH

    data = yaml.safe_load(MONEY_UNITS_PATH.read_text(encoding="utf-8")) | change
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        build(data)


def test_plausibility_data_is_validated_on_load() -> None:
    with pytest.raises(ValueError, match="bound for each of county, city, province, unknown"):
        build_plausibility({"budget_max_wan": {"county": 1}, "budget_min_wan": 0.01})
    with pytest.raises(ValueError, match="budget_min_wan must be a positive number"):
        build_plausibility({"budget_max_wan": dict.fromkeys(("county", "city", "province", "unknown"), 10),
                            "budget_min_wan": "small"})


def test_money_unit_line_in_the_unit_name_cell(tmp_path: Path) -> None:
    # 预算单位: X    金额单位:万元 in one cell: the unit is declared, and is not part of the name
    rows = [["预算单位", "怀来县总工会        金额单位：元"], ["项目名称", "职工技能培训"], ["预算数", "500000"]]
    [table] = _run(goal_docx(tmp_path / "t.docx", before=[TITLE], rows=rows)).tables
    assert (table.unit_name, table.money_unit, table.budget_total) == ("怀来县总工会", "元", 50.0)


@pytest.mark.parametrize(("fmt", "stored", "shown"), [
    ("0!.0000", 123456, "12.3456"), ("0!.0000", 5000, "0.5000"), ("0!.00,", 1234567, "12.35"),
    ("0.00,", 123456, "123.46"), ("#,##0.00,,", 123456789, "123.46"), ("0.00", 50, "50.00"),
])
def test_money_unit_excel_formats_show_what_excel_shows(fmt: str, stored: int, shown: str) -> None:
    from goaltables.extract.readers.xlsx_format import display

    assert display(stored, fmt) == shown


def test_money_unit_short_forms_after_an_amount_come_from_the_data() -> None:
    assert (to_wan("50万", "元"), to_wan("2亿", None), to_wan("中央衔接推进乡村振兴补助资金50", "万元")) == (
        50.0, 20000.0, 50.0)
    assert money_unit_in("万") is None  # short forms only follow an amount; they declare nothing


def test_money_units_short_forms_must_name_known_units() -> None:
    import yaml

    from goaltables.extract.parser.money_unit import MONEY_UNITS_PATH

    data = yaml.safe_load(MONEY_UNITS_PATH.read_text(encoding="utf-8")) | {"amount_suffixes": {"万": "万两"}}
    with pytest.raises(ValueError, match="amount_suffixes must map short forms to units listed under units"):
        build(data)
