"""Text for ``goaltables taxonomy``: the taxonomy, and the labels an output folder left unmapped."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from goaltables.normalize.taxonomy import load_taxonomy
from goaltables.pipelines.dataset import read_table


def taxonomy_report(extra: Path | None, unmapped_dir: Path | None) -> str:
    taxonomy = load_taxonomy(extra)
    lines: list[str] = []
    for level in (1, 2):
        lines.append(f"level {level}:")
        for t in (t for t in taxonomy.terms if t.level == level):
            parents = f" (under {', '.join(t.parents)})" if t.parents else ""
            lines.append(f"  {t.code:24} {t.label}{parents}  aliases: {'、'.join(t.aliases) or '-'}"
                         f"  [{', '.join(sorted(t.frameworks))}]")
    lines.append("indicator kinds:")
    lines += [f"  {k.code:24} {k.label}  keywords: {'、'.join(k.keywords)}" for k in taxonomy.kinds]
    if unmapped_dir is not None:
        lines += _unmapped(unmapped_dir)
    return "\n".join(lines) + "\n"


def _unmapped(out_dir: Path) -> list[str]:
    table = read_table(out_dir, "indicators", ["level1_raw", "level1", "level2_raw", "level2"]).to_pydict()
    lines = [f"unmapped labels in {out_dir}:"]
    for level in ("level1", "level2"):
        counts = Counter(raw for raw, code in zip(table[f"{level}_raw"], table[level]) if raw and code is None)
        lines.append(f"  {level}: {len(counts)} label(s)" + ("" if counts else " — everything mapped"))
        lines += [f"    {n:6}  {label}" for label, n in counts.most_common()]
    return lines
