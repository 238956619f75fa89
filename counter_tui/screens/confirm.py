"""A yes/no question (T/N, Esc is no): on its own, so that every screen module can ask one."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from counter_tui.widgets.literal import Displayable, literal, shown


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,t", "answer(True)", "Tak", id="yes"),
        Binding("n,escape", "answer(False)", "Nie", id="no"),
    ]

    def __init__(self, question: Displayable, yes: str = "Tak (T)", no: str = "Nie (N)") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.question), classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield Button(literal(self.yes), variant="warning", id="yes")
                yield Button(literal(self.no), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
