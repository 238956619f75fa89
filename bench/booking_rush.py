"""The moment a day's visit slots open: 500 clients at once fetch the calendar and try to book.

The portal runs as production runs it: `python -m public_status serve` (waitress, 8 threads)
behind Debian's nginx with the repository's config (.ci/nginx-portal.conf), each client connecting
from its own loopback address so nginx and the portal see 500 different people (the booking limits
are per address and per phone). `--front direct` skips nginx and sends each client's address in
X-Forwarded-For instead. Every client has its own mobile number and its own keep-alive connection,
and walks the applicant's path:

    calendar (month of days) → times of the new day → details form → POST name and mobile
    → code page → POST the code read from the SMS outbox (as the phone would receive it)

all released together at one moment on the newest day of the booking window (the day that
"opens" at midnight). Meanwhile 16 logged-in applicants read their status pages, the page the
rest of the portal is measured by, so the two are side by side from the same run.

Two kinds of client (`--think`): `human` (the default) pauses as a person on a phone does between
pages – a few seconds to choose a day and a time, 10–25 s to type a name and a mobile number,
8–20 s for the SMS to arrive and its code to be typed – while the first page is asked for by all
500 in the same second. `none` sends each next request the moment the last one is answered, as a
script would: then every client always has a request waiting, and by Little's law each waits about
clients ÷ throughput, whatever the server does per request (docs/measured.md, "Booking rush").

Reported: p50/p99 of each page and of the confirm step, answers by HTTP code, bookings made vs
seats, and double bookings (two active visits on one seat, or more visits in a slot than desks),
counted in the store afterwards.

    python -m bench.booking_rush [--clients 500] [--think human|none] [--front nginx|direct] [--pg URL]

Targets (issue 11): p99 under 1 s for every step, zero double bookings.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import multiprocessing
import os
import random
import re
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.nginx_front import CSRF, Client, free_port, nginx_front, portal_server
from bench.runs import Tally, add_store_argument, percentile, queued_code, scratch_store, start_threads

OFFICE, GROUP = "GDA", "filing"
READERS = 16  # logged-in applicants reading /status during the rush
READER_THINK_S = 0.25
STEPS = ("calendar", "times", "details form", "request code", "code page", "confirm")
TIME_LINK = re.compile(r'href="(/visit/details\?[^"]+)"')
CODE_WAIT_S = 10  # how long a client looks for its SMS in the outbox
# A person's pauses (seconds, uniform between the two) before the next request: after the calendar,
# after the times, typing name and mobile, waiting for the SMS and typing its code, and reading
# "this time is no longer free" before looking at the times again.
HUMAN_THINK_S = {"day": (1, 4), "time": (1, 3), "typing": (10, 25), "code": (8, 20), "taken": (1, 3)}


def client_address(i: int, front: str = "direct") -> str:
    """Behind nginx: a loopback source address of its own; direct: an address for X-Forwarded-For.
    Each client in a network (/24) of its own, as people at home and on their phones are: clients
    sharing a /24 meet its limit of unconfirmed holds (storage.visits.limits) as soon as a loaded
    machine lets more than ten of them hold before any confirms – the limit doing its job, not the
    rush this bench measures (bench/sms_pumping.py measures the limit)."""
    if front == "nginx":
        return f"127.{3 + i // 250}.{i % 250}.1"
    return f"10.{i // 250 % 250}.{i % 250}.1"


def mobile(i: int) -> str:
    """A distinct, valid Polish mobile number per client (the 501 range is mobile)."""
    return f"+48 501 {i // 1000:03d} {i % 1000:03d}"


# ---------------------------------------------------------------------- the store


def prepare_store(url: str) -> dict:
    import storage
    from storage import portal, schema
    from storage.db import close_database

    storage.open_database(url)
    schema.init()
    storage.load_fixtures()
    if not storage.list_clerks():
        storage.create_clerk("bench", "Bench Clerk", "GDA", "clerk", "bench-password-1")
    os.environ["OKIENKO_BCRYPT_COST"] = "4"
    readers = []
    for i in range(READERS):
        filing = storage.register_filing(clerk="bench", case_type="temp_work", applicant_name=f"Reader {i}")
        readers.append((filing.number, filing.password))
    # The newest open day of the window: the one whose slots "opened" at midnight.
    today = dt.date.today()
    days = [d for month in _months(today) for d in portal.visit_days(OFFICE, GROUP, month=month)]
    open_days = [d for d in days if d.open and d.free > 0]
    if not open_days:
        raise SystemExit("no open day in the booking window")
    day = open_days[-1]
    seats = sum(t.free for t in portal.visit_times(OFFICE, GROUP, day.day))
    close_database()
    return {"readers": readers, "day": day.day.isoformat(), "seats": seats}


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    second = (first + dt.timedelta(days=32)).replace(day=1)
    return [first, second]


def count_in_store(url: str, day: str) -> dict:
    """Bookings of the day, and the two ways a seat could be given twice: one seat number twice in a
    slot, or more active visits in a slot than it has desks."""
    from storage.db import close_database, open_database, unit_of_work
    from storage.models import SEAT_STATES, Visit

    open_database(url)
    desks = _desks(OFFICE, GROUP)
    with unit_of_work():
        active = list(
            Visit.select(Visit.starts_at, Visit.seat, Visit.state).where(
                Visit.office == OFFICE,
                Visit.group == GROUP,
                Visit.visit_day == dt.date.fromisoformat(day),
                Visit.state.in_(SEAT_STATES),
            )
        )
    close_database()
    seats = collections.Counter((v.starts_at, v.seat) for v in active)
    per_slot = collections.Counter(v.starts_at for v in active)
    return {
        "booked": sum(1 for v in active if v.state == "booked"),
        "held_left": sum(1 for v in active if v.state == "held"),
        "seat_twice": sum(1 for n in seats.values() if n > 1),
        "overfull_slots": sum(1 for n in per_slot.values() if n > desks),
        "desks": desks,
    }


def _desks(office: str, group: str) -> int:
    import tomllib

    data = tomllib.loads((Path(__file__).resolve().parent.parent / "fixtures" / "visit_groups.toml").read_text())
    entry = next(g for g in data["group"] if g["code"] == group)
    return next(o["desks"] for o in entry["offices"] if o["code"] == office)


# ---------------------------------------------------------------------- the rush (one process per share)


class ForwardedClient(Client):
    """Behind nginx: a client from its own loopback address. Direct: from 127.0.0.1 with its own
    address in X-Forwarded-For, as nginx would send it."""

    def __init__(self, port: int, address: str) -> None:
        behind_nginx = address.startswith("127.")
        super().__init__(port, address if behind_nginx else "127.0.0.1", timeout=60)
        self.forwarded = {} if behind_nginx else {"X-Forwarded-For": address}

    def timed(self, method: str, path: str, form: dict | None = None):
        began = time.perf_counter()
        response = self.request(method, path, form, headers=self.forwarded)
        return response, time.perf_counter() - began


def rush(port: int, url: str, indexes: list[int], day: str, start_at: float, results, think: str, front: str) -> None:
    """One process's share of clients, each a thread with its own connection and phone."""
    os.environ["OKIENKO_DB"] = url
    from storage.db import open_database

    open_database(url)
    month = day[:7]
    timings: dict[str, list[float]] = collections.defaultdict(list)
    codes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    outcome: collections.Counter = collections.Counter()
    lock = threading.Lock()

    def record(step: str, status, took: float) -> None:
        with lock:
            timings[step].append(took)
            codes[step][status] += 1

    def one(i: int) -> None:
        rng = random.Random(i)

        def pause(kind: str) -> None:
            if think == "human":
                time.sleep(rng.uniform(*HUMAN_THINK_S[kind]))

        client = ForwardedClient(port, client_address(i, front))
        base = f"office={OFFICE}&group={GROUP}"
        try:
            time.sleep(max(0.0, start_at - time.time()))
            response, took = client.timed("GET", f"/visit/days?{base}&month={month}")
            record("calendar", response.status, took)
            pause("day")
            for attempt in range(3):  # a person whose time was taken picks another, twice at most
                if attempt:
                    pause("taken")
                response, took = client.timed("GET", f"/visit/times?{base}&day={day}")
                record("times", response.status, took)
                links = TIME_LINK.findall(response.text)
                if not links:
                    with lock:
                        outcome["no free time left"] += 1
                    return
                # Most people take one of the first times shown; some scroll down.
                link = links[min(int(rng.expovariate(0.25)), len(links) - 1)].replace("&amp;", "&")
                pause("time")
                response, took = client.timed("GET", link)
                record("details form", response.status, took)
                token = CSRF.search(response.text)
                if response.status == 404:  # "this time cannot be booked": taken since the times page
                    continue
                if not token:
                    with lock:
                        outcome[f"details form {response.status}"] += 1
                    return
                form = {"csrf_token": token[1], "name": f"Rush Client {i}", "phone": mobile(i)}
                pause("typing")
                response, took = client.timed("POST", link, form)
                record("request code", response.status, took)
                if response.status == 409:
                    continue
                if response.status != 303:
                    with lock:
                        outcome[f"request code {response.status}"] += 1
                    return
                code_path = response.getheader("Location").split("://", 1)[-1]
                code_path = code_path[code_path.index("/visit/") :] if "/visit/" in code_path else code_path
                response, took = client.timed("GET", code_path)
                record("code page", response.status, took)
                reference = code_path.rsplit("/", 1)[-1]
                code = _wait_for_code(reference)
                if code is None:
                    with lock:
                        outcome["no SMS in the outbox"] += 1
                    return
                token = CSRF.search(response.text)
                pause("code")
                response, took = client.timed("POST", code_path, {"csrf_token": token[1], "code": code})
                record("confirm", response.status, took)
                if response.status == 200:
                    with lock:
                        outcome["booked"] += 1
                    return
                if response.status != 409:
                    with lock:
                        outcome[f"confirm {response.status}"] += 1
                    return
            with lock:
                outcome["gave up after 3 taken times"] += 1
        except OSError as exc:
            with lock:
                outcome[f"error {type(exc).__name__}"] += 1
        finally:
            client.close()

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in indexes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    results.put({"timings": dict(timings), "codes": {k: dict(v) for k, v in codes.items()}, "outcome": dict(outcome)})


