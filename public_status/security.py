"""Response headers and the applicant's session: a new server-side session at each login,
checked on every request (logout, idle and absolute limits, a re-issued password end it)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from flask import Flask, current_app, flash, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _

from public_status.page_cache import SESSION_CHECK
from storage import portal as store

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders:
    """WSGI middleware: the headers above on every answer the app gives, and `Cache-Control:
    no-store` on every error answer (CSRF, too large, throttled, busy, unavailable may carry a
    form or a session's state). At the WSGI level because werkzeug's header object made
    setting them in `after_request` a tenth of the status page's time."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def with_headers(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value in HEADERS.items() if name.lower() not in present)
            if status[:1] in "45":
                headers[:] = [(n, v) for n, v in headers if n.lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            return start_response(status, headers) if exc_info is None else start_response(status, headers, exc_info)

        return self.app(environ, with_headers)


class CachedSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once instead of per request."""

    @functools.cache  # noqa: B019 - one interface per app, alive as long as the app
    def get_signing_serializer(self, app: Flask):
        return super().get_signing_serializer(app)


def start_session(case_number: str, credential_version: int) -> None:
    """A brand-new session (nothing carried over from before login: no fixation). The cookie
    holds only the session's random token; the session itself lives in the database."""
    session.clear()
    session["sid"] = store.start_session(
        case_number, credential_version, idle_seconds=_idle(), absolute_seconds=_absolute()
    )
    session.permanent = True


def current_case(app: Flask) -> store.SessionCheck | None:
    """The logged-in case, or None when there is none or it has ended (the cookie is then cleared).
    A session ended by a re-issued password leaves a message for the next page."""
    token = session.get("sid")
    if not token:
        return None
    early = request.environ.get(SESSION_CHECK)
    if early is not None and early[0] == token:
        check = early[1]  # checked moments ago by ServeCachedStatus, on this same request
    else:
        check = store.check_session(token, idle_seconds=_idle(), absolute_seconds=_absolute())
    if check.ended is None:
        return check
    app.extensions["okienko_pages"].drop_session(token)
    session.clear()
    if check.ended == store.ENDED_REPLACED:
        flash(_("Your session has ended because the password was changed. Please log in with the new password."))
    return None


def end_session() -> None:
    """Logout: the server forgets the session, so no copy of the cookie opens it again."""
    token = session.get("sid")
    if token:
        store.end_session(token)
        current_app.extensions["okienko_pages"].drop_session(token)
    session.clear()


def _idle() -> int:
    return current_app.config["OKIENKO_IDLE_SECONDS"]


def _absolute() -> int:
    return current_app.config["OKIENKO_ABSOLUTE_SECONDS"]
