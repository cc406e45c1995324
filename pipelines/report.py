"""Review reports (``goaltables check``): the findings of a submission, grouped the way a
finance-bureau reviewer reads a goal-table filing (document → table → row), worst first.

A review is built once as plain data (``DocReview``) and then rendered for the terminal, as
Markdown or as HTML, so the file an auditor archives says exactly what the screen said. Rows are
numbered as the data numbers them (``row_index``, from 0) and each finding carries its place in
the original file (page, sheet row or line), so a reviewer can go from the report to the paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from goaltables.normalize.money import show
from goaltables.normalize.records import GoalTableRecord
from goaltables.pipelines.labels import code_label, place_label
from goaltables.pipelines.process import FileResult
from goaltables.pipelines.records import FindingRecord

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
LABEL = {"error": "ERROR  ", "warning": "WARNING", "info": "info   "}
LABEL_ZH = {"error": "【错误】", "warning": "【警告】", "info": "【提示】"}
WORDS = {
    "en": {"tables": "goal table(s)", "indicators": "indicator(s)", "none": "no problems found", "row": "row",
           "title": "Review report", "files": "file(s)", "errors": "error(s)", "warnings": "warning(s)",
           "notes": "note(s)", "unlisted": " (notes not listed; --all lists them)", "table": "table",
           "untitled": "(untitled)", "rows_note": "Rows are numbered from 0, as row_index in the data.",
           "level": "level", "place": "place in file", "finding": "finding",
           "severity": {"error": "error", "warning": "warning", "info": "note"}},
    "zh": {"tables": "张目标表", "indicators": "项指标", "none": "未发现问题", "row": "行序号",
           "title": "绩效目标表审核报告", "files": "个文件", "errors": "个错误", "warnings": "个警告",
           "notes": "条提示", "unlisted": "（提示未列出；加 --all 列出）", "table": "表",
           "untitled": "（无标题）", "rows_note": "行序号从 0 起，与数据中的 row_index 一致。",
           "level": "级别", "place": "原文位置", "finding": "问题",
           "severity": {"error": "错误", "warning": "警告", "info": "提示"}},
}


@dataclass(frozen=True)
class ReviewTotals:
    files: int
    errors: int
    warnings: int
    infos: int


@dataclass
class Item:
    severity: str
    code: str
    message: str
    row_index: int | None
    place: str | None  # e.g. "page 3", "line 118", "sheet 项目1, line 9"
    raw: str | None


@dataclass
class TableReview:
    heading: str
    place: str | None
    items: list[Item]


@dataclass
class DocReview:
    path: str
    file_format: str | None
    status: str
    error: str | None
    n_tables: int
    n_indicators: int
    items: list[Item] = field(default_factory=list)  # findings about the document as a whole
    tables: list[TableReview] = field(default_factory=list)


def build(results: Iterable[FileResult], min_severity: str = "warning") -> tuple[list[DocReview], ReviewTotals]:
    """The review as data; findings below ``min_severity`` are counted, not listed."""
    limit = SEVERITY_ORDER[min_severity]
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    docs = []
    for result in results:
        for f in result.findings:
            counts[f.severity] += 1
        docs.append(_document(result, limit))
    return docs, ReviewTotals(len(docs), counts["error"], counts["warning"], counts["info"])


def _document(result: FileResult, limit: int) -> DocReview:
    doc = result.document
    review = DocReview(doc.source_path, doc.file_format, doc.status, doc.error, doc.n_goal_tables, doc.n_indicators)
    if doc.error:
        return review
    places = {i.indicator_id: i.position for i in result.indicators}
    shown = [f for f in result.findings if SEVERITY_ORDER[f.severity] <= limit]
    review.items = [_item(f, None) for f in shown if f.table_id is None]
    for table in result.tables:
        found = sorted((f for f in shown if f.table_id == table.table_id),
                       key=lambda f: (SEVERITY_ORDER[f.severity], f.row_index if f.row_index is not None else -1))
        if found:
            items = [_item(f, places.get(f.indicator_id or "") or table.table_position) for f in found]
            review.tables.append(TableReview(_table_heading(table), table.table_position, items))
    return review


def _item(f: FindingRecord, place: str | None) -> Item:
    return Item(f.severity, f.code, f.message, f.row_index, place, f.raw)


def _table_heading(table: GoalTableRecord) -> str:
    parts = [f"{table.table_index}: {table.title or '?'}"]
    if table.project_code:
        parts.append(table.project_code)
    if table.budget_total is not None:
        parts.append(f"{show(table.budget_total)} 万元")
    return " · ".join(parts)


# --- renderers ------------------------------------------------------------------------------

def text(docs: list[DocReview], totals: ReviewTotals, listed_notes: bool, lang: str = "en") -> str:
    w = WORDS[lang]
    label = LABEL_ZH if lang == "zh" else LABEL
    lines: list[str] = []
    for d in docs:
        head = f"{d.path} [{d.file_format or 'unknown'}, {d.status}]"
        if d.error:
            lines += [head, f"  {label['error']} {d.error}", ""]
            continue
        lines.append(f"{head}: {d.n_tables} {w['tables']}, {d.n_indicators} {w['indicators']}")
        lines += [f"  {label[i.severity]} {_line(i, lang)}" for i in d.items]
        for t in d.tables:
            lines.append(f"  {w['table']} {t.heading}")
            lines += [f"    {label[i.severity]} {_where(i, lang)}{_line(i, lang)}" for i in t.items]
        if not d.items and not d.tables:
            lines.append(f"  {w['none']}")
        lines.append("")
    lines.append(_summary(totals, listed_notes, lang))
    return "\n".join(lines) + "\n"


def _line(i: Item, lang: str) -> str:
    name = code_label("code", i.code) if lang == "zh" else None
    return f"{i.message} [{i.code}{' ' + name if name and name != i.code else ''}]"


def _where(i: Item, lang: str) -> str:
    w = WORDS[lang]
    place = place_label(i.place, lang)
    parts = ([f"{w['row']} {i.row_index}"] if i.row_index is not None else []) + ([place] if place else [])
    return f"{('，' if lang == 'zh' else ', ').join(parts)}: " if parts else ""


def _summary(totals: ReviewTotals, listed_notes: bool, lang: str) -> str:
    w = WORDS[lang]
    return (f"{totals.files} {w['files']}: {totals.errors} {w['errors']}, {totals.warnings} {w['warnings']}, "
            f"{totals.infos} {w['notes']}" + ("" if listed_notes else w["unlisted"]))


def markdown(docs: list[DocReview], totals: ReviewTotals, listed_notes: bool, lang: str = "en") -> str:
    w = WORDS[lang]
    out = [f"# {w['title']}", "", _summary(totals, listed_notes, lang), "", f"_{w['rows_note']}_", ""]
    for d in docs:
        out += [f"## {_md(d.path)}", "", f"`{d.file_format or 'unknown'}` · {d.status} · "
                f"{d.n_tables} {w['tables']} · {d.n_indicators} {w['indicators']}", ""]
        if d.error:
            out += [f"- **{w['severity']['error']}** {_md(d.error)}", ""]
            continue
        out += [_md_item(i, lang) for i in d.items]
        for t in d.tables:
            out += ["", f"### {w['table']} {_md(t.heading)}", ""]
            out += [_md_item(i, lang) for i in t.items]
        if not d.items and not d.tables:
            out.append(f"- {w['none']}")
        out.append("")
    return "\n".join(out) + "\n"


def _md(value: str) -> str:
    return value.replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").replace("\n", " ")


def _md_item(i: Item, lang: str) -> str:
    sev = WORDS[lang]["severity"][i.severity]
    raw = f" — `{i.raw}`" if i.raw else ""
    return f"- **{sev}** {_md(_where(i, lang))}{_md(_line(i, lang))}{raw}"


def html(docs: list[DocReview], totals: ReviewTotals, listed_notes: bool, lang: str = "en") -> str:
    w = WORDS[lang]
    parts = [f"<h1>{escape(w['title'])}</h1><p>{escape(_summary(totals, listed_notes, lang))}</p>"
             f"<p class=note>{escape(w['rows_note'])}</p>"]
    for d in docs:
        parts.append(f"<h2>{escape(d.path)}</h2><p class=note>{escape(d.file_format or 'unknown')} · "
                     f"{escape(d.status)} · {d.n_tables} {escape(w['tables'])} · {d.n_indicators} "
                     f"{escape(w['indicators'])}</p>")
        if d.error:
            parts.append(f"<p><span class='sev error'>{escape(w['severity']['error'])}</span> {escape(d.error)}</p>")
            continue
        groups = ([("", d.items)] if d.items else []) + [(f"{w['table']} {t.heading}", t.items) for t in d.tables]
        if not groups:
            parts.append(f"<p>{escape(w['none'])}</p>")
            continue
        body = "".join(
            (f"<tr class=group><td colspan=4>{escape(heading)}</td></tr>" if heading else "")
            + "".join(_html_row(i, lang) for i in items)
            for heading, items in groups)
        parts.append(f"<table><thead><tr><th>{escape(w['level'])}</th><th class=num>{escape(w['row'])}</th>"
                     f"<th>{escape(w['place'])}</th><th>{escape(w['finding'])}</th></tr></thead>"
                     f"<tbody>{body}</tbody></table>")
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
            f"<title>{escape(w['title'])}</title><style>{_CSS}</style></head><body>{''.join(parts)}</body></html>\n")


def _html_row(i: Item, lang: str) -> str:
    w = WORDS[lang]
    raw = f"<div class=raw>{escape(i.raw)}</div>" if i.raw else ""
    return (f"<tr><td><span class='sev {i.severity}'>{escape(w['severity'][i.severity])}</span></td>"
            f"<td class=num>{'' if i.row_index is None else i.row_index}</td>"
            f"<td class=nowrap>{escape(place_label(i.place, lang) or '')}</td><td>{escape(_line(i, lang))}{raw}</td></tr>")


_CSS = """body{font:14px/1.5 "Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:1100px;margin:20px auto;color:#1f2933}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e7ec;padding:4px 8px;text-align:left;vertical-align:top}
.num{text-align:right}.note,.raw{color:#667085;font-size:12px}.sev{color:#fff;border-radius:8px;padding:0 6px;font-size:12px;white-space:nowrap}
.nowrap,th{white-space:nowrap}tr.group td{background:#f1f4f8;font-weight:600;padding-top:8px}
body{padding:0 16px}.error{background:#b8453c}.warning{background:#e08a2e}.info{background:#8c8c8c}"""


def review(results: Iterable[FileResult], min_severity: str = "warning", lang: str = "en") -> tuple[str, ReviewTotals]:
    """The terminal report and its totals (kept for callers of the earlier API)."""
    docs, totals = build(results, min_severity)
    return text(docs, totals, min_severity == "info", lang), totals
