"""The command line as a user meets it: help, exit codes, summary, bad files, atomic output."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines import output
from goaltables.pipelines.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, build_parser, main
from goaltables.pipelines.schema import SCHEMAS
from tests.conftest import SAMPLE_000, SAMPLES


def _run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def test_help_reads_like_a_man_page(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run("extract", "--help")
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for needle in ("--out", "--jobs", "--taxonomy", "--max-file-mb", "--quiet", "exit status:", "examples:",
                   "documents", "_manifest.json"):
        assert needle in text
    for name, command in build_parser()._subparsers._group_actions[0].choices.items():
        assert command.epilog and "example" in command.epilog, f"goaltables {name} --help has no examples"
        for action in command._actions:
            assert action.help, f"goaltables {name}: option {action.dest} has no help"


def test_samples_convert_with_exit_zero_and_a_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("extract", SAMPLES, "--out", tmp_path / "out") == EXIT_OK
    summary = capsys.readouterr().out
    assert "2 files" in summary and "goal tables 5 (5 distinct), indicators 63, unit goals 4" in summary
    # 004's tab export has shifted rows realigned by content (a repair): partial, not ok
    assert "ok 1, partial 1" in summary and "needs review 2 of 2 documents" in summary
    manifest = json.loads((tmp_path / "out" / "_manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["indicators"] == 63
    assert [f["status"] for f in manifest["files"]] == ["ok", "partial"]
    assert manifest["needs_review"] == 2
    assert set(manifest["files"][0]["timings"]) == {"load", "read", "parse", "normalize", "check"}


def test_bad_files_fail_alone_and_the_others_rows_are_all_written(bad_inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _run("extract", bad_inputs, "--out", out) == EXIT_SOME_FAILED
    docs = pd.read_parquet(out / "documents").set_index("source_path")
    assert docs.loc["empty.txt", "error"] == "empty file (0 bytes)"
    assert docs.loc["binary.txt", "error"].startswith("binary file")
    assert docs.loc["truncated.txt", "error"].startswith("truncated text file")
    assert (docs.loc[["empty.txt", "binary.txt", "truncated.txt"], "status"] == "failed").all()
    assert docs.loc[SAMPLE_000.name, "n_indicators"] == 28
    assert len(pd.read_parquet(out / "indicators")) == 63
    findings = pd.read_parquet(out / "findings")
    assert len(findings[findings.code == "unreadable_file"]) == 3


def test_byte_identical_inputs_are_extracted_once(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE_000.read_bytes())
    (folder / "copy.txt").write_bytes(SAMPLE_000.read_bytes())
    assert _run("extract", folder, "--out", tmp_path / "out") == EXIT_OK
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert docs.source_path.tolist() == ["a.txt"] and docs.duplicate_paths[0].tolist() == ["copy.txt"]
    assert len(pd.read_parquet(tmp_path / "out" / "indicators")) == 28


def test_parallel_run_gives_the_same_tables(tmp_path: Path, bad_inputs: Path) -> None:
    _run("extract", bad_inputs, "--out", tmp_path / "one")
    _run("extract", bad_inputs, "--out", tmp_path / "two", "--jobs", "2")
    for name in SCHEMAS:
        one = pd.read_parquet(tmp_path / "one" / name)
        two = pd.read_parquet(tmp_path / "two" / name)
        pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["extract", "missing-folder", "--out", "x"], "does not exist"),
        (["extract", "samples", "--out", "x", "--jobs", "0"], "jobs must be"),
        (["extract", "samples", "--out", "x", "--max-file-mb", "-1"], "max_file_mb must be"),
        (["extract", "samples", "--out", "x", "--taxonomy", "nope.yaml"], "taxonomy file"),
        (["extract", "samples"], "--out"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parent.parent)
    args = [str(tmp_path / a) if a == "x" else a for a in args]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == EXIT_USAGE
    assert message in capsys.readouterr().err


def test_an_occupied_folder_is_not_replaced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.docx").write_text("mine")
    with pytest.raises(SystemExit) as exit_info:
        _run("extract", SAMPLES, "--out", precious)
    assert exit_info.value.code == EXIT_USAGE
    assert (precious / "chapter1.docx").read_text() == "mine"


def test_interrupted_run_leaves_the_previous_output_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    _run("extract", SAMPLE_000, "--out", out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_swap_in", interrupted)
    assert _run("extract", SAMPLES, "--out", out) == 130
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    kept = [p for p in tmp_path.iterdir() if p.name != "out"]
    assert [p.name[:13] for p in kept] == [".out.staging-"]  # the work done, for the next run
    monkeypatch.undo()
    assert _run("extract", SAMPLES, "--out", out) == EXIT_OK
    assert json.loads((out / "_manifest.json").read_text(encoding="utf-8"))["read"] == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_rerun_replaces_output_and_keeps_files_a_person_put_there(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    _run("extract", SAMPLE_000, "--out", out)
    _run("extract", SAMPLES, "--out", out)
    assert sorted(p.name for p in out.iterdir()) == sorted([".gitkeep", "_manifest.json", "_journal.jsonl",
                                                           *SCHEMAS])
    assert len(pd.read_parquet(out / "goal_tables")) == 5


def test_check_reports_what_a_reviewer_sends_back(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("check", SAMPLES, "--lang", "en") == EXIT_OK
    report = capsys.readouterr().out
    assert "all 7 indicators have the target '≥100优' [copied_targets]" in report
    assert "row 0, line 384: placeholder left in the indicator name and description of '春节慰问劳模人数**人'" in report
    assert "level-1 weights add up to 90, not 100 (服务对象满意度 without a weight) [weights_not_100]" in report
    assert "label_filled_down" not in report and "notes not listed" in report


def test_check_fails_on_an_unreadable_file(bad_inputs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("check", bad_inputs / "empty.txt", "--all", "--lang", "en") == EXIT_SOME_FAILED
    assert "ERROR   empty file (0 bytes)" in capsys.readouterr().out
    assert _run("check", bad_inputs / "empty.txt") == EXIT_SOME_FAILED
    assert "【错误】 empty file (0 bytes)" in capsys.readouterr().out


def test_taxonomy_lists_codes_and_unmapped_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = SAMPLE_000.read_text(encoding="utf-8").replace("\t社会效益指标\n", "\t民生改善指标\n")
    (folder / "changed.txt").write_text(text, encoding="utf-8")
    _run("extract", folder, "--out", tmp_path / "out")
    capsys.readouterr()
    assert _run("taxonomy", "--unmapped", tmp_path / "out") == EXIT_OK
    out = capsys.readouterr().out
    assert "service_satisfaction" in out and "satisfaction_rate" in out
    assert "level2: 1 label(s)" in out and "民生改善指标" in out


def test_summary_reports_label_and_kind_coverage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run("extract", SAMPLES, "--out", tmp_path / "out")
    assert "coverage: level1 100%, level2 100%, indicator kind 100%" in capsys.readouterr().out


def test_a_file_over_the_size_limit_fails_with_the_way_out(tmp_path: Path) -> None:
    assert _run("extract", SAMPLE_000, "--out", tmp_path / "out", "--max-file-mb", "0.001") == EXIT_SOME_FAILED
    [error] = pd.read_parquet(tmp_path / "out" / "documents").error
    assert error.startswith("file too large (0 MB, limit 0.001 MB") and "--max-file-mb" in error


def test_readme_and_cli_reference_cover_every_command() -> None:
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.index("make extract") < readme.index("make test") < readme.index("## Command line")
    for name in build_parser()._subparsers._group_actions[0].choices:
        assert f"goaltables {name}" in readme


def test_check_on_an_output_folder_writes_the_same_report_to_a_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run("extract", SAMPLES, "--out", tmp_path / "out")
    capsys.readouterr()
    assert _run("check", SAMPLES, "--lang", "en") == EXIT_OK
    from_files = capsys.readouterr().out
    assert _run("check", tmp_path / "out", "--lang", "en", "--report", tmp_path / "review.md") == EXIT_OK
    from_folder = capsys.readouterr().out
    assert from_folder == from_files  # reviewing the folder says what reviewing the files said
    markdown = (tmp_path / "review.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Review report") and "row 0, line 384" in markdown


def test_check_html_report_in_chinese_with_places(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("check", SAMPLES, "--report", tmp_path / "审核.html") == EXIT_OK
    terminal = capsys.readouterr().out
    assert "行序号 0，第384行: placeholder left" in terminal and "[placeholder_value 模板占位符未填写]" in terminal
    page = (tmp_path / "审核.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "绩效目标表审核报告" in page and "第384行" in page


def test_check_report_needs_a_known_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _run("check", SAMPLE_000, "--report", tmp_path / "review.pdf")
    assert exit_info.value.code == EXIT_USAGE and "name it .md" in capsys.readouterr().err