def _wait_for_code(reference: str) -> str | None:
    deadline = time.monotonic() + CODE_WAIT_S
    while time.monotonic() < deadline:
        code = queued_code(reference)
        if code:
            return code
        time.sleep(0.05)
    return None


# ---------------------------------------------------------------------- status readers (this process)


def read_status(port: int, readers: list[tuple[str, str]], stop: threading.Event, out: dict, front: str) -> None:
    tally = Tally()
    clients = []
    for i, (number, password) in enumerate(readers):
        client = ForwardedClient(port, f"127.0.4.{i + 1}" if front == "nginx" else f"10.200.0.{i + 1}")
        if client.login(number, password, headers=client.forwarded).status != 303:
            raise SystemExit("a status reader could not log in")
        clients.append(client)

    def loop(client: ForwardedClient) -> None:
        while not stop.is_set():
            try:
                response, took = client.timed("GET", "/status")
                status = response.status
            except OSError as exc:
                status, took = f"error {type(exc).__name__}", float("nan")
            tally.add(took, status)
            stop.wait(READER_THINK_S)

    threads = start_threads(loop, clients)
    out["ready"].set()
    for thread in threads:
        thread.join()
    out.update(latencies=tally.latencies, codes=dict(tally.codes))


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--processes", type=int, default=4, help="client processes (threads share them)")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--think", choices=("human", "none"), default="human",
                        help="human: a person's pauses between pages (default); none: a script's")  # fmt: skip
    parser.add_argument("--front", choices=("nginx", "direct"), default="nginx",
                        help="nginx: via nginx with the repository config (default); direct: no nginx")  # fmt: skip
    add_store_argument(parser)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    os.environ.setdefault("OKIENKO_BCRYPT_COST", "4")
    with scratch_store(args.pg, "rush") as (tmp, url):
        print("preparing the store…", flush=True)
        prepared = prepare_store(url)
        port, upstream = free_port(), free_port()
        with contextlib.ExitStack() as servers:
            if args.front == "nginx":
                servers.enter_context(portal_server(url, upstream, tmp / "portal.log", threads=args.threads))
                servers.enter_context(nginx_front(tmp / "nginx", port, upstream))
            else:
                servers.enter_context(portal_server(url, port, tmp / "portal.log", threads=args.threads))
            figures = run(port, url, prepared, args)
        figures.update(count_in_store(url, prepared["day"]))
    figures["backend"] = "PostgreSQL" if args.pg else "SQLite"
    figures["think"], figures["front"] = args.think, args.front
    report(figures, args)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


