"""The head of unit's figures: filings and decisions per week, the backlog, open and overdue
cases by stage, and how many days a decision takes.

Everything is counted in the database by GROUP BY queries over indexes (migration 0011); only
the grouped rows and, for the percentiles, two rows per percentile come back to Python.
Weeks run Monday to Sunday in Europe/Warsaw: filing dates are already Warsaw dates; stage
changes are stored in UTC and moved to Warsaw time in SQL (PostgreSQL knows the zone;
SQLite gets the zone's UTC offsets for the period as a CASE expression, see `_sqlite_local`).

A decision is a change to a stage the catalogue marks `decision = true`; a closure is a change
to a stage that `closes_case`. Days to decision run from the filing date to the Warsaw date of
the decision, for every decision issued in the period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

from storage.cases.worklist import clock_running_stages
from storage.clock import WARSAW, today_in_warsaw, utcnow
from storage.db import database, is_postgres, unit_of_work
from storage.errors import DomainError
from storage.models import CaseType, Office, Stage

MAX_WEEKS = 260
DEFAULT_WEEKS = 12


@dataclasses.dataclass(frozen=True)
class WeekFigures:
    week: dt.date  # Monday, Warsaw
    filings: int
    decisions: int
    closures: int
    backlog: int  # open cases at the end of the week (now, for the current week)


@dataclasses.dataclass(frozen=True)
class FilingCount:
    week: dt.date
    office: str
    case_type: str
    case_type_label: str
    count: int


@dataclasses.dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    open: int
    overdue: int


@dataclasses.dataclass(frozen=True)
class Report:
    today: dt.date
    weeks: int
    office: str | None
    first_week: dt.date
    weekly: list[WeekFigures]
    filings: list[FilingCount]
    by_stage: list[StageCount]
    open_total: int
    overdue_total: int
    decisions_total: int
    median_days: float | None
    p90_days: float | None


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _warsaw_midnight_utc(day: dt.date) -> dt.datetime:
    local = dt.datetime.combine(day, dt.time(), tzinfo=WARSAW)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _offsets(start_utc: dt.datetime, end_utc: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Warsaw's UTC offset (seconds) from `start_utc` on, as (valid-until UTC, offset) pairs; the
    last pair's limit is `end_utc`. Changes are found day by day, then to the second."""

    def offset(at: dt.datetime) -> int:
        return int(at.replace(tzinfo=dt.UTC).astimezone(WARSAW).utcoffset().total_seconds())

    spans: list[tuple[dt.datetime, int]] = []
    at, current = start_utc, offset(start_utc)
    while at < end_utc:
        step = min(at + dt.timedelta(days=1), end_utc)
        if offset(step) != current:
            lo, hi = at, step  # offset(lo) == current != offset(hi)
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == current else (lo, mid)
            spans.append((hi.replace(microsecond=0), current))
            current = offset(hi)
        at = step
    spans.append((end_utc, current))
    return spans


def _sqlite_local(column: str, start_utc: dt.datetime, end_utc: dt.datetime) -> tuple[str, list[str]]:
    """`column` (UTC text) as Warsaw local time, valid for values in [start_utc, end_utc)."""
    spans = _offsets(start_utc, end_utc)
    if len(spans) == 1:
        return f"datetime({column}, '+{spans[0][1]} seconds')", []
    whens = " ".join(f"WHEN {column} < ? THEN '+{off} seconds'" for _, off in spans[:-1])
    params = [until.isoformat(" ") for until, _ in spans[:-1]]
    return f"datetime({column}, CASE {whens} ELSE '+{spans[-1][1]} seconds' END)", params


def _rows(sql: str, params: Sequence[object]) -> list[tuple]:
    if is_postgres():
        sql = sql.replace("?", "%s")
    return list(database.execute_sql(sql, params).fetchall())


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _check(weeks: int, office: str | None) -> None:
    if not 1 <= weeks <= MAX_WEEKS:
        raise DomainError("weeks", f"liczba tygodni od 1 do {MAX_WEEKS}, nie {weeks}")
    if office is not None and not Office.select().where(Office.code == office).exists():
        codes = ", ".join(o.code for o in Office.select(Office.code).order_by(Office.position))
        raise DomainError("office", f"nieznany oddział {office!r} (dozwolone: {codes})")


