"""Each file in a worker process that the main process outlives.

A zip bomb that slips past the readers' limits, a parser that loops forever, or a segfault in
a reading library must fail its own file and nothing else. So files never run in the main
process: a few worker processes each take one file at a time, under an address-space cap
(``RLIMIT_AS``: ``--max-memory-mb`` beyond the worker's size at start, inherited by LibreOffice
too), while the main process keeps the clock. A worker
that overruns the time limit is killed; one that dies (the kernel's OOM killer, a crash) is
noticed through its sentinel. Either way the file gets a ``failed`` row with one sentence,
a fresh worker takes the next file, and the batch goes on, at any ``--jobs``.

The per-file work is ``process_input`` (a file, or a member of a zip archive, through
``pipelines.process.process_file``), a plain module-level function: the Dask engine
(``pipelines.engines``) maps the same function over the same items.

Workers are forked, so they start warm (imports, taxonomy) in milliseconds; they ignore Ctrl-C
(the main process decides) and ask the kernel to kill them when the main process dies, so
none is ever orphaned, even by ``kill -9``.
"""

from __future__ import annotations

import ctypes
import faulthandler
import logging
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from goaltables.extract import libreoffice
from goaltables.extract.errors import DocumentLoadError
from goaltables.pipelines import archives
from goaltables.pipelines.capture import captured
from goaltables.pipelines.discover import Input
from goaltables.pipelines.preflight import close_inherited_locks
from goaltables.pipelines.process import FileResult, failed_result, out_of_memory, process_file
from goaltables.pipelines.settings import Settings

Item = Input
log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1
PENDING_CHECK_S = 1.0  # the longest the pool waits on workers before looking for a swallowed stop signal
_CONTEXT = multiprocessing.get_context("fork")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop, kill the workers, leave the previous output whole."""


_PENDING: list[type[KeyboardInterrupt]] = []  # a stop signal whose exception may have been swallowed


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM raises ``Terminated`` and Ctrl-C ``KeyboardInterrupt`` (the
    CLI's run); the previous handlers come back afterwards, so calling ``main()`` from Python
    leaves the caller's signals alone. A signal that lands inside an import is raised in a
    callback of the import machinery, which swallows it ("Exception ignored in …"); so each
    is also noted, and the worker pool raises it again (``raise_pending``)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: object) -> None:
        stop = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        _PENDING.append(stop)
        raise stop

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
        _PENDING.clear()


def raise_pending() -> None:
    """Raise a stop signal again whose first exception was swallowed (see above)."""
    if _PENDING:
        raise _PENDING[-1]


def results(items: list[Item], settings: Settings) -> Generator[FileResult, None, None]:
    """One result per item, in input order, each file read in a contained worker."""
    pool = WorkerPool(settings)
    try:
        for _, result in pool.run(items):
            yield result
    finally:
        pool.close()


def completed(items: list[Item], settings: Settings, meanwhile: Callable[[], object] | None = None
              ) -> Generator[tuple[int, FileResult], None, None]:
    """``(position, result)`` of every item as soon as its file is read, so no worker waits for
    a slow file ahead of it; ``meanwhile`` runs once here while the first files are read."""
    pool = WorkerPool(settings)
    try:
        yield from pool.run(items, meanwhile, ordered=False)
    finally:
        pool.close()


# --------------------------------------------------------------------------- the worker side


def _worker_main(conn: Connection, settings: Settings, profiles: str | None = None) -> None:
    """Read files sent over ``conn`` until the main process sends None or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    faulthandler.disable()  # a crash is reported as the file's error, not as a stack dump on stderr
    sys.unraisablehook = sys.__unraisablehook__  # not the parent's (a test runner's) hooks, which
    sys.excepthook = sys.__excepthook__  # allocate and fail when memory runs out
    _die_with_parent()
    close_inherited_locks()
    _cap_memory(settings.max_memory_mb)
    if profiles is not None:
        os.environ[libreoffice.PROFILES_ENV] = profiles  # one warm LibreOffice profile per worker
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, item = job
        result = _contained(item, settings)
        try:
            conn.send((index, result))
        except MemoryError:  # a result too big to pickle under the cap
            conn.send((index, out_of_memory(item.path, item.source_path, settings)))
        except (OSError, ValueError):
            return


