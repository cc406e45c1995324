"""Excel 97-2003 workbooks (.xls, BIFF) through xlrd, into the same tables as .xlsx.

``formatting_info=True`` is what makes xlrd report merged ranges, number formats (for percent
display) and hidden rows and columns; without it merges vanish. BIFF stores the last computed
result of every formula, so values are always the ones a person saw. Layout (bands of rows,
spans) and display rules are shared with the .xlsx reader, so both formats give one model.
"""

from __future__ import annotations

import xlrd
from xlrd.sheet import Sheet

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Block, Document
from goaltables.extract.readers.xlsx_format import display
from goaltables.extract.readers.xlsx_grid import SheetGrid, hidden_notes, sheet_tables

_VISIBILITY = {1: "hidden", 2: "veryHidden"}


def read(data: bytes) -> Document:
    book = _load(data)
    blocks: list[Block] = []
    notes: list[str] = []
    for sheet in book.sheets():
        grid = _grid(book, sheet)
        blocks.extend(sheet_tables(grid, len(blocks)))
        notes.extend(grid.notes)
        notes.extend(_hidden_notes(sheet))
    return Document(blocks=blocks, file_format="xls", notes=notes)


def _load(data: bytes) -> xlrd.Book:
    try:
        return xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct and index errors alike
        raise DocumentLoadError(f"corrupt Excel 97-2003 file: {type(exc).__name__}: {exc}") from None


def _grid(book: xlrd.Book, sheet: Sheet) -> SheetGrid:
    grid = SheetGrid(sheet.name)
    for row in range(sheet.nrows):
        for col in range(sheet.ncols):
            text = _cell_text(book, sheet, row, col)
            if text:
                grid.put(row, col, text)
    grid.merges.extend((r0, c0, r1, c1) for r0, r1, c0, c1 in sheet.merged_cells)
    return grid


def _cell_text(book: xlrd.Book, sheet: Sheet, row: int, col: int) -> str:
    cell = sheet.cell(row, col)
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return ""
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return display(bool(cell.value))
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(int(cell.value), "#ERR")
    if kind == xlrd.XL_CELL_DATE:
        return _date_text(book, cell.value)
    return display(_number(cell.value), _number_format(book, cell.xf_index))


def _number(value: float) -> int | float:
    """BIFF stores every number as a float; whole numbers display like integers."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _date_text(book: xlrd.Book, value: float) -> str:
    try:
        return display(xlrd.xldate_as_datetime(value, book.datemode))
    except (ValueError, OverflowError, xlrd.xldate.XLDateError):
        return display(value)


def _number_format(book: xlrd.Book, xf_index: int | None) -> str | None:
    if xf_index is None or xf_index >= len(book.xf_list):
        return None
    fmt = book.format_map.get(book.xf_list[xf_index].format_key)
    return fmt.format_str if fmt is not None else None


def _hidden_notes(sheet: Sheet) -> list[str]:
    rows = sorted(r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden)
    cols = sorted(c for c, info in sheet.colinfo_map.items() if info.hidden)
    return hidden_notes(sheet.name, _VISIBILITY.get(sheet.visibility), [str(r) for r in rows],
                        [xlrd.colname(c) for c in cols])
