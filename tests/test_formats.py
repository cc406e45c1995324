"""The same goal tables in every file format give identical rows (except ids and positions).

Fixture files are generated from the real samples by tests/fixtures/make_fixtures.py (Word with
real merges, PDFs rendered by LibreOffice, .doc converted by LibreOffice).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import golden
from tests.conftest import FIXTURES, SAMPLE_000, SAMPLE_004

TEXT = {"000": SAMPLE_000, "004": SAMPLE_004}
VARIANTS = [
    ("000", "docx/000.docx"), ("004", "docx/004.docx"),
    ("000", "docx/000_split_grid.docx"), ("000", "docx/000_continued.docx"),
    ("000", "pdf/000.pdf"), ("004", "pdf/004.pdf"),
    ("000", "doc/000.doc"), ("004", "doc/004.doc"),
    ("004", "bad/mislabeled.docx"),
]
NEEDS_OFFICE = {"doc/000.doc", "doc/004.doc", "bad/mislabeled.docx"}


@pytest.fixture(scope="module")
def expected() -> dict[str, dict]:
    return {name: golden.without_location(golden.records(path)) for name, path in TEXT.items()}


@pytest.mark.parametrize(("sample", "variant"), VARIANTS, ids=[v for _, v in VARIANTS])
@pytest.mark.parametrize("table", ["goal_tables", "indicators"])
def test_format_gives_the_rows_of_the_text_sample(sample: str, variant: str, table: str, expected: dict) -> None:
    if variant in NEEDS_OFFICE and shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed: .doc files cannot be converted")
    actual = golden.without_location(golden.records(FIXTURES / variant))
    assert len(actual[table]) == len(expected[sample][table])
    for got, want in zip(actual[table], expected[sample][table]):
        assert got == want


def test_every_variant_fixture_exists() -> None:
    missing = [v for _, v in VARIANTS if not (FIXTURES / v).is_file()]
    assert not missing, f"run `make fixtures`: missing {missing}"


BAD_FILES = {
    "bad/corrupt.docx": "corrupt or truncated zip container: not a readable Word or Excel file",
    "bad/corrupt.xlsx": "corrupt or truncated zip container: not a readable Word or Excel file",
    "bad/empty.docx": "empty file (0 bytes)",
    "bad/encrypted.docx": "encrypted Office file: remove the password and try again",
    "bad/encrypted.xlsx": "encrypted Office file: remove the password and try again",
    "bad/encrypted.pdf": "encrypted PDF",
    "bad/scanned.pdf": "scanned PDF: no text layer",
    "bad/truncated.pdf": "corrupt or truncated PDF: Unexpected EOF",
    "bad/cid.pdf": "PDF text is not extractable: its fonts have no Unicode mapping ((cid:…) codes)",
}


def test_a_batch_with_bad_files_keeps_every_good_row(tmp_path: Path) -> None:
    """Each bad file: status failed and one sentence; each good file: all its rows, unchanged."""
    import pandas as pd

    from goaltables.pipelines.cli import main

    assert main(["extract", str(FIXTURES), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    docs = pd.read_parquet(tmp_path / "out" / "documents").set_index("source_path")
    for path, error in BAD_FILES.items():
        assert (docs.loc[path, "status"], docs.loc[path, "error"]) == ("failed", error)
    assert docs.loc["bad/empty_sheet.xlsx", "status"] == "no_goal_tables"
    indicators = pd.read_parquet(tmp_path / "out" / "indicators")
    per_doc = indicators.groupby("doc_id").size()
    samples = docs[~docs.index.str.startswith("traps/")]  # the trap fixtures have golden files of their own
    for _, doc in samples[samples.status.isin(["ok", "partial"]) & (samples.n_indicators > 0)].iterrows():
        assert per_doc[doc.doc_id] == doc.n_indicators == {4: 28, 1: 35}[doc.n_goal_tables]
