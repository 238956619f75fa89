"""The status page's session lookup on SQLite, read without letting go of the interpreter lock.

Why not the sqlite3 module: it releases Python's interpreter lock around every call into SQLite
(three for this lookup: two steps and a reset), and under load each release is a hand-over
between the server's threads that costs more than the query. Measured on the 2-core machine
(docs/measured.md, "That hand-off"): with the lookup skipped altogether the status page served
twice as many requests, while the lookup itself costs about 10 µs of CPU. Here the same
lookup is made through ctypes.PyDLL, whose calls keep the lock: the process pauses for the
10 µs instead of queueing for the lock again three times.

The library used is the copy of libsqlite3 the sqlite3 module has already loaded: SQLite keeps
its file locks in tables per process and per library copy, so a second copy in the same
process would not see the first one's locks (and closing its descriptors would drop them).
When that copy cannot be found (SQLite built into the module, another platform), or anything
at all goes wrong, `lookup` answers None and the caller asks through peewee as before.

Only reads are made here, on a connection opened read-only with no busy wait: a locked or
unreadable store answers None at once rather than holding the interpreter lock while waiting.
"""

from __future__ import annotations

import ctypes
import os
import sqlite3
import threading
from pathlib import Path

_OK, _ROW, _DONE = 0, 100, 101
_NULL = 5
_OPEN_READONLY = 0x00000001
_OPEN_NOMUTEX = 0x00008000  # each thread has its own connection
_TRANSIENT = ctypes.c_void_p(-1)  # SQLite copies the bound text


def _loaded_library() -> ctypes.PyDLL | None:
    """libsqlite3 as already mapped into this process by the sqlite3 module, or None."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {
                fields[5] for fields in (line.split(maxsplit=5) for line in maps)
                if len(fields) == 6 and Path(fields[5].strip()).name.startswith("libsqlite3.so")
            }  # fmt: skip
    except OSError:
        return None
    if len(paths) != 1:
        return None
    try:
        lib = ctypes.PyDLL(paths.pop().strip())
    except OSError:
        return None
    lib.sqlite3_libversion.restype = ctypes.c_char_p
    if lib.sqlite3_libversion().decode() != sqlite3.sqlite_version:
        return None
    lib.sqlite3_open_v2.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_char_p]
    lib.sqlite3_prepare_v2.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
    ]  # fmt: skip
    lib.sqlite3_bind_text.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p]
    lib.sqlite3_step.argtypes = [ctypes.c_void_p]
    lib.sqlite3_reset.argtypes = [ctypes.c_void_p]
    lib.sqlite3_finalize.argtypes = [ctypes.c_void_p]
    lib.sqlite3_close_v2.argtypes = [ctypes.c_void_p]
    lib.sqlite3_column_type.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.sqlite3_column_int64.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.sqlite3_column_int64.restype = ctypes.c_int64
    lib.sqlite3_column_text.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.sqlite3_column_text.restype = ctypes.c_char_p
    return lib


class _Reader:
    """One thread's read-only connection and its prepared lookup."""

    def __init__(self, lib: ctypes.PyDLL, path: str, sql: str, generation: int) -> None:
        self.lib, self.path, self.generation = lib, path, generation
        self.pid = os.getpid()
        self.db, self.stmt = ctypes.c_void_p(), ctypes.c_void_p()
        rc = lib.sqlite3_open_v2(path.encode(), ctypes.byref(self.db), _OPEN_READONLY | _OPEN_NOMUTEX, None)
        if rc == _OK:
            rc = lib.sqlite3_prepare_v2(self.db, sql.encode(), -1, ctypes.byref(self.stmt), None)
        if rc != _OK:
            self.close()
            raise OSError(f"sqlite {rc}")

    def row(self, key: str, columns: tuple[type, ...]) -> tuple | None:
        """The lookup's one row (None: no such session); OSError when SQLite did not answer."""
        lib, stmt = self.lib, self.stmt
        raw = key.encode()
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
        if os.getpid() != self.pid:
            # A SQLite connection must not be used, nor closed, in a child process: closing may end
            # the parent's WAL or drop its file locks. The child forgets it and opens its own.
            self.db, self.stmt = ctypes.c_void_p(), ctypes.c_void_p()
            return
        if self.stmt:
            self.lib.sqlite3_finalize(self.stmt)
        if self.db:
            self.lib.sqlite3_close_v2(self.db)
        self.db, self.stmt = ctypes.c_void_p(), ctypes.c_void_p()

    __del__ = close  # a thread's connection goes with the thread


class SessionPeek:
    """`lookup(path, sql, key, columns)`: the row, None for no row, or raises OSError when this
    way cannot answer (the caller then asks through peewee)."""

    def __init__(self) -> None:
        self._lib: ctypes.PyDLL | None = None
        self._lib_known = False
        self._mine = threading.local()
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._forget_inherited)

    def _forget_inherited(self) -> None:
        self._mine = threading.local()  # the parent's readers are dropped without being closed (see close)

    def available(self) -> bool:
        if not self._lib_known:
            with self._lock:
                if not self._lib_known:
                    self._lib, self._lib_known = _loaded_library(), True
        return self._lib is not None

    def lookup(self, path: str, sql: str, key: str, columns: tuple[type, ...], generation: int) -> tuple | None:
        if not self.available():
            raise OSError("no usable libsqlite3 in this process")
        reader: _Reader | None = getattr(self._mine, "reader", None)
        if reader is not None and (reader.path != path or reader.generation != generation):
            reader.close()  # the store was closed or another one opened since
            reader = self._mine.reader = None
        if reader is None:
            assert self._lib is not None
            reader = self._mine.reader = _Reader(self._lib, path, sql, generation)
        try:
            return reader.row(key, columns)
        except OSError:
            reader.close()
            self._mine.reader = None
            raise
