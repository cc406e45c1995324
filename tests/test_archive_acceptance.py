"""Issue 11's acceptance case in one run: a folder of good files, a Windows zip of good files
(GBK names) with a bomb member, a corrupt .docx, a 0-byte .pdf, a GB18030 .txt and a file that
hangs the parser. The run goes to the end, every file has its documents row with the right
status, the exit status is 1, and the good files' rows are exactly those they give alone."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from goaltables.pipelines import worker
from goaltables.pipelines.cli import EXIT_SOME_FAILED, main
from goaltables.pipelines.process import process_file
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004
from tests.test_archives import BOMB, GBK_DOCX, GBK_TXT, windows_zip

GOOD = ["000.txt", "traps/framework_2021.docx", "traps/operator_column.docx", "004.html", "gb18030.txt",
        "2024.zip!/财政局/项目绩效目标表.docx", "2024.zip!/财政局/整体支出.txt"]


def _hangs(path: Path, source: str, settings: object, load: object = None):  # noqa: ANN202 - stands in for process_file
    """Inherited by the forked workers: the file named hang.txt never finishes."""
    if source.endswith("hang.txt"):
        time.sleep(600)
    return process_file(path, source, settings, load)


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    folder = tmp_path / "archive"
    (folder / "traps").mkdir(parents=True)
    (folder / "000.txt").write_bytes(SAMPLE_000.read_bytes())
    for name in ("framework_2021.docx", "operator_column.docx"):
        shutil.copy(FIXTURES / "traps" / name, folder / "traps" / name)
    shutil.copy(FIXTURES / "html" / "004.html", folder / "004.html")
    (folder / "gb18030.txt").write_bytes(SAMPLE_004.read_text(encoding="utf-8").encode("gb18030") + b"\r\n")
    (folder / "2024.zip").write_bytes(windows_zip({
        GBK_DOCX: (FIXTURES / "docx" / "000.docx").read_bytes(),
        GBK_TXT: SAMPLE_004.read_text(encoding="utf-8").encode("gb18030"),
        b"bomb.txt": BOMB,
    }))
    shutil.copy(FIXTURES / "bad" / "corrupt.docx", folder / "corrupt.docx")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "hang.txt").write_bytes(SAMPLE_000.read_bytes() + b"\n")
    return folder


def _rows(out: Path, name: str, docs: set[str]) -> list[str]:
    table = pq.read_table(out / name).to_pylist()
    return sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False) for r in table if r["doc_id"] in docs)


def test_a_hostile_archive_runs_to_the_end_and_loses_nothing(archive: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "process_file", _hangs)
    out = tmp_path / "out"
    assert main(["extract", str(archive), "--out", str(out), "--jobs", "2", "--timeout", "4", "--quiet"]) == EXIT_SOME_FAILED
    docs = pq.read_table(out / "documents").to_pandas().set_index("source_path")
    assert sorted(docs.index) == sorted(GOOD + ["2024.zip!/bomb.txt", "corrupt.docx", "empty.pdf", "hang.txt"])
    assert (docs.loc[GOOD, "status"] != "failed").all() and (docs.loc[GOOD, "n_indicators"] > 0).all()
    errors = docs.error.dropna().to_dict()
    assert errors["2024.zip!/bomb.txt"].startswith("zip bomb: archive member bomb.txt unpacks")
    assert errors["corrupt.docx"] == "corrupt or truncated zip container: not a readable Word or Excel file"
    assert errors["empty.pdf"] == "empty file (0 bytes)"
    assert errors["hang.txt"] == "exceeded the 4 s time limit (raise it with --timeout)"
    assert docs.loc["gb18030.txt", "encoding"] == "gb18030"
    assert docs.loc["2024.zip!/财政局/整体支出.txt", "source_path_raw"] == b"2024.zip!/" + GBK_TXT

    # nothing else lost: each good file's rows are exactly what it gives alone
    alone = tmp_path / "alone"
    for path in GOOD:
        source = archive / path.split("!")[0]
        target = alone / path.split("!")[0]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    assert main(["extract", str(alone), "--out", str(tmp_path / "alone-out"), "--quiet"]) == EXIT_SOME_FAILED  # the bomb again
    good = set(docs.loc[GOOD, "doc_id"])
    for name in ("goal_tables", "indicators", "unit_goals"):
        assert _rows(out, name, good) == _rows(tmp_path / "alone-out", name, good)
