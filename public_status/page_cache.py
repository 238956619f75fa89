"""Rendered status pages, kept per session until the case changes.

An entry belongs to one session (its id is in the key, and the page carries that session's
CSRF token), one credential version and one language; it is served only while the case's
public version is the one it was rendered from, and for at most ten minutes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie

from public_status.i18n import COOKIE, choose
from storage import portal as store

# Where the early check leaves its outcome for the Flask view, so the session is read once per request.
SESSION_CHECK = "okienko.session_check"

MAX_ENTRIES = 4096
TTL_S = 600


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, ttl_s: float = TTL_S) -> None:
        self._pages: OrderedDict[tuple, tuple[int, float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries, self.ttl_s = max_entries, ttl_s

    def get(self, key: tuple, public_version: int) -> str | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            version, expires, html = entry
            if version != public_version or expires < time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return html

    def put(self, key: tuple, public_version: int, html: str) -> None:
        with self._lock:
            self._pages[key] = (public_version, time.monotonic() + self.ttl_s, html)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def drop_session(self, sid: str) -> None:
        with self._lock:
            for key in [k for k in self._pages if k[0] == sid]:
                del self._pages[key]


class VerifiedCookies:
    """Session cookies whose signature was checked, by their exact text. The same text carries the
    same signature, so it is checked once per process: the HMAC, its key derivation and the payload's
    decoding were a third of the CPU of a cached status page (profiled). The age limit is applied on
    every use, as itsdangerous applies it; only cookies that passed are kept, at most MAX_ENTRIES."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._seen: OrderedDict[str, tuple[str | None, bool, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def read(self, raw: str, serializer: Any, max_age: int) -> tuple[str | None, bool] | None:
        """(session token, whether a message waits in the cookie), or None for a cookie that is
        forged, broken or older than `max_age` seconds."""
        with self._lock:
            entry = self._seen.get(raw)
            if entry is not None:
                self._seen.move_to_end(raw)
        if entry is None:
            try:
                data, signed_at = serializer.loads(raw, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return None
            if not isinstance(data, dict):
                return None
            entry = (data.get("sid"), "_flashes" in data, int(signed_at.timestamp()))
            with self._lock:
                self._seen[raw] = entry
                while len(self._seen) > self.max_entries:
                    self._seen.popitem(last=False)
        elif not 0 <= int(time.time()) - entry[2] <= max_age:
            return None
        return entry[0], entry[1]


class ServeCachedStatus:
    """WSGI middleware: a logged-in applicant's GET /status whose page is in the cache is answered
    here, before Flask's request machinery (which cost more than everything else on that path).

    It does what the Flask view does on that path – verify the signed session cookie, check the
    session in the database (ended sessions are never served), pick the language, look the page
    up – and hands everything else to the Flask app: no cookie, a message waiting to be shown,
    an ended session, a page not in the cache or no longer current, the database unreachable.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self._verified = VerifiedCookies()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/status" and environ.get("REQUEST_METHOD") == "GET":
            html = self._cached_page(environ)
            if html is not None:
                body = html.encode("utf-8")
                start_response("200 OK", [
                    ("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store"), ("Pragma", "no-cache"), ("Vary", "Cookie"),
                ])  # fmt: skip
                return [body]
        return self.wsgi_app(environ, start_response)

    def _cached_page(self, environ: dict) -> str | None:
        app = self.app
        cookies = parse_cookie(environ)
        raw = cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not raw:
            return None
        serializer = app.session_interface.get_signing_serializer(app)
        verified = self._verified.read(raw, serializer, int(app.permanent_session_lifetime.total_seconds()))
        if verified is None:
            return None
        token, has_flashes = verified
        if not token or has_flashes:
            return None
        try:
            check = store.check_session(
                token, idle_seconds=app.config["OKIENKO_IDLE_SECONDS"],
                absolute_seconds=app.config["OKIENKO_ABSOLUTE_SECONDS"],
            )  # fmt: skip
        except store.StoreUnavailable:
            return None  # the Flask app answers with its 503 page
        environ[SESSION_CHECK] = (token, check)
        if check.ended is not None:
            return None
        lang = choose(cookies.get(COOKIE), environ.get("HTTP_ACCEPT_LANGUAGE"))
        key = (token, check.number, check.credential_version, lang)
        return app.extensions["okienko_pages"].get(key, check.public_version)