def _office_filter(alias: str, office: str | None) -> tuple[str, list[object]]:
    return (f" AND {alias}.office_id = ?", [office]) if office else ("", [])


def _filings(first_week: dt.date, office: str | None) -> list[tuple[dt.date, str, str, int]]:
    week = (
        "date_trunc('week', c.filed_on::timestamp)::date"
        if is_postgres()
        else "strftime('%Y-%m-%d', c.filed_on, 'weekday 0', '-6 days')"
    )
    where, params = _office_filter("c", office)
    sql = (
        f"SELECT {week} AS week, c.office_id, c.case_type_id, COUNT(*) FROM case_file c"
        f" WHERE c.filed_on >= ?{where} GROUP BY 1, 2, 3"
    )
    return [(_day(w), o, t, n) for w, o, t, n in _rows(sql, [first_week.isoformat(), *params])]


def _stage_changes(
    codes: list[str], start_utc: dt.datetime, end_utc: dt.datetime, office: str | None, with_case: bool = False
) -> tuple[str, str, list[object]]:
    """The Warsaw local time of a change, and FROM/WHERE over changes to `codes` since
    `start_utc`; the parameters follow the SQL's order when the local time comes first."""
    if is_postgres():
        local, local_params = "((h.changed_at AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/Warsaw')", []
    else:
        local, local_params = _sqlite_local("h.changed_at", start_utc, end_utc)
    where, office_params = _office_filter("c", office)
    marks = ", ".join("?" for _ in codes)
    # Without the case (no office, no filing date) the counts come from the index alone.
    join = " JOIN case_file c ON c.id = h.case_id" if office or with_case else ""
    body = f" FROM stage_history h{join} WHERE h.stage_id IN ({marks}) AND h.changed_at >= ?{where}"
    return local, body, [*local_params, *codes, start_utc.isoformat(" "), *office_params]


def _changes_per_week(
    codes: list[str], start_utc: dt.datetime, end_utc: dt.datetime, office: str | None
) -> list[tuple[dt.date, str, int]]:
    if not codes:
        return []
    local, body, params = _stage_changes(codes, start_utc, end_utc, office)
    if is_postgres():
        week = f"date_trunc('week', {local})::date"
    else:
        week = f"strftime('%Y-%m-%d', {local}, 'weekday 0', '-6 days')"
    sql = f"SELECT {week} AS week, h.stage_id, COUNT(*){body} GROUP BY 1, 2"
    return [(_day(w), s, n) for w, s, n in _rows(sql, params)]


def _percentiles(
    codes: list[str], start_utc: dt.datetime, end_utc: dt.datetime, office: str | None, fractions: Sequence[float]
) -> tuple[int, list[float | None]]:
    """How many decisions, and percentile_cont of their days from filing, for each fraction."""
    if not codes:
        return 0, [None for _ in fractions]
    local, body, params = _stage_changes(codes, start_utc, end_utc, office, with_case=True)
    if is_postgres():
        cols = ", ".join(f"percentile_cont({f!r}) WITHIN GROUP (ORDER BY days)" for f in fractions)
        sql = f"SELECT COUNT(*), {cols} FROM (SELECT ({local})::date - c.filed_on AS days{body}) d"
        count, *values = _rows(sql, params)[0]
        return count, [None if v is None else round(float(v), 1) for v in values]
    # percentile_cont by hand: the value at position f·(n−1) of the sorted days, interpolated
    # between its two neighbours; the window functions number the rows, so only those come back.
    picks = " OR ".join(
        f"rn = CAST({f!r} * (n - 1) AS INTEGER) OR rn = CAST({f!r} * (n - 1) AS INTEGER) + 1" for f in fractions
    )
    sql = (
        f"WITH d AS (SELECT CAST(julianday(date({local})) - julianday(c.filed_on) AS INTEGER) AS days{body}),"
        " o AS (SELECT days, ROW_NUMBER() OVER (ORDER BY days) - 1 AS rn, COUNT(*) OVER () AS n FROM d)"
        f" SELECT rn, n, days FROM o WHERE {picks}"
    )
    rows = _rows(sql, params)
    if not rows:
        return 0, [None for _ in fractions]
    count = rows[0][1]
    by_rank = {rn: days for rn, _, days in rows}
    values: list[float | None] = []
    for f in fractions:
        position = f * (count - 1)
        low = math.floor(position)
        high = min(low + 1, count - 1)
        value = by_rank[low] + (position - low) * (by_rank[high] - by_rank[low])
        values.append(round(float(value), 1))
    return count, values


