"""A country's worth of cases: the store of all 16 voivodeships over ten years, built and measured.

Builds, in a PostgreSQL database of its own, 5,000,000 cases spread over ten years and 32 offices
(the catalogue's two and 30 generated ones, each serving every visit group as Gdańsk does), their
name words, about ten stage-history and audit rows per case, and two visits per five cases (2,000,000
in the past ten years). Rows are made by the server itself (INSERT … SELECT … FROM generate_series),
one transaction per chunk of case ids, so Ctrl+C keeps the chunks committed and the same command run
again goes on from the highest case id in the store. While cases are being added the big tables carry
only their primary keys and unique constraints; their other indexes are built (exactly as the schema
defines them) once the rows are in, and the time that takes is printed.

The load runs with `session_replication_role = replica` in its own session only: PostgreSQL then skips
the foreign-key checks and the audit trail's append-only triggers for that session's inserts (the rows
are generated consistent). Every other session — the measurements below included — writes under the
triggers as always; a normal UPDATE or DELETE on audit_event is refused.

Then it measures, against that store: the clerk app's queries (bench.tui_scale's probes), the status
page's store call (storage.portal.public_view) for random cases, the head of unit's report over 12
weeks (all offices and one), and a booking day (every seat of one day held and confirmed through
storage.portal). Each table has the same-run calibration of the other benches: the ratio to a
primary-key lookup.

    python -m bench.country_store                              # 5,000,000 cases in okienko_country
    python -m bench.country_store --cases 500000 --build-only  # a tenth, to time the build
    python -m bench.country_store --measure-only               # measure what is there
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import time
import urllib.parse
from collections.abc import Callable

os.environ.setdefault("OKIENKO_BCRYPT_COST", "4")

import psycopg2
from rich.console import Console
from rich.table import Table

from bench.runs import percentile, queued_code, stops_cleanly

DEFAULT_URL = "postgresql://postgres@127.0.0.1:54329/okienko_country"
CASES = 5_000_000
CHUNK = 50_000  # cases per transaction
VISITS_PER_CASE = (2, 5)  # two visits for every five cases
YEARS = 10
CLERKS_PER_OFFICE = 10
# The catalogue's offices come first (Gdańsk the busiest: it plays the big city's office), then one
# generated office per other big town; three letters each, as visit references need.
GENERATED_OFFICES = [
    ("WAW", "Warszawa"), ("KRK", "Kraków"), ("WRO", "Wrocław"), ("POZ", "Poznań"), ("LDZ", "Łódź"),
    ("KTW", "Katowice"), ("LUB", "Lublin"), ("BIA", "Białystok"), ("RZE", "Rzeszów"), ("OLS", "Olsztyn"),
    ("KIE", "Kielce"), ("OPO", "Opole"), ("ZGO", "Zielona Góra"), ("GOW", "Gorzów Wielkopolski"),
    ("SZC", "Szczecin"), ("BYD", "Bydgoszcz"), ("TOR", "Toruń"), ("RAD", "Radom"), ("PLO", "Płock"),
    ("SIE", "Siedlce"), ("CZE", "Częstochowa"), ("GLI", "Gliwice"), ("ELB", "Elbląg"), ("KAL", "Kalisz"),
    ("LEG", "Legnica"), ("TAR", "Tarnów"), ("NSA", "Nowy Sącz"), ("KOS", "Koszalin"), ("PIL", "Piła"),
    ("SUW", "Suwałki"),
]  # fmt: skip
# The path a bulk case walks; a case still open stands at one of the first four.
PATH = ["filed", "formal_check", "fingerprints", "decision_issued", "closed"]
BIG_TABLES = ["case_file", "case_name_token", "stage_history", "audit_event", "visit"]
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


# ---------------------------------------------------------------------- building


def ensure_database(url: str) -> None:
    """Create the bench's own database on the server if it is not there (never touches another)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def office_codes() -> list[str]:
    return ["GDA", "SLU", *(code for code, _ in GENERATED_OFFICES)]


