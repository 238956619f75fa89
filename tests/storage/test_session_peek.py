"""The status page's quick session read on SQLite (storage/accounts/session_peek.py): it answers as
the lookup through peewee does, hands every case that needs a write or a wait back to it, keeps the
interpreter lock, uses the libsqlite3 the sqlite3 module loaded, and follows the store it is given."""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import sqlite3
import weakref
from pathlib import Path

import pytest

import storage
from storage import db as storage_db
from storage.accounts import session_peek, sessions
from storage.clock import frozen, utcnow
from storage.models import PortalSession
from storage.prepared import PreparedLookup
from tests.helpers import CLERK, open_store, register

IDLE, ABSOLUTE = 15 * 60, 2 * 60 * 60
LIMITS = {"idle_seconds": IDLE, "absolute_seconds": ABSOLUTE}


@pytest.fixture
def sqlite_store(request, tmp_path, monkeypatch):
    yield from open_store("sqlite", request, tmp_path, monkeypatch)


def _logged_in() -> tuple[storage.records.RegisteredFiling, str]:
    filing = register()
    return filing, sessions.start_session(filing.number, 1, **LIMITS)


def _through_peewee(token: str) -> sessions.SessionCheck:
    with storage_db.write_transaction():  # an open transaction sends the check the long way
        assert sessions._peek(token, IDLE, ABSOLUTE) is None
        return sessions.check_session(token, **LIMITS)


def test_an_open_session_is_answered_by_the_quick_read_as_by_the_store(sqlite_store):
    filing, token = _logged_in()
    quick = sessions._peek(token, IDLE, ABSOLUTE)
    assert quick is not None and quick.ended is None
    assert quick == _through_peewee(token) == sessions.check_session(token, **LIMITS)
    assert quick.number == filing.number


def test_an_unknown_token_is_unknown_to_the_quick_read(sqlite_store):
    _logged_in()
    assert sessions._peek("no-such-token", IDLE, ABSOLUTE) == sessions.SessionCheck(ended=sessions.ENDED_UNKNOWN)


def test_a_reissued_password_is_left_to_the_store_which_ends_the_session(sqlite_store):
    filing, token = _logged_in()
    storage.reissue_password(filing.number, clerk=CLERK)
    assert sessions._peek(token, IDLE, ABSOLUTE) is None
    assert sessions.check_session(token, **LIMITS).ended == sessions.ENDED_REPLACED
    assert sessions._peek(token, IDLE, ABSOLUTE).ended == sessions.ENDED_UNKNOWN  # the row is gone


def test_an_expired_session_is_left_to_the_store_which_ends_it(sqlite_store):
    _, token = _logged_in()
    with frozen(utcnow() + dt.timedelta(seconds=IDLE + 1)):
        assert sessions._peek(token, IDLE, ABSOLUTE) is None
        assert sessions.check_session(token, **LIMITS).ended == sessions.ENDED_EXPIRED
    with storage_db.unit_of_work():
        assert PortalSession.select().count() == 0


def test_a_session_due_its_last_seen_write_is_left_to_the_store(sqlite_store):
    _, token = _logged_in()
    later = utcnow() + sessions.TOUCH_EVERY + dt.timedelta(seconds=1)
    with frozen(later):
        assert sessions._peek(token, IDLE, ABSOLUTE) is None
        assert sessions.check_session(token, **LIMITS).ended is None
        with storage_db.unit_of_work():
            assert PortalSession.get().last_seen_at == later
        assert sessions._peek(token, IDLE, ABSOLUTE) is not None  # written: the quick read answers again


