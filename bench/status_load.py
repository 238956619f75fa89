"""The applicants' status page under load, next to a bare Flask app in the same run.

Builds (or reuses) a store of 100,000 cases, starts the portal with its production server
(waitress) on loopback, logs 32 clients in, and drives GET /status with 32 concurrent
connections for a bounded time; then does the same against a bare Flask "hello" app with
the same waitress settings. Reports requests/s, p50 and p99 for both and the ratio.
Then floods one case number with wrong passwords and reports how many attempts per second
it absorbs and the server CPU each costs, before and after the throttle engages.

    python -m bench.status_load [--cases 100000] [--seconds 10] [--pg URL]

Load comes from wrk (apt-get install wrk), which is light enough to share two cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.nginx_front import free_port, wait_listening
from bench.runs import stops_cleanly

CLIENTS = 32
WARM_UP_S = 2
THREADS = int(os.environ.get("OKIENKO_BENCH_THREADS", "8"))
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def prepare_store(url: str, cases: int) -> list[tuple[str, str]]:
    """The bulk store plus CLIENTS real cases whose passwords we know."""
    import storage
    from bench.tui_scale import build
    from storage.db import close_database

    build(url, cases, random.Random(11))
    storage.open_database(url)
    from storage.models import LoginThrottle

    LoginThrottle.delete().execute()  # earlier runs' failures from this address would block the flood at once
    logins = []
    for i in range(CLIENTS + 1):
        if i == CLIENTS:
            os.environ["OKIENKO_BCRYPT_COST"] = "12"  # the flood's target: a real password hash
        filing = storage.register_filing(
            clerk=storage.list_clerks()[0].login,
            case_type="temp_work",
            applicant_name=f"Load Client {i}",
            missing=["photos", "fee_proof"],
        )
        storage.set_stage(filing.number, "formal_check", clerk=storage.list_clerks()[0].login)
        logins.append((filing.number, filing.password))
    # The hourly timer's work: the status page then shows the processing-time figure of its group
    # (temp_work at GDA has thousands of decided cases in the generated history).
    from storage.cases.processing_times import refresh_processing_times

    print(f"processing-time groups with figures: {refresh_processing_times()}")
    close_database()
    return logins


class Client:
    """One browser-like session over a keep-alive connection."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def login(self, number: str, password: str) -> int:
        _, page = self.request("GET", "/")
        token = CSRF.search(page).group(1)
        status, _ = self.request("POST", "/login", {"case_number": number, "password": password, "csrf_token": token})
        if status == 303:
            # A browser follows the login's redirect at once: the session's first page is rendered
            # here, as it is for an applicant, not in the measured run (where the 32 first pages at
            # its first instant, each rendered anew, put the run's p99 at 300–430 ms).
            self.request("GET", "/status")
        return status


WRK_SESSIONS = """cookies = {%s}
counter = 0
request = function()
  counter = counter + 1
  wrk.headers['Cookie'] = cookies[(counter %% #cookies) + 1]
  return wrk.format(nil)
end
"""


