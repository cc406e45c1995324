"""Keep one LibreOffice running and convert files on request: run by the *system* Python.

LibreOffice's Python binding (``uno``, Debian's ``python3-uno``) is built for the system's
Python, not for goaltables' virtualenv, so ``extract.libreoffice`` starts this script with
``/usr/bin/python3`` and talks to it over stdin/stdout, one JSON object per line:

    → {"source": "/tmp/a.doc", "target": "/tmp/a.docx", "filter": "MS Word 2007 XML"}
    ← {"ok": true}   or   {"ok": false, "error": "…"}

The first line written is ``{"ready": true}`` once LibreOffice accepts connections (or
``{"ready": false, "error": "…"}``). A reply with ``"dead": true`` says LibreOffice itself
died (a crash, its memory cap): the script then ends. End of input, a broken pipe or the
death of the process that started it (``PR_SET_PDEATHSIG``) stop the script and kill its
whole process group, LibreOffice's ``soffice.bin`` included, so nothing outlives the run.
Documents are opened hidden, read-only, with macros and link updates off.

Uses only the standard library and ``uno``: nothing of goaltables is importable here.
"""

import ctypes
import json
import os
import signal
import subprocess
import sys
import time

CONNECT_SECONDS = 60


def main() -> int:
    office, profile, pipe_name = sys.argv[1:4]
    _die_with_parent()
    try:
        import uno
        from com.sun.star.connection import NoConnectException
    except ImportError as exc:
        _say({"ready": False, "error": f"python3-uno is not installed ({exc})"})
        return 3
    accept = f"pipe,name={pipe_name};urp;StarOffice.ComponentContext"
    soffice = subprocess.Popen(
        [office, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore", "--nolockcheck",
         "--nodefault", "--nologo", f"--accept={accept}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        desktop = _connect(uno, NoConnectException, pipe_name, soffice)
        if desktop is None:
            _say({"ready": False, "error": "LibreOffice did not start"})
            return 4
        _say({"ready": True})
        for line in sys.stdin:
            reply = _convert(uno, desktop, json.loads(line))
            _say(reply)
            if reply.get("dead"):
                return 5
        return 0
    except (BrokenPipeError, OSError, ValueError):
        return 6  # the process that started us is gone
    finally:
        _end_group()


def _die_with_parent():
    """Be told (SIGTERM) when the worker that started us dies, even by SIGKILL."""
    signal.signal(signal.SIGTERM, lambda *_: _end_group())
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before the request took effect
        _end_group()


def _end_group():
    """Kill our process group: LibreOffice's launcher, soffice.bin and this script."""
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _connect(uno, no_connect, pipe_name, soffice):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while time.monotonic() < deadline and soffice.poll() is None:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe_name};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except no_connect:
            time.sleep(0.1)
    return None


def _convert(uno, desktop, job):
    from com.sun.star.beans import PropertyValue

    def props(**values):
        out = []
        for name, value in values.items():
            p = PropertyValue()
            p.Name, p.Value = name, value
            out.append(p)
        return tuple(out)

    try:
        source = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
        target = uno.systemPathToFileUrl(os.path.abspath(job["target"]))
        document = desktop.loadComponentFromURL(
            source, "_blank", 0, props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
        if document is None:
            return {"ok": False, "error": "LibreOffice could not open the file"}
        try:
            document.storeToURL(target, props(FilterName=job["filter"], Overwrite=True))
        finally:
            document.close(True)
        return {"ok": True}
    except Exception as exc:  # a UNO exception: the file, or LibreOffice itself, failed
        message = getattr(exc, "Message", "") or str(exc)
        return {"ok": False, "error": f"{type(exc).__name__}: {message}"[:300], "dead": not _alive(desktop)}


def _alive(desktop):
    try:
        desktop.getFrames()
        return True
    except Exception:
        return False


def _say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
