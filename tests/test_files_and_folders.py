"""Issue 9, files and folders: every input accounted for, names kept, runs that cannot collide."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from goaltables.pipelines import discover as discovery
from goaltables.pipelines.cli import EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, main
from goaltables.pipelines.output import OutputWriter, staging_folders
from goaltables.pipelines.preflight import OutputLock
from tests.conftest import ROOT, SAMPLE_000, SAMPLE_004

GBK_NAME = "预算绩效目标表".encode("gbk") + b".txt"


def _extract(*args: object) -> int:
    return main(["extract", *map(str, args), "--quiet"])


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


def test_non_utf8_file_names_are_read_and_kept_losslessly(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    raw_folder = os.fsencode(folder)
    for raw, sample in ((GBK_NAME, SAMPLE_000), (b"caf\xe9-\xff.txt", SAMPLE_004)):
        with open(raw_folder + b"/" + raw, "wb") as out:
            out.write(sample.read_bytes())
    out = tmp_path / "out"
    assert _extract(folder, "--out", out) == EXIT_OK
    docs = pq.read_table(out / "documents").to_pandas().set_index("source_path")
    assert docs.loc["预算绩效目标表.txt", "source_path_raw"] == GBK_NAME
    assert docs.loc["caf\\xe9-\\xff.txt", "source_path_raw"] == b"caf\xe9-\xff.txt"
    assert docs.n_indicators.tolist() == [35, 28]
    findings = pd.read_parquet(out / "findings")
    assert (findings.code == "non_utf8_name").sum() == 2


def test_a_non_utf8_folder_named_on_the_command_line_does_not_stop_the_run(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path) + b"/" + "预算".encode("gbk")
    os.mkdir(root)
    with open(root + b"/" + GBK_NAME, "wb") as out:
        out.write(SAMPLE_000.read_bytes())
    out = tmp_path / "out"
    assert _extract(os.fsdecode(root), SAMPLE_004, "--out", out) == EXIT_OK
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs.source_path) == ["004_48fcdb4031b524de.txt", "预算/预算绩效目标表.txt"]
    assert _manifest(out)["inputs"][0].endswith("/预算")


def test_source_path_is_unique_across_roots_with_the_same_relative_paths(tmp_path: Path) -> None:
    for parent, sample in (("a", SAMPLE_000), ("b", SAMPLE_004)):
        (tmp_path / parent / "2024").mkdir(parents=True)
        (tmp_path / parent / "2024" / "x.txt").write_bytes(sample.read_bytes())
    out = tmp_path / "out"
    assert _extract(tmp_path / "a" / "2024", tmp_path / "b" / "2024", "--out", out) == EXIT_OK
    docs = pd.read_parquet(out / "documents")
    assert sorted(docs.source_path) == ["a/2024/x.txt", "b/2024/x.txt"]


def test_a_root_given_twice_is_skipped_not_read_twice(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _extract(SAMPLE_000, SAMPLE_000, "--out", out) == EXIT_OK
    assert len(pd.read_parquet(out / "documents")) == 1
    assert [s["reason"] for s in _manifest(out)["skipped"]] == ["given twice on the command line"]


def test_skipped_entries_are_listed_with_their_reason_and_a_clean_batch_exits_0(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "000.txt").write_bytes(SAMPLE_000.read_bytes())
    (folder / "~$000.docx").write_bytes(b"\x0bowner")
    (folder / ".hidden.txt").write_bytes(SAMPLE_004.read_bytes())
    os.mkfifo(folder / "pipe.txt")
    (folder / "dangling.docx").symlink_to(folder / "missing.docx")
    (folder / "self.docx").symlink_to(folder / "self.docx")
    (folder / "sub" / "up").symlink_to(folder, target_is_directory=True)
    out = tmp_path / "out"
    assert _extract(folder, "--out", out) == EXIT_OK
    skipped = {s["path"]: s["reason"] for s in _manifest(out)["skipped"]}
    assert skipped == {
        ".hidden.txt": discovery.HIDDEN,
        "dangling.docx": "dangling symlink: its target does not exist",
        "pipe.txt": "FIFO (named pipe), not a file",
        "self.docx": "symlink loop",
        "sub/up": "symlink loop",
        "~$000.docx": discovery.OFFICE_LOCK,
    }
    assert pd.read_parquet(out / "documents").source_path.tolist() == ["000.txt"]


def test_unreadable_folder_is_skipped_with_its_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "000.txt").write_bytes(SAMPLE_000.read_bytes())
    real_scandir = os.scandir

    def scandir(path: object):  # noqa: ANN202 - root ignores permissions, so refuse like a locked folder
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    found = discovery.discover([folder])
    assert [i.source_path for i in found.inputs] == ["000.txt"]
    assert found.skipped == [discovery.Skipped("locked", "folder cannot be read: Permission denied")]


def test_a_fifo_named_on_the_command_line_is_skipped_not_waited_for(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    found = discovery.discover([tmp_path / "pipe.txt", SAMPLE_000])
    assert [s.reason for s in found.skipped] == ["FIFO (named pipe), not a file"]
    assert len(found.inputs) == 1


def test_failures_before_reading_get_their_own_identity(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, sample in (("a.txt", SAMPLE_000), ("b.txt", SAMPLE_004)):
        (folder / name).write_bytes(sample.read_bytes())
    out = tmp_path / "out"
    assert _extract(folder, "--out", out, "--max-file-mb", "0.001") == EXIT_SOME_FAILED
    docs = pd.read_parquet(out / "documents")
    assert len(docs) == 2 and docs.doc_id.is_unique  # not "duplicates" sharing the hash of no bytes
    assert docs.sha256.isna().all() and (docs.status == "failed").all()
    assert _manifest(out)["status_counts"]["duplicate"] == 0


# --------------------------------------------------------------------------- runs


def test_second_concurrent_run_on_one_output_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    with OutputLock(out):
        with pytest.raises(SystemExit) as exit_info:
            _extract(SAMPLE_000, "--out", out)
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert err == f"goaltables: error: another goaltables run (pid {os.getpid()}) is writing {out.resolve()}; " \
                  "wait for it or choose another --out"
    assert not out.exists()
    assert _extract(SAMPLE_000, "--out", out) == EXIT_OK  # the lock went with its holder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_unwritable_output_folder_is_refused_before_any_work(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(SystemExit) as exit_info:
        _extract(SAMPLE_000, "--out", blocker / "out")
    assert exit_info.value.code == EXIT_USAGE
    assert capsys.readouterr().err.startswith(f"goaltables: error: cannot write the output folder {blocker / 'out'}: ")


def test_bad_taxonomy_is_refused_before_any_work_and_keeps_the_old_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _extract(SAMPLE_000, "--out", out) == EXIT_OK
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "extra.yaml"
    bad.write_text("level1: [unclosed\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        _extract(SAMPLE_004, "--out", out, "--taxonomy", bad)
    assert exit_info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith(f"goaltables: error: taxonomy file {bad} cannot be used: ") and err.count("\n") == 1
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_taxonomy_of_the_wrong_shape_is_refused_by_check_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "extra.yaml"
    bad.write_text("level1: 5\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(SAMPLE_000), "--taxonomy", str(bad)])
    assert exit_info.value.code == EXIT_USAGE
    assert capsys.readouterr().err.startswith(f"goaltables: error: taxonomy file {bad} cannot be used: ")


def test_the_next_run_finds_the_writers_staging_folders(tmp_path: Path) -> None:
    """If the writer ever names its staging folder differently, this fails instead of the next
    run silently neither resuming nor removing it."""
    writer = OutputWriter(tmp_path / "out", "fingerprint")
    assert writer.staging.is_dir()
    assert staging_folders((tmp_path / "out").resolve()) == [writer.staging]
    writer.leave()  # nothing committed: nothing to keep
    assert not writer.staging.exists()


SLOW_RUN = textwrap.dedent("""\
    import sys, time
    from goaltables.pipelines import worker
    from goaltables.pipelines.process import process_file

    def slow(path, source, settings):
        time.sleep(600)
        return process_file(path, source, settings)

    worker.process_file = slow
    from goaltables.pipelines.cli import main
    sys.exit(main(["extract", *sys.argv[1:], "--quiet", "--jobs", "2"]))
