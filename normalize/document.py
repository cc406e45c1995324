"""Turn a parsed document (values as printed) into output records (codes, numbers, units).

Every inference made here — a level inferred from its neighbour, a money unit assumed — is
reported as a finding next to the record it changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from goaltables.extract.findings import Finding
from goaltables.extract.goaltable import FORM_FIELDS, FormFields, ParsedDocument, RawGoalTable, RawRow
from goaltables.extract.model import SourcePos
from goaltables.extract.parser.lexicon import Lexicon, lexicon
from goaltables.extract.parser.money_unit import without_unit_declaration
from goaltables.extract.text import compact
from goaltables.normalize import codes
from goaltables.normalize.money import parse_number, show, to_wan
from goaltables.normalize.regions import Region, region_from_code, region_from_name
from goaltables.normalize.records import ExtraCell, GoalTableRecord, IndicatorRecord, PlanPoint, UnitGoalRecord
from goaltables.normalize.targets import Target, parse_target, printed_unit, unit_word, value_type_of, with_operator
from goaltables.normalize.units import canonical_unit
from goaltables.normalize.taxonomy import NO_MATCH, Match, Taxonomy

VALUE_TYPES = {"定量": "quantitative", "定性": "qualitative"}
BUDGET_FIELDS = tuple(name for name in FORM_FIELDS if name.startswith("budget_"))


@dataclass
class NormalizedDocument:
    tables: list[GoalTableRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    unit_goals: list[UnitGoalRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def table_id(doc_id: str, table_index: int) -> str:
    return f"{doc_id}-t{table_index}"


def indicator_id(doc_id: str, table_index: int, row_index: int) -> str:
    return f"{table_id(doc_id, table_index)}-r{row_index}"


def normalize_document(parsed: ParsedDocument, doc_id: str, taxonomy: Taxonomy,
                       lex: Lexicon | None = None) -> NormalizedDocument:
    """``lex`` is the lexicon the document was parsed with (``--lexicon`` extends it): its operator
    words and fiscal labels are read here too."""
    lex = lex or lexicon()
    out = NormalizedDocument(findings=list(parsed.findings))
    for raw in parsed.tables:
        out.tables.append(_table(raw, doc_id, lex, out.findings))
        rows = [_indicator(row, raw, doc_id, taxonomy, lex, out.findings) for row in raw.rows]
        _report_unmapped(raw, rows, out.findings)
        out.indicators.extend(rows)
    out.unit_goals = [
        UnitGoalRecord(f"{doc_id}-g{g.index}", doc_id, g.index, g.title, g.goal_text, g.indicator_text,
                       Provenance.of(g.pos).page, Provenance.of(g.pos).line)
        for g in parsed.unit_goals
    ]
    return out


def _first(values: list[str]) -> str | None:
    """The first value of a header-block field (the parser has cleaned it already)."""
    return values[0] if values else None


@dataclass(frozen=True, slots=True)
class Provenance:
    """A source position as output columns: page, sheet, line/sheet row, column, box, text."""

    page: int | None = None
    sheet: str | None = None
    line: int | None = None
    column: int | None = None
    box: list[float] | None = None
    text: str | None = None
    word_table: int | None = None
    word_row: int | None = None

    @classmethod
    def of(cls, pos: SourcePos | None) -> Provenance:
        if pos is None:
            return cls()
        box = list(pos.box) if pos.box else None
        return cls(pos.page, pos.sheet, pos.line, pos.col, box, pos.describe() or None, pos.table, pos.row)


def _money(values: list[str], unit: str | None, label: str, raw: RawGoalTable, findings: list[Finding]) -> Decimal | None:
    """The amount of a field printed once or repeated alike; different amounts are a finding."""
    amounts = _amounts(values, unit, label, raw, findings)
    if len(set(amounts)) > 1:
        shown = " and ".join(show(a) for a in amounts)
        findings.append(Finding.of("conflicting_values", f"{label} is printed with different amounts ({shown} 万元); "
                                   f"the first is used", table_index=raw.index, raw=" | ".join(values)))
    return amounts[0] if amounts else None


def _fiscal(form: FormFields, unit: str | None, raw: RawGoalTable, findings: list[Finding]) -> Decimal | None:
    """其中：财政资金 when printed; else the sum of its parts (本级财政安排 + 上级财政补助)."""
    if form.budget_fiscal:
        return _money(form.budget_fiscal, unit, "财政资金", raw, findings)
    parts = _amounts(form.budget_fiscal_parts, unit, "财政资金", raw, findings)
    return sum(parts, Decimal(0)) if parts else None  # exact: decimals, not floats


def _amounts(values: list[str], unit: str | None, label: str, raw: RawGoalTable, findings: list[Finding]) -> list[Decimal]:
    amounts = []
    for value in values:
        amount = to_wan(value, unit)
        if amount is None:
            findings.append(Finding.of("unparsed_form_value", f"{label} {value!r} is not an amount of money",
                                       table_index=raw.index, raw=value))
        else:
            amounts.append(amount)
    return amounts


def _table(raw: RawGoalTable, doc_id: str, lex: Lexicon, findings: list[Finding]) -> GoalTableRecord:
    form, unit = raw.form, raw.money_unit
    if unit is None and any(getattr(form, name) for name in BUDGET_FIELDS):
        findings.append(Finding.of("money_unit_assumed", "the table states no money unit; 万元 assumed",
                                   table_index=raw.index))
    title, allocation = codes.split_title(raw.title)
    unit_code, line_name = codes.split_unit_line(_first(form.unit_line))
    unit_role, unit_name = _unit(form, line_name)
    unit_name = without_unit_declaration(unit_name) if unit_name else unit_name
    project_code = _first(form.project_code)
    docno = codes.doc_number(title, _first(form.project_name))
    region = _region(project_code, unit_name, raw, findings)
    is_project = raw.kind == "project"
    where = Provenance.of(raw.pos)
    budget = _budget(form, unit, raw, lex, findings)
    return GoalTableRecord(
        table_id=table_id(doc_id, raw.index),
        doc_id=doc_id,
        table_index=raw.index,
        table_key="",  # set from the content and rows by normalize.identity once the rows exist
        is_primary=True,  # the batch decides which copy is primary across files
        table_kind="self_evaluation" if raw.self_evaluation else raw.kind,
        table_scope=raw.kind,
        needs_review=False,  # set once every finding is known (pipelines.process)
        title=title,
        allocation_code=allocation,
        unit_code=unit_code or _first(form.unit_code),
        unit_name=unit_name,
        unit_role=unit_role,
        implementing_unit=_first(form.unit_implementing),
        department=_first(form.unit_department),
        project_code=project_code if is_project else None,
        project_name=_project_name(form, title) if is_project else None,
        budget_total=budget[0],
        budget_fiscal=budget[1],
        budget_other=budget[2],
        budget_basic=_money(form.budget_basic, unit, "基本支出", raw, findings),
        budget_personnel=_money(form.budget_personnel, unit, "人员经费", raw, findings),
        budget_public=_money(form.budget_public, unit, "公用经费", raw, findings),
        budget_project=_money(form.budget_project, unit, "项目支出", raw, findings),
        money_unit=unit,
        fund_source=" | ".join(form.fund_source) or None,
        fund_purpose=_first(form.fund_purpose),
        annual_goal=_first(form.annual_goal),
        doc_number=docno.text if docno else None,
        doc_number_agency=docno.agency if docno else None,
        doc_number_year=docno.year if docno else None,
        doc_number_seq=docno.number if docno else None,
        region_code=region.code if region else None,
        province=region.province if region else None,
        city=region.city if region else None,
        county=region.county if region else None,
        region_source=region.source if region else None,
        year=_year(raw, title, project_code, region, docno, findings),
        group_label=raw.group_label,
        spending_plan=[_plan_point(p, v, raw, findings) for p, v in raw.spending_plan],
        n_table_indicators=len(raw.rows),
        table_page=where.page,
        table_sheet=where.sheet,
        table_line=where.line,
        table_column=where.column,
        table_box=where.box,
        table_word_table=where.word_table,
        table_position=where.text,
    )


# Which printed label a unit name comes from, in order of preference (the contract's unit_name).
_UNIT_ROLES = (("unit", "unit_name"), ("implementing", "unit_implementing"), ("department", "unit_department"))


def _unit(form: FormFields, line_name: str | None) -> tuple[str | None, str | None]:
    """(role, name): the budget unit, else the implementing unit, else the department."""
    if line_name:
        return "unit", line_name
    for role, name in _UNIT_ROLES:
        if value := _first(getattr(form, name)):
            return role, codes.strip_unit_code(value)
    return None, None


def _project_name(form: FormFields, title: str | None) -> str | None:
    """项目名称 as printed; without one, the title's name before 项目…绩效目标表, if any."""
    return _first(form.project_name) or codes.project_in_title(title)


