"""The header lexicon: validated on load, extended by users with ``--lexicon`` without a release."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from goaltables.extract.errors import ConfigError
from goaltables.extract.parser.lexicon import LEXICON_PATH, build, lexicon
from goaltables.pipelines.cli import EXIT_OK, EXIT_USAGE, main

TEXT = "\n".join([
    "培训项目绩效目标表",
    "项目名称\t职工技能培训",
    "一级指标\t二级指标\t三级指标\t本期考核值",
    "产出指标\t数量指标\t培训人次\t≥300人次",
    "\t质量指标\t培训合格率\t≥95%",
]) + "\n"


def _extract(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    source = tmp_path / "in"
    source.mkdir(exist_ok=True)
    (source / "table.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    return main(["extract", str(source), "--out", str(out), "-q", *extra]), out


def _inferred(out: Path) -> list[str]:
    findings = pd.read_parquet(out / "findings")
    return list(findings.loc[findings["code"] == "target_column_inferred", "severity"])


def test_an_unknown_target_header_is_taken_from_its_values_with_a_warning(tmp_path: Path) -> None:
    code, out = _extract(tmp_path)
    indicators = pd.read_parquet(out / "indicators")
    assert code == EXIT_OK
    assert list(indicators["target_raw"]) == ["≥300人次", "≥95%"]
    assert _inferred(out) == ["warning"]


def test_an_extra_lexicon_names_the_target_column(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("grid_columns:\n  target: [本期考核值]\n", encoding="utf-8")
    code, out = _extract(tmp_path, "--lexicon", str(extra))
    indicators = pd.read_parquet(out / "indicators")
    assert code == EXIT_OK
    assert list(indicators["target_raw"]) == ["≥300人次", "≥95%"]
    assert list(indicators["target_value"]) == [300.0, 95.0]
    assert _inferred(out) == []


@pytest.mark.parametrize(("content", "message"), [
    ("grid_columns:\n  targets: [本期考核值]\n", "unknown name 'targets'"),
    ("columns:\n  target: [x]\n", "unknown section(s) columns"),
    ("grid_columns: [a, b]\n", "must map names"),
    ("ambiguous_grid_columns:\n  考核: [level9]\n", "unknown role(s)"),
    ("grid_columns: {target: [a\n", "cannot be read"),
])
def test_a_bad_extra_lexicon_stops_the_run_before_any_work(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        _extract(tmp_path, "--lexicon", str(extra))
    assert exit_info.value.code == EXIT_USAGE
    assert not (tmp_path / "out").exists()
    assert message in capsys.readouterr().err


def test_the_built_in_lexicon_loads_and_rejects_a_wrong_role() -> None:
    assert lexicon().header_match("*指标值").roles == ("target",)
    assert lexicon().header_match("2023年实际完成值").year == 2023
    with pytest.raises(ConfigError, match="unknown name"):
        build({"grid_columns": {"nonsense": ["x"]}})
    assert LEXICON_PATH.is_file()


def test_an_extra_lexicon_reaches_normalization(tmp_path: Path) -> None:
    """Operator words of an extra lexicon set target_op, not only the parser's column roles."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "table.txt").write_text("\n".join([
        "培训项目绩效目标表", "项目名称\t职工技能培训",
        "一级指标\t二级指标\t三级指标\t指标方向\t指标值",
        "产出指标\t数量指标\t培训人次\t至少\t300",
    ]) + "\n", encoding="utf-8")
    extra = tmp_path / "extra.yaml"
    extra.write_text('operator_words:\n  ">=": [至少]\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(source), "--out", str(out), "-q", "--lexicon", str(extra)]) == EXIT_OK
    indicators = pd.read_parquet(out / "indicators")
    assert (indicators.loc[0, "operator_raw"], indicators.loc[0, "target_op"]) == ("至少", ">=")
