"""What many tests share: the clerks of a prepared store, opening one, registering a filing,
counting rows (to prove a failed rule wrote nothing)."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import storage
from storage import db as storage_db
from storage import schema
from storage.db import unit_of_work
from storage.models import ALL_MODELS
from tests import pg

CLERK = "anna"
CLERK_SLU = "piotr"
ADMIN = "admin"
CLERK_PASSWORD = "correct-horse-1"


@dataclass
class Store:
    backend: str
    url: str


def prepare_store(url: str) -> None:
    """Schema, catalogues and three clerks: anna (Gdańsk), piotr (Słupsk), admin."""
    storage.open_database(url)
    storage.init()
    storage.load_fixtures()
    storage.create_clerk(CLERK, "Anna Nowak", "GDA", "clerk", CLERK_PASSWORD)
    storage.create_clerk(CLERK_SLU, "Piotr Wiśniewski", "SLU", "clerk", CLERK_PASSWORD)
    storage.create_clerk(ADMIN, "Katarzyna Zielińska", "GDA", "admin", CLERK_PASSWORD)
    storage_db.close_database()


def open_store(backend: str, request: pytest.FixtureRequest, tmp_path, monkeypatch) -> Iterator[Store]:
    """A prepared store on `backend` ("sqlite", or "postgresql" copied from the session's template)."""
    if backend == "sqlite":
        path = tmp_path / "okienko.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        dbname = None
    else:
        template = request.getfixturevalue("pg_template")
        dbname, url = pg.create_database(template)
    monkeypatch.setenv("OKIENKO_DB", url)
    storage.open_database(url)
    try:
        yield Store(backend, url)
    finally:
        storage_db.close_database()
        if dbname:
            pg.drop_database(dbname)


def register(**overrides) -> storage.records.RegisteredFiling:
    values = {
        "clerk": CLERK,
        "case_type": "temp_work",
        "applicant_name": "Olena Kovalenko",
        "phone": "+48 501 234 567",
        "language": "uk",
    }
    values.update(overrides)
    return storage.register_filing(**values)


def register_closed(**overrides) -> storage.records.RegisteredFiling:
    """A filing taken the usual way to its end: the decision issued, then the case closed."""
    filing = register(**overrides)
    storage.set_stage(filing.number, "decision_issued", clerk=CLERK)
    storage.set_stage(filing.number, "closed", clerk=CLERK)
    return filing


def assert_migrates_again(name: str) -> None:
    """On a store where migration `name` was undone by hand (its record deleted too): it is the one
    migration pending, migrating applies it, and then the schema is what the models describe and
    nothing more is pending."""
    assert schema.pending_migrations() == [name]
    assert schema.migrate() == [name]
    assert schema.schema_drift() == "" and schema.migrate() == []


def every_row() -> dict[str, dict[object, dict]]:
    """Every row of every table, keyed by table and primary key: to compare a whole store."""
    with unit_of_work():
        return {
            model.__name__: {getattr(row, model._meta.primary_key.name): row.__data__.copy() for row in model.select()}
            for model in ALL_MODELS
        }


def row_counts() -> dict[str, int]:
    with unit_of_work():
        return {model.__name__: model.select().count() for model in ALL_MODELS}


# The admin CLI as scripts run it: a real process on the store at `url`.
def run_cli(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_BCRYPT_COST": "4"}
    return subprocess.run(
        [sys.executable, "-m", "storage", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert line.count("\n") == 0, line
    for word in words:
        assert word in line
    return line


def at_once(count: int, attempt) -> list:
    """Run `attempt(i)` in `count` threads released together; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = attempt(i)
        except Exception as exc:  # the outcome is what is being counted
            results[i] = exc
        finally:
            storage_db.database.close() if not storage_db.database.is_closed() else None

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def ctrl_c_restored() -> None:
    """`preexec_fn` for a program a test interrupts with SIGINT: the signal back to its default in the
    child. An ignored SIGINT survives exec, and Python then never raises KeyboardInterrupt; a test
    process can be started with it ignored (the final CI of 2026-12-03 had ten Ctrl+C tests exit 0
    in one test process; reproduced by starting pytest with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_on_terminal(command: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[int, str]:
    """A program with a pseudo-terminal as its stdin, stdout and stderr, as an administrator runs it
    in a terminal: its exit code and everything it drew."""
    leader, follower = pty.openpty()
    env = {**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(command, cwd=cwd, stdin=follower, stdout=follower, stderr=follower, env=env,
                               close_fds=True, preexec_fn=ctrl_c_restored)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the program closed the terminal's last handle
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")
