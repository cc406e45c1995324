"""Issue 11, incremental and crash-safe runs: a re-run reads only what changed, and a run killed
at any moment (kill -9 included) and started again ends with exactly the rows of a run that was
never interrupted.

Every comparison is of every column of every row of the five tables, against a fresh ``--full``
run over the same inputs; only the manifest (timings, read/reused counts) may differ.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from goaltables.pipelines.cli import EXIT_SOME_FAILED, main
from goaltables.pipelines.schema import SCHEMAS
from tests.conftest import FIXTURES, ROOT, SAMPLE_000, SAMPLE_004
from tests.test_archives import GBK_DOCX, GBK_TXT, windows_zip

COMMIT_EVERY = 2


def _extract(*args: object) -> int:
    return main(["extract", *map(str, args), "--quiet", "--jobs", "2", "--commit-every", str(COMMIT_EVERY)])


def _manifest(out: Path) -> dict:
    return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))


def _rows(out: Path) -> dict[str, list[str]]:
    """Every table as sorted rows of every column: equal means the same rows, nothing twice."""
    return {name: sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False)
                         for r in pq.read_table(out / name).to_pylist()) for name in SCHEMAS}


def _fresh(inputs: Path, tmp_path: Path) -> dict[str, list[str]]:
    out = tmp_path / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    _extract(inputs, "--out", out, "--full")
    return _rows(out)


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """Word, text, web page, a copy, a corrupt file and a Windows zip with GBK names."""
    folder = tmp_path / "in"
    folder.mkdir()
    for source in sorted((FIXTURES / "traps").glob("*.docx"))[:6]:
        shutil.copy(source, folder / source.name)
    shutil.copy(FIXTURES / "html" / "004.html", folder / "004.html")
    shutil.copy(FIXTURES / "bad" / "corrupt.docx", folder / "corrupt.docx")
    (folder / "000.txt").write_bytes(SAMPLE_000.read_bytes())
    (folder / "000_copy.txt").write_bytes(SAMPLE_000.read_bytes())
    (folder / "004.txt").write_bytes(SAMPLE_004.read_bytes())
    (folder / "2024.zip").write_bytes(windows_zip({
        GBK_DOCX: (FIXTURES / "docx" / "000.docx").read_bytes(),
        GBK_TXT: SAMPLE_004.read_text(encoding="utf-8").encode("gb18030"),
    }))
    return folder


def test_a_rerun_with_no_change_reads_nothing_and_rewrites_no_part(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED  # corrupt.docx
    first = _manifest(out)
    assert len(first["files"]) == 13 and first["read"] == 12 and first["reused"] == 0 and first["status_counts"]["duplicate"] == 1
    rows = _rows(out)
    parts = {p.relative_to(out): p.stat().st_ino for p in out.rglob("part-*.parquet")}

    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    again = _manifest(out)
    assert again["read"] == 0 and again["reused"] == 12
    assert again["status_counts"] == first["status_counts"] and again["counts"] == first["counts"]
    assert _rows(out) == rows
    kept = {p.relative_to(out): p.stat().st_ino for p in out.rglob("part-*.parquet")
            if p.parent.name not in ("documents", "findings") or "-run" not in p.name}
    assert all(parts.get(path) == inode for path, inode in kept.items()), "a kept part was rewritten"
    assert _leftovers(out) == []


def test_changed_added_and_deleted_files_give_the_rows_of_a_fresh_run(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(inputs, "--out", out)
    (inputs / "004.txt").write_bytes(SAMPLE_004.read_bytes() + "\n说明：修订稿\n".encode())
    (inputs / "000.txt").unlink()  # its copy becomes the document
    (inputs / "zip").mkdir()
    (inputs / "zip" / "2024.zip").write_bytes(windows_zip({GBK_TXT: SAMPLE_000.read_bytes() + b"\n"}))
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    manifest = _manifest(out)
    # read: the changed file, the copy now first (its path is new), the new archive's member
    assert manifest["read"] == 3 and manifest["reused"] == 10
    assert _rows(out) == _fresh(inputs, tmp_path)
    documents = pq.read_table(out / "documents").to_pandas()
    assert "000.txt" not in set(documents.source_path) and "000_copy.txt" in set(documents.source_path)


def test_a_changed_zip_rereads_only_its_changed_member(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(inputs, "--out", out)
    (inputs / "2024.zip").write_bytes(windows_zip({
        GBK_DOCX: (FIXTURES / "docx" / "000.docx").read_bytes(),
        GBK_TXT: SAMPLE_000.read_text(encoding="utf-8").encode("gb18030"),
    }))
    _extract(inputs, "--out", out)
    files = {f["path"]: f for f in _manifest(out)["files"]}
    assert [path for path, f in files.items() if not f.get("reused") and f["status"] != "duplicate"] == [
        "2024.zip!/财政局/整体支出.txt"]
    assert _rows(out) == _fresh(inputs, tmp_path)


def test_full_retry_failed_and_a_new_lexicon_read_again(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(inputs, "--out", out)
    _extract(inputs, "--out", out, "--retry-failed")
    assert _manifest(out)["read"] == 1  # corrupt.docx
    _extract(inputs, "--out", out, "--full")
    assert _manifest(out)["read"] == 12
    extra = tmp_path / "extra.yaml"
    extra.write_text("grid_columns:\n  remark: [附注说明]\n", encoding="utf-8")
    _extract(inputs, "--out", out, "--lexicon", extra)
    assert _manifest(out)["read"] == 12  # the pipeline changed: nothing earlier is trusted


# --------------------------------------------------------------------------- interrupted runs

SLOW_RUN = textwrap.dedent("""\
    import sys, time
    from goaltables.pipelines import worker
    from goaltables.pipelines.process import process_file

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return process_file(*args, **kwargs)

    worker.process_file = slow
    from goaltables.pipelines.cli import main
    sys.exit(main(["extract", *sys.argv[1:], "--quiet", "--jobs", "2", "--commit-every", "2"]))
