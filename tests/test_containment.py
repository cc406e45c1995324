"""Issue 9, containment: one hostile file fails alone, with one sentence, at any --jobs.

Reader limits are tested on the files of ``tests/fixtures/make_hostile.py``; the worker's time
limit, memory cap and crash handling with real inputs where one exists and with a patched
per-file function (inherited by the forked workers) where only a crash can show it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines import worker
from goaltables.pipelines.cli import EXIT_SOME_FAILED, main
from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004
from tests.fixtures import make_hostile

HOSTILE_FIXTURES = FIXTURES / "hostile"


def _process(tmp_path: Path, name: str, data: bytes, **settings: object) -> tuple[str, str | None, list[str]]:
    path = tmp_path / name
    path.write_bytes(data)
    result = process_file(path, name, Settings(**settings))
    return result.document.status, result.document.error, [f.code for f in result.findings]


def _extract(*args: object) -> int:
    return main(["extract", *map(str, args), "--quiet"])


def _documents(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents").set_index("source_path")


# --------------------------------------------------------------------------- reader limits


@pytest.mark.parametrize("make, member", [(make_hostile.zip_bomb_docx, "word/document.xml"),
                                          (make_hostile.zip_bomb_xlsx, "xl/worksheets/sheet1.xml")])
def test_zip_bomb_fails_on_the_compression_ratio(tmp_path: Path, make, member: str) -> None:
    data = make()
    assert len(data) < 5 * 2**20
    status, error, codes = _process(tmp_path, "bomb.zip", data)
    assert status == "failed" and codes == ["limit_exceeded"]
    assert error.startswith(f"zip bomb: member {member} unpacks") and "--max-zip-ratio 200" in error


def test_zip_bomb_fails_on_the_unpacked_size_when_the_ratio_is_raised(tmp_path: Path) -> None:
    status, error, _ = _process(tmp_path, "bomb.docx", make_hostile.zip_bomb_docx(), max_zip_ratio=10_000)
    assert status == "failed"
    assert error == "the file unpacks to 4,001 MB, more than --max-unzipped-mb 500 allows"


def test_whole_sheet_merge_fails_before_openpyxl_builds_it(tmp_path: Path) -> None:
    data = make_hostile.whole_sheet_merge_xlsx()
    assert len(data) < 6000
    status, error, codes = _process(tmp_path, "merge.xlsx", data)
    assert status == "failed" and codes == ["limit_exceeded"]
    assert error.startswith("merged range A1:XFD1048576 in sheet1 spans 1,048,576 rows x 16,384 columns")


def test_far_right_cell_is_read_safely_with_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "far.xlsx"
    path.write_bytes(make_hostile.far_right_cell_xlsx())
    result = process_file(path, path.name, Settings())
    assert result.document.status != "failed"
    assert result.document.n_indicators == 28  # every indicator row of the control workbook
    notes = [f.message for f in result.findings if f.code == "reader_note"]
    assert any("empty columns of the table at row 1 were left out" in n and "XFD" in n for n in notes)


def test_huge_html_spans_fail_before_the_grid_is_built(tmp_path: Path) -> None:
    data = make_hostile.huge_span_html()
    assert 60_000 < len(data) < 80_000
    status, error, codes = _process(tmp_path, "spans.html", data)
    assert status == "failed" and codes == ["limit_exceeded"]
    assert "1,000 columns" in error and "--max-table-cells" in error


def test_deep_xml_docx_is_read_without_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.docx"
    path.write_bytes(make_hostile.deep_xml_docx())
    from goaltables.extract.readers.docx import read

    assert [b.text for b in read(path.read_bytes()).blocks] == ["绩效目标"]


def test_deep_html_is_read_without_recursion_error(tmp_path: Path) -> None:
    status, error, _ = _process(tmp_path, "deep.html", make_hostile.deep_html())
    assert status == "no_goal_tables" and error is None


@pytest.mark.parametrize("name, start", [
    ("bad_deflate.xlsx", "corrupt Excel file: xl/worksheets/sheet1.xml cannot be unpacked (Error -3"),
    ("zip_version.docx", "corrupt or unreadable file: NotImplementedError: zip file version"),
    ("bad_bbox.pdf", "corrupt or unreadable file: MalformedPDFException: Bounding box"),
    ("pdfminer_keyword.pdf", "corrupt or unreadable file: PdfminerException:"),
])
def test_library_exceptions_are_mapped_to_one_sentence(name: str, start: str) -> None:
    result = process_file(HOSTILE_FIXTURES / name, name, Settings())
    assert result.document.status == "failed"
    assert result.document.error.startswith(start)
    assert "internal error" not in result.document.error and "\n" not in result.document.error


@pytest.mark.parametrize("make, name", [(make_hostile.xxe_docx, "xxe.docx"), (make_hostile.xxe_xlsx, "xxe.xlsx")])
def test_external_entities_leak_nothing(tmp_path: Path, make, name: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a", encoding="utf-8")
    path = tmp_path / name
    path.write_bytes(make(secret))
    result = process_file(path, name, Settings())
    rows = [result.document, *result.tables, *result.indicators, *result.findings]
    assert "SECRET-7f3a" not in repr(rows)


# --------------------------------------------------------------------------- the worker


def _misbehaving(path: Path, source: str, settings: Settings):  # noqa: ANN202 - a stand-in for process_file
    """Inherited by forked workers: a file's name says how its worker misbehaves."""
    name = Path(path).name
    if name.startswith("hang"):
        time.sleep(600)
    if name.startswith("segv"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if name.startswith("oomkilled"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("helper"):  # like LibreOffice: a helper in its own session, then a hang
        helper = subprocess.Popen(["sleep", "600"], start_new_session=True)
        Path(path).with_suffix(".pid").write_text(str(helper.pid))
        time.sleep(600)
    if name.startswith("hog"):
        bytearray(64 * 2**30)  # far past any --max-memory-mb
    return process_file(path, source, settings)


@pytest.fixture
def misbehaving(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(worker, "process_file", _misbehaving)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a_good.txt", "hang.txt", "hog.txt", "oomkilled.txt", "segv.txt", "z_good.txt"):
        (folder / name).write_bytes(SAMPLE_000.read_bytes() + name.encode())
    return folder


@pytest.mark.parametrize("jobs", [1, 2])
def test_timeout_memory_and_crashes_fail_alone_and_the_batch_goes_on(misbehaving: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "out"
    start = time.monotonic()
    assert _extract(misbehaving, "--out", out, "--jobs", jobs, "--timeout", 4) == EXIT_SOME_FAILED
    assert time.monotonic() - start < 30
    docs = _documents(out)
    assert docs.loc["a_good.txt", "n_indicators"] == docs.loc["z_good.txt", "n_indicators"] == 28
    assert docs.loc["hang.txt", "error"] == "exceeded the 4 s time limit (raise it with --timeout)"
    assert docs.loc["hog.txt", "error"] == "exceeded the 2 GB memory limit (raise it with --max-memory-mb)"
    assert docs.loc["oomkilled.txt", "error"].startswith("exceeded the memory available: its worker process was killed")
    assert docs.loc["segv.txt", "error"].startswith("its worker process crashed (SIGSEGV)")
    failed = docs[docs.status == "failed"]
    assert len(failed) == 4 and failed.doc_id.is_unique and failed.sha256.isna().all()


def test_timeout_also_kills_the_helpers_a_worker_started(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(worker, "process_file", _misbehaving)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "helper.txt").write_bytes(SAMPLE_000.read_bytes())
    assert _extract(tmp_path / "in", "--out", tmp_path / "out", "--timeout", 1) == EXIT_SOME_FAILED
    pid = int((tmp_path / "in" / "helper.pid").read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the helper outlived its worker's timeout"


def test_memory_cap_fails_a_real_file_that_passes_the_reader_limits(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    rows = "<tr><td>x</td></tr>" * 20_000  # 20 million positions under one span: far past 512 MB
    page = f'<html><body><table><tr><td rowspan="0" colspan="1000">项目</td></tr>{rows}</table></body></html>'
    (folder / "spans.html").write_text(page, encoding="utf-8")
    (folder / "good.txt").write_bytes(SAMPLE_004.read_bytes())
    out = tmp_path / "out"
    assert _extract(folder, "--out", out, "--max-table-cells", 10**9, "--max-memory-mb", 512) == EXIT_SOME_FAILED
    docs = _documents(out)
    assert docs.loc["spans.html", "error"] == "exceeded the 512 MB memory limit (raise it with --max-memory-mb)"
    assert docs.loc["good.txt", "n_indicators"] == 35


def test_pdf_flate_bomb_is_stopped_by_the_memory_cap_with_the_limit_named(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(make_hostile.flate_bomb_pdf())
    (folder / "good.txt").write_bytes(SAMPLE_004.read_bytes())
    out = tmp_path / "out"
    assert _extract(folder, "--out", out, "--max-memory-mb", 512) == EXIT_SOME_FAILED
    docs = _documents(out)
    assert docs.loc["bomb.pdf", "error"] == "exceeded the 512 MB memory limit (raise it with --max-memory-mb)"
    assert docs.loc["good.txt", "n_indicators"] == 35


def test_worker_death_sentences_name_the_cause() -> None:
    settings = Settings()
    assert "out-of-memory killer" in worker.death_sentence(-signal.SIGKILL, settings)
    assert "(SIGABRT)" in worker.death_sentence(-signal.SIGABRT, settings)
    assert "exit status 3" in worker.death_sentence(3, settings)