def _contained(item: Item, settings: Settings) -> FileResult:
    """``process_input``, with a MemoryError from outside its reading stages mapped too."""
    result = None
    try:
        result = process_input(item, settings, fd_level=True)
    except MemoryError:
        pass  # leave the handler first: its traceback holds the memory
    return result if result is not None else out_of_memory(item.path, item.source_path, settings)


def process_input(item: Item, settings: Settings, fd_level: bool = False) -> FileResult:
    """The per-file work of every engine: a file on disk, or a zip member read from its archive
    (inside the "load" stage, so its limits and errors give the member its own failed row).
    What libraries print meanwhile is kept in ``library_output`` (``pipelines.capture``;
    ``fd_level`` where this process reads nothing else at the same time)."""
    with captured(fd_level) as output:
        result = _process_input(item, settings)
    result.library_output = output.text or None
    return result


def _process_input(item: Item, settings: Settings) -> FileResult:
    if not item.member and item.error is None:
        return process_file(item.path, item.source_path, settings)

    def load() -> bytes:
        if item.error is not None:
            raise DocumentLoadError(item.error)
        return archives.read_member(item.path, item.member, settings.max_file_bytes)

    result = process_file(item.path, item.source_path, settings, load)
    if result.document.sha256 is None and item.size is not None:
        result.document.size_bytes = item.size  # not the archive's size
    return result


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL to this worker when the main process dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # elsewhere the daemon flag and the pipe's EOF still end the worker
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _cap_memory(megabytes: float) -> None:
    """Let this worker allocate ``megabytes`` more address space than it starts with; past that
    an allocation raises MemoryError (or kills only this worker).

    The cap is added to the size at start because a forked worker inherits the main process's
    address space, which grows to over 1 GB of untouched reservations (Arrow's allocator)
    during a long run: an absolute cap would leave late workers too little to read anything.
    """
    limit = _address_space() + int(megabytes * 2**20)
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """This process's virtual size in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


# --------------------------------------------------------------------------- the main side


@dataclass
class _Task:
    index: int
    item: Item
    deadline: float
    notice: float  # when to log that the file is still being read (pushed on after each notice)


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, settings: Settings, profiles: str | None = None) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=(child, settings, profiles), daemon=True)
        self.process.start()
        child.close()
        self.task: _Task | None = None

    def kill(self) -> None:
        """Kill the worker and whatever it started: LibreOffice runs in a session of its own,
        so killing the worker alone would leave it running after a timeout."""
        if self.process.is_alive():
            helpers = descendants(self.process.pid)
            self.process.kill()
            for pid in helpers:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.process.join()
        self.conn.close()


def descendants(pid: int) -> list[int]:
    """Children, grandchildren, … of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pids = [int(p) for p in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(pids)
            todo.extend(pids)
    return found


class WorkerPool:
    """``jobs`` workers; results come back in input order with a bounded window in flight, or
    as they finish."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workers: list[_Worker] = []
        libreoffice.remove_orphaned_scratch()  # left by runs killed before their close()
        self.profiles = tempfile.mkdtemp(prefix=libreoffice.scratch_prefix("office-profiles"))  # removed by close()

    def _worker(self) -> _Worker:
        return _Worker(self.settings, self.profiles)

    def run(self, items: list[Item], meanwhile: Callable[[], object] | None = None,
            ordered: bool = True) -> Iterator[tuple[int, FileResult]]:
        """``(position, result)`` pairs: in input order (at most ``4 × jobs`` files ahead of
        the oldest unfinished one), or, unordered, each as soon as it is read."""
        todo = deque(enumerate(items))
        done: dict[int, FileResult] = {}
        window = self.settings.jobs * 4 if ordered else len(items)
        next_out = delivered = 0
        self.workers = [self._worker() for _ in range(min(self.settings.jobs, len(items)))]
        while delivered < len(items):
            self._assign(todo, next_out + window)
            if meanwhile is not None:  # after the first files are sent, before any fork of a replacement
                meanwhile()
                meanwhile = None
            ready = [next_out] if ordered and next_out in done else [] if ordered else sorted(done)
            while ready:
                index = ready.pop(0)
                yield index, done.pop(index)
                delivered += 1
                if ordered:
                    next_out += 1
                    ready = [next_out] if next_out in done else []
            if delivered < len(items):
                done.update(self._collect())

    def close(self) -> None:
        """Stop every worker now; used on success, errors, Ctrl-C and SIGTERM alike."""
        for worker in self.workers:
            worker.kill()
        self.workers = []
        shutil.rmtree(self.profiles, ignore_errors=True)

    def _assign(self, todo: deque[tuple[int, Item]], limit: int) -> None:
        for i, worker in enumerate(self.workers):
            if worker.task is None and todo and todo[0][0] < limit:
                index, item = todo.popleft()
                now = time.monotonic()
                task = _Task(index, item, now + self.settings.timeout_s, now + self.settings.slow_after_s)
                try:
                    worker.conn.send((index, item))
                except (OSError, ValueError):  # the idle worker died: replace it and retry
                    worker.kill()
                    worker = self.workers[i] = self._worker()
                    worker.conn.send((index, item))
                worker.task = task

    def _collect(self) -> dict[int, FileResult]:
        """Wait until some worker finishes, dies or overruns; return the results that came in."""
        busy = [w for w in self.workers if w.task is not None]
        raise_pending()
        wake = min((min(w.task.deadline, w.task.notice) for w in busy), default=time.monotonic())
        wake = min(wake, time.monotonic() + PENDING_CHECK_S)
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=max(0.0, wake - time.monotonic()))
        raise_pending()
        self._notice_slow(busy)
        finished: dict[int, FileResult] = {}
        for i, worker in enumerate(self.workers):
            task = worker.task
            if task is None:
                continue
            result = self._outcome(worker, task)
            if result is not None:
                finished[task.index] = result
                worker.task = None
                if not worker.process.is_alive() or worker.conn.closed:
                    worker.kill()
                    self.workers[i] = self._worker()
        return finished

    def _notice_slow(self, busy: list[_Worker]) -> None:
        """One log line per file still being read after --slow-after seconds (and again after
        each further stretch), so a stuck file is named long before its --timeout."""
        now = time.monotonic()
        for worker in busy:
            task = worker.task
            if task is not None and now >= task.notice and not worker.conn.poll():
                started = task.deadline - self.settings.timeout_s
                log.warning("still reading %s after %.0f s", task.item.source_path, now - started)
                task.notice = now + self.settings.slow_after_s

    def _outcome(self, worker: _Worker, task: _Task) -> FileResult | None:
        """The task's result if it is settled: sent back, worker dead, or time is up."""
        if worker.conn.poll():
            try:
                _, result = worker.conn.recv()
                return result
            except (EOFError, OSError):
                pass  # died while sending: fall through to the death sentence
        if not worker.process.is_alive():
            worker.process.join()
            return self._failed(task, death_sentence(worker.process.exitcode, self.settings))
        if time.monotonic() >= task.deadline:
            worker.kill()
            return self._failed(task, f"exceeded the {self.settings.timeout_s:g} s time limit (raise it with --timeout)")
        return None

    def _failed(self, task: _Task, error: str) -> FileResult:
        result = failed_result(task.item.path, task.item.source_path, None, None, error, "limit_exceeded", {})
        if task.item.size is not None:
            result.document.size_bytes = task.item.size
        return result


def death_sentence(exitcode: int | None, settings: Settings) -> str:
    """Why a worker died, as one sentence for ``documents.error``."""
    if exitcode == -signal.SIGKILL:
        return (f"exceeded the memory available: its worker process was killed (SIGKILL), most likely by the "
                f"system's out-of-memory killer (cap per worker {settings.memory_text()}, --max-memory-mb)")
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else f"signal {-exitcode}"
        return f"its worker process crashed ({name}) inside a reading library; the file is probably corrupt"
    return f"its worker process stopped unexpectedly (exit status {exitcode}) while reading this file"
