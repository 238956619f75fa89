"""Booking a visit for a person at the counter or on the phone (the office's kiosk for people
without internet or a mobile): no SMS code, the clerk is the confirmation, and the store audits it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreForm
from counter_tui.validators import ApplicantName, MobilePhone, StorageRule
from counter_tui.widgets.form_tail import form_tail
from counter_tui.widgets.language_select import LanguageSelect
from counter_tui.widgets.literal import literal
from counter_tui.widgets.search_select import SearchSelect
from storage import desk as store
from storage.desk import DeskVisit, DomainError, VisitTime


@dataclasses.dataclass(frozen=True)
class VisitBooked:
    visit: DeskVisit


def _visit_day(value: str) -> dt.date:
    text = value.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise DomainError("day", f"nie ma takiego dnia w kalendarzu ({text})") from None
        raise DomainError("day", "format RRRR-MM-DD") from None


class VisitDay(StorageRule):
    rule = staticmethod(_visit_day)


def book(
    office: str, group: str, starts_at: dt.datetime, name: str, phone: str, language: str, *, clerk: str
) -> VisitBooked:
    return VisitBooked(store.book_visit_for(office, group, starts_at, name, phone, language, clerk=clerk))


class VisitBookingForm(StoreForm[VisitBooked]):
    DISCARD_QUESTION = "Porzucić wypełniony formularz wizyty? Nic nie zostanie zapisane."

    BINDINGS = [
        Binding("ctrl+s", "save", "Umów", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    class TimesLoaded(StoreResult[list[VisitTime]]):
        pass

    def __init__(self, office: str, day: dt.date) -> None:
        super().__init__()
        self.office = office
        # At the counter today's later times may be booked too (online: from the next working day).
        self.first_day = max(day, store.today_in_warsaw())
        self.times: list[VisitTime] = []
        self.refused: str | None = None  # the store's reason, kept on screen while the times reload

    def compose(self) -> ComposeResult:
        groups = self.app.catalog.visit_groups
        with Vertical(classes="dialog wide", id="visit-form"):
            yield Static("Umów wizytę za kogoś (bez kodu SMS – potwierdza urzędnik)", classes="dialog-title")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Sprawa (grupa)", classes="field-label")
                    yield SearchSelect(
                        [(literal(g.short_pl or g.label("pl")), g.code) for g in groups],
                        prompt="wybierz…",
                        id="visit-group",
                    )
                with Vertical():
                    yield Label("Dzień (RRRR-MM-DD)", classes="field-label")
                    yield Input(self.first_day.isoformat(), id="visit-day", validators=[VisitDay()])
                with Vertical():
                    yield Label("Godzina (wolne miejsca)", classes="field-label")
                    yield Select([], prompt="po grupie i dniu", id="visit-time")
            yield Label("Imię i nazwisko osoby, której sprawa dotyczy", classes="field-label")
            yield Input(id="visit-name", validators=[ApplicantName()], max_length=200)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Telefon komórkowy (opcjonalnie)", classes="field-label")
                    yield Input(placeholder="np. 501 234 567", id="visit-phone", validators=[MobilePhone()])
                with Vertical():
                    yield Label("Język", classes="field-label")
                    yield LanguageSelect("pl", id="visit-language")
            yield from form_tail("Umów (Ctrl+S)")

    def on_mount(self) -> None:
        self.query_one("#visit-group", Select).focus()

    # ------------------------------------------------------------ free times

    def _load_times(self) -> None:
        group = self.query_one("#visit-group", Select).value
        day_input = self.query_one("#visit-day", Input)
        if group is Select.NULL or not day_input.is_valid:
            return
        day = _visit_day(day_input.value)
        if self.refused is None:
            self.query_one("#form-error", Label).update("Sprawdzam wolne godziny…")
        self.run_store(self.TimesLoaded, store.counter_times, self.office, str(group), day)

    @on(TimesLoaded)
    def _times_loaded(self, message: TimesLoaded) -> None:
        select = self.query_one("#visit-time", Select)
        if not message.ok:
            self.times = []
            select.set_options([])
            self.query_one("#form-error", Label).update(literal(message.error))
            return
        self.times = [t for t in message.value if t.free > 0]
        select.set_options([(literal(f"{t.local} (wolne: {t.free})"), i) for i, t in enumerate(self.times)])
        select.prompt = "wybierz godzinę" if self.times else "brak wolnych godzin"
        if not message.value:
            empty = (
                "Tego dnia nie można umówić wizyty: dzień minął, urząd nie przyjmuje wtedy umówionych wizyt "
                "albo dzień jest poza okresem rezerwacji"
            )
        else:
            empty = "" if self.times else "Brak wolnych godzin w tym dniu"
        self.query_one("#form-error", Label).update(literal(self.refused or empty))
        self.refused = None

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "visit-group":
            self._load_times()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "visit-day" or event.validation_result is None:
            return
        if event.validation_result.is_valid:
            self._load_times()
            return
        # No times offered for a day that is not one: the list from the last good day would mislead.
        self.times = []
        select = self.query_one("#visit-time", Select)
        select.set_options([])
        select.prompt = "najpierw poprawny dzień"
        self.query_one("#form-error", Label).update(literal(event.validation_result.failure_descriptions[0]))

    # ------------------------------------------------------------ saving

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def _first_problem(self) -> str | None:
        if self.query_one("#visit-group", Select).value is Select.NULL:
            return "Grupa: wybierz z listy"
        if self.query_one("#visit-time", Select).value is Select.NULL:
            return "Godzina: wybierz wolną godzinę z listy"
        for input_id in ("#visit-day", "#visit-name", "#visit-phone"):
            widget = self.query_one(input_id, Input)
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                widget.focus()
                return result.failure_descriptions[0]
        return None

    def action_save(self) -> None:
        problem = self._first_problem()
        if problem:
            self.query_one("#form-error", Label).update(literal(problem))
            return
        chosen = self.times[int(self.query_one("#visit-time", Select).value)]
        value = lambda wid: self.query_one(wid, Input).value  # noqa: E731
        self.query_one("#form-error", Label).update("Zapisuję…")
        self.run_store(
            self.Saved,
            book,
            self.office,
            str(self.query_one("#visit-group", Select).value),
            chosen.starts_at,
            value("#visit-name"),
            value("#visit-phone"),
            str(self.query_one("#visit-language", Select).value),
            clerk=self.app.clerk.login,
        )

    def has_typed_input(self) -> bool:
        typed = any(self.query_one(i, Input).value.strip() for i in ("#visit-name", "#visit-phone"))
        return typed or self.query_one("#visit-group", Select).value is not Select.NULL

    def refusal(self, message: StoreForm.Saved) -> str:
        if message.field in (None, "starts_at"):
            self.refused = message.error
            self._load_times()  # the time may have gone meanwhile: show what is free now
        return message.error or ""
