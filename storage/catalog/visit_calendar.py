"""When a visit can be booked: pure rules, no database.

- the earliest day is the day after today (so never today; a weekend or holiday simply has no slots);
- the last day is today + the horizon;
- no slots on the closed weekdays (Wednesday by default) nor on Polish public holidays, taken from
  the maintained `holidays` package;
- a day's slots follow the group's opening hours in Warsaw wall-clock time, one every `slot_minutes`,
  each ending by closing time. Slots are stored as naive UTC, so the same 09:00 is 08:00 UTC in
  winter and 07:00 UTC in summer; the UTC offset is taken per day, which is what makes the weeks
  of the daylight-saving changes come out right.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from typing import TYPE_CHECKING

from storage.clock import WARSAW


@dataclasses.dataclass(frozen=True)
class CalendarRules:
    horizon_days: int
    closed_weekdays: frozenset[int]  # ISO: 1 = Monday … 7 = Sunday
    hold_minutes: int = 10
    code_tries: int = 3

    @property
    def hold(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.hold_minutes)


@dataclasses.dataclass(frozen=True)
class OpeningHours:
    """Per ISO weekday, the (from, to) periods of a group at an office."""

    periods: dict[int, tuple[tuple[dt.time, dt.time], ...]]

    @classmethod
    def of(cls, rows: list[tuple[int, str, str]]) -> OpeningHours:
        periods: dict[int, list[tuple[dt.time, dt.time]]] = {}
        for weekday, start, end in rows:
            periods.setdefault(int(weekday), []).append((dt.time.fromisoformat(start), dt.time.fromisoformat(end)))
        return cls({day: tuple(sorted(p)) for day, p in periods.items()})


if TYPE_CHECKING:
    import holidays


@functools.cache
def _polish_holidays(year: int) -> holidays.HolidayBase:
    # Imported at first use: the package loads every country's calendars (about 50 ms), which each
    # start of the admin command line paid, most of its commands never looking at a holiday.
    import holidays

    return holidays.country_holidays("PL", years=year)


def is_public_holiday(day: dt.date) -> bool:
    return day in _polish_holidays(day.year)


def booking_window(today: dt.date, rules: CalendarRules) -> tuple[dt.date, dt.date]:
    """First and last day a visit may be booked for, both inclusive."""
    return today + dt.timedelta(days=1), today + dt.timedelta(days=rules.horizon_days)


def is_open(day: dt.date, hours: OpeningHours, rules: CalendarRules) -> bool:
    """Does the group take visits on `day` at all (regardless of the booking window)?"""
    weekday = day.isoweekday()
    return weekday not in rules.closed_weekdays and weekday in hours.periods and not is_public_holiday(day)


def is_bookable_day(day: dt.date, today: dt.date, hours: OpeningHours, rules: CalendarRules) -> bool:
    first, last = booking_window(today, rules)
    return first <= day <= last and is_open(day, hours, rules)


def to_utc(day: dt.date, wall: dt.time) -> dt.datetime:
    """Warsaw wall-clock time on `day` as naive UTC (as the store keeps times)."""
    return dt.datetime.combine(day, wall, tzinfo=WARSAW).astimezone(dt.UTC).replace(tzinfo=None)


def local(starts_at: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) or aware time as Warsaw wall-clock time."""
    aware = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=dt.UTC)
    return aware.astimezone(WARSAW)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware time, or a naive one taken as UTC, as naive UTC without seconds' fractions."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def slots(day: dt.date, hours: OpeningHours, slot_minutes: int, rules: CalendarRules) -> list[dt.datetime]:
    """The start of every slot on `day` (naive UTC, in order); none on a closed day or a holiday."""
    if not is_open(day, hours, rules):
        return []
    step = dt.timedelta(minutes=slot_minutes)
    found = []
    for start, end in hours.periods[day.isoweekday()]:
        # Wall-clock arithmetic on a naive local time: offices open in the day, far from the 02:00-03:00 jump.
        moment, closing = dt.datetime.combine(day, start), dt.datetime.combine(day, end)
        while moment + step <= closing:
            found.append(to_utc(day, moment.time()))
            moment += step
    return sorted(set(found))


def slot_of(starts_at: dt.datetime, hours: OpeningHours, slot_minutes: int, rules: CalendarRules) -> dt.date | None:
    """The Warsaw day of a slot that really starts at `starts_at` (naive UTC), or None if no slot does."""
    day = local(starts_at).date()
    return day if starts_at in slots(day, hours, slot_minutes, rules) else None
