"""One database handle for the whole process, chosen by `OKIENKO_DB`.

SQLite is the default (one machine); PostgreSQL is the shared store for the desks, the
web server and the modem machine. Both are reached through the same peewee proxy so
every rule is written once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator

import peewee
import psycopg2
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledSqliteDatabase
from psycopg2.extensions import make_dsn

from storage.errors import DomainError, StoreUnavailable, mask_secrets
from storage.pool import PooledPostgres

database = peewee.DatabaseProxy()
# Called by close_database: what keeps connections of its own closes them too (before a fork, say).
_closers: list[Callable[[], None]] = []

DEFAULT_DB_URL = "sqlite:///okienko.sqlite3"

# WAL lets readers (the web site, the SMS loop) work while a desk writes; the busy
# timeout makes a second writer wait instead of failing at once.
SQLITE_BUSY_TIMEOUT_S = 30
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    # As a pragma because the pool takes the `timeout` argument for itself.
    "busy_timeout": SQLITE_BUSY_TIMEOUT_S * 1000,
}
# Connections are pooled: a unit of work borrows one and gives it back, so a web request
# or a TUI worker does not pay for connecting (and, on SQLite, for the pragmas) each time.
POOL_SIZE = 32
POOL_WAIT_S = 30
POOL_STALE_S = 300
# A desk waiting on a row another desk holds should give up with a message, not hang.
POSTGRES_LOCK_TIMEOUT_MS = 10_000
POSTGRES_CONNECT_TIMEOUT_S = 10
# libpq checks these only when it connects, and its complaint would then read like an outage.
SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def _bad_url(url: str, reason: str) -> DomainError:
    """A URL that cannot be a store is the administrator's typo (exit 2), not an outage (exit 3)."""
    return DomainError(
        "database",
        f"adres {mask_secrets(url)!r} nie jest adresem sqlite:///PLIK ani postgresql://UŻYTKOWNIK@HOST/BAZA ({reason})",
    )


def _postgres_options(params: dict) -> dict:
    """The URL's own query options, checked here; ours only where the URL says nothing."""
    options = {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S, **params}
    ours = f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS} -c TimeZone=UTC"
    options["options"] = f"{ours} {params['options']}" if params.get("options") else ours
    try:
        make_dsn(**options)  # refuses option names libpq does not know
    except psycopg2.ProgrammingError as exc:
        raise ValueError(str(exc).strip().removeprefix("invalid dsn: ")) from None
    if "sslmode" in params and params["sslmode"] not in SSLMODES:
        raise ValueError(f"sslmode musi być jednym z: {', '.join(SSLMODES)}")
    try:
        options["connect_timeout"] = int(options["connect_timeout"])
    except ValueError:
        raise ValueError("connect_timeout musi być liczbą sekund") from None
    return options


def database_url() -> str:
    """OKIENKO_DB, or the local SQLite file when it is unset (its rule is config's `Setting`)."""
    return os.environ.get("OKIENKO_DB", "").strip() or DEFAULT_DB_URL


def open_database(url: str | None = None) -> peewee.Database:
    """Create the database object for `url` (default: OKIENKO_DB) and bind the models to it.

    A URL that cannot name a store raises DomainError (its password masked), before any connection."""
    db = check_url(url or database_url())
    database.initialize(db)
    return db


def on_close(closer: Callable[[], None]) -> None:
    """Have close_database call `closer` too."""
    _closers.append(closer)


def sqlite_path() -> str | None:
    """The open store's file when it is a plain SQLite file, else None."""
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase) or not isinstance(db.database, str):
        return None
    if db.database in ("", ":memory:") or db.database.startswith("file:"):
        return None
    return db.database


def check_url(url: str) -> peewee.Database:
    """The database object `url` names, not yet connected nor bound; DomainError when it names none."""
    scheme = url.split(":", 1)[0]
    pool = {"max_connections": POOL_SIZE, "timeout": POOL_WAIT_S, "stale_timeout": POOL_STALE_S}
    try:
        params = parse_url(url)
        name = params.pop("database", None)
        if not name:
            raise ValueError("brak nazwy bazy")
        # A %00 in any part reached the driver and failed there with a traceback.
        if any("\x00" in str(value) for value in (name, *params.values())):
            raise ValueError("znak NUL (%00) w adresie")
        if scheme == "sqlite":
            # A pooled connection may serve another thread later; the pool never shares one at a time.
            db = PooledSqliteDatabase(name, pragmas=SQLITE_PRAGMAS, check_same_thread=False, **pool)
        elif scheme in ("postgres", "postgresql"):
            db = PooledPostgres(name, **pool, **_postgres_options(params))
        else:
            raise ValueError(f"nieobsługiwany rodzaj {scheme!r}")
    except (ValueError, RuntimeError, TypeError) as exc:
        raise _bad_url(url, str(exc)) from None
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
    except peewee.DatabaseError as exc:
        # SQLite opens any file and fails at the first statement (`sqlite:////etc/passwd`): peewee
        # raises its bare DatabaseError, which is also the parent of IntegrityError and friends, so
        # only SQLite's "not a database" code is turned into words here: a wrong address, exit 2.
        if getattr(exc.__context__, "sqlite_errorcode", None) in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            raise DomainError(
                "database", f"plik {database.database} nie jest bazą SQLite – sprawdź OKIENKO_DB albo --db"
            ) from exc
        raise


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
    """Give back this thread's connection and close the pooled ones (safe before anything was opened)."""
    for closer in _closers:
        closer()
    if database.obj is None:
        return
    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
