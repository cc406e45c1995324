"""goaltables installs one top-level package, so it can sit beside distributions that are
themselves called extract, normalize or pipelines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import goaltables.pipelines.cli as cli


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``code`` outside the checkout, so only what is installed can be imported."""
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_only_the_goaltables_package_is_installed(tmp_path: Path) -> None:
    code = ("import importlib.util as u, goaltables.extract, goaltables.normalize, goaltables.pipelines; "
            "print([n for n in ('extract', 'normalize', 'pipelines') if u.find_spec(n) is not None])")
    run = _python(code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_a_foreign_top_level_pipelines_package_does_not_shadow_ours(tmp_path: Path) -> None:
    (tmp_path / "pipelines").mkdir()
    (tmp_path / "pipelines" / "__init__.py").write_text("NAME = 'someone else'\n")
    code = "import pipelines, goaltables.pipelines.cli as c; print(pipelines.NAME, c.main.__module__)"
    run = _python(code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["someone", "else", "goaltables.pipelines.cli"]


def test_the_command_points_into_the_package() -> None:
    assert cli.main.__module__ == "goaltables.pipelines.cli"
