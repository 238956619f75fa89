"""Read-only views of cases for clerks (with personal data) and the store's summary."""

from __future__ import annotations

import peewee as pw

from storage import case_numbers
from storage.audit import describe
from storage.cases.messages import case_messages
from storage.cases.worklist import is_overdue, overdue_condition
from storage.catalog.cache import cached_labels
from storage.catalog.lists import fees_of
from storage.db import unit_of_work
from storage.delivery.mail_outbox import case_mail
from storage.errors import DomainError
from storage.models import (
    AuditEvent,
    Case,
    CaseType,
    Clerk,
    Deficiency,
    DeficiencyKind,
    Office,
    SmsOutbox,
    Stage,
    StageHistory,
)
from storage.records import (
    AuditInfo,
    CaseDetail,
    CredentialLetterData,
    DeficiencyInfo,
    FilingReceiptData,
    HistoryEntry,
    SmsInfo,
)


def deficiency_label(row: Deficiency, lang: str = "pl") -> str:
    if row.kind_id is None:
        return row.free_text or ""
    return row.kind.label(lang)


def _full_case(number: str) -> Case:
    """The case with its type, stage, office and receiving clerk joined in (one query);
    DomainError('case_number') when there is none. Runs inside the caller's unit of work."""
    canonical = case_numbers.parse(number)
    case = (
        Case.select(Case, CaseType, Stage, Office, Clerk)
        .join(CaseType)
        .switch(Case)
        .join(Stage)
        .switch(Case)
        .join(Office)
        .switch(Case)
        .join(Clerk)
        .where(Case.number == canonical)
        .first()
    )
    if case is None:
        raise DomainError("case_number", f"nie ma sprawy o numerze {case_numbers.format_number(canonical)}")
    return case


def case_detail(number: str) -> CaseDetail:
    with unit_of_work():
        case = _full_case(number)
        history = [
            HistoryEntry(
                h.stage.code, h.stage.label_pl, h.changed_at, h.clerk.login if h.clerk_id else None, h.withdrawn_at
            )
            for h in StageHistory.select(StageHistory, Stage, Clerk)
            .join(Stage)
            .switch(StageHistory)
            .join(Clerk, pw.JOIN.LEFT_OUTER)
            .where(StageHistory.case == case)
            .order_by(StageHistory.changed_at, StageHistory.id)
        ]
        deficiencies = [
            DeficiencyInfo(d.id, d.kind_id, deficiency_label(d), d.note, d.created_at, d.resolved_at)
            for d in Deficiency.select(Deficiency, DeficiencyKind)
            .join(DeficiencyKind, pw.JOIN.LEFT_OUTER)
            .where(Deficiency.case == case)
            .order_by(Deficiency.id)
        ]
        sms = [
            SmsInfo(
                s.id,
                s.state,
                s.stage_id,
                s.created_at,
                s.attempts,
                s.sent_at,
                s.delivered_at,
                s.error_code,
                s.last_error,
            )
            for s in SmsOutbox.select().where(SmsOutbox.case == case).order_by(SmsOutbox.id)
        ]
        labels = cached_labels()

        def label(kind: str, code: str) -> str:
            rows = labels.stages if kind == "stage" else labels.kinds
            return rows[code].label_pl if code in rows else code

        audit = [
            AuditInfo(
                a.at,
                a.actor,
                a.action,
                a.detail,
                describe(a.action, a.detail, a.clerk.full_name if a.clerk_id else None, label),
            )
            for a in AuditEvent.select(AuditEvent, Clerk)
            .join(Clerk, pw.JOIN.LEFT_OUTER)
            .where(AuditEvent.case == case)
            .order_by(AuditEvent.id)
        ]
        return CaseDetail(
            id=case.id,
            number=case.number,
            display_number=case_numbers.format_number(case.number),
            case_type=case.case_type.code,
            case_type_label=case.case_type.label_pl,
            office=case.office_id,
            channel=case.channel,
            external_ref=case.external_ref,
            filed_on=case.filed_on,
            deadline_on=case.deadline_on,
            overdue=is_overdue(case.closed, case.stage_id, case.deadline_on),
            applicant_name=case.applicant_name,
            phone=case.phone,
            language=case.language,
            sms_opt_out=case.sms_opt_out,
            stage=case.stage.code,
            stage_label=case.stage.label_pl,
            closed=case.closed,
            credential_version=case.credential_version,
            created_by=case.created_by.login,
            history=history,
            deficiencies=deficiencies,
            sms=sms,
            audit=audit,
            personal_data_purged_at=case.personal_data_purged_at,
            messages=case_messages(case),
            email=case.email,
            mail=case_mail(case),
        )


