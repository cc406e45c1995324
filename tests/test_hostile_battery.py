"""Issue 9's battery: hostile and tricky files in one batch, beside good control files.

At --jobs 1 (the default) and --jobs 2: no crash, every hostile file failed with one sentence
or read and flagged, every control file keeps every golden row, every odd folder entry is
listed as skipped, and no process of the run grows past 2 GB (memory, unlike time, is a
property of the code, so asserting it is not flaky).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests import golden
from tests.conftest import ROOT
from tests.fixtures import make_hostile

# Control file -> golden sample it must reproduce (every format: the rows it gives when read
# alone in-process; .txt, .docx, .pdf: also tests/data/golden/<sample>.json).
CONTROLS = {"control/000.docx": "000", "control/004.html": "004", "control/000.xlsx": "000",
            "control/000.pdf": "000", "control/004.xls": "004", "control/000.txt": "000", "control/000.doc": "000"}
# Hostile files that are read (safely) instead of failing, with the finding that flags them.
READ_AND_FLAGGED = {"hostile/far_right_cell.xlsx": "reader_note", "hostile/deep.html": "no_goal_tables",
                    "hostile/deep_xml.docx": "no_goal_tables",
                    "tricky/预算绩效目标表.txt": "non_utf8_name", "tricky/caf\\xe9-\\xff.txt": "non_utf8_name"}
SKIPPED = {"tricky/.hidden.txt", "tricky/back", "tricky/dangling.docx", "tricky/pipe.txt", "tricky/self_loop.docx",
           "tricky/~$000.docx"}
PEAK_LIMIT_KB = 2 * 2**20

MEASURED_RUN = textwrap.dedent("""\
    import resource, subprocess, sys
    code = subprocess.call([sys.executable, "-m", "goaltables.pipelines.cli", *sys.argv[1:]])
    print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
""")


@pytest.fixture(scope="module")
def battery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_hostile.make_battery(tmp_path_factory.mktemp("battery") / "in")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="the .doc control needs LibreOffice")
@pytest.mark.parametrize("jobs", [1, 2])
def test_hostile_battery_every_file_right_or_flagged_under_2_gb(battery: Path, tmp_path: Path, jobs: int) -> None:
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-c", MEASURED_RUN, "extract", str(battery), "--out", str(out),
                          "--jobs", str(jobs), "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    code, peak_kb = map(int, run.stdout.split()[-2:])
    assert code == 1, run.stderr  # some files failed, and the run finished
    # ru_maxrss of children is the largest single process; the main process and the workers
    # together stay below (jobs + 1) times that, whatever their peaks' timing.
    assert peak_kb * (jobs + 1) < PEAK_LIMIT_KB, f"a process of the run peaked at {peak_kb / 2**20:.2f} GB"
    assert "Traceback" not in run.stderr

    docs = pd.read_parquet(out / "documents").set_index("source_path")
    findings = pd.read_parquet(out / "findings")
    manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    assert {s["path"] for s in manifest["skipped"]} == SKIPPED
    assert set(docs.index) == set(CONTROLS) | set(make_hostile.HOSTILE) | {p for p in READ_AND_FLAGGED if p.startswith("tricky")}

    for path, sample in CONTROLS.items():
        _assert_rows(out, docs.loc[path, "doc_id"], golden.records(battery / path))
        if path.endswith((".txt", ".docx", ".pdf", ".doc")):  # the formats whose rows equal the golden sample's
            _assert_rows(out, docs.loc[path, "doc_id"], _golden(sample), tables=("goal_tables", "indicators"))
    for path, code_ in READ_AND_FLAGGED.items():
        assert docs.loc[path, "status"] != "failed"
        assert code_ in set(findings[findings.doc_id == docs.loc[path, "doc_id"]].code), path
    failed = docs[docs.status == "failed"]
    assert set(failed.index) == set(make_hostile.HOSTILE) - set(READ_AND_FLAGGED)
    for path, error in failed.error.items():
        assert error and "\n" not in error and "internal error" not in error, (path, error)


COLUMNS = {"indicators": ["level1_raw", "level2_raw", "level3", "target_raw", "target_value"],
           "goal_tables": ["title", "project_name", "budget_total"], "unit_goals": ["title", "goal_text"]}


def _golden(sample: str) -> dict[str, list[dict]]:
    return json.loads((golden.GOLDEN / f"{sample}.json").read_text(encoding="utf-8"))


def _assert_rows(out: Path, doc_id: str, expected: dict[str, list[dict]],
                 tables: tuple[str, ...] = ("goal_tables", "indicators", "unit_goals")) -> None:
    """The batch wrote exactly the expected rows of these columns for the document."""
    for table in tables:
        rows = pd.read_parquet(out / table)
        got = rows[rows.doc_id == doc_id][COLUMNS[table]].astype(object).where(lambda f: f.notna(), None)
        want = [{c: r[c] for c in COLUMNS[table]} for r in expected[table]]
        records = [{k: str(v) if isinstance(v, Decimal) else v for k, v in r.items()} for r in got.to_dict("records")]
        assert records == want, (doc_id, table)  # money compared as its exact decimal string, as golden holds it
