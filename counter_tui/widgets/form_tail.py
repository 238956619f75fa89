"""The end of every form and dialog that saves: the line where a refused save is said, then the
buttons. One place, so every form says its errors in the same spot and names its keys alike."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Label

from counter_tui.widgets.literal import literal

SAVE, CANCEL = "Zapisz (Ctrl+S)", "Anuluj (Esc)"


def form_tail(
    save: str = SAVE, cancel: str = CANCEL, *, variant: str = "primary", ids: tuple[str, str] = ("save", "cancel")
) -> ComposeResult:
    """Yield inside a form's compose: the error line (#form-error) and its two buttons."""
    yield Label("", id="form-error", classes="error")
    with Horizontal(classes="buttons"):
        yield Button(literal(save), variant=variant, id=ids[0])  # type: ignore[arg-type]
        yield Button(literal(cancel), id=ids[1])
