"""Answers that every applicant shares (a month's calendar page, the booking window, the catalogues),
kept for one second and computed once however many requests ask at the same moment.

When a day's slots open, hundreds of people load the same calendar within a second; without this each
of them makes the store count the month's seats again and renders the month again. A second-old count of
free seats per day is as good as a fresh one: the times page (never kept here: a time shown free should
be free) and the seat hold, checked by the database, are what decide.
The only rendered page kept is the calendar, which carries nothing of anyone's own, keyed by the
path of its own links and the language, and only for a GET of exactly that path with no message
waiting (public_status/visits.py). The browser is still told no-store. Keys are bounded: at
MAX_ENTRIES everything is dropped and computed again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app

TTL_S = 1.0
MAX_ENTRIES = 512


class _Failed:
    """A computation that raised, kept as briefly as an answer: when the store is down, the requests
    waiting on one key get its error at once instead of each trying again in turn (the k-th would
    wait k times the store's timeout, holding a server thread all the while)."""

    def __init__(self, error: Exception) -> None:
        self.error = error


class ShortCache:
    def __init__(self, ttl_s: float = TTL_S) -> None:
        self.ttl_s = ttl_s
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        entry = self._values.get(key)
        if entry is None or entry[0] <= time.monotonic():
            with self._guard:
                if len(self._locks) >= MAX_ENTRIES:
                    self._locks.clear()  # a lock held now still serves its holders; a new one may start
                lock = self._locks.setdefault(key, threading.Lock())
            with lock:  # one computation per key; the others wait for it and take its answer
                entry = self._values.get(key)
                if entry is None or entry[0] <= time.monotonic():
                    entry = (time.monotonic() + self.ttl_s, self._compute(compute))
                    with self._guard:
                        if len(self._values) >= MAX_ENTRIES:
                            self._values.clear()
                        self._values[key] = entry
        if isinstance(entry[1], _Failed):
            raise entry[1].error
        return entry[1]

    @staticmethod
    def _compute(compute: Callable[[], Any]) -> Any:
        try:
            return compute()
        except Exception as error:  # kept for the others waiting now; raised to each of them
            return _Failed(error)


def shared() -> ShortCache:
    """The app's own (each app, as each test's, reads its own store)."""
    return current_app.extensions.setdefault("okienko_short_cache", ShortCache())
