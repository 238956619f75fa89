"""How the clerk app's worklist queries behave on a store of 1,000,000 cases.

Builds the store with bulk inserts (bcrypt for a million rows would take days and is not
what is measured), then times the storage calls exactly as the TUI issues them: the first
worklist page, the next page, the deadline-ordered page, a stage filter, "registered today",
"mine", search by case number, by any word of the name (one word, two words, accents
folded) and by external reference; and the head of unit's report
(storage.cases.report) over the cases' stage history, which the build also writes. Each figure is the median (and p95)
of repeated calls; the last column is the ratio to a primary-key lookup in the same run,
which stays comparable on a noisy shared machine.

    python -m bench.tui_scale                      # SQLite in bench-data/, 1,000,000 cases
    python -m bench.tui_scale --pg URL             # also PostgreSQL (a database it may fill)
    python -m bench.tui_scale --cases 100000       # smaller

Building a million cases takes minutes: it shows its progress (storage.admin.progress: a bar on a
terminal, plain lines in a log) and commits whole batches, so Ctrl+C keeps what is done and the same
command run again continues from there.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OKIENKO_BCRYPT_COST", "4")

import peewee as pw
from peewee import fn
from rich.console import Console
from rich.table import Table

import storage
from bench.runs import stops_cleanly
from storage import case_numbers, schema
from storage.admin.progress import Interrupted, Progress, number, working
from storage.cases.name_search import index_rows
from storage.db import close_database, database, write_transaction
from storage.models import Case, CaseNameToken, CaseNumberCounter, Stage, StageHistory
from storage.text import surname_key

SURNAMES = [
    "Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchuk", "Lysenko", "Kazlou", "Novikava",
    "Beridze", "Kapanadze", "Sharma", "Nair", "Santos", "Nguyen", "Tran", "Karimov", "Yilmaz", "Rodriguez", "Gomez",
    "Okafor", "Khan", "Zhang", "Rakhimova", "Sargsyan", "Ivanova", "Marchenko", "Koval", "Fernandez", "Thapa",
    "Ševčenko", "Łozińska", "Dąbrowski", "Nguyễn",
]  # fmt: skip
GIVEN = ["Olena", "Andrii", "Iryna", "Mykola", "Nino", "Rahul", "Priya", "Maria", "Jose", "Minh", "Aigerim", "Mehmet",
         "Hanna", "Thi Lan", "Fatima Zahra"]  # fmt: skip
BATCH = 5000  # rows per transaction (cases; history takes four times as many cases)
BULK_SERIALS_FROM = 500_000


def build(url: str, count: int, rng: random.Random, *, batch: int = BATCH) -> None:
    """A store of `count` cases with their stage history. A kept store is topped up: the cases it
    lacks, then the history of the cases that have none, each batch one transaction; so an
    interrupted build (Interrupted, saying how far it got) continues where it stopped."""
    storage.open_database(url)
    schema.migrate()  # creates an empty store, or brings a kept one up to date
    storage.load_fixtures()
    if not storage.list_clerks():
        storage.create_clerk("bench", "Bench Clerk", "GDA", "clerk", "bench-password")
    have = Case.select().count()
    if have < count:
        if have:
            print(f"  {have:,} cases already there, adding {count - have:,}", flush=True)
        _add_cases(have, count, rng, batch)
    _add_history(rng, batch)
    # Fresh planner statistics, as an administrator's nightly ANALYZE would leave them.
    with working("ANALYZE"):
        database.execute_sql("ANALYZE")


def _last_serials() -> dict[int, int]:
    """Each year's last serial so far. Bulk cases start at 500,001, above what desks number by hand;
    a resumed build goes on from its committed batches' counters, or, in a store whose build stopped
    before the counters were kept with each batch, from the highest number its cases carry."""
    last = collections.defaultdict(lambda: BULK_SERIALS_FROM)
    for year, serial in CaseNumberCounter.select().tuples():
        last[year] = max(last[year], serial)
    # The canonical number is two digits of the year, the serial, a check digit.
    year_digits = fn.SUBSTR(Case.number, 1, 2)
    serial = pw.Cast(fn.SUBSTR(Case.number, 3, fn.LENGTH(Case.number) - 3), "INTEGER")
    for yy, highest in Case.select(year_digits, fn.MAX(serial)).group_by(year_digits).tuples():
        year = 2000 + int(yy)
        last[year] = max(last[year], highest)
    return last


def _add_cases(have: int, count: int, rng: random.Random, batch: int) -> None:
    clerk_id = storage.list_clerks()[0].id
    types = [t.code for t in storage.case_types()]
    deadlines = {t.code: t.deadline_days for t in storage.case_types()}
    stages = [s.code for s in storage.stages()]
    dummy_hash = "$2b$04$" + "x" * 53
    today = storage.today_in_warsaw()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    serial_by_year = _last_serials()
    stored = have
    try:
        with Progress("sprawy", "spraw", count - have) as shown:
            for start in range(have, count, batch):
                rows = []
                for _ in range(start, min(start + batch, count)):
                    filed = today - dt.timedelta(days=rng.randrange(0, 6 * 365))
                    year = filed.year
                    serial_by_year[year] += 1
                    name = f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}{rng.randrange(1000):03d}"
                    stage = rng.choice(stages)
                    ctype = rng.choice(types)
                    rows.append(
                        {
                            "number": case_numbers.compose(year, serial_by_year[year]),
                            "case_type": ctype,
                            "office": "GDA" if rng.random() < 0.7 else "SLU",
                            "channel": "electronic" if rng.random() < 0.3 else "in_person",
                            "external_ref": f"MOS/{year}/{rng.randrange(10**7):07d}" if rng.random() < 0.3 else None,
                            "filed_on": filed,
                            "applicant_name": name,
                            "surname_key": surname_key(name),
                            "phone": None,
                            "language": "uk",
                            "password_hash": dummy_hash,
                            "stage": stage,
                            "stage_changed_at": now,
                            "deadline_on": filed + dt.timedelta(days=deadlines[ctype]),
                            "closed": stage == "closed" or filed < today - dt.timedelta(days=400),
                            "created_by": clerk_id,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                # The cases, their name words and the number counters together: all of a batch or none.
                with write_transaction():
                    last_id = Case.select(pw.fn.MAX(Case.id)).scalar() or 0
                    Case.insert_many(rows).execute()
                    named = Case.select(Case.id, Case.applicant_name).where(Case.id > last_id).tuples()
                    CaseNameToken.insert_many(index_rows(named)).execute()
                    for year, serial in serial_by_year.items():
                        CaseNumberCounter.insert(year=year, last_serial=serial).on_conflict(
                            conflict_target=[CaseNumberCounter.year], update={CaseNumberCounter.last_serial: serial}
                        ).execute()
                stored += len(rows)
                shown.update(stored - have)
    except KeyboardInterrupt:
        raise Interrupted(
            f"w bazie {number(stored)} z {number(count)} spraw, przerwana partia wycofana; "
            "uruchom to samo polecenie ponownie, by dokończyć"
        ) from None


def _add_history(rng: random.Random, batch: int) -> None:
    """Stage history for every case that has none yet (kept stores built before it get it too):
    the filing, a decision for cases past the decision stage, and the current stage, at
    increasing times up to now — what the head of unit's report reads."""
    stages = list(Stage.select().order_by(Stage.position))
    position = {s.code: s.position for s in stages}
    initial = next(s.code for s in stages if s.is_initial)
    decisions = [s for s in stages if s.is_decision]
    decision = decisions[0].code if decisions else None
    decided_from = decisions[0].position if decisions else len(stages)
    clerk_id = storage.list_clerks()[0].id
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    # Batches go in case order, so the highest case with history marks where a resumed build goes on.
    done = StageHistory.select(fn.MAX(StageHistory.case)).scalar() or 0
    todo = Case.select().where(Case.id > done).count()
    if not todo:
        return
    cases_in_store, covered = Case.select().count(), 0
    try:
        with Progress("historia etapów", "spraw", todo) as shown:
            while True:
                cases = list(
                    Case.select(Case.id, Case.filed_on, Case.stage)
                    .where(Case.id > done)
                    .order_by(Case.id)
                    .limit(batch * 4)
                    .tuples()
                )
                if not cases:
                    return
                rows = []
                for case_id, filed_on, stage in cases:
                    at = dt.datetime.combine(filed_on, dt.time(7 + rng.randrange(8), rng.randrange(60)))
                    at = min(at, now)
                    rows.append({"case": case_id, "stage": initial, "changed_at": at, "clerk": clerk_id})
                    steps = []
                    if decision and position[stage] >= decided_from:
                        steps.append(decision)
                    if stage not in (initial, decision):
                        steps.append(stage)
                    for step in steps:
                        later = at + dt.timedelta(days=rng.randrange(10, 200), hours=rng.randrange(8))
                        at = later if later < now else at + (now - at) * rng.random()
                        rows.append(
                            {"case": case_id, "stage": step, "changed_at": at.replace(microsecond=0), "clerk": clerk_id}
                        )
                with write_transaction():
                    for chunk in range(0, len(rows), batch):
                        StageHistory.insert_many(rows[chunk : chunk + batch]).execute()
                done = cases[-1][0]
                covered += len(cases)
                shown.update(covered)
    except KeyboardInterrupt:
        raise Interrupted(
            f"w bazie {number(cases_in_store)} spraw, historia etapów dla {number(covered)} z "
            f"{number(todo)} bez niej, przerwana partia wycofana; uruchom to samo polecenie ponownie, by dokończyć"
        ) from None


