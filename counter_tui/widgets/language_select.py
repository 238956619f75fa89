"""The one list of languages a case, a message or a visit can have, with their Polish names."""

from __future__ import annotations

from textual.widgets import Select

from counter_tui.widgets.literal import literal
from storage.desk import NAMES_PL


class LanguageSelect(Select[str]):
    def __init__(self, value: str = "pl", *, id: str) -> None:
        options = [(literal(name), code) for code, name in NAMES_PL.items()]
        super().__init__(options, value=value, allow_blank=False, id=id)
