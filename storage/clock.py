"""Time: stored as naive UTC, shown and dated in Europe/Warsaw."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def today_in_warsaw() -> dt.date:
    return dt.datetime.now(WARSAW).date()


def to_warsaw(stored_utc: dt.datetime) -> dt.datetime:
    return stored_utc.replace(tzinfo=dt.UTC).astimezone(WARSAW)


def warsaw_date(stored_utc: dt.datetime) -> dt.date:
    return to_warsaw(stored_utc).date()
