"""The rules clerks apply to cases. Each public function is one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from storage import audit, case_numbers, phones
from storage.accounts import passwords
from storage.accounts.clerks import acting_clerk
from storage.cases import name_search
from storage.cases.checks import (
    case_for_update,
    check_applicant_name,
    check_channel,
    check_external_ref,
    check_filed_on,
    check_language,
    check_note,
    deficiency_for_update,
    open_case_for_update,
)
from storage.clock import today_in_warsaw, utcnow
from storage.db import unit_of_work, write_transaction
from storage.delivery import mail_outbox
from storage.delivery import sms_outbox as outbox
from storage.emails import normalise_email
from storage.errors import DomainError
from storage.models import (
    Case,
    CaseNumberCounter,
    CaseType,
    Deficiency,
    DeficiencyKind,
    Office,
    RequiredDocument,
    Stage,
    StageHistory,
)
from storage.records import RegisteredFiling, StageChange
from storage.text import clean_line, surname_key

# A text still waiting to go out covers any further change: one SMS per burst of changes.


def _stage(code: str) -> Stage:
    stage = Stage.get_or_none(Stage.code == (code or "").strip())
    if stage is None or not stage.active:
        raise DomainError("stage", f"nieznany etap {code!r} (lista: python -m storage catalog)")
    return stage


# ---------------------------------------------------------------- case numbers


def _allocate_number(year: int) -> str:
    """Next number in the shared register; must run inside a write transaction.

    The UPDATE takes the counter row's lock (PostgreSQL) or runs under BEGIN IMMEDIATE
    (SQLite), so two desks can never get the same serial.
    """
    CaseNumberCounter.insert(year=year, last_serial=0).on_conflict_ignore().execute()
    CaseNumberCounter.update(last_serial=CaseNumberCounter.last_serial + 1).where(
        CaseNumberCounter.year == year
    ).execute()
    serial = CaseNumberCounter.get(CaseNumberCounter.year == year).last_serial
    return case_numbers.compose(year, serial)


# ---------------------------------------------------------------- rules


def register_filing(
    *,
    clerk: str,
    case_type: str,
    applicant_name: str,
    phone: str | None = None,
    language: str = "pl",
    channel: str = "in_person",
    external_ref: str | None = None,
    filed_on: dt.date | None = None,
    office: str | None = None,
    missing: Iterable[str] = (),
    sms_opt_out: bool = False,
    email: str | None = None,
) -> RegisteredFiling:
    """Register a filing: new case number, first stage, a one-time password and a
    deficiency for every required document the clerk marked missing."""
    name = check_applicant_name(applicant_name)
    mobile = phones.normalise_mobile(phone)
    address = normalise_email(email)
    lang = check_language(language)
    chan = check_channel(channel)
    ref = check_external_ref(external_ref)
    filed = check_filed_on(filed_on)
    missing_codes = list(dict.fromkeys(code.strip() for code in missing if code and code.strip()))
    plain_password = passwords.new_applicant_password()
    # bcrypt takes a quarter of a second: never inside the write lock.
    hashed = passwords.hash_password(passwords.normalise_applicant_password(plain_password))

    with write_transaction():
        actor = acting_clerk(clerk)
        ctype = CaseType.get_or_none(CaseType.code == (case_type or "").strip())
        if ctype is None or not ctype.active:
            raise DomainError("case_type", f"nieznany rodzaj sprawy {case_type!r} (lista: python -m storage catalog)")
        office_code = (office or actor.office_id).upper()
        if Office.get_or_none(Office.code == office_code) is None:
            raise DomainError("office", f"nie ma oddziału {office!r}")
        required = [
            r.kind_id
            for r in RequiredDocument.select()
            .where(RequiredDocument.case_type == ctype)
            .order_by(RequiredDocument.position)
        ]
        for code in missing_codes:
            if code not in required:
                raise DomainError(
                    "missing",
                    f"{code!r} nie jest wymaganym dokumentem dla sprawy {ctype.code} (wymagane: {', '.join(required)})",
                )
        initial = Stage.get_or_none(Stage.is_initial & Stage.active)
        if initial is None:
            raise DomainError("stage", "katalog etapów nie ma etapu początkowego – wczytaj katalogi (load-fixtures)")

        now = utcnow()
        number = _allocate_number(today_in_warsaw().year)
        case = Case.create(
            number=number,
            case_type=ctype,
            office=office_code,
            channel=chan,
            external_ref=ref,
            filed_on=filed,
            applicant_name=name,
            surname_key=surname_key(name),
            phone=mobile,
            email=address,
            language=lang,
            sms_opt_out=sms_opt_out,
            password_hash=hashed,
            stage=initial,
            stage_changed_at=now,
            deadline_on=filed + dt.timedelta(days=ctype.deadline_days),
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        name_search.index_name(case.id, name)
        StageHistory.create(case=case, stage=initial, changed_at=now, clerk=actor)
        for code in missing_codes:
            Deficiency.create(case=case, kind=code, created_by=actor, created_at=now)
        audit.record(
            "filing_registered",
            actor,
            case,
            case_type=ctype.code,
            channel=chan,
            office=office_code,
            missing=missing_codes,
            has_phone=bool(mobile),
            has_email=bool(address),
            sms_opt_out=sms_opt_out,
        )
    return RegisteredFiling(case.id, number, case_numbers.format_number(number), plain_password, missing_codes)


def set_stage(number: str, stage: str, *, clerk: str) -> StageChange:
    """Move a case to a stage: history, audit and (where allowed) one SMS, all or nothing."""
    with write_transaction():
        actor = acting_clerk(clerk)
        case = case_for_update(number)
        new_stage = _stage(stage)
        if case.closed:
            raise DomainError("stage", "sprawa jest zakończona – jej etapu nie można już zmienić")
        if case.stage_id == new_stage.code:
            raise DomainError("stage", f"sprawa już jest na etapie {new_stage.label_pl!r}")
        now = utcnow()
        Case.update(
            stage=new_stage,
            stage_changed_at=now,
            closed=new_stage.closes_case,
            updated_at=now,
            public_version=Case.public_version + 1,
        ).where(Case.id == case.id).execute()
        StageHistory.create(case=case, stage=new_stage, changed_at=now, clerk=actor)

        skipped = outbox.queue_stage_text(case, new_stage, now)
        mail = mail_outbox.queue_stage_mail(case, new_stage, now) or "queued"
        # The e-mail's outcome only for a case with an address: most have none, and their rows stay as they were.
        audit.record("stage_changed", actor, case, old=case.stage_id, new=new_stage.code, sms=skipped or "queued",
                     **mail_outbox.audit_detail(mail))  # fmt: skip
        return StageChange(case.number, new_stage.code, new_stage.closes_case, skipped is None, skipped, mail)


def add_deficiency(
    number: str, *, clerk: str, kind: str | None = None, free_text: str | None = None, note: str | None = None
) -> int:
    """Record a missing or faulty document: a catalogue kind or free text, with an optional note."""
    text = clean_line(free_text, "deficiency", 300, required=False)
    note_text = check_note(note)
    if bool(kind) == bool(text):
        raise DomainError("deficiency", "podaj rodzaj braku z katalogu albo własny opis – dokładnie jedno z nich")
    with write_transaction():
        actor = acting_clerk(clerk)
        case = open_case_for_update(number, "deficiency", "sprawa jest zakończona – nie można dopisać braku")
        if kind:
            kind_row = DeficiencyKind.get_or_none(DeficiencyKind.code == kind.strip())
            if kind_row is None or not kind_row.active:
                raise DomainError(
                    "deficiency_kind", f"nieznany rodzaj braku {kind!r} (lista: python -m storage catalog)"
                )
            duplicate = Deficiency.select().where(
                (Deficiency.case == case) & (Deficiency.kind == kind_row) & Deficiency.resolved_at.is_null()
            )
            if duplicate.exists():
                raise DomainError("deficiency_kind", f"brak {kind_row.label_pl!r} jest już wpisany i nieuzupełniony")
        row = Deficiency.create(case=case, kind=kind or None, free_text=text, note=note_text, created_by=actor)
        _applicant_sees_change(case)
        audit.record("deficiency_added", actor, case, deficiency=row.id, kind=kind, has_note=bool(note_text))
        return row.id


def _applicant_sees_change(case: Case) -> None:
    Case.update(updated_at=utcnow(), public_version=Case.public_version + 1).where(Case.id == case.id).execute()


def edit_deficiency_note(deficiency_id: int, note: str | None, *, clerk: str) -> None:
    note_text = check_note(note)
    with write_transaction():
        actor = acting_clerk(clerk)
        row, case = deficiency_for_update(deficiency_id)
        if row.resolved_at is not None:
            raise DomainError("note", "brak jest już uzupełniony – jego uwagi nie zmienia się")
        Deficiency.update(note=note_text).where(Deficiency.id == row.id).execute()
        _applicant_sees_change(case)
        audit.record("deficiency_note_edited", actor, case, deficiency=row.id, has_note=bool(note_text))


def resolve_deficiency(deficiency_id: int, *, clerk: str) -> None:
    with write_transaction():
        actor = acting_clerk(clerk)
        row, case = deficiency_for_update(deficiency_id)
        if row.resolved_at is not None:
            raise DomainError("deficiency", "ten brak jest już oznaczony jako uzupełniony")
        Deficiency.update(resolved_at=utcnow(), resolved_by=actor).where(Deficiency.id == row.id).execute()
        _applicant_sees_change(case)
        audit.record("deficiency_resolved", actor, case, deficiency=row.id)


def set_sms_opt_out(number: str, opted_out: bool, *, clerk: str) -> int:
    """Record (or withdraw) "no SMS, please", which covers e-mail notifications too. Opting out
    cancels texts and e-mails still queued; what was already sent stays as it was. Returns how
    many queued texts were cancelled."""
    with write_transaction():
        actor = acting_clerk(clerk)
        case = case_for_update(number)
        cancelled = mail_cancelled = 0
        if opted_out:
            cancelled = outbox.cancel_queued(case, "applicant opted out", utcnow())
            mail_cancelled = mail_outbox.cancel_queued(case, "applicant opted out", utcnow())
        Case.update(sms_opt_out=opted_out, updated_at=utcnow()).where(Case.id == case.id).execute()
        extra = {"mail_cancelled": mail_cancelled} if mail_cancelled else {}
        audit.record("sms_opt_out" if opted_out else "sms_opt_in", actor, case, cancelled=cancelled, **extra)
        return cancelled


def reissue_password(number: str, *, clerk: str) -> str:
    """New password for a case; the old one stops working at once and the credential
    version moves on, which ends web sessions opened with the old one."""
    plain = passwords.new_applicant_password()
    hashed = passwords.hash_password(passwords.normalise_applicant_password(plain))
    with write_transaction():
        actor = acting_clerk(clerk)
        case = case_for_update(number)
        Case.update(password_hash=hashed, credential_version=Case.credential_version + 1, updated_at=utcnow()).where(
            Case.id == case.id
        ).execute()
        audit.record("password_reissued", actor, case, credential_version=case.credential_version + 1)
    return plain


def case_exists(number: str) -> bool:
    canonical = case_numbers.parse(number)
    with unit_of_work():
        return Case.select().where(Case.number == canonical).exists()


__all__ = [
    "add_deficiency",
    "case_exists",
    "edit_deficiency_note",
    "register_filing",
    "reissue_password",
    "resolve_deficiency",
    "set_sms_opt_out",
    "set_stage",
]
