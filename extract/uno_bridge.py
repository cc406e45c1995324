"""Keep one LibreOffice running and convert files on request: run by the *system* Python.

LibreOffice's Python binding (``uno``, Debian's ``python3-uno``) is built for the system's
Python, not for goaltables' virtualenv, so ``extract.libreoffice`` starts this script with
``/usr/bin/python3`` and talks to it over stdin/stdout, one JSON object per line:

    → {"source": "/tmp/a.doc", "target": "/tmp/a.docx", "filter": "MS Word 2007 XML"}
    ← {"ok": true}   or   {"ok": false, "error": "…"}

The first line written is ``{"ready": true}`` once LibreOffice accepts connections (or
``{"ready": false, "error": "…"}``). End of input stops LibreOffice and the script; so does
the death of the process that started it, whose pipe then closes. Documents are opened
hidden, read-only, with macros and link updates off.

Uses only the standard library and ``uno``: nothing of goaltables is importable here.
"""

import json
import os
import subprocess
import sys
import time

CONNECT_SECONDS = 60


def main() -> int:
    office, profile, pipe_name = sys.argv[1:4]
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
            _say(_convert(uno, desktop, json.loads(line)))
        try:
            desktop.terminate()
        except Exception:
            pass
        return 0
    finally:
        soffice.kill()
        soffice.wait()


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
    except Exception as exc:  # a UNO exception: the file, not the bridge, is the problem
        message = getattr(exc, "Message", "") or str(exc)
        return {"ok": False, "error": f"{type(exc).__name__}: {message}"[:300]}


def _say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
