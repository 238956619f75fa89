"""How long cases take: from the store's own history, per case type and office.

For the cases whose first decision fell in the last twelve months: the median and the 80th
percentile of the days from filing to that decision, and of the days spent in each stage on the
way. Days are whole calendar days in Warsaw (a case filed on 3 March and decided on 5 March took
2 days, whatever the clock said on the DST night), the same count the head of unit's report uses.

The figures are computed by `refresh_processing_times()` (run hourly by a timer, see docs/operations.md)
into the `processing_time` table, so that the status page only reads a row: no page does
aggregate work. A group with fewer than `MIN_CASES` decided cases keeps its count but no
figure: a median of a handful of people says more about those people than about the office.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from peewee import fn

from storage.clock import utcnow, warsaw_date
from storage.db import database, unit_of_work, write_transaction
from storage.models import Case, CaseType, Office, ProcessingTime, Stage, StageHistory

MIN_CASES = 20
WINDOW_DAYS = 365
# The measure of the whole way from filing to the first decision; other measures are stage codes.
TO_DECISION = "decision"


@dataclass(frozen=True)
class ProcessingFigure:
    """One group's figure. `median_days`/`p80_days` are None when fewer than MIN_CASES were decided."""

    case_type: str
    office: str
    measure: str
    cases: int
    median_days: float | None
    p80_days: float | None
    computed_at: dt.datetime

    @property
    def shown(self) -> bool:
        return self.median_days is not None


@dataclass
class _CaseWay:
    case_type: str
    office: str
    filed_on: dt.date
    changes: list[tuple[str, dt.datetime]]


def _decided_cases(decision_codes: list[str], start: dt.datetime, end: dt.datetime) -> Iterator[_CaseWay]:
    """Every case with a (non-withdrawn) decision in [start, end), with its whole non-withdrawn history."""
    if not decision_codes:
        return
    decided = (
        StageHistory.select(StageHistory.case)
        .where(
            StageHistory.stage.in_(decision_codes),
            StageHistory.withdrawn_at.is_null(),
            StageHistory.changed_at >= start,
            StageHistory.changed_at < end,
        )
        .distinct()
    )
    rows = (
        StageHistory.select(
            StageHistory.case, Case.case_type, Case.office, Case.filed_on, StageHistory.stage, StageHistory.changed_at
        )
        .join(Case)
        .where(StageHistory.case.in_(decided), StageHistory.withdrawn_at.is_null())
        .order_by(StageHistory.case, StageHistory.changed_at, StageHistory.id)
        .tuples()
        .iterator()
    )
    current: _CaseWay | None = None
    current_id = None
    for case_id, case_type, office, filed_on, stage, changed_at in rows:
        if case_id != current_id:
            if current is not None:
                yield current
            current_id = case_id
            current = _CaseWay(case_type, office, _as_date(filed_on), [])
        current.changes.append((stage, _as_datetime(changed_at)))
    if current is not None:
        yield current


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _days_of(way: _CaseWay, decision_codes: set[str], start: dt.datetime) -> dict[str, int] | None:
    """Days to the first decision and days in each stage before it; None if that decision came before `start`
    (a case decided earlier, reopened and decided again is counted at its first decision, outside the window)."""
    decision_index = next((i for i, (stage, _) in enumerate(way.changes) if stage in decision_codes), None)
    if decision_index is None or way.changes[decision_index][1] < start:
        return None
    decided_on = warsaw_date(way.changes[decision_index][1])
    days: dict[str, int] = defaultdict(int)
    days[TO_DECISION] = (decided_on - way.filed_on).days
    # Each stage lasts from the day it was set until the day the next one was; the first from the filing
    # day (a filing by post may be registered days after it was filed), so the stages add up to the whole.
    entered_on = way.filed_on
    for i in range(decision_index):
        stage = way.changes[i][0]
        left_on = warsaw_date(way.changes[i + 1][1])
        days[stage] += max((left_on - entered_on).days, 0)
        entered_on = max(entered_on, left_on)
    return days


def _percentiles(values: list[int]) -> tuple[float, float]:
    """Median and 80th percentile, interpolated between neighbours as PostgreSQL's percentile_cont does."""
    ordered = sorted(values)
    p80 = statistics.quantiles(ordered, n=10, method="inclusive")[7]
    return round(float(statistics.median(ordered)), 1), round(float(p80), 1)


