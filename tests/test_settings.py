from __future__ import annotations

from pathlib import Path

import pytest

from goaltables.pipelines.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jobs": 0}, "jobs must be a whole number of at least 1, not 0"),
        ({"jobs": 2.5}, "jobs must be a whole number"),
        ({"jobs": 10_000}, "far more than this machine"),
        ({"max_file_mb": 0}, "max_file_mb must be a positive number"),
        ({"max_file_mb": float("nan")}, "max_file_mb must be a positive number"),
        ({"taxonomy": Path("no/such/file.yaml")}, "taxonomy file no/such/file.yaml does not exist"),
        ({"timeout_s": 0}, "timeout must be a positive number of seconds, not 0"),
        ({"timeout_s": float("nan")}, "timeout must be a positive number"),
        ({"max_memory_mb": 100}, "max_memory_mb must be at least 512 megabytes, not 100"),
        ({"max_unzipped_mb": -1}, "max_unzipped_mb must be a positive number of megabytes"),
        ({"max_zip_ratio": 2}, "max_zip_ratio must be at least 10"),
        ({"max_table_cells": 10}, "max_table_cells must be a whole number of at least 1000, not 10"),
        ({"max_table_cells": 1e6}, "max_table_cells must be a whole number"),
    ],
)
def test_invalid_settings_are_rejected_with_a_precise_message(kwargs: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**kwargs)


def test_defaults_are_valid() -> None:
    settings = Settings()
    assert settings.jobs == 1 and settings.max_file_bytes == 200 * 1024 * 1024
