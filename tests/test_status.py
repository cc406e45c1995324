"""Issue 9, status half: ``ok`` means nothing was guessed, repaired or lost while reading, and
``needs_review`` flags every document and table a warning or error finding touches."""

from __future__ import annotations

from pathlib import Path

from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings
from tests.conftest import SAMPLE_000, SAMPLE_004

GRID = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t培训人数\t≥100人\n效益指标\t社会效益指标\t就业率\t≥90%\n满意度指标\t服务对象满意度指标\t满意度\t≥95%\n"


def _process(tmp_path: Path, text: str) -> object:
    path = tmp_path / "in.txt"
    path.write_bytes(text.encode("gb18030"))
    return process_file(path, path.name, Settings())


def test_status_partial_when_rows_were_realigned() -> None:
    # sample 004's tab export has shifted cells realigned by content: a repair, so not ok
    result = process_file(SAMPLE_004, SAMPLE_004.name, Settings())
    assert any(f.code == "row_realigned" for f in result.findings)
    assert (result.document.status, result.document.needs_review) == ("partial", True)


def test_status_ok_but_needs_review_for_the_submissions_own_problems() -> None:
    # sample 000 is read faithfully, but its targets are copied and a placeholder is left in
    result = process_file(SAMPLE_000, SAMPLE_000.name, Settings())
    assert {f.stage for f in result.findings if f.severity != "info"} == {"quality"}
    assert (result.document.status, result.document.needs_review) == ("ok", True)


def test_status_ok_and_no_review_when_nothing_was_guessed(tmp_path: Path) -> None:
    result = _process(tmp_path, "培训项目绩效目标表\n单位：万元\n项目名称\t培训\n预算数\t50\n" + GRID)
    assert [f.code for f in result.findings if f.severity != "info"] == []
    assert (result.document.status, result.document.needs_review) == ("ok", False)
    assert [t.needs_review for t in result.tables] == [False]


def test_status_partial_when_the_money_unit_was_assumed(tmp_path: Path) -> None:
    result = _process(tmp_path, "培训项目绩效目标表\n项目名称\t培训\n预算数\t50\n" + GRID)
    assert [f.code for f in result.findings if f.severity != "info"] == ["money_unit_assumed"]
    assert (result.document.status, result.document.needs_review) == ("partial", True)


def test_needs_review_marks_only_the_table_a_finding_names(tmp_path: Path) -> None:
    clean = "培训项目绩效目标表\n单位：万元\n项目名称\t培训\n预算数\t50\n" + GRID
    guessed = "救助项目绩效目标表\n项目名称\t救助\n预算数\t20\n" + GRID  # no money unit: 万元 assumed
    result = _process(tmp_path, clean + "\n" + guessed)
    assert [t.needs_review for t in result.tables] == [False, True]
    assert result.document.needs_review


def test_needs_review_always_true_for_failed_and_no_goal_tables(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    prose = tmp_path / "prose.txt"
    prose.write_bytes("本单位2025年工作总结。".encode("gb18030"))
    results = [process_file(p, p.name, Settings()) for p in (empty, prose)]
    assert [(r.document.status, r.document.needs_review) for r in results] == [
        ("failed", True), ("no_goal_tables", True)]
