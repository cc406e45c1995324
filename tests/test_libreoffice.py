"""Issue 11, a LibreOffice kept warm: each process converts its .doc files through one running
LibreOffice (python3-uno), with the same output as one ``soffice --convert-to`` per file, a
time limit that stops only the conversion that hangs, and the one-shot path where there is no
binding."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from goaltables.extract import libreoffice
from goaltables.extract.errors import DocumentLoadError
from goaltables.pipelines.cli import main
from goaltables.pipelines.schema import SCHEMAS
from tests.conftest import FIXTURES

DOCS = sorted((FIXTURES / "doc").glob("*.doc"))


def _has_uno() -> bool:
    python = libreoffice.SYSTEM_PYTHON
    return Path(python).is_file() and subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = [
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(not _has_uno(), reason="python3-uno is not installed (apt-get install python3-uno)"),
]


@pytest.fixture(autouse=True)
def _own_server():
    """Each test starts from no kept LibreOffice and leaves none running."""
    libreoffice.stop_server()
    libreoffice._state.pop("off", None)
    yield
    libreoffice.stop_server()
    libreoffice._state.pop("off", None)


def _convert(source: Path, outdir: Path, timeout: float = 120) -> bytes:
    libreoffice.convert([source], "docx", outdir, timeout, what="the .doc file")
    return (outdir / f"{source.stem}.docx").read_bytes()


def test_one_kept_libreoffice_converts_every_file_of_a_process(tmp_path: Path) -> None:
    for i, source in enumerate(DOCS * 2):
        assert _convert(source, tmp_path / str(i)).startswith(b"PK")
    server = libreoffice._state["server"]
    assert isinstance(server, libreoffice._Server) and server.process.poll() is None
    pid = server.process.pid
    _convert(DOCS[0], tmp_path / "again")
    assert libreoffice._state["server"].process.pid == pid


def test_a_conversion_that_overruns_stops_only_itself(tmp_path: Path) -> None:
    _convert(DOCS[0], tmp_path / "warm")
    first = libreoffice._state["server"]
    with pytest.raises(DocumentLoadError, match="LibreOffice timed out converting the .doc file"):
        _convert(DOCS[1], tmp_path / "late", timeout=0.001)
    assert "server" not in libreoffice._state and first.process.poll() is not None
    assert _convert(DOCS[1], tmp_path / "next").startswith(b"PK")  # a new LibreOffice


def test_a_file_libreoffice_cannot_open_leaves_no_output(tmp_path: Path) -> None:
    gone = tmp_path / "gone.doc"  # removed between the request and the load
    libreoffice.convert([gone], "docx", tmp_path / "out", 60)
    assert not (tmp_path / "out" / "gone.docx").exists()
    assert _convert(DOCS[0], tmp_path / "after").startswith(b"PK")  # the kept LibreOffice still works


def _tables(out: Path) -> dict[str, list[str]]:
    return {name: sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False)
                         for r in pq.read_table(out / name).to_pylist()) for name in SCHEMAS}


def test_kept_and_one_shot_conversion_give_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for source in DOCS:
        shutil.copy(source, folder / source.name)
    assert main(["extract", str(folder), "--out", str(tmp_path / "kept"), "--quiet", "--jobs", "2"]) == 0
    monkeypatch.setenv(libreoffice.UNO_PYTHON_ENV, "")  # no binding: one soffice per file
    assert main(["extract", str(folder), "--out", str(tmp_path / "one-shot"), "--quiet", "--jobs", "2"]) == 0
    assert _tables(tmp_path / "kept") == _tables(tmp_path / "one-shot")
    assert len(pq.read_table(tmp_path / "kept" / "indicators")) > 0


def test_without_the_binding_each_file_runs_its_own_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(libreoffice.UNO_PYTHON_ENV, os.sys.executable)  # a Python without uno
    assert _convert(DOCS[0], tmp_path / "a").startswith(b"PK")
    assert "server" not in libreoffice._state and libreoffice._state["off"] == os.getpid()


def _group_processes(pgid: int, name: str) -> list[int]:
    """Live processes of a process group whose command line holds ``name``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == pgid and name in (entry / "cmdline").read_bytes().decode(errors="replace"):
                if "Z" not in (entry / "stat").read_text().split(")")[-1].split()[0]:
                    found.append(int(entry.name))
        except (OSError, ProcessLookupError):
            pass
    return found


def test_a_libreoffice_that_dies_is_replaced_and_the_file_still_converted(tmp_path: Path) -> None:
    _convert(DOCS[0], tmp_path / "warm")
    server = libreoffice._state["server"]
    office = _group_processes(server.process.pid, "soffice.bin")
    assert office, "no soffice.bin in the kept LibreOffice's process group"
    for pid in office:
        os.kill(pid, 9)
    assert _convert(DOCS[1], tmp_path / "after").startswith(b"PK")  # LibreOffice of its own for this file
    assert _convert(DOCS[0], tmp_path / "next").startswith(b"PK")  # and a new kept one after it
    assert libreoffice._state["server"] is not server


KILLED = """\
import os, sys
from pathlib import Path
from goaltables.extract import libreoffice
libreoffice.convert([Path(sys.argv[1])], "docx", Path(sys.argv[2]), 120)
print(libreoffice._state["server"].process.pid, flush=True)
os.kill(os.getpid(), 9)
"""


def test_nothing_of_libreoffice_outlives_a_process_killed_with_sigkill(tmp_path: Path) -> None:
    run = subprocess.run([os.sys.executable, "-c", KILLED, str(DOCS[0]), str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=120)
    group = int(run.stdout.split()[0])
    for _ in range(50):
        if not _group_processes(group, "soffice") and not _group_processes(group, "uno_bridge"):
            break
        time.sleep(0.1)
    assert _group_processes(group, "soffice") == [] and _group_processes(group, "uno_bridge") == []


def test_a_doc_stopped_by_the_time_limit_leaves_no_copy_in_the_temporary_folder(tmp_path: Path) -> None:
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("goaltables-doc-*"))
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DOCS[0], folder / DOCS[0].name)
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--quiet", "--timeout", "0.3"]) == 1
    error = pq.read_table(tmp_path / "out" / "documents").column("error").to_pylist()
    assert error == ["exceeded the 0.3 s time limit (raise it with --timeout)"]
    assert set(Path(tempfile.gettempdir()).glob("goaltables-doc-*")) <= before
