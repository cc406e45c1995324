"""Shared fixtures: the real samples, and variants generated from them at test time."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_000 = SAMPLES / "000_7ca4d67bc1447eb1.txt"
SAMPLE_004 = SAMPLES / "004_48fcdb4031b524de.txt"
FIXTURES = ROOT / "tests" / "fixtures" / "files"

# Re-encodings archives really contain; each must give the same rows as the UTF-8 original.
ENCODINGS = {
    "gb18030": lambda text: text.encode("gb18030"),
    "utf-8-sig": lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "utf-16-le-nobom": lambda text: text.encode("utf-16-le"),
    "crlf-gbk": lambda text: text.replace("\n", "\r\n").encode("gbk"),
}


def reencode(sample: Path, encoding: str, folder: Path) -> Path:
    """Write ``sample`` re-encoded into ``folder`` and return the new file."""
    out = folder / f"{sample.stem}.{encoding}.txt"
    out.write_bytes(ENCODINGS[encoding](sample.read_text(encoding="utf-8")))
    return out


@pytest.fixture
def bad_inputs(tmp_path: Path) -> Path:
    """A folder with both samples and an empty, a binary and a truncated file."""
    folder = tmp_path / "in"
    folder.mkdir()
    for sample in (SAMPLE_000, SAMPLE_004):
        (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    data = SAMPLE_004.read_bytes()
    cut = next(i for i in range(len(data) // 2, len(data)) if data[i] >= 0xE0)  # inside a 3-byte character
    (folder / "truncated.txt").write_bytes(data[: cut + 1])
    return folder
