"""Modal dialogs: each validates its own fields and returns a value with dismiss()."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from counter_tui.validators import NoteText
from counter_tui.widgets.credential_card import CredentialCard
from storage.views import DeficiencyKindInfo, StageInfo

FREE_TEXT = "__free_text__"


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,t", "answer(True)", "Tak", id="yes"),
        Binding("n,escape", "answer(False)", "Nie", id="no"),
    ]

    def __init__(self, question: str, yes: str = "Tak (T)", no: str = "Nie (N)") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button(self.no, id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class CredentialsDialog(ModalScreen[None]):
    """Shown once after registering or re-issuing: the only time the password is on screen."""

    BINDINGS = [Binding("escape,enter", "close", "Zamknij", id="close")]

    def __init__(self, title: str, number: str, password: str, note: str) -> None:
        super().__init__()
        self.title_text, self.number, self.password, self.note = title, number, password, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="credentials"):
            yield Static(self.title_text, classes="dialog-title")
            yield CredentialCard(self.number, self.password)
            yield Static(self.note, id="print-status", classes="dialog-text")
            yield Button("Zamknij (Enter)", variant="primary", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


class StagePicker(ModalScreen[str | None]):
    """Every stage with the explanation the applicant will read."""

    BINDINGS = [Binding("escape", "cancel", "Anuluj", id="cancel")]

    def __init__(self, stages: list[StageInfo], current: str) -> None:
        super().__init__()
        self.stages, self.current = stages, current

    def compose(self) -> ComposeResult:
        options = []
        for stage in self.stages:
            marker = " (obecny)" if stage.code == self.current else ""
            options.append(
                Option(
                    f"[b]{stage.label['pl']}[/b]{marker}\n[dim]{stage.explanation['pl']}[/dim]",
                    id=stage.code,
                    disabled=stage.code == self.current,
                )
            )
        with Vertical(classes="dialog wide tall"):
            yield Static("Nowy etap sprawy – Enter wybiera, Esc anuluje", classes="dialog-title")
            yield OptionList(*options, id="stages")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DeficiencyForm(ModalScreen[dict | None]):
    """A deficiency from the catalogue or in the clerk's own words, with an optional note."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, kinds: list[DeficiencyKindInfo]) -> None:
        super().__init__()
        self.kinds = kinds

    def compose(self) -> ComposeResult:
        options = [(k.label["pl"], k.code) for k in self.kinds] + [("— własny opis —", FREE_TEXT)]
        with Vertical(classes="dialog wide"):
            yield Static("Nowy brak w dokumentacji", classes="dialog-title")
            yield Label("Rodzaj braku (pisz, aby szukać)", classes="field-label")
            yield Select(options, prompt="wybierz…", id="kind")
            yield Label("Własny opis (gdy brak nie jest w katalogu)", classes="field-label")
            yield Input(id="free-text", disabled=True, max_length=300)
            yield Label("Uwaga dla wnioskodawcy – widoczna w portalu pod (!)", classes="field-label")
            yield TextArea(id="note")
            yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Zapisz (Ctrl+S)", variant="primary", id="save")
                yield Button("Anuluj (Esc)", id="cancel")

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
            self.query_one("#form-error", Label).update(error)
            return
        self.dismiss(
            {
                "kind": None if kind == FREE_TEXT else kind,
                "free_text": text if kind == FREE_TEXT else None,
                "note": note or None,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteForm(ModalScreen[str | None]):
    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, label: str, note: str | None) -> None:
        super().__init__()
        self.label, self.note = label, note or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"Uwaga do braku: {self.label}", classes="dialog-title")
            yield TextArea(self.note, id="note")
            yield Label("", id="form-error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Zapisz (Ctrl+S)", variant="primary", id="save")
                yield Button("Anuluj (Esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#note", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        note = self.query_one("#note", TextArea).text.strip()
        result = NoteText().validate(note)
        if not result.is_valid:
            self.query_one("#form-error", Label).update(result.failure_descriptions[0])
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PrintFailedDialog(ModalScreen[str]):
    """The print command failed: retry, save the PDF (receipts only) or give up."""

    BINDINGS = [
        Binding("r", "choose('retry')", "Ponów", id="retry"),
        Binding("s", "choose('save')", "Zapisz PDF", id="save-pdf"),
        Binding("escape", "choose('cancel')", "Anuluj", id="cancel"),
    ]

    def __init__(self, label: str, error: str, can_save: bool) -> None:
        super().__init__()
        self.label, self.error, self.can_save = label, error, can_save

    def compose(self) -> ComposeResult:
        why = (
            "" if self.can_save else "\nList z hasłem nie jest zapisywany na dysku; ponów wydruk albo wydaj nowe hasło."
        )
        with Vertical(classes="dialog wide"):
            yield Static(f"Nie udało się wydrukować: {self.label}", classes="dialog-title")
            yield Static(f"{self.error}{why}", classes="dialog-text error")
            with Horizontal(classes="buttons"):
                yield Button("Ponów (R)", variant="primary", id="retry")
                if self.can_save:
                    yield Button("Zapisz PDF (S)", id="save")
                yield Button("Anuluj (Esc)", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "cancel")

    def action_choose(self, choice: str) -> None:
        if choice == "save" and not self.can_save:
            self.app.bell()
            return
        self.dismiss(choice)
