"""LibreOffice headless conversion, the one way goaltables runs ``soffice``.

Starting LibreOffice costs about a second and a half, more than reading the converted file.
So where the system Python has LibreOffice's binding (Debian's ``python3-uno``), each process
keeps one LibreOffice running and converts every file through it (``extract/uno_bridge.py``,
run by that Python, since the binding cannot load into goaltables' virtualenv): about
0.1–0.3 s per .doc instead of 1.5 s. A conversion that overruns its time stops that
LibreOffice (the next file starts a new one); one that fails leaves no output, as the
one-shot converter would. Without ``python3-uno`` every file runs ``soffice --convert-to``.

Each worker process keeps one private profile (``-env:UserInstallation``) for its lifetime,
so parallel workers and a desktop LibreOffice never share (or lock) one, while the profile's
first-start set-up is paid once per worker instead of once per .doc. The batch's worker pool
names a folder for these profiles in ``GOALTABLES_OFFICE_PROFILES`` and removes it when the
run ends; without it (a direct call, a Dask worker) a throwaway profile is used. LibreOffice
runs in its own process group, so a timeout kills the helper processes it starts too.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from goaltables.extract.errors import DocumentLoadError, MissingToolError

log = logging.getLogger(__name__)
PROFILES_ENV = "GOALTABLES_OFFICE_PROFILES"
UNO_PYTHON_ENV = "GOALTABLES_UNO_PYTHON"  # the Python that has ``uno``; empty turns the kept LibreOffice off
SYSTEM_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).with_name("uno_bridge.py")
FILTERS = {"docx": "MS Word 2007 XML", "xlsx": "Calc MS Excel 2007 XML"}  # what the kept LibreOffice writes
START_SECONDS = 60  # a cold LibreOffice with a new profile takes a few seconds
# temporary folders carry the pid of the process that made them, so that those of a process
# killed before it could remove them (kill -9, a power cut) are found and removed later
# (LibreOffice's own OSL_PIPE_<uid>_goaltables-<pid>-… sockets, left when it is killed, too)
_SCRATCH = re.compile(r"(?:OSL_PIPE_\d+_)?goaltables-(?:office-|office-profiles-|doc-)?(\d+)-")


def office() -> str:
    """The LibreOffice executable, or MissingToolError saying how to get it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise MissingToolError("install LibreOffice to read .doc files")
    return found