def _prepare_catalogue(url: str) -> None:
    """Schema, catalogues, the 30 generated offices with Gdańsk's visit hours, and ten clerks per office."""
    import storage
    from storage import schema
    from storage.db import close_database, database
    from storage.models import Clerk, Office, VisitGroupOffice

    storage.open_database(url)
    schema.migrate()
    with storage.unit_of_work():
        fresh = not Office.select().exists()
    if fresh:
        storage.load_fixtures()  # once: a second load would retire the generated offices' visit hours
    with storage.unit_of_work(), database.atomic():
        gda = Office.get_by_id("GDA")
        for position, (code, city) in enumerate(GENERATED_OFFICES, start=10):
            if not Office.select().where(Office.code == code).exists():
                Office.create(
                    code=code,
                    name=f"Urząd Wojewódzki – oddział {city}",
                    city=city,
                    address=f"ul. Urzędowa 1, {city}",
                    hours_json=gda.hours_json,
                    position=position,
                )
            for served in VisitGroupOffice.select().where(VisitGroupOffice.office == "GDA"):
                # Active again if a catalogue load (tui_scale's builder runs one) retired it as not in the files.
                VisitGroupOffice.insert(
                    group=served.group_id, office=code, desks=served.desks, hours_json=served.hours_json, active=True
                ).on_conflict(
                    conflict_target=[VisitGroupOffice.group, VisitGroupOffice.office],
                    update={VisitGroupOffice.active: True},
                ).execute()
    for office in office_codes():
        for n in range(CLERKS_PER_OFFICE):
            login = "bench" if (office, n) == ("GDA", 0) else f"{office.lower()}{n}"
            with storage.unit_of_work():
                exists = Clerk.select().where(Clerk.login == login).exists()
            if not exists:
                storage.create_clerk(login, f"Urzędnik {office} {n}", office, "clerk", "bench-password-1")
    close_database()


def _clerk_ids(cur) -> list[int]:
    """Clerk ids in office order, ten per office (office k's clerks at k*10 … k*10+9)."""
    ids = []
    for office in office_codes():
        cur.execute("SELECT id FROM clerk WHERE office_id = %s ORDER BY id LIMIT %s", (office, CLERKS_PER_OFFICE))
        rows = [r[0] for r in cur.fetchall()]
        ids.extend(rows + rows[:1] * (CLERKS_PER_OFFICE - len(rows)))
    return ids


def _name_parts() -> tuple[list[str], list[str], list[str], list[str]]:
    """Given names and surnames with their folded search words, as storage.cases.name_search folds them."""
    from bench.tui_scale import GIVEN, SURNAMES
    from storage.cases.name_search import tokens
    from storage.text import surname_key

    given_tokens = [" ".join(tokens(g)) for g in GIVEN]
    surname_keys = [surname_key(s) for s in SURNAMES]
    for g, s in zip(GIVEN, SURNAMES, strict=False):  # the SQL appends three digits to the surname's word
        assert tokens(f"{g} {s}042") == [*tokens(g), surname_key(s) + "042"], (g, s)
    return GIVEN, SURNAMES, given_tokens, surname_keys


def _damm_table() -> str:
    """The Damm quasigroup of storage.case_numbers as a PostgreSQL array literal (row by row), so the
    server computes the same check digit the desks do."""
    from storage.case_numbers import _DAMM

    return "{" + ",".join(str(v) for row in _DAMM for v in row) + "}"


