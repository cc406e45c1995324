"""See what the PDF reader's table finder saw: one PNG per page with the detected cells drawn.

    python -m goaltables.extract.readers.pdf_debug FILE.pdf OUT_DIR

On pages where a table continues from the page before, the view also shows the page-break
decisions: the first row after the break outlined in green when the parser joined it to the
row above (a ``row_continued`` finding) and in red when it kept it as a row of its own; each
cell the reader marked as continuing a wrapped cell above is shaded; running header and footer
lines that were stripped are struck through in grey.

When a PDF table comes out wrong, the cause is nearly always geometric (a missing ruling line, a
border drawn as a thin rectangle, a merged cell split in two); looking at pdfplumber's own
debug view answers it in seconds. It uses the same default table settings as ``pdf.read``.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

RESOLUTION = 100
JOINED, KEPT, FLOWS, STRIPPED = (0, 160, 0), (220, 0, 0), (255, 160, 0, 90), (128, 128, 128)


@dataclass
class BreakView:
    """What to draw on one page: rows after a break (joined or kept), flowing cells, stripped lines."""

    joined: list[tuple[float, float, float, float]] = field(default_factory=list)
    kept: list[tuple[float, float, float, float]] = field(default_factory=list)
    flows: list[tuple[float, float, float, float]] = field(default_factory=list)
    stripped: list[tuple[float, float, float, float]] = field(default_factory=list)


def page_breaks(data: bytes) -> dict[int, BreakView]:
    """Per page, the reader's page-break evidence and the parser's decisions on it."""
    from goaltables.extract.parser import parse
    from goaltables.extract.readers import pdf
    from goaltables.extract.readers.pdf_pages import strip_running_lines
    from goaltables.normalize.taxonomy import default_taxonomy

    pages = pdf._read_pages(data, pdf._Stats())
    before = {p.number: list(p.lines) for p in pages}
    strip_running_lines(pages)
    views: dict[int, BreakView] = {}
    for page in pages:
        kept = {id(line) for line in page.lines}
        views.setdefault(page.number, BreakView()).stripped += [
            (ln.x0, ln.top, ln.x1, ln.bottom) for ln in before[page.number] if id(ln) not in kept]
    joins = [f.raw.split(" ‖ ")[1] for f in parse(pdf.read(data), default_taxonomy()).findings
             if f.code == "row_continued" and f.raw]
    for _, _, part in pdf._join_continued(pdf._paragraphs_and_tables(pages)):
        if isinstance(part, pdf.TablePart):
            _add_break_rows(part, joins, views)
    return views


def _add_break_rows(part: object, joins: list[str], views: dict[int, BreakView]) -> None:
    rows: dict[int, list] = {}
    for cell in part.cells:  # type: ignore[attr-defined]
        if cell.after_break and cell.bbox is not None:
            rows.setdefault(cell.row, []).append(cell)
    for cells in rows.values():
        view = views.setdefault(cells[0].page, BreakView())
        box = (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
               max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))
        texts = [c.text for c in sorted(cells, key=lambda c: c.col) if c.text]
        joined = any(all(t.replace("\n", "") in raw for t in texts) for raw in joins) if texts else False
        (view.joined if joined else view.kept).append(box)
        view.flows += [c.bbox for c in cells if c.flows_from_above]


def draw(pdf_path: Path, out_dir: Path) -> list[Path]:
    """Write ``<stem>-p<page>.png`` per page into ``out_dir`` and return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    views = page_breaks(pdf_path.read_bytes())
    written: list[Path] = []
    with pdfplumber.open(io.BytesIO(pdf_path.read_bytes())) as pdf:
        for page in pdf.pages:
            target = out_dir / f"{pdf_path.stem}-p{page.page_number}.png"
            image = page.to_image(resolution=RESOLUTION).debug_tablefinder()
            _draw_view(image, views.get(page.page_number, BreakView()))
            image.save(target)
            written.append(target)
    return written


def _draw_view(image: object, view: BreakView) -> None:
    for box in view.flows:
        image.draw_rect(box, fill=FLOWS, stroke=FLOWS[:3], stroke_width=1)  # type: ignore[attr-defined]
    for boxes, colour in ((view.joined, JOINED), (view.kept, KEPT)):
        for box in boxes:
            image.draw_rect(box, fill=(0, 0, 0, 0), stroke=colour, stroke_width=3)  # type: ignore[attr-defined]
    for x0, top, x1, bottom in view.stripped:
        middle = (top + bottom) / 2
        image.draw_line([(x0, middle), (x1, middle)], stroke=STRIPPED, stroke_width=2)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m goaltables.extract.readers.pdf_debug FILE.pdf OUT_DIR", file=sys.stderr)
        return 2
    for path in draw(Path(args[0]), Path(args[1])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