""")


def _kill_after(inputs: Path, out: Path, commits: int, signum: int = signal.SIGKILL) -> None:
    """Start a slowed run and send ``signum`` once its journal holds ``commits`` lines."""
    process = subprocess.Popen([sys.executable, "-c", SLOW_RUN, str(inputs), "--out", str(out)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while _journaled(out) < commits:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signum)
    process.wait(timeout=30)


def _journaled(out: Path) -> int:
    """Lines in the journal of the newest staging folder of ``out`` (the run in progress)."""
    folders = sorted(out.parent.glob(f".{out.name}.staging-*"), key=lambda p: p.stat().st_mtime_ns)
    try:
        return len((folders[-1] / "_journal.jsonl").read_text(encoding="utf-8").splitlines()) if folders else 0
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("commits", [1, 4])
def test_kill_9_and_run_again_gives_exactly_the_rows_of_an_uninterrupted_run(
        inputs: Path, tmp_path: Path, commits: int) -> None:
    out = tmp_path / "out"
    _kill_after(inputs, out, commits)
    assert not out.exists() and len(_leftovers(out)) >= 1  # DIR untouched; the work kept beside it
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    manifest = _manifest(out)
    assert manifest["reused"] >= COMMIT_EVERY * commits and manifest["read"] + manifest["reused"] == 12
    assert _rows(out) == _fresh(inputs, tmp_path)
    assert _leftovers(out) == []


def test_killed_twice_over_an_earlier_output_then_finished(inputs: Path, tmp_path: Path) -> None:
    """Resume from a resumed run, over an earlier output of half the files."""
    out = tmp_path / "out"
    later = [p for p in sorted(inputs.iterdir()) if p.suffix == ".docx"][3:]
    parked = tmp_path / "parked"
    parked.mkdir()
    for path in later:
        path.rename(parked / path.name)
    _extract(inputs, "--out", out)
    for path in later:
        (parked / path.name).rename(inputs / path.name)
    before = _rows(out)
    _kill_after(inputs, out, 1)
    assert _rows(out) == before  # readers still see the earlier output, whole
    _kill_after(inputs, out, 1)
    assert _rows(out) == before
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    assert _rows(out) == _fresh(inputs, tmp_path)
    assert _leftovers(out) == []


def test_ctrl_c_keeps_the_files_already_read(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _kill_after(inputs, out, 1, signal.SIGINT)
    assert not out.exists()
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    assert _manifest(out)["reused"] >= COMMIT_EVERY
    assert _rows(out) == _fresh(inputs, tmp_path)


def test_a_torn_journal_line_and_a_half_written_part_are_ignored(inputs: Path, tmp_path: Path) -> None:
    """What a power cut can leave: the last journal line cut short, a hidden part file."""
    out = tmp_path / "out"
    _kill_after(inputs, out, 2)
    staging = max(out.parent.glob(f".{out.name}.staging-*"), key=lambda p: p.stat().st_mtime_ns)
    journal = staging / "_journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines()
    journal.write_text(lines[0] + "\n" + lines[1][: len(lines[1]) // 2], encoding="utf-8")
    (staging / "indicators" / ".part-torn.parquet").write_bytes(b"PAR1 half")
    assert _extract(inputs, "--out", out) == EXIT_SOME_FAILED
    assert _manifest(out)["reused"] == COMMIT_EVERY
    assert _rows(out) == _fresh(inputs, tmp_path)
    assert not any(p.name.startswith(".") for p in out.rglob("*"))


def test_a_run_with_other_inputs_drops_the_rows_of_files_not_given(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(inputs, "--out", out)
    os.remove(inputs / "2024.zip")
    _extract(inputs / "004.txt", "--out", out)
    assert _manifest(out)["reused"] == 1
    assert _rows(out) == _fresh(inputs / "004.txt", tmp_path)


# --------------------------------------------------------------------------- what is the same file

def test_a_rename_between_utf8_and_gbk_names_is_read_again(tmp_path: Path) -> None:
    """Both names show as 预算.txt; only the bytes tell them apart, and the rows differ."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "预算.txt").write_bytes(SAMPLE_004.read_bytes())
    out = tmp_path / "out"
    _extract(folder, "--out", out)
    os.rename(os.fsencode(folder / "预算.txt"), os.fsencode(folder) + b"/" + "预算.txt".encode("gbk"))
    _extract(folder, "--out", out)
    assert _manifest(out)["read"] == 1
    assert _rows(out) == _fresh(folder, tmp_path)
    assert "non_utf8_name" in set(pq.read_table(out / "findings").column("code").to_pylist())


