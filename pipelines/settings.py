"""Run settings, validated once with messages that say what to change."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from goaltables.extract.errors import GoalTablesError
from goaltables.extract.limits import DEFAULT_MAX_TABLE_CELLS, DEFAULT_MAX_UNZIPPED_MB, DEFAULT_MAX_ZIP_RATIO, ReadLimits

__all__ = ["DEFAULT_MAX_TABLE_CELLS", "DEFAULT_MAX_UNZIPPED_MB", "DEFAULT_MAX_ZIP_RATIO", "Settings", "SettingsError"]

DEFAULT_MAX_MB = 200
DEFAULT_TIMEOUT_S = 120  # a 100-page PDF takes about 20 s; a hung parser should not hold a batch for hours
DEFAULT_MAX_MEMORY_MB = 2048  # per worker; the largest legitimate file measured needs well under 1 GB
DEFAULT_SLOW_AFTER_S = 30  # ordinary files take well under a second; a 100-page PDF about 20 s
DEFAULT_COMMIT_EVERY = 200  # a commit is a part file per table; 200 files take seconds to read again
MIN_MEMORY_MB = 512  # below this the interpreter and the reading libraries cannot even start


class SettingsError(GoalTablesError, ValueError):
    """A setting is invalid; the message names the setting and the allowed values."""


def available_cpus() -> int:
    """CPUs this process may run on (a container's or taskset's share, not the machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    jobs: int = 1
    max_file_mb: float = DEFAULT_MAX_MB
    taxonomy: Path | None = None
    lexicon: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: float = DEFAULT_MAX_MEMORY_MB
    max_unzipped_mb: float = DEFAULT_MAX_UNZIPPED_MB
    max_zip_ratio: float = DEFAULT_MAX_ZIP_RATIO
    max_table_cells: int = DEFAULT_MAX_TABLE_CELLS
    include: tuple[str, ...] = ()  # glob patterns on source_path (pipelines.discover.Filters)
    exclude: tuple[str, ...] = ()
    slow_after_s: float = DEFAULT_SLOW_AFTER_S  # log a line for a file still being read after this long
    engine: str = "local"  # where files run (pipelines.engines): local workers or a Dask cluster
    scheduler: str | None = None  # a Dask scheduler's address; None starts a LocalCluster
    encoding: str | None = None  # text and web pages: use this encoding instead of guessing
    full: bool = False  # read every file, ignoring what earlier runs committed (pipelines.incremental)
    retry_failed: bool = False  # read again the files that failed before, even when unchanged
    commit_every: int = DEFAULT_COMMIT_EVERY  # files per commit: the most work a crash can lose

    def __post_init__(self) -> None:
        if not isinstance(self.jobs, int) or self.jobs < 1:
            raise SettingsError(f"jobs must be a whole number of at least 1, not {self.jobs!r}")
        if self.jobs > 4 * (os.cpu_count() or 1) + 4:
            raise SettingsError(f"jobs={self.jobs} is far more than this machine's {os.cpu_count()} CPUs")
        if not self.max_file_mb > 0:
            raise SettingsError(f"max_file_mb must be a positive number of megabytes, not {self.max_file_mb!r}")
        if self.taxonomy is not None and not Path(self.taxonomy).is_file():
            raise SettingsError(f"taxonomy file {self.taxonomy} does not exist")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise SettingsError(f"encoding {self.encoding!r} is not an encoding Python knows "
                                    "(try gb18030, big5, cp932, utf-8 or utf-16)") from None
        if self.lexicon is not None:
            self._check_lexicon(Path(self.lexicon))
        self._check_limits()
        if not self.slow_after_s > 0:
            raise SettingsError(f"slow_after must be a positive number of seconds, not {self.slow_after_s!r}")
        if self.engine not in ("local", "dask"):
            raise SettingsError(f"engine must be local or dask, not {self.engine!r}")
        if self.scheduler is not None and self.engine != "dask":
            raise SettingsError("--scheduler needs --engine dask")
        if not isinstance(self.commit_every, int) or self.commit_every < 1:
            raise SettingsError(f"commit_every must be a whole number of at least 1, not {self.commit_every!r}")
        for pattern in (*self.include, *self.exclude):
            if not isinstance(pattern, str) or not pattern:
                raise SettingsError(f"--include/--exclude patterns must be non-empty globs, not {pattern!r}")

    def _check_limits(self) -> None:
        if not self.timeout_s > 0:
            raise SettingsError(f"timeout must be a positive number of seconds, not {self.timeout_s!r}")
        if not self.max_memory_mb >= MIN_MEMORY_MB:
            raise SettingsError(f"max_memory_mb must be at least {MIN_MEMORY_MB} megabytes, not {self.max_memory_mb!r}")
        if not self.max_unzipped_mb > 0:
            raise SettingsError(f"max_unzipped_mb must be a positive number of megabytes, not {self.max_unzipped_mb!r}")
        if not self.max_zip_ratio >= 10:
            raise SettingsError(f"max_zip_ratio must be at least 10 (ordinary Office files reach 20), not {self.max_zip_ratio!r}")
        if not isinstance(self.max_table_cells, int) or self.max_table_cells < 1000:
            raise SettingsError(f"max_table_cells must be a whole number of at least 1000, not {self.max_table_cells!r}")

    @staticmethod
    def _check_lexicon(path: Path) -> None:
        """Load the extra lexicon now, so a bad file stops the run before any work."""
        from goaltables.extract.errors import ConfigError
        from goaltables.extract.parser.lexicon import lexicon

        if not path.is_file():
            raise SettingsError(f"lexicon file {path} does not exist")
        try:
            lexicon(path)
        except ConfigError as exc:
            raise SettingsError(str(exc)) from None

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def read_limits(self) -> ReadLimits:
        """The limits readers check before allocating (``extract.limits``)."""
        return ReadLimits(self.max_unzipped_mb, self.max_zip_ratio, self.max_table_cells)

    def memory_text(self) -> str:
        """The memory cap as people say it: ``2 GB``, ``768 MB``."""
        mb = self.max_memory_mb
        return f"{mb / 1024:g} GB" if mb >= 1024 and mb % 512 == 0 else f"{mb:g} MB"
