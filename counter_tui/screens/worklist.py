"""Home screen: my office's cases, filters, overdue first on request, and one search box.

Every printable key typed outside a text field goes to the search box (screens/base.py,
TypeToSearch): a name typed without `/` is a search, never a command. A barcode scanner types
the case number and Enter in one burst, and a case-number search with one hit opens the case."""

from __future__ import annotations

import dataclasses

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.validation import ValidationResult
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen, TypeToSearch
from counter_tui.screens.stats import StatsScreen
from counter_tui.screens.visits import VisitsScreen
from counter_tui.validators import SearchText
from counter_tui.widgets.case_table import CaseTable
from counter_tui.widgets.literal import literal, markup
from storage import desk as store
from storage.desk import WorklistRow

ALL_OFFICES = "*"


@dataclasses.dataclass(frozen=True)
class ListQuery:
    office: str | None
    stage: str | None = None
    case_type: str | None = None
    overdue_only: bool = False
    closed: bool = False
    order: str = "newest"
    registered_today: bool = False
    mine: str | None = None


def cases_pl(count: int) -> str:
    """ "1 sprawa", "3 sprawy", "12 spraw", "22 sprawy": the Polish plural of a count."""
    if count == 1:
        return "1 sprawa"
    few = count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14)
    return f"{count} {'sprawy' if few else 'spraw'}"


