"""LibreOffice headless conversion, the one way goaltables runs ``soffice``.

Each worker process keeps one private profile (``-env:UserInstallation``) for its lifetime,
so parallel workers and a desktop LibreOffice never share (or lock) one, while the profile's
first-start set-up is paid once per worker instead of once per .doc. The batch's worker pool
names a folder for these profiles in ``GOALTABLES_OFFICE_PROFILES`` and removes it when the
run ends; without it (a direct call, a Dask worker) each call gets a throwaway profile. Each
call runs in its own process group so a timeout kills the helper processes LibreOffice
starts, not only the launcher.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from goaltables.extract.errors import DocumentLoadError, MissingToolError

PROFILES_ENV = "GOALTABLES_OFFICE_PROFILES"


def office() -> str:
    """The LibreOffice executable, or MissingToolError saying how to get it."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        raise MissingToolError("install LibreOffice to read .doc files")
    return found


def convert(sources: list[Path], fmt: str, outdir: Path, timeout: float, what: str | None = None) -> None:
    """Convert ``sources`` to format ``fmt`` (docx, pdf, doc, xlsx, …) into ``outdir``.

    ``what`` names the input in the timeout error (``the .doc file``); by default the format.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    with _profile() as profile:
        command = [
            office(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", fmt, "--outdir", str(outdir), *map(str, sources),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise DocumentLoadError(f"LibreOffice timed out converting {what or f'to {fmt}'}") from None


@contextmanager
def _profile() -> Iterator[Path]:
    """This process's kept profile when the pool named a folder for them, else a throwaway one."""
    parent = os.environ.get(PROFILES_ENV)
    if parent and Path(parent).is_dir():
        yield Path(parent) / f"profile-{os.getpid()}"
        return
    with tempfile.TemporaryDirectory(prefix="goaltables-office-") as profile:
        yield Path(profile)
