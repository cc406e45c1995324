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
