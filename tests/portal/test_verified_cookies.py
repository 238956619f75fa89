"""The cached status page checks a session cookie's signature once per process: what it keeps
must refuse exactly what itsdangerous refuses – a changed cookie, and one older than the limit
even after it was accepted once."""

from __future__ import annotations

import time

import pytest

from public_status import page_cache
from public_status.page_cache import VerifiedCookies
from tests.portal.conftest import with_signature_changed


@pytest.fixture
def serializer(portal_app):
    return portal_app.session_interface.get_signing_serializer(portal_app)


def test_a_cookie_is_read_once_and_a_changed_one_is_refused(serializer, monkeypatch):
    cookies = VerifiedCookies()
    raw = serializer.dumps({"sid": "token-1"})
    assert cookies.read(raw, serializer, max_age=60) == ("token-1", False)
    checks = []
    monkeypatch.setattr(serializer, "loads", lambda *a, **k: checks.append(a) or pytest.fail("checked again"))
    assert cookies.read(raw, serializer, max_age=60) == ("token-1", False)
    assert checks == []
    monkeypatch.undo()
    assert cookies.read(with_signature_changed(raw), serializer, max_age=60) is None
    assert cookies.read(serializer.dumps({"sid": "token-2", "_flashes": [("m", "x")]}), serializer, 60) == (
        "token-2",
        True,
    )


def test_an_accepted_cookie_is_refused_once_it_is_older_than_the_limit(serializer, monkeypatch):
    cookies = VerifiedCookies()
    raw = serializer.dumps({"sid": "token-3"})
    assert cookies.read(raw, serializer, max_age=60) == ("token-3", False)
    now = time.time()
    monkeypatch.setattr(page_cache.time, "time", lambda: now + 61)
    assert cookies.read(raw, serializer, max_age=60) is None
    monkeypatch.setattr(page_cache.time, "time", lambda: now - 5)  # signed "in the future": refused too
    assert cookies.read(raw, serializer, max_age=60) is None


def test_at_most_max_entries_are_kept(serializer):
    cookies = VerifiedCookies(max_entries=2)
    for n in range(3):
        assert cookies.read(serializer.dumps({"sid": f"token-{n}"}), serializer, max_age=60) is not None
    assert len(cookies._seen) == 2
