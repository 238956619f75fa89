"""The one error type every rule in `storage` raises for bad input or a broken rule.

Messages are Polish because clerks read them; `field` stays an identifier so a front end
can put the message next to the right input.
"""

from __future__ import annotations

FIELD_LABELS_PL: dict[str, str] = {
    "applicant_name": "imię i nazwisko",
    "case_number": "numer sprawy",
    "case_type": "rodzaj sprawy",
    "channel": "sposób złożenia",
    "clerk": "urzędnik",
    "deficiency": "brak",
    "deficiency_kind": "rodzaj braku",
    "external_ref": "numer zewnętrzny",
    "filed_on": "data złożenia",
    "full_name": "imię i nazwisko urzędnika",
    "language": "język",
    "login": "login",
    "missing": "brakujące dokumenty",
    "note": "uwaga",
    "office": "oddział",
    "password": "hasło",
    "phone": "telefon",
    "reason": "powód",
    "case": "sprawa",
    "role": "rola",
    "stage": "etap",
    "database": "baza danych",
    "fixtures": "katalogi",
}


class DomainError(Exception):
    """A rule was broken. `field` names the input, `rule` says what the rule is."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{FIELD_LABELS_PL.get(field, field)}: {rule}")

    @property
    def message(self) -> str:
        return str(self)


class StoreUnavailable(Exception):
    """The database could not be reached or did not answer in time; nothing was written."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"baza danych jest niedostępna lub zajęta – spróbuj ponownie za chwilę (szczegóły: {detail})")