def _session_setup(cur) -> None:
    """This session only: no FK or audit triggers on the generated rows, bigger sort memory, no
    waiting for WAL flushes; and the case number's check digit as a function of this session."""
    cur.execute("SET session_replication_role = replica")
    cur.execute("SET synchronous_commit = off")
    cur.execute("SET maintenance_work_mem = '512MB'")
    cur.execute("SET work_mem = '64MB'")
    cur.execute(
        f"""CREATE OR REPLACE FUNCTION pg_temp.damm(digits text) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
            DECLARE t int[] := '{_damm_table()}'; interim int := 0; k int;
            BEGIN
              FOR k IN 1..length(digits) LOOP
                interim := t[interim * 10 + ascii(substr(digits, k, 1)) - 48 + 1];
              END LOOP;
              RETURN interim;
            END $$"""
    )


def _set_aside_indexes(cur) -> None:
    """Drop the big tables' indexes other than primary keys and unique ones, keeping each definition
    (as PostgreSQL prints it, so exactly what the schema made) in bench_pending_index for the rebuild."""
    cur.execute("CREATE TABLE IF NOT EXISTS bench_pending_index (name text PRIMARY KEY, definition text NOT NULL)")
    cur.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid)
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = ANY(%s) AND NOT x.indisprimary AND NOT x.indisunique""",
        (BIG_TABLES,),
    )
    for name, definition in cur.fetchall():
        cur.execute("INSERT INTO bench_pending_index VALUES (%s, %s) ON CONFLICT DO NOTHING", (name, definition))
        cur.execute(f'DROP INDEX "{name}"')


def _pending_indexes(cur) -> list[tuple[str, str]]:
    cur.execute("SELECT to_regclass('bench_pending_index') IS NOT NULL")
    if not cur.fetchone()[0]:
        return []
    cur.execute("SELECT name, definition FROM bench_pending_index ORDER BY name")
    return list(cur.fetchall())


def build(url: str, count: int, *, chunk: int = CHUNK) -> dict[str, float]:
    """Fill (or top up) the store to `count` cases; returns how long each phase took (seconds)."""
    from storage.admin.progress import Interrupted, Progress, number, working
    from storage.db import close_database

    timings: dict[str, float] = {}
    ensure_database(url)
    t0 = time.perf_counter()
    _prepare_catalogue(url)
    timings["schema, catalogue, clerks"] = time.perf_counter() - t0
    conn = psycopg2.connect(url)
    cur = conn.cursor()
    _session_setup(cur)
    conn.commit()
    cur.execute("SELECT COALESCE(MAX(id), 0) FROM case_file")
    have = cur.fetchone()[0]
    if have < count:
        # Secondary indexes go while rows pour in (each row would otherwise update a dozen B-trees);
        # they come back below, so a stopped build gets them back on its next run.
        t0 = time.perf_counter()
        _set_aside_indexes(cur)
        conn.commit()
        if have:
            print(f"  {have:,} cases already there, adding {count - have:,}", flush=True)
        clerks = _clerk_ids(cur)
        cur.execute("SELECT code FROM case_type WHERE active ORDER BY position")
        types = [r[0] for r in cur.fetchall()]
        given, surnames, given_tokens, surname_keys = _name_parts()
        today = dt.date.today()
        try:
            with Progress("sprawy (z historią, audytem i wizytami)", "spraw", count - have) as shown:
                for lo in range(have + 1, count + 1, chunk):
                    hi = min(lo + chunk - 1, count)
                    _add_chunk(cur, lo, hi, today, clerks, types, given, surnames, given_tokens, surname_keys)
                    conn.commit()
                    shown.update(hi - have)
        except KeyboardInterrupt:
            conn.rollback()
            cur.execute("SELECT COALESCE(MAX(id), 0) FROM case_file")
            kept = cur.fetchone()[0]
            conn.close()
            raise Interrupted(
                f"w bazie {number(kept)} z {number(count)} spraw, przerwana partia wycofana, indeksy jeszcze "
                "nie odbudowane; uruchom to samo polecenie ponownie, by dokończyć"
            ) from None
        timings["rows"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pending = _pending_indexes(cur)
    if pending:
        built = 0
        try:
            with Progress("indeksy", "indeksów", len(pending)) as shown:
                for name, definition in pending:
                    cur.execute(definition)
                    cur.execute("DELETE FROM bench_pending_index WHERE name = %s", (name,))
                    conn.commit()  # each index with its removal from the list: a stopped rebuild goes on
                    built += 1
                    shown.update(built)
        except KeyboardInterrupt:
            conn.close()
            raise Interrupted(
                f"w bazie {number(count)} spraw, zbudowane indeksy: {number(built)} z {number(len(pending))}, "
                "przerwany indeks wycofany; uruchom to samo polecenie ponownie, by dokończyć"
            ) from None
        timings[f"{len(pending)} indexes built"] = time.perf_counter() - t0
    cur.execute("DROP TABLE IF EXISTS bench_pending_index")
    for table in ("case_file", "stage_history", "audit_event", "visit"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(MAX(id), 1)) FROM {table}")
    conn.commit()
    conn.autocommit = True
    t0 = time.perf_counter()
    with working("VACUUM ANALYZE"):
        cur.execute("VACUUM ANALYZE")
    timings["VACUUM ANALYZE"] = time.perf_counter() - t0
    conn.close()
    close_database()
    return timings


def _add_chunk(cur, lo: int, hi: int, today: dt.date, clerks: list[int], types: list[str], given: list[str],
               surnames: list[str], given_tokens: list[str], surname_keys: list[str]) -> None:  # fmt: skip
    """Cases lo…hi with everything that hangs on them, in the caller's transaction."""
    offices = office_codes()
    params = {
        "lo": lo, "hi": hi, "today": today, "days": YEARS * 365, "offices": offices, "n_offices": len(offices),
        "given": given, "surnames": surnames, "given_tokens": given_tokens, "surname_keys": surname_keys,
        "clerks": clerks, "per": CLERKS_PER_OFFICE, "types": types, "path": PATH, "hash": "$2b$04$" + "x" * 53,
    }  # fmt: skip
    # One row of random draws per case; everything else is derived from them.
    cur.execute(
        """CREATE TEMP TABLE IF NOT EXISTS draw (id int PRIMARY KEY, filed date, office int, g int, s int, d int,
                                                  steps int, span int, hour int, clerk int, ctype text)""",
    )
    cur.execute("TRUNCATE draw")
    cur.execute(
        """INSERT INTO draw
           SELECT i, filed, office, g, s, d,
                  CASE WHEN %(today)s::date - filed > 400 THEN 5 ELSE 1 + floor(random() * 4)::int END,
                  60 + floor(random() * 340)::int, 7 + floor(random() * 8)::int,
                  (%(clerks)s::int[])[office * %(per)s + floor(random() * %(per)s)::int + 1],
                  (%(types)s::text[])[floor(random() * array_length(%(types)s::text[], 1))::int + 1]
             FROM (SELECT i, %(today)s::date - floor(random() * %(days)s)::int AS filed,
                          floor(%(n_offices)s * random() ^ 2)::int AS office,
                          floor(random() * array_length(%(given)s::text[], 1))::int + 1 AS g,
                          floor(random() * array_length(%(surnames)s::text[], 1))::int + 1 AS s,
                          floor(random() * 1000)::int AS d
                     FROM generate_series(%(lo)s::int, %(hi)s::int) i) x""",
        params,
    )
    # Case numbers: two digits of the year, a serial above what desks number by hand, the check digit.
    cur.execute(
        """INSERT INTO case_file (id, number, case_type_id, office_id, channel, external_ref, filed_on,
                                  applicant_name, surname_key, language, sms_opt_out, password_hash,
                                  credential_version, public_version, stage_id, stage_changed_at, deadline_on,
                                  closed, created_by_id, created_at, updated_at)
           SELECT d.id, n.body || pg_temp.damm(n.body), d.ctype, (%(offices)s::text[])[d.office + 1],
                  CASE WHEN d.id %% 10 < 3 THEN 'electronic' ELSE 'in_person' END,
                  CASE WHEN d.id %% 10 < 3
                       THEN 'MOS/' || extract(year FROM d.filed) || '/' || lpad(d.id::text, 8, '0') END,
                  d.filed, (%(given)s::text[])[d.g] || ' ' || (%(surnames)s::text[])[d.s] || lpad(d.d::text, 3, '0'),
                  (%(surname_keys)s::text[])[d.s] || lpad(d.d::text, 3, '0'), 'uk', false, %(hash)s, 1, 0,
                  (%(path)s::text[])[d.steps], t.last_at, d.filed + ct.deadline_days, d.steps = 5, d.clerk,
                  d.filed + make_interval(hours => d.hour), t.last_at
             FROM draw d JOIN case_type ct ON ct.code = d.ctype,
                  LATERAL (SELECT to_char(d.filed, 'YY') || lpad((500000 + d.id)::text, 7, '0') AS body) n,
                  LATERAL (SELECT LEAST(d.filed + make_interval(hours => d.hour)
                                        + make_interval(days => CASE WHEN d.steps = 5 THEN d.span
                                                                      ELSE (%(today)s::date - d.filed) / 2 END),
                                        now() AT TIME ZONE 'UTC') AS last_at) t""",
        params,
    )
    cur.execute(
        """INSERT INTO case_name_token (token, case_id)
           SELECT DISTINCT w, d.id FROM draw d,
                  unnest(string_to_array((%(given_tokens)s::text[])[d.g], ' ')
                         || ((%(surname_keys)s::text[])[d.s] || lpad(d.d::text, 3, '0'))) w""",
        params,
    )
    # Stage history: step k of `steps` along PATH, evenly over the case's span (an open case's up to now);
    # the audit trail: the filing, then one stage change per later step, by the office's clerks.
    cur.execute(
        """CREATE TEMP TABLE IF NOT EXISTS step (id int, k int, stage text, at timestamp, clerk int)""",
    )
    cur.execute("TRUNCATE step")
    cur.execute(
        """INSERT INTO step
           SELECT d.id, k, (%(path)s::text[])[k],
                  LEAST(d.filed + make_interval(hours => d.hour)
                        + (CASE WHEN d.steps = 5 THEN make_interval(days => d.span)
                                ELSE (now() AT TIME ZONE 'UTC') - d.filed::timestamp END) * (k - 1) / 5,
                        now() AT TIME ZONE 'UTC')::timestamp(0),
                  (%(clerks)s::int[])[d.office * %(per)s + floor(random() * %(per)s)::int + 1]
             FROM draw d, generate_series(1, d.steps) k""",
        params,
    )
    cur.execute(
        """INSERT INTO stage_history (case_id, stage_id, changed_at, clerk_id)
           SELECT id, stage, at, clerk FROM step ORDER BY id, k"""
    )
    cur.execute(
        """INSERT INTO audit_event (at, clerk_id, actor, action, case_id, detail_json)
           SELECT s.at, s.clerk, c.login,
                  CASE WHEN s.k = 1 THEN 'filing_registered' ELSE 'stage_changed' END, s.id,
                  CASE WHEN s.k = 1 THEN '{}'
                       ELSE '{"new": "' || s.stage || '", "old": "' || (%(path)s::text[])[s.k - 1]
                            || '", "sms": "no_phone"}' END
             FROM step s JOIN clerk c ON c.id = s.clerk ORDER BY s.id, s.k""",
        params,
    )
    # Visits: visit n (two per five cases) at office n mod 32, slot n/32 mod 25 of a working day, day after
    # day from ten years ago; references spell n in the reference alphabet, so each is unique. Half of them
    # belong to a case, and those the desk marked (served, no-show) leave that mark in the audit trail.
    first_day = today - dt.timedelta(days=YEARS * 365)
    first_day -= dt.timedelta(days=first_day.weekday())
    per, of = VISITS_PER_CASE
    cur.execute(
        """WITH v AS (
           INSERT INTO visit (reference, office_id, group_id, starts_at, visit_day, seat, state, language,
                              code_tries_left, created_at, booked_at, updated_at, case_id, personal_data_purged_at)
           SELECT o.code || '-' || r.ref, o.code, 'filing', v.starts_at, v.day, 1,
                  CASE WHEN n %% 10 = 0 THEN 'cancelled' WHEN n %% 10 = 1 THEN 'no_show' ELSE 'served' END, 'uk',
                  0, v.starts_at - interval '5 days', v.starts_at - interval '5 days', v.starts_at,
                  CASE WHEN n %% 2 = 0 THEN %(lo)s + (n %% (%(hi)s - %(lo)s + 1)) END, v.starts_at + interval '7 days'
             FROM generate_series(%(v_lo)s::bigint, %(v_hi)s::bigint - 1) n,
                  LATERAL (SELECT (%(offices)s::text[])[n %% %(n_offices)s + 1] AS code) o,
                  LATERAL (SELECT (n / %(n_offices)s) %% 25 AS slot, (n / %(n_offices)s) / 25 AS daynum) p,
                  LATERAL (SELECT %(first_day)s::date + (p.daynum / 5 * 7 + p.daynum %% 5)::int AS day) dd,
                  LATERAL (SELECT dd.day, dd.day + time '07:00' + p.slot * interval '20 minutes' AS starts_at) v,
                  LATERAL (SELECT string_agg(substr(%(alphabet)s, ((n / (31 ^ j)::bigint) %% 31)::int + 1, 1),
                                             '' ORDER BY j DESC) AS ref
                             FROM generate_series(0, 5) j) r
           RETURNING reference, office_id, starts_at, state, case_id)
           INSERT INTO audit_event (at, clerk_id, actor, action, case_id, detail_json)
           SELECT v.starts_at, c.id, c.login, 'visit_marked', v.case_id,
                  '{"new": "' || v.state || '", "old": "booked", "reference": "' || v.reference || '"}'
             FROM v JOIN LATERAL (
                    SELECT id, login FROM clerk
                     WHERE id = (%(clerks)s::int[])[(array_position(%(offices)s::text[], v.office_id::text) - 1)
                                                     * %(per)s + 1 + ascii(right(v.reference, 1)) %% %(per)s]) c ON true
            WHERE v.case_id IS NOT NULL AND v.state <> 'cancelled'""",
        {
            **params,
            "v_lo": (lo - 1) * per // of,
            "v_hi": hi * per // of,
            "first_day": first_day,
            "alphabet": REFERENCE_ALPHABET,
        },
    )
    cur.execute(
        """INSERT INTO case_number_counter (year, last_serial)
           SELECT extract(year FROM filed)::int, MAX(500000 + id) FROM draw GROUP BY 1
           ON CONFLICT (year) DO UPDATE SET last_serial = GREATEST(case_number_counter.last_serial,
                                                                   excluded.last_serial)"""
    )


