"""Modal dialogs: each validates its own fields and returns a value with dismiss()."""

from __future__ import annotations

import enum

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from counter_tui.printing.jobs import JobKind, PrintResult
from counter_tui.screens.base import AsksBeforeDiscarding, StoreForm
from counter_tui.screens.confirm import ConfirmDialog as ConfirmDialog  # where the other screens import it from
from counter_tui.validators import NoteText
from counter_tui.widgets.credential_card import CredentialCard
from counter_tui.widgets.form_tail import form_tail
from counter_tui.widgets.literal import literal, markup, stacked
from counter_tui.widgets.search_select import SearchSelect
from storage import desk as store
from storage.desk import DeficiencyKindInfo, StageInfo

FREE_TEXT = "__free_text__"


class CredentialsDialog(ModalScreen[None]):
    """Shown once after registering or re-issuing: the only time the password is on screen."""

    BINDINGS = [Binding("escape,enter", "close", "Zamknij", id="close")]

    def __init__(self, title: str, number: str, password: str, note: str, printing: tuple[JobKind, ...] = ()) -> None:
        super().__init__()
        self.title_text, self.number, self.password, self.note = title, number, password, note
        # The kinds of print job this window waits for; its status line follows them.
        self.jobs: tuple[JobKind, ...] = printing
        self.results: dict[JobKind, Content] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="credentials"):
            yield Static(literal(self.title_text), classes="dialog-title")
            yield CredentialCard(self.number, self.password)
            yield Static(literal(self.note), id="print-status", classes="dialog-text")
            yield Button("Zamknij (Enter)", variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def print_finished(self, result: PrintResult) -> None:
        """A job this window announced has ended: replace "Drukuję…" by what happened."""
        job = result.job
        if job.kind not in self.jobs:
            return
        # A retried job reports again: its latest outcome replaces the earlier one.
        outcome = "Wydrukowano: $label" if result.ok else "[b]Nie wydrukowano[/b]: $label"
        self.results[job.kind] = markup(outcome, label=job.label)
        lines = [self.results.get(job, markup("Drukuję…")) for job in self.jobs]
        self.query_one("#print-status", Static).update(stacked(lines))


class StagePicker(ModalScreen[StageInfo | None]):
    """Every stage with the explanation the applicant will read, opened on the stage that
    normally follows the current one; Enter asks once more (StageConfirm) before anything changes."""

    BINDINGS = [Binding("escape", "cancel", "Anuluj", id="cancel")]

    def __init__(self, stages: list[StageInfo], current: str, number: str) -> None:
        super().__init__()
        self.stages, self.current, self.number = stages, current, number
        self.proposed = store.usual_next_stage(stages, current)

    def compose(self) -> ComposeResult:
        options = []
        for stage in self.stages:
            marker = " (obecny)" if stage.code == self.current else ""
            marker += " – zwykle następny" if stage.code == self.proposed else ""
            options.append(
                Option(
                    markup(
                        "[b]$label[/b]$marker\n[dim]$explanation[/dim]",
                        label=stage.label["pl"],
                        marker=marker,
                        explanation=stage.explanation["pl"],
                    ),
                    id=stage.code,
                    disabled=stage.code == self.current,
                )
            )
        with Vertical(classes="dialog wide tall"):
            yield Static("Nowy etap sprawy – Enter wybiera, Esc anuluje", classes="dialog-title")
            yield OptionList(*options, id="stages")

    def on_mount(self) -> None:
        options = self.query_one("#stages", OptionList)
        codes = [s.code for s in self.stages]
        if self.proposed in codes:
            options.highlighted = codes.index(self.proposed)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = next(s for s in self.stages if s.code == event.option.id)
        current = next((s.label["pl"] for s in self.stages if s.code == self.current), self.current)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(target)

        self.app.push_screen(StageConfirm(self.number, current, target), confirmed)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StageConfirm(ModalScreen[bool]):
    """ "From → to" with the explanation the applicant will read. Closing the case needs the last
    digits of its number typed, so that no run of keys closes a case by accident."""

    BINDINGS = [Binding("escape", "answer(False)", "Anuluj", id="cancel")]
    DIGITS = 4

    def __init__(self, number: str, current_label: str, target: StageInfo) -> None:
        super().__init__()
        self.number, self.current_label, self.target = number, current_label, target
        self.expected = "".join(ch for ch in number if ch.isdigit())[-self.DIGITS :]

    def compose(self) -> ComposeResult:
        closing = self.target.closes_case
        with Vertical(classes="dialog wide", id="stage-confirm"):
            yield Static("Zakończyć sprawę?" if closing else "Zmienić etap?", classes="dialog-title")
            yield Static(
                markup(
                    "[b]$current[/b]  →  [b]$target[/b]", current=self.current_label, target=self.target.label["pl"]
                ),
                id="stage-from-to",
            )
            yield Label("Wnioskodawca przeczyta w portalu:", classes="field-label")
            yield Static(literal(self.target.explanation["pl"]), id="stage-explanation", classes="dialog-text")
            if closing:
                yield Static(
                    markup(
                        "[b]Sprawa zostanie zakończona[/b] – wznowić ją może potem tylko administrator. "
                        "Aby potwierdzić, wpisz $digits ostatnie cyfry numeru sprawy $number.",
                        digits=self.DIGITS,
                        number=self.number,
                    ),
                    classes="dialog-text warning",
                )
                yield Input(id="confirm-digits", max_length=self.DIGITS, placeholder="4 cyfry, Enter")
                yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Zakończ sprawę" if closing else "Zmień etap (Enter)", variant="warning", id="yes")
                yield Button("Anuluj (Esc)", id="no")

    def on_mount(self) -> None:
        if self.target.closes_case:
            self.query_one("#confirm-digits", Input).focus()
        else:
            self.query_one("#yes", Button).focus()

    def _digits_ok(self) -> bool:
        if not self.target.closes_case:
            return True
        typed = self.query_one("#confirm-digits", Input).value.strip()
        if typed == self.expected:
            return True
        self.query_one("#form-error", Label).update(
            literal(f"To nie są {self.DIGITS} ostatnie cyfry numeru {self.number} – sprawa nie została zakończona")
        )
        return False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._digits_ok():
            self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "no":
            self.dismiss(False)
        elif self._digits_ok():
            self.dismiss(True)

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class DeficiencyForm(StoreForm[int]):
    """A deficiency from the catalogue or in the clerk's own words, with an optional note.

    The form saves by itself and closes only once the store accepted it: a refused save leaves
    everything the clerk typed in place, with the reason under it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, kinds: list[DeficiencyKindInfo], number: str) -> None:
        super().__init__()
        self.kinds, self.number = kinds, number

    def compose(self) -> ComposeResult:
        options = [(literal(k.label["pl"]), k.code) for k in self.kinds] + [("— własny opis —", FREE_TEXT)]
        with Vertical(classes="dialog wide"):
            yield Static("Nowy brak w dokumentacji", classes="dialog-title")
            yield Label("Rodzaj braku (pisz, aby szukać)", classes="field-label")
            yield SearchSelect(options, prompt="wybierz…", id="kind")
            yield Label("Własny opis (gdy brak nie jest w katalogu)", classes="field-label")
            yield Input(id="free-text", disabled=True, max_length=300)
            yield Label("Uwaga dla wnioskodawcy – widoczna w portalu pod (!)", classes="field-label")
            yield TextArea(id="note")
            yield from form_tail()

    def on_mount(self) -> None:
        self.query_one("#kind", Select).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        free = self.query_one("#free-text", Input)
        free.disabled = event.value != FREE_TEXT
        if not free.disabled:
            free.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        kind = self.query_one("#kind", Select).value
        text = self.query_one("#free-text", Input).value.strip()
        note = self.query_one("#note", TextArea).text.strip()
        error = None
        if kind is Select.NULL:
            error = "Rodzaj braku: wybierz z listy albo „własny opis”"
        elif kind == FREE_TEXT and not text:
            error = "Własny opis: pole jest wymagane"
        else:
            result = NoteText().validate(note)
            if not result.is_valid:
                error = result.failure_descriptions[0]
        if error:
            self.query_one("#form-error", Label).update(literal(error))
            return
        self.query_one("#form-error", Label).update("Zapisuję…")
        self.run_store(
            self.Saved,
            store.add_deficiency,
            self.number,
            clerk=self.app.clerk.login,
            kind=None if kind == FREE_TEXT else kind,
            free_text=text if kind == FREE_TEXT else None,
            note=note or None,
        )


class NoteForm(AsksBeforeDiscarding, ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, label: str, note: str | None) -> None:
        super().__init__()
        self.label, self.note = label, note or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(literal(f"Uwaga do braku: {self.label}"), classes="dialog-title")
            yield TextArea(self.note, id="note")
            yield from form_tail()

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        note = self.query_one("#note", TextArea).text.strip()
        result = NoteText().validate(note)
        if not result.is_valid:
            self.query_one("#form-error", Label).update(literal(result.failure_descriptions[0]))
            return
        self.dismiss(note)


class PrintChoice(enum.StrEnum):
    RETRY = "retry"
    SAVE = "save"
    CANCEL = "cancel"


class PrintFailedDialog(ModalScreen[PrintChoice]):
    """The print command failed: retry, save the PDF (receipts only) or give up.

    It opens by itself when a print fails, maybe while the clerk is typing: Enter on a button
    chooses (retry has the focus), no letter does."""

    BINDINGS = [
        Binding("escape", "choose('cancel')", "Anuluj", id="cancel"),
        Binding("left,shift+tab", "app.focus_previous", show=False),
        Binding("right,tab", "app.focus_next", show=False),
    ]

    def __init__(self, result: PrintResult) -> None:
        super().__init__()
        self.label, self.error, self.can_save = result.job.label, result.error or "", not result.job.sensitive

    def compose(self) -> ComposeResult:
        why = (
            "" if self.can_save else "\nList z hasłem nie jest zapisywany na dysku; ponów wydruk albo wydaj nowe hasło."
        )
        with Vertical(classes="dialog wide"):
            yield Static(literal(f"Nie udało się wydrukować: {self.label}"), classes="dialog-title")
            yield Static(literal(f"{self.error}{why}"), classes="dialog-text error")
            with Horizontal(classes="buttons"):
                yield Button("Ponów", variant="primary", id="retry")
                if self.can_save:
                    yield Button("Zapisz PDF", id="save")
                yield Button("Anuluj (Esc)", id="cancel")
            yield Static("Enter: wybrany przycisk · Tab lub ← →: następny", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#retry", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(PrintChoice(event.button.id or "cancel"))

    def action_choose(self, choice: str) -> None:
        if choice == PrintChoice.SAVE and not self.can_save:
            self.app.bell()
            return
        self.dismiss(PrintChoice(choice))
