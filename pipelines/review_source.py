"""``goaltables check`` on an output folder: the review of an earlier run without re-reading.

An auditor often gets the output folder, not the submission. The folder's rows are turned back
into the records the extraction produced (the dataclasses are the schema, so ``Record(**row)``
is exact), one ``FileResult`` per document in the folder's order, and reviewed the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from goaltables.pipelines.dataset import check_folder, read_table
from goaltables.pipelines.process import FileResult
from goaltables.pipelines.schema import TABLES


def is_output_folder(path: Path) -> bool:
    try:
        check_folder(path)
    except FileNotFoundError:
        return False
    return True


def results_from_folder(out_dir: Path) -> Iterator[FileResult]:
    by_doc: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for name, attr in (("goal_tables", "tables"), ("indicators", "indicators"), ("findings", "findings")):
        record = TABLES[name]
        for row in read_table(out_dir, name).to_pylist():
            by_doc[row["doc_id"]][attr].append(record(**row))
    for row in read_table(out_dir, "documents").to_pylist():
        parts = by_doc.get(row["doc_id"], {})
        yield FileResult(TABLES["documents"](**row), tables=parts.get("tables", []),
                         indicators=parts.get("indicators", []), findings=parts.get("findings", []))
