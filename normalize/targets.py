"""Target values (指标值) as printed → operator, number(s), unit and qualitative text.

Analysts trust every number we emit, so the grammar is strict: a cell becomes quantitative only
when *all* of it is understood. Anything else stays qualitative with the cell text kept in
``text``; a number is never guessed out of a sentence (``较上年提高5%`` is a change, not a level).

Grammar, applied to the cell after folding width and dropping whitespace (``≥ ９５ ％`` → ``≥95%``)::

    cell     := prefix* core suffix? grade?
    prefix   := symbol | operator word | approx word | neutral word
    core     := number mult? more? unit? ( sep number mult? more? unit? )?
    symbol   := ≥ ≧ ⩾ ≮ >= => | ≤ ≦ ⩽ ≯ <= =< | > | < | =      (full-width forms fold first)
    sep      := - ~ ～ 〜 — – 至 到                              (a range)
    mult     := 万 亿 千        more := 余 多 (“100余人” → op ">")
    suffix   := 以上 → >= · 以下 以内 之内 内 → <= · 左右 上下 → approx · 之间 (ranges only)
                · (含) (the bound is included; no operator of its own)
    grade    := 优 良 中 差 优良 优秀 良好 合格 及格 达标 …, bare or in brackets (“≥100优”, “100%(优)”)

Operator words (``_PREFIXES``/``_SUFFIXES`` below) follow the Civil Code rule that 以上/以下/以内
include the number (民法典 第1259条), so ``95%以上`` is ``>=`` and ``5%以下`` is ``<=``, while
低于/小于/少于 are strict ``<`` and 大于/高于/超过/多于 strict ``>``; 达到/达 read as ``>=``.
A plain number is ``=``. Conflicting operators (``≥90%以下``) make the cell qualitative.

Conventions (see docs/targets.md for a table of examples):

- ``op`` is None exactly when ``value`` is None; ``value_max`` is set only for ``range``.
- Approximate targets (``约5.5万人次``, ``90%左右``, ``≈5``) are ``=`` with the approx word in
  ``text`` ("约", "左右"), because the output contract has no approximate operator.
- Percentages stay in percent: ``95%`` is value 95, unit "%".
- 万/亿/千 after a number: a unit that starts with them wins (``5.5万人次``, ``3万元``); otherwise,
  with a unit column of 元/人次/人…, they join it (``250万`` + 元 → 250 万元); otherwise the
  value is multiplied out (``250万`` → 2500000, unit from the column or None).
- A measure word units.yaml does not list (``168起``, ``1200台(套)``, ``20元/人·年``) is kept as
  printed; a word that is not a measure (``5年内``, ``低于``) still makes the cell qualitative.
- A unit in the cell wins over the unit column (``unit_hint``); the column fills in otherwise,
  also for qualitative cells (``稳步提升`` with 人次 keeps unit 人次).
- Dates and periods (``2025年12月底前``, ``2023.07-2024.01``, ``12月``) stay text: op None.
  ``12月`` is a month; a duration is printed ``12个月``.
- Placeholders (``**人``, ``≥**%``, ``XX``, ``xx%``, ``…``) set ``placeholder``; op/value None,
  the unit is still read (``≥**%`` → "%").
- Several numeric targets in one cell (``1600人、200人``) set ``multiple``; op/value None and
  ``text`` keeps the whole cell, because picking one of them would invent a target.
- Chinese numerals are read (``三次``, ``十二个``, ``两``, ``一百``, ``百分之九十``).
- ``1,600`` is one thousand six hundred (a thousands separator), not two targets; but a space
  between digits (``1600 200``) separates two numbers rather than joining them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache, lru_cache

from goaltables.extract.text import clean, compact, halfwidth, is_cjk
from goaltables.normalize.units import canonical_unit, unit_spellings

OPS: frozenset[str] = frozenset({">=", "<=", ">", "<", "=", "range"})
_NEUTRAL = ""  # a prefix word that sets no operator of its own (控制在, 保持)
_APPROX = "~"  # marker for approximate words; becomes op "=" with the word in text

# Longest match wins, so 大于等于 is read before 大于 and >= before >.
_PREFIXES: dict[str, str] = {
    "≥": ">=", "≧": ">=", "⩾": ">=", "≮": ">=", ">=": ">=", "=>": ">=",
    "≤": "<=", "≦": "<=", "⩽": "<=", "≯": "<=", "<=": "<=", "=<": "<=",
    ">": ">", "<": "<", "=": "=", "﹥": ">", "﹤": "<", "﹦": "=",
    "大于等于": ">=", "大于或等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=",
    "不得低于": ">=", "不得少于": ">=", "不应低于": ">=", "至少": ">=", "最少": ">=",
    "最低": ">=", "达到": ">=", "达": ">=",
    "小于等于": "<=", "小于或等于": "<=", "不高于": "<=", "不超过": "<=", "不多于": "<=",
    "不大于": "<=", "不得超过": "<=", "不得高于": "<=", "不得多于": "<=", "不应超过": "<=",
    "最多": "<=", "至多": "<=", "最高": "<=", "未超过": "<=",
    "低于": "<", "小于": "<", "少于": "<",
    "大于": ">", "高于": ">", "超过": ">", "多于": ">",
    "等于": "=",
    "约": _APPROX, "大约": _APPROX, "约为": _APPROX, "大概": _APPROX, "≈": _APPROX,
    "控制在": _NEUTRAL, "保持在": _NEUTRAL, "保持": _NEUTRAL, "维持在": _NEUTRAL,
    "维持": _NEUTRAL, "为": _NEUTRAL,
}
_SUFFIXES: dict[str, str] = {
    "以上": ">=", "及以上": ">=", "或以上": ">=", "及其以上": ">=",
    "以下": "<=", "及以下": "<=", "或以下": "<=", "以内": "<=", "之内": "<=", "内": "<=",
    "左右": _APPROX, "上下": _APPROX,
    "之间": "range",
    "(含)": _NEUTRAL, "以上(含)": ">=", "以下(含)": "<=",
}
GRADES: tuple[str, ...] = (
    "优秀", "优良", "良好", "中等", "较差", "合格", "及格", "达标", "优", "良", "中", "差",
)
_GRADE_WORDS: dict[str, str] = {g: g for g in GRADES} | {f"({g})": g for g in GRADES}
_MULTIPLIERS: dict[str, Decimal] = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1_000)}
_MORE = {"余": ">", "多": ">"}

# Folded before parsing: look-alike signs that halfwidth() does not cover.
_FOLD = str.maketrans({"〜": "~", "—": "-", "–": "-", "﹣": "-", "﹪": "%", "\u200b": None, "\ufeff": None})
_EMPTY = frozenset({"", "-", "--", "/", "\\"})
_TRAILING_PUNCT = "。.;,、:"
_TEXT_PUNCT = "。;,、 "
_PLACEHOLDER = re.compile(r"\*|×|…|\.{3,}|_{2,}|\?|□|(?<![A-Za-z])[xX]+(?![A-Za-z])")
_DATE = re.compile(
    r"(?:19|20)\d{2}年"
    r"|(?:19|20)\d{2}[./-](?:0?[1-9]|1[0-2])(?:[./-]\d{1,2})?(?=$|[-~至到前底止])"
    r"|^(?:19|20)\d{2}[-~至到](?:19|20)\d{2}$"
    r"|(?<![个\d.])\d{1,2}月"
    r"|(?<![\d.])\d{1,2}[日号](?:前|之前|以前)"
    r"|年底|年末|年初|年中|月底|月末|季度末|季末|上半年|下半年|第\d季度"
)
_DIGIT_GAP = re.compile(r"(?<=\d) +(?=\d)")
_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?![\d.])")
_MULTI_SPLIT = re.compile(r"[、;,/]")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_POWERS)
_CN_PER = re.compile(f"(百|千)分之(\\d+(?:\\.\\d+)?|[{_CN_CHARS}]+)")


@dataclass(frozen=True, slots=True)
class Target:
    """One parsed target. ``op`` is None exactly when ``value`` is (qualitative, date, placeholder)."""

    op: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    text: str | None = None
    placeholder: bool = False
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class _Bound:
    """A number as printed with what follows it: ``5.5万人次`` → 5.5, None, None, "万人次"."""

    number: Decimal
    mult: str | None
    more: str | None
    unit: str | None


def with_operator(target: Target, op: str | None) -> Target:
    """A target whose operator is printed in a column of its own (指标方向 ≥ beside ``95``).

    Only a bare number (read as ``=``) takes the column's operator: a target that prints its
    own operator (``≤20工作日``) keeps it.
    """
    if op is None or target.value is None or target.op != "=":
        return target
    return replace(target, op=op)


def value_type_of(target: Target) -> str:
    """``quantitative`` when the target carries a number, else ``qualitative`` (contract values)."""
    return "quantitative" if target.value is not None or target.multiple else "qualitative"


def parse_target(raw: str | None, unit_hint: str | None = None) -> Target:
    """Parse one target cell; never raises, because one odd cell must not sink a whole batch.

    A non-string cell (a number handed over by a spreadsheet reader) is read as its ``str()``.
    """
    try:
        return _parse_cached(_as_text(raw), _as_text(unit_hint))
    except Exception:  # noqa: BLE001 — last-resort guard; the property tests call _parse directly
        return _unparsed(raw, unit_hint)


@lru_cache(maxsize=65536)
def _parse_cached(raw: str | None, unit_hint: str | None) -> Target:
    """Archives repeat the same cells (≥100优, 100 with %) thousands of times; Target is frozen."""
    return _parse(raw, unit_hint)


def _as_text(value: object) -> str | None:
    return value if value is None or isinstance(value, str) else str(value)


def _unparsed(raw: object, unit_hint: object) -> Target:
    """What a cell the grammar crashed on becomes: its text, and the column's unit if readable."""
    try:
        return Target(text=_tidy(_as_text(raw)) or None, unit=canonical_unit(_as_text(unit_hint)))
    except Exception:  # noqa: BLE001
        return Target()


