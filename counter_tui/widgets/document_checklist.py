"""The required-documents checklist: the clerk ticks what the applicant brought."""

from __future__ import annotations

from textual.widgets import SelectionList

from counter_tui.widgets.literal import literal


class DocumentChecklist(SelectionList[str]):
    def show_documents(self, documents: list[tuple[str, str]]) -> None:
        """`documents`: (code, Polish label) pairs; all start unticked (= missing), except those
        ticked for the case type chosen before (a document brought stays brought)."""
        brought = set(self.selected)
        self.clear_options()
        self.add_options([(literal(label), code, code in brought) for code, label in documents])
        # Space should tick the first document straight away, without an arrow key first.
        self.highlighted = 0 if documents else None

    def missing(self) -> list[str]:
        ticked = set(self.selected)
        return [
            self.get_option_at_index(i).value
            for i in range(self.option_count)
            if self.get_option_at_index(i).value not in ticked
        ]
