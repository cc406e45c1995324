"""See what the PDF reader's table finder saw: one PNG per page with the detected cells drawn.

    python -m extract.readers.pdf_debug FILE.pdf OUT_DIR

When a PDF table comes out wrong, the cause is nearly always geometric (a missing ruling line, a
border drawn as a thin rectangle, a merged cell split in two); looking at pdfplumber's own
debug view answers it in seconds. It uses the same default table settings as ``pdf.read``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pdfplumber

RESOLUTION = 100


def draw(pdf_path: Path, out_dir: Path) -> list[Path]:
    """Write ``<stem>-p<page>.png`` per page into ``out_dir`` and return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with pdfplumber.open(pdf_path) as pdf:
        for page in pdf.pages:
            target = out_dir / f"{pdf_path.stem}-p{page.page_number}.png"
            page.to_image(resolution=RESOLUTION).debug_tablefinder().save(target)
            written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m extract.readers.pdf_debug FILE.pdf OUT_DIR", file=sys.stderr)
        return 2
    for path in draw(Path(args[0]), Path(args[1])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
