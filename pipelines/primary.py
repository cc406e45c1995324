"""Choose the primary copy of each goal table once the whole run is written.

Copies of one table (same ``table_key``) can come from files far apart in the input, so the
choice needs every key first. Rather than hold all goal-table rows in memory until the end, the
part files are written as the run goes and rewritten here with ``is_primary`` set: a pass that
keeps only (key, doc_id, table_index) per table in memory, whatever the number of parts. A part
whose flags are already right (one kept from an earlier run) is left as it is.

The primary copy is the one a reviewer can find most easily in its file — a copy whose position
is known as a page or line comes before one known only as the n-th block of a Word file — then
the lowest (doc_id, table_index): deterministic, and the same whatever the input order, folder
layout or number of jobs.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from goaltables.pipelines.parts import write_part

COLUMNS = ["table_key", "doc_id", "table_index"]
PLACE = ["table_page", "table_line"]


def mark_primaries(folder: Path) -> dict[str, int]:
    """Set ``is_primary`` in every part file of the goal_tables folder; returns copies per key."""
    parts = sorted(folder.glob("part-*.parquet"))
    best: dict[str, tuple[bool, str, int]] = {}
    copies: dict[str, int] = {}
    for part in parts:
        for key, doc_id, index, page, line in zip(*pq.read_table(part, columns=COLUMNS + PLACE).to_pydict().values()):
            copies[key] = copies.get(key, 0) + 1
            rank = (page is None and line is None, doc_id, index)
            if key not in best or rank < best[key]:
                best[key] = rank
    for part in parts:
        _rewrite(part, best)
    return copies


def _rewrite(part: Path, best: dict[str, tuple[bool, str, int]]) -> None:
    table = pq.read_table(part)
    if table.num_rows == 0:
        return
    keys, docs, indexes = (table.column(c).to_pylist() for c in COLUMNS)
    flags = pa.array([best[k][1:] == (d, i) for k, d, i in zip(keys, docs, indexes)], pa.bool_())
    position = table.schema.get_field_index("is_primary")
    if table.column(position).equals(pa.chunked_array([flags])):
        return
    table = table.set_column(position, table.schema.field(position), flags)
    write_part(table, part)  # a new file: a part hard-linked from the previous output stays as it was
