"""What the public site may know: the applicant login check and the case's public projection.

The projection selects named columns only and never the applicant's name, phone or any
clerk, so nothing personal can leak through it, whatever a template does with it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import threading

from storage import case_numbers, config
from storage.accounts import passwords, throttle
from storage.accounts.check_guard import BusyMemory, CheckSlots, LoginBusy
from storage.cases.messages import public_messages
from storage.cases.processing_times import cached_processing_time
from storage.catalog.cache import cached_labels
from storage.catalog.lists import FEE_PROOF_KIND, fees_of, office_info
from storage.clock import today_in_warsaw, warsaw_date
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import Case, CaseType, Deficiency, Office, OfficeMessage, Stage, StageHistory
from storage.records import PublicCaseView, PublicDeficiency, PublicHistoryEntry, PublicProcessingTime

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
    history_codes = history
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
    unread = (
        OfficeMessage.select(OfficeMessage.id)
        .where((OfficeMessage.case == case.id) & OfficeMessage.read_at.is_null())
        .count()
    )
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
        messages=public_messages(case.id),
        unread_messages=unread,
        processing=_processing(case, ctype, [code for code, _ in history_codes], labels.stages),
    )


def _processing(
    case: Case, ctype: CaseType, stages_so_far: list[str], stages: dict[str, Stage]
) -> PublicProcessingTime | None:
    """How long cases like this one took, while this one still waits for its decision."""
    if case.closed or any(stages[code].is_decision for code in stages_so_far):
        return None
    figure = cached_processing_time(case.case_type_id, case.office_id)
    return PublicProcessingTime(
        cases=figure.cases if figure else 0,
        median_days=figure.median_days if figure else None,
        p80_days=figure.p80_days if figure else None,
        days_since_filing=max((today_in_warsaw() - case.filed_on).days, 0),
        statutory_days=ctype.deadline_days,
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


def _checking_thread_starts() -> None:
    """A check for an address that has been failing runs on a thread below the pages' priority:
    bcrypt takes a whole core (outside the GIL), and when a flood's checks hold every core the
    operating system still serves the threads answering pages first. A clean address's check (the
    applicant who types once) keeps the pages' priority: niced, it would wait behind the very pages
    the flood makes busy. Linux lets a thread lower its own priority (never raise it)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHECK_NICENESS)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


CHECK_NICENESS = 10
CHECK_SLOTS = CheckSlots(max(1, _cores()), directory=config.check_slots_dir)
BUSY = BusyMemory(directory=config.check_slots_dir)
# Threads that only check the passwords of failing addresses, one check each at a time: as many as
# there are slots. A clean address's check runs on the request's own thread.
_CHECKERS = concurrent.futures.ThreadPoolExecutor(
    max_workers=CHECK_SLOTS.size + CHECK_SLOTS.reserved, thread_name_prefix="password-check",
    initializer=_checking_thread_starts,
)  # fmt: skip


def applicant_login(number_text: str, password: str, client_address: str, lang: str = "pl") -> PublicCaseView:
    """The public site's login: check digit (no database), throttle (before bcrypt), password.

    Raises DomainError('case_number'), ApplicantLoginFailed, LoginThrottled (the case number or
    the address must wait) or LoginBusy (no password-check slot for this caller right now). The
    attempt is counted before its password is checked (storage.accounts.throttle says why); a success
    gives the count back. A clean address (no recent failure, not answered "busy" in the last
    minute) may use the reserved check slot when the ordinary ones are full.
    """
    canonical = case_numbers.parse(number_text)
    if not passwords.normalise_applicant_password(password):
        raise ApplicantLoginFailed()
    case_key, address_key = throttle.case_key(canonical), throttle.address_key(client_address)
    with unit_of_work():
        # A blocked caller is answered from a read, without taking a check slot or a row lock;
        # the same read says whether the address may use the reserved slot.
        verdict = throttle.peek(case_key, address_key)
    if verdict.wait:
        raise LoginThrottled(verdict.wait)
    try:
        with CHECK_SLOTS.slot(verdict.clean and not BUSY.looping(address_key)) as reserved:
            reservation = throttle.reserve_attempt(case_key, address_key, only_if_clean=reserved)
            if reservation.wait:
                raise LoginThrottled(reservation.wait)
            if reserved and not reservation.clean:
                raise LoginBusy()  # it failed since the read: nothing was counted, no check made
            if verdict.clean:
                view = check_applicant(canonical, password, lang)
            else:
                view = _CHECKERS.submit(check_applicant, canonical, password, lang).result()
    except LoginBusy:
        BUSY.note(address_key)
        raise
    throttle.give_back(case_key, address_key)
    return view


def busy_before_asking(client_address: str) -> LoginBusy | None:
    """The answer a login from this address would get, decided before the request is read: "busy"
    (the LoginBusy to answer with) when the address was answered "busy" lately and every ordinary
    check slot of the machine is taken now – such an address may not use the reserved slot, so the
    full login could only end the same way. Two small file reads and no database, so a front end can
    answer a looping flood at a fraction of a request's cost and keep its threads for pages. None: ask
    the full login (a clean address, or a slot is free). The answer counts as a "busy" answer."""
    address_key = throttle.address_key(client_address)
    if not (BUSY.looping(address_key) and CHECK_SLOTS.all_taken()):
        return None
    BUSY.note(address_key)
    return LoginBusy()


def public_view(number: str, credential_version: int, lang: str = "pl") -> PublicCaseView | None:
    """The projection for an open web session; None when the credentials changed since login."""
    canonical = case_numbers.parse(number)
    with unit_of_work():
        case = _public_case(canonical)
        if case is None or case.credential_version != credential_version:
            return None
        return _projection(case, _lang(lang))