def _parse(raw: str | None, unit_hint: str | None) -> Target:
    hint = unit_word(unit_hint)
    text = _tidy(raw) or None
    key = _key(raw)
    if key in _EMPTY:
        return Target(unit=hint)
    if _PLACEHOLDER.search(key):
        return Target(unit=_placeholder_unit(key, hint), placeholder=True)
    key = _read_chinese_numerals(_THOUSANDS.sub(lambda m: m.group().replace(",", ""), key))
    if _DATE.search(key):
        return Target(unit=hint, text=text)
    return _parse_multiple(key, hint, text) or _parse_single(key, hint) or Target(unit=hint, text=text)


# --- cell text -------------------------------------------------------------------------------


def _tidy(raw: str | None) -> str:
    """Display text: half-width, one space between Latin words, none next to CJK (Word splits words)."""
    text = halfwidth(clean(raw)).translate(_FOLD).strip().rstrip(_TEXT_PUNCT)
    kept = [
        ch
        for i, ch in enumerate(text)
        if ch != " " or not (is_cjk(text[i - 1]) or is_cjk(text[i + 1 : i + 2] or "a"))
    ]
    return "".join(kept)


def _key(raw: str | None) -> str:
    """The parsing key: half-width, whitespace-free, look-alikes folded, trailing punctuation gone.

    A space between two digits (``1600 200``) becomes a separator, not part of one number.
    """
    if not raw:
        return ""
    key = _DIGIT_GAP.sub("、", halfwidth(clean(raw)))
    return compact(key).translate(_FOLD).rstrip(_TRAILING_PUNCT)


