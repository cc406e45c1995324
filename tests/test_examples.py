"""examples/three_questions.py runs on a real output folder and answers with the right figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from goaltables.pipelines.cli import main
from tests.conftest import FIXTURES, ROOT, SAMPLES


def test_three_questions(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["extract", str(SAMPLES), str(FIXTURES / "pdf"), str(FIXTURES / "docx"), "--out", str(out),
                 "--quiet"]) == 0
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "three_questions.py"), str(out)],
                          capture_output=True, text=True, check=True, cwd=ROOT, timeout=120)
    lines = [line.split() for line in done.stdout.splitlines()]
    # 1: the four project tables of 怀来县总工会 each have output, effect and satisfaction rows:
    #    543.98 万元 under each type, although the tables exist in three formats
    assert ["产出指标", "4", "543.980000"] in lines and ["满意度指标", "4", "543.980000"] in lines
    # 2: every indicator of 怀来县总工会 has the target ≥100优
    assert ["怀来县总工会", "≥100优", "28", "28", "1.0"] in lines
    # 3: 宁县's two satisfaction targets, ≥95% and ≥90%
    assert ["宁县", "2", "90.0", "92.5", "95.0"] in lines


def test_readme_first_five_minutes_runs(tmp_path: Path) -> None:
    """The README's notebook snippet runs as printed against a real output folder."""
    out = tmp_path / "output"
    assert main(["extract", str(SAMPLES), str(FIXTURES / "pdf"), "--out", str(out), "--quiet"]) == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", snippet], capture_output=True, text=True, check=True,
                          cwd=tmp_path, timeout=120)
    assert "543.980000" in done.stdout and "142.820000" in done.stdout
    assert "满意度指标" in done.stdout
