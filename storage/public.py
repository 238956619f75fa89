"""What the public site may know: the applicant login check and the case's public projection.

The projection selects named columns only and never the applicant's name, phone or any
clerk, so nothing personal can leak through it, whatever a template does with it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

from storage import case_numbers, passwords, throttle
from storage.catalog import FEE_PROOF_KIND, fees_of, office_info
from storage.catalog_cache import cached_labels
from storage.clock import warsaw_date
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import Case, Deficiency, Office, StageHistory
from storage.records import PublicCaseView, PublicDeficiency, PublicHistoryEntry

LOGIN_FAILED = "numer sprawy lub hasło są nieprawidłowe"

# Only these columns of the case table are read for applicants (and granted to the
# public database role on PostgreSQL).
PUBLIC_CASE_COLUMNS = (
    Case.id,
    Case.number,
    Case.case_type,
    Case.office,
    Case.filed_on,
    Case.stage,
    Case.closed,
    Case.credential_version,
    Case.public_version,
    Case.password_hash,
)


class ApplicantLoginFailed(DomainError):
    """One message for every failed applicant login, whatever the reason."""

    def __init__(self) -> None:
        super().__init__("password", LOGIN_FAILED)


class LoginThrottled(DomainError):
    """Too many failures for this case number or this address: wait `retry_after` seconds.
    Raised before any password check, for unknown numbers exactly as for known ones."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("password", f"zbyt wiele nieudanych prób – spróbuj za {retry_after} s")


def _projection(case: Case, lang: str) -> PublicCaseView:
    history = list(
        StageHistory.select(StageHistory.stage, StageHistory.changed_at)
        # A stage withdrawn as a mistake was never true for the applicant.
        .where((StageHistory.case == case.id) & StageHistory.withdrawn_at.is_null())
        .order_by(StageHistory.changed_at, StageHistory.id)
        .tuples()
    )
    open_items = list(
        Deficiency.select(Deficiency.kind, Deficiency.free_text, Deficiency.note)
        .where((Deficiency.case == case.id) & Deficiency.resolved_at.is_null())
        .order_by(Deficiency.id)
        .tuples()
    )
    labels = cached_labels(
        stages={case.stage_id, *(code for code, _ in history)},
        case_types={case.case_type_id},
        kinds={kind for kind, _, _ in open_items if kind},
    )
    ctype = labels.case_types[case.case_type_id]
    stage = labels.stages[case.stage_id]
    history = [
        PublicHistoryEntry(warsaw_date(changed_at), code, labels.stages[code].label(lang))
        for code, changed_at in history
    ]
    fees = fees_of(case.case_type_id) if any(kind == FEE_PROOF_KIND for kind, _, _ in open_items) else []
    deficiencies = [
        PublicDeficiency(
            labels.kinds[kind].label(lang) if kind else (free_text or ""),
            note,
            kind=kind,
            fees=fees if kind == FEE_PROOF_KIND else [],
        )
        for kind, free_text, note in open_items
    ]
    office = Office.get_or_none(Office.code == case.office_id)
    return PublicCaseView(
        number=case.number,
        display_number=case_numbers.format_number(case.number),
        case_type=ctype.code,
        case_type_label=ctype.label(lang),
        filed_on=case.filed_on,
        stage=stage.code,
        stage_label=stage.label(lang),
        stage_explanation=stage.explanation(lang),
        closed=case.closed,
        history=history,
        deficiencies=deficiencies,
        credential_version=case.credential_version,
        language=lang,
        public_version=case.public_version,
        office=office_info(office) if office else None,
    )


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "pl"


def _public_case(canonical: str) -> Case | None:
    return Case.select(*PUBLIC_CASE_COLUMNS).where(Case.number == canonical).first()


def check_applicant(number_text: str, password: str, lang: str = "pl") -> PublicCaseView:
    """Check case number + password; return the public projection or raise.

    A number with a wrong check digit raises DomainError('case_number') without touching
    the database, and so does a password that is empty once normalised (ApplicantLoginFailed:
    no lookup, no hash, so the answer's time cannot tell known numbers from unknown ones).
    Any other failure raises ApplicantLoginFailed with one message, after spending the same
    bcrypt time whether or not the case exists.
    """
    canonical = case_numbers.parse(number_text)
    typed = passwords.normalise_applicant_password(password)
    if not typed:
        raise ApplicantLoginFailed()
    with unit_of_work():
        case = _public_case(canonical)
        if case is None:
            passwords.burn_equal_time(typed)
            raise ApplicantLoginFailed()
        if not passwords.check_password(typed, case.password_hash):
            raise ApplicantLoginFailed()
        return _projection(case, _lang(lang))


class LoginBusy(DomainError):
    """Every password-check slot of this process is taken: try again in `retry_after` seconds.
    Answered at once instead of queueing, so a flood of logins cannot starve the other pages."""

    def __init__(self, retry_after: int = 2) -> None:
        self.retry_after = retry_after
        super().__init__("password", f"serwer sprawdza teraz inne hasła – spróbuj za {retry_after} s")


class CheckSlots:
    """At most `size` password checks at a time in this process (bcrypt is a core's worth of work each)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._free = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.in_use = 0

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        if not self._free.acquire(blocking=False):
            raise LoginBusy()
        with self._lock:
            self.in_use += 1
        try:
            yield
        finally:
            with self._lock:
                self.in_use -= 1
            self._free.release()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


CHECK_SLOTS = CheckSlots(max(1, _cores()))


def applicant_login(number_text: str, password: str, client_address: str, lang: str = "pl") -> PublicCaseView:
    """The public site's login: check digit (no database), throttle (before bcrypt), password.

    Raises DomainError('case_number'), ApplicantLoginFailed, LoginThrottled (the case number or
    the address must wait) or LoginBusy (every password-check slot is taken right now). The
    attempt is counted before its password is checked (storage.throttle says why); a success
    gives the count back.
    """
    canonical = case_numbers.parse(number_text)
    if not passwords.normalise_applicant_password(password):
        raise ApplicantLoginFailed()
    case_key, address_key = throttle.case_key(canonical), throttle.address_key(client_address)
    with unit_of_work():
        # A blocked caller is answered from a read, without taking a check slot or a row lock.
        wait = throttle.peek(case_key, address_key)
    if wait:
        raise LoginThrottled(wait)
    with CHECK_SLOTS.slot():
        wait = throttle.reserve_attempt(case_key, address_key)
        if wait:
            raise LoginThrottled(wait)
        view = check_applicant(canonical, password, lang)
    throttle.give_back(case_key, address_key)
    return view


def public_view(number: str, credential_version: int, lang: str = "pl") -> PublicCaseView | None:
    """The projection for an open web session; None when the credentials changed since login."""
    canonical = case_numbers.parse(number)
    with unit_of_work():
        case = _public_case(canonical)
        if case is None or case.credential_version != credential_version:
            return None
        return _projection(case, _lang(lang))
