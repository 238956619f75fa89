"""Correcting mistakes at the counter: a wrong stage withdrawn, a closed case reopened, a
mistyped name or phone fixed, a deficiency resolved by mistake reopened.

Nothing is hidden: every correction writes an audit row, and a withdrawn stage stays in the
history marked as withdrawn (only the applicant's view leaves it out).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from storage import audit, phones
from storage.accounts.clerks import acting_clerk
from storage.cases import name_search
from storage.cases.checks import (
    case_for_update,
    check_applicant_name,
    check_channel,
    check_external_ref,
    check_language,
    deficiency_for_update,
)
from storage.clock import utcnow
from storage.db import write_transaction
from storage.delivery import mail_outbox
from storage.delivery import sms_outbox as outbox
from storage.emails import normalise_email
from storage.errors import DomainError
from storage.models import Case, Clerk, Deficiency, Stage, StageHistory
from storage.records import StageInfo
from storage.text import clean_line, surname_key

# How long the clerk who set a stage may take it back on their own; later only an administrator.
WITHDRAW_WINDOW = dt.timedelta(minutes=15)
REASON_MAX = 300
# Fields a clerk may correct after registration, in the order the case screen shows them.
CORRECTABLE_FIELDS = ("applicant_name", "phone", "email", "language", "channel", "external_ref")
_UNCHANGED = object()


def usual_next_stage(stages: list[StageInfo], current: str) -> str | None:
    """The stage that normally follows `current`: the next one in catalogue order that is on
    the usual path (detours such as a suspension are never proposed), or None after the last."""
    codes = [s.code for s in stages]
    if current not in codes:
        return None
    for stage in stages[codes.index(current) + 1 :]:
        if stage.usual_path:
            return stage.code
    return None


def _reason(value: str | None, *, required: bool) -> str | None:
    return clean_line(value, "reason", REASON_MAX, required=required)


def _is_admin(clerk: Clerk) -> bool:
    return clerk.role == "admin"


@dataclasses.dataclass(frozen=True)
class StageWithdrawn:
    number: str
    withdrawn: str
    stage: str
    sms_cancelled: int


def withdraw_stage(
    number: str, *, clerk: str, reason: str | None = None, now: dt.datetime | None = None
) -> StageWithdrawn:
    """Take back the latest stage change: the case returns to the stage before it.

    The clerk who set it may do so within WITHDRAW_WINDOW; an administrator at any time, with
    a reason. A text queued for the withdrawn change that has not gone out is cancelled, and
    none is queued for the correction itself.
    """
    why = _reason(reason, required=False)
    now = now or utcnow()
    with write_transaction():
        actor = acting_clerk(clerk)
        case = case_for_update(number)
        entries = list(
            StageHistory.select()
            .where((StageHistory.case == case) & StageHistory.withdrawn_at.is_null())
            .order_by(StageHistory.changed_at.desc(), StageHistory.id.desc())
            .limit(2)
        )
        if len(entries) < 2:
            raise DomainError("stage", "sprawa ma tylko etap początkowy – nie ma czego wycofać")
        latest, previous = entries
        own_and_recent = latest.clerk_id == actor.id and now - latest.changed_at <= WITHDRAW_WINDOW
        if not own_and_recent:
            if not _is_admin(actor):
                raise DomainError(
                    "stage",
                    "etap może wycofać w ciągu 15 minut tylko urzędnik, który go ustawił; później – administrator",
                )
            if not why:
                raise DomainError("reason", "administrator wycofuje etap z podaniem powodu")
        back_to = Stage.get_by_id(previous.stage_id)
        StageHistory.update(withdrawn_at=now).where(StageHistory.id == latest.id).execute()
        Case.update(
            stage=back_to,
            stage_changed_at=previous.changed_at,
            closed=back_to.closes_case,
            updated_at=now,
            public_version=Case.public_version + 1,
        ).where(Case.id == case.id).execute()
        # A queued text created since the withdrawn change was queued for it (or for a burst
        # that now ends on the previous stage, which the applicant was already told about).
        cancelled = outbox.cancel_queued(case, "stage withdrawn", now, queued_since=latest.changed_at)
        mail_cancelled = mail_outbox.cancel_queued(case, "stage withdrawn", now, queued_since=latest.changed_at)
        audit.record(
            "stage_withdrawn",
            actor,
            case,
            withdrawn=latest.stage_id,
            back_to=back_to.code,
            sms_cancelled=cancelled,
            reason=why,
            **({"mail_cancelled": mail_cancelled} if mail_cancelled else {}),
        )
        return StageWithdrawn(case.number, latest.stage_id, back_to.code, cancelled)


def reopen_case(number: str, *, clerk: str, reason: str) -> str:
    """Reopen a closed case (administrators only, with a reason): it returns to the stage it had
    before it was closed, as a new history entry. No text is queued: the office writes."""
    why = _reason(reason, required=True)
    with write_transaction():
        actor = acting_clerk(clerk)
        if not _is_admin(actor):
            raise DomainError("clerk", "zakończoną sprawę może wznowić tylko administrator")
        case = case_for_update(number)
        if not case.closed:
            raise DomainError("stage", "sprawa nie jest zakończona – nie ma czego wznawiać")
        previous = (
            StageHistory.select(StageHistory, Stage)
            .join(Stage)
            .where((StageHistory.case == case) & StageHistory.withdrawn_at.is_null() & ~Stage.closes_case)
            .order_by(StageHistory.changed_at.desc(), StageHistory.id.desc())
            .first()
        )
        if previous is None:
            raise DomainError("stage", "sprawa nie miała wcześniej otwartego etapu")
        now = utcnow()
        Case.update(
            stage=previous.stage,
            stage_changed_at=now,
            closed=False,
            updated_at=now,
            public_version=Case.public_version + 1,
        ).where(Case.id == case.id).execute()
        StageHistory.create(case=case, stage=previous.stage, changed_at=now, clerk=actor)
        audit.record("case_reopened", actor, case, old=case.stage_id, new=previous.stage_id, reason=why)
        return previous.stage_id


def update_case(
    number: str,
    *,
    clerk: str,
    applicant_name: object = _UNCHANGED,
    phone: object = _UNCHANGED,
    language: object = _UNCHANGED,
    channel: object = _UNCHANGED,
    external_ref: object = _UNCHANGED,
    email: object = _UNCHANGED,
) -> list[str]:
    """Correct registration data with the rules registration applies. Pass only what changes
    (phone=None removes the number, email=None the address). Returns the fields that changed;
    the audit names them and never their values. Texts and e-mails not sent yet read the phone,
    address and language at send time, so they go to the corrected ones."""
    values: dict[str, object] = {}
    if applicant_name is not _UNCHANGED:
        values["applicant_name"] = check_applicant_name(applicant_name)  # type: ignore[arg-type]
    if phone is not _UNCHANGED:
        values["phone"] = phones.normalise_mobile(phone)  # type: ignore[arg-type]
    if email is not _UNCHANGED:
        values["email"] = normalise_email(email)  # type: ignore[arg-type]
    if language is not _UNCHANGED:
        values["language"] = check_language(language)  # type: ignore[arg-type]
    if channel is not _UNCHANGED:
        values["channel"] = check_channel(channel)  # type: ignore[arg-type]
    if external_ref is not _UNCHANGED:
        values["external_ref"] = check_external_ref(external_ref)  # type: ignore[arg-type]
    if not values:
        raise DomainError("case", "nie podano żadnej zmiany")
    with write_transaction():
        actor = acting_clerk(clerk)
        case = case_for_update(number)
        changed = [field for field in CORRECTABLE_FIELDS if field in values and values[field] != getattr(case, field)]
        if not changed:
            return []
        update = {field: values[field] for field in changed}
        if "applicant_name" in update:
            update["surname_key"] = surname_key(update["applicant_name"])
            name_search.index_name(case.id, update["applicant_name"])
        Case.update(updated_at=utcnow(), **update).where(Case.id == case.id).execute()
        audit.record("case_corrected", actor, case, fields=changed)
        return changed


def reopen_deficiency(deficiency_id: int, *, clerk: str) -> None:
    """A deficiency marked resolved by mistake is missing again (and shown to the applicant)."""
    with write_transaction():
        actor = acting_clerk(clerk)
        row, case = deficiency_for_update(deficiency_id)
        if row.resolved_at is None:
            raise DomainError("deficiency", "ten brak nie jest oznaczony jako uzupełniony")
        if case.closed:
            raise DomainError("deficiency", "sprawa jest zakończona – nie można przywrócić braku")
        Deficiency.update(resolved_at=None, resolved_by=None).where(Deficiency.id == row.id).execute()
        Case.update(updated_at=utcnow(), public_version=Case.public_version + 1).where(Case.id == case.id).execute()
        audit.record("deficiency_reopened", actor, case, deficiency=row.id)


def update_contact(number: str, *, clerk: str, phone: str | None, language: str) -> None:
    """Change the applicant's mobile number and language (for letters and SMS)."""
    update_case(number, clerk=clerk, phone=phone, language=language)