def counts(url: str) -> dict[str, int]:
    """Rows per big table (exact), and the database's size on disk."""
    conn = psycopg2.connect(url)
    cur = conn.cursor()
    found = {}
    for table in ("case_file", "case_name_token", "stage_history", "audit_event", "visit", "office", "clerk"):
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        found[table] = cur.fetchone()[0]
    cur.execute("SELECT pg_database_size(current_database())")
    found["bytes"] = cur.fetchone()[0]
    conn.close()
    return found


# ---------------------------------------------------------------------- measuring


def _timed(call: Callable[[int], object], repeats: int) -> list[float]:
    call(0)  # warm the cache
    samples = []
    for i in range(repeats):
        t0 = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def status_figures(url: str, repeats: int, rng: random.Random) -> list[tuple[str, list[float]]]:
    """The status page's store call for random cases (each read once: a cold row, as applicants are
    spread over the whole register), next to a primary-key lookup in the same run."""
    import storage
    from storage import portal
    from storage.case_numbers import format_number
    from storage.db import close_database
    from storage.models import Case

    conn = psycopg2.connect(url)
    cur = conn.cursor()
    cur.execute("SELECT MAX(id) FROM case_file")
    top = cur.fetchone()[0]
    picks = rng.sample(range(1, top + 1), min(top, repeats))
    cur.execute("SELECT number FROM case_file WHERE id = ANY(%s)", (picks,))
    numbers = [format_number(n) for (n,) in cur.fetchall()]
    conn.close()
    storage.open_database(url)
    figures = [
        ("baseline: case by primary key", _timed(lambda i: Case.get_by_id(picks[i % len(picks)]), repeats)),
        ("status page: public_view (random case)",
         _timed(lambda i: portal.public_view(numbers[i % len(numbers)], 1, "en"), len(numbers))),
    ]  # fmt: skip
    close_database()
    return figures


