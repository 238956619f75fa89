"""Wizyty dziś: the booked visits of the clerk's office for one day, by time. The clerk marks who
arrived, who did not come and who was served, books a visit for someone at the counter or on the
phone, cancels one, and registers a filing straight from a visit (the form comes prefilled)."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Label, Select

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import Prefill
from counter_tui.screens.visit_form import VisitBooked, VisitBookingForm
from counter_tui.widgets.literal import literal, markup
from storage import desk as store
from storage.desk import DeskVisit

ALL_GROUPS = "*"

STATE_NAMES = {
    "booked": "umówiona",
    "arrived": "przybył(a)",
    "no_show": "nie przyszedł(-ła)",
    "served": "obsłużona",
    "cancelled": "odwołana",
    "held": "czeka na kod",
}
STATE_STYLES = {"arrived": "bold green", "no_show": "red", "served": "dim", "cancelled": "dim strike"}


MARKED = ("arrived", "no_show", "served")


def visits_pl(count: int) -> str:
    """1 wizyta, 2–4 wizyty, 5 wizyt, 22 wizyty, 25 wizyt (Polish plural)."""
    if count == 1:
        return "1 wizyta"
    few = count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14)
    return f"{count} {'wizyty' if few else 'wizyt'}"


GROUP_WIDTH = 28  # the longest group names would push the state off a 120-column screen


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cancel(reference: str, *, clerk: str) -> str:
    store.cancel_visit(reference, clerk=clerk)
    return reference


COLUMNS = ("godz.", "numer", "imię i nazwisko", "sprawa", "telefon", "język", "stan")


class VisitsScreen(StoreScreen):
    CSS_PATH = "../styles/visits.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Wróć", id="back"),
        Binding("p", "mark('arrived')", "Przybył", id="arrived"),
        Binding("n", "mark('no_show')", "Nieobecny", id="no-show"),
        Binding("o", "mark('served')", "Obsłużony", id="served"),
        Binding("r", "register_from_visit", "Wniosek", id="register-from-visit"),
        Binding("u", "book", "Umów", id="book"),
        Binding("x", "cancel_visit", "Odwołaj", id="cancel-visit"),
        Binding("f7", "day(-1)", "‹ Dzień", id="previous-day"),
        Binding("f8", "day(1)", "Dzień ›", id="next-day"),
        Binding("f5", "refresh", "Odśwież", id="refresh"),
    ]

    class Loaded(StoreResult[list[DeskVisit]]):
        pass

    class Marked(StoreResult[DeskVisit]):
        pass

    class Cancelled(StoreResult[str]):
        pass

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or store.today_in_warsaw()
        self.group: str | None = None
        self.visits: list[DeskVisit] = []
        self.resumed_before = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="visit-controls"):
            yield Label("", id="visit-day")
            yield Select(
                [(literal(g.label("pl")), g.code) for g in self.app.catalog.visit_groups]
                + [("Wszystkie grupy", ALL_GROUPS)],
                value=ALL_GROUPS,
                allow_blank=False,
                id="visit-group",
                compact=True,
            )
        yield DataTable(id="visits", cursor_type="row", zebra_stripes=True)
        yield Label("", id="visit-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = "Wizyty"
        self.query_one(DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        # Back from a filing registered from a visit (now served) or from another screen: fresh list.
        # (The first resume comes with the first showing, which on_mount has already loaded.)
        if self.resumed_before:
            self.load()
        self.resumed_before = True

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        today = store.today_in_warsaw()
        when = "dziś" if self.day == today else ("jutro" if self.day == today + dt.timedelta(days=1) else "")
        template = "[b]$day[/b] $when" if when else "[b]$day[/b]"
        self.query_one("#visit-day", Label).update(markup(template, day=f"{self.day:%d.%m.%Y}", when=when))
        self.query_one("#visit-status", Label).update("Wczytuję…")
        self.run_store(self.Loaded, store.visits_on, self.app.desk_office, day=self.day, group=self.group)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if not message.ok:
            self.query_one("#visit-status", Label).update(markup("[b red]$error[/]", error=message.error))
            return
        self.visits = message.value
        self._show()

    def _show(self, keep: str | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        # Columns anew for each day: a very long name booked on one day widened the name column for
        # every other day too (DataTable keeps a column's widest width across clear()).
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        for visit in self.visits:
            table.add_row(
                literal(visit.local_time),
                literal(visit.reference),
                literal(visit.name or "–"),
                literal(shortened(visit.group_label, GROUP_WIDTH)),
                literal(visit.phone or "–"),
                literal(visit.language),
                literal(STATE_NAMES.get(visit.state, visit.state), style=STATE_STYLES.get(visit.state, "")),
                key=visit.reference,
            )
        if keep is not None:
            row = next((i for i, v in enumerate(self.visits) if v.reference == keep), row)
        if self.visits:
            table.move_cursor(row=min(row, len(self.visits) - 1))
        waiting = sum(1 for v in self.visits if v.state == "booked")
        here = sum(1 for v in self.visits if v.state == "arrived")
        self.query_one("#visit-status", Label).update(
            literal(
                f"{visits_pl(len(self.visits))} · umówionych, jeszcze nie przybyło: {waiting} · czeka w sali: {here}"
            )
            if self.visits
            else "Brak wizyt w tym dniu."
        )

    def selected(self) -> DeskVisit | None:
        table = self.query_one(DataTable)
        if not self.visits or table.cursor_row is None or table.cursor_row >= len(self.visits):
            return None
        return self.visits[table.cursor_row]

    # ------------------------------------------------------------ actions

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "visit-group":
            group = None if event.value in (Select.NULL, ALL_GROUPS) else str(event.value)
            if group != self.group:
                self.group = group
                self.load()

    def action_day(self, step: int) -> None:
        self.day += dt.timedelta(days=step)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_mark(self, state: str) -> None:
        visit = self.selected()
        if visit is None:
            self.app.bell()
            return
        if visit.state == state:
            self.notify(f"Wizyta {visit.reference} jest już oznaczona: {STATE_NAMES[state]}.", title="Wizyta")
            return
        if visit.state not in MARKED:
            self._mark(visit.reference, state)
            return

        # A mark already given is corrected only on purpose: one key must not undo "served".
        def decided(yes: bool | None) -> None:
            if yes:
                self._mark(visit.reference, state)

        text = (
            f"Wizyta {visit.reference} ({visit.name or '–'}) jest oznaczona: {STATE_NAMES[visit.state]}.\n"
            f"Zmienić na: {STATE_NAMES[state]}?"
        )
        self.app.push_screen(ConfirmDialog(text, "Zmień (T)", "Nie (N)"), decided)

    def _mark(self, reference: str, state: str) -> None:
        self.run_store(self.Marked, store.mark_visit, reference, state, clerk=self.app.clerk.login)

    @on(Marked)
    def _marked(self, message: Marked) -> None:
        if not message.ok:
            self.notify(message.error or "", title="Wizyta", severity="error")
            return
        changed = message.value
        self.visits = [changed if v.reference == changed.reference else v for v in self.visits]
        self._show(keep=changed.reference)

    def action_cancel_visit(self) -> None:
        visit = self.selected()
        if visit is None:
            self.app.bell()
            return
        if visit.state != "booked":
            self.notify(f"Tej wizyty nie można już odwołać ({STATE_NAMES.get(visit.state, visit.state)}).",
                        title="Wizyta", severity="warning")  # fmt: skip
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.run_store(self.Cancelled, cancel, visit.reference, clerk=self.app.clerk.login)

        text = f"Odwołać wizytę {visit.reference} ({visit.local_time}, {visit.name or '–'})?"
        self.app.push_screen(ConfirmDialog(text + "\nMiejsce wróci do puli.", "Odwołaj (T)", "Nie (N)"), decided)

    @on(Cancelled)
    def _cancelled(self, message: Cancelled) -> None:
        if not message.ok:
            self.notify(message.error or "", title="Wizyta", severity="error")
            return
        self.notify(f"Wizyta {message.value} odwołana; miejsce wróciło do puli.", title="Wizyta")
        self.load()

    def action_book(self) -> None:
        def booked(result: VisitBooked | None) -> None:
            if result is None:
                return
            visit = result.visit
            self.notify(
                f"Wizyta {visit.reference}: {visit.visit_day:%d.%m.%Y} {visit.local_time}. Podaj numer osobie.",
                title="Umówiono",
                timeout=15,
            )
            if visit.visit_day == self.day:
                self.load()

        self.app.push_screen(VisitBookingForm(self.app.desk_office, self.day), booked)

    def action_register_from_visit(self) -> None:
        visit = self.selected()
        if visit is None or not visit.name:
            self.app.bell()
            return
        if visit.state != "booked" and visit.state != "arrived":
            why = "z tej wizyty zarejestrowano już wniosek" if visit.state == "served" else STATE_NAMES[visit.state]
            self.notify(f"Wizyta {visit.reference}: {why}.", title="Nowy wniosek z wizyty", severity="warning")
            return
        self.app.open_register(Prefill(visit.name, visit.phone, visit.language, visit.reference))
