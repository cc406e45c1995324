"""Every field of every row of both samples, against hand-checked golden files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import golden
from tests.conftest import ENCODINGS, SAMPLE_000, SAMPLE_004, reencode

SAMPLES = {"000": SAMPLE_000, "004": SAMPLE_004}


def test_regeneration_flag_is_off() -> None:
    assert not golden.REGEN, "GOALTABLES_REGEN_GOLDEN is set: golden files were rewritten, not checked"


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("table", ["goal_tables", "indicators", "unit_goals", "documents", "findings"])
def test_sample_rows_match_golden(name: str, table: str) -> None:
    actual = golden.records(SAMPLES[name])
    expected = golden.golden(name, actual)
    assert len(actual[table]) == len(expected[table])
    for got, want in zip(actual[table], expected[table]):
        assert got == want


@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_reencoded_samples_give_identical_rows(name: str, encoding: str, tmp_path: Path) -> None:
    original = golden.without_location(golden.rows_only(golden.records(SAMPLES[name])))
    copy = golden.without_location(golden.rows_only(golden.records(reencode(SAMPLES[name], encoding, tmp_path))))
    assert copy == original
