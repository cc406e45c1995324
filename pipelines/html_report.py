"""``goaltables report DIR --html report.html``: one self-contained page to send upwards.

Everything is in the file: styles, inline SVG charts, a few lines of plain JavaScript for the
finding search. Nothing is fetched from the network, so it opens on an offline office machine
and still reads when printed. Chinese by default (``--lang en`` for English). Figures come from
``pipelines.figures`` and count each goal table once.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goaltables.pipelines import __version__
from goaltables.pipelines.command import folder_command
from goaltables.pipelines.labels import code_label, place_label
from goaltables.pipelines.svg import Bar, bars, legend

if TYPE_CHECKING:
    from goaltables.pipelines.figures import Figures

TOP_N = 15  # bars per chart; the tables below the charts list everything
MAX_FINDING_ROWS = 5000  # beyond this the page gets slow to open; `goaltables check --report` lists all

EPILOG = """\
The page shows: totals (files, budget units, distinct goal tables, money), money by unit and
by region, indicators by level 1/2 and kind, the distribution of targets, the most frequent
findings, every distinct goal table, and a searchable list of all findings with their file,
table, row (0-based, as in the data) and page or line. Each goal table is counted once, even
when several files hold copies of it. Money is in 万元, exact as printed.

The page is one file (inline SVG charts, no network access, no external scripts). Source
files are linked when they are found from the current folder, as extract was given them.

examples:
  goaltables report output --html 绩效目标报告.html
  goaltables report output --html report.html --lang en

exit status:
  0  written
  2  usage error or not an output folder
