"""The worklist table: one row per case, keyed by case number, overdue rows flagged."""

from __future__ import annotations

from textual.widgets import DataTable

from counter_tui.widgets.literal import literal
from storage.desk import WorklistRow

# (title, width): fixed widths that fit, with full titles and full dates, on the documented
# minimum of 120 columns (each column adds 2 of padding; the table has a margin and a scrollbar).
COLUMNS = (("", 1), ("Numer sprawy", 12), ("Wnioskodawca", 21), ("Rodzaj sprawy", 19), ("Etap", 19),
           ("Złożono", 10), ("Termin", 10), ("Oddział", 7))  # fmt: skip


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class CaseTable(DataTable):
    """Enter on a row posts DataTable.RowSelected with the case number as the row key."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for title, width in COLUMNS:
            self.add_column(title, width=width)

    def show_rows(self, rows: list[WorklistRow]) -> None:
        self.clear()
        catalog = self.app.catalog
        for row in rows:
            flag = literal("⚠", style="bold red") if row.overdue else literal("✓" if row.closed else " ")
            self.add_row(
                flag,
                literal(row.display_number),
                literal(_fit(row.applicant_name, 21)),
                literal(_fit(catalog.case_type_short(row.case_type, row.case_type_label), 19)),
                literal(_fit(catalog.stage_short(row.stage, row.stage_label), 19)),
                literal(row.filed_on.isoformat()),
                literal(row.deadline_on.isoformat(), style="bold red" if row.overdue else ""),
                literal(_fit(catalog.office_short(row.office), 7)),
                key=row.number,
            )
        if rows:
            self.move_cursor(row=0)
