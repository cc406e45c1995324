"""Timing and memory measurement shared by every format's benchmark.

Each measurement runs the whole file list once to warm imports and caches, once timed, and
once under tracemalloc for the peak Python heap (tracing slows the run, so it is not timed).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from goaltables.pipelines.process import process_file
from goaltables.pipelines.settings import Settings


def measure(label: str, files: list[Path], work: Callable[[Path, bytes], object]) -> dict[str, float]:
    blobs = [f.read_bytes() for f in files]

    def run_all() -> None:
        for path, data in zip(files, blobs):
            work(path, data)

    run_all()
    start = time.perf_counter()
    run_all()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    run_all()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {f"{label}_docs_per_s": round(len(files) / elapsed, 1), f"{label}_peak_mib": round(peak / 2**20, 2)}


def compare(files: list[Path], bare: Callable[[bytes], object]) -> dict[str, float]:
    """Our pipeline end to end (sniff, read, parse, normalize, check) beside the bare library."""
    settings = Settings()
    result: dict[str, float] = {"files": float(len(files))}
    result.update(measure("ours", files, lambda path, _: process_file(path, path.name, settings)))
    result.update(measure("library", files, lambda _, data: bare(data)))
    result["ratio"] = round(result["library_docs_per_s"] / result["ours_docs_per_s"], 2)
    return result
