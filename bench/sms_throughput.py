"""Texts per second through the whole send loop (claim → python-gsmmodem-new → modem →
record), with the simulated modem answering at once, on SQLite and PostgreSQL.

The baseline, in the same run, is the same library and modem without the database: the
bare `ModemLink.send` in a loop. The ratio shows what the outbox bookkeeping costs.
Target: at least 20 texts/s, so the software never holds back a real modem (6-10 a minute).

    python -m bench.sms_throughput [--texts 300] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OKIENKO_BCRYPT_COST", "4")

from rich.console import Console
from rich.table import Table

import storage
from sms_modem.loop import LoopSettings, SendLoop
from sms_modem.modem import ModemLink
from sms_modem.simulator import SimulatedModem
from storage import schema
from storage.db import close_database
from storage.delivery import sms_outbox as outbox

TEXT = "Urzad Wojewodzki, Oddzial ds. Cudzoziemcow: zmienil sie etap Twojej sprawy. Szczegoly w portalu https://okienko.example/status"


def queue_texts(url: str, count: int) -> None:
    storage.open_database(url)
    schema.migrate()
    storage.load_fixtures()
    if not any(c.login == "bench" for c in storage.list_clerks()):
        storage.create_clerk("bench", "Bench Clerk", "GDA", "clerk", "bench-password")
    for i in range(count):
        filing = storage.register_filing(clerk="bench", case_type="temp_work", applicant_name=f"Bench {i}",
                                         phone=f"+48 503 {i // 1000:03d} {i % 1000:03d}", language="pl")  # fmt: skip
        storage.set_stage(filing.number, "formal_check", clerk="bench")


def through_loop(url: str, port: str, count: int) -> float:
    storage.open_database(url)
    settings = LoopSettings(port=port, per_minute=0, quiet=None, prompt_timeout_s=2, body_timeout_s=2,
                            network_timeout_s=10, owner="bench")  # fmt: skip
    loop = SendLoop(settings)
    loop.link.open()  # connecting (about a second) is not what is measured
    started = time.perf_counter()
    sent = loop.run(once=True)
    elapsed = time.perf_counter() - started
    assert sent == count, f"sent {sent} of {count}: {outbox.counts()}"
    close_database()
    return sent / elapsed


def bare_library(port: str, count: int) -> float:
    link = ModemLink(port, prompt_timeout=2, body_timeout=2, network_timeout=10)
    link.open()
    started = time.perf_counter()
    for i in range(count):
        link.send(f"+48504{i:06d}", TEXT)
    elapsed = time.perf_counter() - started
    link.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--pg", default=os.environ.get("OKIENKO_BENCH_PG"), help="an empty PostgreSQL database URL")
    args = parser.parse_args()
    modem = SimulatedModem().start()
    modem.faults.delivery_reports = True
    rows = []
    try:
        baseline = bare_library(modem.path, args.texts)
        rows.append(("library alone (no database): baseline", baseline))
        with tempfile.TemporaryDirectory() as tmp:
            targets = [("whole loop, SQLite", f"sqlite:///{Path(tmp) / 'sms.sqlite3'}")]
            if args.pg:
                targets.append(("whole loop, PostgreSQL", args.pg))
            for label, url in targets:
                queue_texts(url, args.texts)
                close_database()
                rows.append((label, through_loop(url, modem.path, args.texts)))
    finally:
        modem.stop()
    table = Table(title=f"{args.texts} texts through the simulated modem (answering at once)")
    table.add_column("path")
    table.add_column("texts/s", justify="right")
    table.add_column("× baseline", justify="right")
    table.add_column("≥ 20/s", justify="center")
    for label, rate in rows:
        table.add_row(label, f"{rate:.0f}", f"{rate / baseline:.2f}", "yes" if rate >= 20 else "NO")
    Console().print(table)


if __name__ == "__main__":
    main()