def _budget(form: FormFields, unit: str | None, raw: RawGoalTable, lex: Lexicon,
            findings: list[Finding]) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(total, fiscal, other). A blank total cell with printed parts is their sum, reported."""
    total = _money(form.budget_total or form.budget_income_total, unit, "预算数", raw, findings)
    fiscal = _fiscal(form, unit, raw, findings)
    other = _money(form.budget_other, unit, "其他资金", raw, findings)
    if fiscal is None and total is not None and form.fund_source and all(_is_fiscal(s, lex) for s in form.fund_source):
        fiscal = total
        findings.append(Finding.of("budget_fiscal_from_source", f"资金来源 {form.fund_source[0]!r} is fiscal money "
                                   f"with no amount of its own; budget_fiscal is the whole {show(total)} 万元",
                                   table_index=raw.index, raw=" | ".join(form.fund_source)))
    if total is None and fiscal is not None:
        total = fiscal + (other or Decimal(0))  # exact: decimals, not floats
        findings.append(Finding.of("budget_total_derived", f"no total budget printed; {show(total)} 万元 is the sum of "
                                   f"the printed sources", table_index=raw.index))
    return total, fiscal, other


def _is_fiscal(source: str, lex: Lexicon) -> bool:
    """A 资金来源 naming fiscal money: a 财政资金 label (市级财政, 上级补助 …) or any 财政 source."""
    return lex.form_role(source) in ("budget_fiscal", "budget_fiscal_parts") or "财政" in source


def _year(raw: RawGoalTable, title: str | None, project_code: str | None, region: Region | None,
          docno: codes.DocNumber | None, findings: list[Finding]) -> int | None:
    """The budget year from what the table prints about itself, strongest source first.

    The goal text is never a source: it mentions other years (完成2019年度任务, 截至2026年底).
    """
    form = raw.form
    code_year = codes.project_code_year(project_code) if region and region.source == "project_code" else None
    year = (codes.year_in_text(title) or (raw.title_years[0] if raw.title_years else None) or code_year
            or (docno.year if docno else None) or codes.year_in_text(*form.year) or codes.plain_year(_first(form.year))
            or codes.year_in_text(*form.period) or codes.year_in_text(*form.project_name))
    if year is None and raw.context_years:
        year = raw.context_years[0]
        findings.append(Finding.of("year_from_context", f"year {year} taken from the text above the table",
                                   table_index=raw.index))
    return year


def _region(project_code: str | None, unit_name: str | None, raw: RawGoalTable,
            findings: list[Finding]) -> Region | None:
    """From the project code's division prefix when valid, else from the unit name."""
    prefix = codes.division_prefix(project_code)
    if prefix and (region := region_from_code(prefix)):
        return region
    if prefix:
        findings.append(Finding.of("division_code_invalid",
                                   f"project code {project_code} does not start with a known division code",
                                   table_index=raw.index, raw=project_code))
    region = region_from_name(unit_name) if unit_name else None
    if region is not None and region.candidates:
        findings.append(Finding.of("region_ambiguous", f"unit name {unit_name!r} fits {len(region.candidates)} "
                                   f"counties ({'; '.join(region.candidates[:4])}); region left empty",
                                   table_index=raw.index, raw=unit_name))
        return None
    return region


