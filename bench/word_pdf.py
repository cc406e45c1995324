"""Benchmarks of the Word and PDF readers against the bare libraries on the same files.

docx: our pipeline against unzipping and parsing ``word/document.xml`` with lxml (the least any
reader must do). pdf: our pipeline against pdfplumber's own ``extract_tables`` on every page.
The corpus is made from the committed fixtures: numbers changed per copy (so no two files are
alike) and the goal tables repeated 1-3 times, then a share converted to PDF by LibreOffice.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import pdfplumber
from lxml import etree

from bench.measure import compare
from goaltables.extract import libreoffice

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "files" / "docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DECIMAL = re.compile(r"\d+\.\d\d")


def bare_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        etree.fromstring(package.read("word/document.xml"))


def bare_pdf(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()


def make_docx_corpus(folder: Path, n: int, seed: int = 7) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sources = [FIXTURES / "000.docx", FIXTURES / "004.docx"]
    return [_variant(sources[i % 2], folder / f"{i:05d}.docx", rng, 1 + i % 3) for i in range(n)]


def _variant(source: Path, out: Path, rng: random.Random, copies: int) -> Path:
    with zipfile.ZipFile(source) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for text in root.iter(f"{W}t"):
        if text.text and _DECIMAL.search(text.text):
            text.text = _DECIMAL.sub(lambda _: f"{rng.uniform(1, 500):.2f}", text.text)
    body = root.find(f"{W}body")
    blocks = [b for b in body if b.tag != f"{W}sectPr"]
    for _ in range(copies - 1):
        for block in blocks:
            body.insert(len(body) - 1, etree.fromstring(etree.tostring(block)))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out


def make_pdf_corpus(docx_files: list[Path], folder: Path) -> list[Path]:
    """Render the Word files to PDF with LibreOffice (one call for all of them)."""
    libreoffice.convert(docx_files, "pdf", folder, timeout=900)
    return sorted(folder.glob("*.pdf"))


def bench_docx(files: list[Path]) -> dict[str, float]:
    return compare(files, bare_docx)


def bench_pdf(files: list[Path]) -> dict[str, float]:
    return compare(files, bare_pdf)
