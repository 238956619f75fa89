"""The required-documents checklist. A file brought complete is the usual case, so every document
starts ticked (brought); the clerk unticks the missing ones with their number (or Space on the
highlighted line), and each unticked document becomes a deficiency."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import SelectionList

from counter_tui.widgets.literal import literal

# No case type requires more than nine documents, so one digit reaches each of them.
NUMBER_KEYS = [Binding(str(n), f"toggle_number({n})", show=False) for n in range(1, 10)]


class DocumentChecklist(SelectionList[str]):
    BINDINGS = NUMBER_KEYS

    def show_documents(self, documents: list[tuple[str, str]]) -> None:
        """`documents`: (code, Polish label) pairs, numbered for their digit key; all ticked, except
        those unticked for the case type chosen before (a document missing stays missing)."""
        missing = set(self.missing())
        self.clear_options()
        self.add_options(
            [(literal(f"{n}. {label}"), code, code not in missing) for n, (code, label) in enumerate(documents, 1)]
        )
        self.highlighted = 0 if documents else None

    def action_toggle_number(self, number: int) -> None:
        if number <= self.option_count:
            self.highlighted = number - 1
            self.toggle(self.get_option_at_index(number - 1))

    def missing(self) -> list[str]:
        ticked = set(self.selected)
        return [
            self.get_option_at_index(i).value
            for i in range(self.option_count)
            if self.get_option_at_index(i).value not in ticked
        ]