def test_a_store_locked_by_another_connection_sends_the_check_the_long_way_at_once(sqlite_store):
    _, token = _logged_in()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None
    # An exclusive hold on a WAL store needs every other connection gone: close_database closes the pool's
    # and every thread's reader.
    storage_db.close_database()
    holder = sqlite3.connect(storage_db.sqlite_path(), isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("DELETE FROM portal_session")  # not committed: no reader may see the store now
        assert sessions._peek(token, IDLE, ABSOLUTE) is None  # SQLITE_BUSY, no waiting with the lock held
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None


def test_the_quick_read_keeps_the_interpreter_lock_and_uses_the_sqlite3_modules_own_sqlite(sqlite_store):
    _, token = _logged_in()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None
    library = sessions._PEEK._lib
    # PyDLL's functions are called with the interpreter lock held: that is the point of this read.
    assert library._func_flags_ & ctypes._FUNCFLAG_PYTHONAPI
    maps = Path("/proc/self/maps").read_text().splitlines()
    copies = {line.split()[-1] for line in maps if Path(line.split()[-1]).name.startswith("libsqlite3.so")}
    assert len(copies) == 1, copies  # one copy of SQLite in the process, so one table of its file locks
    mapped = ctypes.CDLL(copies.pop())
    for function in ("sqlite3_step", "sqlite3_open_v2", "sqlite3_close_v2"):
        ours = ctypes.cast(getattr(library, function), ctypes.c_void_p).value
        assert ours == ctypes.cast(getattr(mapped, function), ctypes.c_void_p).value, function


def test_a_slow_read_sends_the_process_the_long_way_for_a_while(sqlite_store, monkeypatch):
    _, token = _logged_in()
    monkeypatch.setattr(sessions._PEEK, "_paused_until", 0.0)  # given back after the test
    monkeypatch.setattr(sessions._PEEK, "_pause_s", session_peek.PAUSE_S)
    monkeypatch.setattr(session_peek, "SLOW_READ_S", -1.0)  # every read now counts as one that stalled
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None  # this one answers, then the pause begins
    assert sessions._peek(token, IDLE, ABSOLUTE) is None
    assert sessions.check_session(token, **LIMITS).ended is None  # the ordinary way still answers
    assert sessions._PEEK._pause_s == 2 * session_peek.PAUSE_S  # the next slow read pauses twice as long


def test_the_quick_read_follows_the_store_when_another_is_opened(sqlite_store, tmp_path):
    _, token = _logged_in()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None
    storage_db.close_database()
    other = tmp_path / "other.sqlite3"
    storage.open_database(f"sqlite:///{other}")
    storage.init()
    assert sessions._peek(token, IDLE, ABSOLUTE).ended == sessions.ENDED_UNKNOWN


def _in_a_child(check) -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0 if check() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_child_forked_after_close_database_reads_on_its_own_connection(sqlite_store):
    _, token = _logged_in()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None
    storage_db.close_database()  # as the portal does before it forks its workers: every reader closed
    storage.open_database(sqlite_store.url)
    assert _in_a_child(lambda: (answer := sessions._peek(token, IDLE, ABSOLUTE)) and answer.ended is None) == 0
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None  # the parent's own reader, opened again
    assert sessions.check_session(token, **LIMITS).ended is None


def test_a_child_that_inherits_an_open_reader_never_reads_the_quick_way(sqlite_store):
    # SQLite's table of the parent's file locks came along: a reader opened in the child would rely on
    # locks it does not hold.
    _, token = _logged_in()
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None  # open at the fork
    assert _in_a_child(lambda: sessions._peek(token, IDLE, ABSOLUTE) is None) == 0
    assert sessions._peek(token, IDLE, ABSOLUTE) is not None  # the parent's reader is untouched


@pytest.mark.postgres
def test_on_postgresql_every_check_goes_through_the_store(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        _, token = _logged_in()
        assert sessions._peek(token, IDLE, ABSOLUTE) is None
        assert sessions.check_session(token, **LIMITS).ended is None


def _prepared() -> tuple:
    sql = "SELECT count(*) FROM pg_prepared_statements WHERE name = %s"
    return storage_db.database.execute_sql(sql, (sessions._LOOKUP.name,)).fetchone()


@pytest.mark.postgres
def test_on_postgresql_the_lookup_is_prepared_once_per_connection_and_survives_losing_it(
    request, tmp_path, monkeypatch
):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        _, token = _logged_in()
        with storage_db.unit_of_work():
            assert sessions.check_session(token, **LIMITS).ended is None
            assert _prepared() == (1,)
            storage_db.database.execute_sql("DEALLOCATE ALL")  # as a pooler's reset would
            assert sessions.check_session(token, **LIMITS).ended is None  # prepared again, same answer
            assert _prepared() == (1,)
            monkeypatch.setattr(sessions._LOOKUP, "_ready", weakref.WeakSet())  # the mark lost, the statement not
            assert sessions.check_session(token, **LIMITS).ended is None
        assert not sessions._LOOKUP.given_up


@pytest.mark.postgres
def test_on_postgresql_a_column_changing_type_under_the_plan_is_prepared_again(request, tmp_path, monkeypatch):
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        _, token = _logged_in()
        with storage_db.unit_of_work():
            assert sessions.check_session(token, **LIMITS).ended is None
            storage_db.database.execute_sql("ALTER TABLE portal_session ALTER COLUMN credential_version TYPE bigint")
            assert sessions.check_session(token, **LIMITS).ended is None  # "cached plan must not change result type"
        assert not sessions._LOOKUP.given_up


@pytest.mark.postgres
def test_where_prepared_statements_never_stay_the_plain_query_answers(request, tmp_path, monkeypatch):
    # A pooler in transaction mode hands each statement to any server connection: PREPARE is lost.
    lookup = PreparedLookup("okienko_lost_lookup", sessions._lookup_sql, "text")
    monkeypatch.setattr(lookup, "_prepare_on", lambda connection: None)
    for _ in open_store("postgresql", request, tmp_path, monkeypatch):
        _, token = _logged_in()
        with storage_db.unit_of_work():
            row = lookup.fetchone(sessions._key(token))
            assert lookup.given_up and row is not None and row[4] == 1  # the case's credential version
            assert lookup.fetchone("no-such-key") is None