def _open_by_stage(office: str | None, today: dt.date) -> list[tuple[str, int, int]]:
    """Open cases per stage and how many are overdue, by the worklist's rule (no clock, no overdue)."""
    where, params = _office_filter("c", office)
    running = set(clock_running_stages())
    sql = (
        "SELECT c.stage_id, COUNT(*), SUM(CASE WHEN c.deadline_on < ? THEN 1 ELSE 0 END)"
        f" FROM case_file c WHERE c.closed = ?{where} GROUP BY c.stage_id"
    )
    rows = _rows(sql, [today.isoformat(), False, *params])
    return [(s, n, int(o or 0) if s in running else 0) for s, n, o in rows]


def head_of_unit_report(weeks: int = DEFAULT_WEEKS, office: str | None = None) -> Report:
    """The figures for the last `weeks` weeks (the current one included), for one office or both."""
    with unit_of_work():
        _check(weeks, office)
        today = today_in_warsaw()
        now = utcnow()
        first_week = monday(today) - dt.timedelta(weeks=weeks - 1)
        start_utc = _warsaw_midnight_utc(first_week)
        # Changes stamped up to a second past now still count (and keep the SQLite zone table valid).
        end_utc = now + dt.timedelta(seconds=1)
        stages = list(Stage.select().order_by(Stage.position))
        decision_codes = [s.code for s in stages if s.is_decision]
        closing_codes = [s.code for s in stages if s.closes_case]
        type_labels = {t.code: t.label_pl for t in CaseType.select()}

        filings = _filings(first_week, office)
        changes = _changes_per_week(sorted(set(decision_codes + closing_codes)), start_utc, end_utc, office)
        decisions_total, (median, p90) = _percentiles(decision_codes, start_utc, end_utc, office, (0.5, 0.9))
        open_rows = _open_by_stage(office, today)

    week_starts = [first_week + dt.timedelta(weeks=i) for i in range(weeks)]
    filed = dict.fromkeys(week_starts, 0)
    for week, _, _, n in filings:
        filed[week] = filed.get(week, 0) + n
    decided = dict.fromkeys(week_starts, 0)
    closed = dict.fromkeys(week_starts, 0)
    for week, stage, n in changes:
        if stage in decision_codes:
            decided[week] = decided.get(week, 0) + n
        if stage in closing_codes:
            closed[week] = closed.get(week, 0) + n

    open_by = {s: (n, o) for s, n, o in open_rows}
    by_stage = [
        StageCount(s.code, s.label_pl, *open_by.get(s.code, (0, 0)))
        for s in stages
        if s.code in open_by or (s.active and not s.closes_case)
    ]
    open_total = sum(n for n, _ in open_by.values())

    # Walking back from today's open count: each later filing was not yet open at the end of an
    # earlier week, each later closure still was.
    weekly: list[WeekFigures] = []
    backlog = open_total
    for week in reversed(week_starts):
        weekly.append(WeekFigures(week, filed[week], decided[week], closed[week], backlog))
        backlog = backlog - filed[week] + closed[week]
    weekly.reverse()

    return Report(
        today=today,
        weeks=weeks,
        office=office,
        first_week=first_week,
        weekly=weekly,
        filings=[
            FilingCount(w, o, t, type_labels.get(t, t), n)
            for w, o, t, n in sorted(filings, key=lambda r: (r[0], r[1], r[2]))
        ],
        by_stage=by_stage,
        open_total=open_total,
        overdue_total=sum(o for _, o in open_by.values()),
        decisions_total=decisions_total,
        median_days=median,
        p90_days=p90,
    )
