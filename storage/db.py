"""One database handle for the whole process, chosen by `OKIENKO_DB`.

SQLite is the default (one machine); PostgreSQL is the shared store for the desks, the
web server and the modem machine. Both are reached through the same peewee proxy so
every rule is written once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import peewee
from playhouse.db_url import connect as connect_url

from storage.config import database_url
from storage.errors import StoreUnavailable

database = peewee.DatabaseProxy()

# WAL lets readers (the web site, the SMS loop) work while a desk writes; the busy
# timeout makes a second writer wait instead of failing at once.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
}
SQLITE_BUSY_TIMEOUT_S = 30
# A desk waiting on a row another desk holds should give up with a message, not hang.
POSTGRES_LOCK_TIMEOUT_MS = 10_000


def open_database(url: str | None = None) -> peewee.Database:
    """Create the database object for `url` (default: OKIENKO_DB) and bind the models to it."""
    url = url or database_url()
    scheme = url.split(":", 1)[0]
    try:
        if scheme == "sqlite":
            db = connect_url(url, pragmas=SQLITE_PRAGMAS, timeout=SQLITE_BUSY_TIMEOUT_S)
        elif scheme in ("postgres", "postgresql"):
            db = connect_url(
                url,
                options=f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS} -c TimeZone=UTC",
                connect_timeout=10,
            )
        else:
            raise ValueError(f"unsupported scheme {scheme!r}")
    except (ValueError, RuntimeError) as exc:
        raise StoreUnavailable(f"OKIENKO_DB={url!r} is not a sqlite:/// or postgresql:// URL ({exc})") from exc
    database.initialize(db)
    return db


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def ensure_open() -> None:
    if database.obj is None:
        open_database()


@contextlib.contextmanager
def unit_of_work() -> Iterator[None]:
    """One connection for one piece of work (reentrant), with driver failures made readable."""
    ensure_open()
    try:
        with database.connection_context():
            yield
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise StoreUnavailable(str(exc).strip().splitlines()[0] if str(exc) else repr(exc)) from exc


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction that may write, all or nothing.

    On SQLite it starts with BEGIN IMMEDIATE: a deferred transaction upgrades its lock
    only at the first write and then fails with "database is locked" when another
    process got there first, instead of waiting for the busy timeout.
    """
    with unit_of_work():
        if is_postgres() or database.transaction_depth() > 0:
            with database.atomic():
                yield
        else:
            with database.atomic("IMMEDIATE"):
                yield


def locked(query: peewee.ModelSelect) -> peewee.ModelSelect:
    """Row lock where two desks can race; SQLite has none (peewee refuses FOR UPDATE there),
    and BEGIN IMMEDIATE already makes its writers take turns."""
    return query.for_update() if is_postgres() else query


def close_database() -> None:
    """Close this thread's connection, if any (safe before anything was opened)."""
    if database.obj is not None and not database.is_closed():
        database.close()
