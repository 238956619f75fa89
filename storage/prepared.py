"""A query that runs on every page, prepared once per PostgreSQL connection.

PostgreSQL plans a plain query anew each time. For the status page's session lookup the plan cost
more than the run: 87 µs of planning against 25 µs of execution on a warm connection (EXPLAIN
ANALYZE, 2026-12-05), on a server that shares the machine's cores with the portal. A statement
prepared with PREPARE is planned once per connection and then, after five runs, kept as a generic
plan. psycopg2 has no prepared statements of its own, hence the SQL PREPARE / EXECUTE here.

The statement's name carries a hash of its text, so a server connection that already holds a
statement of that name holds this very text. Used only outside a transaction: a failed statement
would abort the caller's transaction. What the server may say instead of an answer, and what is done:
26000 (no such statement: a connection that lost it, or a pooler that moves sessions between server
connections) and 42P05 (already there: the same) – prepare again; 0A000 (a table's column changed
type under the cached plan) – deallocate and prepare again. If the second try fails too, the process
runs the plain query for GIVE_UP_S, which every pooler serves.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

import peewee

from storage.db import database, is_postgres

GIVE_UP_S = 600.0
_STATEMENT_LOST, _STATEMENT_EXISTS, _PLAN_STALE = "26000", "42P05", "0A000"


class PreparedLookup:
    """`fetchone(value)`: the first row of a query with one parameter, prepared per connection on
    PostgreSQL. `sql_for(placeholder)` writes the query with the given placeholder."""

    def __init__(self, name: str, sql_for: Callable[[str], str], arg_type: str) -> None:
        self.sql_for, self.arg_type = sql_for, arg_type
        self.name = f"{name}_{hashlib.sha256(sql_for('$1').encode()).hexdigest()[:12]}"
        self._ready: weakref.WeakSet[Any] = weakref.WeakSet()  # connections this statement is prepared on
        self._lock = threading.Lock()
        self._plain_until = 0.0

    @property
    def given_up(self) -> bool:
        return time.monotonic() < self._plain_until

    def fetchone(self, value: object) -> tuple | None:
        params = (value,)
        if not is_postgres() or self.given_up or database.transaction_depth():
            return database.execute_sql(self.sql_for(database.param), params).fetchone()
        connection = database.connection()
        for _ in (1, 2):
            try:
                self._prepare_on(connection)
                return database.execute_sql(f"EXECUTE {self.name} (%s)", params).fetchone()
            except peewee.DatabaseError as exc:
                code = _sqlstate(exc)
                if code not in (_STATEMENT_LOST, _STATEMENT_EXISTS, _PLAN_STALE):
                    raise
                with self._lock:
                    self._ready.discard(connection)
                if code == _PLAN_STALE:
                    _quietly(f"DEALLOCATE {self.name}")
        self._plain_until = time.monotonic() + GIVE_UP_S
        return database.execute_sql(self.sql_for(database.param), params).fetchone()

    def _prepare_on(self, connection: Any) -> None:
        with self._lock:
            if connection in self._ready:
                return
        try:
            database.execute_sql(f"PREPARE {self.name} ({self.arg_type}) AS {self.sql_for('$1')}")
        except peewee.DatabaseError as exc:
            if _sqlstate(exc) != _STATEMENT_EXISTS:  # there already, and by its name it is this text
                raise
        with self._lock:
            self._ready.add(connection)


def _sqlstate(exc: peewee.DatabaseError) -> str | None:
    return getattr(exc.__context__, "pgcode", None)  # peewee keeps psycopg2's error as the context


def _quietly(sql: str) -> None:
    with contextlib.suppress(peewee.DatabaseError):  # already gone is as good
        database.execute_sql(sql)
