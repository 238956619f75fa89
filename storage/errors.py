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
from urllib.parse import unquote_plus

# Where a URL starts: its scheme. The user name after "//" is an identifier; what follows its ":"
# is the password, whatever it contains ('"@/ spaces): it ends at the last "@" before the next URL.
_SCHEME = re.compile(r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*://")
_USER = re.compile(r"[^:/@\s'\"]*:")
# After the host: a query parameter whose (decoded) name names a secret keeps its name only.
_QUERY_PAIR = re.compile(r"([?&;])([^=&#;\s'\"]*)=([^&#;\s'\"]*)")
_SECRET_NAME = re.compile(r"(?i)pass|pwd|secret|token|key|auth|cred")
_URL_END = re.compile(r"[\s'\"]")
# A libpq key=value string ("host=db password=…"); a URL's query parameter is masked above.
_KEYWORD_PASSWORD = re.compile(r"(?i)(?<![?&;\w])(password\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s,;)]+)")


def _mask_query(rest: str) -> str:
    def pair(match: re.Match) -> str:
        secret = _SECRET_NAME.search(unquote_plus(match[2]))
        return f"{match[1]}{match[2]}=***" if secret else match[0]

    return _QUERY_PAIR.sub(pair, rest)


def mask_secrets(text: str) -> str:
    """`text` with every password in it replaced by ***: the password of each URL
    (`postgresql://user:***@host`), the values of its query parameters named like a secret
    (`?password=***`, also percent-encoded), and libpq's `password=…`. Error messages end up in
    the journal and on screens."""
    starts = [m.end() for m in _SCHEME.finditer(text)]
    out, done = [], 0
    for index, begin in enumerate(starts):
        if begin < done:
            continue  # inside the password of the URL before
        user = _USER.match(text, begin)
        first_at = text.find("@", user.end()) if user else -1
        if user and first_at != -1:
            later = [s for s in starts[index + 1 :] if s > first_at]
            last_at = text.rfind("@", user.end(), (later[0] if later else len(text)))
            out.append(text[done : user.end()] + "***")
            host_from = last_at
        else:
            out.append(text[done:begin])
            host_from = begin
        end = _URL_END.search(text, host_from)
        stop = end.start() if end else len(text)
        out.append(_mask_query(text[host_from:stop]))
        done = stop
    out.append(text[done:])
    return _KEYWORD_PASSWORD.sub(r"\1***", "".join(out))


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
    "search": "szukanie",
    "state": "stan wizyty",
    "client": "adres klienta",
    "fixtures": "katalogi",
}


class DomainError(Exception):
    """A rule was broken. `field` names the input, `rule` says what the rule is (in Polish).

    `code` names the rule for a front end that speaks another language (the portal translates by
    it instead of copying the rule), with the numbers its message needs in `limits`."""

    def __init__(self, field: str, rule: str, code: str = "", **limits: int) -> None:
        self.field = field
        self.rule = mask_secrets(rule)
        self.code = code
        self.limits = limits
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
