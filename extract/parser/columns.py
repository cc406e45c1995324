"""Column roles of an indicator grid, from the whole header and each column's contents.

A header cell is evidence for a column's role, not the answer: the same word plays different
parts in different templates (绩效指标 is the name column in one, a label merged down the grid's
left edge in another), a second header row refines the first (指标值 over 2023年实际完成值 /
2024年目标值), and some columns announce their meaning only by what they hold (area names over
targets, 指标性质 holding ≥ ≤ =). So every (column, role) pair is scored from

- the header word: exact (3), without decorations (2), or a listed word inside it (1), minus a
  little for each place down an ambiguous word's list of candidates;
- the column's contents: a single merged label, operators, 定量/定性, level words, targets;

and pairs are taken best first, at most one column per role and one role per column. Columns
left without a role keep their cells as extra cells under their printed header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from goaltables.extract.parser.lexicon import HeaderMatch, Lexicon
from goaltables.extract.parser.rows import Row, Vocabulary

MIN_HEADER_ROLES = 3  # distinct roles a row must name to be a grid header
_NAME_OR_TARGET = frozenset({"level3", "target"})
_NOT_COUNTED = frozenset({"group", "seq", "remark"})
_TARGET = re.compile(r"^(?:[≥≤≧≦<>=＞＜]|不[低高少超多]于|不超过|约|\d|[零一二三四五六七八九十百]+[个次项人])")
_MAJORITY = 0.6
_SHORT = 8


@dataclass(slots=True)
class HeaderColumn:
    """One grid column as the header row(s) name it."""

    text: str  # the header as printed; two header rows are joined with "/"
    match: HeaderMatch | None


@dataclass
class GridHeader:
    """The grid's header: column -> printed header and the roles it can stand for."""

    columns: dict[int, HeaderColumn]
    rows: list[list[str]] = field(default_factory=list)  # compact texts of each header row

    def repeats(self, row: Row, lex: Lexicon) -> bool:
        """A header row printed again (after a page break, or a repeated Word header row)."""
        texts = [lex.label_key(c.text) for c in row if c.text and not c.continued]
        return bool(texts) and any(texts == header for header in self.rows)


@dataclass
class Roles:
    """The outcome: column -> role, columns kept as extra cells, and what was guessed."""

    columns: dict[int, str]
    extra: dict[int, str]
    notes: list[str] = field(default_factory=list)

    def column_of(self, role: str) -> int | None:
        return next((col for col, r in self.columns.items() if r == role), None)


def _matches(row: Row, lex: Lexicon) -> dict[int, HeaderMatch]:
    return {c.col: m for c in row if c.text and not c.continued and (m := lex.header_match(c.text))}


def header_of(row: Row, lex: Lexicon) -> GridHeader | None:
    """The grid header this row is, or None: it must name enough distinct roles, one of them
    the indicator name or the target."""
    matches = _matches(row, lex)
    first = {m.roles[0] for m in matches.values()}
    every = {r for m in matches.values() for r in m.roles}
    if len(first - _NOT_COUNTED) < MIN_HEADER_ROLES or not every & _NAME_OR_TARGET:
        return None
    columns = {c.col: HeaderColumn(c.text, matches.get(c.col)) for c in row if c.text and not c.continued}
    return GridHeader(columns, [[lex.label_key(c.text) for c in row if c.text and not c.continued]])


def add_subheader(header: GridHeader, row: Row, lex: Lexicon) -> bool:
    """Merge a second header row (指标值 over 上年实际 / 本年目标) into ``header``; False when
    ``row`` is not one.

    A sub-header row names columns and holds no indicator: every filled cell names a role, or
    sits under a header cell spanning it (or under an empty header cell beside one), and the
    name and level columns are empty.
    """
    filled = [c for c in row if c.text and not c.continued]
    if not filled:
        return False
    name_cols = {col for col, h in header.columns.items() if h.match and h.match.roles[0] in ("level1", "level2", "level3")}
    if any(c.col in name_cols for c in filled):
        return False
    parents = {c.col: _parent(header, c.col) for c in filled}
    for cell in filled:
        own = lex.header_match(cell.text)
        if own is None and (parents[cell.col] is None or _TARGET.match(cell.text) and not _yearish(cell.text)):
            return False
    for cell in filled:
        own = lex.header_match(cell.text)
        parent = parents[cell.col]
        name = f"{parent.text}/{cell.text}" if parent else cell.text
        if own is None and parent is not None and parent.match:
            own = HeaderMatch(parent.match.roles, parent.match.strength - 0.5, None)
        header.columns[cell.col] = HeaderColumn(name, own)
    header.rows.append([lex.label_key(c.text) for c in filled])
    return True