def _plan_point(checkpoint: str, value: str, raw: RawGoalTable, findings: list[Finding]) -> PlanPoint:
    target = parse_target(value)
    if target.value is None:
        findings.append(Finding.of("unparsed_form_value", f"spending plan {checkpoint}: {value!r} is not a percentage",
                                   table_index=raw.index, raw=value))
    return PlanPoint(checkpoint, target.value)


def _indicator(row: RawRow, raw: RawGoalTable, doc_id: str, taxonomy: Taxonomy, lex: Lexicon,
               findings: list[Finding]) -> IndicatorRecord:
    level1, level2 = _levels(row, raw, taxonomy, findings)
    hint1 = taxonomy.suggest(row.level1, 1) if level1.code is None else NO_MATCH
    hint2 = taxonomy.suggest(row.level2, 2) if level2.code is None else NO_MATCH
    target = with_operator(parse_target(row.target, row.unit), lex.operator_of(row.operator or ""))
    target, name_unit = _unit_from_name(target, row, raw, lex, findings)
    actual = parse_target(row.actual, row.unit) if row.actual else Target()
    where = Provenance.of(row.pos)
    return IndicatorRecord(
        indicator_id=indicator_id(doc_id, raw.index, row.row_index),
        table_id=table_id(doc_id, raw.index),
        doc_id=doc_id,
        row_index=row.row_index,
        level1_raw=row.level1,
        level2_raw=row.level2,
        level1=level1.code,
        level2=level2.code,
        level1_match=level1.method,
        level2_match=level2.method,
        level1_score=level1.score if level1.code else None,
        level2_score=level2.score if level2.code else None,
        level1_suggestion=hint1.code,
        level2_suggestion=hint2.code,
        level1_suggestion_method=hint1.method,
        level2_suggestion_method=hint2.method,
        level1_suggestion_score=hint1.score if hint1.code else None,
        level2_suggestion_score=hint2.score if hint2.code else None,
        level3=row.level3,
        indicator_kind=taxonomy.indicator_kind(row.level3),
        description=row.description,
        target_raw=row.target,
        target_op=target.op,
        target_value=target.value,
        target_value_max=target.value_max,
        target_unit=name_unit or printed_unit(row.target, row.unit, target.unit),
        target_unit_canonical=target.unit if target.unit and canonical_unit(target.unit) == target.unit else None,
        target_text=target.text,
        target_placeholder=target.placeholder,
        target_multiple=target.multiple,
        value_type=VALUE_TYPES.get(compact(row.value_type)) or VALUE_TYPES.get(compact(row.operator))
        or (value_type_of(target) if row.target else None),
        weight=_weight(row, raw, findings),
        basis=row.basis,
        unit_raw=row.unit,
        previous_raw=row.previous,
        operator_raw=row.operator,
        long_term_raw=row.long_term,
        actual_raw=row.actual,
        actual_op=actual.op,
        actual_value=actual.value,
        actual_unit=printed_unit(row.actual, row.unit, actual.unit),
        score=parse_number(compact(row.score).removesuffix("分")) if row.score else None,
        deviation_reason=row.reason,
        remark=row.remark,
        extra_cells=[ExtraCell(header, value) for header, value in row.extra],
        page=where.page,
        sheet=where.sheet,
        line=where.line,
        column=where.column,
        box=where.box,
        word_table=where.word_table,
        word_row=where.word_row,
        position=where.text,
    )


