"""The modem's state in the header: OK, brak sygnału, nie działa, SMS opóźnione.

It reads the SMS loop's heartbeat (storage decides the state) in a thread worker on a timer and
gets the answer back as a message, so a slow or absent database never freezes the screen. Only
the widget on the screen in front asks; one coming back to the front asks at once.
"""

from __future__ import annotations

import logging
import os

from textual import work
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from counter_tui.widgets.literal import literal
from storage import desk as store
from storage.desk import StoreUnavailable

log = logging.getLogger("okienko.tui")

DEFAULT_REFRESH_S = 30.0

LABELS = {
    store.OK: ("Modem: OK", "-ok"),
    store.NO_SIGNAL: ("Modem: brak sygnału", "-warning"),
    store.NOT_RUNNING: ("Modem: nie działa", "-error"),
    store.DELAYED: ("SMS opóźnione", "-warning"),
}
REASONS = {
    "ok": "pętla SMS działa, modem w sieci",
    "no_heartbeat": "pętla SMS nie zgłosiła się ani razu",
    "stopped": "pętla SMS została zatrzymana",
    "stale": "pętla SMS nie odzywa się od {minutes} min",
    "disconnected": "pętla SMS nie ma połączenia z modemem",
    "not_registered": "modem nie jest zalogowany do sieci",
    "no_signal": "modem nie ma zasięgu",
    "waiting": "najstarszy SMS czeka {minutes} min",
}


def refresh_interval() -> float:
    """Seconds between reads: OKIENKO_MODEM_REFRESH_S (tests use a short one), default 30."""
    try:
        return max(0.2, float(os.environ.get("OKIENKO_MODEM_REFRESH_S", DEFAULT_REFRESH_S)))
    except ValueError:
        return DEFAULT_REFRESH_S


class ModemStatus(Static):
    DEFAULT_CSS = """
    ModemStatus {
        dock: right;
        width: auto;
        padding: 0 1;
        text-style: bold;
    }
    """

    class Read(Message):
        def __init__(self, state: store.ModemState | None, error: str | None = None) -> None:
            super().__init__()
            self.state, self.error = state, error

    def __init__(self, refresh_s: float | None = None) -> None:
        super().__init__("Modem: …", id="modem-status")
        self.refresh_s = refresh_s or refresh_interval()

    def on_mount(self) -> None:
        self.set_interval(self.refresh_s, self.poll, name="modem status")
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.poll()

    def _screen_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.poll()

    def poll(self) -> None:
        if self.is_attached and self.screen.is_current:
            self._read()

    @work(thread=True, exclusive=True, group="modem-status", exit_on_error=False)
    def _read(self) -> None:
        try:
            self.post_message(self.Read(store.modem_state()))
        except StoreUnavailable as exc:
            self.post_message(self.Read(None, str(exc)))
        except Exception as exc:  # the header says it does not know; the app keeps running
            log.exception("modem state not read")
            self.post_message(self.Read(None, f"nieoczekiwany błąd: {exc}"))

    def on_modem_status_read(self, message: Read) -> None:
        message.stop()
        for _, css_class in LABELS.values():
            self.remove_class(css_class)
        if message.state is None:
            self.update("Modem: ?")
            self.add_class("-warning")
            self.tooltip = literal(message.error)
            return
        label, css_class = LABELS[message.state.code]
        self.update(literal(label))
        self.add_class(css_class)
        reason = REASONS.get(message.state.reason, message.state.reason).format(minutes=message.state.minutes)
        self.tooltip = literal(reason)


def show_in_header(screen: Screen) -> None:
    """Put a ModemStatus into the screen's header, once (screens without a header get none)."""

    def attach() -> None:
        for header in screen.query(Header):
            if not header.query(ModemStatus):
                header.mount(ModemStatus())

    screen.call_after_refresh(attach)