def _yearish(text: str) -> bool:
    return bool(re.match(r"^(?:19|20)\d{2}年", text))


def _parent(header: GridHeader, col: int) -> HeaderColumn | None:
    """The header cell a sub-header cell sits under: the same column, or the nearest filled
    header cell to its left (a merge that a text export printed once)."""
    if col in header.columns:
        return header.columns[col]
    left = [c for c in header.columns if c < col]
    return header.columns[max(left)] if left else None


def assign(header: GridHeader, body: list[Row], lex: Lexicon, vocab: Vocabulary) -> Roles:
    """Give every header column one role, weighing its header and its contents."""
    _last_year_columns(header)
    contents = _contents(header, body)
    pairs = []
    for col, column in header.columns.items():
        if column.match is None:
            continue
        for rank, role in enumerate(column.match.roles):
            score = column.match.strength - 0.3 * rank + _content_bonus(role, contents.get(col, []), lex, vocab)
            pairs.append((score, -col, col, role))
    columns: dict[int, str] = {}
    for score, _, col, role in sorted(pairs, reverse=True):
        if score > 0 and col not in columns and role not in columns.values():
            columns[col] = role
    extra = {col: h.text for col, h in header.columns.items() if col not in columns}
    roles = Roles(dict(sorted(columns.items())), extra)
    _infer_target(roles, contents, lex)
    return roles


def _last_year_columns(header: GridHeader) -> None:
    """Columns headed with an earlier year than another column hold last year's values:
    2023年实际完成值 beside 2024年目标值 is the previous value, not an actual or a target."""
    years = [h.match.year for h in header.columns.values() if h.match and h.match.year]
    if len(set(years)) < 2:
        return
    latest = max(years)
    for col, h in header.columns.items():
        if h.match and h.match.year and h.match.year < latest and {"target", "actual"} & set(h.match.roles):
            header.columns[col] = HeaderColumn(h.text, HeaderMatch(("previous",), 3.0, h.match.year))


def _contents(header: GridHeader, body: list[Row]) -> dict[int, list[str | None]]:
    """Per header column, its body cells: the text, or None below a merge (continued)."""
    out: dict[int, list[str | None]] = {col: [] for col in header.columns}
    for row in body:
        for cell in row:
            if cell.col in out:
                out[cell.col].append(None if cell.continued else cell.text)
    return out


def _share(texts: list[str], test) -> float:
    return sum(1 for t in texts if test(t)) / len(texts) if texts else 0.0


def _content_bonus(role: str, cells: list[str | None], lex: Lexicon, vocab: Vocabulary) -> float:
    """How much a column's contents support (or refute) a role."""
    texts = [t for t in cells if t]
    single_label = len(set(texts)) <= 1 and (len(texts) <= 1 or None in cells)
    if role == "group":
        return 2.0 if single_label else -3.0
    if role == "level3":
        return -2.0 if single_label and len(cells) > 2 else 0.0
    if not texts:
        return 0.0
    if role == "operator":
        return 2.0 if _share(texts, lambda t: lex.operator_of(t) or t in ("定性", "/", "-")) >= _MAJORITY else -1.0
    if role == "value_type":
        return 2.0 if _share(texts, lambda t: t in lex.value_types) >= _MAJORITY else -1.0
    if role == "level1":
        return 1.0 if _share(texts, lambda t: 1 in vocab.levels(t)) >= 0.5 else -0.5
    return 0.0


def _infer_target(roles: Roles, contents: dict[int, list[str | None]], lex: Lexicon) -> None:
    """No header names the target (one column per area: 笏石街道办 | 埭头镇): the first unnamed
    column right of the indicator names that holds target-like values becomes the target."""
    if roles.column_of("target") is not None:
        return
    name_col = roles.column_of("level3")
    for col in sorted(roles.extra):
        texts = [t for t in contents.get(col, []) if t]
        if name_col is not None and col < name_col or not texts:
            continue
        if _share(texts, lambda t: bool(_TARGET.match(t)) or len(t) <= _SHORT) >= _MAJORITY:
            header = roles.extra.pop(col)
            roles.columns = dict(sorted({**roles.columns, col: "target"}.items()))
            roles.notes.append(f"no column is headed as the target; column {header!r} holds target-like values "
                               f"and was taken as the target")
            return
