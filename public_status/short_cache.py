"""Answers that every applicant shares (a month's calendar page, the booking window, the catalogues),
kept for one second and computed once however many requests ask at the same moment.

When a day's slots open, hundreds of people load the same calendar within a second; without this each
of them makes the store count the month's seats again and renders the month again. A second-old count of
free seats per day is as good as a fresh one: the times page (never kept here: a time shown free should
be free) and the seat hold, checked by the database, are what decide.
The only rendered page kept is the calendar, which carries nothing of anyone's own, keyed by its full
path and language, and never used for a request with a message waiting (public_status/visits.py).
The browser is still told no-store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

TTL_S = 1.0
MAX_ENTRIES = 512


class ShortCache:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        entry = self._values.get(key)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one computation per key; the others wait for it and take its answer
            entry = self._values.get(key)
            if entry is not None and entry[0] > time.monotonic():
                return entry[1]
            value = compute()
            with self._guard:
                if len(self._values) >= MAX_ENTRIES:
                    self._values.clear()
                self._values[key] = (time.monotonic() + self.ttl_s, value)
            return value
