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
        self.labels = [label for _, label in documents]
        self.clear_options()
        self.add_options(
            [(literal(self._line(n, label, code not in missing), style=self._style(code not in missing)), code,
              code not in missing) for n, (code, label) in enumerate(documents, 1)]
        )  # fmt: skip
        self.highlighted = 0 if documents else None

    # Said in words as well as by the box's colour: read on a monochrome screen, by a
    # colour-blind clerk, or over the applicant's shoulder.
    @staticmethod
    def _line(number: int, label: str, brought: bool) -> str:
        return f"{number}. {'✓ jest ' if brought else '✗ BRAK '} {label}"

    @staticmethod
    def _style(brought: bool) -> str:
        return "" if brought else "bold"

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        ticked = set(self.selected)
        for index, label in enumerate(getattr(self, "labels", [])):
            if index < self.option_count:
                brought = self.get_option_at_index(index).value in ticked
                line = literal(self._line(index + 1, label, brought), style=self._style(brought))
                self.replace_option_prompt_at_index(index, line)

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
