"""Canonical labels, indicator kinds, regions and 文号: data-driven normalization."""

from __future__ import annotations

from pathlib import Path

import pytest

from goaltables.normalize import codes
from goaltables.normalize.regions import region_from_code, region_from_name
from goaltables.normalize.taxonomy import default_taxonomy, load_taxonomy, strip_decorations
from tests import golden
from tests.conftest import SAMPLE_000, SAMPLE_004

TAXONOMY = default_taxonomy()


@pytest.mark.parametrize(
    ("label", "level", "code", "method"),
    [
        ("产出指标", 1, "output", "exact"),
        ("一、产出指标", 1, "output", "stripped"),
        ("产出指标（数量、质量、时效、成本）", 1, "output", "stripped"),
        ("（一）数量指标", 2, "quantity", "stripped"),
        ("1.社会效益指标", 2, "social", "stripped"),
        ("服务对象 满意度指标", 2, "service_satisfaction", "exact"),
        ("社会公众或服务对象满意度", 2, "service_satisfaction", "exact"),
        ("生态环境成本指标", 2, "ecological_cost", "exact"),
        ("环境效益", 2, "ecological", "exact"),
        ("基本运行指标", 1, "operation", "exact"),
        ("履职效能", 1, "duty", "exact"),
        ("预算收支管理", 2, "budget_management", "exact"),
    ],
)
def test_labels_map_to_canonical_codes_with_their_method(label: str, level: int, code: str, method: str) -> None:
    match = TAXONOMY.match(label, level)
    assert (match.code, match.method) == (code, method)
    assert 0 < match.score <= 1


@pytest.mark.parametrize(
    ("label", "level", "code", "method"),
    [("项目产出", 1, "output", "contains"), ("社会效益类", 2, "social", "contains"),
     ("服务对象满意率", 2, "service_satisfaction", "fuzzy")],
)
def test_label_suggestion_never_sets_a_code(label: str, level: int, code: str, method: str) -> None:
    assert TAXONOMY.match(label, level).code is None
    hint = TAXONOMY.suggest(label, level)
    assert (hint.code, hint.method) == (code, method) and 0 < hint.score < 1


def test_label_suggestion_not_made_for_a_strict_match() -> None:
    assert TAXONOMY.suggest("产出指标", 1).code is None and TAXONOMY.match("产出指标", 1).code == "output"


def test_label_containment_is_not_fuzzy_similarity() -> None:
    # a label cut short inside an alias (服务对象满 of 服务对象满意度) scores 83 with rapidfuzz,
    # but a fragment is not a similar label: no suggestion at all
    assert TAXONOMY.suggest("服务对象满", 2).code is None
    # a label holding an alias is reported as containment, with the share it covers as score
    hint = TAXONOMY.suggest("社会效益类指标说明", 2)
    assert (hint.code, hint.method) == ("social", "contains") and hint.score < 0.8


@pytest.mark.parametrize("label", ["审核意见", "其他", "项目名称", "数量指标"])
def test_labels_that_are_no_level1_stay_unmapped(label: str) -> None:
    assert TAXONOMY.match(label, 1).code is None


def test_decorations_are_stripped() -> None:
    assert strip_decorations("一、产出指标（数量、质量…）") == "产出"
    assert strip_decorations("（三）时效指标") == "时效"


def test_parser_vocabulary_uses_strict_matches_only() -> None:
    # an indicator name containing a label word must not look like a label to the parser
    assert TAXONOMY.levels("基层工会满意度") == frozenset()
    assert TAXONOMY.levels("服务对象满意度") == {1, 2}
    assert TAXONOMY.levels("绩效管理") == {2}


def test_every_indicator_of_both_samples_has_codes_and_a_kind() -> None:
    for sample in (SAMPLE_000, SAMPLE_004):
        for row in golden.records(sample)["indicators"]:
            assert row["level1"] and row["level2"] and row["indicator_kind"], row["level3"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("群众满意度", "satisfaction_rate"), ("基本支出预算执行率", "budget_execution_rate"), ("帮扶资金到位率", "fund_arrival_rate"),
     ("项目预算成本数", "cost_control"), ("提高效率", "impact"), ("工作完成合规性", "compliance"),
     ("年度工作计划完成及时率", "timeliness"), ("活动参加人数和慰问救助人数", "headcount"), ("基层工会指导次数", "event_count"),
     ("资产完好率", "pass_rate"), ("帮扶对象精准率", "accuracy_rate"), ("职工政策宣传覆盖率", "coverage_rate"),
     ("其他事项", None)],
)
def test_indicator_kinds_come_from_the_keyword_table(name: str, kind: str | None) -> None:
    assert TAXONOMY.indicator_kind(name) == kind


def test_user_taxonomy_extends_without_code(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("level2:\n  - {code: party_building, label: 党建工作, aliases: [党建], parents: [duty], "
                     "frameworks: [overall]}\nindicator_kinds:\n  - {code: training, label: 培训, keywords: [培训人次]}\n",
                     encoding="utf-8")
    taxonomy = load_taxonomy(extra)
    assert taxonomy.match("党建", 2).code == "party_building"
    assert taxonomy.match("数量指标", 2).code == "quantity"
    assert taxonomy.indicator_kind("干部培训人次") == "training"


def test_a_broken_user_taxonomy_says_which_entry(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("level1:\n  - {label: 无代码}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="extra.yaml: level1 entry .* lacks 'code'"):
        load_taxonomy(extra)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("怀财字【2025】7号 救助资金绩效目标表", ("怀财字【2025】7号", "怀财字", 2025, 7)),
     ("冀财行【2024】97号   河北省财政厅", ("冀财行【2024】97号", "冀财行", 2024, 97)),
     ("根据财预〔2021〕101号文件", ("财预〔2021〕101号", "财预", 2021, 101)),
     ("宁县总工会整体支出绩效目标表", None)],
)
def test_doc_numbers_are_parsed(text: str, expected: tuple | None) -> None:
    number = codes.doc_number(text)
    assert (number and (number.text, number.agency, number.year, number.number)) == expected


def test_regions_come_from_division_codes_or_unit_names() -> None:
    from_code = region_from_code("130730")
    assert (from_code.province, from_code.city, from_code.county, from_code.source) == ("河北省", "张家口市", "怀来县", "project_code")
    assert region_from_code("999999") is None
    from_name = region_from_name("宁县总工会")
    assert (from_name.code, from_name.province, from_name.city, from_name.county) == ("621026", "甘肃省", "庆阳市", "宁县")
    assert region_from_name("总工会") is None


def test_titles_lose_list_numbers_and_allocation_codes() -> None:
    assert codes.split_title("1.[13073025X000010000849]怀财字【2025】7号 救助资金绩效目标表") == (
        "怀财字【2025】7号救助资金绩效目标表", "13073025X000010000849")
    assert codes.split_unit_line("711001怀来县总工会") == ("711001", "怀来县总工会")
    assert codes.project_code_year("13073025P00084910001M") == 2025
