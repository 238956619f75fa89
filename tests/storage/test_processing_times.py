"""How long cases take: a generated history with a known distribution gives known medians and
80th percentiles on each backend; a group under 20 decided cases shows no figure; days are Warsaw
calendar days across the DST nights and the turn of the year; withdrawn and out-of-window decisions
do not count; a refresh replaces the stored figures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import storage
from storage.cases import processing_times as pt
from storage.clock import frozen
from tests.helpers import CLERK, CLERK_SLU, ok, refused, register, run_cli

D = dt.date
NOW = dt.datetime(2026, 11, 23, 10, 0)


def _file(filed_on: dt.date, **kw) -> str:
    with frozen(dt.datetime.combine(filed_on, dt.time(11, 0))):
        return register(filed_on=filed_on, missing=[], **kw).number


def _stage(number: str, stage: str, at_utc: dt.datetime, clerk: str = CLERK) -> None:
    with frozen(at_utc):
        storage.set_stage(number, stage, clerk=clerk)


def _figures(now: dt.datetime = NOW) -> dict[tuple[str, str, str], pt.ProcessingFigure]:
    return {(f.case_type, f.office, f.measure): f for f in pt.compute_processing_times(now)}


def _one_way(filed_on: dt.date, check_after: int, decided_after: int, **kw) -> str:
    """Filed, completeness check `check_after` days later, decision `decided_after` days after filing."""
    number = _file(filed_on, **kw)
    clerk = kw.get("clerk", CLERK)
    day = dt.timedelta(days=1)
    _stage(number, "formal_check", dt.datetime.combine(filed_on + check_after * day, dt.time(9)), clerk)
    _stage(number, "decision_issued", dt.datetime.combine(filed_on + decided_after * day, dt.time(12)), clerk)
    return number


def test_known_distribution_gives_known_median_and_80th_percentile(store):
    # 25 cases at Gdańsk decided after 1..25 days x 3; the check always 2 days after filing.
    for i in range(1, 26):
        _one_way(D(2026, 6, 1), check_after=2, decided_after=2 + 3 * i)
    figures = _figures()
    whole = figures[("temp_work", "GDA", pt.TO_DECISION)]
    days = sorted(2 + 3 * i for i in range(1, 26))
    assert whole.cases == 25
    assert whole.median_days == days[12] == 41.0
    # percentile_cont(0.8): position 0.8 * 24 = 19.2 between the 20th and 21st value.
    assert whole.p80_days == pytest.approx(days[19] + 0.2 * (days[20] - days[19]))
    filed = figures[("temp_work", "GDA", "filed")]
    assert (filed.cases, filed.median_days, filed.p80_days) == (25, 2.0, 2.0)
    check = figures[("temp_work", "GDA", "formal_check")]
    assert check.median_days == 39.0
    # The stages on the way add up to the whole way, case by case.
    assert filed.median_days + check.median_days == whole.median_days


def test_a_group_under_twenty_decided_cases_shows_no_figure(store):
    for i in range(19):
        _one_way(D(2026, 5, 4), check_after=1, decided_after=10 + i, clerk=CLERK_SLU)
    for i in range(20):
        _one_way(D(2026, 5, 4), check_after=1, decided_after=10 + i)
    figures = _figures()
    small = figures[("temp_work", "SLU", pt.TO_DECISION)]
    assert (small.cases, small.median_days, small.p80_days, small.shown) == (19, None, None, False)
    enough = figures[("temp_work", "GDA", pt.TO_DECISION)]
    assert enough.cases == 20 and enough.shown and enough.median_days == 19.5


@pytest.mark.parametrize(
    ("filed_on", "decided_utc", "days"),
    [
        # 29 March 2026, 22:30 UTC is 30 March 00:30 in Warsaw (summer time began that night): 2 days, not 1.
        (D(2026, 3, 28), dt.datetime(2026, 3, 29, 22, 30), 2),
        # 24 October 2026, 22:30 UTC is 25 October 00:30 in Warsaw (the last summer-time night).
        (D(2026, 10, 23), dt.datetime(2026, 10, 24, 22, 30), 2),
        # New Year's Eve 23:30 UTC is 1 January 00:30 in Warsaw: across the turn of the year.
        (D(2025, 12, 30), dt.datetime(2025, 12, 31, 23, 30), 2),
    ],
)
def test_days_are_warsaw_calendar_days_across_dst_and_the_new_year(store, filed_on, decided_utc, days):
    for _ in range(20):
        number = _file(filed_on)
        _stage(number, "decision_issued", decided_utc)
    whole = _figures(decided_utc + dt.timedelta(days=1))[("temp_work", "GDA", pt.TO_DECISION)]
    assert (whole.cases, whole.median_days, whole.p80_days) == (20, float(days), float(days))


def test_withdrawn_and_out_of_window_decisions_do_not_count(store):
    counted = _one_way(D(2026, 9, 1), check_after=1, decided_after=5)
    withdrawn = _one_way(D(2026, 9, 1), check_after=1, decided_after=5)
    with frozen(dt.datetime(2026, 9, 6, 12, 5)):
        storage.withdraw_stage(withdrawn, clerk=CLERK)
    _one_way(D(2025, 6, 1), check_after=1, decided_after=30)  # decided in July 2025: over a year before NOW
    # Decided before the window, appealed and decided again inside it: counted at its first decision, so not at all.
    old = _one_way(D(2025, 8, 1), check_after=1, decided_after=10)
    _stage(old, "appeal", dt.datetime(2026, 1, 20, 9))
    _stage(old, "decision_issued", dt.datetime(2026, 2, 2, 9))
    whole = _figures()[("temp_work", "GDA", pt.TO_DECISION)]
    assert whole.cases == 1, counted


def test_refresh_stores_and_replaces_the_figures(store):
    for i in range(20):
        _one_way(D(2026, 8, 3), check_after=1, decided_after=7 + i)
    assert pt.stored_processing_time("temp_work", "GDA") is None
    assert pt.refresh_processing_times(NOW) == 3  # the whole way, "filed" and "formal_check"
    stored = pt.stored_processing_time("temp_work", "GDA")
    assert stored is not None and stored.cases == 20 and stored.median_days == 16.5
    assert stored.computed_at == NOW
    assert pt.last_refreshed() == NOW
    # A year later nothing is in the window: the old figures go, none are left behind.
    assert pt.refresh_processing_times(NOW + dt.timedelta(days=400)) == 0
    assert pt.stored_processing_time("temp_work", "GDA") is None
    assert pt.stored_processing_times() == []


def test_the_status_projection_sets_this_case_beside_its_group(store):
    for i in range(20):
        _one_way(D(2026, 8, 3), check_after=1, decided_after=7 + i)
    waiting = _file(D(2026, 11, 2))
    decided = _one_way(D(2026, 10, 1), check_after=1, decided_after=20)
    pt.refresh_processing_times(NOW)
    with frozen(NOW):
        view = storage.public_view(waiting, 1, "uk")
        assert view.processing is not None
        assert (view.processing.cases, view.processing.median_days) == (21, 17.0)
        assert view.processing.days_since_filing == 21
        assert view.processing.statutory_days == 60
        # The question is answered once the decision is issued.
        assert storage.public_view(decided, 1, "uk").processing is None
        # Słupsk decided nothing of this kind: the count says so and no figure is given.
        other = _file(D(2026, 11, 2), clerk=CLERK_SLU)
        view = storage.public_view(other, 1, "en")
        assert view.processing is not None and view.processing.cases == 0 and view.processing.median_days is None


def test_the_admin_command_refreshes_and_lists_the_figures(store):
    for i in range(20):
        _one_way(D(2026, 8, 3), check_after=1, decided_after=7 + i)
    shown = ok(run_cli(store.url, "processing-times", "--refresh", "--office", "gda"))
    assert "czasy załatwiania przeliczone: 3 grup" in shown
    assert "do decyzji" in shown and "16,5" in shown
    assert json.loads(ok(run_cli(store.url, "processing-times", "--json")))[0]["cases"] == 20
    refused(run_cli(store.url, "processing-times", "--office", "XYZ"), "oddział", "XYZ")
