"""The calendar as the portal shows it: the booking window, closed weekdays, and the free seats of
each day and time."""

from __future__ import annotations

import calendar
import datetime as dt

from storage.catalog.visit_calendar import (
    as_utc,
    booking_window,
    is_bookable_day,
    is_open,
    local,
    slots,
)
from storage.catalog.visit_groups import calendar_rules, group_at_office
from storage.clock import today_in_warsaw, utcnow
from storage.db import unit_of_work
from storage.visits.results import VisitDay, VisitTime
from storage.visits.seats import seat_counts


def visit_closed_weekdays() -> list[int]:
    """The weekdays (ISO, 1 = Monday) on which no visit is booked, although the office may be open."""
    with unit_of_work():
        return sorted(calendar_rules().closed_weekdays)


def visit_window(*, now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a visit may be booked for today (both inclusive)."""
    today = today_in_warsaw() if now is None else local(now).date()
    with unit_of_work():
        return booking_window(today, calendar_rules())


def visit_days(
    office: str, group: str, *, month: dt.date | None = None, now: dt.datetime | None = None
) -> list[VisitDay]:
    """Every day of a month (default: the month of the first bookable day): free seats, and whether
    it can be booked at all (closed weekday, holiday, no hours, or outside the window: not open)."""
    now = as_utc(now) if now else utcnow()
    today = local(now).date()
    with unit_of_work():
        where, rules = group_at_office(office, group), calendar_rules()
        first, last = booking_window(today, rules)
        month = (month or first).replace(day=1)
        days = [month + dt.timedelta(days=i) for i in range(calendar.monthrange(month.year, month.month)[1])]
        taken = seat_counts(where, days[0], days[-1], now)
        result = []
        for day in days:
            open_ = first <= day <= last and is_open(day, where.hours, rules)
            free = sum(
                max(0, where.desks - taken.get(s, 0)) for s in slots(day, where.hours, where.slot_minutes, rules)
            )
            result.append(VisitDay(day, free if open_ else 0, open_))
        return result


def visit_times(office: str, group: str, day: dt.date, *, now: dt.datetime | None = None) -> list[VisitTime]:
    """The slots of a bookable day with their free seats (empty for a day that cannot be booked)."""
    now = as_utc(now) if now else utcnow()
    with unit_of_work():
        where, rules = group_at_office(office, group), calendar_rules()
        if not is_bookable_day(day, local(now).date(), where.hours, rules):
            return []
        taken = seat_counts(where, day, day, now)
        return [
            VisitTime(s, f"{local(s):%H:%M}", max(0, where.desks - taken.get(s, 0)))
            for s in slots(day, where.hours, where.slot_minutes, rules)
        ]
