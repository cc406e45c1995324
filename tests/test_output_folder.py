"""The output folder is replaced atomically without ever destroying what a person put there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from goaltables.pipelines.cli import EXIT_OK, EXIT_USAGE, main
from tests.conftest import SAMPLE_000, SAMPLE_004


def _extract(*args: Path | str) -> int:
    return main(["extract", *map(str, args), "--quiet"])


def test_subfolders_a_person_added_survive_a_rerun(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(SAMPLE_000, "--out", out)
    (out / "notes").mkdir()
    (out / "notes" / "review.md").write_text("keep me", encoding="utf-8")
    assert _extract(SAMPLE_004, "--out", out) == EXIT_OK
    assert (out / "notes" / "review.md").read_text(encoding="utf-8") == "keep me"
    assert len(pd.read_parquet(out / "indicators")) == 35


def test_an_input_inside_the_output_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    _extract(SAMPLE_000, "--out", out)
    (out / "2025").mkdir()
    (out / "2025" / "004.txt").write_bytes(SAMPLE_004.read_bytes())
    with pytest.raises(SystemExit) as exit_info:
        _extract(out, "--out", out)
    assert exit_info.value.code == EXIT_USAGE
    assert "inside the output folder" in capsys.readouterr().err
    assert (out / "2025" / "004.txt").is_file()


def test_an_output_folder_inside_the_input_tree_is_not_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "000.txt").write_bytes(SAMPLE_000.read_bytes())
    _extract(folder, "--out", folder / "out")
    assert _extract(folder, "--out", folder / "out") == EXIT_OK
    docs = pd.read_parquet(folder / "out" / "documents")
    assert docs.source_path.tolist() == ["000.txt"]


def test_a_symlinked_output_folder_keeps_its_link(tmp_path: Path) -> None:
    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    link.symlink_to(real, target_is_directory=True)
    assert _extract(SAMPLE_000, "--out", link) == EXIT_OK
    assert link.is_symlink() and any((real / "indicators").glob("part-*.parquet"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


def test_the_output_is_readable_by_colleagues(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _extract(SAMPLE_000, "--out", out)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask


def test_an_output_folder_of_the_old_single_file_layout_is_replaced_cleanly(tmp_path: Path) -> None:
    """Version-1 outputs (documents.parquet, manifest.json) are ours: replaced, not carried over."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text("{}", encoding="utf-8")
    (out / "indicators.parquet").write_bytes(b"PAR1")
    (out / "notes.md").write_text("keep me", encoding="utf-8")
    assert _extract(SAMPLE_000, "--out", out) == EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["_journal.jsonl", "_manifest.json", "documents", "findings", "goal_tables", "indicators", "notes.md", "unit_goals"])


def test_every_table_is_a_folder_of_part_files_with_the_schema_version(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from goaltables.pipelines.schema import SCHEMA_VERSION, SCHEMAS

    out = tmp_path / "out"
    _extract(SAMPLE_000, "--out", out)
    for name in SCHEMAS:
        parts = sorted((out / name).iterdir())
        assert len(parts) == 1 and parts[0].name.startswith("part-") and parts[0].suffix == ".parquet"
        assert pq.read_schema(parts[0]).metadata[b"goaltables.schema_version"] == SCHEMA_VERSION.encode()