def wrk(url: str, seconds: int, cookies: list[str] | None) -> dict[str, float]:
    args = ["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", url]
    with tempfile.TemporaryDirectory() as tmp:
        if cookies:
            # Each request carries one of the sessions in turn: 32 logged-in applicants.
            script = Path(tmp) / "sessions.lua"
            script.write_text(WRK_SESSIONS % ",".join(f'"{c}"' for c in cookies), encoding="utf-8")
            args[1:1] = ["-s", str(script)]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        match = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": ms("50%"), "p99": ms("99%"), "errors": int(non2xx.group(1)) if non2xx else 0}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def flood(port: int, pid: int, number: str, seconds: float) -> list[tuple[str, int, float, float]]:
    """Wrong passwords at one case number from 4 threads; split into before/after the block."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def attack(i: int) -> None:
        client = Client(port)
        client.request("GET", "/lang/pl")
        _, page = client.request("GET", "/")
        token = CSRF.search(page).group(1)
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            status, _ = client.request(
                "POST", "/login", {"case_number": number, "password": "WRONG-PASS-WORD", "csrf_token": token}
            )
            with lock:
                results.append((status, time.perf_counter() - t0))

    cpu0 = cpu_seconds(pid)
    started = time.monotonic()
    threads = [threading.Thread(target=attack, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(pid) - cpu0
    unthrottled = [r for r in results if r[0] == 401]
    throttled = [r for r in results if r[0] == 429]
    busy = [r for r in results if r[0] == 503]
    return [
        ("checked (bcrypt, cost 12)", len(unthrottled), sum(d for _, d in unthrottled), 0.0),
        ("refused by the throttle", len(throttled), elapsed, cpu),
        ("answered busy (every check slot taken)", len(busy), elapsed, 0.0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sqlite", default="bench-data/status_load.sqlite3")
    parser.add_argument("--pg", help="PostgreSQL URL to use instead of SQLite")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the load (apt-get install wrk)")
    Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
    url = args.pg or f"sqlite:///{Path(args.sqlite).resolve()}"
    os.environ["OKIENKO_BCRYPT_COST"] = "4"  # the store's 33 known passwords: fast to make
    print(f"preparing a store of {args.cases:,} cases…", flush=True)
    logins = prepare_store(url, args.cases)
    os.environ["OKIENKO_BCRYPT_COST"] = "4"

    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_SECRET_KEY": "b" * 48, "OKIENKO_INSECURE_COOKIES": "1"}
    env["OKIENKO_BCRYPT_COST"] = "12"  # production cost for what the server itself hashes
    port, hello_port = free_port(), free_port()
    logs = Path(args.sqlite).parent
    portal_log, hello_log = (logs / "portal-server.log").open("w"), (logs / "hello-server.log").open("w")
    portal = subprocess.Popen(
        [sys.executable, "-m", "public_status", "serve", "--port", str(port), "--threads", str(THREADS)],
        env=env,
        stdout=portal_log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    hello = subprocess.Popen(
        [sys.executable, "-m", "bench.hello_app", str(hello_port), str(THREADS)],
        stdout=hello_log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_listening(port, portal, f"portal (log: {logs / 'portal-server.log'})", limit_s=30)
        wait_listening(hello_port, hello, f"bare app (log: {logs / 'hello-server.log'})", limit_s=30)
        cookies = []
        for number, password in logins[:CLIENTS]:
            client = Client(port)
            assert client.login(number, password) == 303, "login failed"
            cookies.append(client.cookie)
        print(f"driving /status and the bare app with {CLIENTS} connections for {args.seconds} s each…", flush=True)
        # First 2 s of each, reported apart: 32 connections opening at one instant and every waitress
        # thread's first database connection (measured: the slow requests of a run all fell in its
        # first half second, p99 137 ms against 50 ms for the next runs on the same server).
        status_opening = wrk(f"http://127.0.0.1:{port}/status", WARM_UP_S, cookies)
        status = wrk(f"http://127.0.0.1:{port}/status", args.seconds, cookies)
        bare_opening = wrk(f"http://127.0.0.1:{hello_port}/", WARM_UP_S, None)
        bare = wrk(f"http://127.0.0.1:{hello_port}/", args.seconds, None)
        print("flooding one case number with wrong passwords…", flush=True)
        flooded = flood(port, portal.pid, logins[CLIENTS][0], args.seconds)
    finally:
        portal.terminate()
        hello.terminate()

    backend = "PostgreSQL" if args.pg else "SQLite"
    table = Table(
        title=f"Status page vs bare Flask, waitress {THREADS} threads, {CLIENTS} connections – {backend}, "
        f"{args.cases:,} cases"
    )
    for column in ("app", "requests/s", "p50 ms", "p99 ms", "non-2xx"):
        table.add_column(column, justify="right" if column != "app" else "left")
    table.add_row(
        "status page (logged in)",
        f"{status['rps']:.0f}",
        f"{status['p50']:.1f}",
        f"{status['p99']:.1f}",
        str(status["errors"]),
    )
    table.add_row(
        "bare Flask hello", f"{bare['rps']:.0f}", f"{bare['p50']:.1f}", f"{bare['p99']:.1f}", str(bare["errors"])
    )
    table.add_row("ratio status / bare", f"{status['rps'] / bare['rps']:.0%}", "", "", "")
    for label, opening in (("status page, its first 2 s", status_opening), ("bare Flask, its first 2 s", bare_opening)):
        table.add_row(label, f"{opening['rps']:.0f}", f"{opening['p50']:.1f}", f"{opening['p99']:.1f}",
                      str(opening["errors"]))  # fmt: skip
    Console().print(table)

    flood_table = Table(title="Wrong passwords at one case number (4 attackers on loopback)")
    for column in ("answer", "attempts", "attempts/s", "server CPU ms per attempt"):
        flood_table.add_column(column, justify="right" if column != "answer" else "left")
    (label_ok, n_ok, busy_ok, _), (label_blocked, n_blocked, elapsed, cpu), (label_busy, n_busy, _, _) = flooded
    flood_table.add_row(label_ok, str(n_ok), "–", f"≈{busy_ok / max(n_ok, 1) * 1000:.0f} (wall, per check)")
    flood_table.add_row(
        label_blocked, str(n_blocked), f"{n_blocked / elapsed:.0f}", f"{cpu / max(n_blocked, 1) * 1000:.2f}"
    )
    flood_table.add_row(label_busy, str(n_busy), f"{n_busy / elapsed:.0f}", "–")
    Console().print(flood_table)


if __name__ == "__main__":
    stops_cleanly(main)
