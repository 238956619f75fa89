"""SMS pumping (issue 17, finding 3): fake holds from many addresses against genuine applicants
waiting for their codes, through nginx, with the real send loop and the simulated modem at 8 a minute.

The portal runs as production runs it (`python -m public_status serve` behind Debian's nginx with
.ci/nginx-portal.conf); `python -m sms_modem simulator` is the modem and `python -m sms_modem run
--per-minute 8` the send loop, on the same store. Each client connects from its own loopback
address, so nginx and the portal see it as a person of its own:

- attackers: `--attackers` addresses (default 50) in `--networks` /24s (default 10, 127.10.N.x),
  each keeping one session (one CSRF token) and asking for a code on a random free time with a random
  valid mobile number the moment the last answer came – and, when refused, again as soon as the
  answer's Retry-After allows (at most 15 s later);
- genuine applicants: `--genuine` people (default 20), each from a network of its own (127.20.N.1),
  arriving every `--every` seconds, who walk calendar → times → details, type for 10–25 s, ask for
  the code, read it from the text the simulated modem received (its log), and type it 8–20 s later.

Reported per genuine applicant: the time from "send code" (the hold) to the text handed to the modem
(the outbox's sent_at), and whether the visit was booked; per attacking network, the texts that went
out. Targets: every genuine code handed to the modem within 2 minutes and none expired unsent;
attacker texts at most 10 per network per hour.

    python -m bench.sms_pumping [--genuine 20] [--attackers 50] [--networks 10] [--every 12] [--pg URL]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import peewee as pw
from rich.console import Console
from rich.table import Table

from bench.nginx_front import CSRF, Client, free_port, nginx_front, portal_server, stopping
from bench.runs import add_store_argument, scratch_store

OFFICE = "GDA"
# Attackers book anything: groups an employer or an inviting person books for many (no one-a-day rule).
ATTACK_GROUPS = ("work_permit", "invitation", "case_question", "eu_registration")
GENUINE_GROUP = "filing"
TIME_LINK = re.compile(r'href="(/visit/details\?[^"]+)"')
DAY_LINK = re.compile(r'href="(/visit/times\?[^"]+)"')
SMS_LINE = re.compile(r"SMS to (\+\d+) \(ref \d+, \d+ chars\): .*?(\d{6})\s*$")
TYPING_S, READING_CODE_S = (10, 25), (8, 20)
CODE_WAIT_S = 12 * 60  # a person gives up on the text after this
PORTAL_URL = "https://okienko.example/"
TARGET_HANDOFF = dt.timedelta(minutes=2)
TARGET_PER_NETWORK_HOUR = 10


def attacker_address(i: int, networks: int) -> str:
    return f"127.10.{i % networks}.{i // networks + 1}"


def genuine_address(i: int) -> str:
    return f"127.20.{i}.1"


def genuine_mobile(i: int) -> str:
    return f"+48601100{i:03d}"


def random_mobile(rng: random.Random) -> str:
    return f"+48 50{rng.randint(0, 9)} {rng.randint(0, 999):03d} {rng.randint(0, 999):03d}"


# ---------------------------------------------------------------------- the store


def prepare_store(url: str) -> list[str]:
    """A fresh store; returns the details links of every free seat the attackers may aim at."""
    import storage
    from storage import portal, schema
    from storage.db import close_database

    storage.open_database(url)
    schema.init()
    storage.load_fixtures()
    first, last = portal.visit_window()
    links = []
    day = first
    while day <= last:
        for group in ATTACK_GROUPS:
            for slot in portal.visit_times(OFFICE, group, day):
                at = slot.starts_at.strftime("%Y-%m-%dT%H:%MZ")
                links.append(f"/visit/details?office={OFFICE}&group={group}&at={at}")
        day += dt.timedelta(days=1)
    close_database()
    return links


def figures_from_store(url: str, genuine: dict[int, dict], networks: int) -> dict:
    """Hand-off times of the genuine codes and the texts each attacking network got out."""
    from storage.db import close_database, open_database, unit_of_work
    from storage.models import SmsOutbox, Visit

    open_database(url)
    with unit_of_work():
        rows = list(
            SmsOutbox.select(SmsOutbox.state, SmsOutbox.sent_at, SmsOutbox.last_error, Visit.reference,
                             Visit.client_prefix, Visit.created_at, Visit.state.alias("visit_state"))
            .join(Visit)
            .dicts()
        )  # fmt: skip
        holds = dict(Visit.select(Visit.client_prefix, pw.fn.COUNT(Visit.id)).group_by(Visit.client_prefix).tuples())
    close_database()
    by_reference = collections.defaultdict(list)
    for row in rows:
        by_reference[row["reference"]].append(row)
    for person in genuine.values():
        texts = by_reference.get(person.get("reference"), [])
        sent = [r for r in texts if r["sent_at"] is not None]
        person["handoff_s"] = (sent[0]["sent_at"] - sent[0]["created_at"]).total_seconds() if sent else None
        person["expired_unsent"] = bool(texts) and not sent
    attack_prefixes = {f"127.10.{n}.0/24" for n in range(networks)}
    per_network = collections.Counter()
    queued_unsent = collections.Counter()
    for row in rows:
        if row["client_prefix"] in attack_prefixes:
            if row["sent_at"] is not None:
                per_network[row["client_prefix"]] += 1
            elif row["state"] in ("queued", "sending"):
                queued_unsent[row["client_prefix"]] += 1
    return {
        "per_network": {p: per_network.get(p, 0) for p in sorted(attack_prefixes)},
        "attack_unsent": {p: queued_unsent.get(p, 0) for p in sorted(attack_prefixes)},
        "attack_holds": {p: holds.get(p, 0) for p in sorted(attack_prefixes)},
    }


# ---------------------------------------------------------------------- the modem and the loop


class ModemLog:
    """The simulated modem's log: the texts it received, as the phones would show them."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def code_for(self, number: str) -> str | None:
        found = None
        with contextlib.suppress(FileNotFoundError), self.path.open(encoding="utf-8", errors="replace") as log:
            for line in log:
                match = SMS_LINE.search(line)
                if match and match[1] == number:
                    found = match[2]
        return found


