"""Spreadsheet cell values as a person sees them in Excel, shared by the .xlsx and .xls readers.

Analysts compare our rows with what Excel shows them, so a stored 0.95 under ``0%`` must come
out as ``95%``, 50 under ``0.00`` as ``50.00``, and a sum such as 130.4 + 12.42 as ``142.82``,
not as the binary float ``142.82000000000002``. Only the parts of a number format that change
what the digits say are honoured: the first section, percent, decimals, thousands separators
and quoted literal text (``0"人"`` shows ``100人``). Two tricks budget sheets use to show 元 as
万元 are honoured too, because ignoring them shows a number 10,000 times too large: a literal
inside the digits (``0!.0000`` shows a stored 123456 as ``12.3456``) and trailing commas, each
dividing by 1,000 (``0.00,`` shows 123456 as ``123.46``). Colours, conditions, padding and
scientific layouts fall back to Excel's General display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

SIGNIFICANT_DIGITS = 15  # Excel keeps 15 significant digits; more is binary noise
_GENERAL = {"", "general", "@"}
_BRACKETS = re.compile(r"\[[^\]]*\]")  # [Red], [$-804], [>100]
_LITERAL = re.compile(r'"([^"]*)"|[\\!](.)')  # "text", \x and !x are literal
_PADDING = re.compile(r"[_*].")  # _x: a space as wide as x; *x: fill with x


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """The display-relevant facts of one number-format section."""

    decimals: int | None  # None: General (shortest exact digits)
    percent: bool = False
    thousands: bool = False
    prefix: str = ""
    suffix: str = ""
    scale: int = 0  # trailing commas after the digits: the value is shown divided by 1000**scale
    inserts: tuple[tuple[int, str], ...] = ()  # literals inside the integer digits, by digits to their right


def display(value: object, number_format: str | None = None) -> str:
    """The text Excel would show for ``value`` stored under ``number_format``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return _datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int | float):
        return format_number(float(value) if isinstance(value, float) else value, parse_format(number_format))
    return str(value)


def _datetime_text(value: datetime) -> str:
    """Dates as YYYY-MM-DD; the time only when the cell really carries one."""
    if value.time() == time(0, 0):
        return value.date().isoformat()
    return value.isoformat(sep=" ", timespec="seconds")


def parse_format(number_format: str | None) -> NumberFormat:
    """Read the positive section of an Excel number format."""
    section = (number_format or "").split(";")[0]
    if section.strip().lower() in _GENERAL:
        return NumberFormat(decimals=None)
    code = _BRACKETS.sub("", section)
    literals = [m.group(1) if m.group(1) is not None else m.group(2) for m in _LITERAL.finditer(code)]
    bare = _PADDING.sub("", _LITERAL.sub("\x00", code))
    if not any(ch in bare for ch in "0#?") or "e" in bare.lower():
        return NumberFormat(decimals=None, percent="%" in bare)
    first, last = _digit_bounds(bare)
    digits = bare[first : last + 1]
    scale = len(bare[last + 1 :]) - len(bare[last + 1 :].lstrip(","))
    decimals = len(re.sub(r"[^0#?]", "", digits.split(".", 1)[1])) if "." in digits else 0
    n_before = bare[: last + 1].count("\x00")
    inside = literals[bare[:first].count("\x00") : n_before]
    prefix = _affixes(bare[:first], literals)
    suffix = _affixes(bare[last + 1 :].lstrip(","), literals[n_before:])
    return NumberFormat(decimals, "%" in bare, "," in digits, prefix.replace("%", ""), suffix.replace("%", ""),
                        scale, _inserts(digits, inside) if "." not in digits else ())


def _inserts(digits: str, literals: list[str]) -> tuple[tuple[int, str], ...]:
    """Literals between integer digit placeholders (``0!.0000``, ``000-0000``), each with the
    number of placeholders to its right: Excel fills digits from the right around them."""
    out, index = [], 0
    for i, ch in enumerate(digits):
        if ch == "\x00":
            right = sum(c in "0#?" for c in digits[i + 1 :])
            out.append((right, literals[index] if index < len(literals) else ""))
            index += 1
    return tuple(out)


def _digit_bounds(bare: str) -> tuple[int, int]:
    positions = [i for i, ch in enumerate(bare) if ch in "0#?"]
    return positions[0], positions[-1]


def _affixes(part: str, literals: list[str]) -> str:
    """Literal text around the digits: quoted strings, escaped characters, plain CJK or symbols."""
    out, index = [], 0
    for ch in part:
        if ch == "\x00":
            out.append(literals[index] if index < len(literals) else "")
            index += 1
        elif ch not in " ()":
            out.append(ch)
    return "".join(out)


def format_number(value: int | float, fmt: NumberFormat) -> str:
    """Digits of ``value`` under ``fmt``; General means shortest text that round-trips."""
    number = Decimal(value) if isinstance(value, int) else _shortest(value)
    if fmt.percent:
        number *= 100
    number = number.scaleb(-3 * fmt.scale)
    if fmt.decimals is None:
        text = _plain(number)
    else:
        number = number.quantize(Decimal(1).scaleb(-fmt.decimals), rounding=ROUND_HALF_UP)
        text = f"{number:,.{fmt.decimals}f}" if fmt.thousands else f"{number:.{fmt.decimals}f}"
    if text.startswith("-") and not number:
        text = text[1:]
    if fmt.inserts:
        text = _insert_literals(text, fmt.inserts)
    return f"{fmt.prefix}{text}{fmt.suffix}{'%' if fmt.percent else ''}"


def _insert_literals(text: str, inserts: tuple[tuple[int, str], ...]) -> str:
    """``123456`` with a ``.`` four digits from the right → ``12.3456`` (zero-padded when short)."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    width = max(right for right, _ in inserts) + 1
    digits = digits.zfill(width)
    for right, literal in sorted(inserts):  # from the right, so earlier positions stay valid
        cut = len(digits) - right - sum(len(lit) for r, lit in inserts if r < right)
        digits = digits[:cut] + literal + digits[cut:]
    return sign + digits


def _shortest(value: float) -> Decimal:
    """``value`` rounded to Excel's 15 significant digits, so 142.82000000000002 is 142.82."""
    return Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _plain(number: Decimal) -> str:
    """Fixed-point text without exponent or trailing zeros: ``50``, ``10891.615675``."""
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
