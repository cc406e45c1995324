"""Unit lines, project codes, allocation document numbers (文号) and budget years."""

from __future__ import annotations

import re

from dataclasses import dataclass

from goaltables.extract.text import clean

_UNIT_LINE = re.compile(r"^(?P<code>\d{6,})\s*(?P<name>\S.*)$")
_HAN_START = re.compile(r"^[\u4e00-\u9fff]")
_PROJECT_CODE = re.compile(r"^(?P<division>\d{6})(?P<year>\d{2})[0-9A-Z]+$")
_YEAR_WORD = re.compile(r"(20\d{2})\s*年")
_TITLE_NUMBER = re.compile(r"^\s*\d+\s*[.、．]\s*")
_ALLOCATION = re.compile(r"^\[(?P<code>[0-9A-Za-z]+)\]\s*")
# issuing agency + bracketed year + number: 怀财字【2025】7号, 冀财行〔2024〕97号, 财预[2021]101号
_DOC_NUMBER = re.compile(
    r"(?:根据|按照|依据|依照|遵照|关于)?(?P<agency>[\u4e00-\u9fff]{1,12}?)\s*[【〔\[（(［](?P<year>(?:19|20)\d{2})[】〕\]）)］]\s*第?(?P<number>\d+)\s*号"
)


@dataclass(frozen=True, slots=True)
class DocNumber:
    text: str  # as printed
    agency: str
    year: int
    number: int


def doc_number(*texts: str | None) -> DocNumber | None:
    """The first allocation document number (文号) in the texts, parsed."""
    for text in texts:
        if text and (match := _DOC_NUMBER.search(text)):
            text = match.group(0)[match.start("agency") - match.start():]
            return DocNumber(text, match["agency"], int(match["year"]), int(match["number"]))
    return None


def split_unit_line(line: str | None) -> tuple[str | None, str | None]:
    """``711001怀来县总工会`` → (``711001``, ``怀来县总工会``)."""
    if not line:
        return None, None
    match = _UNIT_LINE.match(clean(line))
    if not match:
        return None, clean(line) or None
    if not _is_unit_name(match["name"]):
        return None, None  # 500000.00 or 123456元: an amount, not a unit code and name
    return match["code"], match["name"]


def _is_unit_name(name: str) -> bool:
    """A budget unit's name starts with a Chinese character and is not a unit of measure."""
    from goaltables.extract.parser.money_unit import money_unit_in
    from goaltables.normalize.units import is_unit

    return bool(_HAN_START.match(name)) and not money_unit_in(name) and not is_unit(name)


def division_prefix(code: str | None) -> str | None:
    """The 6-digit administrative division prefix of a project code, if it has that shape."""
    match = _PROJECT_CODE.match(code or "")
    return match["division"] if match else None


def project_code_year(code: str | None) -> int | None:
    """Budget year from a project code such as ``13073025P00084910001M`` (division + 2-digit year)."""
    match = _PROJECT_CODE.match(code or "")
    return 2000 + int(match["year"]) if match else None


def year_in_text(*texts: str | None) -> int | None:
    """The first ``20xx年`` in the given texts."""
    for text in texts:
        if text and (match := _YEAR_WORD.search(text)):
            return int(match.group(1))
    return None


def split_title(title: str | None) -> tuple[str | None, str | None]:
    """``1.[13073025X000010000849]怀财字【2025】7号 救助资金绩效目标表`` →
    (``怀财字【2025】7号 救助资金绩效目标表``, ``13073025X000010000849``).

    The list number and the bracketed allocation code are layout, not part of the heading.
    """
    if not title:
        return None, None
    rest = _TITLE_NUMBER.sub("", clean(title))
    match = _ALLOCATION.match(rest)
    if match:
        return rest[match.end():] or None, match["code"]
    return rest or None, None


_PLAIN_YEAR = re.compile(r"^((?:19|20)\d{2})(?:年度?)?$")
_UNIT_CODE_PREFIX = re.compile(r"^\[?\d{3,}\]?\s*(?=[\u4e00-\u9fff])")
# A title naming its project: <name>项目支出绩效目标表, <name>项目绩效目标表; the name must not be
# only the unit's or a year's words, so it ends before 项目 and holds no 年度 heading.
_PROJECT_TITLE = re.compile(r"^(?:.*?(?:19|20)\d{2}年度?)?(?P<name>.+?)(?:项目)?(?:支出)?绩效(?:目标|自评)")


_GENERIC_NAMES = frozenset({"项目", "专项", "专项资金", "部门", "单位", "整体", "预算"})
# A name ending like a unit (县卫生健康局项目绩效目标表) is the unit, not the project.
_UNIT_ENDINGS = ("年度", "年", "单位", "部门", "局", "委", "委员会", "办", "院", "站", "中心", "政府", "馆", "会", "所", "室")


def plain_year(text: str | None) -> int | None:
    """``2024`` or ``2024年度`` printed alone (项目年度 | 2024)."""
    match = _PLAIN_YEAR.match(clean(text or ""))
    return int(match.group(1)) if match else None


def strip_unit_code(name: str) -> str:
    """``711001怀来县总工会`` or ``[711001]怀来县总工会`` → ``怀来县总工会`` (主管部门及代码)."""
    return _UNIT_CODE_PREFIX.sub("", name) or name


def project_in_title(title: str | None) -> str | None:
    """The project a title names when the table prints no 项目名称: ``乡村客运站改造项目绩效目标表``
    → ``乡村客运站改造``. None for generic titles (项目支出绩效目标表)."""
    if not title or "整体" in title:
        return None
    match = _PROJECT_TITLE.match(clean(title))
    name = match["name"].strip("()（）") if match else ""
    return name if len(name) >= 2 and name not in _GENERIC_NAMES and not name.endswith(_UNIT_ENDINGS) else None
