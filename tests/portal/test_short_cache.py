"""The one-second cache the booking pages share: one computation per key however many ask at once,
and a failure handed to everyone waiting instead of being tried again by each in turn."""

from __future__ import annotations

import time

import pytest

from public_status.short_cache import MAX_ENTRIES, ShortCache
from tests.helpers import at_once


def test_many_asking_at_once_get_one_computation():
    cache, calls = ShortCache(), []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return "month"

    assert at_once(6, lambda i: cache.get("days", compute)) == ["month"] * 6
    assert len(calls) == 1


def test_a_failure_reaches_everyone_waiting_at_once_and_is_tried_again_after_a_second():
    cache, calls = ShortCache(ttl_s=0.5), []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        raise ConnectionError("store unavailable")

    began = time.monotonic()
    results = at_once(5, lambda i: cache.get("days", compute))
    assert all(isinstance(r, ConnectionError) for r in results) and len(calls) == 1
    assert time.monotonic() - began < 1.0  # not 5 × 0.2 s one after another
    time.sleep(0.6)
    with pytest.raises(ConnectionError):
        cache.get("days", compute)
    assert len(calls) == 2


def test_keys_stay_bounded():
    cache = ShortCache()
    for i in range(3 * MAX_ENTRIES):
        assert cache.get(("key", i), lambda i=i: i) == i
    assert len(cache._values) <= MAX_ENTRIES and len(cache._locks) <= MAX_ENTRIES