def timed(fn: Callable[[int], object], repeats: int) -> list[float]:
    samples = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def measure(
    url: str, repeats: int, report_repeats: int, rng: random.Random
) -> tuple[list[tuple[str, float, float]], list[tuple[str, float, float]]]:
    storage.open_database(url)
    numbers = [n for (n,) in Case.select(Case.number).order_by(Case.id).limit(2000).tuples()]
    ids = [i for (i,) in Case.select(Case.id).order_by(Case.id.desc()).limit(2000).tuples()]
    refs = [r for (r,) in Case.select(Case.external_ref).where(Case.external_ref.is_null(False)).limit(500).tuples()]
    first = storage.worklist("GDA")
    deadline_first = storage.worklist("GDA", order="deadline")
    prefixes = [s[:3].lower() for s in SURNAMES]
    # Given names and the middle words of names are found too; several words narrow.
    one_word = ["zhang", "tran", "santos", "zahra", "hanna", "lan", "olena", "priya"]
    two_words = ["koval hanna", "hanna koval", "zahra fatima", "thi tran", "maria sant", "minh nguyen"]
    folded = ["sevcenko", "lozinska", "dabrowski", "nguyen"]
    probes: list[tuple[str, Callable[[int], object]]] = [
        ("baseline: case by primary key", lambda i: Case.get_by_id(rng.choice(ids))),
        ("worklist, first page (my office)", lambda i: storage.worklist("GDA")),
        ("worklist, next page", lambda i: storage.worklist("GDA", after=first.next_cursor)),
        ("worklist, by deadline (overdue first)", lambda i: storage.worklist("GDA", order="deadline")),
        ("worklist, by deadline, next page", lambda i: storage.worklist("GDA", order="deadline",
                                                                        after=deadline_first.next_cursor)),
        ("worklist, stage filter", lambda i: storage.worklist("GDA", stage="fingerprints")),
        ("worklist, overdue only", lambda i: storage.worklist("GDA", overdue_only=True)),
        ("search by case number", lambda i: storage.search_cases(case_numbers.format_number(rng.choice(numbers)))),
        ("search by surname prefix", lambda i: storage.search_cases(prefixes[i % len(prefixes)])),
        ("search by name, one word (any part)", lambda i: storage.search_cases(one_word[i % len(one_word)])),
        ("search by name, two words", lambda i: storage.search_cases(two_words[i % len(two_words)])),
        ("search by name, diacritics folded", lambda i: storage.search_cases(folded[i % len(folded)])),
        ("worklist, registered today", lambda i: storage.worklist("GDA", registered_today=True)),
        ("worklist, mine", lambda i: storage.worklist("GDA", mine="bench")),
        ("search by external reference", lambda i: storage.search_cases(rng.choice(refs))),
    ]  # fmt: skip
    figures: list[tuple[str, Callable[[int], object]]] = [
        ("report, 12 weeks, both offices (the default)", lambda i: storage.head_of_unit_report(12)),
        ("report, 12 weeks, one office", lambda i: storage.head_of_unit_report(12, office="GDA")),
        ("report, 52 weeks, both offices", lambda i: storage.head_of_unit_report(52)),
    ]
    with storage.unit_of_work():  # one connection, as one TUI worker per query would reuse the pool
        results = _run(probes, repeats)
        figure_results = _run(figures, report_repeats)
    close_database()
    return results, figure_results