def store_stats() -> dict[str, object]:
    """Counts an administrator wants at a glance."""
    with unit_of_work():
        by_office = {o.code: 0 for o in Office.select()}
        for office, count in Case.select(Case.office, pw.fn.COUNT(Case.id)).group_by(Case.office).tuples():
            by_office[office] = count
        by_stage = dict(Case.select(Case.stage, pw.fn.COUNT(Case.id)).where(~Case.closed).group_by(Case.stage).tuples())
        outbox = dict(SmsOutbox.select(SmsOutbox.state, pw.fn.COUNT(SmsOutbox.id)).group_by(SmsOutbox.state).tuples())
        return {
            "cases": Case.select().count(),
            "open_cases": Case.select().where(~Case.closed).count(),
            "overdue_cases": Case.select().where(overdue_condition()).count(),
            "cases_by_office": by_office,
            "open_cases_by_stage": by_stage,
            "open_deficiencies": Deficiency.select().where(Deficiency.resolved_at.is_null()).count(),
            "sms_outbox": outbox,
            "clerks": Clerk.select().where(Clerk.active).count(),
            "audit_events": AuditEvent.select().count(),
        }


# The deficiency kind that means "the fee was not shown paid": the receipt then names the fees.
FEE_PROOF_KIND = "fee_proof"


def filing_receipt(number: str) -> FilingReceiptData:
    """The receipt for a filing: what was filed, when, by whom, received by which clerk, and
    which required documents were missing at intake (as recorded when it was registered), in
    Polish and in the applicant's language, with the registering office's contact details.

    When the proof of payment was missing at intake and is still open, the receipt also carries
    the case type's fees from the catalogue; once the proof is in, a reprint no longer asks for money."""
    with unit_of_work():
        case = _full_case(number)
        registered = (
            AuditEvent.select()
            .where((AuditEvent.case == case) & (AuditEvent.action == "filing_registered"))
            .order_by(AuditEvent.id)
            .first()
        )
        missing_codes = registered.detail.get("missing", []) if registered else []
        kinds = {k.code: k for k in DeficiencyKind.select().where(DeficiencyKind.code.in_(missing_codes))}
        labels = {code: k.label_pl for code, k in kinds.items()}
        fee_open = (
            FEE_PROOF_KIND in missing_codes
            and Deficiency.select()
            .where((Deficiency.case == case) & (Deficiency.kind == FEE_PROOF_KIND) & Deficiency.resolved_at.is_null())
            .exists()
        )
        lang = case.language
        return FilingReceiptData(
            office_name=case.office.name,
            office_address=case.office.address,
            display_number=case_numbers.format_number(case.number),
            case_type_label=case.case_type.label_pl,
            channel=case.channel,
            external_ref=case.external_ref,
            filed_on=case.filed_on,
            applicant_name=case.applicant_name,
            clerk_name=case.created_by.full_name,
            missing_at_intake=[labels.get(code, code) for code in missing_codes],
            language=lang,
            case_type_label_local=case.case_type.label(lang),
            missing_at_intake_local=[kinds[code].label(lang) if code in kinds else code for code in missing_codes],
            office_phone=case.office.phone,
            office_hours=case.office.hours,
            fees_due=fees_of(case.case_type_id) if fee_open else [],
        )


def credential_letter(number: str) -> CredentialLetterData:
    with unit_of_work():
        case = _full_case(number)
        return CredentialLetterData(
            display_number=case_numbers.format_number(case.number),
            language=case.language,
            case_type_label_pl=case.case_type.label_pl,
            case_type_label=case.case_type.label(case.language),
            office_name=case.office.name,
            office_address=case.office.address,
            credential_version=case.credential_version,
        )
