"""Each file in a worker process that the main process outlives.

A zip bomb that slips past the readers' limits, a parser that loops forever, or a segfault in
a reading library must fail its own file and nothing else. So files never run in the main
process: a few worker processes each take one file at a time, under an address-space cap
(``RLIMIT_AS``: ``--max-memory-mb`` beyond the worker's size at start, inherited by LibreOffice
too), while the main process keeps the clock. A worker
that overruns the time limit is killed; one that dies (the kernel's OOM killer, a crash) is
noticed through its sentinel. Either way the file gets a ``failed`` row with one sentence,
a fresh worker takes the next file, and the batch goes on, at any ``--jobs``.

The per-file work is ``pipelines.process.process_file``, a plain module-level function, so a
later engine (Dask) can call it without this module.

Workers are forked, so they start warm (imports, taxonomy) in milliseconds; they ignore Ctrl-C
(the main process decides) and ask the kernel to kill them when the main process dies, so
none is ever orphaned, even by ``kill -9``.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from pipelines.process import FileResult, failed_result, out_of_memory, process_file
from pipelines.settings import Settings

Item = tuple[Path, str]  # (file, source_path)
_PR_SET_PDEATHSIG = 1
_CONTEXT = multiprocessing.get_context("fork")


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C: stop, kill the workers, leave the previous output whole."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside the block, SIGTERM raises ``Terminated`` (the CLI's run); the previous handler
    comes back afterwards, so calling ``main()`` from Python leaves the caller's signals alone."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return

    def handler(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def results(items: list[Item], settings: Settings) -> Generator[FileResult, None, None]:
    """One result per item, in input order, each file read in a contained worker."""
    pool = WorkerPool(settings)
    try:
        yield from pool.run(items)
    finally:
        pool.close()


# --------------------------------------------------------------------------- the worker side


def _worker_main(conn: Connection, settings: Settings) -> None:
    """Read files sent over ``conn`` until the main process sends None or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    faulthandler.disable()  # a crash is reported as the file's error, not as a stack dump on stderr
    sys.unraisablehook = sys.__unraisablehook__  # not the parent's (a test runner's) hooks, which
    sys.excepthook = sys.__excepthook__  # allocate and fail when memory runs out
    _die_with_parent()
    _cap_memory(settings.max_memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, path, source = job
        result = _contained(path, source, settings)
        try:
            conn.send((index, result))
        except MemoryError:  # a result too big to pickle under the cap
            conn.send((index, out_of_memory(path, source, settings)))
        except (OSError, ValueError):
            return


def _contained(path: Path, source: str, settings: Settings) -> FileResult:
    """``process_file``, with a MemoryError from outside its reading stages mapped too."""
    result = None
    try:
        result = process_file(path, source, settings)
    except MemoryError:
        pass  # leave the handler first: its traceback holds the memory
    return result if result is not None else out_of_memory(path, source, settings)


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


class _Worker:
    """One worker process and its end of the pipe."""

    def __init__(self, settings: Settings) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=_worker_main, args=(child, settings), daemon=True)
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
    """``jobs`` workers; results come back in input order with a bounded window in flight."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workers: list[_Worker] = []

    def run(self, items: list[Item]) -> Iterator[FileResult]:
        todo = deque(enumerate(items))
        done: dict[int, FileResult] = {}
        window = self.settings.jobs * 4
        next_out = 0
        self.workers = [_Worker(self.settings) for _ in range(min(self.settings.jobs, len(items)))]
        while next_out < len(items):
            self._assign(todo, next_out + window)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if next_out < len(items):
                done.update(self._collect())

    def close(self) -> None:
        """Stop every worker now; used on success, errors, Ctrl-C and SIGTERM alike."""
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def _assign(self, todo: deque[tuple[int, Item]], limit: int) -> None:
        for i, worker in enumerate(self.workers):
            if worker.task is None and todo and todo[0][0] < limit:
                index, item = todo.popleft()
                task = _Task(index, item, time.monotonic() + self.settings.timeout_s)
                try:
                    worker.conn.send((index, *item))
                except (OSError, ValueError):  # the idle worker died: replace it and retry
                    worker.kill()
                    worker = self.workers[i] = _Worker(self.settings)
                    worker.conn.send((index, *item))
                worker.task = task

    def _collect(self) -> dict[int, FileResult]:
        """Wait until some worker finishes, dies or overruns; return the results that came in."""
        busy = [w for w in self.workers if w.task is not None]
        timeout = max(0.0, min(w.task.deadline for w in busy) - time.monotonic()) if busy else 0.0
        wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
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
                    self.workers[i] = _Worker(self.settings)
        return finished

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
        path, source = task.item
        return failed_result(path, source, None, None, error, "limit_exceeded", {})


def death_sentence(exitcode: int | None, settings: Settings) -> str:
    """Why a worker died, as one sentence for ``documents.error``."""
    if exitcode == -signal.SIGKILL:
        return (f"exceeded the memory available: its worker process was killed (SIGKILL), most likely by the "
                f"system's out-of-memory killer (cap per worker {settings.memory_text()}, --max-memory-mb)")
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else f"signal {-exitcode}"
        return f"its worker process crashed ({name}) inside a reading library; the file is probably corrupt"
    return f"its worker process stopped unexpectedly (exit status {exitcode}) while reading this file"
