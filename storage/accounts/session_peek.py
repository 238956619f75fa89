"""The status page's session lookup on SQLite, read without letting go of the interpreter lock.

Why not the sqlite3 module: it releases Python's interpreter lock around every call into SQLite
(three for this lookup: two steps and a reset), and under load each release is a hand-over
between the server's threads that costs more than the query. Measured on the 2-core machine
(docs/measured.md, "That hand-off"): with the lookup skipped altogether the status page served
twice as many requests, while the lookup itself costs about 10 µs of CPU. Here the same
lookup is made through ctypes.PyDLL, whose calls keep the lock: the process pauses for the
10 µs instead of queueing for the lock again three times.

The library is reached through the sqlite3 module's own extension file, so its symbols resolve to
the very SQLite that module uses: SQLite keeps its file locks in tables per process and per library
copy, and a second copy in the same process would not see the first one's locks (closing its
descriptors would even drop them). When that cannot be done (another platform, a build that hides
the symbols), or anything at all goes wrong, `lookup` raises OSError and the caller asks through
peewee as before.

Holding the lock is safe only while a read is short, and SQLite may wait inside a read in two ways:
a busy handler (none is set: a locked store answers SQLITE_BUSY at once) and its own retries while
it takes a WAL read mark (walTryBeginRead sleeps between up to 100 tries; seen to last 10 s when
another process held the marks). So a read that took longer than SLOW_READ_S sends every check of
the process the ordinary way for PAUSE_S, twice as long after each further slow read (up to
LONGEST_PAUSE_S): one stall now and then, not one per request.

A SQLite connection must not cross a fork. close_database closes every reader (the portal closes
the store before it forks its workers); a child that inherits a reader still open anyway (so also
SQLite's table of the parent's locks) never reads this way.
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import threading
import time
import weakref

from storage.db import on_close

_OK, _ROW, _DONE = 0, 100, 101
_NULL = 5
_OPEN_READONLY = 0x00000001
_OPEN_NOMUTEX = 0x00008000  # each connection is used under its reader's own lock
_TRANSIENT = ctypes.c_void_p(-1)  # SQLite copies the bound text

SLOW_READ_S = 0.05
PAUSE_S = 60.0
LONGEST_PAUSE_S = 3600.0
# Pooled peewee connections are replaced after this long; readers too, so a store file replaced on
# disk (not restored into, which keeps the file) is not read from its old copy for ever.
READER_MAX_AGE_S = 300.0


def _sqlite_library() -> ctypes.PyDLL | None:
    """The SQLite the sqlite3 module runs on, with the interpreter lock kept in its calls; or None."""
    import _sqlite3

    try:
        lib = ctypes.PyDLL(_sqlite3.__file__)  # already loaded: the same handle, its symbols from its own SQLite
        lib.sqlite3_libversion.restype = ctypes.c_char_p
        if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
            return None
        void_p, int_, char_p = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
        lib.sqlite3_open_v2.argtypes = [char_p, ctypes.POINTER(void_p), int_, char_p]
        lib.sqlite3_prepare_v2.argtypes = [void_p, char_p, int_, ctypes.POINTER(void_p), void_p]
        lib.sqlite3_bind_text.argtypes = [void_p, int_, char_p, int_, void_p]
        lib.sqlite3_step.argtypes = [void_p]
        lib.sqlite3_reset.argtypes = [void_p]
        lib.sqlite3_finalize.argtypes = [void_p]
        lib.sqlite3_close_v2.argtypes = [void_p]
        lib.sqlite3_column_type.argtypes = [void_p, int_]
        lib.sqlite3_column_int64.argtypes = [void_p, int_]
        lib.sqlite3_column_int64.restype = ctypes.c_int64
        lib.sqlite3_column_text.argtypes = [void_p, int_]
        lib.sqlite3_column_text.restype = char_p
    except (OSError, AttributeError):
        return None
    return lib


class _Reader:
    """One thread's read-only connection and its prepared lookup."""

    def __init__(self, lib: ctypes.PyDLL, path: str, sql: str) -> None:
        self.lib, self.path = lib, path
        self.pid, self.opened_at = os.getpid(), time.monotonic()
        self.lock = threading.Lock()  # close_database may close it from another thread
        self.db, self.stmt = ctypes.c_void_p(), ctypes.c_void_p()
        rc = lib.sqlite3_open_v2(os.fsencode(path), ctypes.byref(self.db), _OPEN_READONLY | _OPEN_NOMUTEX, None)
        if rc == _OK:
            rc = lib.sqlite3_prepare_v2(self.db, sql.encode(), -1, ctypes.byref(self.stmt), None)
        if rc != _OK:
            self.close()
            raise OSError(f"sqlite {rc}")

    @property
    def is_open(self) -> bool:
        return bool(self.db)

    def row(self, key: str, columns: tuple[type, ...]) -> tuple | None:
        """The lookup's one row (None: no such session); OSError when SQLite did not answer."""
        raw = key.encode()
        with self.lock:
            lib, stmt = self.lib, self.stmt
            if not stmt:
                raise OSError("closed")
            try:
                if lib.sqlite3_bind_text(stmt, 1, raw, len(raw), _TRANSIENT) != _OK:
                    raise OSError("bind")
                rc = lib.sqlite3_step(stmt)
                if rc == _DONE:
                    return None
                if rc != _ROW:
                    raise OSError(f"sqlite {rc}")
                return tuple(self._column(i, kind) for i, kind in enumerate(columns))
            finally:
                lib.sqlite3_reset(stmt)  # ends the read transaction: a reader must not hold back checkpoints

    def _column(self, i: int, kind: type) -> object:
        if self.lib.sqlite3_column_type(self.stmt, i) == _NULL:
            return None
        if kind is int:
            return self.lib.sqlite3_column_int64(self.stmt, i)
        text = self.lib.sqlite3_column_text(self.stmt, i)
        if text is None:
            raise OSError("sqlite: no text (out of memory)")
        return text.decode("utf-8")

    def close(self) -> None:
        with self.lock:
            if os.getpid() == self.pid:
                if self.stmt:
                    self.lib.sqlite3_finalize(self.stmt)
                if self.db:
                    self.lib.sqlite3_close_v2(self.db)
            # In a forked child the parent's connection is forgotten, never closed: closing it could end
            # the parent's WAL or drop its file locks.
            self.db, self.stmt = ctypes.c_void_p(), ctypes.c_void_p()

    __del__ = close  # a thread's connection goes with the thread


