"""Throughput of the Excel and web-page readers beside the bare libraries they stand on.

``bench_xlsx(files)`` and ``bench_html(files)`` time our whole pipeline per file
(``pipelines.process.process_file``: sniff, read, parse, normalize) and the bare library on the
same bytes (openpyxl ``load_workbook`` in the mode our reader uses; ``lxml.html`` parsing), so
a slowdown can be placed: in the library, or in our code around it. Each returns docs/s and the
peak Python heap (tracemalloc, measured in a second pass so it does not slow the timed one).
``make_corpus`` writes N varied workbooks or pages from the fixtures.

    .venv/bin/python bench/bench_sheets.py [N]
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402
import openpyxl  # noqa: E402

from pipelines.process import process_file  # noqa: E402
from pipelines.settings import Settings  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "files"


def bench_xlsx(files: list[Path]) -> dict[str, float]:
    """Our .xlsx path end to end against openpyxl's load alone (and calamine if installed)."""
    def bare(data: bytes) -> None:
        openpyxl.load_workbook(io.BytesIO(data), data_only=True).close()

    result = _compare(files, bare)
    try:
        import python_calamine
    except ImportError:
        return result
    result.update(_measure("calamine", files, lambda d: _calamine_all(python_calamine, d)))
    return result


def bench_html(files: list[Path]) -> dict[str, float]:
    """Our .html path end to end against lxml.html parsing the same bytes."""
    return _compare(files, lambda data: lxml.html.document_fromstring(data))


def _calamine_all(module: object, data: bytes) -> None:
    book = module.CalamineWorkbook.from_filelike(io.BytesIO(data))  # type: ignore[attr-defined]
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        sheet.to_python()
        _ = sheet.merged_cell_ranges


def _compare(files: list[Path], bare: Callable[[bytes], object]) -> dict[str, float]:
    settings = Settings()
    result = {"files": float(len(files))}
    result.update(_measure("ours", files, None, lambda p: process_file(p, p.name, settings)))
    result.update(_measure("library", files, bare))
    return result


def _measure(label: str, files: list[Path], on_bytes: Callable[[bytes], object] | None,
             on_path: Callable[[Path], object] | None = None) -> dict[str, float]:
    """docs/s over one timed pass, then peak traced heap over a second pass."""
    blobs = [f.read_bytes() for f in files]

    def run_all() -> None:
        for path, data in zip(files, blobs):
            on_path(path) if on_path else on_bytes(data)  # type: ignore[misc]

    run_all()  # warm imports and caches
    start = time.perf_counter()
    run_all()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    run_all()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {f"{label}_docs_per_s": round(len(files) / elapsed, 1), f"{label}_peak_mib": round(peak / 2**20, 2)}


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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    with tempfile.TemporaryDirectory(prefix="goaltables-bench-") as tmp:
        for kind, bench in (("xlsx", bench_xlsx), ("html", bench_html)):
            files = make_corpus(Path(tmp) / kind, n, kind)
            print(kind, bench(files))


if __name__ == "__main__":
    main()