def _placeholder_unit(key: str, hint: str | None) -> str | None:
    """``≥**%`` → "%": read the cell again with the placeholder as a digit, just for its unit."""
    probe = _parse_single(_PLACEHOLDER.sub("0", key), hint)
    return probe.unit if probe else hint


# --- Chinese numerals ------------------------------------------------------------------------


def _cn_number(run: str) -> int | None:
    """``十二`` → 12, ``一百零五`` → 105, ``两千`` → 2000, ``二〇二五`` → 2025; None if malformed."""
    if len(run) > 12:
        return None
    if not any(ch in _CN_POWERS for ch in run):
        total = 0
        for ch in run:
            total = total * 10 + _CN_DIGITS[ch]
        return total
    total, current, last_power = 0, 0, 10_000
    for ch in run:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
            continue
        power = _CN_POWERS[ch]
        if power >= last_power:
            return None
        total, current, last_power = total + (current or 1) * power, 0, power
    return total + current


@cache
def _cn_run_pattern() -> re.Pattern[str]:
    """A run of numeral characters that stops before a unit spelled with them (千米, 百分点)."""
    tails = {u[i:] for u in unit_spellings() for i, ch in enumerate(u) if ch in _CN_CHARS}
    guard = "|".join(re.escape(t) for t in sorted(tails, key=len, reverse=True))
    return re.compile(rf"(?<!\d)(?:(?!{guard})[{_CN_CHARS}])+")


def _read_chinese_numerals(key: str) -> str:
    """Rewrite Chinese numerals as digits (``百分之九十`` → ``90%``, ``三次`` → ``3次``).

    Words that merely contain numerals (``一岗双责``) come out as nonsense such as ``1岗双责``,
    which the grammar then rejects; qualitative text is always taken from the original cell.
    A numeral right after a digit is left alone, so ``5千`` keeps 千 as a multiplier.
    """
    key = _CN_PER.sub(_per_cent, key)
    return _cn_run_pattern().sub(lambda m: _digits(m.group()), key)


