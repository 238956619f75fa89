"""Wizyty dziś: the booked visits of the clerk's office for one day, by time. The clerk marks who
arrived, who did not come and who was served (and takes a mistaken mark back the same day), books
a visit for someone at the counter or on the phone, cancels one, and registers a filing straight
from a visit (the form comes prefilled).

Letters type into the search box above the list (TypeToSearch); every action is a function or
Ctrl key, so a name typed without looking never marks a visitor."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen, TypeToSearch
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import Prefill
from counter_tui.screens.visit_form import VisitBooked, VisitBookingForm
from counter_tui.widgets.literal import literal, markup, plain
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


# Polish abbreviations, not codes, in a column kept narrow for the matter beside it.
LANGUAGE_SHORT_PL = {"pl": "pol.", "en": "ang.", "ru": "ros.", "uk": "ukr."}
GROUP_WIDTH = 28  # the longest group names would push the state off a 120-column screen


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cancel(reference: str, *, clerk: str) -> str:
    store.cancel_visit(reference, clerk=clerk)
    return reference


COLUMNS = ("godz.", "numer", "imię i nazwisko", "sprawa", "telefon", "język", "stan")


def folded(text: str) -> str:
    """Lower case without diacritics: "Łukasz Żółć" is found as "lukasz zolc"."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def matches(visit: DeskVisit, typed: str) -> bool:
    """Every typed word is the start of a word of the name, or part of the reference or phone."""
    words = folded(visit.name or "").split()
    digits = "".join(c for c in visit.phone if c.isdigit())
    for part in folded(typed).split():
        in_name = any(w.startswith(part) for w in words)
        in_number = part.upper() in visit.reference.upper() or (part.isdigit() and part in digits)
        if not (in_name or in_number):
            return False
    return True


def _numbered_day(asked: int, office: str, day: dt.date, group: str | None) -> tuple[int, list[DeskVisit]]:
    return asked, store.visits_on(office, day=day, group=group)


