"""Normalization edge cases found in review: weights with units, labels filled down too far."""

from __future__ import annotations

from goaltables.extract.model import Cell, Document, Paragraph, Table
from goaltables.extract.parser import parse
from goaltables.normalize.document import normalize_document
from goaltables.normalize.taxonomy import default_taxonomy

TAXONOMY = default_taxonomy()


def _normalize(rows: list[list[str]]):  # noqa: ANN202 - test helper
    table = Table([Cell(text, r, c) for r, row in enumerate(rows) for c, text in enumerate(row)])
    parsed = parse(Document([Paragraph("培训项目绩效目标表"), table], "txt"), TAXONOMY)
    return normalize_document(parsed, "d", TAXONOMY)


def test_weights_printed_with_points_or_percent_are_read() -> None:
    out = _normalize([
        ["一级指标", "权重", "二级指标", "三级指标", "指标值"],
        ["产出指标", "50分", "数量指标", "培训人数", "≥100人"],
        ["效益指标", "30%", "社会效益指标", "就业人数", "≥50人"],
        ["满意度指标", "约二十", "服务对象满意度指标", "学员满意度", "≥90%"],
    ])
    assert [i.weight for i in out.indicators] == [50.0, 30.0, None]
    [finding] = [f for f in out.findings if f.code == "unparsed_weight"]
    assert (finding.row_index, finding.raw) == (2, "约二十")


def test_a_missing_level1_cell_is_not_filled_from_another_group() -> None:
    out = _normalize([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["效益指标", "社会效益指标", "就业人数", "≥50人"],
        ["", "服务对象满意度指标", "受助职工满意率", "≥90%"],
    ])
    first, second = out.indicators
    assert (first.level1, second.level1_raw, second.level1, second.level1_match) == (
        "effect", None, "satisfaction", "inferred")
    [finding] = [f for f in out.findings if f.code == "level1_inferred"]
    assert finding.row_index == 1 and "satisfaction" in finding.message
    assert not [f for f in out.findings if f.code == "level_mismatch"]


def test_a_valid_2015_cost_group_under_output_is_no_mismatch() -> None:
    out = _normalize([
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "成本指标", "人均成本", "≤500元"],
    ])
    assert out.indicators[0].level1 == "output" and not [f for f in out.findings if f.code == "level_mismatch"]


def _budget(rows: list[list[str]]):  # noqa: ANN202 - test helper
    return _normalize([*rows, ["一级指标", "二级指标", "三级指标", "指标值"], ["产出指标", "数量指标", "人数", "10人"]])


def test_conflicting_budget_amounts_are_reported_and_the_first_kept() -> None:
    out = _budget([["单位：万元"], ["预算数", "50"], ["预算数", "60"]])
    assert out.tables[0].budget_total == 50.0
    [finding] = [f for f in out.findings if f.code == "conflicting_values"]
    assert "50 and 60" in finding.message


def test_a_repeated_fiscal_label_is_not_summed() -> None:
    out = _budget([["单位：万元"], ["预算数", "50", "其中：财政资金", "50"], ["财政资金", "50"]])
    assert out.tables[0].budget_fiscal == 50.0
    assert not [f for f in out.findings if f.code in ("conflicting_values", "budget_mismatch")]


def test_fiscal_parts_are_summed() -> None:
    out = _budget([["单位：万元"], ["本级财政安排", "100", "上级财政补助", "20.5"]])
    assert out.tables[0].budget_fiscal == 120.5


def test_a_unit_name_that_only_looks_like_a_place_gets_no_region() -> None:
    from goaltables.normalize.regions import region_from_name

    assert region_from_name("白杨县档案馆") is None  # no such county: not the bare 县 of Chongqing
    assert region_from_name("桐庐山县总工会") is None  # 庐山 inside another word is not 庐山市
    assert region_from_name("岳阳楼区价格认证鉴定中心").code == "430602"
    assert region_from_name("中共宁德市委党史和地方志研究室").code == "350900"
