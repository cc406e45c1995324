"""Issue 9, labels: only exact or decoration-stripped matches set a code; looser evidence is a
suggestion column plus a finding; the 2021 framework files 成本指标 rows under cost. Each test
runs the pipeline on a real .docx with merged 一级/二级 cells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from goaltables.pipelines.process import FileResult, process_file
from goaltables.pipelines.settings import Settings
from tests.conftest import ROOT
from tests.fixtures.trust_files import GRID_ROWS, form_rows, goal_docx

TITLE = "职工技能培训项目绩效目标表"


def _run(tmp_path: Path, grid: list[list[str]]) -> FileResult:
    path = goal_docx(tmp_path / "t.docx", before=[TITLE, "单位：万元"], rows=form_rows("50"), grid=grid)
    return process_file(path, path.name, Settings())


def test_label_guess_never_overwrites_an_exact_level1(tmp_path: Path) -> None:
    # 社会效益类 only contains an alias: before, jieba made it `social`, which then moved the
    # exactly matched 产出指标 to `effect` with score 1.0
    grid = [["产出指标", "社会效益类", "培训人数", "≥100人"], *GRID_ROWS[1:]]
    row = _run(tmp_path, grid).indicators[0]
    assert (row.level1, row.level1_match, row.level1_score) == ("output", "exact", 1.0)
    assert (row.level2, row.level2_match, row.level2_score) == (None, None, None)


def test_label_suggestion_column_and_finding(tmp_path: Path) -> None:
    grid = [["产出指标", "数量指标", "培训人数", "≥100人"], ["效益指标", "服务对象满意率", "学员满意度", "≥95%"]]
    result = _run(tmp_path, grid)
    row = result.indicators[1]
    assert (row.level2, row.level2_suggestion, row.level2_suggestion_method) == (None, "service_satisfaction", "fuzzy")
    assert 0.8 <= row.level2_suggestion_score < 1.0
    [finding] = [f for f in result.findings if f.code == "label_suggestion"]
    assert finding.severity == "warning" and finding.raw == "服务对象满意率"
    assert result.document.status == "partial" and result.tables[0].needs_review


def test_cost_indicators_2021_framework_filed_under_cost(tmp_path: Path) -> None:
    cost = [["成本指标", "经济成本指标", "人均培训成本", "≤500元"], ["成本指标", "社会成本指标", "环境影响", "无"],
            ["成本指标", "生态环境成本指标", "能耗", "≤10%"], ["成本指标", "成本指标", "总成本", "≤50万元"]]
    result = _run(tmp_path, GRID_ROWS[:2] + cost + GRID_ROWS[2:])
    rows = {r.level3: (r.level1, r.level2) for r in result.indicators}
    assert rows["人均培训成本"] == ("cost", "economic_cost")
    assert rows["环境影响"] == ("cost", "social_cost")
    assert rows["能耗"] == ("cost", "ecological_cost")
    assert rows["总成本"] == ("cost", "cost")  # never output
    assert not [f for f in result.findings if f.code == "level_mismatch"]


def test_jieba_is_no_longer_loaded() -> None:
    # the word segmenter cost 0.7-1.5 s per process; labels and kinds now use rules in data
    code = ("import sys; from pipelines.process import process_file; from pipelines.settings import Settings; "
            "from pathlib import Path; p = Path(sys.argv[1]); process_file(p, p.name, Settings()); "
            "print('jieba' in sys.modules)")
    sample = next((ROOT / "samples").glob("000_*.txt"))
    out = subprocess.run([sys.executable, "-c", code, str(sample)], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"
