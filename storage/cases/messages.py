"""Messages from the office to an applicant ("monit"): a clerk writes one from a catalogue
template or in their own words; the portal shows it; one SMS says that it is waiting.

A message's text is stored as the applicant will read it: a template is filled in the case's
language when it is written, so a later change of the catalogue never rewrites what was sent.
Formal summons still go by post; the portal says so beside every message.
"""

from __future__ import annotations

import datetime as dt

from storage import audit, case_numbers
from storage.accounts.clerks import acting_clerk
from storage.cases.checks import open_case_for_update
from storage.clock import today_in_warsaw, utcnow
from storage.db import write_transaction
from storage.delivery import mail_outbox
from storage.delivery import sms_outbox as outbox
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import Case, Clerk, DeficiencyKind, MessageTemplate, Office, OfficeMessage, SmsOutbox
from storage.records import MessageInfo, MessageWritten, PublicMessage
from storage.text import clean_line

BODY_MAX = 2000
VALUE_MAX = 200


def write_message(
    number: str,
    *,
    clerk: str,
    template: str | None = None,
    values: dict[str, str] | None = None,
    text: str | None = None,
    language: str | None = None,
) -> MessageWritten:
    """Write a message to the applicant: `template` with its `values` (filled in the case's
    language), or `text` in the clerk's own words with the `language` it is written in
    (Polish unless said). History, audit and the SMS notice in one transaction."""
    if (template is None) == (text is None):
        raise DomainError("message", "wybierz wzór wiadomości albo wpisz własny tekst (jedno z dwóch)")
    if text is not None and values:
        raise DomainError("value", "własny tekst nie ma pól do wypełnienia (są tylko we wzorach)")
    with write_transaction():
        actor = acting_clerk(clerk)
        case = open_case_for_update(number, "case", "sprawa jest zakończona – nie wysyła się do niej wiadomości")
        if template is not None:
            row = MessageTemplate.get_or_none((MessageTemplate.code == template) & MessageTemplate.active)
            if row is None:
                raise DomainError("template", f"nie ma wzoru wiadomości {template!r}")
            lang = case.language
            body = row.text(lang).format(**_filled(row.placeholder_codes, values or {}, lang))
        else:
            lang = language or "pl"
            if lang not in LANGUAGES:
                raise DomainError("language", f"język musi być jednym z: {', '.join(LANGUAGES)}")
            body = _own_words(text or "")
        now = utcnow()
        message = OfficeMessage.create(
            case=case, clerk=actor, template=template, language=lang, body=body, created_at=now
        )
        notice = outbox.queue_message_notice(case, message, now)
        mail = mail_outbox.queue_message_mail(case, message, now) or "queued"
        Case.update(updated_at=now, public_version=Case.public_version + 1).where(Case.id == case.id).execute()
        # The audit names the template, never the text: a message may name documents or dates.
        audit.record("message_written", actor, case, message=message.id, template=template, sms=notice or "queued",
                     **mail_outbox.audit_detail(mail))  # fmt: skip
        return MessageWritten(message.id, notice or "queued", mail)


def _own_words(text: str) -> str:
    body = "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()
    # Lines are cleaned one by one so that the clerk's paragraphs survive.
    for line in body.splitlines():
        clean_line(line, "text", BODY_MAX, required=False)
    if not body:
        raise DomainError("text", "pole jest wymagane")
    if len(body) > BODY_MAX:
        raise DomainError("text", f"najwyżej {BODY_MAX} znaków (wpisano {len(body)})")
    return body


def _filled(placeholders: list[str], values: dict[str, str], lang: str) -> dict[str, str]:
    """Each placeholder's text in the message's language; a missing or malformed value names its field."""
    unknown = sorted(set(values) - set(placeholders))
    if unknown:
        raise DomainError(unknown[0], "ten wzór nie ma takiego pola")
    filled: dict[str, str] = {}
    for name in placeholders:
        raw = clean_line(values.get(name), name, VALUE_MAX, required=True)
        if name == "date":
            filled[name] = _future_date(raw).isoformat()
        elif name == "office":
            office = Office.get_or_none(Office.code == raw.upper())
            if office is None:
                raise DomainError("office", f"nie ma oddziału {raw!r} (GDA albo SLU)")
            filled[name] = f"{office.name}, {office.address}"
        else:  # a kind of document from the catalogue, or the clerk's own words for one
            kind = DeficiencyKind.get_or_none(DeficiencyKind.code == raw)
            filled[name] = kind.label(lang) if kind is not None else raw
    return filled


def _future_date(raw: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise DomainError("date", "data w postaci RRRR-MM-DD, np. 2026-12-01") from None
    if day < today_in_warsaw():
        raise DomainError("date", "data nie może być w przeszłości")
    return day


def case_messages(case: Case) -> list[MessageInfo]:
    """The case's messages for the clerks, newest first (inside the caller's unit of work)."""
    notices = {
        row.message_id: row.state
        for row in SmsOutbox.select(SmsOutbox.message, SmsOutbox.state).where(
            (SmsOutbox.case == case) & SmsOutbox.message.is_null(False)
        )
    }
    mails = mail_outbox.states_by_message(case)
    return [
        MessageInfo(
            m.id,
            m.created_at,
            m.clerk.login,
            m.template_id,
            m.language,
            m.body,
            m.read_at,
            notices.get(m.id),
            mails.get(m.id),
        )
        for m in OfficeMessage.select(OfficeMessage, Clerk)
        .join(Clerk)
        .where(OfficeMessage.case == case)
        .order_by(OfficeMessage.created_at.desc(), OfficeMessage.id.desc())
    ]


def public_messages(case_id: int) -> list[PublicMessage]:
    """The case's messages as the applicant reads them, newest first (inside a unit of work)."""
    return [
        PublicMessage(m.created_at, m.language, m.body)
        for m in OfficeMessage.select(OfficeMessage.created_at, OfficeMessage.language, OfficeMessage.body)
        .where(OfficeMessage.case == case_id)
        .order_by(OfficeMessage.created_at.desc(), OfficeMessage.id.desc())
    ]


def mark_read(number: str, credential_version: int) -> int:
    """The applicant opened the status page: every unread message of the case is read now.
    Only for a live login (the credential version still current). Returns how many."""
    canonical = case_numbers.parse(number)
    with write_transaction():
        # Named columns only: the portal's database role may not read the case's personal ones.
        case = (
            Case.select(Case.id)
            .where((Case.number == canonical) & (Case.credential_version == credential_version))
            .first()
        )
        if case is None:
            return 0
        return (
            OfficeMessage.update(read_at=utcnow())
            .where((OfficeMessage.case == case) & OfficeMessage.read_at.is_null())
            .execute()
        )
