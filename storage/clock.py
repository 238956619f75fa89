"""Time: stored as naive UTC, shown and dated in Europe/Warsaw.

`frozen()` pins "now" for the whole process, so that screenshots and printed documents
in tests (and recorded demos) do not change from one day to the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
_frozen_utc: dt.datetime | None = None


def utcnow() -> dt.datetime:
    if _frozen_utc is not None:
        return _frozen_utc
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def to_warsaw(stored_utc: dt.datetime) -> dt.datetime:
    return stored_utc.replace(tzinfo=dt.UTC).astimezone(WARSAW)


def warsaw_date(stored_utc: dt.datetime) -> dt.date:
    return to_warsaw(stored_utc).date()


def today_in_warsaw() -> dt.date:
    return warsaw_date(utcnow())


@contextlib.contextmanager
def frozen(at_utc: dt.datetime) -> Iterator[None]:
    global _frozen_utc
    previous, _frozen_utc = _frozen_utc, at_utc.replace(tzinfo=None, microsecond=0)
    try:
        yield
    finally:
        _frozen_utc = previous