def report_figures(url: str, repeats: int) -> list[tuple[str, list[float]]]:
    import storage
    from storage.db import close_database

    storage.open_database(url)
    figures = [
        ("report, 12 weeks, all 32 offices", _timed(lambda i: storage.head_of_unit_report(12), repeats)),
        ("report, 12 weeks, one office (GDA, the busiest)",
         _timed(lambda i: storage.head_of_unit_report(12, office="GDA"), repeats)),
        ("report, 12 weeks, one small office (SUW)",
         _timed(lambda i: storage.head_of_unit_report(12, office="SUW"), repeats)),
    ]  # fmt: skip
    close_database()
    return figures


def booking_day(url: str) -> tuple[list[tuple[str, list[float]]], dict[str, int]]:
    """Every free seat of one open day of GDA's filing desks held and confirmed with its SMS code
    through storage.portal, one applicant after another (each its own phone and network)."""
    import storage
    from storage import portal
    from storage.db import close_database

    storage.open_database(url)
    today = dt.date.today()
    months = [today.replace(day=1), (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)]
    days = [d for month in months for d in portal.visit_days("GDA", "filing", month=month)]
    open_days = [d for d in days if d.open and d.free > 0]
    if not open_days:
        close_database()
        return [], {"booked": 0}
    day = open_days[-1].day
    _modem_sends()  # what an earlier run left queued
    held_ms, confirmed_ms = [], []
    outcome = {"booked": 0, "taken": 0}
    run = int(time.time()) % 100_000  # phones of this run, unlike an earlier run's on the same store
    for n, slot in enumerate(t for t in portal.visit_times("GDA", "filing", day) for _ in range(t.free)):
        phone = f"+48 502 {run // 1000 % 1000:03d} {(run + n) % 1000:03d}"
        client = f"10.{n // 250 % 250}.{n % 250}.1"
        t0 = time.perf_counter()
        try:
            held = portal.request_visit("GDA", "filing", slot.starts_at, f"Day Client {n}", phone, "uk", client)
        except portal.SlotTaken:
            outcome["taken"] += 1
            continue
        held_ms.append((time.perf_counter() - t0) * 1000)
        code = queued_code(held.reference)
        _modem_sends()  # the code text goes out, as the SMS loop would send it
        t0 = time.perf_counter()
        portal.confirm_visit(held.reference, code, client)
        confirmed_ms.append((time.perf_counter() - t0) * 1000)
        outcome["booked"] += 1
        _modem_sends()
    close_database()
    return [("booking: hold a seat (request_visit)", held_ms), ("booking: confirm with the code", confirmed_ms)], {
        **outcome,
        "day": day.isoformat(),
    }


