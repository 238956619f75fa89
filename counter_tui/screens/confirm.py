"""A yes/no question answered by Enter on a button: on its own, so that every screen module can ask one.

No letter answers it. A dialog can open while the clerk is typing (a print failure, a question
after a save), and the old "T = tak" turned the name "Chatterjee" into a new password: `h`
opened the question and `t` said yes. Enter presses the focused button, Tab or ← → move between
the two, Esc is always no. Where the answer cannot be taken back (a new password, discarding
typed text) the safe answer has the focus, so an Enter typed ahead does no harm."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from counter_tui.widgets.literal import Displayable, literal, shown

HINT = "Enter: wybrany przycisk · Tab lub ← →: drugi przycisk · Esc: {no}"


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "answer(False)", "Nie", id="no"),
        Binding("left,shift+tab", "app.focus_previous", show=False),
        Binding("right,tab", "app.focus_next", show=False),
    ]

    def __init__(self, question: Displayable, yes: str = "Tak", no: str = "Nie", *, safe_default: bool = False) -> None:
        """`safe_default`: the "no" button has the focus (the action cannot be undone)."""
        super().__init__()
        self.question, self.yes, self.no, self.safe_default = question, yes, no, safe_default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(shown(self.question), classes="dialog-text")
            with Horizontal(classes="buttons"):
                yield Button(literal(self.yes), variant="warning", id="yes")
                yield Button(literal(self.no), id="no")
            yield Static(literal(HINT.format(no=self.no.lower())), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#no" if self.safe_default else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
