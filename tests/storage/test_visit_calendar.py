"""The calendar rules on their own: the booking window, closed Wednesdays, Polish public holidays
and the UTC times of slots in the weeks the clocks change (2027: 28 March and 31 October)."""

import datetime as dt

import pytest

from storage.catalog.visit_calendar import (
    CalendarRules,
    OpeningHours,
    booking_window,
    is_bookable_day,
    is_open,
    is_public_holiday,
    local,
    slot_of,
    slots,
)

RULES = CalendarRules(horizon_days=30, closed_weekdays=frozenset({3}))
# Every weekday 09:00-11:00, Wednesday included: only the rule keeps Wednesday closed.
HOURS = OpeningHours.of([[d, "09:00", "11:00"] for d in range(1, 6)])


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args)


@pytest.mark.parametrize(
    ("day", "first_utc"),
    [
        (dt.date(2027, 3, 26), utc(2027, 3, 26, 8, 0)),  # Friday before the change: CET, UTC+1
        (dt.date(2027, 3, 30), utc(2027, 3, 30, 7, 0)),  # Tuesday after it: CEST, UTC+2
        (dt.date(2027, 10, 29), utc(2027, 10, 29, 7, 0)),  # Friday before the change back: CEST
        (dt.date(2027, 11, 2), utc(2027, 11, 2, 8, 0)),  # Tuesday after it: CET again
    ],
)
def test_nine_oclock_in_warsaw_is_stored_in_utc_by_that_days_offset(day, first_utc):
    found = slots(day, HOURS, 30, RULES)
    assert found[0] == first_utc
    assert [f"{local(s):%H:%M}" for s in found] == ["09:00", "09:30", "10:00", "10:30"]
    assert all(slot_of(s, HOURS, 30, RULES) == day for s in found)


def test_the_dst_weeks_have_their_holidays_closed_and_the_other_days_open():
    # Easter 2027 falls on the very Sunday the clocks go forward; All Saints' Day on the Monday after they go back.
    march = [dt.date(2027, 3, 29) + dt.timedelta(days=i) for i in range(5)]
    assert [is_open(d, HOURS, RULES) for d in march] == [False, True, False, True, True]  # Easter Monday, Wednesday
    november = [dt.date(2027, 11, 1) + dt.timedelta(days=i) for i in range(5)]
    assert [is_open(d, HOURS, RULES) for d in november] == [False, True, False, True, True]


@pytest.mark.parametrize(
    "holiday",
    [dt.date(2027, 11, 11), dt.date(2027, 3, 29), dt.date(2027, 5, 3), dt.date(2027, 12, 24), dt.date(2028, 1, 6)],
)
def test_polish_public_holidays_have_no_slots(holiday):
    assert is_public_holiday(holiday)
    assert slots(holiday, HOURS, 30, RULES) == []


def test_an_ordinary_day_is_not_a_holiday():
    assert not is_public_holiday(dt.date(2027, 11, 12))
    assert slots(dt.date(2027, 11, 12), HOURS, 30, RULES)


def test_wednesday_is_closed_by_the_setting_not_by_the_hours():
    wednesday = dt.date(2027, 3, 24)
    assert wednesday.isoweekday() == 3 and 3 in HOURS.periods
    assert slots(wednesday, HOURS, 30, RULES) == []
    open_wednesdays = CalendarRules(horizon_days=30, closed_weekdays=frozenset())
    assert len(slots(wednesday, HOURS, 30, open_wednesdays)) == 4


def test_weekends_have_no_hours():
    assert slots(dt.date(2027, 3, 27), HOURS, 30, RULES) == []


def test_the_window_starts_the_next_day_and_ends_at_the_horizon():
    today = dt.date(2027, 3, 22)  # a Monday
    assert booking_window(today, RULES) == (dt.date(2027, 3, 23), dt.date(2027, 4, 21))
    assert not is_bookable_day(today, today, HOURS, RULES)  # never today
    assert is_bookable_day(dt.date(2027, 3, 23), today, HOURS, RULES)
    assert is_bookable_day(dt.date(2027, 4, 21), today, HOURS, RULES) is False  # a Wednesday, the last day
    assert is_bookable_day(dt.date(2027, 4, 20), today, HOURS, RULES)
    assert not is_bookable_day(dt.date(2027, 4, 22), today, HOURS, RULES)  # one past the horizon


def test_on_a_friday_the_earliest_slot_is_monday():
    friday = dt.date(2027, 3, 19)
    first = min(
        d for d in (friday + dt.timedelta(days=i) for i in range(1, 10)) if is_bookable_day(d, friday, HOURS, RULES)
    )
    assert first == dt.date(2027, 3, 22)


def test_slots_end_by_closing_time_and_a_time_between_slots_is_none():
    hours = OpeningHours.of([[2, "11:00", "12:10"]])
    found = slots(dt.date(2027, 3, 23), hours, 20, RULES)
    assert [f"{local(s):%H:%M}" for s in found] == ["11:00", "11:20", "11:40"]  # 12:00 would end at 12:20
    assert slot_of(utc(2027, 3, 23, 10, 10), hours, 20, RULES) is None
