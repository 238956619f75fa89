"""When the clerk app fails after all: the traceback goes to a private file, the terminal gets one line.

Textual's own answer to an unhandled error is the full traceback with every frame's local
variables printed on the terminal – at a counter, in front of the next applicant, and with other
visitors' names and phones in those locals. The app instead writes that traceback (locals
included, for whoever fixes the bug) to a new file readable and writable by the desk's user only
(0600, in a folder that is 0700), and tells the clerk in one Polish line where it is.

Where: `$OKIENKO_LOG_DIR` when set (tests), else `$XDG_STATE_HOME/okienko`, else
`~/.local/state/okienko` (the XDG default), one file per crash: `desk-crash-<time>-<pid>.log`.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from rich.console import Console
from rich.traceback import Traceback

LOG_WIDTH = 140


def log_dir() -> Path:
    if os.environ.get("OKIENKO_LOG_DIR"):
        return Path(os.environ["OKIENKO_LOG_DIR"])
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "okienko"


def write_crash_log(error: BaseException) -> Path:
    """A new 0600 file holding the traceback of `error` with each frame's locals; its path."""
    directory = log_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"desk-crash-{stamp}-{os.getpid()}.log"
    # O_EXCL with mode 0600: the file never exists with wider rights, whatever the umask.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        console = Console(file=out, width=LOG_WIDTH, color_system=None, force_terminal=False, legacy_windows=False)
        console.print(f"okienko-desk, {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
        console.print(
            Traceback.from_exception(
                type(error), error, error.__traceback__, width=LOG_WIDTH, show_locals=True, locals_max_length=20
            )
        )
    return path


def crash_line(path: Path | None) -> str:
    """The one line the clerk reads on the terminal after a crash."""
    where = f"szczegóły dla administratora zapisano w pliku {path}" if path else "nie udało się zapisać szczegółów"
    return f"Okienko zamknęło się z powodu nieoczekiwanego błędu; {where}"


def record_crash(error: BaseException) -> str:
    """Write the log (if the disk lets us) and return the line to print."""
    try:
        path: Path | None = write_crash_log(error)
    except OSError:
        path = None
    return crash_line(path)
