"""LibreOffice headless conversion, the one way goaltables runs ``soffice``.

Each call gets a private, throwaway profile so parallel workers and a desktop LibreOffice
never share (or lock) one, and runs in its own process group so a timeout kills the helper
processes LibreOffice starts, not only the launcher.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extract.errors import DocumentLoadError, MissingToolError


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
    with tempfile.TemporaryDirectory(prefix="goaltables-office-") as profile:
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
