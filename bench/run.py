"""``make bench``: docs/s and peak memory per format, ours beside the bare library.

    .venv/bin/python -m bench.run [--docs N] [--pdfs M]

Prints a Markdown table to paste into docs/benchmarks.md together with the command and machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from bench import word_pdf
from goaltables.pipelines.batch import run
from goaltables.pipelines.settings import Settings

GOALS = {"docx": 3.0, "pdf": 1.3}  # ours may be at most this many times slower than the library


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=60, help="documents per format (default 60)")
    parser.add_argument("--pdfs", type=int, default=12, help="of which rendered to PDF (default 12)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="goaltables-bench-") as tmp:
        docx = word_pdf.make_docx_corpus(Path(tmp) / "docx", args.docs)
        rows.append(("docx", "zip + lxml parse of document.xml", word_pdf.bench_docx(docx)))
        pdfs = word_pdf.make_pdf_corpus(docx[: args.pdfs], Path(tmp) / "pdf")
        rows.append(("pdf", "pdfplumber extract_tables, every page", word_pdf.bench_pdf(pdfs)))
        rows += _sheet_rows(Path(tmp), args.docs)
        batch = _batch_rows(Path(tmp))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}\n")
    print("| format | files | ours docs/s | library docs/s | library | ours/library time | goal | ours peak MiB | library peak MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fmt, library, r in rows:
        goal = f"≤ {GOALS[fmt]:g}×" if fmt in GOALS else "-"
        print(f"| {fmt} | {r['files']:.0f} | {r['ours_docs_per_s']} | {r['library_docs_per_s']} | {library} | "
              f"{r['ratio']}× | {goal} | {r['ours_peak_mib']} | {r['library_peak_mib']} |")
    print("\nWhole batch (`goaltables extract`, Parquet written), all files above:\n")
    print("| jobs | files | docs/s | peak RSS MiB (largest process) |")
    print("|---|---|---|---|")
    print("\n".join(batch))


def _batch_rows(tmp: Path) -> list[str]:
    """The whole pipeline as `goaltables extract` runs it (Parquet written) over every corpus file."""
    corpus = tmp / "all"
    for fmt in ("docx", "pdf", "xlsx", "html"):
        if (tmp / fmt).is_dir():
            shutil.copytree(tmp / fmt, corpus / fmt)
    files = sum(1 for p in corpus.rglob("*") if p.is_file())
    lines = []
    for jobs in (1, 2):
        start = time.perf_counter()
        run([corpus], tmp / f"out{jobs}", Settings(jobs=jobs))
        seconds = time.perf_counter() - start
        rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        lines.append(f"| {jobs} | {files} | {files / seconds:.1f} | {rss / 1024:.0f} |")
    return lines


def _sheet_rows(tmp: Path, n: int) -> list[tuple[str, str, dict[str, float]]]:
    try:
        from bench import sheets as bench_sheets
    except ImportError:
        return []
    rows = []
    for kind, bench, library in (("xlsx", bench_sheets.bench_xlsx, "openpyxl load_workbook"),
                                 ("html", bench_sheets.bench_html, "lxml.html parse")):
        rows.append((kind, library, bench(bench_sheets.make_corpus(tmp / kind, n, kind))))
    return rows


if __name__ == "__main__":
    main()
