"""Run settings, validated once with messages that say what to change."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from extract.errors import GoalTablesError

DEFAULT_MAX_MB = 200


class SettingsError(GoalTablesError, ValueError):
    """A setting is invalid; the message names the setting and the allowed values."""


@dataclass(frozen=True)
class Settings:
    jobs: int = 1
    max_file_mb: float = DEFAULT_MAX_MB
    taxonomy: Path | None = None
    lexicon: Path | None = None
    encoding: str | None = None  # text and web pages: use this encoding instead of guessing

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

    @staticmethod
    def _check_lexicon(path: Path) -> None:
        """Load the extra lexicon now, so a bad file stops the run before any work."""
        from extract.errors import ConfigError
        from extract.parser.lexicon import lexicon

        if not path.is_file():
            raise SettingsError(f"lexicon file {path} does not exist")
        try:
            lexicon(path)
        except ConfigError as exc:
            raise SettingsError(str(exc)) from None

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)
