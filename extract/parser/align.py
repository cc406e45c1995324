"""Realign grid rows whose cells shifted when merged cells collapsed in an export.

A text export drops the cells covered by a merge, so a row can start at its 二级 or 三级 cell
(sample 004: ``绩效管理…``, ``服务对象满意度…``, ``工作数字化推进度…``). Each cell is scored
against each column by what it holds (a level label, 定量/定性, a unit, a number, long prose)
and cells are assigned to columns left to right by dynamic programming. The row's own layout is
kept unless the best assignment is clearly better, so ordinary rows never move.

A search needs evidence that the row shifted: a cell beyond the header's columns, a 定量/定性
cell outside the 指标值类型 column, or a unit token left of the 度量单位 column. Label-like text
alone is no evidence: ``服务对象满意度`` or ``质量`` are also indicator names printed in the
三级 column, and moving them to 二级 loses the indicator's name.

One repair needs no search: a target printed in the unit column while the target column is
empty (``人数 | | ≥100人``) is moved to the target column.
"""

from __future__ import annotations

import re

from goaltables.extract.parser.rows import RowCell, Vocabulary

REALIGN_MARGIN = 3.0  # how much better than the printed layout a realignment must score
STAY_BONUS = 1.5  # a cell at its printed column
SHIFT_PENALTY = 0.5  # per column of change in shift between neighbouring cells
SKIP_PENALTY = -20.0  # leaving a cell unplaced
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_TARGET = re.compile(r"^\s*(?:[≥≤≧≦<>=＞＜]|不[低高少超多]于|不超过|\d)")


def fit(text: str, role: str | None, vocab: Vocabulary, value_types: frozenset[str]) -> float:
    """How plausible it is that ``text`` belongs in a column of ``role``."""
    is_type = text in value_types
    if role == "value_type":
        return 6.0 if is_type else -6.0
    if is_type:
        return -6.0
    levels = vocab.levels(text)
    if role in ("level1", "level2"):
        wanted = 1 if role == "level1" else 2
        return 4.0 if wanted in levels else (-2.0 if levels else -1.0)
    if levels:
        return -2.0
    return _fit_value(text, role, vocab)


def _fit_value(text: str, role: str | None, vocab: Vocabulary) -> float:
    if role == "weight":
        return 2.0 if _NUMBER.fullmatch(text) and float(text) <= 100 else -3.0
    if role == "unit":
        return 3.0 if vocab.is_unit(text) else (-3.0 if len(text) > 6 else -1.0)
    if role == "target":
        return 2.0 if _TARGET.match(text) or len(text) <= 8 else -1.0
    if role in ("description", "basis"):
        return 2.0 if len(text) >= 12 else 0.5
    if role == "level3":
        return 1.0 if len(text) < 30 else 0.0
    if role == "previous":
        return 0.5 if _TARGET.match(text) else -1.0
    return -1.0


def place(
    cells: list[RowCell], columns: dict[int, str], vocab: Vocabulary, value_types: frozenset[str]
) -> tuple[dict[int, RowCell], list[RowCell], bool]:
    """Assign non-empty cells to columns; returns (column -> cell, unplaced cells, realigned)."""
    placed, unplaced, realigned = _realign(cells, columns, vocab, value_types)
    moved = _unit_as_target(placed, columns, vocab)
    return placed, unplaced, realigned or moved