_NAME_UNIT = re.compile(r"[(（]([^()（）]{1,10})[)）]$")


def _unit_from_name(target: Target, row: RawRow, raw: RawGoalTable, lex: Lexicon,
                    findings: list[Finding]) -> tuple[Target, str | None]:
    """A bare number whose unit is printed in the indicator's name: ``培训合格率（%）`` 92, or a
    template placeholder there, ``苗木成活率(≥**%)`` 85, which also gives the operator.
    Returns the target and the unit as printed in the name (None when the name gives none)."""
    match = _NAME_UNIT.search(row.level3 or "")
    if target.value is None or target.unit is not None or not match:
        return target, None
    inner = match.group(1)
    hint = parse_target(inner) if "*" in inner or "＊" in inner else None
    unit = unit_word(inner) or (hint.unit if hint else None)
    if unit is None:
        return target, None
    op = lex.operator_of(inner[:1])
    target = replace(with_operator(target, op), unit=unit)
    findings.append(Finding.of("unit_from_name", f"{row.level3!r}: unit {unit} of target {row.target!r} read from "
                               f"the indicator's name", table_index=raw.index, row_index=row.row_index))
    printed = inner if unit_word(inner) else inner.lstrip("≥≤≧≦<>=*＊")
    return target, printed


def _weight(row: RawRow, raw: RawGoalTable, findings: list[Finding]) -> float | None:
    """权重 as a number: ``10``, ``10分`` and ``10%`` all mean 10 points of 100."""
    if not row.weight:
        return None
    weight = parse_number(compact(row.weight).removesuffix("分").removesuffix("%"))
    if weight is None:
        findings.append(Finding.of("unparsed_weight", f"weight {row.weight!r} of {row.level3!r} is not a number",
                                   table_index=raw.index, row_index=row.row_index, raw=row.weight))
    return weight


