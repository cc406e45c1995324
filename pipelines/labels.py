"""Chinese names for columns, tables and codes (``labels_zh.yaml``), and the codes table.

Analysts read Chinese; the column names stay ASCII so that every engine and every SQL dialect
takes them unquoted. The names live in data so a reviewer can correct a translation without
touching code; level codes and indicator kinds are named by ``normalize/taxonomy.yaml`` itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from goaltables.extract.yamlfile import read_yaml
from goaltables.normalize.taxonomy import default_taxonomy

LABELS_PATH = Path(__file__).with_name("labels_zh.yaml")


@cache
def _labels() -> dict:
    return read_yaml(LABELS_PATH)


def column_label(name: str) -> str:
    """The Chinese header of a column; the column name itself when it has none yet."""
    return _labels()["columns"].get(name, name)


def table_label(name: str) -> str:
    return _labels()["tables"].get(name, name)


def code_label(column: str, code: str | None) -> str | None:
    """The Chinese name of ``code`` in ``column`` (level1 ``output`` → 产出指标)."""
    if code is None:
        return None
    return _code_names().get((_CODE_COLUMN.get(column, column), code), code)


_CODE_COLUMN = {"level2_match": "level1_match", "actual_op": "target_op", "level1_suggestion": "level1",
                "level2_suggestion": "level2", "level2_suggestion_method": "level1_suggestion_method"}  # columns that share another's code set


_PLACE_ZH = ((re.compile(r"\bpage (\d+)"), r"第\1页"), (re.compile(r"\bline (\d+)"), r"第\1行"),
             (re.compile(r"\bsheet ([^,]+)"), r"工作表「\1」"), (re.compile(r"\bblock (\d+)"), r"第\1个文本块"),
             (re.compile(r"\btable (\d+)"), r"第\1个表格"), (re.compile(r"\brow (\d+)"), r"第\1行"))


def place_label(text: str | None, lang: str = "zh") -> str | None:
    """A position such as ``sheet 项目1, line 9`` as a Chinese reader says it: 工作表「项目1」, 第9行."""
    if text is None or lang != "zh":
        return text
    for pattern, replacement in _PLACE_ZH:
        text = pattern.sub(replacement, text)
    return text.replace(", ", "，")


@dataclass(frozen=True, slots=True)
class CodeName:
    column: str  # the output column the code appears in (level1, level2, indicator_kind, code, …)
    code: str
    name_zh: str


def code_names() -> list[CodeName]:
    """Every canonical code with its Chinese name: the loader's ``codes`` table."""
    taxonomy = default_taxonomy()
    rows = [CodeName(f"level{t.level}", t.code, t.label) for t in taxonomy.terms]
    rows += [CodeName("indicator_kind", k.code, k.label) for k in taxonomy.kinds]
    for column, names in _labels()["codes"].items():
        rows += [CodeName(column, code, name) for code, name in names.items()]
    return rows


@cache
def _code_names() -> dict[tuple[str, str], str]:
    return {(c.column, c.code): c.name_zh for c in code_names()}
