from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"jobs": 0}, "jobs must be a whole number of at least 1, not 0"),
        ({"jobs": 2.5}, "jobs must be a whole number"),
        ({"jobs": 10_000}, "far more than this machine"),
        ({"max_file_mb": 0}, "max_file_mb must be a positive number"),
        ({"max_file_mb": float("nan")}, "max_file_mb must be a positive number"),
        ({"taxonomy": Path("no/such/file.yaml")}, "taxonomy file no/such/file.yaml does not exist"),
    ],
)
def test_invalid_settings_are_rejected_with_a_precise_message(kwargs: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**kwargs)


def test_defaults_are_valid() -> None:
    settings = Settings()
    assert settings.jobs == 1 and settings.max_file_bytes == 200 * 1024 * 1024
