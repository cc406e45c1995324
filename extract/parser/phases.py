"""Long-term and annual grids of one goal table (长期绩效指标, then 年度绩效指标).

The annual grid holds the year's targets, so its rows are the table's rows. A long-term value is
kept on the annual row of the same indicator name (``RawRow.long_term``); a long-term row with no
annual twin is reported with its raw cells, never silently dropped.
"""

from __future__ import annotations

from goaltables.extract.findings import Finding, raw_cells
from goaltables.extract.parser.grid import GridReader
from goaltables.extract.text import compact


def merge_phases(grids: list[GridReader], table_index: int, findings: list[Finding]) -> GridReader | None:
    """The grid whose rows are the table's, with long-term values attached."""
    if not grids:
        return None
    annual = [g for g in grids if g.phase != "long_term"]
    if not annual:
        return grids[-1]
    main = annual[-1]
    for grid in annual[:-1]:  # two annual grids: rows of both, in order
        main.rows[:0] = grid.rows
    for i, row in enumerate(main.rows):
        row.row_index = i
    by_name = {compact(r.level3): r for r in main.rows if r.level3}
    for grid in grids:
        if grid.phase != "long_term":
            continue
        for row in grid.rows:
            twin = by_name.get(compact(row.level3))
            if twin is not None:
                twin.long_term = row.target
            else:
                findings.append(Finding.of(
                    "long_term_only", f"long-term indicator {row.level3!r} has no annual row; kept here only",
                    table_index=table_index, raw=raw_cells(row.raw)))
    return main