def test_names_with_unicode_line_separators_are_remembered(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\u2028b\u0085.txt").write_bytes(SAMPLE_004.read_bytes())
    (folder / "c.txt").write_bytes(SAMPLE_000.read_bytes())
    out = tmp_path / "out"
    _extract(folder, "--out", out)
    _extract(folder, "--out", out)
    assert _manifest(out)["read"] == 0


def test_the_staging_folders_of_another_output_folder_are_not_taken(tmp_path: Path) -> None:
    from goaltables.pipelines.output import staging_folders

    ours, theirs = tmp_path / ".o[2].staging-abc", tmp_path / ".o2.staging-def"
    ours.mkdir()
    theirs.mkdir()
    assert staging_folders(tmp_path / "o[2]") == [ours]
    assert staging_folders(tmp_path / "o2") == [theirs]


def test_a_file_stopped_by_the_time_limit_is_not_read_again_unless_asked(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SAMPLE_000.read_bytes())
    out = tmp_path / "out"
    script = textwrap.dedent("""\
        import sys, time
        from goaltables.pipelines import worker
        worker.process_file = lambda *args, **kwargs: time.sleep(60)
        from goaltables.pipelines.cli import main
        sys.exit(main(["extract", *sys.argv[1:], "--quiet", "--timeout", "0.5"]))
    """)
    subprocess.run([sys.executable, "-c", script, str(folder), "--out", str(out)], cwd=ROOT, check=False, timeout=60)
    assert pq.read_table(out / "documents").column("status").to_pylist() == ["failed"]
    _extract(folder, "--out", out, "--timeout", "0.5")
    assert _manifest(out)["read"] == 0  # a hung file costs its timeout once, not on every re-run
    _extract(folder, "--out", out, "--retry-failed")
    assert _manifest(out)["read"] == 1
    assert pq.read_table(out / "documents").column("status").to_pylist() == ["ok"]


def test_many_small_commits_are_merged_and_keep_every_row(inputs: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from goaltables.pipelines import output

    monkeypatch.setattr(output, "MAX_COMMITS", 3)
    out = tmp_path / "out"
    main(["extract", str(inputs), "--out", str(out), "--quiet", "--jobs", "2", "--commit-every", "1"])
    journal = (out / "_journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(journal) == 1 and len(list((out / "indicators").glob("part-*.parquet"))) == 1
    assert _rows(out) == _fresh(inputs, tmp_path)
    (inputs / "004.txt").write_bytes(SAMPLE_004.read_bytes() + b"\n")
    main(["extract", str(inputs), "--out", str(out), "--quiet", "--commit-every", "1"])
    assert _manifest(out)["read"] == 1 and _rows(out) == _fresh(inputs, tmp_path)