def _realign(
    cells: list[RowCell], columns: dict[int, str], vocab: Vocabulary, value_types: frozenset[str]
) -> tuple[dict[int, RowCell], list[RowCell], bool]:
    """The printed layout, or the best assignment by content when the row shows it shifted."""
    filled = [c for c in cells if c.text]
    as_printed = {c.col: c for c in filled if c.col in columns}
    stray = [c for c in filled if c.col not in columns]
    if not filled or any(c.continued or c.span > 1 for c in filled):
        return as_printed, stray, False  # merges are explicit: the layout is the file's own
    fits = [fit(c.text, columns[c.col], vocab, value_types) for c in as_printed.values()]
    if not stray and min(fits, default=0.0) >= 0:
        return as_printed, stray, False  # every cell is plausible where it is printed: no search
    if not stray and not _shifted_left(filled, columns, vocab, value_types):
        return as_printed, stray, False  # nothing says the row moved: its layout is the file's own
    cols = sorted(columns)
    printed = sum(fits) + STAY_BONUS * len(fits) + SKIP_PENALTY * len(stray)
    best, assignment = _best_assignment(filled, cols, columns, vocab, value_types)
    if best < printed + REALIGN_MARGIN:
        return as_printed, stray, False
    placed = {cols[j]: cell for cell, j in zip(filled, assignment) if j is not None}
    unplaced = [cell for cell, j in zip(filled, assignment) if j is None]
    return placed, unplaced, True


def _column_of(columns: dict[int, str], role: str) -> int | None:
    return next((col for col, r in columns.items() if r == role), None)


def _shifted_left(
    cells: list[RowCell], columns: dict[int, str], vocab: Vocabulary, value_types: frozenset[str]
) -> bool:
    """True when a cell's content says it belongs further right than it is printed.

    Collapsed merges shift the rest of a row left, so the 定量/定性 cell lands outside the
    指标值类型 column and the unit left of the 度量单位 column. These tokens cannot be indicator
    names, unlike level labels, which are also valid 三级 names.
    """
    type_col, unit_col = _column_of(columns, "value_type"), _column_of(columns, "unit")
    for cell in cells:
        if cell.text in value_types and cell.col != type_col:
            return True
        if unit_col is not None and cell.col < unit_col and vocab.is_unit(cell.text):
            return True
    return False


def _unit_as_target(placed: dict[int, RowCell], columns: dict[int, str], vocab: Vocabulary) -> bool:
    """Move a target printed in the unit column to the empty target column; True if moved.

    ``≥100人`` under 度量单位 with nothing under 指标值 is the row's target; left in the unit
    column it would be dropped as an unknown unit. A real unit (``%``, ``人次``) or a ``-``
    stays: then the target is really empty.
    """
    target_col, unit_col = _column_of(columns, "target"), _column_of(columns, "unit")
    if target_col is None or unit_col is None or target_col in placed or unit_col not in placed:
        return False
    text = placed[unit_col].text
    if vocab.is_unit(text) or not _TARGET.match(text):
        return False
    placed[target_col] = placed.pop(unit_col)
    return True


def _best_assignment(
    cells: list[RowCell], cols: list[int], columns: dict[int, str], vocab: Vocabulary, value_types: frozenset[str]
) -> tuple[float, list[int | None]]:
    """Monotone assignment of cells to column indexes maximising total fit (None = unplaced)."""
    # state: index of the last used column (-1 = none) and the shift of the last placed cell
    states: dict[tuple[int, int | None], tuple[float, list[int | None]]] = {(-1, None): (0.0, [])}
    for cell in cells:
        nxt: dict[tuple[int, int | None], tuple[float, list[int | None]]] = {}
        for (last, shift), (score, path) in states.items():
            _keep(nxt, (last, shift), score + SKIP_PENALTY, [*path, None])
            for j in range(last + 1, len(cols)):
                new_shift = cols[j] - cell.col
                gain = fit(cell.text, columns[cols[j]], vocab, value_types)
                gain += STAY_BONUS if new_shift == 0 else 0.0
                gain -= SHIFT_PENALTY * abs(new_shift - shift) if shift is not None else 0.0
                _keep(nxt, (j, new_shift), score + gain, [*path, j])
        states = nxt
    return max(states.values(), key=lambda v: v[0])


def _keep(states: dict, key: tuple, score: float, path: list) -> None:
    if key not in states or states[key][0] < score:
        states[key] = (score, path)