def _modem_sends() -> None:
    """Play the SMS loop: claim every due text and record it sent, so the queue the portal measures
    (storage.visits.limits.admit) stays as short as a working modem keeps it."""
    from storage import sms

    while claimed := sms.claim_due("bench-modem", 60, limit=50):
        for text in claimed:
            sms.record_sent(text.id, "bench-modem", 1, "bench-modem")


def _print_table(
    title: str, rows: list[tuple[str, list[float]]], baseline: float, target: dict[str, tuple[str, float, float]]
) -> None:
    """`target`: name prefix → (label, limit ms, which figure: 0.5 for the median, 0.99 for p99)."""
    table = Table(title=title)
    table.add_column("what")
    table.add_column("n", justify="right")
    table.add_column("median ms", justify="right")
    table.add_column("p99 ms", justify="right")
    table.add_column("× PK lookup", justify="right")
    table.add_column("target", justify="center")
    for name, samples in rows:
        if not samples:
            continue
        median, p99 = statistics.median(samples), percentile(samples, 0.99)
        verdict = ""
        for prefix, (label, limit, share) in target.items():
            if name.startswith(prefix):
                verdict = f"{label}: {'yes' if (median if share == 0.5 else p99) < limit else 'NO'}"
        table.add_row(name, str(len(samples)), f"{median:.2f}", f"{p99:.2f}", f"{median / baseline:.1f}", verdict)
    Console(width=130).print(table)


