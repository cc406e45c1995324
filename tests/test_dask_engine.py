"""Issue 11, the Dask engine: the same per-file work on dask.distributed gives the same output.

One ``LocalCluster`` of two worker processes (what ``--engine dask`` starts without
``--scheduler``) against the local engine, on a mixed set of real fixtures: every format,
failing files, and a zip archive with a GBK member name.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines.cli import EXIT_SOME_FAILED, EXIT_USAGE, main
from goaltables.pipelines.schema import SCHEMAS
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004
from tests.test_archives import GBK_DOCX, windows_zip

pytest.importorskip("distributed")

MIXED = ["docx/000.docx", "docx/004.docx", "pdf/004.pdf", "xls/000.xls", "xlsx/004.xlsx", "html/000.html",
         "bad/corrupt.docx", "bad/encrypted.pdf", "traps/labels_repeated.docx"]


def _mixed(folder: Path) -> Path:
    folder.mkdir()
    for name in MIXED:
        shutil.copy(FIXTURES / name, folder / name.replace("/", "_"))
    shutil.copy(SAMPLE_000, folder / SAMPLE_000.name)
    (folder / "归档.zip").write_bytes(windows_zip({GBK_DOCX: (FIXTURES / "docx/004.docx").read_bytes(),
                                                   b"a/b.txt": SAMPLE_004.read_bytes()}))
    return folder


def _tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table with its rows in one order (row order is not part of the output: files are
    committed as they finish, whichever engine read them)."""
    return {name: _sorted(pd.read_parquet(out / name)) for name in SCHEMAS}


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    order = frame.astype(str).apply(lambda row: "\x1f".join(row), axis=1).sort_values().index
    return frame.loc[order].reset_index(drop=True)


def _files(out: Path) -> list[dict]:
    entries = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))["files"]
    return [{k: v for k, v in entry.items() if k != "timings"} for entry in entries]


def test_dask_local_cluster_of_two_workers_gives_the_local_engines_output(tmp_path: Path) -> None:
    inputs = _mixed(tmp_path / "in")
    local, dask = tmp_path / "local", tmp_path / "dask"
    assert main(["extract", str(inputs), "--out", str(local), "--jobs", "2", "--quiet"]) == EXIT_SOME_FAILED
    assert main(["extract", str(inputs), "--out", str(dask), "--jobs", "2", "--engine", "dask", "--quiet"]) \
        == EXIT_SOME_FAILED
    expected, got = _tables(local), _tables(dask)
    assert len(expected["documents"]) == len(MIXED) + 2 and len(expected["indicators"]) > 100  # the zipped .docx is a duplicate
    for name in SCHEMAS:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)
    assert _files(dask) == _files(local)


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["extract", str(SAMPLE_000), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:8786"])
    assert exit_.value.code == EXIT_USAGE
    assert "--scheduler needs --engine dask" in capsys.readouterr().err
