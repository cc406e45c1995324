"""Progress of a batch: a bar on a terminal, plain log lines elsewhere.

A province archive takes hours; the person at the terminal wants files/s and an ETA, while a
log collected by cron or CI wants a line every few seconds, not a bar redrawn in place. So a
bar (tqdm, on stderr) is shown only when stderr is a terminal and progress is logged at all
(not ``--quiet``); otherwise the same figures are logged periodically. While the bar is shown,
log lines (a file still being read after ``--slow-after``, warnings) are printed above it
instead of through it.
"""

from __future__ import annotations

import logging
import sys
import time
from contextlib import ExitStack
from types import TracebackType

log = logging.getLogger("goaltables.pipelines.batch")
EVERY_S = 3.0  # seconds between plain progress lines


class Progress:
    """Counts finished files; ``tick`` once per file, in any order of statuses."""

    def __init__(self, total: int, bar: bool | None = None, every: float = EVERY_S) -> None:
        self.total, self.every, self.done, self.failed = total, every, 0, 0
        self.start = self.last = time.perf_counter()
        self.bar_wanted = _on_terminal() if bar is None else bar
        self._bar = None
        self._stack = ExitStack()

    def __enter__(self) -> Progress:
        if self.bar_wanted and self.total:
            from tqdm import tqdm
            from tqdm.contrib.logging import logging_redirect_tqdm

            self._bar = self._stack.enter_context(
                tqdm(total=self.total, unit=" files", file=sys.stderr, dynamic_ncols=True, smoothing=0.1))
            self._stack.enter_context(logging_redirect_tqdm())
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stack.close()

    def tick(self, status: str) -> None:
        self.done += 1
        self.failed += status == "failed"
        if self._bar is not None:
            if status == "failed":
                self._bar.set_postfix(failed=self.failed, refresh=False)
            self._bar.update(1)
            return
        now = time.perf_counter()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            log.info("%s", self.line(now))

    def line(self, now: float) -> str:
        """``done/total files (pct), rate files/s, ETA, failed`` as one log line."""
        rate = self.done / max(now - self.start, 1e-9)
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        return (f"{self.done}/{self.total} files ({100 * self.done / max(self.total, 1):.0f}%), {rate:.1f} files/s, "
                f"ETA {_duration(left)}, {self.failed} failed")


def _on_terminal() -> bool:
    """A bar only for a person watching: stderr is a terminal and INFO lines are shown."""
    try:
        interactive = sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
    return interactive and _console_level() <= logging.INFO


def _console_level() -> int:
    """The level of what reaches the console (a log file may take more)."""
    root = logging.getLogger()
    levels = [max(h.level, root.level) for h in root.handlers
              if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]
    return min(levels, default=logging.CRITICAL)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def add_log_file(path: str, level: int) -> None:
    """Also write the run's log to ``path`` (appended; timestamps with the date), whatever the
    console's verbosity, so an unattended run leaves a record."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger()
    for console in root.handlers:
        if console.level == logging.NOTSET:
            console.setLevel(root.level)  # keeps --quiet quiet on the console
    root.addHandler(handler)
    root.setLevel(min(root.level, level))
