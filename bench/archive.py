"""A province-like archive of N mixed files, and the whole CLI timed on it.

    .venv/bin/python -m bench.archive --docs 200 [--docs 2000] [--keep DIR]

The archive mixes formats as real ones do (per 20 files: 9 .docx, 4 .xlsx, 4 GBK .html,
2 GB18030 .txt, 1 .pdf; every file's numbers varied so no two are alike), puts a quarter of
them into Windows zip files (GBK member names, UTF-8 flag off, one zip nested in another),
and adds the hostile files a real archive holds: a zip-bomb member, a corrupt .docx and a
0-byte .pdf. It reports, per N: docs/s of ``goaltables extract`` at ``--jobs 1`` and
``--jobs 2`` (wall time of the whole command, Parquet written), the peak RSS of the largest
process (main or worker, from ``wait4``), the re-run into the same output folder with no change
and with one file changed (each beside the full run's time), and start-up time: importing the
CLI, and the whole command on one .docx. .doc files are left out: LibreOffice (about 1.5 s each) would swamp
the rest; see docs/benchmarks.md for them.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench import sheets, word_pdf

ROOT = Path(__file__).resolve().parents[1]
GOALTABLES = Path(sys.executable).with_name("goaltables")
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
PDFS = sorted((ROOT / "tests" / "fixtures" / "files" / "pdf").glob("*.pdf"))
BOMB = b"\0" * (8 << 20)
ZIP_SHARE = 4  # one file in four goes into a zip


def make_archive(folder: Path, n: int, seed: int = 11) -> int:
    """Write ``n`` good files (plus 3 hostile ones) under ``folder``; returns the file count."""
    rng = random.Random(seed)
    staging = folder.parent / f".{folder.name}-parts"
    kinds = ["docx"] * 9 + ["xlsx"] * 4 + ["html"] * 4 + ["txt"] * 2 + ["pdf"]
    counts = {kind: sum(1 for i in range(n) if kinds[i % 20] == kind) for kind in set(kinds)}
    made = {
        "docx": word_pdf.make_docx_corpus(staging / "docx", counts["docx"], seed),
        "xlsx": sheets.make_corpus(staging / "xlsx", counts["xlsx"], "xlsx"),
        "html": sheets.make_corpus(staging / "html", counts["html"], "html"),
        "txt": [_txt(staging / "txt", i, rng) for i in range(counts["txt"])],
        "pdf": [_pdf(staging / "pdf", i) for i in range(counts["pdf"])],
    }
    files = [made[kind].pop() for kind in (kinds[i % 20] for i in range(n))]
    zipped: dict[str, list[tuple[bytes, bytes]]] = {}
    for i, path in enumerate(files):
        region = f"{i % 7:02d}区"
        if i % ZIP_SHARE == 0:
            name = f"{region}/项目{i:05d}{path.suffix}".encode("gbk")
            zipped.setdefault(f"{region}.zip", []).append((name, path.read_bytes()))
        else:
            target = folder / region / f"单位{i:05d}{path.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    for name, members in zipped.items():
        if name.startswith("00"):  # one archive holds another, as province archives of county ones do
            members.append(("县级.zip".encode("gbk"), _windows_zip(members[len(members) // 2:])))
            del members[len(members) // 2:-1]
        (folder / name).write_bytes(_windows_zip(members))
    (folder / "坏文件.zip").write_bytes(_windows_zip([("炸弹.txt".encode("gbk"), BOMB)]))
    (folder / "corrupt.docx").write_bytes(files and (ROOT / "tests/fixtures/files/bad/corrupt.docx").read_bytes())
    (folder / "empty.pdf").write_bytes(b"")
    shutil.rmtree(staging)
    return n + 3


def _txt(folder: Path, i: int, rng: random.Random) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLES[i % len(SAMPLES)].read_text(encoding="utf-8").replace("绩效目标表", f"绩效目标表（{i}）", 1)
    out = folder / f"{i:05d}.txt"
    out.write_bytes((text + f"\n{rng.randint(0, 10**9)}\n").encode("gb18030"))  # other bytes, same table
    return out


def _pdf(folder: Path, i: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{i:05d}.pdf"
    out.write_bytes(PDFS[i % len(PDFS)].read_bytes() + f"\n% copy {i}\n".encode())  # same pages, other bytes
    return out


class _WindowsName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def _windows_zip(members: list[tuple[bytes, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for raw, data in members:
            info = _WindowsName(raw.decode("cp437"), (2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return buffer.getvalue()


def timed(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS MiB of the largest process of ``command`` (workers included)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def bench(n: int, tmp: Path, jobs: tuple[int, ...]) -> tuple[list[str], list[str]]:
    """Rows of the full-run table and of the re-run table for an archive of ``n`` files."""
    archive = tmp / f"archive{n}"
    files = make_archive(archive, n)
    rows, full = [], 0.0
    for j in jobs:
        full, peak = timed(_extract(archive, tmp / f"out{n}-{j}", j))
        rows.append(f"| {n} | {files} | {j} | {full:.1f} | {files / full:.1f} | {peak:.0f} |")
    out, j = tmp / f"out{n}-{jobs[-1]}", jobs[-1]
    same, _ = timed(_extract(archive, out, j))
    changed = next(p for p in sorted(archive.rglob("*.txt")))
    changed.write_bytes(changed.read_bytes() + "\n说明：修订稿\n".encode("gb18030"))
    one, _ = timed(_extract(archive, out, j))
    reruns = [f"| {n} | {j} | {full:.1f} | no change | {same:.2f} | {100 * same / full:.1f}% |",
              f"| {n} | {j} | {full:.1f} | one file changed | {one:.2f} | {100 * one / full:.1f}% |"]
    return rows, reruns


def _extract(archive: Path, out: Path, jobs: int) -> list[str]:
    return [str(GOALTABLES), "extract", str(archive), "--out", str(out), "--jobs", str(jobs), "--quiet"]


def startup(tmp: Path) -> list[str]:
    """Import of the CLI, and the whole command on one .docx (best of 3)."""
    one = word_pdf.make_docx_corpus(tmp / "one", 1)[0]
    imports = min(_succeeded([sys.executable, "-c", "import goaltables.pipelines.cli"]) for _ in range(3))
    whole = min(timed([str(GOALTABLES), "extract", str(one), "--out", str(tmp / "one-out"), "--quiet"])[0]
                for _ in range(3))
    return [f"| import goaltables.pipelines.cli | {imports:.2f} |", f"| goaltables extract one.docx (import + one file + Parquet) | {whole:.2f} |"]


def _succeeded(command: list[str]) -> float:
    """Seconds of a command that must succeed (a failing import would time nothing)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, action="append", help="archive size N (repeatable; default 200)")
    parser.add_argument("--jobs", type=int, action="append", help="--jobs values to time (default 1 and 2)")
    parser.add_argument("--keep", type=Path, help="write the archive(s) here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="goaltables-archive-") as scratch:
        tmp = args.keep or Path(scratch)
        tmp.mkdir(parents=True, exist_ok=True)
        print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
        print("| N | files | jobs | seconds | docs/s | peak RSS MiB (largest process) |")
        print("|---|---|---|---|---|---|")
        reruns = []
        for n in args.docs or [200]:
            rows, again = bench(n, tmp, tuple(args.jobs or (1, 2)))
            print("\n".join(rows), flush=True)
            reruns += again
        print("\n| N | jobs | full run s | re-run | seconds | of the full run |\n|---|---|---|---|---|---|")
        print("\n".join(reruns))
        print("\n| start-up | seconds |\n|---|---|")
        print("\n".join(startup(tmp)))


if __name__ == "__main__":
    main()