"""

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "title": "预算绩效目标表分析报告", "generated": "生成时间", "source": "数据来源", "run": "提取时间",
        "files": "文件", "failed": "读取失败", "units": "预算单位", "tables": "目标表（去重）",
        "copies": "份副本", "indicators": "绩效指标", "project_money": "项目预算合计", "overall_money": "整体支出预算合计",
        "wan": "万元", "n_tables": "张表", "errors": "错误", "warnings": "警告", "dedup_note":
        "同一目标表若以多种格式（.doc、.pdf、.txt 等）重复提交，只计一次；项目预算与整体支出预算分别合计，不相加。",
        "money": "预算金额", "by_unit": "各单位预算", "by_region": "各地区项目预算", "unit": "单位",
        "region": "地区", "n_projects": "项目数", "project": "项目预算（万元）", "overall": "整体支出（万元）",
        "indicator_structure": "指标结构", "level1": "一级指标", "level2": "二级指标", "count": "数量",
        "kinds": "指标类别", "targets": "指标值分布", "percent_targets": "百分比指标值分布（%）",
        "target_forms": "指标值形式", "findings": "常见问题", "finding_note": "每个目标表只计一次。",
        "all_tables": "目标表清单", "kind": "类型", "title_col": "标题", "budget": "预算数（万元）",
        "year": "年度", "n_ind": "指标数", "file": "文件", "n_copies": "副本数",
        "finding_list": "问题明细", "search": "搜索（单位、文件、问题、说明……）", "show_info": "显示提示类",
        "severity": "严重程度", "problem": "问题", "message": "说明", "table": "目标表",
        "row": "行序号（从0起）", "where": "原文位置", "shown": "显示", "of": "条，共", "rows_unit": "条",
        "cut": "按严重程度列出前 {shown} 条，共 {total} 条；全部问题见 goaltables check --all --report。",
        "none": "无", "no_unit": "（未注明单位）", "no_region": "（未识别地区）", "qualitative": "定性", "placeholder": "占位符", "multiple": "多个值", "unknown": "未识别",
    },
    "en": {
        "title": "Budget performance goal tables: report", "generated": "Generated", "source": "Data",
        "run": "Extracted", "files": "Files", "failed": "failed", "units": "Budget units",
        "tables": "Goal tables (distinct)", "copies": "copies", "indicators": "Indicators",
        "project_money": "Project budgets", "overall_money": "Overall budgets", "wan": "10k yuan",
        "n_tables": "tables", "errors": "errors", "warnings": "warnings", "dedup_note":
        "A goal table submitted in several formats (.doc, .pdf, .txt, …) counts once; project and overall "
        "budgets are summed separately, never added together.",
        "money": "Money", "by_unit": "Budget by unit", "by_region": "Project budget by region", "unit": "Unit",
        "region": "Region", "n_projects": "Projects", "project": "Project (10k yuan)",
        "overall": "Overall (10k yuan)", "indicator_structure": "Indicators", "level1": "Level 1",
        "level2": "Level 2", "count": "Count", "kinds": "Indicator kinds", "targets": "Targets",
        "percent_targets": "Percentage targets (%)", "target_forms": "Form of the target",
        "findings": "Most frequent findings", "finding_note": "Each goal table counted once.",
        "all_tables": "Goal tables", "kind": "Kind", "title_col": "Title", "budget": "Budget (10k yuan)",
        "year": "Year", "n_ind": "Indicators", "file": "File", "n_copies": "Copies",
        "finding_list": "All findings", "search": "Search (unit, file, code, message…)", "show_info": "show notes",
        "severity": "Severity", "problem": "Finding", "message": "Message", "table": "Goal table",
        "row": "Row (0-based)", "where": "Place in file", "shown": "Showing", "of": "of", "rows_unit": "",
        "cut": "The first {shown} of {total} findings, worst first; goaltables check --all --report lists all.",
        "none": "none", "no_unit": "(no unit printed)", "no_region": "(region unknown)", "qualitative": "qualitative", "placeholder": "placeholder", "multiple": "several values",
        "unknown": "unmapped",
    },
}
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "range": "~"}


def add_parser(commands: argparse._SubParsersAction, formatter: type[argparse.HelpFormatter]) -> None:
    report = folder_command(
        commands, "report", "write a self-contained HTML report (charts, totals, findings) of an output folder",
        "Write one self-contained HTML page summarising an output folder.", EPILOG, formatter)
    report.add_argument("--html", type=Path, required=True, metavar="FILE", help="the page to write")
    report.add_argument("--lang", choices=sorted(TEXT), default="zh", help="language of the page (default: zh)")
    report.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from goaltables.pipelines.figures import compute  # pandas and DuckDB: only when the command runs

    page = render(compute(args.out_dir), args.lang, args.html.parent.resolve())
    args.html.parent.mkdir(parents=True, exist_ok=True)
    args.html.write_text(page, encoding="utf-8")
    print(f"wrote {args.html}")
    return 0


# --- page -----------------------------------------------------------------------------------

def render(fig: Figures, lang: str = "zh", page_dir: Path | None = None) -> str:
    t = TEXT[lang]
    links = _Links(fig.manifest.get("inputs", []), page_dir)
    body = [
        _header(fig, t),
        _totals(fig, t),
        _section("money", t["money"], _money(fig, t, lang)),
        _section("structure", t["indicator_structure"], _structure(fig, t, lang)),
        _section("targets", t["targets"], _targets(fig, t, lang)),
        _section("findings", t["findings"], _finding_chart(fig, t, lang)),
        _section("tables", t["all_tables"], _table_list(fig, t, lang, links)),
        _section("finding-list", t["finding_list"], _finding_list(fig, t, lang, links)),
    ]
    return (f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="goaltables {__version__}">'
            f"<title>{escape(t['title'])}</title><style>{CSS}</style></head>"
            f'<body><main>{"".join(body)}</main><script>{_script(t)}</script></body></html>\n')


def _header(fig: Figures, t: dict[str, str]) -> str:
    now = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    inputs = "、".join(fig.manifest.get("inputs", [])) or "?"
    run_at = (fig.manifest.get("finished_at") or "")[:16].replace("T", " ")
    return (f"<header><h1>{escape(t['title'])}</h1><p class=\"meta\">{t['source']}：{escape(inputs)} · "
            f"{t['run']}：{escape(run_at)} · {t['generated']}：{now} · goaltables {__version__}</p></header>")


def _totals(fig: Figures, t: dict[str, str]) -> str:
    x = fig.totals
    cards = [
        ("files", t["files"], _int(x["files"]), f"{t['failed']} {x['files_failed']}"),
        ("units", t["units"], _int(x["units"]), ""),
        ("tables", t["tables"], _int(x["tables"]), f"{x['table_copies']} {t['copies']}"),
        ("indicators", t["indicators"], _int(x["indicators"]), ""),
        ("project_money", t["project_money"], money(x["project_money"]),
         f"{t['wan']} · {x['project_tables']} {t['n_tables']}"),
        ("overall_money", t["overall_money"], money(x["overall_money"]),
         f"{t['wan']} · {x['overall_tables']} {t['n_tables']}"),
        ("errors", t["errors"].capitalize(), _int(x["errors"]), f"{t['warnings']} {x['warnings']}"),
    ]
    raw = {"project_money": x["project_money"], "overall_money": x["overall_money"]}
    html = "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="big" data-figure="{key}" data-value="{escape(_raw(raw.get(key, x[key])))}">{value}</div>'
        f'<div class="sub">{escape(sub)}</div></div>'
        for key, label, value, sub in cards
    )
    return f'<section id="totals"><div class="cards">{html}</div><p class="note">{escape(t["dedup_note"])}</p></section>'


def _money(fig: Figures, t: dict[str, str], lang: str) -> str:
    by_unit = [(t["no_unit"] if u == "?" else u, *rest) for u, *rest in fig.by_unit]
    by_region = [(t["no_region"] if r == "?" else r, *rest) for r, *rest in fig.by_region]
    units = [Bar(u, p, money(p), 0) for u, _, p, _, _ in by_unit if p][:TOP_N]
    overall = [Bar(u, o, money(o), 1) for u, _, _, _, o in by_unit if o][:TOP_N]
    regions = [Bar(r, m, money(m), 2) for r, _, m in by_region if m][:TOP_N]
    unit_rows = [[u, _int(n), _money_cell(p), _money_cell(o)] for u, n, p, _, o in by_unit]
    region_rows = [[r, _int(n), _money_cell(m)] for r, n, m in by_region]
    return (f"<h3>{t['by_unit']}（{t['wan']}）</h3>{legend([t['project'], t['overall']])}"
            f"{bars(units, t['project'])}{bars(overall, t['overall'])}"
            + _grid([t["unit"], t["n_projects"], t["project"], t["overall"]], unit_rows, "by-unit", numeric={1, 2, 3})
            + f"<h3>{t['by_region']}（{t['wan']}）</h3>{bars(regions, t['by_region'])}"
            + _grid([t["region"], t["n_projects"], t["project"]], region_rows, "by-region", numeric={1, 2}))


def _structure(fig: Figures, t: dict[str, str], lang: str) -> str:
    level1 = [Bar(_name("level1", c, lang, t), n, str(n), 0, c) for c, n in fig.level1][:TOP_N]
    kinds = [Bar(_name("indicator_kind", c, lang, t), n, str(n), 4, c) for c, n in fig.kinds][:TOP_N]
    groups: dict[str, list[str]] = {}
    for a, b, n in fig.level2:
        groups.setdefault(a, []).append(f'<span class="chip">{escape(_name("level2", b, lang, t))} <b>{n}</b></span>')
    totals = dict(fig.level1)
    order = sorted(groups, key=lambda a: (-totals.get(a, 0), a))  # as the chart above
    rows = [[escape(_name("level1", a, lang, t)), _int(totals.get(a, 0)), " ".join(groups[a])] for a in order]
    return (f"<h3>{t['level1']}</h3>{bars(level1, t['level1'])}"
            + _grid([t["level1"], t["count"], t["level2"]], rows, "level2", numeric={1}, raw_html=True)
            + f"<h3>{t['kinds']}</h3>{bars(kinds, t['kinds'])}")


def _targets(fig: Figures, t: dict[str, str], lang: str) -> str:
    percent = [Bar(label, n, str(n), 2) for label, n in fig.percent_targets]
    forms = [Bar(_form(op, t), n, str(n), 3, op) for op, n in fig.target_forms]
    return (f"<h3>{t['percent_targets']}</h3>{bars(percent, t['percent_targets'])}"
            f"<h3>{t['target_forms']}</h3>{bars(forms, t['target_forms'])}")


def _finding_chart(fig: Figures, t: dict[str, str], lang: str) -> str:
    color = {"error": 3, "warning": 1, "info": 5}
    items = [Bar(_name("code", c, lang, t), n, str(n), color[s], f"{c} ({s})") for c, s, n in fig.finding_codes]
    names = [_name("severity", s, lang, t) for s in ("error", "warning", "info")]
    keys = "".join(f'<span class="key"><i class="sev-{s}"></i>{escape(n)}</span>'
                   for s, n in zip(("error", "warning", "info"), names))
    return (f'<p class="note">{escape(t["finding_note"])}</p><div class="legend">{keys}</div>'
            + (bars(items[:TOP_N], t["findings"]) or f"<p>{t['none']}</p>"))


def _table_list(fig: Figures, t: dict[str, str], lang: str, links: _Links) -> str:
    rows = []
    for r in fig.tables:
        rows.append([
            f'<span id="t-{escape(r["table_key"])}"></span>{escape(r["unit_name"] or t["no_unit"])}',
            escape(_name("table_kind", r["table_kind"], lang, t)),
            escape(r["title"] or r["project_name"] or ""),
            _money_cell(r["budget_total"]), escape(str(r["year"] or "")), _int(r["n_table_indicators"]),
            links.file(r["source_path"], None), _int(r["copies"]),
        ])
    heads = [t["unit"], t["kind"], t["title_col"], t["budget"], t["year"], t["n_ind"], t["file"], t["n_copies"]]
    return _grid(heads, rows, "table-list", numeric={3, 5, 7}, raw_html=True)


def _finding_list(fig: Figures, t: dict[str, str], lang: str, links: _Links) -> str:
    rows = []
    for f in fig.findings[:MAX_FINDING_ROWS]:
        table = (f'<a href="#t-{escape(f["table_key"])}">{escape(f["title"] or f["table_id"])}</a>'
                 if f["table_key"] else "")
        rows.append((f["severity"], [
            f'<span class="sev sev-{f["severity"]}">{escape(_name("severity", f["severity"], lang, t))}</span>',
            escape(f["code"]) if lang != "zh" else
            f'{escape(_name("code", f["code"], lang, t))}<div class="raw">{escape(f["code"])}</div>',
            escape(f["message"]) + (f'<div class="raw">{escape(f["raw"])}</div>' if f["raw"] else ""),
            links.file(f["source_path"], f["page"] if f["file_format"] == "pdf" else None),
            table,
            "" if f["row_index"] is None else str(f["row_index"]),
            escape(place_label(f["position"], lang) or ""),
        ]))
    heads = [t["severity"], t["problem"], t["message"], t["file"], t["table"], t["row"], t["where"]]
    head = "".join(f"<th>{escape(h)}</th>" for h in heads)
    body = "".join(f'<tr class="finding" data-severity="{sev}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
                   for sev, cells in rows)
    cut = (f'<p class="note">{escape(t["cut"].format(shown=len(rows), total=len(fig.findings)))}</p>'
           if len(fig.findings) > len(rows) else "")
    return (cut + f'<div class="tools"><input id="q" type="search" placeholder="{escape(t["search"])}" '
            f'aria-label="{escape(t["search"])}"> <label><input id="info" type="checkbox"> {escape(t["show_info"])}'
            f'</label> <span id="count" data-total="{len(rows)}"></span></div>'
            f'<table class="grid" id="finding-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


# --- pieces ---------------------------------------------------------------------------------

class _Links:
    """Links from the page to the source files, where they can be found from here."""

    def __init__(self, inputs: list[str], page_dir: Path | None) -> None:
        self.roots = [Path(p) for p in inputs]
        self.page_dir = page_dir

    def _find(self, source_path: str) -> Path | None:
        for root in self.roots:
            if root.is_file() and root.name == source_path:
                return root
            if root.is_dir():
                rel = source_path.removeprefix(f"{root.name}/") if len(self.roots) > 1 else source_path
                if (root / rel).is_file():
                    return root / rel
        return None

    def file(self, source_path: str, page: int | None) -> str:
        found = self._find(source_path) if self.page_dir else None
        if found is None:
            return escape(source_path)
        href = Path(os.path.relpath(found.resolve(), self.page_dir)).as_posix()
        href = "/".join(_quote(part) for part in href.split("/")) + (f"#page={page}" if page else "")
        return f'<a href="{escape(href)}">{escape(source_path)}</a>'


def _quote(part: str) -> str:
    from urllib.parse import quote

    return quote(part)


def _section(key: str, title: str, inner: str) -> str:
    return f'<section id="{key}"><h2>{escape(title)}</h2>{inner}</section>'


def _grid(heads: list[str], rows: list[list[str]], key: str, numeric: set[int] = frozenset(),
          raw_html: bool = False) -> str:
    head = "".join(f'<th class="{"num" if i in numeric else ""}">{escape(h)}</th>' for i, h in enumerate(heads))
    body = "".join(
        "<tr>" + "".join(f'<td class="{"num" if i in numeric else ""}">{c if raw_html or i in numeric else escape(c)}</td>'
                         for i, c in enumerate(r)) + "</tr>"
        for r in rows)
    return f'<table class="grid" id="{key}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _name(column: str, code: str | None, lang: str, t: dict[str, str]) -> str:
    if code in (None, "?"):
        return t["unknown"]
    return (code_label(column, code) or code) if lang == "zh" else code


def _form(op: str, t: dict[str, str]) -> str:
    return OPS.get(op) or t.get(op, op)


def money(value: Decimal | None) -> str:
    """An amount of 万元 as printed: thousands separators, every printed decimal, no trailing zeros."""
    if value is None:
        return ""
    value = Decimal(value)
    text = format(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize(), ",f")
    return text


def _money_cell(value: Decimal | None) -> str:
    """An amount with its exact value in ``data-value``; — where no budget is printed."""
    return f'<span data-value="{escape(_raw(value))}">{money(value)}</span>' if value is not None else "—"


def _raw(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _int(value: int) -> str:
    return f"{value:,}"


def _script(t: dict[str, str]) -> str:
    """Search and the notes switch; ?q=… pre-fills the search (also how the test drives it)."""
    words = json.dumps({"shown": t["shown"], "of": t["of"], "rows": t["rows_unit"]}, ensure_ascii=False)
    return """