class SessionPeek:
    """`lookup(path, sql, key, columns)`: the row, None for no row, or OSError when
    this way cannot answer (the caller then asks through peewee)."""

    def __init__(self) -> None:
        self._lib: ctypes.PyDLL | None = None
        self._lib_known = False
        self._lock = threading.Lock()
        self._mine = threading.local()
        self._readers: weakref.WeakSet[_Reader] = weakref.WeakSet()
        self._paused_until = 0.0
        self._pause_s = PAUSE_S
        on_close(self.close_all)
        os.register_at_fork(after_in_child=self._after_fork_in_child)

    def available(self) -> bool:
        if not self._lib_known:
            with self._lock:
                if not self._lib_known:
                    self._lib, self._lib_known = _sqlite_library(), True
        return self._lib is not None

    def lookup(self, path: str, sql: str, key: str, columns: tuple[type, ...]) -> tuple | None:
        now = time.monotonic()
        if now < self._paused_until or not self.available():
            raise OSError("the quick read is not in use")
        reader: _Reader | None = getattr(self._mine, "reader", None)
        if reader is not None and (
            not reader.is_open or reader.path != path or now - reader.opened_at > READER_MAX_AGE_S
        ):
            reader.close()
            reader = self._mine.reader = None
        if reader is None:
            assert self._lib is not None
            reader = _Reader(self._lib, path, sql)
            with self._lock:
                self._readers.add(reader)
            self._mine.reader = reader
        try:
            return reader.row(key, columns)
        except OSError:
            reader.close()
            raise
        finally:
            if time.monotonic() - now > SLOW_READ_S:
                self._paused_until = time.monotonic() + self._pause_s
                self._pause_s = min(self._pause_s * 2, LONGEST_PAUSE_S)
            else:
                self._pause_s = PAUSE_S

    def close_all(self) -> None:
        """Close every thread's reader (each waits for its read in progress, if any)."""
        with self._lock:
            readers = list(self._readers)
        for reader in readers:
            reader.close()

    def _after_fork_in_child(self) -> None:
        self._lock = threading.Lock()  # a fork during the library's first lookup must not leave it held
        inherited = list(self._readers)
        for reader in inherited:
            reader.lock = threading.Lock()
        if any(reader.is_open for reader in inherited):
            self._lib, self._lib_known = None, True  # the parent's SQLite lock table came along: never here
        self._readers = weakref.WeakSet()
        self._mine = threading.local()