def compute_processing_times(now: dt.datetime | None = None) -> list[ProcessingFigure]:
    """The figures as they stand at `now` (UTC), without storing them."""
    now = now or utcnow()
    start = now - dt.timedelta(days=WINDOW_DAYS)
    with unit_of_work():
        decision_codes = [s.code for s in Stage.select(Stage.code).where(Stage.is_decision)]
        samples: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for way in _decided_cases(decision_codes, start, now):
            days = _days_of(way, set(decision_codes), start)
            if days is None:
                continue
            for measure, value in days.items():
                samples[(way.case_type, way.office, measure)].append(value)
    figures = []
    for (case_type, office, measure), values in sorted(samples.items()):
        median = p80 = None
        if len(values) >= MIN_CASES:
            median, p80 = _percentiles(values)
        figures.append(ProcessingFigure(case_type, office, measure, len(values), median, p80, now))
    return figures


def refresh_processing_times(now: dt.datetime | None = None) -> int:
    """Recompute every figure and replace the stored ones in one transaction; returns the groups stored."""
    figures = compute_processing_times(now)
    rows = [
        {
            "case_type": f.case_type,
            "office": f.office,
            "measure": f.measure,
            "cases": f.cases,
            "median_days": f.median_days,
            "p80_days": f.p80_days,
            "computed_at": f.computed_at,
        }
        for f in figures
    ]
    with write_transaction():
        ProcessingTime.delete().execute()
        for chunk in _chunks(rows, 200):
            ProcessingTime.insert_many(chunk).execute()
    forget_cached_processing_times()
    return len(rows)


def _chunks(rows: list[dict], size: int) -> Iterable[list[dict]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _figure(row: ProcessingTime) -> ProcessingFigure:
    return ProcessingFigure(
        row.case_type, row.office, row.measure, row.cases, row.median_days, row.p80_days, row.computed_at
    )


def stored_processing_times(office: str | None = None) -> list[ProcessingFigure]:
    """The figures of the last refresh (all offices, or one), in a stable order."""
    with unit_of_work():
        query = ProcessingTime.select()
        if office:
            query = query.where(ProcessingTime.office == office)
        query = query.order_by(ProcessingTime.case_type, ProcessingTime.office, ProcessingTime.measure)
        return [_figure(row) for row in query]


def stored_processing_time(case_type: str, office: str) -> ProcessingFigure | None:
    """Filing to decision for one group, as last refreshed: one primary-key read for the status page."""
    with unit_of_work():
        row = ProcessingTime.get_or_none(
            ProcessingTime.case_type == case_type,
            ProcessingTime.office == office,
            ProcessingTime.measure == TO_DECISION,
        )
        return None if row is None else _figure(row)


_cache: tuple[object, float, dict[tuple[str, str], ProcessingFigure]] | None = None
CACHE_TTL_S = 60


def cached_processing_time(case_type: str, office: str) -> ProcessingFigure | None:
    """Filing to decision for one group, from a copy of the table kept a minute per database (the
    table changes once an hour), so the status page usually makes no query for it. Call inside a
    unit of work."""
    global _cache
    now = time.monotonic()
    if not (_cache and _cache[0] is database.obj and _cache[1] > now):
        rows = ProcessingTime.select().where(ProcessingTime.measure == TO_DECISION)
        _cache = (database.obj, now + CACHE_TTL_S, {(r.case_type, r.office): _figure(r) for r in rows})
    return _cache[2].get((case_type, office))


def forget_cached_processing_times() -> None:
    global _cache
    _cache = None


def last_refreshed() -> dt.datetime | None:
    with unit_of_work():
        return ProcessingTime.select(fn.MAX(ProcessingTime.computed_at)).scalar()


@dataclass(frozen=True)
class ProcessingGroup:
    """One kind of case with its figure at each office (None where no case of it was decided there)."""

    case_type: str
    label: dict[str, str]
    rows: list[tuple[str, ProcessingFigure | None]]


def processing_table() -> list[ProcessingGroup]:
    """Filing to decision for every active kind of case at every office, as last refreshed; kinds no
    office decided in the window are left out. Office names are the offices' own (they are Polish)."""
    with unit_of_work():
        offices = list(Office.select(Office.code, Office.city).order_by(Office.position, Office.code))
        types = list(CaseType.select().where(CaseType.active).order_by(CaseType.position, CaseType.code))
        stored = {
            (r.case_type, r.office): _figure(r)
            for r in ProcessingTime.select().where(ProcessingTime.measure == TO_DECISION)
        }
    groups = []
    for ctype in types:
        rows = [(office.city, stored.get((ctype.code, office.code))) for office in offices]
        if any(figure is not None for _, figure in rows):
            labels = {lang: getattr(ctype, f"label_{lang}") or ctype.label_pl for lang in ("pl", "en", "ru", "uk")}
            groups.append(ProcessingGroup(ctype.code, labels, rows))
    return groups
