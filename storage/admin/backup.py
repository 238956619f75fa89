"""Backups that restore: taken while the desks work, checked before they count, private, rotated.

SQLite is copied page by page through its online backup API, which reads one consistent
snapshot while writers carry on (a file copy of a live WAL database can be torn).
PostgreSQL goes through `pg_dump -Fc`. A file is written under a temporary name, opened with
mode 0600 from its first byte, checked (`PRAGMA integrity_check` / `pg_restore --list`) and only
then renamed to its final, time-stamped name, so a name in the backup folder always means a
backup that passed its check.

Both show their progress (storage.admin.progress): SQLite by pages, PostgreSQL by tables as
`pg_dump --verbose` / `pg_restore --verbose` name them. Ctrl+C stops the work with nothing
half-written: a backup leaves no file under a final name, a restore changes nothing.

This module works from the database URL alone and never touches the process-wide peewee
handle, so a backup of one store can run beside work on another.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from storage.admin.backup_pg import PgStopped, pg_backup, pg_check, pg_restore
from storage.admin.backup_target import FILE_FIELD, MARKER_TABLE, Target, target_of
from storage.admin.progress import Interrupted, Progress, working
from storage.clock import utcnow
from storage.errors import DomainError, StoreUnavailable

DEFAULT_KEEP = 14
# Bounds that no rotation needs to pass; a number past them is a typing slip, not a policy.
MAX_KEEP = 10_000
MAX_KEEP_DAYS = 36_500
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
SQLITE_BUSY_TIMEOUT_S = 30
# A SQLite copy goes in about this many steps (each one a progress update).
SQLITE_STEPS = 200


@dataclasses.dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float
    removed: list[Path]


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    backend: str
    seconds: float
    replaced: bool


# ------------------------------------------------------------------ SQLite


def _sqlite_connect(path: str | Path, *, must_exist: bool, read_only: bool = False) -> sqlite3.Connection:
    mode = "ro" if read_only else ("rw" if must_exist else "rwc")
    uri = f"file:{Path(path).resolve()}?mode={mode}"
    try:
        return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"{path}: {exc}") from exc


# SQLite calls back into Python this often (virtual machine steps) during a long check, which lets Ctrl+C
# through; SQLite then stops the statement with "interrupted".
SQLITE_SIGNAL_STEPS = 100_000


def _sqlite_check(path: Path, quiet: bool = True) -> None:
    """The file is a sound SQLite database holding an Okienko store."""
    conn = _sqlite_connect(path, must_exist=True, read_only=True)
    conn.set_progress_handler(lambda: 0, SQLITE_SIGNAL_STEPS)
    try:
        with working("sprawdzanie kopii (PRAGMA integrity_check)", quiet=quiet):
            result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise DomainError(FILE_FIELD, f"{path.name}: PRAGMA integrity_check: {'; '.join(result[:3])}")
        if not _sqlite_tables(conn) & {MARKER_TABLE}:
            raise DomainError(FILE_FIELD, f"{path.name}: to nie jest kopia bazy Okienka (brak tabeli {MARKER_TABLE})")
    except sqlite3.OperationalError as exc:
        if str(exc) == "interrupted":  # Ctrl+C in the progress handler
            raise KeyboardInterrupt from None
        raise DomainError(FILE_FIELD, f"{path.name}: uszkodzony plik SQLite ({exc})") from exc
    except sqlite3.DatabaseError as exc:
        raise DomainError(FILE_FIELD, f"{path.name}: uszkodzony plik SQLite ({exc})") from exc
    finally:
        conn.close()


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _copy_pages(source: sqlite3.Connection, dest: sqlite3.Connection, what: str, quiet: bool) -> None:
    """Copy `source` into `dest` in steps, showing the pages done. The source holds one read
    transaction across all steps, so the copy is one snapshot while desks write (WAL lets them);
    without it SQLite would restart the copy after every write by another connection."""
    source.execute("BEGIN")
    try:
        total = source.execute("PRAGMA page_count").fetchone()[0]
        with Progress(what, "stron", total, quiet=quiet) as shown:
            source.backup(
                dest,
                pages=max(1, total // SQLITE_STEPS),
                progress=lambda _status, remaining, count: shown.update(count - remaining),
            )
    finally:
        source.execute("COMMIT")


def _sqlite_backup(target: Target, partial: Path, quiet: bool) -> None:
    if not Path(target.name).is_file():
        raise StoreUnavailable(f"nie ma pliku bazy {target.name}")
    source = _sqlite_connect(target.name, must_exist=True)
    # `partial` exists already (created 0600); SQLite writes into it and its journal inherits the mode.
    copy = _sqlite_connect(partial, must_exist=True)
    try:
        _copy_pages(source, copy, "kopia", quiet)
        # A self-contained file: no -wal beside it to lose when it is moved or copied.
        copy.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError as exc:
        raise StoreUnavailable(f"{target.name}: {exc}") from exc
    finally:
        copy.close()
        source.close()


def _sqlite_restore(target: Target, file: Path, force: bool, quiet: bool) -> bool:
    folder = Path(target.name).resolve().parent
    if not folder.is_dir():
        raise DomainError("database", f"nie ma katalogu {folder} na odtwarzaną bazę")
    dest = _sqlite_connect(target.name, must_exist=False)
    try:
        replaced = bool(_sqlite_tables(dest))
        if replaced and not force:
            raise DomainError("database", f"baza {target.name} nie jest pusta – odtwarzam tylko do pustej (--force)")
        source = _sqlite_connect(file, must_exist=True, read_only=True)
        try:
            # An unfinished copy rolls back the store's write transaction: Ctrl+C changes nothing.
            _copy_pages(source, dest, "odtwarzanie", quiet)
        finally:
            source.close()
        dest.execute("PRAGMA journal_mode = WAL")  # as storage.db runs it
    except sqlite3.OperationalError as exc:
        raise StoreUnavailable(f"{target.name}: {exc}") from exc
    finally:
        dest.close()
    return replaced


# ------------------------------------------------------------------ files


def _stamp_of(name: str, target: Target) -> tuple[dt.datetime, int] | None:
    pattern = rf"{re.escape(target.label)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?\.{target.suffix}"
    match = re.fullmatch(pattern, name)
    if not match:
        return None
    return dt.datetime.strptime(match[1], STAMP_FORMAT), int(match[2] or 0)


def _new_name(folder: Path, target: Target, now: dt.datetime) -> str:
    stem = f"{target.label}-{now.strftime(STAMP_FORMAT)}"
    name, n = f"{stem}.{target.suffix}", 1
    while (folder / name).exists() or (folder / f".{name}.partial").exists():
        name, n = f"{stem}-{n}.{target.suffix}", n + 1
    return name


@contextlib.contextmanager
def _private_file(path: Path) -> Iterator[Path]:
    """An empty file readable by its owner only from the moment it exists; removed on any failure."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield path
    except BaseException:
        for leftover in (path, path.with_name(path.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise


def _prepare_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DomainError("--to", f"nie można utworzyć katalogu {folder}: {exc.strerror}") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DomainError("--to", f"brak prawa zapisu w katalogu {folder}")


def rotate(folder: Path, target: Target, keep: int | None, keep_days: int | None, now: dt.datetime) -> list[Path]:
    """Remove this store's backups beyond the newest `keep` or older than `keep_days`; the
    newest one always stays."""
    found = []
    for path in folder.iterdir():
        stamp = _stamp_of(path.name, target)
        if stamp is not None and path.is_file():
            found.append((stamp, path))
    found.sort(reverse=True)
    removed = []
    for index, ((taken_at, _), path) in enumerate(found):
        too_many = keep is not None and index >= keep
        too_old = keep_days is not None and now - taken_at > dt.timedelta(days=keep_days)
        if index > 0 and (too_many or too_old):
            path.unlink()
            removed.append(path)
    return removed


def backup(
    url: str, to_dir: Path, *, keep: int | None = DEFAULT_KEEP, keep_days: int | None = None, quiet: bool = True
) -> BackupResult:
    """Back up the store at `url` into `to_dir`, check the copy, then rotate older copies.
    `quiet=False` shows the progress on stderr."""
    if keep is not None and not 1 <= keep <= MAX_KEEP:
        raise DomainError("--keep", f"zostaw od 1 do {MAX_KEEP} kopii")
    if keep_days is not None and not 1 <= keep_days <= MAX_KEEP_DAYS:
        raise DomainError("--keep-days", f"od 1 do {MAX_KEEP_DAYS} dni")
    target = target_of(url)
    folder = Path(to_dir).resolve()
    _prepare_folder(folder)
    started, now = time.perf_counter(), utcnow()
    final = folder / _new_name(folder, target, now)
    try:
        with _private_file(folder / f".{final.name}.partial") as partial:
            if target.backend == "sqlite":
                _sqlite_backup(target, partial, quiet)
                _sqlite_check(partial, quiet)
            else:
                pg_backup(target, partial, quiet)
                pg_check(partial)
            os.replace(partial, final)
    except KeyboardInterrupt:
        raise Interrupted(
            f"kopii nie zrobiono (plik częściowy usunięty, w {folder} nic nowego); uruchom backup ponownie"
        ) from None
    removed = rotate(folder, target, keep, keep_days, now)
    return BackupResult(final, final.stat().st_size, time.perf_counter() - started, removed)


def check_file(file: Path, quiet: bool = True) -> str:
    """Which backend `file` is a sound Okienko backup of ("sqlite" or "postgresql")."""
    if not file.is_file():
        raise DomainError(FILE_FIELD, f"nie ma pliku {file}")
    with file.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        _sqlite_check(file, quiet)
        return "sqlite"
    if head.startswith(PG_MAGIC):
        pg_check(file)
        return "postgresql"
    raise DomainError(FILE_FIELD, f"{file.name} to nie kopia SQLite ani pg_dump -Fc")


def restore(url: str, file: Path, *, force: bool = False, quiet: bool = True) -> RestoreResult:
    """Restore `file` into the store at `url`, which must be empty unless `force`."""
    target = target_of(url)
    file = Path(file)
    started = time.perf_counter()
    try:
        kind = check_file(file, quiet)
        if kind != target.backend:
            raise DomainError(FILE_FIELD, f"{file.name} to kopia bazy {kind}, a baza docelowa to {target.backend}")
        restore_into = _sqlite_restore if target.backend == "sqlite" else pg_restore
        replaced = restore_into(target, file, force, quiet)
    except PgStopped as stopped:
        if stopped.finished:
            raise Interrupted(
                f"pg_restore skończył przed przerwaniem – kopia odtworzona w całości do bazy {target.name}; "
                "sprawdź ją: python -m storage stats"
            ) from None
        raise Interrupted(f"nic nie odtworzono (baza {target.name} bez zmian); uruchom restore ponownie") from None
    except KeyboardInterrupt:
        raise Interrupted(f"nic nie odtworzono (baza {target.name} bez zmian); uruchom restore ponownie") from None
    return RestoreResult(target.backend, time.perf_counter() - started, replaced)
