"""The front door's answer to a login flood: an address that keeps coming back while every password
check slot is taken is answered "busy" here, before Flask reads the request.

Measured straight at waitress (docs/measured.md, "The portal on several processes"): each "busy"
answered by the Flask view cost a few milliseconds of the interpreter, and a flood of 64 looping
addresses kept waitress's threads so busy that a logged-in applicant's status page waited 250 ms.
The rule is the store's (storage.portal.busy_before_asking: such an address may not take the
reserved slot, so the full login could only answer "busy" too); this layer only makes the answer
cheap: two small file reads and a page rendered once per language.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.http import parse_cookie

from public_status.i18n import COOKIE, choose
from public_status.views import busy_login_page
from storage import portal as store


class AnswerLoopingLoginsBusy:
    """WSGI middleware for `POST /login`. Everything else, and every login the store does not
    refuse up front, goes to the Flask app unchanged."""

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app, self.wsgi_app = app, wsgi_app
        self._pages: dict[tuple[str, str, int], tuple[bytes, list[tuple[str, str]]]] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/login" and environ.get("REQUEST_METHOD") == "POST":
            busy = store.busy_before_asking(environ.get("REMOTE_ADDR") or "?")
            if busy is not None:
                body, headers = self._page(environ, busy.retry_after)
                start_response("503 Service Unavailable", list(headers))
                return [body]
        return self.wsgi_app(environ, start_response)

    def _page(self, environ: dict, retry_after: int) -> tuple[bytes, list[tuple[str, str]]]:
        """The view's own busy page (views.busy_login_page), rendered once per language and prefix."""
        lang = choose(parse_cookie(environ).get(COOKIE), environ.get("HTTP_ACCEPT_LANGUAGE"))
        key = (lang, environ.get("SCRIPT_NAME", ""), retry_after)
        with self._lock:
            page = self._pages.get(key)
        if page is None:
            page = self._render(*key)
            with self._lock:
                self._pages[key] = page
        return page

    def _render(self, lang: str, script_name: str, retry_after: int) -> tuple[bytes, list[tuple[str, str]]]:
        cookie = {"Cookie": f"{COOKIE}={lang}"}
        with self.app.test_request_context(
            "/login", method="POST", headers=cookie, environ_overrides={"SCRIPT_NAME": script_name}
        ):
            response = busy_login_page(retry_after)
            return response.get_data(), [(name, value) for name, value in response.headers.items()]