""")


def _start_slow_run(tmp_path: Path, out: Path) -> subprocess.Popen:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_bytes(SAMPLE_000.read_bytes() + name.encode())
    process = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(folder), "--out", str(out)], cwd=ROOT)
    deadline = time.monotonic() + 20
    while len(_children(process.pid)) < 2:  # both workers started: the run is under way
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def _gone(pids: list[int], within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in _state(p)]
        if not alive:
            return True
        time.sleep(0.05)
    return False


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return "Z"


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_is_handled_like_ctrl_c(tmp_path: Path, signum: int, code: int) -> None:
    out = tmp_path / "out"
    assert _extract(SAMPLE_004, "--out", out) == EXIT_OK
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    process = _start_slow_run(tmp_path, out)
    workers = _children(process.pid)
    process.send_signal(signum)
    assert process.wait(timeout=20) == code
    assert _gone(workers), "workers outlived the run"
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # no staging folder, no lock file


def test_kill_9_orphans_no_worker_and_the_next_run_removes_its_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _start_slow_run(tmp_path, out)
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=20)
    assert _gone(workers), "workers outlived a killed run"
    assert any(p.name.startswith(".out.staging-") for p in tmp_path.iterdir())
    assert _extract(SAMPLE_000, "--out", out) == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_a_stop_signal_swallowed_inside_an_import_is_raised_again() -> None:
    """Seen in CI: SIGTERM landed in an import-lock callback, which printed "Exception ignored"
    and went on, so the run waited for its sleeping workers instead of stopping."""
    from goaltables.pipelines.worker import Terminated, raise_pending, sigterm_as_interrupt

    with sigterm_as_interrupt():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        except Terminated:
            pass  # what the import machinery does with it
        with pytest.raises(Terminated):
            raise_pending()
    raise_pending()  # outside the run nothing is pending
