"""Throughput of the Excel and web-page readers beside the bare libraries they stand on.

``bench_xlsx(files)`` and ``bench_html(files)`` time our whole pipeline per file
(``pipelines.process.process_file``: sniff, read, parse, normalize) and the bare library on the
same bytes (openpyxl ``load_workbook`` in the mode our reader uses; ``lxml.html`` parsing), so
a slowdown can be placed: in the library, or in our code around it. Each returns docs/s and the
peak Python heap (tracemalloc, measured in a second pass so it does not slow the timed one).
``make_corpus`` writes N varied workbooks or pages from the fixtures. Run through
``make bench`` (``bench/run.py``).
"""

from __future__ import annotations

import io
from pathlib import Path

import lxml.html
import openpyxl

from bench.measure import compare, measure

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "files"


def bench_xlsx(files: list[Path]) -> dict[str, float]:
    """Our .xlsx path end to end against openpyxl's load alone (and calamine if installed)."""
    def bare(data: bytes) -> None:
        openpyxl.load_workbook(io.BytesIO(data), data_only=True).close()

    result = compare(files, bare)
    try:
        import python_calamine
    except ImportError:
        return result
    result.update(measure("calamine", files, lambda _, data: _calamine_all(python_calamine, data)))
    return result


def bench_html(files: list[Path]) -> dict[str, float]:
    """Our .html path end to end against lxml.html parsing the same bytes."""
    return compare(files, lambda data: lxml.html.document_fromstring(data))


def _calamine_all(module: object, data: bytes) -> None:
    book = module.CalamineWorkbook.from_filelike(io.BytesIO(data))  # type: ignore[attr-defined]
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        sheet.to_python()
        _ = sheet.merged_cell_ranges


def make_corpus(folder: Path, n: int, kind: str) -> list[Path]:
    """``n`` varied copies of the fixtures: other titles, budgets and sheet orders per copy."""
    folder.mkdir(parents=True, exist_ok=True)
    maker = _xlsx_copy if kind == "xlsx" else _html_copy
    sources = sorted((FIXTURES / kind).glob(f"*.{kind}"))
    return [maker(sources[i % len(sources)], i, folder) for i in range(n)]


def _xlsx_copy(source: Path, index: int, folder: Path) -> Path:
    book = openpyxl.load_workbook(source, data_only=True)  # cached values become plain values
    for sheet in book.worksheets:
        title = sheet.cell(1, 1)
        title.value = f"{index}.{title.value}"
    if index % 2 and len(book.worksheets) > 1:
        book.move_sheet(book.worksheets[-1], offset=-(len(book.worksheets) - 1))
    out = folder / f"{index:05d}_{source.name}"
    book.save(out)
    return out


def _html_copy(source: Path, index: int, folder: Path) -> Path:
    text = source.read_bytes().decode("gb18030")
    text = text.replace("绩效目标表", f"绩效目标表（第{index}份）", 1).replace("50.00", f"{50 + index}.00")
    out = folder / f"{index:05d}_{source.name}"
    out.write_bytes(text.encode("gb18030"))
    return out
