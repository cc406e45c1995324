"""Everything that can be checked before the first file is read, and the run lock.

A run over a province's archive takes hours; an output folder that cannot be written, a
``--taxonomy`` file with a typo, or a second run writing the same folder must be found in the
first second (exit 2, one sentence, the previous output untouched), not after the work.

The lock is a file beside the output folder (``.DIR.lock``), held with ``flock`` for the whole
run: the kernel drops it when the process dies, even by ``kill -9``, so a crashed run never
blocks the next one. Holding it also proves no other run is alive, so the staging folders of
interrupted runs (``.DIR.staging-*``) are the next run's to resume and then remove.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

from goaltables.extract.errors import GoalTablesError
from goaltables.pipelines.settings import Settings

log = logging.getLogger(__name__)
_HELD: set[int] = set()  # descriptors of the locks this process holds (see close_inherited_locks)


class PreflightError(GoalTablesError):
    """The run cannot start; the message is the one sentence the user sees (exit 2)."""


def check_configuration(settings: Settings) -> None:
    """Load the taxonomy once in the main process: a bad file stops the run here, and forked
    workers inherit the loaded copy instead of each failing every file as an internal error."""
    from goaltables.pipelines.process import _taxonomy

    try:
        _taxonomy(settings.taxonomy)
    except ValueError as exc:  # the loader's own sentence (bad YAML, unknown code, …)
        raise PreflightError(f"taxonomy file {settings.taxonomy} cannot be used: {_first_line(exc)}") from None
    except Exception as exc:  # a layout the loader did not expect: the file is the problem
        raise PreflightError(f"taxonomy file {settings.taxonomy} cannot be used: its layout differs from "
                             f"normalize/taxonomy.yaml ({type(exc).__name__}: {_first_line(exc)})") from None


class OutputLock:
    """Exclusive right to write ``out_dir``; a second concurrent run gets a ``PreflightError``."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir.resolve()
        self.path = self.out_dir.parent / f".{self.out_dir.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> OutputLock:
        try:
            self.out_dir.parent.mkdir(parents=True, exist_ok=True)
            self.fd = self._acquire()
        except OSError as exc:
            raise PreflightError(f"cannot write the output folder {self.out_dir}: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            try:
                os.unlink(self.path)  # unlinked while held: a waiting run re-checks the inode
            except OSError:
                pass
            _HELD.discard(self.fd)
            os.close(self.fd)
            self.fd = None

    def _acquire(self) -> int:
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                raise PreflightError(
                    f"another goaltables run{holder} is writing {self.out_dir}; wait for it or choose another --out"
                ) from None
            if self._still_ours(fd):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                _HELD.add(fd)
                return fd
            os.close(fd)  # the holder removed the file as we opened it: lock the new one

    def _still_ours(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False


def close_inherited_locks() -> None:
    """In a forked worker: drop its copies of the run lock. A flock lives while any copy is
    open, so a worker outliving a killed run by a moment would otherwise refuse the next run."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


def _read_pid(fd: int) -> str:
    try:
        text = os.pread(fd, 32, 0).decode().strip()
    except (OSError, UnicodeDecodeError):
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
