"""The one list of languages a case, a message or a visit can have, with their Polish names.

Searched by typing as the case-type list is ("ukr", "uk", "ros"): a clerk types the language
the applicant names instead of scrolling to it."""

from __future__ import annotations

from counter_tui.widgets.literal import literal
from counter_tui.widgets.search_select import SearchSelect
from storage.desk import NAMES_PL


class LanguageSelect(SearchSelect):
    def __init__(self, value: str = "pl", *, id: str) -> None:
        options = [(literal(name), code) for code, name in NAMES_PL.items()]
        super().__init__(options, value=value, allow_blank=False, id=id)
