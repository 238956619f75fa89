"""The one error type every rule in `storage` raises for bad input or a broken rule.

Messages are Polish because clerks read them; `field` stays an identifier so a front end
can put the message next to the right input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
from collections.abc import Iterator

# A password in a URL (scheme://user:PASSWORD@host) or in a libpq key=value string. Greedy up to
# the last "@" of the word: a password may itself contain "@".
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@'\"]*:)[^\s'\"]*@")
_KEYWORD_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s,;)]+)")


def mask_secrets(text: str) -> str:
    """`text` with every password in it replaced by ***: error messages end up in the journal."""
    return _KEYWORD_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", text))


FIELD_LABELS_PL: dict[str, str] = {
    "applicant_name": "imię i nazwisko",
    "case_number": "numer sprawy",
    "case_type": "rodzaj sprawy",
    "channel": "sposób złożenia",
    "clerk": "urzędnik",
    "deficiency": "brak",
    "deficiency_kind": "rodzaj braku",
    "email": "e-mail",
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
    "group": "sprawa do załatwienia",
    "starts_at": "termin",
    "day": "dzień",
    "code": "kod z SMS",
    "reference": "numer rezerwacji",
    "visit": "wizyta",
    "state": "stan wizyty",
    "client": "adres klienta",
    "fixtures": "katalogi",
}


class DomainError(Exception):
    """A rule was broken. `field` names the input, `rule` says what the rule is."""

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = mask_secrets(rule)
        super().__init__(f"{FIELD_LABELS_PL.get(field, field)}: {self.rule}")

    @property
    def message(self) -> str:
        return str(self)


class StoreUnavailable(Exception):
    """The database could not be reached or did not answer in time; nothing was written."""

    def __init__(self, detail: str) -> None:
        self.detail = mask_secrets(detail)
        super().__init__(
            f"baza danych jest niedostępna lub zajęta – spróbuj ponownie za chwilę (szczegóły: {self.detail})"
        )


class StoreRefused(StoreUnavailable):
    """The server refused the statement for lack of a privilege (not bad input: the account is
    the administrator's to fix). Front ends treat it like an unreachable store (exit 3)."""

    def __init__(self, detail: str) -> None:
        self.detail = mask_secrets(detail)
        Exception.__init__(self, f"serwer bazy odmówił: {self.detail}")


EXIT_RULE = 2  # bad input, a broken rule, a bad setting or address: the person must change something
EXIT_STORE = 3  # the database (or another part the program needs) is unreachable: try again later


@dataclasses.dataclass
class ExitStatus:
    code: int = 0


@contextlib.contextmanager
def exit_codes(
    prefix: str = "błąd",
    usage_errors: tuple[type[BaseException], ...] = (),
    unavailable_errors: tuple[type[BaseException], ...] = (),
) -> Iterator[ExitStatus]:
    """Every program's one rule for failing: one line on stderr (secrets masked), and
    `status.code` set to 2 for a broken rule or setting, 3 for an unreachable store.

        with exit_codes("error", usage_errors=(SettingsError,)) as failed:
            settings = load_settings()
            store.open_current(url)
        if failed.code:
            return failed.code
    """
    status = ExitStatus()
    try:
        yield status
    except (DomainError, *usage_errors) as exc:
        print(f"{prefix}: {mask_secrets(str(exc))}", file=sys.stderr)
        status.code = EXIT_RULE
    except (StoreUnavailable, *unavailable_errors) as exc:
        print(f"{prefix}: {mask_secrets(str(exc))}", file=sys.stderr)
        status.code = EXIT_STORE
