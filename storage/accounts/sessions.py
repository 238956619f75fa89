"""Applicants' web sessions, kept on the server so that they can really end.

The browser holds a random token; the table holds its SHA-256, the case number, the
credential version at login and two times. A session ends when its row is gone (logout),
when it has been idle or alive too long, or when the office re-issued the password
(the case's credential version moved). Checking one costs a single indexed query that
also returns what the status page needs to know whether its cached copy is current.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import secrets

from storage import case_numbers
from storage.accounts.session_peek import SessionPeek
from storage.clock import utcnow
from storage.db import database, sqlite_path, unit_of_work, write_transaction
from storage.models import Case, PortalSession
from storage.prepared import PreparedLookup

# last_seen_at is written at most this often, so a page view is a read, not a write.
TOUCH_EVERY = dt.timedelta(seconds=60)

# The lookup's columns: case number, session's credential version, created, last seen, case's
# credential version (None when the case is gone), public version.
_LOOKUP_COLUMNS = (str, int, str, str, int, int)
_PEEK = SessionPeek()

ENDED_UNKNOWN = "unknown"  # logged out, swept, or never existed
ENDED_EXPIRED = "expired"  # idle or absolute limit
ENDED_REPLACED = "password_changed"  # the office re-issued the password


@dataclasses.dataclass(frozen=True)
class SessionCheck:
    """The outcome of looking a session up: the case (when it is still open) or why it ended."""

    number: str | None = None
    credential_version: int = 0
    public_version: int = 0
    ended: str | None = None


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(number: str, credential_version: int, *, idle_seconds: int, absolute_seconds: int) -> str:
    """A new session for a case the caller has just authenticated; returns the token for the cookie.
    Expired sessions are swept here, so the table holds only live ones plus at most an idle period's worth."""
    canonical = case_numbers.parse(number)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with write_transaction():
        PortalSession.delete().where(
            (PortalSession.last_seen_at < now - dt.timedelta(seconds=idle_seconds))
            | (PortalSession.created_at < now - dt.timedelta(seconds=absolute_seconds))
        ).execute()
        PortalSession.insert(
            id=_key(token), case_number=canonical, credential_version=credential_version, created_at=now,
            last_seen_at=now,
        ).execute()  # fmt: skip
    return token


def check_session(token: str, *, idle_seconds: int, absolute_seconds: int) -> SessionCheck:
    """Is this token's session still open? Ends it (deletes the row) when it is not."""
    if not token:
        return SessionCheck(ended=ENDED_UNKNOWN)
    quick = _peek(token, idle_seconds, absolute_seconds)
    if quick is not None:
        return quick
    key = _key(token)
    now = utcnow()
    with unit_of_work():
        # Runs on every page of a logged-in applicant: a fixed SQL string (composing the peewee query cost more
        # than running it), prepared once per connection on PostgreSQL (storage.prepared).
        row = _LOOKUP.fetchone(key)
        if row is None:
            return SessionCheck(ended=ENDED_UNKNOWN)
        check, touch = _verdict(row, now, idle_seconds, absolute_seconds)
        if check.ended:
            _delete(key)
        elif touch:
            with write_transaction():
                PortalSession.update(last_seen_at=now).where(PortalSession.id == key).execute()
        return check


def _peek(token: str, idle_seconds: int, absolute_seconds: int) -> SessionCheck | None:
    """The answer when it needs no write, read without waiting (SQLite only, see session_peek);
    None when only the lookup through peewee can answer: a session to end or to touch, the store
    on PostgreSQL, a transaction open in this thread (whose own changes a second connection
    would not see), or the quick read unable to answer."""
    path = sqlite_path()
    if path is None or database.transaction_depth():
        return None
    key = _key(token)
    try:
        row = _PEEK.lookup(path, _lookup_sql("?"), key, _LOOKUP_COLUMNS)
    except OSError:
        return None
    if row is None:
        return SessionCheck(ended=ENDED_UNKNOWN)
    check, touch = _verdict(row, utcnow(), idle_seconds, absolute_seconds)
    return None if check.ended or touch else check


def _verdict(row: tuple, now: dt.datetime, idle_seconds: int, absolute_seconds: int) -> tuple[SessionCheck, bool]:
    """The lookup's row judged by the rules: the check, and whether last_seen_at is due to be written."""
    number, session_cv, created_at, last_seen_at, case_cv, public_version = row
    created_at, last_seen_at = _as_datetime(created_at), _as_datetime(last_seen_at)
    if case_cv is None or case_cv != session_cv:
        return SessionCheck(ended=ENDED_REPLACED), False
    too_idle = now - last_seen_at > dt.timedelta(seconds=idle_seconds)
    too_old = now - created_at > dt.timedelta(seconds=absolute_seconds)
    if too_idle or too_old:
        return SessionCheck(ended=ENDED_EXPIRED), False
    return SessionCheck(number, session_cv, public_version), now - last_seen_at >= TOUCH_EVERY


def end_session(token: str) -> None:
    """Logout: the session ends for every copy of the cookie."""
    if token:
        with unit_of_work():
            _delete(_key(token))


def _delete(key: str) -> None:
    with write_transaction():
        PortalSession.delete().where(PortalSession.id == key).execute()


def _as_datetime(value: object) -> dt.datetime:
    # Raw SQL on SQLite returns the stored text; PostgreSQL returns a datetime.
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


@functools.cache
def _lookup_sql(param: str) -> str:
    s, c = PortalSession._meta.table_name, Case._meta.table_name
    return (
        f"SELECT s.{PortalSession.case_number.column_name}, s.{PortalSession.credential_version.column_name}, "
        f"s.{PortalSession.created_at.column_name}, s.{PortalSession.last_seen_at.column_name}, "
        f"c.{Case.credential_version.column_name}, c.{Case.public_version.column_name} "
        f"FROM {s} s LEFT JOIN {c} c ON c.{Case.number.column_name} = s.{PortalSession.case_number.column_name} "
        f"WHERE s.{PortalSession.id.column_name} = {param}"
    )


_LOOKUP = PreparedLookup("okienko_session_lookup", _lookup_sql, "text")
