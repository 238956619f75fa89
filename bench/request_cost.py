"""Where each portal request's CPU goes: the status page and the booking pages, in-process, next to a
bare Flask app in the same run, each with its heaviest functions from cProfile.

The portal's WSGI app is called directly (no server, no sockets), so the figures are the request's own
CPU – what a waitress thread spends between reading a request and writing its answer – and they hold on
a noisy machine: each is CPU time of this process (`time.process_time`), and the last column divides it
by the bare Flask "hello" request measured in the same run.

    python -m bench.request_cost [--requests 2000] [--top 8] [--db URL]

Without --db it builds a small SQLite store in a temporary folder (catalogues, one clerk, one case).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OKIENKO_BCRYPT_COST", "4")

from flask import Flask
from rich.console import Console
from rich.table import Table
from werkzeug.test import Client, EnvironBuilder

from public_status.page_cache import PageCache

OFFICE, GROUP = "GDA", "filing"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIME_LINK = re.compile(r'href="(/visit/details\?[^"]+)"')
BASE = "https://portal.example"
HERE = Path(__file__).resolve().parent.parent


def _hello() -> Flask:
    app = Flask("hello")
    app.add_url_rule("/", "hello", lambda: "hello")
    return app


def _call(app: Callable, environ: dict) -> str:
    """One request through the WSGI app, its body read to the end as a server would."""
    status: list[str] = []

    def start_response(line: str, headers: list, exc_info: object = None) -> None:
        status.append(line)

    answer = app(dict(environ), start_response)
    try:
        b"".join(answer)
    finally:
        getattr(answer, "close", lambda: None)()
    return status[0]


def _environ(path: str, cookie: str = "", address: str = "203.0.113.9") -> dict:
    headers = {"Cookie": cookie} if cookie else {}
    return EnvironBuilder(
        path=path, base_url=BASE, headers=headers, environ_base={"REMOTE_ADDR": address}
    ).get_environ()


def prepare(url: str) -> dict:
    """The store (catalogues, a clerk, one case) and the requests to measure, as environ dicts."""
    import storage
    from public_status.app import create_app
    from public_status.settings import PortalSettings
    from storage import portal, schema

    storage.open_database(url)
    schema.init()
    storage.load_fixtures()
    if not storage.list_clerks():
        storage.create_clerk("bench", "Bench Clerk", OFFICE, "clerk", "bench-password-1")
    filing = storage.register_filing(clerk=storage.list_clerks()[0].login, case_type="temp_work",
                                     applicant_name="Bench Person", language="en", missing=["photos"])  # fmt: skip
    today = dt.date.today()
    months = [today.replace(day=1), (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)]
    days = [d for month in months for d in portal.visit_days(OFFICE, GROUP, month=month) if d.open and d.free > 0]
    if not days:
        raise SystemExit("no open day in the booking window")
    day = days[-1].day

    app = create_app(PortalSettings(secret_key="bench-secret-" + "x" * 40))
    client = Client(app)
    client_kw = {"base_url": BASE, "environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    token = CSRF.search(client.get("/", **client_kw).get_data(as_text=True))[1]
    login = client.post("/login", data={"case_number": filing.number, "password": filing.password,
                                        "csrf_token": token}, **client_kw)  # fmt: skip
    assert login.status_code == 303, login.status_code
    cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
    assert _call(app, _environ("/status", cookie)).startswith("200")  # now in the page cache
    base = f"office={OFFICE}&group={GROUP}"
    times = client.get(f"/visit/times?{base}&day={day.isoformat()}", **client_kw).get_data(as_text=True)
    details = TIME_LINK.findall(times)[0].replace("&amp;", "&")
    return {
        "app": app,
        "pages": {
            "status (cached page)": _environ("/status", cookie),
            "status (rendered)": _environ("/status", cookie),
            "calendar": _environ(f"/visit/days?{base}&month={day:%Y-%m}"),
            "times": _environ(f"/visit/times?{base}&day={day.isoformat()}"),
            "details form": _environ(details),
            "information page": _environ("/info/temp_work"),
        },
    }


def measure(app: Callable, environ: dict, requests: int) -> float:
    """CPU µs per request of this process (its threads included)."""
    started = time.process_time()
    for _ in range(requests):
        _call(app, environ)
    return (time.process_time() - started) / requests * 1e6


def heaviest(app: Callable, environ: dict, requests: int, top: int) -> list[str]:
    """The portal's and the store's own functions that hold most of the request's time under cProfile
    (time spent inside them, callees included), as 'share% name', leaving out the outer layers that
    every request passes through."""
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        _call(app, environ)
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values()) or 1.0
    ours = [
        (row[3] / total, name, file.replace(str(HERE) + "/", ""), line)
        for (file, line, name), row in stats.items()
        if file.startswith(str(HERE)) and "/bench/" not in file and "/site-packages/" not in file
    ]
    inner = sorted((item for item in ours if item[0] < 0.9), reverse=True)
    return [f"{share:4.0%} {name} ({where}:{line})" for share, name, where, line in inner[:top]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per page (and again under cProfile)")
    parser.add_argument("--top", type=int, default=8, help="functions shown per page")
    parser.add_argument("--db", help="store URL (default: a new SQLite store in a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        prepared = prepare(args.db or f"sqlite:///{Path(folder) / 'okienko.sqlite3'}")
        app, pages = prepared["app"], prepared["pages"]
        kept_pages = app.extensions["okienko_pages"]
        hello, hello_environ = _hello(), EnvironBuilder(path="/", base_url="http://x").get_environ()
        measure(hello, hello_environ, args.requests)  # warm
        baseline = measure(hello, hello_environ, args.requests)
        table = Table(title=f"CPU per request, in-process ({args.requests} requests each)")
        for column in ("page", "µs CPU", "× bare Flask", "where the time goes (cProfile, callees included)"):
            table.add_column(column, justify="right" if column.startswith(("µs", "×")) else "left")
        table.add_row("bare Flask hello", f"{baseline:.0f}", "1.00", "")
        for name, environ in pages.items():
            # The rendered status page: a page cache that keeps nothing, as after each case change.
            app.extensions["okienko_pages"] = PageCache(max_entries=0) if name == "status (rendered)" else kept_pages
            measure(app, environ, max(50, args.requests // 10))  # warm
            cost = measure(app, environ, args.requests)
            top = heaviest(app, environ, args.requests, args.top)
            table.add_row(name, f"{cost:.0f}", f"{cost / baseline:.2f}", "\n".join(top))
        again = measure(hello, hello_environ, args.requests)
        table.caption = f"bare Flask measured before and after: {baseline:.0f} and {again:.0f} µs"
        Console(width=200).print(table)


if __name__ == "__main__":
    main()
