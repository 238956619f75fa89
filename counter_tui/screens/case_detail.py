"""Everything about one case, and every action a clerk takes on it."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

import storage
from counter_tui.messages import StoreDone
from counter_tui.screens.base import StoreScreen
from counter_tui.screens.dialogs import ConfirmDialog, DeficiencyForm, NoteForm, StagePicker
from storage.views import CaseDetail

CHANNELS = {"in_person": "osobiście", "post": "pocztą", "electronic": "elektronicznie"}
SMS_STATES = {
    "queued": "w kolejce",
    "sending": "wysyłany",
    "sent": "wysłany",
    "delivered": "doręczony",
    "failed": "nieudany",
    "cancelled": "anulowany",
    "unknown": "niepewny (może wysłany)",
}


def _when(value) -> str:
    return storage.to_warsaw(value).strftime("%Y-%m-%d %H:%M") if value else ""


class CaseDetailScreen(StoreScreen):
    BINDINGS = [
        Binding("s", "set_stage", "Zmień etap", id="set-stage"),
        Binding("a", "add_deficiency", "Dodaj brak", id="add-deficiency"),
        Binding("e", "edit_note", "Edytuj uwagę", id="edit-note"),
        Binding("u", "resolve", "Brak uzupełniony", id="resolve"),
        Binding("h", "reissue_password", "Nowe hasło", id="reissue-password"),
        Binding("o", "toggle_sms", "SMS tak/nie", id="toggle-sms"),
        Binding("r", "reprint_receipt", "Drukuj potwierdzenie", id="reprint-receipt"),
        Binding("f5", "reload", "Odśwież", id="reload"),
        Binding("escape", "back", "Wróć", id="back"),
    ]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.detail: CaseDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Wczytuję…", id="case-summary")
        with TabbedContent(id="case-tabs"):
            with TabPane("Braki", id="tab-deficiencies"):
                yield DataTable(id="deficiencies", cursor_type="row")
            with TabPane("Historia etapów", id="tab-history"):
                yield DataTable(id="history", cursor_type="row")
            with TabPane("SMS", id="tab-sms"):
                yield DataTable(id="sms", cursor_type="row")
            with TabPane("Dziennik zmian", id="tab-audit"):
                yield DataTable(id="audit", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deficiencies", DataTable).add_columns("Nr", "Stan", "Brak", "Uwaga (!)", "Dodano")
        self.query_one("#history", DataTable).add_columns("Kiedy", "Etap", "Kto")
        self.query_one("#sms", DataTable).add_columns(
            "Nr", "Stan", "Etap", "Utworzono", "Próby", "Wysłano", "Doręczono", "Błąd"
        )
        self.query_one("#audit", DataTable).add_columns("Kiedy", "Kto", "Co", "Szczegóły")
        self.action_reload()
        self.query_one("#deficiencies", DataTable).focus()

    # ------------------------------------------------------------ showing

    def action_reload(self) -> None:
        self.run_store("load", storage.case_detail, self.number)

    def on_store_done_load(self, message: StoreDone) -> None:
        if not message.ok:
            self.query_one("#case-summary", Static).update(f"[b red]{message.error}[/]")
            return
        self.detail = d = message.value
        self.sub_title = f"Sprawa {d.display_number}"
        overdue = "  [b red]PO TERMINIE[/]" if d.overdue else ""
        closed = "  [b]ZAKOŃCZONA[/]" if d.closed else ""
        sms = "[b red]NIE (rezygnacja)[/]" if d.sms_opt_out else ("tak" if d.phone else "brak telefonu")
        phone = storage.phones.display(d.phone) or ("usunięty (retencja)" if d.personal_data_purged_at else "–")
        ref = f", nr {d.external_ref}" if d.external_ref else ""
        self.query_one("#case-summary", Static).update(
            f"[b]{d.display_number}[/b] · {d.case_type_label} · oddział {d.office}{closed}\n"
            f"Złożono {d.filed_on} ({CHANNELS.get(d.channel, d.channel)}{ref}) · termin {d.deadline_on}{overdue}\n"
            f"Wnioskodawca: [b]{d.applicant_name}[/b] · tel. {phone} · "
            f"język: {d.language} · SMS: {sms}\n"
            f"Etap: [b]{d.stage_label}[/b] · przyjął(-ęła): {d.created_by} · wersja hasła: {d.credential_version}"
        )
        table = self.query_one("#deficiencies", DataTable)
        table.clear()
        for item in d.deficiencies:
            state = Text("uzupełniony", style="green") if item.resolved_at else Text("BRAK", style="bold red")
            table.add_row(str(item.id), state, item.label, item.note or "", _when(item.created_at), key=str(item.id))
        history = self.query_one("#history", DataTable)
        history.clear()
        for h in d.history:
            history.add_row(_when(h.changed_at), h.stage_label, h.clerk_login or "")
        sms_table = self.query_one("#sms", DataTable)
        sms_table.clear()
        for s in d.sms:
            sms_table.add_row(
                str(s.id),
                SMS_STATES.get(s.state, s.state),
                self.app.catalog.stage_label(s.stage or ""),
                _when(s.created_at),
                str(s.attempts),
                _when(s.sent_at),
                _when(s.delivered_at),
                s.error_code or s.last_error or "",
            )
        audit = self.query_one("#audit", DataTable)
        audit.clear()
        for a in d.audit:
            detail = ", ".join(f"{k}={v}" for k, v in sorted(a.detail.items()))
            audit.add_row(_when(a.at), a.actor, a.action, detail)

    def _after_change(self, message: StoreDone, done: str) -> None:
        if message.ok:
            self.app.notify(done, timeout=4)
            self.action_reload()
        elif not message.unavailable:
            self.app.notify(message.error or "", severity="error", timeout=8)

    def _selected_deficiency(self):
        table = self.query_one("#deficiencies", DataTable)
        if self.detail is None or not self.detail.deficiencies or table.row_count == 0:
            self.app.notify("Najpierw wybierz brak na karcie „Braki”", severity="warning")
            return None
        self.query_one(TabbedContent).active = "tab-deficiencies"
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next(item for item in self.detail.deficiencies if str(item.id) == key)

    def _confirm_then(self, question: str, request: str, rule: Callable[..., object], *args: object) -> None:
        """Ask first; on "yes" run the storage rule as this clerk (result: on_store_done_<request>)."""

        def answered(yes: bool) -> None:
            if yes:
                self.run_store(request, rule, *args, clerk=self.app.clerk.login)

        self.app.push_screen(ConfirmDialog(question), answered)

    # ------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_set_stage(self) -> None:
        if self.detail is None:
            return
        if self.detail.closed:
            self.app.notify("Sprawa jest zakończona – etapu nie można zmienić", severity="warning")
            return

        def chosen(code: str | None) -> None:
            if code:
                self.run_store("stage", storage.set_stage, self.number, code, clerk=self.app.clerk.login)

        self.app.push_screen(StagePicker(self.app.catalog.stages, self.detail.stage), chosen)

    def on_store_done_stage(self, message: StoreDone) -> None:
        if message.ok:
            change = message.value
            sms = {
                "no_phone": "brak telefonu",
                "opted_out": "wnioskodawca zrezygnował z SMS",
                "already_queued": "SMS już czeka w kolejce",
            }
            note = "SMS w kolejce" if change.sms_queued else f"bez SMS: {sms.get(change.sms_skipped_because)}"
            self._after_change(message, f"Etap zmieniony ({note})")
        else:
            self._after_change(message, "")

    def action_add_deficiency(self) -> None:
        if self.detail is None:
            return

        def submitted(values: dict | None) -> None:
            if values:
                self.run_store("deficiency", storage.add_deficiency, self.number, clerk=self.app.clerk.login, **values)

        self.app.push_screen(DeficiencyForm(self.app.catalog.deficiency_kinds), submitted)

    def on_store_done_deficiency(self, message: StoreDone) -> None:
        self._after_change(message, "Brak dopisany")

    def action_edit_note(self) -> None:
        item = self._selected_deficiency()
        if item is None:
            return
        if item.resolved_at:
            self.app.notify("Ten brak jest już uzupełniony", severity="warning")
            return

        def saved(note: str | None) -> None:
            if note is not None:
                self.run_store("note", storage.edit_deficiency_note, item.id, note, clerk=self.app.clerk.login)

        self.app.push_screen(NoteForm(item.label, item.note), saved)

    def on_store_done_note(self, message: StoreDone) -> None:
        self._after_change(message, "Uwaga zapisana")

    def action_resolve(self) -> None:
        item = self._selected_deficiency()
        if item is None:
            return

        self._confirm_then(f"Oznaczyć jako uzupełniony: {item.label}?", "resolve", storage.resolve_deficiency, item.id)

    def on_store_done_resolve(self, message: StoreDone) -> None:
        self._after_change(message, "Brak oznaczony jako uzupełniony")

    def action_toggle_sms(self) -> None:
        if self.detail is None:
            return
        opt_out = not self.detail.sms_opt_out
        question = (
            "Wnioskodawca nie chce SMS? Oczekujące SMS zostaną anulowane."
            if opt_out
            else "Wnioskodawca znów chce dostawać SMS?"
        )

        self._confirm_then(question, "sms", storage.set_sms_opt_out, self.number, opt_out)

    def on_store_done_sms(self, message: StoreDone) -> None:
        self._after_change(message, "Zapisano zgodę na SMS" if message.ok else "")

    def action_reissue_password(self) -> None:
        if self.detail is None:
            return
        question = (
            "Wydać nowe hasło? Dotychczasowe przestanie działać od razu, a otwarte sesje w portalu zostaną zakończone."
        )
        self._confirm_then(question, "reissue", storage.reissue_password, self.number)

    def on_store_done_reissue(self, message: StoreDone) -> None:
        if message.ok:
            self.app.show_credentials(self.number, message.value, reissued=True)
            self.action_reload()
        else:
            self._after_change(message, "")

    def action_reprint_receipt(self) -> None:
        self.app.print_receipt(self.number)