class VisitsScreen(TypeToSearch, StoreScreen):
    CSS_PATH = "../styles/visits.tcss"
    BINDINGS = [
        Binding("escape", "back", "Wróć", id="back"),
        # No letter alone: letters type into the search box (TypeToSearch).
        Binding("f2", "mark('arrived')", "Przybył", id="arrived"),
        Binding("f3", "mark('served')", "Obsłużony", id="served"),
        Binding("f4", "mark('no_show')", "Nieobecny", id="no-show"),
        Binding("f6", "unmark", "Cofnij", id="unmark"),
        Binding("ctrl+n", "register_from_visit", "Wniosek", id="register-from-visit"),
        Binding("ctrl+b", "book", "Umów", id="book"),
        Binding("ctrl+o", "cancel_visit", "Odwołaj", id="cancel-visit"),
        Binding("slash", "focus_search", "Szukaj", id="search", show=False),
        # F7/F8 are said in the status line, and F5 is rarely needed (the list is read again on
        # every return): the footer fits 120 columns.
        Binding("f7", "day(-1)", "‹ Dzień", id="previous-day", show=False),
        Binding("f8", "day(1)", "Dzień ›", id="next-day", show=False),
        Binding("f5", "refresh", "Odśwież", id="refresh", show=False),
    ]

    class Loaded(StoreResult[tuple[int, list[DeskVisit]]]):
        pass

    class Marked(StoreResult[DeskVisit]):
        pass

    class Cancelled(StoreResult[str]):
        pass

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day or store.today_in_warsaw()
        self.group: str | None = None
        self.visits: list[DeskVisit] = []  # the day's visits, as loaded
        self.loads_asked = 0  # how many times the day's list was asked for (each answer says which)
        self.saved_marks: dict[str, tuple[int, DeskVisit]] = {}  # reference → (loads asked then, the visit)
        self.shown: list[DeskVisit] = []  # those the search box lets through, in the table's order
        self.resumed_before = False
        self.marking: Timer | None = None  # a mark being saved

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
        yield Input(
            placeholder="Szukaj: imię lub nazwisko, numer wizyty, telefon",
            id="search",
            select_on_focus=False,
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
        self.loads_asked += 1
        self.run_store(self.Loaded, _numbered_day, self.loads_asked, self.app.desk_office, self.day, self.group)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if not message.ok:
            self.query_one("#visit-status", Label).update(markup("[b red]$error[/]", error=message.error))
            return
        asked, visits = message.value
        # A list asked before a mark was saved (the screen resumed as the question closed) may come
        # back after it: the mark stays shown, and F6 finds it, until a list asked later arrives.
        self.saved_marks = {ref: (at, v) for ref, (at, v) in self.saved_marks.items() if at >= asked}
        newer = {ref: v for ref, (_, v) in self.saved_marks.items()}
        self.visits = [newer.get(v.reference, v) for v in visits]
        self._show()

    def _show(self, keep: str | None = None) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        typed = self.search_box.value
        self.shown = [v for v in self.visits if matches(v, typed)] if typed.strip() else list(self.visits)
        rows = [
            (
                visit.local_time,
                visit.reference,
                visit.name or "–",
                shortened(self.app.catalog.visit_group_short(visit.group, visit.group_label), GROUP_WIDTH),
                visit.phone or "–",
                LANGUAGE_SHORT_PL.get(visit.language, visit.language),
                STATE_NAMES.get(visit.state, visit.state),
            )
            for visit in self.shown
        ]
        # Widths measured here, not left to DataTable: its auto widths are measured on an idle
        # pass that, on a busy machine, sometimes never came after a reload, leaving every column
        # as narrow as its header ("obsł" for "obsłużona"). Columns anew for each day also keep
        # one day's very long name from widening the column for every other day.
        table.clear(columns=True)
        for index, title in enumerate(COLUMNS):
            table.add_column(title, width=max([cell_len(title), *(cell_len(row[index]) for row in rows)]))
        for visit, cells in zip(self.shown, rows, strict=True):
            *plain, state = cells
            table.add_row(
                *(literal(cell) for cell in plain),
                literal(state, style=STATE_STYLES.get(visit.state, "")),
                key=visit.reference,
            )
        if keep is not None:
            row = next((i for i, v in enumerate(self.shown) if v.reference == keep), row)
        if self.shown:
            table.move_cursor(row=min(row, len(self.shown) - 1))
        waiting = sum(1 for v in self.visits if v.state == "booked")
        here = sum(1 for v in self.visits if v.state == "arrived")
        self.query_one("#visit-status", Label).update(
            literal(
                f"{visits_pl(len(self.visits))} · umówionych, jeszcze nie przybyło: {waiting} · czeka w sali: {here}"
                " · F7/F8: dzień"
            )
            if self.visits
            else "Brak wizyt w tym dniu."
        )
        if typed.strip() and len(self.shown) < len(self.visits):
            found = f"Znaleziono: {len(self.shown)} · Esc: cała lista · "
            status = self.query_one("#visit-status", Label)
            status.update(literal(found + str(status.render())))

    def selected(self) -> DeskVisit | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row is None or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    # ------------------------------------------------------------ search

    def action_focus_search(self) -> None:
        self.start_fresh_search()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self._show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.search_typed(event.value)

    def search_typed(self, value: str) -> None:
        self.collecting_keys = False
        self.query_one(DataTable).focus()

    def action_back(self) -> None:
        """Esc: first the search (the whole day again), then back to the worklist."""
        if self.search_box.value:
            self.search_box.value = ""
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()

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
            self.notify(
                plain("Wizyta $ref jest już oznaczona: $state.", ref=visit.reference, state=STATE_NAMES[state]),
                title="Wizyta",
            )
            return
        question = self._doubtful_mark(visit, state)
        if question is None:
            self._mark(visit.reference, state)  # the usual next step; F6 takes it back the same day
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._mark(visit.reference, state)

        # A slip is the likelier reading of a no-show before the visit's time: "no" has the focus.
        self.app.push_screen(ConfirmDialog(question, "Oznacz", "Nie", safe_default=state == "no_show"), decided)

    @staticmethod
    def _doubtful_mark(visit: DeskVisit, state: str) -> str | None:
        """The question to ask before this mark, or None for the usual next step (booked →
        arrived, arrived → served, a no-show once the visit's time has passed)."""
        who = f"Wizyta {visit.reference} ({visit.local_time}, {visit.name or '–'})"
        if visit.state in MARKED and (visit.state, state) != ("arrived", "served"):
            # A mark already given is corrected only on purpose: one key must not undo "served".
            return f"{who} jest oznaczona: {STATE_NAMES[visit.state]}.\nZmienić na: {STATE_NAMES[state]}?"
        if state == "no_show" and visit.starts_at > store.utcnow().replace(tzinfo=None):
            return f"{who} jeszcze się nie zaczęła.\nOznaczyć już teraz, że osoba nie przyszła?"
        if state == "served" and visit.state == "booked":
            return f"{who} nie ma oznaczenia „przybył(a)”.\nOznaczyć od razu jako obsłużoną?"
        return None

    def action_unmark(self) -> None:
        """F6: a mark given by mistake goes back to "umówiona" (the same day; audited)."""
        visit = self.selected()
        if visit is None:
            self.app.bell()
            return
        if visit.state not in MARKED:
            self.notify(plain("Wizyta $ref nie ma oznaczenia do cofnięcia.", ref=visit.reference), title="Wizyta")
            return
        self._store_mark(store.unmark_visit, visit.reference)

    def _mark(self, reference: str, state: str) -> None:
        self._store_mark(store.mark_visit, reference, state)

    def _store_mark(self, rule: Callable[..., DeskVisit], *args: str) -> None:
        """One mark at a time: a repeated key while the store works is ignored (it wrote "served →
        served" to the audit), and a mark that takes over 300 ms says that it is being saved."""
        if self.marking is not None:
            self.app.bell()
            return
        self.marking = self.set_timer(0.3, self._show_marking)
        self.run_store(self.Marked, rule, *args, clerk=self.app.clerk.login)

    def _show_marking(self) -> None:
        self.query_one("#visit-status", Label).update("Zapisuję oznaczenie…")

    @on(Marked)
    def _marked(self, message: Marked) -> None:
        if self.marking is not None:
            self.marking.stop()
            self.marking = None
        if not message.ok:
            self._show()
            self.notify(message.error or "", title="Wizyta", severity="error")
            return
        changed = message.value
        if changed.state == "booked":
            self.notify(
                plain("Wizyta $ref: oznaczenie cofnięte, znów umówiona.", ref=changed.reference), title="Wizyta"
            )
        self.saved_marks[changed.reference] = (self.loads_asked, changed)
        self.visits = [changed if v.reference == changed.reference else v for v in self.visits]
        self._show(keep=changed.reference)

    def action_cancel_visit(self) -> None:
        visit = self.selected()
        if visit is None:
            self.app.bell()
            return
        if visit.state != "booked":
            state = STATE_NAMES.get(visit.state, visit.state)
            self.notify(plain("Tej wizyty nie można już odwołać ($state).", state=state), title="Wizyta",
                        severity="warning")  # fmt: skip
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.run_store(self.Cancelled, cancel, visit.reference, clerk=self.app.clerk.login)

        text = f"Odwołać wizytę {visit.reference} ({visit.local_time}, {visit.name or '–'})?"
        self.app.push_screen(
            ConfirmDialog(text + "\nMiejsce wróci do puli.", "Odwołaj", "Nie", safe_default=True), decided
        )

    @on(Cancelled)
    def _cancelled(self, message: Cancelled) -> None:
        if not message.ok:
            self.notify(message.error or "", title="Wizyta", severity="error")
            return
        self.notify(plain("Wizyta $ref odwołana; miejsce wróciło do puli.", ref=message.value), title="Wizyta")
        self.load()

    def action_book(self) -> None:
        def booked(result: VisitBooked | None) -> None:
            if result is None:
                return
            visit = result.visit
            self.notify(
                plain(
                    "Wizyta $ref: $day $time. Podaj numer osobie.",
                    ref=visit.reference,
                    day=f"{visit.visit_day:%d.%m.%Y}",
                    time=visit.local_time,
                ),
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
            self.notify(
                plain("Wizyta $ref: $why.", ref=visit.reference, why=why),
                title="Nowy wniosek z wizyty",
                severity="warning",
            )
            return
        self.app.open_register(Prefill(visit.name, visit.phone, visit.language, visit.reference))
