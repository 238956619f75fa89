"""The portal on 1, 2 and 4 worker processes behind nginx, on one PostgreSQL, in one run.

For each worker count the portal is started as production runs it (`python -m public_status serve
--workers K` behind Debian's nginx with .ci/nginx-portal.conf). 32 logged-in applicants read /status
through nginx, and 32 connections read the booking calendar (the page everyone asks for when a day's
slots open) straight at the portal's port, since nginx lets one address read /visit only 60 times a
minute. wrk drives each for a fixed time. The counts take turns over several rounds (3 by default);
the table gives the median requests/s, p50 and p99 of each count, its median throughput as a multiple
of one process's, and that multiple in each round (the machines are shared: only figures of one run
compare, and one 10-second figure swings by a fifth).

    python -m bench.scale --pg postgresql://postgres@127.0.0.1:54329/okienko_scale [--cases 20000] [--seconds 10]
        [--workers 1,2,4] [--rounds 3]

Beside each figure: the cores the portal's processes used and the cores the whole machine was busy
(the rest went to PostgreSQL, nginx and wrk on the same cores), read from /proc over the measurement.

Needs wrk and nginx (apt-get install wrk nginx).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.nginx_front import nginx_front, stopping, wait_listening
from bench.runs import stops_cleanly
from bench.status_load import CLIENTS, WARM_UP_S, Client, cpu_seconds, free_port, prepare_store, wrk

THREADS = 8
TICKS = os.sysconf("SC_CLK_TCK")


def child_pids(parent: int) -> list[int]:
    """The portal's worker processes (none with --workers 1: the supervisor serves itself)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):  # a process that ended while the list was read
            continue
    return found


def portal_cpu_seconds(parent: int) -> float:
    total = 0.0
    for pid in (parent, *child_pids(parent)):
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue
    return total


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idling (the first line of /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICKS


def measured_with_cpu(portal_pid: int, url: str, seconds: int, cookies: list[str] | None) -> dict[str, float]:
    """wrk's figures and where the cores went meanwhile: the portal's processes and the whole machine
    (the rest is PostgreSQL, nginx and wrk itself, all on the same cores)."""
    portal0, machine0, started = portal_cpu_seconds(portal_pid), machine_busy_seconds(), time.monotonic()
    figures = wrk(url, seconds, cookies)
    elapsed = time.monotonic() - started
    figures["portal_cores"] = (portal_cpu_seconds(portal_pid) - portal0) / elapsed
    figures["busy_cores"] = (machine_busy_seconds() - machine0) / elapsed
    return figures


def measure(url: str, workers: int, logins: list[tuple[str, str]], seconds: int, calendar: str) -> dict[str, dict]:
    port, front = free_port(), free_port()
    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_SECRET_KEY": "s" * 48, "OKIENKO_INSECURE_COOKIES": "1",
           "OKIENKO_PROXY_HOPS": "1", "OKIENKO_TRUSTED_PROXY": "127.0.0.1"}  # fmt: skip
    args = [sys.executable, "-m", "public_status", "serve", "--port", str(port), "--threads", str(THREADS),
            "--workers", str(workers)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, (Path(tmp) / "portal.log").open("w") as log:
        portal = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        with stopping(portal), nginx_front(Path(tmp) / "nginx", front, port):
            wait_listening(port, portal, "portal")
            cookies = []
            # Logged in straight at the portal: nginx lets one address log in only a few times a minute.
            for number, password in logins[:CLIENTS]:
                client = Client(port)
                assert client.login(number, password) == 303, "login failed"
                cookies.append(client.cookie)
            status, calendar_url = f"http://127.0.0.1:{front}/status", f"http://127.0.0.1:{port}{calendar}"
            # Each measured run follows 2 s not counted: connections opening and every worker's first
            # pages and database connections (bench/status_load.py reports those seconds apart).
            wrk(status, WARM_UP_S, cookies)
            measured = {"status": measured_with_cpu(portal.pid, status, seconds, cookies)}
            # Straight at the portal's port: nginx lets one address read /visit 60 times a minute,
            # and wrk sends from one address.
            wrk(calendar_url, WARM_UP_S, None)
            measured["calendar"] = measured_with_cpu(portal.pid, calendar_url, seconds, None)
            return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", required=True, help="PostgreSQL URL of a database the bench may fill")
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", default="1,2,4", help="worker counts to compare (default 1,2,4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every count; medians are reported")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is needed (apt-get install {tool})")
    counts = [int(part) for part in args.workers.split(",")]
    os.environ["OKIENKO_BCRYPT_COST"] = "4"  # the bench's known passwords: fast to make
    print(f"preparing a store of {args.cases:,} cases…", flush=True)
    logins = prepare_store(args.pg, args.cases)
    calendar = "/visit/days?office=GDA&group=filing"
    # The counts take turns, round after round: one process's figure swings by a fifth between
    # 10-second runs on a shared machine, and a ratio against one lucky or unlucky run says little.
    rounds: dict[int, list[dict[str, dict]]] = {workers: [] for workers in counts}
    for round_no in range(1, args.rounds + 1):
        for workers in counts:
            print(f"round {round_no}/{args.rounds}, {workers} worker process(es): /status and the calendar, "
                  f"{args.seconds} s each…", flush=True)  # fmt: skip
            rounds[workers].append(measure(args.pg, workers, logins, args.seconds, calendar))
    print_table(rounds, counts, args.cases)
    if args.json:
        Path(args.json).write_text(json.dumps({str(k): v for k, v in rounds.items()}, indent=1), encoding="utf-8")


def print_table(rounds: dict[int, list[dict[str, dict]]], counts: list[int], cases: int) -> None:
    runs = len(rounds[counts[0]])
    table = Table(title=f"Portal behind nginx on PostgreSQL, {THREADS} threads per process, {CLIENTS} connections, "
                  f"{cases:,} cases, {os.cpu_count()} cores; medians of {runs} rounds")  # fmt: skip
    columns = ("page", "processes", "requests/s", "× one process", "× in each round", "p50 ms", "p99 ms", "non-2xx",
               "portal CPU (cores)", f"machine busy (of {os.cpu_count()} cores)")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column == "page" else "right")
    for page in ("status", "calendar"):
        one = [run[page]["rps"] for run in rounds[counts[0]]]
        for workers in counts:
            got = [run[page] for run in rounds[workers]]
            each = " / ".join(f"{run['rps'] / base:.2f}" for run, base in zip(got, one, strict=True))
            median = {key: statistics.median(run[key] for run in got) for key in got[0]}
            table.add_row(page, str(workers), f"{median['rps']:.0f}", f"{median['rps'] / statistics.median(one):.2f}",
                          each, f"{median['p50']:.1f}", f"{median['p99']:.1f}", str(sum(run["errors"] for run in got)),
                          f"{median['portal_cores']:.2f}", f"{median['busy_cores']:.2f}")  # fmt: skip
    Console(width=160).print(table)


if __name__ == "__main__":
    stops_cleanly(main)