@contextlib.contextmanager
def modem_and_loop(url: str, tmp: Path, per_minute: float):
    device_dir = tmp / "modem"
    env = {**os.environ, "OKIENKO_DB": url, "OKIENKO_PORTAL_URL": PORTAL_URL}
    sim_log = (tmp / "simulator.log").open("w")
    simulator = subprocess.Popen([sys.executable, "-m", "sms_modem", "simulator", "--dir", str(device_dir)],
                                 env=env, stdout=sim_log, stderr=subprocess.STDOUT)  # fmt: skip
    with stopping(simulator):
        device = device_dir / "ttyGSM0"
        deadline = time.monotonic() + 30
        while not device.exists():
            if time.monotonic() > deadline or simulator.poll() is not None:
                raise RuntimeError(f"the simulated modem did not start (log: {tmp / 'simulator.log'})")
            time.sleep(0.1)
        loop_log = (tmp / "loop.log").open("w")
        args = [sys.executable, "-m", "sms_modem", "run", "--port", str(device), "--per-minute", str(per_minute),
                "--quiet-hours", "off"]  # fmt: skip
        loop = subprocess.Popen(args, env=env, stdout=loop_log, stderr=subprocess.STDOUT)
        with stopping(loop):
            yield ModemLog(tmp / "simulator.log")


# ---------------------------------------------------------------------- the people


def attack(port: int, address: str, links: list[str], stop: threading.Event, out: collections.Counter, seed: int):
    rng = random.Random(seed)
    client = Client(port, address, timeout=60)
    while not stop.is_set():
        link = rng.choice(links)
        try:
            form = client.request("GET", link)
            token = CSRF.search(form.text)
            if not token:
                out[f"GET {form.status}"] += 1
                stop.wait(1)
                continue
            answer = client.request("POST", link, {"csrf_token": token[1], "name": "Jan Kowalski",
                                                   "phone": random_mobile(rng)})  # fmt: skip
        except OSError:
            out["connection error"] += 1
            stop.wait(1)
            continue
        out[answer.status] += 1
        if answer.status == 429:
            stop.wait(min(15, int(answer.getheader("Retry-After") or 1)))
    client.close()


def book_like_a_person(port: int, i: int, modem: ModemLog, out: dict, seed: int) -> None:
    rng = random.Random(seed)
    client = Client(port, genuine_address(i), timeout=60)
    person = out[i]
    try:
        days = client.request("GET", f"/visit/days?office={OFFICE}&group={GENUINE_GROUP}")
        day_links = [link.replace("&amp;", "&") for link in DAY_LINK.findall(days.text)]
        time.sleep(rng.uniform(1, 4))
        times = client.request("GET", rng.choice(day_links))
        time_links = [link.replace("&amp;", "&") for link in TIME_LINK.findall(times.text)]
        time.sleep(rng.uniform(1, 3))
        link = rng.choice(time_links)
        form = client.request("GET", link)
        time.sleep(rng.uniform(*TYPING_S))
        answer = client.request("POST", link, {"csrf_token": CSRF.search(form.text)[1], "name": f"Genuine Person {i}",
                                               "phone": genuine_mobile(i)})  # fmt: skip
        person["asked"] = answer.status
        if answer.status != 303:
            person["answer"] = answer.text[:200]
            return
        code_path = answer.getheader("Location")
        code_path = code_path[code_path.index("/visit/") :]
        person["reference"] = code_path.rsplit("/", 1)[1]
        asked_at = time.monotonic()
        code = None
        while time.monotonic() - asked_at < CODE_WAIT_S and code is None:
            time.sleep(1)
            code = modem.code_for(genuine_mobile(i))
        person["code_seen_s"] = time.monotonic() - asked_at if code else None
        if code is None:
            return
        page = client.request("GET", code_path)
        time.sleep(rng.uniform(*READING_CODE_S))
        done = client.request("POST", code_path, {"csrf_token": CSRF.search(page.text)[1], "code": code})
        person["confirmed"] = done.status
    finally:
        client.close()


