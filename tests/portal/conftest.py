"""Portal fixtures: the Flask app on the test store, and a client that speaks HTTPS."""

from __future__ import annotations

import re

import pytest

from public_status.app import create_app
from public_status.settings import PortalSettings
from tests.portal.browser import phone_browser, serve_portal

SECRET = "test-secret-key-" + "x" * 40
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Portal:
    """Flask's test client over https://, so Secure cookies are sent back as a browser would."""

    def __init__(self, app, address: str = "203.0.113.7") -> None:
        self.app = app
        self.client = app.test_client()
        self.address = address

    def _kw(self, kw: dict) -> dict:
        kw.setdefault("base_url", "https://portal.test")
        kw.setdefault("environ_base", {"REMOTE_ADDR": self.address})
        return kw

    def get(self, path: str, **kw):
        return self.client.get(path, **self._kw(kw))

    def post(self, path: str, **kw):
        return self.client.post(path, **self._kw(kw))

    def csrf(self, path: str = "/") -> str:
        match = CSRF.search(self.get(path).get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def login(self, number: str, password: str, lang: str | None = None):
        if lang:
            self.get(f"/lang/{lang}")
        return self.post("/login", data={"case_number": number, "password": password, "csrf_token": self.csrf()})

    def logout(self):
        return self.post("/logout", data={"csrf_token": self.csrf("/status")})


@pytest.fixture
def portal_app(store):
    return create_app(PortalSettings(secret_key=SECRET))


@pytest.fixture
def portal(portal_app) -> Portal:
    return Portal(portal_app)


@pytest.fixture
def browser_page(server):
    """A 360-px phone's page in chromium, JavaScript off."""
    with phone_browser() as page:
        yield page


@pytest.fixture
def server(store):
    """The portal served by its production entry point on the test store: its base URL."""
    with serve_portal(store.url) as port:
        yield f"http://127.0.0.1:{port}"
