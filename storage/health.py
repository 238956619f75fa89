"""Is the store reachable right now? A probe for readiness checks that answers within a deadline.

It opens a fresh connection instead of borrowing a pooled one: a pooled SQLite connection keeps
reading a file that was deleted or made unreadable under it, and a pooled PostgreSQL connection
says nothing about whether a new one could be made. libpq's own connect timeout cannot go below
2 s, so the PostgreSQL probe connects asynchronously and keeps its own deadline.
"""

from __future__ import annotations

import dataclasses
import select
import sqlite3
import time
from urllib.parse import quote

import peewee
import psycopg2
import psycopg2.extensions

from storage.db import database, ensure_open

DEFAULT_DEADLINE_S = 0.15


@dataclasses.dataclass(frozen=True)
class Readiness:
    ok: bool
    backend: str
    ms: float
    error: str | None = None  # for the operator's log; it may name the host, never shown to the public


def database_ready(deadline_s: float = DEFAULT_DEADLINE_S) -> Readiness:
    """Connect and run one trivial statement within `deadline_s`; never raises."""
    ensure_open()
    started = time.monotonic()
    db = database.obj
    backend = "postgresql" if isinstance(db, peewee.PostgresqlDatabase) else "sqlite"
    try:
        if backend == "postgresql":
            _probe_postgres(db, started + deadline_s)
        else:
            _probe_sqlite(db.database, deadline_s)
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Readiness(False, backend, _ms(started), detail[:300])
    return Readiness(True, backend, _ms(started))


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _probe_sqlite(path: str, deadline_s: float) -> None:
    # mode=rw: a missing file is an error here, not a new empty store.
    conn = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=deadline_s)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # reads the file, not just opens it
    finally:
        conn.close()


def _probe_postgres(db: peewee.PostgresqlDatabase, deadline: float) -> None:
    params = {k: v for k, v in db.connect_params.items() if k != "connect_timeout"}
    conn = psycopg2.connect(dbname=db.database, connect_timeout=2, async_=True, **params)
    try:
        _wait(conn, deadline)
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
            _wait(conn, deadline)
            if cursor.fetchone() != (1,):
                raise RuntimeError("unexpected answer to SELECT 1")
    finally:
        conn.close()


def _wait(conn, deadline: float) -> None:
    while True:
        state = conn.poll()
        if state == psycopg2.extensions.POLL_OK:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no answer within the deadline")
        if state == psycopg2.extensions.POLL_READ:
            select.select([conn.fileno()], [], [], remaining)
        elif state == psycopg2.extensions.POLL_WRITE:
            select.select([], [conn.fileno()], [], remaining)
        else:
            raise RuntimeError(f"unexpected connection state {state}")
