"""``goaltables export DIR --xlsx book.xlsx --csv FOLDER``: the output for people without Python.

The workbook is meant to be forwarded as it is: one sheet per table with Chinese headers, the
header row frozen and filters on, money formatted in 万元, nested values flattened, codes
shown by their Chinese names, and a first sheet (说明) explaining every column. CSV files carry
the same content in UTF-8 with a byte-order mark, the only UTF-8 CSV Excel opens correctly.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import re
from pathlib import Path
from typing import Any

from goaltables.pipelines.command import folder_command
from goaltables.pipelines.labels import column_label, table_label
from goaltables.pipelines.schema import SCHEMAS
from goaltables.pipelines.textgrid import cell, width

EXCEL_MAX_ROWS = 1_048_576 - 1  # one row is the header
EXCEL_MAX_CELL = 32_767
WIDTH_SAMPLE = 200  # rows measured for column widths
MONEY_FORMAT = "#,##0.00####"  # 万元: cents of 万元 always, down to 0.01 元 when printed
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters Excel's XML refuses

EPILOG = """\
The workbook has a sheet 说明 describing every column, a sheet 汇总 with the budget per unit
(each goal table once, project and overall apart), then one sheet per table (文件, 目标表,
绩效指标, 单位目标, 问题) with Chinese headers, a frozen header row and filters. Money
columns are numbers in 万元; lists (资金支出计划, 其他列) are joined with ；. A table longer
than an Excel sheet continues on a second sheet.
CSV: one file per table (documents.csv, …) in UTF-8 with BOM, same headers and values.

examples:
  goaltables export output --xlsx 2025绩效目标.xlsx
  goaltables export output --csv csv/

exit status:
  0  written
  2  usage error or not an output folder
"""


def add_parser(commands: argparse._SubParsersAction, formatter: type[argparse.HelpFormatter]) -> None:
    export = folder_command(commands, "export", "write an output folder as an Excel workbook and/or CSV files",
                            "Export the tables of an output folder to Excel (.xlsx) and/or CSV.", EPILOG, formatter)
    export.add_argument("--xlsx", type=Path, metavar="FILE", help="workbook to write (replaced if it exists)")
    export.add_argument("--csv", type=Path, metavar="FOLDER", help="folder to write one CSV file per table into")
    export.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.xlsx is None and args.csv is None:
        raise ValueError("say what to write: --xlsx FILE and/or --csv FOLDER")
    from goaltables.pipelines.dataset import check_folder  # pyarrow.dataset: only when the command runs

    check_folder(args.out_dir)
    if args.xlsx is not None:
        write_xlsx(args.out_dir, args.xlsx)
        print(f"wrote {args.xlsx}")
    if args.csv is not None:
        for path in write_csv(args.out_dir, args.csv):
            print(f"wrote {path}")
    return 0


def write_csv(out_dir: Path, folder: Path) -> list[Path]:
    from goaltables.pipelines.flatten import headers, rows

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers(name))
            writer.writerows([cell(v) for v in row] for row in rows(out_dir, name))
        written.append(path)
    return written


def write_xlsx(out_dir: Path, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _readme(book)
    _summary(book, out_dir)
    for name in SCHEMAS:
        _table_sheets(book, out_dir, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    book.save(tmp)
    tmp.replace(path)  # a half-written workbook never replaces a good one


def _readme(book: Any) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet("说明")
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 22
    sheet.column_dimensions["C"].width = 22
    sheet.column_dimensions["D"].width = 100
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_styled(sheet, v, bold) for v in ("工作表", "列名", "字段", "说明")])
    for name, schema in SCHEMAS.items():
        for field in schema:
            doc = field.metadata[b"doc"].decode() if field.metadata else ""
            sheet.append([table_label(name), column_label(field.name), field.name, doc])


SUMMARY_HEADERS = ["单位名称", "项目表数", "项目预算（万元）", "整体支出表数", "整体支出预算（万元）"]


def _summary(book: Any, out_dir: Path) -> None:
    """汇总: budget per unit with each goal table once (is_primary), project and overall apart —
    the figure a reviewer is asked for first, so nobody sums the copies by hand."""
    from openpyxl.styles import Font

    from goaltables.pipelines import load

    rows = load.duckdb(out_dir).execute("""
        SELECT coalesce(unit_name, '（未注明单位）'), count(*) FILTER (table_kind = 'project'),
               sum(budget_total) FILTER (table_kind = 'project'), count(*) FILTER (table_kind = 'overall'),
               sum(budget_total) FILTER (table_kind = 'overall')
        FROM primary_goal_tables GROUP BY 1 ORDER BY 3 DESC NULLS LAST, 5 DESC NULLS LAST, 1""").fetchall()
    sheet = book.create_sheet("汇总")
    for letter, size in zip("ABCDE", (30, 10, 18, 12, 20)):
        sheet.column_dimensions[letter].width = size
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_styled(sheet, h, bold) for h in SUMMARY_HEADERS])
    for unit, n_project, project, n_overall, overall in rows:
        sheet.append([unit, n_project, _styled(sheet, project, number_format=MONEY_FORMAT), n_overall,
                      _styled(sheet, overall, number_format=MONEY_FORMAT)])
    totals = [sum(r[i] or 0 for r in rows) for i in range(1, 5)]
    sheet.append([_styled(sheet, "合计（每张目标表只计一次）", bold), totals[0],
                  _styled(sheet, totals[1], bold, MONEY_FORMAT), totals[2], _styled(sheet, totals[3], bold, MONEY_FORMAT)])


def _styled(sheet: Any, value: Any, font: Any = None, number_format: str | None = None) -> Any:
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(sheet, value=value)
    if font is not None:
        c.font = font
    if number_format is not None:
        c.number_format = number_format
    return c


def _table_sheets(book: Any, out_dir: Path, name: str) -> None:
    """The table's sheet(s). Column widths are measured on the first rows before the sheet is
    started: a write-only sheet streams its column widths ahead of the rows."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from goaltables.pipelines.flatten import headers, is_money, rows

    money = [is_money(f) for f in SCHEMAS[name]]
    head = headers(name)
    stream = rows(out_dir, name)
    first = [[_excel_value(v) for v in row] for row in itertools.islice(stream, WIDTH_SAMPLE)]
    widths = [width(h) for h in head]
    for values in first:
        widths = [max(w, min(width(cell(v)), 60)) if v is not None else w for w, v in zip(widths, values)]
    sheets: list[list[Any]] = []  # [sheet, data rows]

    def new_sheet() -> Any:
        title = table_label(name) + (f"({len(sheets) + 1})" if sheets else "")
        ws = book.create_sheet(title)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(w, 6) + 2
        ws.freeze_panes = "A2"
        ws.append([_styled(ws, h, Font(bold=True)) for h in head])
        sheets.append([ws, 0])
        return ws

    sheet = new_sheet()
    for values in itertools.chain(first, ([_excel_value(v) for v in row] for row in stream)):
        if sheets[-1][1] == EXCEL_MAX_ROWS:
            sheet = new_sheet()
        sheet.append([_styled(sheet, v, number_format=MONEY_FORMAT) if m and v is not None else v
                      for v, m in zip(values, money)])
        sheets[-1][1] += 1
    for ws, n_rows in sheets:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{n_rows + 1}"


def _excel_value(value: Any) -> Any:
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        return value[: EXCEL_MAX_CELL - 1] + "…" if len(value) > EXCEL_MAX_CELL else value
    return value
