"""The data files (lexicon, taxonomy, units, …) are YAML read at every start, by the main process
and each worker: read them with libyaml's C loader where PyYAML has one, about ten times faster
than the pure-Python loader, with the same safe subset of YAML and the same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The parsed contents of a UTF-8 YAML file (raises ``yaml.YAMLError`` on bad YAML)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
