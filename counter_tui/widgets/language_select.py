"""The one list of languages a case, a message or a visit can have, with their Polish names."""

from __future__ import annotations

from textual.widgets import Select

from storage.desk import NAMES_PL


class LanguageSelect(Select[str]):
    def __init__(self, value: str = "pl", *, id: str) -> None:
        super().__init__([(name, code) for code, name in NAMES_PL.items()], value=value, allow_blank=False, id=id)
