"""Backups of a PostgreSQL store: pg_dump and pg_restore, counting the tables they name as they go."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg2

from storage.admin.backup_target import FILE_FIELD, MARKER_TABLE, Target
from storage.admin.progress import Progress
from storage.config import pg_bin_dir
from storage.errors import DomainError, StoreUnavailable, mask_secrets

# pg_dump waits this long for a table lock (a running migration) before giving up with a message.
PG_LOCK_WAIT = "60s"
PG_DUMPING = re.compile(r'dumping contents of table "(.+)"')
PG_RESTORING = re.compile(r'processing data for table "(.+)"')


def _pg_program(name: str) -> str:
    folder = pg_bin_dir()
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        where = f"w OKIENKO_PG_BIN={folder}" if folder else "w PATH"
        raise DomainError(name, f"nie znaleziono programu {name} {where} (apt-get install postgresql-client-15)")
    return found


def _pg_environment(url: str) -> tuple[str, dict[str, str]]:
    """The URL without its password (program arguments are visible to every user in `ps`)
    and an environment carrying the password instead."""
    parts = urlsplit(url)
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        host = parts.netloc.rsplit("@", 1)[1]
        user = parts.username or ""
        parts = parts._replace(netloc=f"{user}@{host}" if user else host)
    return urlunsplit(parts._replace(scheme="postgresql")), env


def _pg_failure(program: str, stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    # --verbose tells every step; the reason is the line that says error (or FATAL from the server).
    lines = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()] or lines
    first = lines[0] if lines else "zakończył się błędem"
    return mask_secrets(first if first.startswith(program) else f"{program}: {first}")


def pg_check(path: Path) -> int:
    """The file is a sound pg_dump archive of an Okienko store; returns how many tables' data it holds."""
    listed = subprocess.run(
        [_pg_program("pg_restore"), "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        raise DomainError(FILE_FIELD, f"{path.name}: {_pg_failure('pg_restore --list', listed.stderr)}")
    if not re.search(rf"^\d+; \d+ \d+ TABLE DATA \S+ {MARKER_TABLE} ", listed.stdout, re.MULTILINE):
        raise DomainError(FILE_FIELD, f"{path.name}: to nie jest kopia bazy Okienka (brak danych {MARKER_TABLE})")
    return len(re.findall(r"^\d+; \d+ \d+ TABLE DATA ", listed.stdout, re.MULTILINE))


class PgStopped(KeyboardInterrupt):
    """Ctrl+C while a PostgreSQL client program ran; `finished` when it had already ended well."""

    def __init__(self, finished: bool) -> None:
        super().__init__()
        self.finished = finished


def _run_counting_tables(command: list[str], env: dict[str, str], shown: Progress, step: re.Pattern[str],
                         stdout: IO[bytes] | None = None) -> tuple[int, str]:  # fmt: skip
    """Run a PostgreSQL client program with --verbose, counting the tables it names as it goes
    (a table is done when the next one starts). Returns its exit code and what it said.
    Ctrl+C stops the program before the exception goes on."""
    program = subprocess.Popen([*command, "--verbose"], stdout=stdout if stdout is not None else subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    said: list[str] = []
    started = 0
    try:
        assert program.stderr is not None
        for line in program.stderr:
            said.append(line)
            if step.search(line):
                if started:
                    shown.update(min(started, shown.total or started))
                started += 1
        program.wait()
    except KeyboardInterrupt:
        # The program may have finished while the signal was on its way: then its work is whole.
        finished = program.poll() == 0
        if not finished:
            program.kill()
            program.wait()
        raise PgStopped(finished) from None
    except BaseException:
        program.kill()
        program.wait()
        raise
    if program.returncode == 0:
        shown.update(max(shown.total or 0, started))
    return program.returncode, "".join(said)


def pg_backup(target: Target, partial: Path, quiet: bool) -> None:
    dsn, env = _pg_environment(target.url)
    command = [_pg_program("pg_dump"), "-Fc", "--no-password", f"--lock-wait-timeout={PG_LOCK_WAIT}", f"--dbname={dsn}"]
    tables = _pg_table_count(target.url)
    with partial.open("wb") as out, Progress("kopia", "tabel", tables, quiet=quiet) as shown:
        code, said = _run_counting_tables(command, env, shown, PG_DUMPING, stdout=out)
    if code != 0:
        raise StoreUnavailable(_pg_failure("pg_dump", said))


def _pg_table_count(url: str) -> int:
    try:
        conn = psycopg2.connect(url, connect_timeout=10)
    except psycopg2.Error as exc:
        raise StoreUnavailable(mask_secrets(str(exc).strip().splitlines()[0])) from exc
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
            return cur.fetchone()[0]
    finally:
        conn.close()


def pg_restore(target: Target, file: Path, force: bool, quiet: bool) -> bool:
    replaced = _pg_table_count(target.url) > 0
    if replaced and not force:
        raise DomainError("database", f"baza {target.name} nie jest pusta – odtwarzam tylko do pustej (--force)")
    dsn, env = _pg_environment(target.url)
    # Owners and grants name roles that a fresh server may not have; the restoring role owns
    # everything and the portal's role is granted again (docs/operations.md, backup and restore).
    command = [_pg_program("pg_restore"), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error",
               "--no-password", f"--dbname={dsn}"]  # fmt: skip
    if replaced:
        command += ["--clean", "--if-exists"]
    with Progress("odtwarzanie", "tabel", pg_check(file), quiet=quiet) as shown:
        code, said = _run_counting_tables([*command, str(file)], env, shown, PG_RESTORING)
    if code != 0:
        raise DomainError("odtwarzanie", _pg_failure("pg_restore", said) + " (nic nie zmieniono)")
    return replaced
