"""What the parser hands on: goal tables as printed, before any normalization.

Values are cleaned strings exactly as the document prints them; turning them into codes,
numbers and units is ``normalize``'s job.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from goaltables.extract.findings import Finding
from goaltables.extract.model import SourcePos


@dataclass(slots=True)
class RawRow:
    """One indicator row, its cells placed under the grid's columns by meaning."""

    row_index: int
    raw: list[str]  # the row's cells as printed, left to right
    pos: SourcePos | None = None
    level1: str | None = None
    level2: str | None = None
    level3: str | None = None
    description: str | None = None
    target: str | None = None
    basis: str | None = None
    value_type: str | None = None
    unit: str | None = None
    weight: str | None = None
    previous: str | None = None
    operator: str | None = None  # 指标方向 / 计算符号 column: ≥ ≤ = printed apart from the target
    long_term: str | None = None  # 实施期 / 长期 target beside (or in a grid before) the annual one
    actual: str | None = None  # self-evaluation: 实际完成值
    score: str | None = None  # self-evaluation: 得分
    reason: str | None = None  # self-evaluation: 偏差原因分析
    remark: str | None = None  # 备注 when another column holds the basis
    # cells under header columns the lexicon does not know (实施期指标值, 备注2, …): (header, value)
    extra: list[tuple[str, str]] = field(default_factory=list)


ROW_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(RawRow) if f.name not in {"row_index", "raw", "pos", "extra"}
)
# Every role a grid column can play: a RawRow field, the group label merged down the grid's
# left edge (绩效指标), or the row number (序号); the last two hold no indicator value.
GRID_ROLES: tuple[str, ...] = (*ROW_FIELDS, "group", "seq")


@dataclass(slots=True)
class FormFields:
    """Header-block values by meaning; a label can occur more than once, so each is a list."""

    unit_line: list[str] = field(default_factory=list)  # e.g. "711001怀来县总工会"
    unit_name: list[str] = field(default_factory=list)  # 预算单位 / 填报单位 / 编制单位 / 单位名称 …
    unit_implementing: list[str] = field(default_factory=list)  # 实施单位
    unit_department: list[str] = field(default_factory=list)  # 主管部门
    unit_code: list[str] = field(default_factory=list)
    project_code: list[str] = field(default_factory=list)
    project_name: list[str] = field(default_factory=list)
    budget_total: list[str] = field(default_factory=list)
    budget_income_total: list[str] = field(default_factory=list)
    budget_fiscal: list[str] = field(default_factory=list)  # 其中：财政资金 / 财政拨款
    budget_fiscal_parts: list[str] = field(default_factory=list)  # 本级财政安排, 上级财政补助: summed
    budget_other: list[str] = field(default_factory=list)
    fund_source: list[str] = field(default_factory=list)  # 资金来源 printed as a name (市级财政)
    budget_basic: list[str] = field(default_factory=list)
    budget_personnel: list[str] = field(default_factory=list)
    budget_public: list[str] = field(default_factory=list)
    budget_project: list[str] = field(default_factory=list)
    fund_purpose: list[str] = field(default_factory=list)
    annual_goal: list[str] = field(default_factory=list)
    year: list[str] = field(default_factory=list)  # 项目年度 / 申报年度
    period: list[str] = field(default_factory=list)  # 实施期 / 项目期 / 项目起止时间


FORM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(FormFields))


@dataclass(slots=True)
class RawGoalTable:
    index: int
    kind: str  # "project" or "overall"
    title: str | None
    money_unit: str | None  # "万元", "元" or "亿元" as printed, None when not stated
    form: FormFields
    spending_plan: list[tuple[str, str]]  # (checkpoint, percentage) as printed
    columns: list[str]  # the grid's column roles, left to right
    rows: list[RawRow]
    pos: SourcePos | None = None
    self_evaluation: bool = False  # a 绩效自评表: targets beside actual values and scores
    title_years: list[int] = field(default_factory=list)  # a year line under the title: （2021年度）
    context_years: list[int] = field(default_factory=list)  # years in the narrative just above the table
    group_label: str | None = None  # the label merged down the grid's left edge (绩效指标)


@dataclass(slots=True)
class RawUnitGoal:
    index: int
    title: str
    goal_text: str | None
    indicator_text: str | None
    pos: SourcePos | None = None


@dataclass(slots=True)
class ParsedDocument:
    tables: list[RawGoalTable]
    unit_goals: list[RawUnitGoal]
    findings: list[Finding]