def _run(probes: list[tuple[str, Callable[[int], object]]], repeats: int) -> list[tuple[str, float, float]]:
    results = []
    for name, call in probes:
        call(0)  # warm the cache
        samples = timed(call, repeats)
        results.append((name, statistics.median(samples), sorted(samples)[int(0.95 * (len(samples) - 1))]))
    return results


def report(
    backend: str, count: int, results: list[tuple[str, float, float]], figures: list[tuple[str, float, float]]
) -> None:
    baseline = results[0][1]
    for title, rows, limit_ms, limit in (
        (f"Worklist on {count:,} cases – {backend}", results, 100, "< 100 ms"),
        (f"Head of unit's figures on {count:,} cases – {backend}", figures, 2000, "< 2 s"),
    ):
        table = Table(title=title)
        table.add_column("query (as the TUI issues it)")
        table.add_column("median ms", justify="right")
        table.add_column("p95 ms", justify="right")
        table.add_column("× PK lookup", justify="right")
        table.add_column(limit, justify="center")
        for name, median, p95 in rows:
            table.add_row(
                name, f"{median:.2f}", f"{p95:.2f}", f"{median / baseline:.1f}", "yes" if median < limit_ms else "NO"
            )
        Console().print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--report-repeats", type=int, default=7, help="repeats of the head of unit's report")
    parser.add_argument("--sqlite", default="bench-data/tui_scale.sqlite3", help="SQLite file (kept for reruns)")
    parser.add_argument("--pg", default=os.environ.get("OKIENKO_BENCH_PG"), help="PostgreSQL URL to fill and measure")
    parser.add_argument("--batch", type=int, default=BATCH, help="cases per transaction while building")
    parser.add_argument("--build-only", action="store_true", help="build (or complete) the stores, measure nothing")
    args = parser.parse_args()
    if args.batch < 1:
        parser.error("--batch: at least 1 case per transaction")
    rng = random.Random(7)
    targets = [("SQLite", f"sqlite:///{Path(args.sqlite).resolve()}")]
    Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
    if args.pg:
        targets.append(("PostgreSQL", args.pg))
    for backend, url in targets:
        print(f"building {backend} store with {args.cases:,} cases (reused if already there)…", flush=True)
        t0 = time.perf_counter()
        build(url, args.cases, rng, batch=args.batch)
        close_database()
        print(f"  ready in {time.perf_counter() - t0:.1f} s", flush=True)
        if args.build_only:
            continue
        report(backend, args.cases, *measure(url, args.repeats, args.report_repeats, rng))


if __name__ == "__main__":
    stops_cleanly(main)
