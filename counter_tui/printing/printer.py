"""Sending a PDF to the desk printer through a configurable command (default `lp`)."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

PRINT_TIMEOUT_S = 60


class PrintFailed(Exception):
    pass


def send_to_printer(pdf: bytes, *, command: str, printer: str) -> None:
    """Write the PDF to a private temporary file, run the print command on it, and delete the
    file whatever happens: a credential letter holds a password and must not stay on disk.
    `lp` copies the job into the spooler before it returns, so deleting afterwards is safe."""
    fd, name = tempfile.mkstemp(prefix="okienko-", suffix=".pdf")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pdf)
        args = [part.format(printer=printer, file=name) for part in shlex.split(command)]
        try:
            result = subprocess.run(args, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except FileNotFoundError:
            raise PrintFailed(f"nie znaleziono polecenia drukowania {args[0]!r}") from None
        except subprocess.TimeoutExpired:
            raise PrintFailed(f"polecenie drukowania nie skończyło się w {PRINT_TIMEOUT_S} s") from None
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip() or f"kod wyjścia {result.returncode}"
            raise PrintFailed(f"drukarka odmówiła: {detail}")
    finally:
        Path(name).unlink(missing_ok=True)


def save_pdf(pdf: bytes, directory: Path, stem: str) -> Path:
    """Save a receipt the clerk chose to keep when printing failed (never a credential letter)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"{stem}-{stamp}.pdf"
    path.write_bytes(pdf)
    return path
