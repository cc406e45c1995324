"""Output records of normalization: one dataclass per Parquet table row.

These dataclasses are the single source of truth for the output columns: the pyarrow schemas
(``pipelines.schema``) and ``docs/schema.md`` are derived from their fields, types and ``doc``
metadata.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MONEY_PRECISION, MONEY_SCALE = 18, 6  # decimal128(18, 6): up to 10^12 万元, exact to 0.01 元


def col(doc: str, *, identity: bool = True, code: bool = False, **kwargs: Any) -> Any:
    """A dataclass field carrying its column documentation.

    ``identity=False`` marks where a row sits (ids, file positions, copy flags): such columns
    differ between copies of the same table and stay out of ``table_key``. ``code=True`` marks
    a column of a small closed set of codes, which the loader turns into a category.
    """
    return field(metadata={"doc": doc, "identity": identity, "code": code}, **kwargs)


@dataclass(frozen=True, slots=True)
class PlanPoint:
    checkpoint: str = col("Checkpoint as printed, e.g. 3月底.")
    percent: float | None = col("Cumulative share of the budget to be spent by then, in percent.")


@dataclass(frozen=True, slots=True)
class ExtraCell:
    header: str = col("The column header as printed, e.g. 实施期指标值.")
    value: str = col("The cell as printed.")


@dataclass(slots=True)
class GoalTableRecord:
    table_id: str = col("Stable id: doc_id + table_index.", identity=False)
    doc_id: str = col("The document the table comes from.", identity=False)
    table_index: int = col("0-based order of the table in the document.", identity=False)
    table_key: str = col("Fingerprint of the table's normalized content: the same table copied into another file or "
                         "format (.doc, .pdf, .txt) has the same key. Count distinct tables with it.", identity=False)
    is_primary: bool = col("True for exactly one copy per table_key in the output (a copy located by page or "
                           "line first, then the lowest doc_id and table_index): filter on it to count and sum "
                           "each table once.", identity=False)
    table_kind: str = col("`project` (项目支出绩效目标表), `overall` (部门/单位整体支出绩效目标表) or `self_evaluation` (绩效自评表: targets beside actual values and scores).", code=True)
    table_scope: str = col("What the table covers: `project` or `overall`; for self-evaluations, what was evaluated.", code=True)
    needs_review: bool = col("True when a warning- or error-severity finding names this table (or one of its rows), or a read-stage one names no table (the whole file's text is in doubt).", identity=False)
    title: str | None = col("Heading as printed, without its list number and bracketed allocation code.")
    allocation_code: str | None = col("Bracketed code printed before the title, e.g. 13073025X000010000849.")
    unit_code: str | None = col("Budget unit code, e.g. 711001.")
    unit_name: str | None = col("Budget unit name, e.g. 怀来县总工会: the 预算单位/填报单位/编制单位/申报单位/单位名称, else the 实施单位, else the 主管部门.")
    unit_role: str | None = col("Which label unit_name was printed under: `unit` (预算单位, 填报单位, 单位名称, …), `implementing` (实施单位) or `department` (主管部门).", code=True)
    implementing_unit: str | None = col("实施单位 as printed, where the table has one.")
    department: str | None = col("主管部门 as printed, where the table has one.")
    project_code: str | None = col("项目编码; null for overall tables.")
    project_name: str | None = col("项目名称; null for overall tables.")
    budget_total: Decimal | None = col("预算数 / total budget in 万元 (converted when the document uses 元).")
    budget_fiscal: Decimal | None = col("其中：财政资金 (sum of 本级财政安排 and 上级财政补助 in overall tables), 万元.")
    budget_other: Decimal | None = col("其他资金, 万元; null when not printed.")
    budget_basic: Decimal | None = col("Overall tables: 基本支出, 万元.")
    budget_personnel: Decimal | None = col("Overall tables: 人员经费, 万元.")
    budget_public: Decimal | None = col("Overall tables: 公用经费, 万元.")
    budget_project: Decimal | None = col("Overall tables: 项目支出, 万元.")
    money_unit: str | None = col("Money unit the document declares (万元, 元, 亿元); null when it declares none (万元 assumed). "
                                 "All budget_* columns are decimal(18, 6) in 万元 whatever it says.", code=True)
    fund_source: str | None = col("资金来源 printed as names without amounts (市级财政); several are joined with ' | '.")
    fund_purpose: str | None = col("资金用途 / 项目概况 text.")
    annual_goal: str | None = col("年度绩效目标 / 绩效目标 text.")
    doc_number: str | None = col("Allocation document number (文号) as printed in the title or project name, e.g. 怀财字【2025】7号.")
    doc_number_agency: str | None = col("Issuing agency part of the 文号, e.g. 怀财字.")
    doc_number_year: int | None = col("Year part of the 文号 (the year it was issued, not always the budget year).")
    doc_number_seq: int | None = col("Number part of the 文号, e.g. 7.")
    region_code: str | None = col("6-digit administrative division code of the table's county, city or province.")
    province: str | None = col("Province of region_code, e.g. 河北省.")
    city: str | None = col("City (prefecture) of region_code, e.g. 张家口市.")
    county: str | None = col("County or district of region_code, e.g. 怀来县.")
    region_source: str | None = col("Where the region comes from: project_code (its division prefix) or unit_name.", code=True)
    year: int | None = col("Budget year: from the title (or the year line under it), the project code, the 文号, 项目年度/申报年度, the start of 实施期/项目期, the project name, else the notice just above the table (with a finding). Never from the goal text.")
    group_label: str | None = col("The label merged down the grid's left edge (绩效指标, 年度绩效指标), where printed.")
    spending_plan: list[PlanPoint] = col("资金支出计划: checkpoints with cumulative percentages, in order.")
    n_table_indicators: int = col("Indicator rows of this table (documents.n_indicators counts the whole file).")
    table_page: int | None = col("1-based PDF page where the table starts.", identity=False)
    table_sheet: str | None = col("Spreadsheet sheet holding the table.", identity=False)
    table_line: int | None = col("1-based line where the table starts (text, HTML), or its first sheet row (spreadsheets).", identity=False)
    table_column: int | None = col("Spreadsheets: 1-based first sheet column of the table (1 = A).", identity=False)
    table_box: list[float] | None = col("PDF: the table's box on table_page, [x0, top, x1, bottom] in points from the top left.", identity=False)
    table_word_table: int | None = col("Word: 1-based number of the Word table where the goal table starts (the file's n-th table).", identity=False)
    table_position: str | None = col("Where the table starts, for people, e.g. `line 61` or `page 2`.", identity=False)


@dataclass(slots=True)
class IndicatorRecord:
    indicator_id: str = col("Stable id: table_id + row_index.", identity=False)
    table_id: str = col("The goal table of the row.", identity=False)
    doc_id: str = col("The document of the row.", identity=False)
    row_index: int = col("0-based order of the row within its table.")
    level1_raw: str | None = col("一级指标 as printed (merged cells filled down), whitespace-cleaned.")
    level2_raw: str | None = col("二级指标 as printed (merged cells filled down), whitespace-cleaned.")
    level1: str | None = col("Canonical level-1 code (taxonomy.yaml); null only when unmappable, with a finding.", code=True)
    level2: str | None = col("Canonical level-2 code (taxonomy.yaml); null only when unmappable, with a finding.", code=True)
    level1_match: str | None = col("How level1 was found: exact, stripped (numbering/suffix removed) or inferred (from the other level); null when level1 is null.", code=True)
    level2_match: str | None = col("How level2 was found; same values as level1_match.", code=True)
    level1_score: float | None = col("Confidence of level1: 1.0 for exact/stripped, the source match's score for inferred; null when level1 is null.")
    level2_score: float | None = col("Confidence of level2, as level1_score.")
    level1_suggestion: str | None = col("For a 一级 label that matches no code strictly: the code it probably means (never set as level1; a label_suggestion finding asks a reviewer).", code=True)
    level2_suggestion: str | None = col("As level1_suggestion, for the 二级 label.", code=True)
    level1_suggestion_method: str | None = col("How level1_suggestion was found: contains (the label holds an alias) or fuzzy (rapidfuzz similarity ≥ 80, containment excluded).", code=True)
    level2_suggestion_method: str | None = col("As level1_suggestion_method, for level2_suggestion.", code=True)
    level1_suggestion_score: float | None = col("Similarity behind level1_suggestion, always below 1.0.")
    level2_suggestion_score: float | None = col("Similarity behind level2_suggestion, always below 1.0.")
    level3: str | None = col("三级指标 / indicator name, whitespace-cleaned.")
    indicator_kind: str | None = col("What the indicator measures (satisfaction_rate, completion_rate, headcount, …; see taxonomy.yaml); null when no keyword matches.", code=True)
    description: str | None = col("绩效指标描述 / 指标内容 / 指标值内容 where the template has one.")
    target_raw: str | None = col("指标值 exactly as printed (whitespace-cleaned), e.g. ≥100优.")
    target_op: str | None = col("One of >=, <=, >, <, =, range; null for qualitative targets.", code=True)
    target_value: float | None = col("Numeric target; the lower bound for ranges.")
    target_value_max: float | None = col("Upper bound for ranges.")
    target_unit: str | None = col("Unit of the target as printed (%, 人, 个工作日, 元/平米, 万元, …), from the value or else the unit column; full-width forms folded.")
    target_unit_canonical: str | None = col("target_unit in the canonical spelling of normalize/units.yaml (个工作日 → 工作日, 平米 → 平方米), for filtering; null for measure words units.yaml does not list.")
    target_text: str | None = col("Qualitative target or grade, e.g. 健全, 稳步提升, 优.")
    target_placeholder: bool = col("True when the target is a template placeholder such as **人 or ≥**%.")
    target_multiple: bool = col("True when the cell holds several targets (1600人、200人); op and value are then null.")
    value_type: str | None = col("quantitative or qualitative: as printed (定量/定性) where the template has it, else inferred.", code=True)
    weight: float | None = col("权重/分值 of the row's level-1 group (filled down); null where not printed.")
    basis: str | None = col("指标值确定依据 / 绩效标准 / 备注 where present.")
    unit_raw: str | None = col("度量单位/计量单位 column as printed.")
    previous_raw: str | None = col("上年指标值 / 上年实际完成值 (or a column headed with an earlier year) as printed, where present.")
    operator_raw: str | None = col("指标方向 / 计算符号 / 指标性质 column as printed (≥ ≤ =), where the operator has a column of its own; target_op uses it.")
    long_term_raw: str | None = col("Long-term (实施期/长期) target of the indicator as printed, from a column beside the annual target or from a long-term grid above the annual one.")
    actual_raw: str | None = col("Self-evaluation tables: 实际完成值 as printed. Never a target.")
    actual_op: str | None = col("Operator of actual_raw, parsed like target_op.", code=True)
    actual_value: float | None = col("Number of actual_raw, parsed like target_value.")
    actual_unit: str | None = col("Unit of actual_raw (or of the unit column), as printed like target_unit.")
    score: float | None = col("Self-evaluation tables: 得分 as a number.")
    deviation_reason: str | None = col("Self-evaluation tables: 偏差原因分析 as printed.")
    remark: str | None = col("备注 as printed, where another column holds the basis.")
    extra_cells: list[ExtraCell] = col("Cells under columns goaltables does not recognise, with their headers, so nothing printed is lost.")
    page: int | None = col("1-based PDF page of the row.", identity=False)
    sheet: str | None = col("Spreadsheet sheet of the row.", identity=False)
    line: int | None = col("1-based line of the row (text, HTML), or its sheet row (spreadsheets).", identity=False)
    column: int | None = col("Spreadsheets: 1-based sheet column of the row's first cell (1 = A).", identity=False)
    box: list[float] | None = col("PDF: box of the row's first cell on its page, [x0, top, x1, bottom] in points.", identity=False)
    word_table: int | None = col("Word: 1-based number of the Word table holding the row (the file's n-th table).", identity=False)
    word_row: int | None = col("Word: 1-based row of the row within that Word table.", identity=False)
    position: str | None = col("Where the row is, for people, e.g. `line 118`, `page 2`, `sheet 项目, line 9`.", identity=False)


@dataclass(slots=True)
class UnitGoalRecord:
    goal_id: str = col("Stable id: doc_id + goal_index.", identity=False)
    doc_id: str = col("The document of the goal.", identity=False)
    goal_index: int = col("0-based order of the goal in the document.")
    title: str = col("The numbered heading without its number, e.g. 抓好工会党建工作，凝心聚力促发展.")
    goal_text: str | None = col("Its 绩效目标 text.")
    indicator_text: str | None = col("Its 绩效指标 text.")
    goal_page: int | None = col("1-based PDF page of the goal's heading.", identity=False)
    goal_line: int | None = col("1-based line of the goal's heading (text, HTML), or its sheet row.", identity=False)
