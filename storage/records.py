"""Plain values that storage hands to the front ends (no live model objects cross the line)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {k: to_jsonable(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


class ShortPolishName:
    """A catalogue value named in narrow list columns: its short Polish name, or its Polish label
    where the catalogue gives none (the label fits)."""

    short: str
    LABELS = "label"  # the field that holds the value's labels by language

    @property
    def short_pl(self) -> str:
        return self.short or getattr(self, self.LABELS)["pl"]


@dataclasses.dataclass(frozen=True)
class OfficeInfo:
    code: str
    name: str
    city: str
    address: str
    phone: str | None
    hours: list[tuple[int, str, str]]
    is_main: bool
    email: str | None = None
    room: dict[str, str] = dataclasses.field(default_factory=dict)  # language → where in the building; {} = not given


@dataclasses.dataclass(frozen=True)
class FeeInfo:
    code: str
    label_pl: str
    label_en: str
    amount_grosze: int
    label_ru: str = ""
    label_uk: str = ""
    reduced_grosze: int | None = None

    def label(self, lang: str) -> str:
        return getattr(self, f"label_{lang}", "") or self.label_pl

    @property
    def amount_zl(self) -> str:
        return _zl(self.amount_grosze)

    @property
    def reduced_zl(self) -> str | None:
        return None if self.reduced_grosze is None else _zl(self.reduced_grosze)


def _zl(grosze: int) -> str:
    zl, gr = divmod(grosze, 100)
    return f"{zl} zł" if not gr else f"{zl},{gr:02d} zł"


@dataclasses.dataclass(frozen=True)
class CaseTypeInfo(ShortPolishName):
    code: str
    label: dict[str, str]
    deadline_days: int
    fees: list[FeeInfo]
    required_documents: list[str]
    short: str = ""  # the Polish name for narrow list columns; "" where the label fits


@dataclasses.dataclass(frozen=True)
class DeficiencyKindInfo:
    code: str
    label: dict[str, str]


@dataclasses.dataclass(frozen=True)
class LegalActInfo:
    code: str
    label: dict[str, str]
    url: str


@dataclasses.dataclass(frozen=True)
class CaseTypeGuideInfo:
    """Everything the information panel says about one kind of case, in every language."""

    case_type: CaseTypeInfo
    who_for: dict[str, str]
    notes: dict[str, str]
    documents: list[DeficiencyKindInfo]
    channels: list[str]
    legal_acts: list[LegalActInfo]


@dataclasses.dataclass(frozen=True)
class StageInfo(ShortPolishName):
    code: str
    position: int
    label: dict[str, str]
    explanation: dict[str, str]
    closes_case: bool
    is_initial: bool
    usual_path: bool = True
    # False where the statutory deadline does not run (no case at such a stage is overdue).
    clock_runs: bool = True
    short: str = ""  # the Polish name for narrow list columns; "" where the label fits


@dataclasses.dataclass(frozen=True)
class ClerkInfo:
    id: int
    login: str
    full_name: str
    office_code: str
    office_name: str
    role: str
    active: bool


@dataclasses.dataclass(frozen=True)
class RegisteredFiling:
    case_id: int
    number: str
    display_number: str
    password: str  # plaintext, handed over exactly once; only its hash is stored
    deficiencies: list[str]


@dataclasses.dataclass(frozen=True)
class StageChange:
    number: str
    stage: str
    closed: bool
    sms_queued: bool
    sms_skipped_because: str | None
    # The e-mail's outcome: "queued", or why none: "no_email", "opted_out", "already_queued".
    mail: str = "no_email"


@dataclasses.dataclass(frozen=True)
class HistoryEntry:
    stage: str
    stage_label: str
    changed_at: dt.datetime
    clerk_login: str | None
    withdrawn_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class DeficiencyInfo:
    id: int
    kind: str | None
    label: str
    note: str | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class SmsInfo:
    id: int
    state: str
    stage: str | None
    created_at: dt.datetime
    attempts: int
    sent_at: dt.datetime | None
    delivered_at: dt.datetime | None
    error_code: str | None
    last_error: str | None


@dataclasses.dataclass(frozen=True)
class MailInfo:
    """An e-mail notification as the clerks see it (storage.delivery.mail_outbox): about a stage or a message."""

    id: int
    state: str
    stage: str | None
    message: int | None
    created_at: dt.datetime
    attempts: int
    sent_at: dt.datetime | None
    error_code: str | None
    last_error: str | None


@dataclasses.dataclass(frozen=True)
class AuditInfo:
    at: dt.datetime
    actor: str
    action: str
    detail: dict[str, Any]
    text: str = ""  # the row as a Polish sentence (storage.audit.describe)


@dataclasses.dataclass(frozen=True)
class CaseDetail:
    """Everything about a case, personal data included: for clerks only."""

    id: int
    number: str
    display_number: str
    case_type: str
    case_type_label: str
    office: str
    channel: str
    external_ref: str | None
    filed_on: dt.date
    deadline_on: dt.date
    overdue: bool
    applicant_name: str
    phone: str | None
    language: str
    sms_opt_out: bool
    stage: str
    stage_label: str
    closed: bool
    credential_version: int
    created_by: str
    history: list[HistoryEntry]
    deficiencies: list[DeficiencyInfo]
    sms: list[SmsInfo]
    audit: list[AuditInfo]
    # Set once retention erased the contact data (storage.admin.retention): shown as "removed", not "none".
    personal_data_purged_at: dt.datetime | None = None
    messages: list[MessageInfo] = dataclasses.field(default_factory=list)
    email: str | None = None
    mail: list[MailInfo] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class MessageTemplateInfo:
    code: str
    label_pl: str
    texts: dict[str, str]  # language → text with {placeholders}
    placeholders: list[str]


@dataclasses.dataclass(frozen=True)
class MessageInfo:
    """A message from the office as the clerks see it: who wrote it, whether it was announced
    by SMS (and how that went) and when the applicant opened it on the portal."""

    id: int
    created_at: dt.datetime
    clerk_login: str
    template: str | None
    language: str
    body: str
    read_at: dt.datetime | None
    sms_state: str | None  # the notification's outbox state; None when none was queued
    mail_state: str | None = None  # the same for its e-mail (storage.delivery.mail_outbox)


@dataclasses.dataclass(frozen=True)
class MessageWritten:
    id: int
    notice: str  # "queued", or why no SMS: "no_phone", "opted_out", "already_queued"
    mail: str = "no_email"  # the e-mail's: "queued", "no_email", "opted_out", "already_queued"


@dataclasses.dataclass(frozen=True)
class PublicMessage:
    """A message as the applicant reads it: the text, its language and date; no clerk."""

    created_at: dt.datetime
    language: str
    body: str


@dataclasses.dataclass(frozen=True)
class PublicHistoryEntry:
    on: dt.date
    stage: str
    label: str


@dataclasses.dataclass(frozen=True)
class PublicDeficiency:
    label: str
    note: str | None
    kind: str | None = None
    # Clerks write notes in Polish; the portal says so on pages in another language.
    note_language: str = "pl"
    # The case type's fees, beside a missing proof of payment.
    fees: list[FeeInfo] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class PublicProcessingTime:
    """How long cases like this one took, beside this case's own count of days (no personal data:
    figures of a group of at least 20 cases, and the filing date the status page shows anyway)."""

    # Decided cases of this type at this office in the last 12 months; the figures are None under 20.
    cases: int
    median_days: float | None
    p80_days: float | None
    days_since_filing: int
    # The statutory time limit for this kind of case (time the law does not count is not in it).
    statutory_days: int


@dataclasses.dataclass(frozen=True)
class PublicCaseView:
    """What an applicant may see: by construction no name, no phone, no clerk."""

    number: str
    display_number: str
    case_type: str
    case_type_label: str
    filed_on: dt.date
    stage: str
    stage_label: str
    stage_explanation: str
    closed: bool
    history: list[PublicHistoryEntry]
    deficiencies: list[PublicDeficiency]
    credential_version: int
    language: str
    public_version: int = 0
    # The office that holds the case (a public place, not personal data).
    office: OfficeInfo | None = None
    # Messages from the office, newest first; how many the applicant has not seen yet.
    messages: list[PublicMessage] = dataclasses.field(default_factory=list)
    unread_messages: int = 0
    # None once a decision was issued (the question "how long" is answered) or the case is closed.
    processing: PublicProcessingTime | None = None


@dataclasses.dataclass(frozen=True)
class FilingReceiptData:
    """What the filing receipt prints (the applicant's copy; holds the name, never the password)."""

    office_name: str
    office_address: str
    display_number: str
    case_type_label: str
    channel: str
    external_ref: str | None
    filed_on: dt.date
    applicant_name: str
    clerk_name: str
    missing_at_intake: list[str]
    # The applicant's language; the receipt repeats every sentence in it unless it is Polish.
    language: str = "pl"
    case_type_label_local: str = ""
    missing_at_intake_local: list[str] = dataclasses.field(default_factory=list)
    # The registering office's contact details (phone and hours as the catalogue has them).
    office_phone: str | None = None
    office_hours: list[tuple[int, str, str]] = dataclasses.field(default_factory=list)
    # The case type's fees, when the proof of payment was missing at intake and still is.
    fees_due: list[FeeInfo] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class CredentialLetterData:
    """What the credential letter prints besides the password, which the caller supplies."""

    display_number: str
    language: str
    case_type_label_pl: str
    case_type_label: str
    office_name: str
    office_address: str
    credential_version: int
