"""Everything about one case, and every action a clerk takes on it."""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label, Static, TabbedContent, TabPane

from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen
from counter_tui.screens.case_dialogs import CaseEditForm, ReasonDialog
from counter_tui.screens.dialogs import ConfirmDialog, DeficiencyForm, NoteForm, StagePicker
from counter_tui.screens.message_form import MessageForm
from counter_tui.widgets import case_tabs
from counter_tui.widgets.literal import markup, plain, visible
from storage import desk as store
from storage.desk import CaseDetail, MessageWritten, StageInfo

# The e-mail beside the SMS, said only for a case with an address (most have none; an opt-out is
# already said by the SMS part).
MAIL_NOTE = {"queued": "e-mail w kolejce", "already_queued": "e-mail już w kolejce"}


def _with_mail(sms_note: str, mail: str) -> str:
    return f"{sms_note}, {MAIL_NOTE[mail]}" if mail in MAIL_NOTE else sms_note


class CaseDetailScreen(StoreScreen):
    CSS_PATH = "../styles/case.tcss"
    # No letter alone acts here (issue 19): a clerk typing the next applicant's name on this screen
    # once issued a new password ("Chatterjee": h opened the question, t said yes). Every action is
    # an F key or Ctrl+letter (none of Ctrl+M/I/H/J, which terminals send as Enter, Tab,
    # Backspace); a printable key goes to the search of the list below (`on_key`).
    # The footer holds what a clerk does on most cases, with Esc first and F1 last so that they
    # are never pushed off its end at 120 columns; the rest is in the F1 help and the palette.
    BINDINGS = [
        Binding("escape", "back", "Wróć", id="back"),
        Binding("ctrl+l", "app.logout", "Wyloguj", id="logout", show=False),
        Binding("f2", "set_stage", "Etap", id="set-stage"),
        Binding("f6", "withdraw_stage", "Wycofaj etap", id="withdraw-stage", show=False),
        Binding("ctrl+z", "reopen_case", "Wznów sprawę", id="reopen-case"),
        Binding("f3", "add_deficiency", "Nowy brak", id="add-deficiency"),
        Binding("f4", "resolve", "Uzupełniony", id="resolve"),
        Binding("ctrl+e", "edit_note", "Uwaga do braku", id="edit-note", show=False),
        Binding("ctrl+u", "reopen_deficiency", "Przywróć brak", id="reopen-deficiency", show=False),
        Binding("ctrl+w", "write_message", "Wiadomość", id="write-message"),
        Binding("ctrl+n", "app.new_filing", "Nowy wniosek", id="new-filing"),
        Binding("ctrl+d", "edit_case", "Popraw dane", id="edit-case", show=False),
        Binding("ctrl+t", "toggle_sms", "SMS tak/nie", id="toggle-sms", show=False),
        Binding("f9", "reissue_password", "Nowe hasło", id="reissue-password", show=False),
        Binding("ctrl+r", "reprint_receipt", "Drukuj potwierdzenie", id="reprint-receipt", show=False),
        Binding("f7", "tab(-1)", "‹ Karta", id="previous-tab", show=False),
        Binding("f8", "tab(1)", "Karta ›", id="next-tab", show=False),
        Binding("f5", "reload", "Odśwież", id="reload", show=False),
        Binding("f1", "app.key_map", "Pomoc", id="key-map"),
    ]

    # What each storage request of this screen answers with (see StoreScreen.run_store).
    class Loaded(StoreResult[CaseDetail]):
        pass

    class StageSet(StoreResult[store.StageChange]):
        pass

    class NoteSaved(StoreResult[None]):
        done = "Uwaga zapisana"

    class Resolved(StoreResult[None]):
        done = "Brak oznaczony jako uzupełniony"

    class DeficiencyReopened(StoreResult[None]):
        done = "Brak przywrócony"

    class SmsChanged(StoreResult[int]):
        pass

    class PasswordReissued(StoreResult[str]):
        pass

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
            with TabPane("Wiadomości", id="tab-messages"):
                yield DataTable(id="messages", cursor_type="row")
            with TabPane("Historia etapów", id="tab-history"):
                yield DataTable(id="history", cursor_type="row")
            with TabPane("SMS i e-mail", id="tab-sms"):
                yield Label("SMS", classes="table-title")
                yield DataTable(id="sms", cursor_type="row")
                yield Label("E-mail", classes="table-title")
                yield DataTable(id="mail", cursor_type="row")
            with TabPane("Dziennik zmian", id="tab-audit"):
                yield DataTable(id="audit", cursor_type="row")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # Fixed widths for the long columns, and rows as tall as their text: a long note wraps
        # inside its column instead of pushing the others off a 120-column screen.
        deficiencies = self.query_one("#deficiencies", DataTable)
        for label, width in (("Nr", 4), ("Stan", 11), ("Brak", 36), ("Uwaga (!)", 40), ("Dodano", 16)):
            deficiencies.add_column(label, width=width)
        history = self.query_one("#history", DataTable)
        for label, width in (("Kiedy", 16), ("Etap", 40), ("Kto", 16), ("", 16)):
            history.add_column(label, width=width)
        messages = self.query_one("#messages", DataTable)
        for label, width in (("Napisano", 16), ("Wzór / język", 20), ("Treść", 42), ("SMS", 14), ("Odczyt", 14)):
            messages.add_column(label, width=width)
        sms = self.query_one("#sms", DataTable)
        for label, width in (("Nr", 3), ("Stan", 13), ("Etap", 26), ("Utworzono", 16), ("Próby", 5),
                             ("Wysłano / doręczono", 19), ("Błąd", 22)):  # fmt: skip
            sms.add_column(label, width=width)
        mail = self.query_one("#mail", DataTable)  # the same columns: the clerk reads both alike
        for label, width in (("Nr", 3), ("Stan", 13), ("Etap / wiadomość", 26), ("Utworzono", 16), ("Próby", 5),
                             ("Wysłano", 19), ("Błąd", 22)):  # fmt: skip
            mail.add_column(label, width=width)
        audit = self.query_one("#audit", DataTable)
        audit.add_column("Kiedy", width=16)
        audit.add_column("Zdarzenie", width=92)
        self.action_reload()
        self.query_one("#deficiencies", DataTable).focus()

    # ------------------------------------------------------------ showing

    def action_reload(self) -> None:
        self.run_store(self.Loaded, store.case_detail, self.number)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if not message.ok:
            self.query_one("#case-summary", Static).update(markup("[b red]$error[/]", error=message.error))
            return
        self.detail = d = message.value
        self.sub_title = visible(f"Sprawa {d.display_number}")
        catalog = self.app.catalog
        case_tabs.show_summary(self.query_one("#case-summary", Static), d, catalog)
        case_tabs.show_deficiencies(self.query_one("#deficiencies", DataTable), d)
        case_tabs.show_messages(self.query_one("#messages", DataTable), d, catalog)
        case_tabs.show_history(self.query_one("#history", DataTable), d)
        case_tabs.show_sms(self.query_one("#sms", DataTable), d, catalog)
        case_tabs.show_mail(self.query_one("#mail", DataTable), d, catalog)
        case_tabs.show_audit(self.query_one("#audit", DataTable), d)
        self.refresh_bindings()

    def _after_change(self, message: StoreResult, done: str) -> None:
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only what makes sense for this case and clerk is in the footer: reopening for an
        administrator on a closed case, withdrawing while there is a later stage to take back."""
        d = self.detail
        if action == "reopen_case":
            return bool(d and d.closed and self.app.clerk and self.app.clerk.role == "admin")
        if action == "withdraw_stage":
            return bool(d and sum(1 for h in d.history if not h.withdrawn_at) > 1)
        if action in ("set_stage", "add_deficiency"):
            # A closed case takes neither (the store refuses both); the footer then has room for the rest.
            return not (d and d.closed)
        return True

    def _confirm_then(
        self,
        question: str,
        kind: type[StoreResult],
        rule: Callable[..., object],
        *args: object,
        safe_default: bool = False,
    ) -> None:
        """Ask first; on "yes" run the storage rule as this clerk (its answer: a `kind` message).
        `safe_default`: "no" has the focus, for what cannot be taken back."""

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_store(kind, rule, *args, clerk=self.app.clerk.login)

        self.app.push_screen(ConfirmDialog(question, safe_default=safe_default), answered)

    # ------------------------------------------------------------ actions

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_tab(self, step: int) -> None:
        """F7/F8: the previous or next tab, round the end (the last tab is one F7 from the first)."""
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]

    def on_key(self, event: events.Key) -> None:
        """A printable key here is the clerk typing the next person's name (or scanning a number):
        it goes to the search of the list this case was opened from, and the rest of the name
        follows it there (type-ahead holds the keys until that list is shown)."""
        char = event.character
        if char is None or not char.isprintable() or char.isspace():
            return
        event.stop()
        event.prevent_default()
        self.app.search_in_list(char)

    def _open_for_change(self, refusal: str) -> bool:
        """Whether the shown case takes this change; a closed case says why not (`refusal`)."""
        if self.detail is None:
            return False
        if self.detail.closed:
            self.app.notify(refusal, severity="warning")
            return False
        return True

    def action_set_stage(self) -> None:
        if not self._open_for_change("Sprawa jest zakończona – etapu nie można zmienić"):
            return

        def chosen(stage: StageInfo | None) -> None:
            if stage is not None:
                self.run_store(self.StageSet, store.set_stage, self.number, stage.code, clerk=self.app.clerk.login)

        self.app.push_screen(
            StagePicker(self.app.catalog.stages, self.detail.stage, self.detail.display_number), chosen
        )

    @on(StageSet)
    def _stage_set(self, message: StageSet) -> None:
        if message.ok:
            change = message.value
            sms = {
                "no_phone": "brak telefonu",
                "opted_out": "wnioskodawca zrezygnował z SMS",
                "already_queued": "SMS już czeka w kolejce",
            }
            note = "SMS w kolejce" if change.sms_queued else f"bez SMS: {sms.get(change.sms_skipped_because)}"
            self._after_change(message, f"Etap zmieniony ({_with_mail(note, change.mail)})")
        else:
            self._after_change(message, "")

    def action_withdraw_stage(self) -> None:
        d = self.detail
        if d is None:
            return
        live = [h for h in d.history if not h.withdrawn_at]
        if len(live) < 2:
            self.app.notify("Sprawa ma tylko etap początkowy – nie ma czego wycofać", severity="warning")
            return
        text = markup(
            "Wycofać omyłkowo ustawiony etap [b]$last[/b]? Sprawa wróci na etap [b]$before[/b]. "
            "Wpis zostaje w dzienniku, a znika z historii w portalu; niewysłany SMS o nim zostanie anulowany. "
            "Urzędnik, który ustawił etap, może go wycofać w ciągu 15 minut; później tylko administrator, z powodem.",
            last=live[-1].stage_label,
            before=live[-2].stage_label,
        )

        def done(result) -> None:
            if result is not None:
                cancelled = f", anulowano SMS: {result.sms_cancelled}" if result.sms_cancelled else ""
                self.app.notify(plain("Etap wycofany$cancelled", cancelled=cancelled), timeout=4)
                self.action_reload()

        hint = "wymagany dla administratora" if self.app.clerk.role == "admin" else "nieobowiązkowy"
        self.app.push_screen(
            ReasonDialog("Wycofanie etapu", text, store.withdraw_stage, self.number, reason_hint=hint), done
        )

    def action_reopen_case(self) -> None:
        d = self.detail
        if d is None or not d.closed:
            return
        if self.app.clerk.role != "admin":
            self.app.notify("Zakończoną sprawę może wznowić tylko administrator", severity="warning")
            return
        closing = {s.code for s in self.app.catalog.stages if s.closes_case}
        before = next((h for h in reversed(d.history) if not h.withdrawn_at and h.stage not in closing), None)
        back_to = "[b]$stage[/b]" if before else "sprzed zakończenia"
        text = markup(
            "Wznowić zakończoną sprawę $number? Wróci na etap " + back_to + "; wpis trafi do dziennika.",
            number=d.display_number,
            stage=before.stage_label if before else None,
        )

        def done(stage: str | None) -> None:
            if stage is not None:
                self.app.notify(plain("Sprawa wznowiona: $stage", stage=self.app.catalog.stage_label(stage)), timeout=4)
                self.action_reload()

        self.app.push_screen(
            ReasonDialog("Wznowienie sprawy", text, store.reopen_case, self.number, reason_hint="wymagany"), done
        )

    def action_edit_case(self) -> None:
        if self.detail is None:
            return

        def done(changed: list[str] | None) -> None:
            if changed is not None:
                self.app.notify("Dane poprawione" if changed else "Bez zmian", timeout=4)
                self.action_reload()

        self.app.push_screen(CaseEditForm(self.detail), done)

    def action_write_message(self) -> None:
        if not self._open_for_change("Sprawa jest zakończona – nie pisze się do niej wiadomości"):
            return

        def saved(written: MessageWritten | None) -> None:
            if written is not None:
                sms = (
                    "SMS w kolejce"
                    if written.notice == "queued"
                    else case_tabs.NO_SMS.get(written.notice, written.notice)
                )
                self.app.notify(plain("Wiadomość zapisana ($sent)", sent=_with_mail(sms, written.mail)), timeout=4)
                self.query_one(TabbedContent).active = "tab-messages"
                self.action_reload()

        self.app.push_screen(MessageForm(self.app.catalog, self.detail), saved)

    def action_add_deficiency(self) -> None:
        if self.detail is None:
            return

        def saved(new_id: int | None) -> None:
            if new_id is not None:
                self.app.notify("Brak dopisany", timeout=4)
                self.action_reload()

        self.app.push_screen(DeficiencyForm(self.app.catalog.deficiency_kinds, self.number), saved)

    def action_edit_note(self) -> None:
        item = self._selected_deficiency()
        if item is None:
            return
        if item.resolved_at:
            self.app.notify("Ten brak jest już uzupełniony", severity="warning")
            return

        def saved(note: str | None) -> None:
            if note is not None:
                self.run_store(self.NoteSaved, store.edit_deficiency_note, item.id, note, clerk=self.app.clerk.login)

        self.app.push_screen(NoteForm(item.label, item.note), saved)

    def action_resolve(self) -> None:
        item = self._selected_deficiency()
        if item is None:
            return

        self._confirm_then(
            f"Oznaczyć jako uzupełniony: {item.label}?", self.Resolved, store.resolve_deficiency, item.id
        )

    def action_reopen_deficiency(self) -> None:
        item = self._selected_deficiency()
        if item is None:
            return
        if not item.resolved_at:
            self.app.notify("Ten brak nie jest oznaczony jako uzupełniony", severity="warning")
            return
        question = f"Przywrócić brak oznaczony omyłkowo jako uzupełniony: {item.label}?"
        self._confirm_then(question, self.DeficiencyReopened, store.reopen_deficiency, item.id)

    @on(NoteSaved)
    @on(Resolved)
    @on(DeficiencyReopened)
    def _deficiency_changed(self, message: NoteSaved | Resolved | DeficiencyReopened) -> None:
        """A deficiency's note, resolution or reopening saved: each message says what to tell the clerk."""
        self._after_change(message, message.done)

    def action_toggle_sms(self) -> None:
        if self.detail is None:
            return
        opt_out = not self.detail.sms_opt_out
        question = (
            "Wnioskodawca nie chce SMS? Oczekujące SMS zostaną anulowane."
            if opt_out
            else "Wnioskodawca znów chce dostawać SMS?"
        )

        # Opting out cancels the waiting texts, which no later opt-in sends again.
        self._confirm_then(question, self.SmsChanged, store.set_sms_opt_out, self.number, opt_out, safe_default=opt_out)

    @on(SmsChanged)
    def _sms_changed(self, message: SmsChanged) -> None:
        if message.ok and self.detail is not None:
            # The screen still shows the state before this change.
            self._after_change(message, "SMS włączone" if self.detail.sms_opt_out else "SMS wyłączone")
        else:
            self._after_change(message, "")

    def action_reissue_password(self) -> None:
        if self.detail is None:
            return
        question = (
            "Wydać nowe hasło? Dotychczasowe przestanie działać od razu, a otwarte sesje w portalu zostaną zakończone."
        )
        self._confirm_then(question, self.PasswordReissued, store.reissue_password, self.number, safe_default=True)

    @on(PasswordReissued)
    def _password_reissued(self, message: PasswordReissued) -> None:
        if message.ok:
            self.app.show_credentials(self.number, message.value, reissued=True)
            self.action_reload()
        else:
            self._after_change(message, "")

    def action_reprint_receipt(self) -> None:
        self.app.print_receipt(self.number)
