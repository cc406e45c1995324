"""Excel 2007+ workbooks (.xlsx): every sheet's tables, merges as spans, values as displayed.

openpyxl in normal (not read-only) mode, because only it gives merged ranges, number formats
and hidden flags together; ``data_only=True`` reads the cached results of formulas, which are
the numbers a person sees. Formulas without a cached result are found separately
(``xlsx_formulas``) and reported in ``Document.notes``, as are hidden sheets, rows and columns,
which are read like visible ones: a hidden row still belongs to the form.
"""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from goaltables.extract.errors import DocumentLoadError
from goaltables.extract.model import Block, Document
from goaltables.extract.readers.xlsx_format import display
from goaltables.extract.readers.xlsx_formulas import uncached_formulas
from goaltables.extract.readers.xlsx_grid import SheetGrid, hidden_notes, sheet_tables
from goaltables.extract.readers.xlsx_guard import check_package
from goaltables.extract.sniff import OLE_MAGIC


def read(data: bytes) -> Document:
    workbook = _load(data)
    blocks: list[Block] = []
    notes: list[str] = []
    for sheet in workbook.worksheets:
        grid = _grid(sheet)
        blocks.extend(sheet_tables(grid, len(blocks)))
        notes.extend(grid.notes)
        notes.extend(sheet_hidden_notes(sheet))
    notes.extend(_formula_notes(data))
    return Document(blocks=blocks, file_format="xlsx", notes=notes)


def _load(data: bytes) -> Workbook:
    if data.startswith(OLE_MAGIC):
        raise DocumentLoadError("encrypted or Excel 97-2003 file, not an .xlsx workbook: remove the password and try again")
    check_package(data)
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, XML and its own errors alike
        raise DocumentLoadError(f"corrupt Excel file: {type(exc).__name__}: {exc}") from None


def _grid(sheet: Worksheet) -> SheetGrid:
    """Non-empty cells as displayed, and the merged ranges, 0-based."""
    grid = SheetGrid(sheet.title)
    # Only cells present in the file: iter_rows() would create every cell of a sheet whose
    # formatting reaches row 1,048,576, which real templates do.
    for (row, col), cell in sheet._cells.items():
        if cell.value is not None:
            grid.put(row - 1, col - 1, display(cell.value, cell.number_format))
    for merged in sheet.merged_cells.ranges:
        grid.merges.append((merged.min_row - 1, merged.min_col - 1, merged.max_row, merged.max_col))
    return grid


def sheet_hidden_notes(sheet: Worksheet) -> list[str]:
    rows = sorted(r for r, dim in sheet.row_dimensions.items() if dim.hidden)
    cols = sorted({c for dim in sheet.column_dimensions.values() if dim.hidden
                   for c in range(dim.min or 1, (dim.max or dim.min or 1) + 1)})
    state = None if sheet.sheet_state == "visible" else sheet.sheet_state
    return hidden_notes(sheet.title, state, [str(r) for r in rows], [get_column_letter(c) for c in cols])


def _formula_notes(data: bytes) -> list[str]:
    try:
        return uncached_formulas(data)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, etree.LxmlError) as exc:
        return [f"formula cells could not be checked for cached values ({type(exc).__name__})"]
