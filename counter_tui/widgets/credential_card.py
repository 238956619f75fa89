"""Case number and password, large and unambiguous, for reading out at the counter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from counter_tui.widgets.literal import literal


class CredentialCard(Vertical):
    def __init__(self, number: str, password: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.number = number
        self.password = password

    def compose(self) -> ComposeResult:
        yield Label("Numer sprawy", classes="card-label")
        yield Static(literal(self.number), id="card-number", classes="card-value")
        yield Label("Hasło (pokazane tylko teraz)", classes="card-label")
        yield Static(literal(self.password), id="card-password", classes="card-value")