(function () {
  var words = %s;
  var q = document.getElementById('q'), info = document.getElementById('info');
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.finding'));
  var count = document.getElementById('count');
  function apply() {
    var needle = q.value.trim().toLowerCase(), shown = 0;
    rows.forEach(function (tr) {
      var hit = (!needle || tr.textContent.toLowerCase().indexOf(needle) >= 0) &&
                (info.checked || needle || tr.dataset.severity !== 'info');
      tr.hidden = !hit;
      if (hit) { shown += 1; }
    });
    count.textContent = words.shown + ' ' + shown + ' ' + words.of + ' ' + rows.length + ' ' + words.rows;
    count.dataset.shown = String(shown);
  }
  var params = new URLSearchParams(window.location.search);
  if (params.get('q')) { q.value = params.get('q'); }
  if (params.get('info') === '1') { info.checked = true; }
  q.addEventListener('input', apply);
  info.addEventListener('change', apply);
  apply();
  document.body.dataset.ready = '1';
})();
""" % words


CSS = """
:root { --ink: #1f2933; --muted: #667085; --line: #e4e7ec; --accent: #2f6db5; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f7f9;
  font: 14px/1.55 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; background: #fff; }
header h1 { margin: 0 0 4px; font-size: 26px; }
.meta, .note { color: var(--muted); font-size: 12.5px; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 6px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin-top: 18px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fbfcfe; }
.card .label { color: var(--muted); font-size: 12.5px; }
.card .big { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .sub { color: var(--muted); font-size: 12px; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 6px 0 10px; }
svg.chart text { font-size: 13px; fill: var(--ink); }
svg.chart text.v { fill: var(--muted); font-variant-numeric: tabular-nums; }
.legend { display: flex; gap: 16px; font-size: 12.5px; color: var(--muted); }
.key i { display: inline-block; width: 11px; height: 11px; margin-right: 5px; border-radius: 2px; vertical-align: -1px; }
.key i.sev-error { background: #b8453c; } .key i.sev-warning { background: #e08a2e; } .key i.sev-info { background: #8c8c8c; }
table.grid { width: 100%; border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
table.grid th { text-align: left; background: #f1f4f8; font-weight: 600; position: sticky; top: 0; }
table.grid th, table.grid td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
#finding-table td:nth-child(1), #finding-table th:nth-child(1) { white-space: nowrap; }
#finding-table td:nth-child(2) { min-width: 7em; }
#finding-table td:nth-child(3) { min-width: 16em; }
#table-list td:nth-child(2) { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.sev { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; color: #fff; white-space: nowrap; }
.sev-error { background: #b8453c; } .sev-warning { background: #e08a2e; } .sev-info { background: #8c8c8c; }
.raw { color: var(--muted); font-size: 12px; word-break: break-all; }
.tools { display: flex; gap: 14px; align-items: center; margin: 6px 0; font-size: 13px; color: var(--muted); }
.tools input[type=search] { flex: 1; padding: 6px 10px; border: 1px solid #c8ced8; border-radius: 6px; font: inherit; }
a { color: var(--accent); }
.chip { display: inline-block; margin: 1px 6px 1px 0; padding: 0 7px; border-radius: 10px; background: #eef2f8; white-space: nowrap; }
.chip b { font-weight: 600; color: var(--accent); }
@media print { body { background: #fff; } main { padding: 0; } .tools { display: none; } tr.finding[hidden] { display: none; } }
"""