class WorklistScreen(TypeToSearch, StoreScreen):
    BINDINGS = [
        Binding("ctrl+l", "app.logout", "Wyloguj", id="logout"),
        Binding("ctrl+n", "register", "Nowy wniosek", id="register"),
        Binding("slash", "focus_search", "Szukaj", id="search"),
        # Paging is announced in the status line ("F8: następna, F7: poprzednia"), so the footer
        # keeps its room for the screens a clerk opens.
        Binding("f8", "next_page", "Dalej", id="next-page", show=False),
        Binding("f7", "previous_page", "Wstecz", id="previous-page", show=False),
        # No letter alone: letters type into the search box (TypeToSearch).
        Binding("f2", "visits", "Wizyty", id="visits"),
        Binding("f3", "statistics", "Statystyki", id="statistics"),
        Binding("f4", "toggle_deadline_order", "Wg terminu", id="deadline-order"),
        # F5 is in the palette: the list is read again on every return anyway, and the footer keeps
        # its room for F1 at 120 columns.
        Binding("f5", "refresh", "Odśwież", id="refresh", show=False),
        Binding("escape", "clear_search", "Wyczyść", id="clear-search"),
        Binding("f1", "app.key_map", "Pomoc", id="key-map"),
    ]

    class PageLoaded(StoreResult[store.WorklistPage]):
        pass

    class Found(StoreResult[list[WorklistRow]]):
        pass

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ListQuery(office=self.app.desk_office)
        self.cursors: list[tuple | None] = [None]
        self.next_cursor: tuple | None = None
        self.searching = False
        self.last_search = ""
        self.open_single_hit = False

    def compose(self) -> ComposeResult:
        catalog = self.app.catalog
        yield Header()
        yield Input(
            placeholder="Szukaj: numer sprawy (lub skaner), imię lub nazwisko (początek), numer MOS – Enter",
            id="search",
            validators=[SearchText()],
            validate_on=["changed", "submitted"],
            select_on_focus=False,
        )
        yield Label("", id="search-error", classes="error")
        with Horizontal(id="filters"):
            yield Select(
                [(literal(f"Oddział: {o.city}"), o.code) for o in catalog.offices] + [("Oddział: oba", ALL_OFFICES)],
                value=self.query_state.office or ALL_OFFICES,
                allow_blank=False,
                id="office-filter",
                compact=True,
            )
            yield Select(
                [(literal(s.label["pl"]), s.code) for s in catalog.stages],
                prompt="Etap: wszystkie",
                id="stage-filter",
                compact=True,
            )
            yield Select(
                [(literal(t.label["pl"]), t.code) for t in catalog.case_types],
                prompt="Rodzaj: wszystkie",
                id="type-filter",
                compact=True,
            )
            yield Checkbox("Po terminie", id="overdue-filter")
            yield Checkbox("Dziś", id="today-filter")
            yield Checkbox("Moje", id="mine-filter")
        yield CaseTable(id="cases")
        yield Label("", id="status-line")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(CaseTable).focus()

    # ------------------------------------------------------------ loading

    def load_page(self) -> None:
        q = self.query_state
        self.query_one("#status-line", Label).update("Wczytuję…")
        self.run_store(
            self.PageLoaded,
            store.worklist,
            q.office,
            stage=q.stage,
            case_type=q.case_type,
            overdue_only=q.overdue_only,
            closed=q.closed,
            order=q.order,
            registered_today=q.registered_today,
            mine=q.mine,
            after=self.cursors[-1],
        )

    @on(PageLoaded)
    def _page_loaded(self, message: PageLoaded) -> None:
        if self.searching:
            return  # a search was asked after this page: its rows are the ones to show
        if not message.ok:
            self.query_one("#status-line", Label).update(markup("[b red]$error[/]", error=message.error))
            return
        page = message.value
        self.next_cursor = page.next_cursor
        self.query_one(CaseTable).show_rows(page.rows)
        q = self.query_state
        order = (
            "wg terminu, najbardziej po terminie najpierw (tylko gdy termin biegnie)"
            if q.order == "deadline"
            else "najnowsze najpierw"
        )
        more = "F8: następna" if page.next_cursor else "ostatnia strona"
        back = ", F7: poprzednia" if len(self.cursors) > 1 else ""
        self.query_one("#status-line", Label).update(
            literal(f"Strona {len(self.cursors)} · {cases_pl(len(page.rows))} · {order} · {more}{back}")
        )

    def _requery(self, **changes: object) -> None:
        self.query_state = dataclasses.replace(self.query_state, **changes)
        self.cursors = [None]
        self.searching = False
        self.load_page()

    # ------------------------------------------------------------ filters

    def on_select_changed(self, event: Select.Changed) -> None:
        value = None if event.value in (Select.NULL, ALL_OFFICES) else event.value
        if event.select.id == "office-filter":
            self._requery(office=value)
        elif event.select.id == "stage-filter":
            closes = value is not None and any(s.code == value and s.closes_case for s in self.app.catalog.stages)
            self._requery(stage=value, closed=closes)
        elif event.select.id == "type-filter":
            self._requery(case_type=value)

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "overdue-filter":
            self._requery(overdue_only=event.value)
        elif event.checkbox.id == "today-filter":
            self._requery(registered_today=event.value)
        elif event.checkbox.id == "mine-filter":
            self._requery(mine=self.app.clerk.login if event.value else None)

    def action_visits(self) -> None:
        self.app.push_screen(VisitsScreen())

    def action_statistics(self) -> None:
        self.app.push_screen(StatsScreen(office=self.query_state.office))

    def action_toggle_deadline_order(self) -> None:
        self._requery(order="newest" if self.query_state.order == "deadline" else "deadline")

    def action_next_page(self) -> None:
        if self.searching or self.next_cursor is None:
            self.app.bell()
            return
        self.cursors.append(self.next_cursor)
        self.load_page()

    def action_previous_page(self) -> None:
        if self.searching or len(self.cursors) == 1:
            self.app.bell()
            return
        self.cursors.pop()
        self.load_page()

    def action_refresh(self) -> None:
        if self.searching:
            self._search(self.last_search)
        else:
            self.load_page()

    # ------------------------------------------------------------ search

    def action_focus_search(self) -> None:
        self.start_fresh_search()

    def action_clear_search(self) -> None:
        """Esc: back to the plain list — no search text, every filter off, newest first."""
        search = self.query_one("#search", Input)
        plain = ListQuery(office=self.app.desk_office)
        if search.value or self.searching or self.query_state != plain:
            search.value = ""
            self.query_one("#search-error", Label).update("")
            with self.prevent(Select.Changed, Checkbox.Changed):
                self.query_one("#office-filter", Select).value = plain.office or ALL_OFFICES
                self.query_one("#stage-filter", Select).clear()
                self.query_one("#type-filter", Select).clear()
                for box in self.query(Checkbox):
                    box.value = False
            self.query_state = plain
            self._requery()
        self.query_one(CaseTable).focus()

    def search_typed(self, value: str) -> None:
        search = self.search_box
        search.focus()
        self._submit_search(value, search.validate(value))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "search":
            return
        if event.validation_result is not None:
            errors = event.validation_result.failure_descriptions
            self.query_one("#search-error", Label).update(literal(errors[0] if errors else ""))
        if self.searching and event.value != self.last_search:
            self.search_started()  # the rows found for the last search are not this one's

    def search_started(self) -> None:
        if not self.searching:
            return  # the plain list stays: it is no search result
        self.query_one(CaseTable).show_rows([])
        self.query_one("#status-line", Label).update("Enter: szukaj · Esc: wróć do listy")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search":
            self.collecting_keys = False
            self._submit_search(event.value, event.validation_result)

    def _submit_search(self, value: str, validation: ValidationResult | None) -> None:
        if not value.strip():
            self.action_clear_search()
            return
        if validation is not None and not validation.is_valid:
            self._no_result(validation.failure_descriptions[0])
            return
        self.open_single_hit = True  # only Enter opens a single hit; a refresh on return must not
        self._search(value, submitted=True)

    def _no_result(self, error: str) -> None:
        """A refused search shows no rows: the previous result must not pass for this one."""
        self.searching = True
        self.query_one(CaseTable).show_rows([])
        self.query_one("#search-error", Label).update(literal(error))
        self.query_one("#status-line", Label).update("Nic nie pokazano · Esc: wróć do listy")

    def _search(self, text: str, submitted: bool = False) -> None:
        self.searching = True
        self.last_search = text
        self.query_one("#status-line", Label).update("Szukam…")
        # A submitted search decides where the next keys go (its one hit opens the case, its rows take
        # the focus): keys typed meanwhile wait for it.
        self.run_store(self.Found, store.search_cases, text, None, holds_keys=submitted)

    @on(Found)
    def _found(self, message: Found) -> None:
        if not self.searching:
            return  # the clerk went back to the list (Esc) before this answer came
        if not message.ok:
            self._no_result(message.error or "")
            return
        rows = message.value
        submitted, self.open_single_hit = self.open_single_hit, False
        if submitted and len(rows) == 1 and store.looks_like_case_number(self.last_search):
            # A typed or scanned number: straight to the case; back here, the list is ready for the next scan.
            self.query_one("#search", Input).value = ""
            self.searching = False
            self.query_one(CaseTable).focus()
            self.app.open_case(rows[0].number)
            return
        table = self.query_one(CaseTable)
        table.show_rows(rows)
        self.query_one("#search-error", Label).update("")
        found = f"Znaleziono {len(rows)}" if rows else "Nic nie znaleziono"
        self.query_one("#status-line", Label).update(literal(f"{found} (oba oddziały) · Esc: wróć do listy"))
        if rows and submitted:
            table.focus()  # only for Enter: a refresh on return must not take the clerk out of the search box

    # ------------------------------------------------------------ navigation

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(event.row_key.value)

    def action_register(self) -> None:
        self.app.open_register()

    def on_screen_resume(self) -> None:
        # First shown, or back from a case or a registration: show the current state.
        self.action_refresh()
