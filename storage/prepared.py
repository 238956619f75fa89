"""A query that runs on every page, prepared once per PostgreSQL connection.

PostgreSQL plans a plain query anew each time. For the status page's session lookup the plan cost
more than the run: 87 µs of planning against 25 µs of execution on a warm connection (EXPLAIN
ANALYZE, 2026-12-05), on a server that shares the machine's cores with the portal. A statement
prepared with PREPARE is planned once per connection and then, after five runs, kept as a generic
plan. psycopg2 has no prepared statements of its own, hence the SQL PREPARE / EXECUTE here.

Used only outside a transaction: a failed EXECUTE (a connection that never saw the PREPARE, say
one behind a pooler that moves sessions between server connections) would abort the caller's
transaction. After such a failure the statement is prepared again on that connection; if it fails
a second time, the process stops preparing and runs the plain query, which every pooler serves.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import peewee

from storage.db import database, is_postgres


class PreparedLookup:
    """`fetchone(value)`: the first row of a query with one parameter, prepared per connection on
    PostgreSQL. `sql_for(placeholder)` writes the query with the given placeholder."""

    def __init__(self, name: str, sql_for: Callable[[str], str], arg_type: str) -> None:
        self.name, self.sql_for, self.arg_type = name, sql_for, arg_type
        self._ready: weakref.WeakSet[Any] = weakref.WeakSet()  # connections this statement is prepared on
        self._lock = threading.Lock()
        self.given_up = False

    def fetchone(self, value: object) -> tuple | None:
        params = (value,)
        if not is_postgres() or self.given_up or database.transaction_depth():
            return database.execute_sql(self.sql_for(database.param), params).fetchone()
        connection = database.connection()
        execute = f"EXECUTE {self.name} (%s)"
        for attempt in (1, 2):
            with self._lock:
                ready = connection in self._ready
            if not ready:
                self._prepare(connection)
            try:
                return database.execute_sql(execute, params).fetchone()
            except peewee.DatabaseError as exc:
                if not _statement_unknown(exc):
                    raise
                with self._lock:
                    self._ready.discard(connection)
                if attempt == 2:
                    self.given_up = True
        return database.execute_sql(self.sql_for(database.param), params).fetchone()

    def _prepare(self, connection: Any) -> None:
        known = "SELECT 1 FROM pg_prepared_statements WHERE name = %s"
        if database.execute_sql(known, (self.name,)).fetchone() is None:  # a connection that lost our mark
            database.execute_sql(f"PREPARE {self.name} ({self.arg_type}) AS {self.sql_for('$1')}")
        with self._lock:
            self._ready.add(connection)


def _statement_unknown(exc: peewee.DatabaseError) -> bool:
    """SQLSTATE 26000: no such prepared statement on the server connection behind this one."""
    return getattr(exc.__context__, "pgcode", None) == "26000"  # peewee keeps psycopg2's error as the context
