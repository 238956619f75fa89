"""Server-side sessions: logout, a re-issued password, the idle and the absolute limit end a
session for every copy of its cookie, and the page cache never outlives one."""

from __future__ import annotations

import datetime as dt

import pytest

import storage
from storage.clock import frozen, utcnow
from tests.helpers import CLERK, register
from tests.portal.conftest import Portal, with_signature_changed

COOKIE = "okienko_session"


def _copy_cookie(source: Portal, into: Portal) -> None:
    cookie = source.client.get_cookie(COOKIE, domain="portal.test")
    assert cookie is not None
    into.client.set_cookie(COOKIE, cookie.value, domain="portal.test", secure=True)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(portal, store):
    filing = register()
    assert portal.login(filing.number, filing.password).status_code == 303
    assert portal.get("/status").status_code == 200  # rendered once: the page is now in the cache
    thief = Portal(portal.app, address="198.51.100.30")
    _copy_cookie(portal, thief)
    assert thief.get("/status").status_code == 200  # the copy works while the session is open
    assert portal.logout().status_code == 303
    stolen = thief.get("/status")
    assert stolen.status_code == 302 and filing.display_number not in stolen.get_data(as_text=True)


@pytest.mark.in_process_portal("opens the signed session cookie with the app (session_transaction)")
def test_the_cookie_holds_only_a_random_token(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    with portal.client.session_transaction(base_url="https://portal.test") as session:
        assert set(session) <= {"sid", "csrf_token", "_permanent", "_flashes"}
        assert len(session["sid"]) >= 32 and filing.number not in session["sid"]


def test_reissued_password_ends_copies_of_the_cookie_too(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    copy = Portal(portal.app, address="198.51.100.31")
    _copy_cookie(portal, copy)
    assert copy.get("/status").status_code == 200
    storage.reissue_password(filing.number, clerk=CLERK)
    assert copy.get("/status").status_code == 302
    assert "hasło zostało zmienione" in copy.get("/").get_data(as_text=True)
    assert portal.get("/status").status_code == 302


@pytest.mark.in_process_portal("moves the store's clock (storage.clock.frozen) in this process only")
def test_idle_limit_ends_the_session_on_the_server(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    start = utcnow()
    with frozen(start + dt.timedelta(minutes=14)):
        assert portal.get("/status").status_code == 200  # 14 idle minutes: still in, and the clock restarts
    with frozen(start + dt.timedelta(minutes=28)):
        assert portal.get("/status").status_code == 200
    copy = Portal(portal.app, address="198.51.100.32")
    _copy_cookie(portal, copy)
    with frozen(start + dt.timedelta(minutes=28 + 16)):
        assert copy.get("/status").status_code == 302
        assert portal.get("/status").status_code == 302  # the server forgot it, not just one browser


@pytest.mark.in_process_portal("moves the store's clock (storage.clock.frozen) in this process only")
def test_absolute_limit_ends_even_a_busy_session(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    start = utcnow()
    for minutes in range(10, 120, 10):
        with frozen(start + dt.timedelta(minutes=minutes)):
            assert portal.get("/status").status_code == 200
    with frozen(start + dt.timedelta(minutes=121)):
        assert portal.get("/status").status_code == 302


@pytest.mark.in_process_portal("moves the store's clock (storage.clock.frozen) in this process only")
def test_a_page_view_writes_last_seen_at_most_once_a_minute(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    token = portal.client.get_cookie(COOKIE, domain="portal.test")
    assert token is not None
    start = utcnow()
    with frozen(start + dt.timedelta(seconds=30)):
        portal.get("/status")
    assert _last_seen() == start
    with frozen(start + dt.timedelta(seconds=61)):
        portal.get("/status")
    assert _last_seen() == start + dt.timedelta(seconds=61)


def _last_seen() -> dt.datetime:
    from storage.models import PortalSession

    with storage.unit_of_work():
        (row,) = PortalSession.select()
        return row.last_seen_at


def test_a_cached_page_is_served_with_the_same_answer_as_a_rendered_one(portal, store):
    filing = register(missing=["photos"])
    portal.login(filing.number, filing.password)
    rendered, cached = portal.get("/status"), portal.get("/status")
    assert rendered.status_code == cached.status_code == 200
    assert rendered.get_data() == cached.get_data() and filing.display_number in cached.get_data(as_text=True)
    for name in ("Content-Type", "Cache-Control", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy",
                 "Strict-Transport-Security", "X-Content-Type-Options"):  # fmt: skip
        assert cached.headers[name] == rendered.headers[name], name
    assert "Set-Cookie" not in cached.headers


def test_a_forged_or_foreign_cookie_never_gets_a_cached_page(portal, store):
    filing = register()
    portal.login(filing.number, filing.password)
    assert portal.get("/status").status_code == 200  # now cached
    cookie = portal.client.get_cookie(COOKIE, domain="portal.test")
    forged = Portal(portal.app, address="198.51.100.33")
    forged.client.set_cookie(COOKIE, with_signature_changed(cookie.value), domain="portal.test", secure=True)
    assert forged.get("/status").status_code == 302