# ---------------------------------------------------------------------- run and report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--genuine", type=int, default=20)
    parser.add_argument("--attackers", type=int, default=50)
    parser.add_argument("--networks", type=int, default=10)
    parser.add_argument("--every", type=float, default=12.0, help="seconds between genuine applicants' arrivals")
    parser.add_argument(
        "--head-start", type=float, default=30.0, help="seconds the attack runs before the first person"
    )
    parser.add_argument("--per-minute", type=float, default=8.0, help="the send loop's pace (a real modem: 6-10)")
    add_store_argument(parser)
    args = parser.parse_args()
    with scratch_store(args.pg, "pumping") as (tmp, url):
        print("preparing the store…", flush=True)
        links = prepare_store(url)
        port, upstream = free_port(), free_port()
        genuine: dict[int, dict] = {i: {} for i in range(args.genuine)}
        attack_answers: collections.Counter = collections.Counter()
        began = time.monotonic()
        with (
            modem_and_loop(url, tmp, args.per_minute) as modem,
            portal_server(url, upstream, tmp / "portal.log"),
            nginx_front(tmp / "nginx", port, upstream),
        ):
            stop = threading.Event()
            attackers = [
                threading.Thread(
                    target=attack,
                    args=(port, attacker_address(i, args.networks), links, stop, attack_answers, i),
                    daemon=True,
                )
                for i in range(args.attackers)
            ]
            for thread in attackers:
                thread.start()
            print(f"{args.attackers} attackers in {args.networks} networks; people arrive every {args.every:g} s…",
                  flush=True)  # fmt: skip
            time.sleep(args.head_start)
            people = []
            for i in range(args.genuine):
                person = threading.Thread(target=book_like_a_person, args=(port, i, modem, genuine, 1000 + i))
                person.start()
                people.append(person)
                time.sleep(args.every)
            for person in people:
                person.join()
            stop.set()
            for thread in attackers:
                thread.join(timeout=90)
        elapsed = time.monotonic() - began
        figures = figures_from_store(url, genuine, args.networks)
    report(genuine, figures, attack_answers, elapsed, args)


def report(genuine: dict[int, dict], figures: dict, attack_answers: collections.Counter, elapsed: float, args) -> None:
    console = Console()
    backend = "PostgreSQL" if args.pg else "SQLite"
    people = Table(
        title=f"Genuine applicants ({backend}, modem at {args.per_minute:g} texts/min, {elapsed / 60:.1f} min)"
    )
    for column in ("#", "asked", "code requested → handed to the modem (s)", "code on the phone after (s)", "booked"):
        people.add_column(column, justify="right")
    handoffs = []
    for i, person in genuine.items():
        handoff = person.get("handoff_s")
        if handoff is not None:
            handoffs.append(handoff)
        seen = person.get("code_seen_s")
        people.add_row(str(i + 1), str(person.get("asked", "–")), f"{handoff:.1f}" if handoff is not None else "–",
                       f"{seen:.1f}" if seen is not None else "–",
                       "yes" if person.get("confirmed") == 200 else str(person.get("confirmed", "no")))  # fmt: skip
    console.print(people)
    asked = [p for p in genuine.values() if p.get("asked") == 303]
    within = sum(1 for h in handoffs if h <= TARGET_HANDOFF.total_seconds())
    expired = sum(1 for p in genuine.values() if p.get("expired_unsent"))
    networks = Table(title="Attacking networks: holds taken and texts")
    networks.add_column("network")
    networks.add_column("holds taken", justify="right")
    networks.add_column("texts handed to the modem", justify="right")
    networks.add_column("still queued at the end", justify="right")
    worst = 0
    for prefix, sent in figures["per_network"].items():
        unsent = figures["attack_unsent"][prefix]
        worst = max(worst, sent + unsent)
        networks.add_row(prefix, str(figures["attack_holds"][prefix]), str(sent), str(unsent))
    console.print(networks)
    console.print(f"attack answers: {dict(sorted(attack_answers.items(), key=str))}")
    console.print(f"genuine: {len(asked)} of {len(genuine)} got a hold; handed to the modem within 2 min: "
                  f"{within} of {len(asked)} (target: all); expired unsent: {expired} (target: 0); "
                  f"longest {max(handoffs, default=float('nan')):.0f} s")  # fmt: skip
    console.print(f"attacker texts, sent or still queued: at most {worst} per network in {elapsed / 60:.1f} min "
                  f"(target ≤ {TARGET_PER_NETWORK_HOUR} per network per hour: the store lets a network have 8 "
                  "unconfirmed holds an hour, and these addresses have spent theirs for the day)")  # fmt: skip


if __name__ == "__main__":
    main()
