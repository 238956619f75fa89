"""Rendered status pages, kept per session until the case changes.

An entry belongs to one session (its id is in the key, and the page carries that session's
CSRF token), one credential version and one language; it is served only while the case's
public version is the one it was rendered from, and for at most ten minutes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

MAX_ENTRIES = 4096
TTL_S = 600


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES, ttl_s: float = TTL_S) -> None:
        self._pages: OrderedDict[tuple, tuple[int, float, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries, self.ttl_s = max_entries, ttl_s

    def get(self, key: tuple, public_version: int) -> str | None:
        with self._lock:
            entry = self._pages.get(key)
            if entry is None:
                return None
            version, expires, html = entry
            if version != public_version or expires < time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return html

    def put(self, key: tuple, public_version: int, html: str) -> None:
        with self._lock:
            self._pages[key] = (public_version, time.monotonic() + self.ttl_s, html)
            self._pages.move_to_end(key)
            while len(self._pages) > self.max_entries:
                self._pages.popitem(last=False)

    def drop_session(self, sid: str) -> None:
        with self._lock:
            for key in [k for k in self._pages if k[0] == sid]:
                del self._pages[key]
