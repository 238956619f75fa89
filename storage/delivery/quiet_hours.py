"""Quiet hours: when texts wait for the morning (Europe/Warsaw wall-clock times).

One definition for the SMS loop, which holds texts back, and for the desks' header, which must
not call a text "delayed" for time it spent waiting on purpose.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from storage.clock import WARSAW

# Beyond this, a text has waited far past any threshold anyway; counting further days is pointless.
_MAX_SPAN = dt.timedelta(days=8)


@dataclasses.dataclass(frozen=True)
class QuietHours:
    start: dt.time
    end: dt.time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """'20:00-08:00' or 'off'."""
        if text.strip().lower() == "off":
            return None
        try:
            start, end = (dt.time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError:
            raise ValueError(f"quiet hours must look like 20:00-08:00 or be 'off', not {text!r}") from None
        return cls(start, end)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: dt.datetime) -> bool:
        """`moment` aware, or naive UTC as stored."""
        now = _aware(moment).astimezone(WARSAW).time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def _periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The quiet periods that begin on `day` (Warsaw), as aware datetimes; DST-correct."""
        begin = dt.datetime.combine(day, self.start, tzinfo=WARSAW)
        end_day = day if self.start < self.end else day + dt.timedelta(days=1)
        end = dt.datetime.combine(end_day, self.end, tzinfo=WARSAW)
        # In UTC: Python subtracts two datetimes sharing one zone as wall-clock times, wrong across DST.
        return [(begin.astimezone(dt.UTC), end.astimezone(dt.UTC))] if self.start != self.end else []

    def outside_between(self, since: dt.datetime, until: dt.datetime) -> dt.timedelta:
        """How much of [since, until] lies outside quiet hours (both aware, or naive UTC)."""
        since, until = _aware(since), _aware(until)
        if until <= since:
            return dt.timedelta(0)
        since = max(since, until - _MAX_SPAN)
        quiet = dt.timedelta(0)
        day = since.astimezone(WARSAW).date() - dt.timedelta(days=1)
        while day <= until.astimezone(WARSAW).date():
            for begin, end in self._periods(day):
                overlap = min(end, until) - max(begin, since)
                if overlap > dt.timedelta(0):
                    quiet += overlap
            day += dt.timedelta(days=1)
        return (until - since) - quiet


def outside_quiet(quiet: QuietHours | None, since: dt.datetime, until: dt.datetime) -> dt.timedelta:
    """Time in [since, until] that counts as waiting (all of it when there are no quiet hours)."""
    if quiet is None:
        return max(dt.timedelta(0), _aware(until) - _aware(since))
    return quiet.outside_between(since, until)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC) if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
