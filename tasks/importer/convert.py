"""Old office formats -> .docx / .xlsx with LibreOffice headless, then the usual readers.

``.doc``, ``.xls``, ``.rtf`` and Kingsoft ``.wps`` / ``.et`` are converted by
``soffice --convert-to`` in a throw-away directory:

* the file is written there under a fixed name (``input.doc`` …), never the
  uploaded name, and LibreOffice gets its own profile directory there
  (``-env:UserInstallation``) so that runs neither share state nor lock each other;
* the environment is emptied (no proxy settings, ``HOME`` inside the sandbox) and,
  where the kernel lets an ordinary user do it (``unshare -rn``), the converter runs
  in a network namespace with no network at all; macros are never run
  (LibreOffice's default security level, and no document is opened interactively);
* a time limit kills the whole process group when it is reached;
* the directory is removed afterwards whatever happened.

Nothing here runs on the request path of an evidence upload: evidence files are only
sniffed (``reports/uploads.py``), plan imports are converted here.

No Django in this module. The path of ``soffice`` can be set with ``LUOSHI_SOFFICE``.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from core import sniffing

from .errors import import_error

__all__ = ["CONVERT_TIMEOUT", "convert_office", "legacy_kind", "soffice_path"]

CONVERT_TIMEOUT = int(os.environ.get("LUOSHI_CONVERT_TIMEOUT", "60"))
TMP_ROOT: str | None = None  # where the throw-away directories go (None: the system's temporary directory)
MAX_CONVERTED_BYTES = 50 * 1024 * 1024

# legacy kind -> (input suffix given to LibreOffice, output filter, output suffix)
_TARGETS = {
    "doc": ("doc", "docx:MS Word 2007 XML", "docx"),
    "wps": ("wps", "docx:MS Word 2007 XML", "docx"),
    "rtf": ("rtf", "docx:MS Word 2007 XML", "docx"),
    "xls": ("xls", "xlsx:Calc MS Excel 2007 XML", "xlsx"),
    "et": ("et", "xlsx:Calc MS Excel 2007 XML", "xlsx"),
}


def legacy_kind(data: bytes, ext: str = "") -> str | None:
    """``doc`` / ``wps`` / ``xls`` / ``et`` / ``rtf`` for a file LibreOffice must convert, else None.

    Decided by content: an OLE compound file with a ``WordDocument`` stream is a Word 97
    binary (Kingsoft WPS writes the same format into ``.wps``), one with a ``Workbook``
    or ``Book`` stream an Excel binary (Kingsoft ``.et`` likewise). The extension only
    chooses between the Microsoft and the Kingsoft name of the same content.
    """
    if data.startswith(b"{\\rtf"):
        return "rtf"
    kind = sniffing.ole_kind(data)
    if kind == "doc":
        return "wps" if ext in (".wps", ".wpt") else "doc"
    if kind == "xls":
        return "et" if ext in (".et", ".ett") else "xls"
    return None


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    configured = os.environ.get("LUOSHI_SOFFICE")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.lru_cache(maxsize=1)
def _no_network_prefix() -> tuple[str, ...]:
    """``unshare -rn`` (a user and network namespace: no interface but loopback) if it works here."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return ()
    return (unshare, "-rn") if probe.returncode == 0 else ()


def _run(command: list[str], *, cwd: Path, env: dict, timeout: float) -> subprocess.CompletedProcess:
    process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def convert_office(data: bytes, kind: str, *, timeout: float | None = None) -> bytes:
    """Convert a legacy document (``kind`` from :func:`legacy_kind`) to .docx or .xlsx bytes.

    Raises :class:`PlanImportError`: ``converter_missing`` (LibreOffice not installed),
    ``convert_timeout`` or ``convert_failed`` (a damaged file LibreOffice cannot open).
    """
    soffice = soffice_path()
    if soffice is None:
        raise import_error("converter_missing")
    suffix, filter_name, out_suffix = _TARGETS[kind]
    with tempfile.TemporaryDirectory(prefix="luoshi-convert-", dir=TMP_ROOT) as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        (root / "out").mkdir()
        source = root / f"input.{suffix}"
        source.write_bytes(data)
        env = {"HOME": str(root / "home"), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TMPDIR": str(root),
               "SAL_USE_VCLPLUGIN": "svp"}
        command = [*_no_network_prefix(), soffice, f"-env:UserInstallation={(root / 'profile').as_uri()}",
                   "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
                   "--convert-to", filter_name, "--outdir", str(root / "out"), str(source)]
        try:
            _run(command, cwd=root, env=env, timeout=timeout or CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            raise import_error("convert_timeout") from exc
        except OSError as exc:
            raise import_error("converter_missing") from exc
        result = root / "out" / f"input.{out_suffix}"
        if not result.is_file() or result.stat().st_size == 0:
            raise import_error("convert_failed")
        if result.stat().st_size > MAX_CONVERTED_BYTES:
            raise import_error("zip_bomb")
        return result.read_bytes()
