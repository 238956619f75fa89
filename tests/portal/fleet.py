"""The portal as a fleet (issue 21): two separate portal processes – the production entry point,
one secret key – on one PostgreSQL database, behind one nginx that lists both in its upstream and
hands each request to the next one in turn. `FleetPortal` is a browser speaking HTTP to that nginx
from a loopback address of its own, with the same methods as the in-process `Portal`, so the
portal tests can run against the fleet (OKIENKO_TEST_PORTAL_FLEET=1, tests/portal/conftest.py).

The fleet is started once per test process; between tests the database is put back to the
prepared store (every table emptied and refilled from a snapshot), and each test's clients get
loopback addresses never used before, so nginx's per-address limits and the portal's per-address
throttles start clean without restarting anything."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg2
from werkzeug.datastructures import Headers

from bench.nginx_front import Client, free_port, nginx_front, portal_server
from storage.models import ALL_MODELS

PROCESSES = 2
# nginx's own per-address limits are raised (as tests/portal/test_nginx.py does for logins) so
# that what the tests meet is the portal's own throttles behind it, on every process.
FLEET_RATE = "1000r/s"
ACCESS_LINE = re.compile(r'^(?P<source>\S+) .*?"(?P<request>[^"]*)" (?P<status>\d{3}) .* upstream=(?P<upstream>\S+)$')


@dataclasses.dataclass(frozen=True)
class Answer:
    """One request as nginx's access log recorded it: who asked, what, and which process answered."""

    source: str
    request: str
    status: int
    upstream: str


class StoreSnapshot:
    """Every table's rows (and every sequence's position) of a prepared store, to put back between
    tests: much cheaper than a new database, which would need new portal processes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.tables = [model._meta.table_name for model in ALL_MODELS]  # parents before children
        self.rows: dict[str, bytes] = {}
        with contextlib.closing(psycopg2.connect(url)) as conn, conn.cursor() as cur:
            for table in self.tables:
                buffer = io.BytesIO()
                cur.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                self.rows[table] = buffer.getvalue()
            cur.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
            self.sequences = cur.fetchall()

    def restore(self) -> None:
        with contextlib.closing(psycopg2.connect(self.url)) as conn, conn.cursor() as cur:
            # A portal connection left inside a transaction would hold the rows forever: fail instead.
            cur.execute("SET lock_timeout = '20s'")
            # Putting rows back, not changing the store: no triggers (the audit trail refuses
            # deletes; the rows put back satisfy every foreign key). DELETE, not TRUNCATE: on
            # tables this small it costs a few ms, TRUNCATE (new files for every table) far more.
            cur.execute("SET session_replication_role = replica")
            for table in reversed(self.tables):
                cur.execute(f'DELETE FROM "{table}"')
            for table in self.tables:
                cur.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(self.rows[table]))
            for schema, sequence, last_value in self.sequences:
                name = f'"{schema}"."{sequence}"'
                if last_value is None:
                    cur.execute("SELECT setval(%s::regclass, 1, false)", (name,))
                else:
                    cur.execute("SELECT setval(%s::regclass, %s, true)", (name, last_value))
            conn.commit()


@dataclasses.dataclass
class Fleet:
    """nginx on `port` in front of the portal processes listening on `upstream_ports`."""

    db_url: str
    port: int
    upstream_ports: list[int]
    nginx_prefix: Path
    portal_logs: list[Path]
    snapshot: StoreSnapshot
    _networks: dict[str, str] = dataclasses.field(default_factory=dict)
    _next_network: Iterator[int] = dataclasses.field(default_factory=itertools.count)

    def new_test(self) -> None:
        """The prepared store back, and fresh client addresses for the next test."""
        self.snapshot.restore()
        self._networks.clear()

    def source_for(self, address: str) -> str:
        """The loopback address standing for the client address a test names (a test's
        "203.0.113.7"): the same one within a test, a network never used before in a new test.
        The portal counts some limits per network (IPv4 /24), so each /24 a test names gets a
        /24 of loopback addresses of its own, the last byte kept: addresses that share a network
        in the test share one through nginx, and others do not."""
        network, _, host = address.rpartition(".")
        if not network or not host.isdigit():
            raise ValueError(f"a fleet client needs an IPv4 address, not {address!r}")
        if network not in self._networks:
            n = next(self._next_network)
            self._networks[network] = f"127.{1 + n // 256}.{n % 256}"
        return f"{self._networks[network]}.{host}"

    @property
    def upstreams(self) -> list[str]:
        """The processes as nginx's access log names them."""
        return [f"127.0.0.1:{port}" for port in self.upstream_ports]

    def answers(self, source: str, count: int, limit_s: float = 30) -> list[Answer]:
        """The access log's lines for requests from `source`, once there are at least `count`
        of them (nginx writes a line just after sending the answer, so it may lag by a moment)."""
        deadline = time.monotonic() + limit_s
        while True:
            found = []
            for line in (self.nginx_prefix / "access.log").read_text(encoding="utf-8").splitlines():
                match = ACCESS_LINE.match(line)
                if match and match["source"] == source:
                    found.append(Answer(source, match["request"], int(match["status"]), match["upstream"]))
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@contextlib.contextmanager
def running_fleet(db_url: str, workdir: Path, secret_key: str) -> Iterator[Fleet]:
    """`PROCESSES` portal processes on `db_url` (production settings: Secure cookies, one trusted
    proxy hop) behind one nginx; the store at `db_url` must be prepared already."""
    snapshot = StoreSnapshot(db_url)
    ports = [free_port() for _ in range(PROCESSES)]
    logs = [workdir / f"portal-{i + 1}.log" for i in range(PROCESSES)]
    with contextlib.ExitStack() as running:
        for port, log in zip(ports, logs, strict=True):
            running.enter_context(
                portal_server(db_url, port, log, threads=4, OKIENKO_SECRET_KEY=secret_key, OKIENKO_INSECURE_COOKIES="0")
            )
        nginx_port = free_port()
        running.enter_context(nginx_front(workdir / "nginx", nginx_port, ports, FLEET_RATE, FLEET_RATE))
        yield Fleet(db_url, nginx_port, ports, workdir / "nginx", logs, snapshot)


