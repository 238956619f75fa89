"""Portal fixtures: the Flask app on the test store, and a client that speaks HTTPS.

With OKIENKO_TEST_PORTAL_FLEET=1 (the fleet pass of `make test`; by hand:
`OKIENKO_TEST_PORTAL_FLEET=1 .venv/bin/pytest tests/portal/test_sessions.py`), the tests that use the `portal`
client on PostgreSQL run against two portal processes behind nginx instead (tests/portal/fleet.py):
`portal_app` is then the fleet, and `Portal(portal_app, address)` a browser speaking HTTP to it.
Only those tests run in that pass; the ones that need the app in this process are marked
`in_process_portal` with the reason and skipped there."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import db as storage_db
from tests import pg
from tests.helpers import Store, open_store
from tests.portal.browser import chromium, phone_page, serve_portal
from tests.portal.fleet import Fleet, FleetBrowser, fleet_request, running_fleet

SECRET = "test-secret-key-" + "x" * 40
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FLEET_MODE = os.environ.get("OKIENKO_TEST_PORTAL_FLEET", "").strip() == "1"
HERE = Path(__file__).resolve().parent


class Portal:
    """Flask's test client over https://, so Secure cookies are sent back as a browser would.
    On a fleet (the fleet pass's `portal_app`) it is a FleetPortal."""

    def __new__(cls, app, address: str = "203.0.113.7"):
        if cls is Portal and isinstance(app, Fleet):
            return super().__new__(FleetPortal)
        return super().__new__(cls)

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


class FleetPortal(Portal):
    """A Portal whose requests go over HTTP to the fleet's nginx from a loopback address standing
    for `address`; its answers offer what the tests read from werkzeug's TestResponse."""

    def __init__(self, app: Fleet, address: str = "203.0.113.7") -> None:
        self.app = app
        self.address = address
        self.client = FleetBrowser(app.port, app.source_for(address))

    @property
    def source(self) -> str:
        """The loopback address nginx sees (and forwards to the portal) for this client."""
        return self.client.source

    def get(self, path: str, **kw):
        return fleet_request(self.client, "GET", path, kw)

    def post(self, path: str, **kw):
        return fleet_request(self.client, "POST", path, kw)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The fleet pass runs the portal tests that use the `portal` client on PostgreSQL, and skips
    (saying why) those marked `in_process_portal`; the other tests ran in the ordinary pass (which
    `make test` runs with `-m "not fleet"`, leaving test_fleet.py to this one)."""
    if not FLEET_MODE:
        return
    kept, dropped = [], []
    for item in items:
        if HERE not in Path(item.path).parents:
            kept.append(item)
            continue
        uses_portal = "portal" in item.fixturenames or "portal_app" in item.fixturenames
        on_postgres = getattr(item, "callspec", None) is not None and item.callspec.params.get("store") == "postgresql"
        if item.get_closest_marker("fleet") or (uses_portal and on_postgres):
            kept.append(item)
            marker = item.get_closest_marker("in_process_portal")
            if marker:
                item.add_marker(pytest.mark.skip(reason=f"needs the portal in this process: {marker.args[0]}"))
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def fleet(pg_template, tmp_path_factory) -> Iterator[Fleet]:
    """Two portal processes and nginx on a database of their own, started once per test process."""
    name, url = pg.create_database(pg_template)
    try:
        with running_fleet(url, tmp_path_factory.mktemp("fleet"), SECRET) as running:
            yield running
    finally:
        storage_db.close_database()
        pg.drop_database(name)


def _on_fleet(request: pytest.FixtureRequest) -> bool:
    return request.param == "postgresql" and (
        "fleet" in request.fixturenames
        or (FLEET_MODE and ("portal" in request.fixturenames or "portal_app" in request.fixturenames))
    )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch) -> Iterator[Store]:
    """As tests/conftest.py's; on the fleet (its tests, or the fleet pass) the fleet's database,
    put back to the prepared store before the test."""
    if not _on_fleet(request):
        yield from open_store(request.param, request, tmp_path, monkeypatch)
        return
    running: Fleet = request.getfixturevalue("fleet")
    storage_db.close_database()
    running.new_test()
    monkeypatch.setenv("OKIENKO_DB", running.db_url)
    storage.open_database(running.db_url)
    try:
        yield Store("postgresql", running.db_url)
    finally:
        storage_db.close_database()


@pytest.fixture
def portal_app(request, store):
    if FLEET_MODE and store.backend == "postgresql":
        return request.getfixturevalue("fleet")
    return create_app(PortalSettings(secret_key=SECRET))


@pytest.fixture
def portal(portal_app) -> Portal:
    return Portal(portal_app)


@pytest.fixture(scope="module")
def module_chromium():
    """One chromium for a module's browser tests (each start cost about a second of CPU), each test in a
    context of its own. Module-scoped, not per process: Playwright's sync API marks its event loop as
    running between calls, which would stop the clerk app's Pilot tests that a test process runs later."""
    with chromium() as browser:
        yield browser


@pytest.fixture
def browser_page(server, module_chromium):
    """A 360-px phone's page in chromium, JavaScript off."""
    with phone_page(module_chromium) as page:
        yield page


@pytest.fixture
def server(store):
    """The portal served by its production entry point on the test store: its base URL."""
    with serve_portal(store.url) as port:
        yield f"http://127.0.0.1:{port}"


def with_signature_changed(value: str) -> str:
    """A signed cookie (or any itsdangerous token) with one character of its signature replaced.
    Never the last character: the last base64 character of a 20-byte HMAC carries two padding
    bits, so a neighbour there ("A" for "B") decodes to the very same signature. Two tests that
    changed the last characters passed for months and then failed on CI, one of them in about
    one run in sixteen."""
    at = len(value) - 6
    return value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]
