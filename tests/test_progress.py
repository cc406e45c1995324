"""Issue 11, progress: a bar or log lines, slow files named, failed files in the summary,
--log-file, and library chatter kept with the file it came from."""

from __future__ import annotations

import io
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines import worker
from goaltables.pipelines.cli import EXIT_SOME_FAILED, main
from goaltables.pipelines.process import process_file
from goaltables.pipelines.progress import Progress
from goaltables.pipelines.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_000


def _extract(*args: object) -> int:
    return main(["extract", *map(str, args)])


def test_the_summary_names_the_first_failed_files_and_counts_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SAMPLE_000.read_bytes())
    for i in range(7):
        (folder / f"empty{i}.txt").write_bytes(b"")
    assert _extract(folder, "--out", tmp_path / "out", "--quiet") == EXIT_SOME_FAILED
    summary = capsys.readouterr().out
    assert "  failed files (first 5):\n    empty0.txt: empty file (0 bytes)\n" in summary
    assert "empty4.txt" in summary and "empty5.txt" not in summary
    assert "    … and 2 more (documents table, status failed)\n" in summary


def test_log_file_keeps_progress_lines_even_when_the_console_is_quiet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log_file = tmp_path / "run.log"
    try:
        assert _extract(SAMPLE_000, "--out", tmp_path / "out", "--quiet", "--log-file", log_file) == 0
    finally:
        for handler in [h for h in logging.getLogger().handlers if isinstance(h, logging.FileHandler)]:
            logging.getLogger().removeHandler(handler)
            handler.close()
    text = log_file.read_text(encoding="utf-8")
    assert "INFO 1/1 files (100%)" in text and "files/s, ETA 0:00, 0 failed" in text
    assert "files/s" not in capsys.readouterr().err


def _hang(path: Path, source: str, settings: Settings):  # noqa: ANN202 - a stand-in for process_file
    if Path(path).name.startswith("hang"):
        time.sleep(600)
    return process_file(path, source, settings)


def test_a_file_still_being_read_is_named_before_its_timeout(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(worker, "process_file", _hang)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hang.txt").write_bytes(SAMPLE_000.read_bytes())
    (tmp_path / "in" / "ok.txt").write_bytes(SAMPLE_000.read_bytes() + b"\n")
    code = _extract(tmp_path / "in", "--out", tmp_path / "out", "--quiet", "--timeout", 3, "--slow-after", 1)
    assert code == EXIT_SOME_FAILED
    slow = [r.getMessage() for r in caplog.records if r.getMessage().startswith("still reading")]
    assert any(m.startswith("still reading hang.txt after ") for m in slow)  # ok.txt too, on a busy machine


def test_library_warnings_are_kept_with_their_file_not_printed(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _extract(FIXTURES / "hostile" / "bad_bbox.pdf", SAMPLE_000, "--out", out, "--quiet") == EXIT_SOME_FAILED
    assert "MediaBox" not in capfd.readouterr().err
    files = {f["path"]: f for f in json.loads((out / "_manifest.json").read_text(encoding="utf-8"))["files"]}
    assert "Invalid MediaBox in /Page" in files["bad_bbox.pdf"]["library_output"]
    assert "library_output" not in files[SAMPLE_000.name]
    assert pd.read_parquet(out / "documents").status.tolist() == ["failed", "ok"]


def test_progress_off_a_terminal_logs_rate_and_eta(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with Progress(3, bar=False, every=3600) as progress:
        for status in ("ok", "failed", "ok"):
            progress.tick(status)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and lines[0].startswith("3/3 files (100%), ") and lines[0].endswith(", ETA 0:00, 1 failed")


def test_progress_on_a_terminal_draws_a_bar_with_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr("sys.stderr", screen)
    with Progress(2, bar=True) as progress:
        progress.tick("ok")
        progress.tick("failed")
    text = screen.getvalue()
    assert "2/2" in text and "files/s" in text and "failed=1" in text and "<00:00" in text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice")
def test_each_worker_keeps_one_libreoffice_profile_and_the_run_removes_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    seen: list[list[str]] = []

    def spy(path: Path, source: str, settings: Settings):  # noqa: ANN202 - process_file, noting the profiles
        result = process_file(path, source, settings)
        profiles = next(temp.glob("goaltables-office-profiles-*"))
        seen.append(sorted(p.name for p in profiles.glob("profile-*")))  # beside them: .doc copies being read
        result.document.encoding = ",".join(seen[-1])  # carried back to the main process
        return result

    monkeypatch.setattr(worker, "process_file", spy)
    (tmp_path / "in").mkdir()
    for name in ("000.doc", "004.doc"):
        shutil.copy(FIXTURES / "doc" / name, tmp_path / "in" / name)
    assert _extract(tmp_path / "in", "--out", tmp_path / "out", "--quiet") == 0
    docs = pd.read_parquet(tmp_path / "out" / "documents")
    assert docs.n_indicators.min() > 0
    profiles = docs.encoding.tolist()
    assert profiles[0] == profiles[1] and profiles[0].startswith("profile-")  # one profile, used twice
    assert list(temp.glob("goaltables-*")) == []  # (jieba leaves its cache there)
