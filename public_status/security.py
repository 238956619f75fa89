"""Response headers and the applicant's session: rotation at login, idle and absolute limits,
and the credential version that ends sessions when the office re-issues a password."""

from __future__ import annotations

import secrets
import time

from flask import Flask, Response, session

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def start_session(case_number: str, credential_version: int) -> None:
    """A brand-new session (nothing carried over from before login: no fixation)."""
    session.clear()
    now = int(time.time())
    session["sid"] = secrets.token_urlsafe(16)
    session["case"] = case_number
    session["cv"] = credential_version
    session["login_at"] = now
    session["seen"] = now
    session.permanent = True


def current_case(app: Flask) -> tuple[str, int] | None:
    """The logged-in case, or None when there is none or it timed out (the session is then cleared)."""
    if "case" not in session:
        return None
    now = int(time.time())
    idle = app.config["OKIENKO_IDLE_SECONDS"]
    absolute = app.config["OKIENKO_ABSOLUTE_SECONDS"]
    if now - session.get("seen", 0) > idle or now - session.get("login_at", 0) > absolute:
        session.clear()
        return None
    # Re-signing the cookie on every request costs time; a minute's precision is enough.
    if now - session.get("seen", 0) >= 60:
        session["seen"] = now
    return session["case"], session["cv"]