def measure(url: str, cases: int, repeats: int) -> None:
    from bench import tui_scale

    rng = random.Random(21)
    clerk, _ = tui_scale.measure(url, repeats, 1, rng)
    baseline = clerk[0][1]
    table = Table(title=f"Clerk queries on {cases:,} cases, 32 offices – PostgreSQL")
    table.add_column("query (as the TUI issues it)")
    table.add_column("median ms", justify="right")
    table.add_column("p95 ms", justify="right")
    table.add_column("× PK lookup", justify="right")
    table.add_column("< 100 ms", justify="center")
    for name, median, p95 in clerk:
        table.add_row(name, f"{median:.2f}", f"{p95:.2f}", f"{median / baseline:.1f}", "yes" if median < 100 else "NO")
    Console(width=130).print(table)
    status = status_figures(url, max(repeats * 10, 300), rng)
    baseline = statistics.median(status[0][1])
    _print_table(f"Status page on {cases:,} cases", status, baseline, {"status": ("p99 < 100 ms", 100, 0.99)})
    _print_table(f"Head of unit's report on {cases:,} cases", report_figures(url, 5), baseline,
                 {"report": ("< 5 s", 5000, 0.5)})  # fmt: skip
    rows, outcome = booking_day(url)
    _print_table(f"A booking day on {cases:,} cases and their visits ({outcome})", rows, baseline, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("OKIENKO_COUNTRY_PG", DEFAULT_URL),
                        help="the bench's own PostgreSQL database (created if missing)")  # fmt: skip
    parser.add_argument("--cases", type=int, default=CASES)
    parser.add_argument("--chunk", type=int, default=CHUNK, help="cases per transaction while building")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--build-only", action="store_true", help="build (or complete) the store, measure nothing")
    parser.add_argument("--measure-only", action="store_true", help="measure the store as it is")
    args = parser.parse_args()
    if args.cases < 1:
        parser.error("--cases: at least 1 case")
    if args.chunk < 1:
        parser.error("--chunk: at least 1 case per transaction")
    if not args.measure_only:
        print(f"building {args.cases:,} cases in {args.url} (kept, topped up on a rerun)…", flush=True)
        t0 = time.perf_counter()
        phases = build(args.url, args.cases, chunk=args.chunk)
        for phase, seconds in phases.items():
            print(f"  {phase}: {seconds:.1f} s", flush=True)
        print(f"  ready in {time.perf_counter() - t0:.1f} s", flush=True)
    found = counts(args.url)
    print("  " + ", ".join(f"{table} {n:,}" for table, n in found.items() if table != "bytes")
          + f"; {found['bytes'] / 2**30:.1f} GiB on disk", flush=True)  # fmt: skip
    if args.build_only:
        return
    measure(args.url, found["case_file"], args.repeats)


if __name__ == "__main__":
    stops_cleanly(main)
