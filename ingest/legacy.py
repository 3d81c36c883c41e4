"""Legacy Office files (.doc, .ppt, .xls): converted by headless LibreOffice, then read
as the Office Open XML file they become. Where LibreOffice is not installed they are
skipped as unsupported, with that reason (``make office`` installs it).

Each conversion runs in a fresh temporary folder with its own LibreOffice profile (two
conversions never share one) and within ``convert_timeout_s``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from core.errors import IngestError, Unsupported
from core.settings import IngestSettings
from ingest.parsed import Parsed, Reader
from ingest.sources import SourceFile

TARGETS = {".doc": ".docx", ".ppt": ".pptx", ".xls": ".xlsx"}


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def converted(reader: Reader) -> Reader:
    """A reader of the legacy format: convert, then read with ``reader``."""

    def read(src: SourceFile, data: bytes, cfg: IngestSettings) -> Parsed:
        target = TARGETS[src.suffix]
        new = convert(data, src.suffix, target, cfg)
        renamed = replace(src, rel=str(Path(src.rel).with_suffix(target)))
        return reader(renamed, new, cfg)

    return read


def convert(data: bytes, suffix: str, target: str, cfg: IngestSettings) -> bytes:
    """``data`` (a legacy file) converted to ``target`` by ``soffice --headless``."""
    program = soffice()
    if program is None:
        raise Unsupported(
            f"legacy {suffix} file: converting it needs LibreOffice, which is not installed "
            f"(`make office`, or save it as {target})"
        )
    with tempfile.TemporaryDirectory(prefix="cairn-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"in{suffix}"
        source.write_bytes(data)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target.lstrip("."),
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        _run(command, cfg.convert_timeout_s, suffix)
        result = folder / "out" / f"in{target}"
        if not result.exists():
            raise IngestError(
                f"LibreOffice could not convert the {suffix} file (damaged or password-protected?)"
            )
        return result.read_bytes()


def _run(command: list[str], timeout: float, suffix: str) -> None:
    """Run LibreOffice in its own process group, so a hung conversion is ended whole
    (soffice starts soffice.bin, which a plain kill would leave behind)."""
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    ) as proc:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            raise IngestError(
                f"LibreOffice did not convert the {suffix} file within {timeout:g} s"
            ) from exc
