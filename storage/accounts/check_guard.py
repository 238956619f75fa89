"""The machine's guard on password checks: how many may run at once (lock files every portal process
of the machine shares) and which addresses were answered "busy" lately (files in the same folder).

Both live on the machine, not in the database: a busy answer must stay a plain read, and the bound
they keep – checks at once, the reserved slot – is the machine's cores. With several machines each
keeps its own bound (docs/portal.md, "Several processes and machines").
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import struct
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from storage.errors import DomainError

Folder = Path | Callable[[], Path] | None


def _folder(owner: object, given: Folder, prefix: str) -> Path:
    """`given` (or what the function gives, asked at the first use: the setting is read once the
    program has checked its settings); without one a private folder that goes with `owner`."""
    chosen = given() if callable(given) else given
    if not chosen:
        owner._private = tempfile.TemporaryDirectory(prefix=prefix)  # type: ignore[attr-defined]
        chosen = owner._private.name  # type: ignore[attr-defined]
    folder = Path(chosen)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class LoginBusy(DomainError):
    """Every password-check slot of this process is taken: try again in `retry_after` seconds.
    Answered at once instead of queueing, so a flood of logins cannot starve the other pages."""

    def __init__(self, retry_after: int = 2) -> None:
        self.retry_after = retry_after
        super().__init__("password", f"serwer sprawdza teraz inne hasła – spróbuj za {retry_after} s")


class CheckSlots:
    """Password checks that may run at once on this machine: `size` ordinary slots (about one per
    core: bcrypt is a core's worth of work each) and `reserved` more that only clean addresses – no
    recent failure, not answered "busy" lately – may take once the ordinary ones are full. So the
    total is bounded by `size + reserved` however many portal processes run here: a slot is an
    exclusive lock on a file in `directory`, which every process and thread of the machine tries in
    turn (the kernel drops the lock of a process that dies, so a killed worker frees its slot).
    `directory` may be a function giving it, asked at the first check (the setting is read once the
    program has checked its settings). Without one the slots are private to this object (tests)."""

    def __init__(self, size: int, reserved: int = 1, directory: Folder = None) -> None:
        self.size, self.reserved = size, reserved
        self._directory = directory
        self._lock = threading.Lock()
        self.in_use = 0  # this process's share, for its own tests and figures
        self.reserved_in_use = 0

    @contextlib.contextmanager
    def slot(self, clean: bool) -> Iterator[bool]:
        """Take an ordinary slot, else (for a clean caller) a reserved one, else raise LoginBusy
        at once. Yields True when the slot taken is a reserved one."""
        held, reserved = self._take("check", self.size), False
        if held is None and clean:
            held, reserved = self._take("kept", self.reserved), True
        if held is None:
            raise LoginBusy()
        self._count(+1, reserved)
        try:
            yield reserved
        finally:
            self._count(-1, reserved)
            os.close(held)  # closing the descriptor releases its lock

    def all_taken(self) -> bool:
        """Every ordinary slot is held right now (a moment's answer: one may free just after)."""
        held = self._take("check", self.size)
        if held is None:
            return True
        os.close(held)
        return False

    @functools.cached_property
    def directory(self) -> Path:
        # Without a folder the slots are private to this object (tests): it goes with the object.
        return _folder(self, self._directory, "okienko-check-slots-")

    def _take(self, kind: str, count: int) -> int | None:
        for number in range(count):
            held = os.open(self.directory / f"{kind}-{number}", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(held)
                continue
            return held
        return None

    def _count(self, step: int, reserved: bool) -> None:
        with self._lock:
            self.in_use += step
            self.reserved_in_use += step if reserved else 0


class BusyMemory:
    """Addresses this machine answered "busy" lately. Without it every fresh attacking address
    would count as clean until its first check, and a flood of them would hold the reserved slot
    as well; so an address answered "busy" loses the reserved slot until it has not been answered
    "busy" for `window_s` (each further busy answer starts the wait again: an address that keeps
    coming back is looping). A person who was unlucky once tries on the ordinary slots meanwhile.

    Shared by every process of the machine, as the slots are: one small file per address (named by
    a hash of it, so no address is written down) holding when it was last answered "busy" and how
    many times in a row. A read is one open and one read; at most `capacity` files are kept, the
    least recently refused removed first."""

    _RECORD = struct.Struct("<dI")  # last busy answer (seconds since the epoch), answers in a row

    def __init__(self, allowed: int = 1, window_s: float = 60.0, capacity: int = 50_000, directory: Folder = None):
        self.allowed, self.window_s, self.capacity = allowed, window_s, capacity
        self._directory = directory
        self._notes = 0
        self._lock = threading.Lock()

    @functools.cached_property
    def directory(self) -> Path:
        return _folder(self, self._directory, "okienko-busy-") / "busy"

    def note(self, address: str) -> None:
        now = time.time()
        self.directory.mkdir(mode=0o700, exist_ok=True)  # (a machine's folder may have been emptied)
        held = os.open(self._file(address), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(held, fcntl.LOCK_EX)  # two processes noting one address count both answers
            count = self._count(os.pread(held, self._RECORD.size, 0), now)
            os.pwrite(held, self._RECORD.pack(now, count + 1), 0)
        finally:
            os.close(held)
        with self._lock:
            self._notes += 1
            due = self._notes % max(1, self.capacity // 4) == 0
        if due:
            self._forget(now)

    def looping(self, address: str) -> bool:
        try:
            held = os.open(self._file(address), os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            return self._count(os.pread(held, self._RECORD.size, 0), time.time()) >= self.allowed
        finally:
            os.close(held)

    def _file(self, address: str) -> Path:
        return self.directory / hashlib.sha256(address.encode()).hexdigest()[:32]

    def _count(self, record: bytes, now: float) -> int:
        if len(record) < self._RECORD.size:
            return 0
        last, count = self._RECORD.unpack(record)
        return 0 if now - last > self.window_s else count

    def _forget(self, now: float) -> None:
        """Remove the quiet addresses, then the least recently refused beyond `capacity`."""
        kept: list[tuple[float, Path]] = []
        for path in self.directory.iterdir():
            with contextlib.suppress(OSError):
                last, _ = self._RECORD.unpack(path.read_bytes()[: self._RECORD.size])
                if now - last > self.window_s:
                    path.unlink()
                else:
                    kept.append((last, path))
        kept.sort()
        for _, path in kept[: max(0, len(kept) - self.capacity)]:
            with contextlib.suppress(OSError):
                path.unlink()
