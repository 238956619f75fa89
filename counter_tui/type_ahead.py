"""Type-ahead: every key lands where the clerk meant it, however fast it was typed.

Textual forwards a key to the widget focused *when the key arrives* and checks most bindings
only once the key has bubbled up to the app. In a burst ("demo Tab password Enter" from a
password manager, or Esc / name Enter on a loaded machine) the keys after Tab were already on
their way to the login field before Tab moved the focus, and keys typed while a screen was
changing reached the old screen, or none.

So the app keeps typed keys in order and hands on the next one only when
- the previous key has been dealt with: a `KeyHandled` marker sent after it along the same path
  has come back to the app, twice (the second round catches the message a key's action posts,
  such as the table's RowSelected that opens a case);
- the current screen is ready: a `ScreenReady` marker sent to it after it was shown has come
  back (its mount and resume handlers, which set the focus, ran before it);
- no screen is holding keys while it waits for a result that decides where they go (a search
  whose single hit opens a case, a login): `run_store(..., holds_keys=True)` in screens/base.py.

A fast Esc followed by a letter, `/` or a Ctrl key reaches the app as one escape sequence, which Textual reads
as Alt+key or drops the Esc from ("\x1b/" → "/"). The desk binds no Alt key, so `EscapeFirstParser`
reads such a pair as the two keys the clerk pressed.

A marker can be lost with the widget it was sent to (a dialog closed by that very key): after
`STUCK_AFTER` seconds the key counts as handled, and a hold ends after `HOLD_AT_MOST`, so the
keyboard never locks up; the worst case is Textual's own behaviour."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import partial

from textual import events
from textual._xterm_parser import XTermParser
from textual.drivers import linux_driver
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

STUCK_AFTER = 3.0
HOLD_AT_MOST = 10.0
ROUNDS = 2


ESC = "\x1b"


class EscapeFirstParser(XTermParser):
    """Esc then a key, typed quickly: two keys, not Alt+key (the desk has no Alt keys). A control
    key after Esc too: Textual read "Esc Ctrl+N" in one write as Ctrl+N alone, the Esc lost."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if alt and len(sequence) == 1 and sequence != ESC:
            yield events.Key("escape", ESC)
            yield from super()._sequence_to_key_events(sequence)
        elif len(sequence) == 2 and sequence[0] == ESC and sequence[1].isprintable() and sequence[1] not in "[O":
            yield events.Key("escape", ESC)  # "[" and "O" begin the sequences of arrows and function keys
            yield from super()._sequence_to_key_events(sequence[1])
        else:
            yield from super()._sequence_to_key_events(sequence)


# The Linux driver builds its parser by this name when the app starts reading the terminal.
linux_driver.XTermParser = EscapeFirstParser  # type: ignore[misc]


class KeyHandled(Message):
    """Sent after a key to the widget that got it; bubbles back to the app behind the key."""

    def __init__(self, serial: int, rounds_left: int) -> None:
        super().__init__()
        self.serial, self.rounds_left = serial, rounds_left


class ScreenReady(Message):
    """Sent to a screen just shown; bubbles back to the app once the screen has settled."""

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.screen = screen


class KeysReleased(Message):
    """A screen's result that held the keys has been handled (posted behind the result)."""

    def __init__(self, owner: Screen) -> None:
        super().__init__()
        self.owner = owner


class TypeAheadApp:
    """Mixin for the App (before `App` in the bases)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._typed: deque[events.Key] = deque()
        self._key_serial = 0
        self._key_in_flight: int | None = None
        self._key_timer: Timer | None = None
        self._ready_screen: Screen | None = None
        self._probed_screen: Screen | None = None
        self._holds: dict[Screen, int] = {}
        self._hold_timers: dict[Screen, Timer] = {}

    # ------------------------------------------------------------ holding for a result

    def hold_keys(self, owner: Screen) -> None:
        """Keep typed keys back until `release_keys(owner)` (or `owner` is no longer shown)."""
        self._holds[owner] = self._holds.get(owner, 0) + 1
        if owner in self._hold_timers:
            self._hold_timers[owner].stop()
        self._hold_timers[owner] = self.set_timer(HOLD_AT_MOST, partial(self._end_hold, owner))  # type: ignore[attr-defined]

    def release_keys(self, owner: Screen) -> None:
        count = self._holds.get(owner, 0) - 1
        if count > 0:
            self._holds[owner] = count
        else:
            self._end_hold(owner)

    def _end_hold(self, owner: Screen) -> None:
        self._holds.pop(owner, None)
        timer = self._hold_timers.pop(owner, None)
        if timer is not None:
            timer.stop()
        self.call_later(self._feed_keys)  # type: ignore[attr-defined]

    # Handlers by name, not @on: a plain mixin class gets no table of decorated handlers.
    async def _on_keys_released(self, message: KeysReleased) -> None:
        message.stop()
        self.release_keys(message.owner)
        await self._feed_keys()

    # ------------------------------------------------------------ the queue

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._typed.append(event)
            await self._feed_keys()
            return
        await super().on_event(event)  # type: ignore[misc]

    def _ready_for_keys(self) -> bool:
        if self._key_in_flight is not None:
            return False
        screen: Screen = self.screen  # type: ignore[attr-defined]
        if len(self.screen_stack) < 2:  # type: ignore[attr-defined]
            return False  # Textual's blank first screen: the app's own is not shown yet
        for owner in [s for s in self._holds if s is not screen]:
            self._end_hold(owner)  # a screen no longer shown holds nothing
        if self._holds.get(screen):
            return False
        if screen is not self._ready_screen:
            if self._probed_screen is not screen:
                self._probed_screen = screen
                screen.post_message(ScreenReady(screen))
            return False
        return True

    async def _feed_keys(self) -> None:
        while self._typed and self._ready_for_keys():
            key = self._typed.popleft()
            target = self.focused or self.screen  # type: ignore[attr-defined]
            await super().on_event(key)  # type: ignore[misc]  # priority bindings, then forwarded
            if key.is_forwarded:
                self._key_serial += 1
                self._key_in_flight = self._key_serial
                target.post_message(KeyHandled(self._key_serial, ROUNDS - 1))
                if self._key_timer is not None:
                    self._key_timer.stop()
                self._key_timer = self.set_timer(STUCK_AFTER, partial(self._key_done, self._key_serial))  # type: ignore[attr-defined]

    def _key_done(self, serial: int) -> None:
        if self._key_in_flight == serial:
            self._key_in_flight = None
            self.call_later(self._feed_keys)  # type: ignore[attr-defined]

    async def _on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.serial != self._key_in_flight:
            return
        if message.rounds_left:
            target = self.focused or self.screen  # type: ignore[attr-defined]
            target.post_message(KeyHandled(message.serial, message.rounds_left - 1))
            return
        self._key_done(message.serial)

    async def _on_screen_ready(self, message: ScreenReady) -> None:
        message.stop()
        if self._probed_screen is message.screen:
            self._probed_screen = None
            if message.screen is self.screen:  # type: ignore[attr-defined]
                self._ready_screen = message.screen
        await self._feed_keys()
