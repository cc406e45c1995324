"""Reading an output folder back: one place that knows its layout and checks its version.

Every command that works on an existing output (``sql``, ``export``, ``report``, ``check``,
``taxonomy --unmapped``) and the notebook loader (``pipelines.load``) read through here, so a
folder from another schema version, or not an output folder at all, fails with one sentence
that says what to do instead of a KeyError three frames deep.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from goaltables.pipelines.output import MANIFEST, table_dir
from goaltables.pipelines.schema import SCHEMA_VERSION, SCHEMAS


class NotAnOutputFolder(FileNotFoundError):
    """The folder is missing, holds no goaltables output, or one of another schema version."""


def check_folder(out_dir: Path) -> None:
    if not (out_dir / MANIFEST).is_file():
        hint = " (written by an older goaltables: run extract again)" if (out_dir / "manifest.json").is_file() else ""
        raise NotAnOutputFolder(f"{out_dir} is not a goaltables output folder: no {MANIFEST}{hint}; "
                                f"create one with `goaltables extract FILES --out {out_dir}`")


def manifest(out_dir: Path) -> dict[str, Any]:
    check_folder(out_dir)
    return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))


def read_table(out_dir: Path, name: str, columns: list[str] | None = None) -> pa.Table:
    """Table ``name`` of the folder, all its part files, with the declared schema."""
    check_folder(out_dir)
    folder = table_dir(out_dir, name)
    dataset = ds.dataset(folder, format="parquet", schema=SCHEMAS[name])
    version = _version(folder)
    if version != SCHEMA_VERSION:
        raise NotAnOutputFolder(f"{folder} has schema version {version}, this goaltables reads {SCHEMA_VERSION}: "
                                f"run extract again")
    return dataset.to_table(columns=columns)


def _version(folder: Path) -> str | None:
    import pyarrow.parquet as pq

    first = min(folder.glob("part-*.parquet"), default=None)
    if first is None:
        raise NotAnOutputFolder(f"{folder} holds no part files: run extract again")
    meta = pq.read_schema(first).metadata or {}
    value = meta.get(b"goaltables.schema_version")
    return value.decode() if value else None