def _digits(run: str) -> str:
    """A numeral run as digits, or unchanged when it is not a well-formed number."""
    if run[0].isdigit():
        return run
    number = _cn_number(run)
    return run if number is None else str(number)


def _per_cent(match: re.Match[str]) -> str:
    """``百分之九十`` → ``90%``, ``千分之三`` → ``3‰``."""
    return _digits(match.group(2)) + ("%" if match.group(1) == "百" else "‰")


# --- the grammar ------------------------------------------------------------------------------


def _parse_multiple(key: str, hint: str | None, text: str | None) -> Target | None:
    """``1600人、200人``: two or more parts that each parse as a number make a multiple target."""
    parts = [p for p in _MULTI_SPLIT.split(key) if p]
    if len(parts) < 2:
        return None
    parsed = [t for t in (_parse_single(p, hint) for p in parts) if t is not None]
    if len(parsed) < 2:
        return None
    units = {t.unit for t in parsed}
    unit = units.pop() if len(units) == 1 and len(parsed) == len(parts) else hint
    return Target(unit=unit, text=text, multiple=True)


# A measure word units.yaml does not list (起, 卷, 台(套), 人·年): one or two Chinese characters,
# perhaps with a bracketed alternative or a ·-joined second word. Kept as printed.
_OTHER_UNIT = r"[\u4e00-\u9fff]{1,2}(?:\([\u4e00-\u9fff]{1,2}\))?(?:·[\u4e00-\u9fff]{1,2})?"
_NOT_UNIT = re.compile(r"[以内前后之左右上下间及至到低高大小超达少多不约余优良中差合格标]")


def _bound_pattern(i: int, unit: str) -> str:
    one = f"(?:{unit}|{_OTHER_UNIT})"
    return (
        rf"(?P<num{i}>-?\d+(?:\.\d+)?)(?P<mult{i}>[万亿千])?(?P<more{i}>[余多])?"
        rf"(?P<unit{i}>{one}(?:/{one})?)?"
    )


@cache
def _core_pattern() -> re.Pattern[str]:
    """number mult? more? unit? (sep number mult? more? unit?)? — units come from units.yaml."""
    unit = "|".join(re.escape(u) for u in unit_spellings())
    return re.compile(_bound_pattern(1, unit) + r"(?:[-~至到]" + _bound_pattern(2, unit) + ")?")


def _longest_first(table: dict[str, str]) -> tuple[str, ...]:
    return tuple(sorted(table, key=len, reverse=True))


def _peel(key: str, words: tuple[str, ...], *, front: bool) -> tuple[str | None, str]:
    """Remove the longest of ``words`` at the front (or back) of ``key``."""
    for word in words:
        if front and key.startswith(word):
            return word, key[len(word):]
        if not front and key.endswith(word) and len(word) < len(key):
            return word, key[: -len(word)]
    return None, key


_PREFIX_WORDS = _longest_first(_PREFIXES)
_SUFFIX_WORDS = _longest_first(_SUFFIXES)
_GRADE_ORDER = _longest_first(_GRADE_WORDS)


def _parse_single(key: str, hint: str | None) -> Target | None:
    """One target; None when any part of the cell is not understood."""
    words: list[str] = []
    for _ in range(3):
        word, key = _peel(key, _PREFIX_WORDS, front=True)
        if word is None:
            break
        words.append(word)
    grade, key = _peel(key, _GRADE_ORDER, front=False)
    suffix, key = _peel(key, _SUFFIX_WORDS, front=False)
    match = _core_pattern().fullmatch(key)
    if not match:
        return None
    lo, hi = _bound(match, 1), _bound(match, 2) if match.group("num2") else None
    if lo is None or (match.group("num2") and hi is None):
        return None
    ops = [_PREFIXES[w] for w in words] + ([_SUFFIXES[suffix]] if suffix else [])
    ops += [_MORE[b.more] for b in (lo, hi) if b and b.more]
    approx = [w for w in words if _PREFIXES[w] == _APPROX]
    approx += [suffix] if suffix and _SUFFIXES[suffix] == _APPROX else []
    return _assemble(lo, hi, ops, approx, grade, hint)