def _levels(row: RawRow, raw: RawGoalTable, taxonomy: Taxonomy, findings: list[Finding]) -> tuple[Match, Match]:
    level1 = taxonomy.match(row.level1, 1)
    level2 = taxonomy.match(row.level2, 2)
    if row.level2 is None and row.level1 and (inferred := taxonomy.match(row.level1, 2)).code:
        level2 = Match(inferred.code, "inferred", inferred.score)
        findings.append(Finding.of("level2_inferred", f"no 二级指标 printed; {row.level1!r} also names level 2 {inferred.code}",
                                   table_index=raw.index, row_index=row.row_index))
    if row.level1 is None and level2.code and (parent := taxonomy.parent_of(level2.code, raw.kind)):
        level1 = Match(parent, "inferred", 1.0)
        findings.append(Finding.of("level1_inferred", f"no 一级指标 printed; inferred {parent} from {row.level2!r}",
                                   table_index=raw.index, row_index=row.row_index))
    elif level1.code and level2.code and not taxonomy.belongs(level2.code, level1.code):
        level1 = _regroup(row, raw, taxonomy, level1, level2, findings)
    return level1, level2


def _regroup(row: RawRow, raw: RawGoalTable, taxonomy: Taxonomy, level1: Match, level2: Match,
             findings: list[Finding]) -> Match:
    """A 二级 label that cannot sit under its printed 一级: both are kept as printed (the parser
    no longer fills a 一级 down into a group it cannot head) and a project table reports it;
    overall tables group their 二级 labels freely."""
    if raw.kind == "project":
        findings.append(Finding.of("level_mismatch", f"二级 {row.level2!r} does not belong under 一级 {row.level1!r}",
                                   table_index=raw.index, row_index=row.row_index))
    return level1


def _report_unmapped(raw: RawGoalTable, records: list[IndicatorRecord], findings: list[Finding]) -> None:
    """One finding per unmapped label and table (not per row), pointing at its first row: a
    label_suggestion when a code is suggested, else unmapped_label."""
    seen: set[tuple[str, str]] = set()
    for rec in records:
        for level, label, code, hint, how, score in (
            ("一级", rec.level1_raw, rec.level1, rec.level1_suggestion, rec.level1_suggestion_method,
             rec.level1_suggestion_score),
            ("二级", rec.level2_raw, rec.level2, rec.level2_suggestion, rec.level2_suggestion_method,
             rec.level2_suggestion_score),
        ):
            if not label or code is not None or (level, label) in seen:
                continue
            seen.add((level, label))
            if hint:
                findings.append(Finding.of(
                    "label_suggestion", f"{level}指标 {label!r} matches no code exactly; {hint} suggested "
                    f"({how}, score {score:g}), not set", table_index=raw.index, row_index=rec.row_index, raw=label))
            else:
                findings.append(Finding.of("unmapped_label", f"{level}指标 {label!r} matches no taxonomy code",
                                           table_index=raw.index, row_index=rec.row_index, raw=label))
