"""Numbered narrative goals of a unit (sample 000 part 1) for ``unit_goals``.

A goal is a numbered heading (``1、抓好工会党建工作…``) followed by a ``绩效目标：`` and/or a
``绩效指标：`` paragraph. Numbered items without those (the 保障措施 lists) are not goals.
"""

from __future__ import annotations

import re

from goaltables.extract.goaltable import RawUnitGoal
from goaltables.extract.model import Paragraph
from goaltables.extract.text import clean

_NUMBERED = re.compile(r"^\s*\d+\s*[、.．]\s*(?P<title>\S.*)$")
_PART = re.compile(r"^\s*(?P<key>绩效目标|绩效指标)\s*[:：]\s*(?P<text>.*)$", re.S)


def unit_goals(paragraphs: list[Paragraph]) -> list[RawUnitGoal]:
    goals: list[RawUnitGoal] = []
    current: RawUnitGoal | None = None
    for para in paragraphs:
        if (part := _PART.match(para.text)) and current is not None:
            text = clean(part["text"]) or None
            if part["key"] == "绩效目标":
                current.goal_text = text
            else:
                current.indicator_text = text
            if not goals or goals[-1] is not current:
                goals.append(current)
        elif heading := _NUMBERED.match(para.text):
            current = RawUnitGoal(len(goals), clean(heading["title"]), None, None, para.pos)
        else:
            current = None
    return goals