def convert(sources: list[Path], fmt: str, outdir: Path, timeout: float, what: str | None = None) -> None:
    """Convert ``sources`` to format ``fmt`` (docx, pdf, doc, xlsx, …) into ``outdir``.

    ``what`` names the input in the timeout error (``the .doc file``); by default the format.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    if fmt in FILTERS and len(sources) == 1 and (server := _server()) is not None:
        target = outdir / f"{sources[0].stem}.{fmt}"
        if server.convert(sources[0], target, FILTERS[fmt], timeout, what or f"to {fmt}"):
            return
        # the kept LibreOffice died on this file: once more with a LibreOffice of its own
    with _profile() as profile:
        command = [
            office(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise DocumentLoadError(f"LibreOffice timed out converting {what or f'to {fmt}'}") from None


class _Server:
    """One LibreOffice kept running by this process, driven through ``uno_bridge.py``."""

    def __init__(self, python: str) -> None:
        self.owner = os.getpid()
        kept = _kept_profile()
        self.profile = kept or Path(tempfile.mkdtemp(prefix=scratch_prefix("office")))
        self.throwaway = kept is None
        self.process = subprocess.Popen(
            [python, str(BRIDGE), office(), self.profile.as_uri(), f"goaltables-{os.getpid()}-{uuid.uuid4().hex[:8]}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0,
            start_new_session=True)
        try:
            reply = self._reply(START_SECONDS)
        except (TimeoutError, EOFError, ValueError):  # ValueError: not our bridge answering
            reply = {"ready": False, "error": "LibreOffice did not start, or the bridge did not answer"}
        if not reply.get("ready"):
            self.stop()
            raise _Unavailable(reply.get("error", "the bridge did not answer"))

    def convert(self, source: Path, target: Path, filter_name: str, timeout: float, what: str) -> bool:
        """Convert (a file LibreOffice cannot open leaves no target); False when LibreOffice
        died meanwhile. A conversion that overruns stops this LibreOffice and raises."""
        job = {"source": str(source), "target": str(target), "filter": filter_name}
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())  # type: ignore[union-attr]
            reply = self._reply(timeout)
        except TimeoutError:
            _drop_server()
            raise DocumentLoadError(f"LibreOffice timed out converting {what}") from None
        except (EOFError, OSError, ValueError):
            reply = {"ok": False, "dead": True, "error": "the bridge ended"}
        if reply.get("dead"):
            log.debug("the kept LibreOffice died converting %s: %s", source.name, reply.get("error"))
            _drop_server(died=True)
            return False
        if not reply.get("ok"):
            log.debug("LibreOffice could not convert %s: %s", source.name, reply.get("error"))
        return True

    def _reply(self, timeout: float) -> dict:
        stdout = self.process.stdout
        ready, _, _ = select.select([stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        line = stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise EOFError
        return json.loads(line)

    def stop(self) -> None:
        if os.getpid() != self.owner:
            return  # a forked copy: the LibreOffice belongs to the process that started it
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        if self.throwaway:
            shutil.rmtree(self.profile, ignore_errors=True)


class _Unavailable(Exception):
    """No kept LibreOffice here (no python3-uno, or it would not start): convert one-shot."""


_state: dict[str, object] = {}  # "server": this process's _Server; "off": the pid that found none; "deaths"
MAX_DEATHS = 2  # a kept LibreOffice that died this often in a process is not started again there


def _server() -> _Server | None:
    """This process's kept LibreOffice, started on first use; None where there cannot be one."""
    server = _state.get("server")
    if isinstance(server, _Server) and server.owner == os.getpid():
        return server
    if _state.get("off") == os.getpid():
        return None
    python = os.environ.get(UNO_PYTHON_ENV, SYSTEM_PYTHON)
    try:
        if not python or not Path(python).is_file():
            raise _Unavailable(f"no Python with LibreOffice's binding at {python!r}")
        _state["server"] = server = _Server(python)
        atexit.register(server.stop)  # a worker ends by os._exit; its LibreOffice then sees end of input
        return server
    except _Unavailable as exc:
        log.debug("converting with one LibreOffice per file: %s", exc)
        _state.pop("server", None)
        _state["off"] = os.getpid()
        return None


def _drop_server(died: bool = False) -> None:
    server = _state.pop("server", None)
    if isinstance(server, _Server):
        server.stop()
    if died:
        deaths = _state.get("deaths")
        count = deaths[1] + 1 if isinstance(deaths, tuple) and deaths[0] == os.getpid() else 1
        _state["deaths"] = (os.getpid(), count)
        if count >= MAX_DEATHS:
            log.debug("the kept LibreOffice died %d times; one LibreOffice per file from now on", count)
            _state["off"] = os.getpid()


def stop_server() -> None:
    """Stop this process's kept LibreOffice (at the end of a worker, or of a test)."""
    _drop_server()


def scratch_prefix(kind: str) -> str:
    """``goaltables-KIND-PID-``: a temporary folder's prefix naming the process that owns it."""
    return f"goaltables-{kind}-{os.getpid()}-"


def remove_orphaned_scratch() -> None:
    """Remove the temporary folders (profiles, copies of .doc files) of processes that are gone."""
    tmp = Path(tempfile.gettempdir())
    for path in [*tmp.glob("goaltables-*"), *tmp.glob("OSL_PIPE_*_goaltables-*")]:
        match = _SCRATCH.fullmatch(path.name) or _SCRATCH.match(path.name)
        if match is None or path.is_symlink() or _alive(int(match.group(1))):
            continue
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def scratch_folder() -> str | None:
    """Where a conversion's temporary files go: inside the folder the worker pool removes at
    the end of the run (so a worker killed mid-conversion leaves no copy of the file in /tmp),
    else the system's temporary folder."""
    parent = os.environ.get(PROFILES_ENV)
    return parent if parent and Path(parent).is_dir() else None


def _kept_profile() -> Path | None:
    """This process's profile in the run's scratch folder, kept for the worker's life."""
    parent = scratch_folder()
    return Path(parent) / f"profile-{os.getpid()}" if parent else None


@contextmanager
def _profile() -> Iterator[Path]:
    """This process's kept profile when the pool named a folder for them, else a throwaway one."""
    kept = _kept_profile()
    if kept is not None:
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("office")) as profile:
        yield Path(profile)
