"""Both delivery channels' state in the header: "Modem: OK · e-mail: nie działa od 12 min".

It reads the loops' heartbeats (storage decides each channel's state) in a thread worker on a
timer and gets the answer back as a message, so a slow or absent database never freezes the
screen. Only the widget on the screen in front asks; one coming back to the front asks at once.
The words say the state (the colour only repeats the worse of the two); the tooltip says why.
An office that has never run a mail loop and has no e-mail waiting does not use e-mail: the
header then names the modem only, instead of an "e-mail: –" a clerk would learn to ignore.
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
SEPARATOR = " · "
SEVERITY = ("-ok", "-warning", "-error")

MODEM_LABELS = {
    store.OK: ("Modem: OK", "-ok"),
    store.NO_SIGNAL: ("Modem: brak sygnału", "-warning"),
    store.NOT_RUNNING: ("Modem: nie działa", "-error"),
    store.DELAYED: ("SMS opóźnione", "-warning"),
}
MODEM_REASONS = {
    "ok": "pętla SMS działa, modem w sieci",
    "no_heartbeat": "pętla SMS nie zgłosiła się ani razu",
    "stopped": "pętla SMS została zatrzymana",
    "stale": "pętla SMS nie odzywa się od {minutes} min",
    "disconnected": "pętla SMS nie ma połączenia z modemem",
    "not_registered": "modem nie jest zalogowany do sieci",
    "no_signal": "modem nie ma zasięgu",
    "waiting": "najstarszy SMS czeka {minutes} min",
}
# E-mail: a reason picks the words (the code alone would not say "unreachable" from "refused").
MAIL_LABELS = {
    "ok": ("e-mail: działa", "-ok"),
    "no_heartbeat": ("e-mail: nie działa", "-error"),
    "stopped": ("e-mail: nie działa{since}", "-error"),
    "stale": ("e-mail: nie działa{since}", "-error"),
    "unreachable": ("e-mail: serwer nieosiągalny", "-error"),
    "refused": ("e-mail: serwer odmawia ({code})", "-error"),
    "waiting": ("e-mail: opóźnione {minutes} min", "-warning"),
}
MAIL_REASONS = {
    "ok": "pętla e-mail działa, serwer poczty przyjmuje wiadomości",
    "no_heartbeat": "e-maile czekają, a pętla e-mail nie zgłosiła się ani razu",
    "stopped": "pętla e-mail została zatrzymana{since}",
    "stale": "pętla e-mail nie odzywa się od {minutes} min",
    "unreachable": "serwer poczty nie odpowiada albo odrzuca połączenie; e-maile czekają",
    "refused": "serwer poczty odmawia przyjęcia e-maili (kod {code}); e-maile czekają",
    "waiting": "najstarszy e-mail czeka {minutes} min",
}


def refresh_interval() -> float:
    """Seconds between reads: OKIENKO_MODEM_REFRESH_S (tests use a short one), default 30."""
    try:
        return max(0.2, float(os.environ.get("OKIENKO_MODEM_REFRESH_S", DEFAULT_REFRESH_S)))
    except ValueError:
        return DEFAULT_REFRESH_S


def _words(template: str, state: store.ChannelState) -> str:
    code = (state.detail or "?").removeprefix("smtp:")
    # "od 0 min" reads like a fault of the header; under a minute the state alone says it.
    since = f" od {state.minutes} min" if state.minutes else ""
    return template.format(minutes=state.minutes, code=code, since=since)


def describe(modem: store.ChannelState, mail: store.ChannelState) -> tuple[str, str, str]:
    """The header's words, its tooltip and its colour class (the worse channel's) for two states."""
    label, severity = MODEM_LABELS[modem.code]
    reasons = [f"SMS: {_words(MODEM_REASONS.get(modem.reason, modem.reason), modem)}"]
    if mail.code != store.NOT_CONFIGURED:
        mail_label, mail_severity = MAIL_LABELS.get(mail.reason, (f"e-mail: {mail.reason}", "-warning"))
        label += SEPARATOR + _words(mail_label, mail)
        severity = max(severity, mail_severity, key=SEVERITY.index)
        reasons.append(f"e-mail: {_words(MAIL_REASONS.get(mail.reason, mail.reason), mail)}")
    else:
        reasons.append("e-mail: nieużywany (pętla e-mail nigdy nie działała i nic nie czeka)")
    return label, "\n".join(reasons), severity


class DeliveryStatus(Static):
    DEFAULT_CSS = """
    DeliveryStatus {
        dock: right;
        width: auto;
        padding: 0 1;
        text-style: bold;
    }
    """

    class Read(Message):
        def __init__(
            self, states: tuple[store.ChannelState, store.ChannelState] | None, error: str | None = None
        ) -> None:
            super().__init__()
            self.states, self.error = states, error

    def __init__(self, refresh_s: float | None = None) -> None:
        super().__init__("Modem: …", id="delivery-status")
        self.refresh_s = refresh_s or refresh_interval()

    def on_mount(self) -> None:
        self.set_interval(self.refresh_s, self.poll, name="delivery status")
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        self.poll()

    def _screen_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.poll()

    def poll(self) -> None:
        if self.is_attached and self.screen.is_current:
            self._read()

    @work(thread=True, exclusive=True, group="delivery-status", exit_on_error=False)
    def _read(self) -> None:
        try:
            self.post_message(self.Read((store.modem_state(), store.mail_state())))
        except StoreUnavailable as exc:
            self.post_message(self.Read(None, str(exc)))
        except Exception as exc:  # the header says it does not know; the app keeps running
            log.exception("delivery state not read")
            self.post_message(self.Read(None, f"nieoczekiwany błąd: {exc}"))

    def on_delivery_status_read(self, message: Read) -> None:
        message.stop()
        self.remove_class(*SEVERITY)
        if message.states is None:
            self.update("Modem: ?")
            self.add_class("-warning")
            self.tooltip = literal(message.error)
            return
        label, reasons, severity = describe(*message.states)
        self.update(literal(label))
        self.add_class(severity)
        self.tooltip = literal(reasons)


def show_in_header(screen: Screen) -> None:
    """Put a DeliveryStatus into the screen's header, once (screens without a header get none)."""

    def attach() -> None:
        for header in screen.query(Header):
            if not header.query(DeliveryStatus):
                header.mount(DeliveryStatus())

    screen.call_after_refresh(attach)