@dataclasses.dataclass
class Cookie:
    key: str
    value: str


class FleetBrowser(Client):
    """The bench client (keep-alive connection from its own address, cookies kept as a browser
    keeps them) with the two cookie methods the tests use from werkzeug's test client.

    The portal runs with production settings, so its cookies are marked Secure: a browser sends
    them back because it talks https to the TLS front. nginx here is plain http on loopback and
    stands for that front, so this browser sends them back too."""

    sent = 0  # requests sent, to wait for as many lines in nginx's access log

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        self.sent += 1
        return super().request(method, path, form, headers)

    def get_cookie(self, key: str, domain: str = "", path: str = "/") -> Cookie | None:
        return Cookie(key, self.cookies[key]) if key in self.cookies else None

    def set_cookie(self, key: str, value: str = "", **_where: object) -> None:
        self.cookies[key] = value


class FleetResponse:
    """What the tests read from werkzeug's TestResponse, for an answer that came over HTTP."""

    def __init__(self, answer) -> None:
        self.status_code: int = answer.status
        self.status = f"{answer.status} {answer.reason}"
        self.headers = Headers(answer.getheaders())
        self.data: bytes = answer.text.encode("utf-8")

    def get_data(self, as_text: bool = False) -> bytes | str:
        return self.data.decode("utf-8") if as_text else self.data

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def location(self) -> str | None:
        return self.headers.get("Location")

    @property
    def mimetype(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";", 1)[0].strip()

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def fleet_request(browser: FleetBrowser, method: str, path: str, kw: dict[str, Any]) -> FleetResponse:
    data, headers = kw.pop("data", None), kw.pop("headers", None)
    kw.pop("base_url", None)  # always the fleet's nginx
    if kw:
        raise TypeError(f"FleetPortal.{method.lower()}() does not take {', '.join(sorted(kw))}")
    return FleetResponse(browser.request(method, path, data, headers))
