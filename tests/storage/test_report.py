"""The head of unit's figures: known cases give known numbers on each backend, Warsaw weeks
across the DST change, and SQLite and PostgreSQL agree with each other and with a plain-Python
count on a random store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import statistics

import pytest

import storage
from storage.admin import cli
from storage.cases import report
from storage.clock import WARSAW, frozen
from storage.db import close_database, write_transaction
from storage.errors import DomainError
from storage.models import Case, Stage, StageHistory
from storage.records import to_jsonable
from tests import pg
from tests.helpers import CLERK, CLERK_SLU, prepare_store, register

NOW = dt.datetime(2026, 11, 23, 10, 0)  # a Monday; the 12 weeks start on Monday 2026-09-07
D = dt.date


def _at(utc: dt.datetime):
    return frozen(utc)


def _file(filed_on: dt.date, **kw) -> str:
    with _at(dt.datetime.combine(filed_on, dt.time(11, 0))):
        return register(filed_on=filed_on, **kw).number


def _stage(number: str, stage: str, at_utc: dt.datetime) -> None:
    with _at(at_utc):
        storage.set_stage(number, stage, clerk=CLERK)


@pytest.fixture
def known(store):
    """Seven cases; times chosen at the edges of Warsaw weeks in summer and winter time."""
    a = _file(D(2026, 9, 8))
    # Sunday 22:30 UTC = Monday 00:30 in Warsaw (summer): the decision belongs to the week of 14 September.
    _stage(a, "decision_issued", dt.datetime(2026, 9, 13, 22, 30))
    b = _file(D(2026, 10, 1), case_type="card_exchange")
    # Sunday 23:30 UTC = Monday 00:30 in Warsaw (winter): the week of 2 November.
    _stage(b, "decision_issued", dt.datetime(2026, 11, 1, 23, 30))
    _stage(b, "closed", dt.datetime(2026, 11, 10, 10, 0))
    c = _file(D(2026, 11, 10), clerk=CLERK_SLU)
    # Sunday 22:59 UTC = Sunday 23:59 in Warsaw: still the week of 16 November.
    _stage(c, "decision_issued", dt.datetime(2026, 11, 22, 22, 59))
    d = _file(D(2026, 6, 1))  # filed before the period, decided in it
    _stage(d, "decision_issued", dt.datetime(2026, 9, 20, 10, 0))
    e = _file(D(2026, 11, 20), clerk=CLERK_SLU)
    _stage(e, "formal_check", dt.datetime(2026, 11, 21, 9, 0))
    _file(D(2026, 5, 1))  # open, overdue, still at the first stage
    g = _file(D(2026, 3, 1))
    # Sunday 21:00 UTC = Sunday 23:00 in Warsaw, 6 September: one hour before the period starts.
    _stage(g, "decision_issued", dt.datetime(2026, 9, 6, 21, 0))
    return store


def test_catalogue_marks_the_decision_stage(store):
    flagged = [s.code for s in Stage.select().where(Stage.is_decision)]
    assert flagged == ["decision_issued"]


def test_known_cases_give_known_figures(known):
    with frozen(NOW):
        r = report.head_of_unit_report(weeks=12)
    assert r.first_week == D(2026, 9, 7) and r.today == D(2026, 11, 23)
    weekly = {w.week: (w.filings, w.decisions, w.closures, w.backlog) for w in r.weekly}
    assert len(weekly) == 12
    assert weekly[D(2026, 9, 7)] == (1, 0, 0, 4)
    assert weekly[D(2026, 9, 14)] == (0, 2, 0, 4)  # a (Monday 00:30 Warsaw) and d
    assert weekly[D(2026, 9, 28)] == (1, 0, 0, 5)
    assert weekly[D(2026, 11, 2)] == (0, 1, 0, 5)
    assert weekly[D(2026, 11, 9)] == (1, 0, 1, 5)
    assert weekly[D(2026, 11, 16)] == (1, 1, 0, 6)
    assert weekly[D(2026, 11, 23)] == (0, 0, 0, 6)
    assert sum(w.decisions for w in r.weekly) == r.decisions_total == 4
    assert [(f.week, f.office, f.case_type, f.count) for f in r.filings] == [
        (D(2026, 9, 7), "GDA", "temp_work", 1),
        (D(2026, 9, 28), "GDA", "card_exchange", 1),
        (D(2026, 11, 9), "SLU", "temp_work", 1),
        (D(2026, 11, 16), "SLU", "temp_work", 1),
    ]
    stages = {s.stage: (s.open, s.overdue) for s in r.by_stage}
    assert stages["decision_issued"] == (4, 0)  # the decision is out: the office owes nothing, so not overdue
    assert stages["formal_check"] == (1, 0)
    assert stages["filed"] == (1, 1)
    assert stages["fingerprints"] == (0, 0)  # every open stage is listed, empty ones too
    assert "closed" not in stages
    assert (r.open_total, r.overdue_total) == (6, 1)
    # Days to decision: 6, 12, 32 (b: 1 October to 2 November in Warsaw), 111; g is before the period.
    assert (r.median_days, r.p90_days) == (22.0, 87.3)


def test_one_office(known):
    with frozen(NOW):
        r = report.head_of_unit_report(weeks=12, office="SLU")
    assert [(f.week, f.count) for f in r.filings] == [(D(2026, 11, 9), 1), (D(2026, 11, 16), 1)]
    assert (r.decisions_total, r.median_days, r.p90_days) == (1, 12.0, 12.0)
    assert (r.open_total, r.overdue_total) == (2, 0)
    assert [w.backlog for w in r.weekly][-4:] == [0, 1, 2, 2]


def test_a_short_period_and_no_decisions(known):
    with frozen(NOW):
        r = report.head_of_unit_report(weeks=1)
    assert [w.week for w in r.weekly] == [D(2026, 11, 23)]
    assert (r.decisions_total, r.median_days, r.p90_days) == (0, None, None)


@pytest.mark.parametrize(
    ("weeks", "office", "field"), [(0, None, "weeks"), (report.MAX_WEEKS + 1, None, "weeks"), (4, "WAW", "office")]
)
def test_bad_input_names_the_field(store, weeks, office, field):
    with pytest.raises(DomainError) as err:
        report.head_of_unit_report(weeks=weeks, office=office)
    assert err.value.field == field


def test_cli_table_csv_and_json(known, tmp_path, capsys):
    out = tmp_path / "figures.csv"
    with frozen(NOW):
        assert cli.main(["report", "--weeks", "12", "--csv", str(out)]) == 0
        table = capsys.readouterr().out
        assert cli.main(["report", "--weeks", "12", "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        expected = to_jsonable(report.head_of_unit_report(weeks=12))
    assert "Sprawy otwarte według etapu" in table and "Decyzja wydana" in table
    assert "22,0" in table and "87,3" in table
    assert data == expected
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    by = {(r["figure"], r["week"], r["office"], r["case_type"], r["stage"]): r["value"] for r in rows}
    assert by[("decisions", "2026-09-14", "", "", "")] == "2"
    assert by[("backlog", "2026-11-16", "", "", "")] == "6"
    assert by[("filings", "2026-09-28", "GDA", "card_exchange", "")] == "1"
    assert by[("open", "", "", "", "decision_issued")] == "4"
    assert by[("overdue", "", "", "", "decision_issued")] == "0"
    assert by[("days_to_decision_median", "", "", "", "")] == "22.0"
    assert by[("days_to_decision_p90", "", "", "", "")] == "87.3"


def test_cli_bad_office_is_one_line_exit_2(store, capsys):
    assert cli.main(["report", "--office", "WAW"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "oddział" in err and "WAW" in err


# ---------------------------------------------------------------- both backends agree


def _random_rows(rng: random.Random, count: int) -> tuple[list[dict], list[dict]]:
    """Cases and their history straight into the tables (as the bench does), with stage
    changes at any minute of a year that spans both DST changes."""
    stages = list(Stage.select().order_by(Stage.position))
    codes = [s.code for s in stages]
    closing = {s.code for s in stages if s.closes_case}
    cases, history = [], []
    for i in range(1, count + 1):
        filed = NOW.date() - dt.timedelta(days=rng.randrange(400))
        stage = rng.choice(codes)
        cases.append(
            {
                "id": i,
                "number": f"26-{i:06d}-0",
                "case_type": rng.choice(["temp_work", "card_exchange"]),
                "office": rng.choice(["GDA", "SLU"]),
                "channel": "post",
                "filed_on": filed,
                "applicant_name": "X",
                "surname_key": "x",
                "password_hash": "x",
                "stage": stage,
                "stage_changed_at": NOW,
                "deadline_on": filed + dt.timedelta(days=60),
                "closed": stage in closing,
                "created_by": 1,
            }
        )
        at = dt.datetime.combine(filed, dt.time()) + dt.timedelta(minutes=rng.randrange(24 * 60))
        for step in ("filed", *(["decision_issued"] if rng.random() < 0.6 else []), stage):
            at = min(at + dt.timedelta(minutes=rng.randrange(60 * 24 * 90)), NOW - dt.timedelta(minutes=1))
            history.append({"case": i, "stage": step, "changed_at": at, "clerk": 1})
    return cases, history


def _python_figures(cases: list[dict], history: list[dict], first_week: dt.date, office: str | None) -> dict:
    """The same figures counted row by row in Python, with zoneinfo for the weeks."""
    start = dt.datetime.combine(first_week, dt.time(), tzinfo=WARSAW)
    filed = {c["id"]: c["filed_on"] for c in cases}
    in_office = {c["id"] for c in cases if office in (None, c["office"])}
    per_week: dict[dt.date, int] = {}
    days = []
    for h in history:
        local = h["changed_at"].replace(tzinfo=dt.UTC).astimezone(WARSAW)
        if h["stage"] != "decision_issued" or local < start or h["case"] not in in_office:
            continue
        week = local.date() - dt.timedelta(days=local.weekday())
        per_week[week] = per_week.get(week, 0) + 1
        days.append((local.date() - filed[h["case"]]).days)
    quantiles = statistics.quantiles(days, n=10, method="inclusive") if len(days) > 1 else [None] * 9
    return {"decisions": per_week, "median": round(statistics.median(days), 1), "p90": round(quantiles[8], 1)}


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree(tmp_path):
    pg.require_admin_url()
    sqlite_url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    name, pg_url = pg.create_database()
    try:
        results = {}
        for url in (sqlite_url, pg_url):
            prepare_store(url)
            storage.open_database(url)
            cases, history = _random_rows(random.Random(13), 600)
            with write_transaction():
                Case.insert_many(cases).execute()
                StageHistory.insert_many(history).execute()
            with frozen(NOW):
                results[url] = [
                    to_jsonable(report.head_of_unit_report(weeks=w, office=o))
                    for w in (1, 12, 60)
                    for o in (None, "GDA")
                ]
                for office in (None, "GDA"):
                    r = report.head_of_unit_report(weeks=60, office=office)
                    expected = _python_figures(cases, history, r.first_week, office)
                    assert {w.week: w.decisions for w in r.weekly if w.decisions} == expected["decisions"]
                    assert (r.median_days, r.p90_days) == (expected["median"], expected["p90"])
            close_database()
        assert results[sqlite_url] == results[pg_url]
    finally:
        close_database()
        pg.drop_database(name)