def run(port: int, url: str, prepared: dict, args) -> dict:
    stop, status_out = threading.Event(), {"ready": threading.Event()}
    reader = threading.Thread(target=read_status, args=(port, prepared["readers"], stop, status_out, args.front),
                              daemon=True)  # fmt: skip
    reader.start()
    status_out["ready"].wait(60)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    start_at = time.time() + 3.0 + args.processes  # every process and thread waiting when the day opens
    shares = [list(range(p, args.clients, args.processes)) for p in range(args.processes)]
    print(f"{args.clients} clients in {args.processes} processes; the day {prepared['day']} opens…", flush=True)
    procs = [
        context.Process(target=rush, args=(port, url, share, prepared["day"], start_at, queue, args.think, args.front))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    parts = [queue.get(timeout=900) for _ in procs]
    elapsed = time.time() - start_at
    for proc in procs:
        proc.join()
    stop.set()
    reader.join()
    timings: dict[str, list[float]] = collections.defaultdict(list)
    codes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    outcome: collections.Counter = collections.Counter()
    for part in parts:
        for step, values in part["timings"].items():
            timings[step].extend(values)
        for step, counted in part["codes"].items():
            codes[step].update(counted)
        outcome.update(part["outcome"])
    return {
        "clients": args.clients,
        "threads": args.threads,
        "day": prepared["day"],
        "seats": prepared["seats"],
        "elapsed_s": elapsed,
        "steps": {
            step: {
                "n": len(timings[step]),
                "p50_ms": percentile(timings[step], 0.5) * 1000,
                "p99_ms": percentile(timings[step], 0.99) * 1000,
                "codes": dict(codes[step]),
            }
            for step in STEPS
        },
        "status": {
            "n": len(status_out["latencies"]),
            "p50_ms": percentile(status_out["latencies"], 0.5) * 1000,
            "p99_ms": percentile(status_out["latencies"], 0.99) * 1000,
            "codes": status_out["codes"],
        },
        "outcome": dict(outcome),
    }


def report(figures: dict, args) -> None:
    table = Table(
        title=f"Booking rush – {figures['clients']} clients ({figures['think']} pauses), waitress "
        f"{figures['threads']} threads{' behind nginx' if figures['front'] == 'nginx' else ''}, "
        f"{figures['backend']}, day {figures['day']} ({figures['elapsed_s']:.1f} s)"
    )
    for column in ("step", "requests", "p50 ms", "p99 ms", "answers by HTTP code"):
        table.add_column(column, justify="left" if column in ("step", "answers by HTTP code") else "right")
    rows = [(step, figures["steps"][step]) for step in STEPS] + [("status page (16 readers)", figures["status"])]
    for step, row in rows:
        answers = ", ".join(f"{code}: {n}" for code, n in sorted(row["codes"].items(), key=lambda kv: str(kv[0])))
        table.add_row(step, str(row["n"]), f"{row['p50_ms']:.0f}", f"{row['p99_ms']:.0f}", answers)
    console = Console()
    console.print(table)
    summary = Table(title="Seats")
    columns = ("seats on the day", "bookings made", "holds left", "a seat twice", "slots over their desks",
               "clients' outcomes")  # fmt: skip
    for column in columns:
        summary.add_column(column, justify="right" if column != "clients' outcomes" else "left")
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(figures["outcome"].items()))
    summary.add_row(str(figures["seats"]), str(figures["booked"]), str(figures["held_left"]),
                    str(figures["seat_twice"]), str(figures["overfull_slots"]), outcomes)  # fmt: skip
    console.print(summary)
    worst = max(row["p99_ms"] for _, row in rows if row["n"])
    print(f"target p99 < 1000 ms per step: {'met' if worst < 1000 else 'MISSED'} (worst {worst:.0f} ms); "
          f"double bookings: {figures['seat_twice'] + figures['overfull_slots']}")  # fmt: skip


if __name__ == "__main__":
    main()
