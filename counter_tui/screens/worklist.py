"""Home screen: my office's cases, filters, overdue first on request, and one search box."""

from __future__ import annotations

import dataclasses

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select

import storage
from counter_tui.messages import StoreDone
from counter_tui.screens.base import StoreScreen
from counter_tui.screens.stats import StatsScreen
from counter_tui.validators import SearchText
from counter_tui.widgets.case_table import CaseTable

ALL_OFFICES = "*"


@dataclasses.dataclass(frozen=True)
class ListQuery:
    office: str | None
    stage: str | None = None
    case_type: str | None = None
    overdue_only: bool = False
    closed: bool = False
    order: str = "newest"


class WorklistScreen(StoreScreen):
    BINDINGS = [
        Binding("ctrl+n", "register", "Nowy wniosek", id="register"),
        Binding("slash", "focus_search", "Szukaj", id="search"),
        Binding("f8", "next_page", "Następna strona", id="next-page"),
        Binding("f7", "previous_page", "Poprzednia strona", id="previous-page"),
        Binding("n", "next_page", "Następna strona", show=False),
        Binding("p", "previous_page", "Poprzednia strona", show=False),
        Binding("d", "toggle_deadline_order", "Wg terminu", id="deadline-order"),
        Binding("f5", "refresh", "Odśwież", id="refresh"),
        Binding("escape", "clear_search", "Wyczyść wyszukiwanie", id="clear-search"),
        Binding("s", "statistics", "Statystyki", id="statistics"),
        Binding("ctrl+l", "app.logout", "Wyloguj", id="logout"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = ListQuery(office=self.app.desk_office)
        self.cursors: list[tuple | None] = [None]
        self.next_cursor: tuple | None = None
        self.searching = False

    def compose(self) -> ComposeResult:
        catalog = self.app.catalog
        yield Header()
        yield Input(
            placeholder="Szukaj: numer sprawy, początek nazwiska albo numer MOS – Enter",
            id="search",
            validators=[SearchText()],
            validate_on=["changed", "submitted"],
        )
        yield Label("", id="search-error", classes="error")
        with Horizontal(id="filters"):
            yield Select(
                [(f"Oddział: {o.city}", o.code) for o in catalog.offices] + [("Oddział: oba", ALL_OFFICES)],
                value=self.query_state.office or ALL_OFFICES,
                allow_blank=False,
                id="office-filter",
            )
            yield Select([(s.label["pl"], s.code) for s in catalog.stages], prompt="Etap: wszystkie", id="stage-filter")
            yield Select(
                [(t.label["pl"], t.code) for t in catalog.case_types], prompt="Rodzaj: wszystkie", id="type-filter"
            )
            yield Checkbox("Tylko po terminie", id="overdue-filter")
        yield CaseTable(id="cases")
        yield Label("", id="status-line")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(CaseTable).focus()

    # ------------------------------------------------------------ loading

    def load_page(self) -> None:
        q = self.query_state
        self.query_one("#status-line", Label).update("Wczytuję…")
        self.run_store(
            "page",
            storage.worklist,
            q.office,
            stage=q.stage,
            case_type=q.case_type,
            overdue_only=q.overdue_only,
            closed=q.closed,
            order=q.order,
            after=self.cursors[-1],
        )

    def on_store_done_page(self, message: StoreDone) -> None:
        if not message.ok:
            self.query_one("#status-line", Label).update(f"[b red]{message.error}[/]")
            return
        page = message.value
        self.next_cursor = page.next_cursor
        self.query_one(CaseTable).show_rows(page.rows)
        q = self.query_state
        order = "najpierw najbardziej po terminie" if q.order == "deadline" else "najnowsze najpierw"
        more = "F8: następna" if page.next_cursor else "ostatnia strona"
        back = ", F7: poprzednia" if len(self.cursors) > 1 else ""
        self.query_one("#status-line", Label).update(
            f"Strona {len(self.cursors)} · {len(page.rows)} spraw · {order} · {more}{back}"
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
        self._requery(overdue_only=event.value)

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
            self._search(self.query_one("#search", Input).value)
        else:
            self.load_page()

    # ------------------------------------------------------------ search

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value or self.searching:
            search.value = ""
            self.query_one("#search-error", Label).update("")
            self._requery()
        self.query_one(CaseTable).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search" and event.validation_result is not None:
            errors = event.validation_result.failure_descriptions
            self.query_one("#search-error", Label).update(errors[0] if errors else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "search":
            return
        if not event.value.strip():
            self.action_clear_search()
            return
        if event.validation_result is not None and not event.validation_result.is_valid:
            return
        self._search(event.value)

    def _search(self, text: str) -> None:
        self.searching = True
        self.query_one("#status-line", Label).update("Szukam…")
        self.run_store("search", storage.search_cases, text, None)

    def on_store_done_search(self, message: StoreDone) -> None:
        if not message.ok:
            self.query_one("#search-error", Label).update(message.error or "")
            self.query_one("#status-line", Label).update("")
            return
        rows = message.value
        table = self.query_one(CaseTable)
        table.show_rows(rows)
        self.query_one("#search-error", Label).update("")
        found = f"Znaleziono {len(rows)}" if rows else "Nic nie znaleziono"
        self.query_one("#status-line", Label).update(f"{found} (oba oddziały) · Esc: wróć do listy")
        if rows:
            table.focus()

    # ------------------------------------------------------------ navigation

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.app.open_case(event.row_key.value)

    def action_register(self) -> None:
        self.app.open_register()

    def on_screen_resume(self) -> None:
        # First shown, or back from a case or a registration: show the current state.
        self.action_refresh()