@cache
def _unit_word_pattern() -> re.Pattern[str]:
    unit = "|".join(re.escape(u) for u in unit_spellings())
    one = f"(?:{unit}|{_OTHER_UNIT})"
    return re.compile(f"{one}(?:/{one})?")


@lru_cache(maxsize=4096)
def unit_word(text: str | None) -> str | None:
    """A unit column's cell as a unit: canonical when units.yaml knows it, else the measure word
    as printed (元/人·月); None for an empty cell, "-" or a word that is not a unit."""
    unit = canonical_unit(text)
    if unit is not None or not text:
        return unit
    key = _key(text)
    if (unit := canonical_unit(key)) is not None:
        return unit  # "s:" tidies to "s", which units.yaml knows as 秒
    if _unit_word_pattern().fullmatch(key) and not _NOT_UNIT.search(key):
        base = re.split(r"[(/·]", key)[0]
        return None if len(base) > 1 and canonical_unit(base[0]) else key
    return None


def printed_unit(raw: str | None, unit_hint: str | None, unit: str | None) -> str | None:
    """The spelling of ``unit`` (a parsed target's unit) as the document prints it: ``元/平米``
    and ``日`` rather than the canonical ``元/平方米`` and ``天``. The cell's own spelling comes
    first (longest, rightmost), then the unit column's; else the unit itself."""
    if unit is None or canonical_unit(unit) != unit:
        return unit  # no unit, or a measure word units.yaml does not list: already as printed
    key = _key(raw)
    best = ""
    for start in range(len(key)):
        for end in range(start + len(best) + 1, min(len(key), start + 12) + 1):
            if canonical_unit(key[start:end]) == unit:
                best = key[start:end]
    if best:
        return best
    hint = _key(unit_hint)
    return hint if hint and canonical_unit(hint) == unit else unit


def _bound(match: re.Match[str], i: int) -> _Bound | None:
    """One bound; None when its unit is a word that is not a unit (``5年内``, ``3天前``)."""
    printed = match.group(f"unit{i}")
    unit = canonical_unit(printed)
    if printed and unit is None:
        base = re.split(r"[(/·]", printed)[0]
        if _NOT_UNIT.search(printed) or len(base) > 1 and canonical_unit(base[0]):
            return None  # 5年内, 90元元: words around a number, not a unit
        unit = printed  # a measure word units.yaml does not list, kept as printed
    return _Bound(
        number=Decimal(match.group(f"num{i}")),
        mult=match.group(f"mult{i}"),
        more=match.group(f"more{i}"),
        unit=unit,
    )


def _assemble(
    lo: _Bound, hi: _Bound | None, ops: list[str], approx: list[str], grade: str | None, hint: str | None
) -> Target | None:
    """Combine the pieces; None when they contradict each other (two operators, two units)."""
    op = _single_op(ops, is_range=hi is not None)
    if op is None:
        return None
    if hi is not None:
        if lo.unit and hi.unit and lo.unit != hi.unit:
            return None
        shared = hi.unit or lo.unit
        lo = _Bound(lo.number, lo.mult or hi.mult, lo.more, shared)
        hi = _Bound(hi.number, hi.mult, hi.more, shared)
    value, unit = _scaled(lo, hint)
    value_max = _scaled(hi, hint)[0] if hi else None
    if not _finite(value, value_max) or (value_max is not None and value_max < value):
        return None
    text = "".join(approx) + (_GRADE_WORDS[grade] if grade else "")
    return Target(op=op, value=value, value_max=value_max, unit=unit, text=text or None)


def _single_op(ops: list[str], *, is_range: bool) -> str | None:
    """The one operator the words agree on; "=" when none; None on a contradiction."""
    named = {op for op in ops if op not in (_NEUTRAL, _APPROX)}
    if is_range:
        return "range" if named <= {"range"} else None
    if "range" in named or len(named) > 1:
        return None
    return named.pop() if named else "="


def _scaled(bound: _Bound, hint: str | None) -> tuple[float, str | None]:
    """Apply 万/亿/千 (see module docstring) and pick the unit: the cell's, else the column's."""
    unit = bound.unit or hint
    if bound.mult is None:
        return float(bound.number), unit
    if unit is not None and unit.startswith(bound.mult):
        return float(bound.number), unit
    joined = canonical_unit(bound.mult + unit) if unit else None
    if joined is not None:
        return float(bound.number), joined
    return float(bound.number * _MULTIPLIERS[bound.mult]), unit


def _finite(*values: float | None) -> bool:
    return all(v is None or math.isfinite(v) for v in values)
