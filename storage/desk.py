"""The clerk app's whole view of the store: clerks, filings, the worklist and search, a case
with its corrections, the printed papers' data, the head of unit's figures and
the delivery channels' states (SMS and e-mail).

`counter_tui` may import this module and no other part of `storage` (an import-linter contract).
The admin CLI lives inside `storage` and needs no facade.
"""

from storage.accounts.clerks import authenticate_clerk
from storage.accounts.passwords import check_password
from storage.admin.demo import DEMO_CLERK, DEMO_PASSWORD
from storage.case_numbers import format_number, looks_like_case_number
from storage.case_numbers import parse as parse_case_number
from storage.cases.checks import check_applicant_name, check_external_ref, check_filed_on, check_note
from storage.cases.corrections import reopen_case, reopen_deficiency, update_case, usual_next_stage, withdraw_stage
from storage.cases.messages import write_message
from storage.cases.processing_times import MIN_CASES as PROCESSING_MIN_CASES
from storage.cases.processing_times import ProcessingFigure, stored_processing_times
from storage.cases.queries import case_detail, credential_letter, filing_receipt
from storage.cases.report import Report, head_of_unit_report
from storage.cases.rules import (
    add_deficiency,
    edit_deficiency_note,
    register_filing,
    reissue_password,
    resolve_deficiency,
    set_sms_opt_out,
    set_stage,
)
from storage.cases.worklist import WorklistPage, WorklistRow, search_cases, worklist
from storage.catalog.lists import case_types, deficiency_kinds, message_templates, offices, stages
from storage.catalog.visit_groups import VisitGroupInfo, visit_groups
from storage.clock import to_warsaw, today_in_warsaw, utcnow
from storage.config import SettingsError, check_settings
from storage.db import unit_of_work
from storage.delivery.heartbeat import (
    DELAYED,
    NO_SIGNAL,
    NOT_CONFIGURED,
    NOT_RUNNING,
    OK,
    RELAY_FAILING,
    ChannelState,
    ModemState,
)
from storage.delivery.heartbeat import current_mail_state as mail_state
from storage.delivery.heartbeat import current_state as modem_state
from storage.emails import normalise_email
from storage.errors import DomainError, StoreUnavailable, exit_codes
from storage.languages import LANGUAGES, NAMES_PL
from storage.models import Clerk
from storage.phones import display as display_phone
from storage.phones import normalise_mobile, suggested_language
from storage.records import (
    CaseDetail,
    CaseTypeInfo,
    ClerkInfo,
    CredentialLetterData,
    DeficiencyKindInfo,
    FilingReceiptData,
    MailInfo,
    MessageInfo,
    MessageTemplateInfo,
    MessageWritten,
    OfficeInfo,
    RegisteredFiling,
    StageChange,
    StageInfo,
)
from storage.schema import open_current
from storage.visits.days import visit_days, visit_times, visit_window
from storage.visits.desk import (
    DeskVisit,
    book_visit_for,
    cancel_visit,
    counter_times,
    mark_visit,
    register_from_visit,
    unmark_visit,
    visit_by_reference,
    visits_on,
)
from storage.visits.results import SlotTaken, VisitDay, VisitTime


def demo_login() -> tuple[str, str] | None:
    """The demo clerk's login and password when this is a demo store (its clerk still has the
    demo password), shown on the login screen; None on a real store."""
    with unit_of_work():
        clerk = Clerk.get_or_none(Clerk.login == DEMO_CLERK)
        if clerk is None or not clerk.active or not check_password(DEMO_PASSWORD, clerk.password_hash):
            return None
    return DEMO_CLERK, DEMO_PASSWORD


__all__ = [
    "DELAYED",
    "LANGUAGES",
    "NAMES_PL",
    "NOT_CONFIGURED",
    "NOT_RUNNING",
    "NO_SIGNAL",
    "OK",
    "PROCESSING_MIN_CASES",
    "RELAY_FAILING",
    "CaseDetail",
    "CaseTypeInfo",
    "ChannelState",
    "ClerkInfo",
    "CredentialLetterData",
    "DeficiencyKindInfo",
    "DeskVisit",
    "DomainError",
    "FilingReceiptData",
    "MailInfo",
    "MessageInfo",
    "MessageTemplateInfo",
    "MessageWritten",
    "ModemState",
    "OfficeInfo",
    "ProcessingFigure",
    "RegisteredFiling",
    "Report",
    "SettingsError",
    "SlotTaken",
    "StageChange",
    "StageInfo",
    "StoreUnavailable",
    "VisitDay",
    "VisitGroupInfo",
    "VisitTime",
    "WorklistPage",
    "WorklistRow",
    "add_deficiency",
    "authenticate_clerk",
    "book_visit_for",
    "cancel_visit",
    "case_detail",
    "case_types",
    "check_applicant_name",
    "check_external_ref",
    "check_filed_on",
    "check_note",
    "check_settings",
    "counter_times",
    "credential_letter",
    "deficiency_kinds",
    "demo_login",
    "display_phone",
    "edit_deficiency_note",
    "exit_codes",
    "filing_receipt",
    "format_number",
    "head_of_unit_report",
    "looks_like_case_number",
    "mail_state",
    "mark_visit",
    "message_templates",
    "modem_state",
    "normalise_email",
    "normalise_mobile",
    "offices",
    "open_current",
    "parse_case_number",
    "register_filing",
    "register_from_visit",
    "reissue_password",
    "reopen_case",
    "reopen_deficiency",
    "resolve_deficiency",
    "search_cases",
    "set_sms_opt_out",
    "set_stage",
    "stages",
    "stored_processing_times",
    "suggested_language",
    "to_warsaw",
    "today_in_warsaw",
    "unmark_visit",
    "update_case",
    "usual_next_stage",
    "utcnow",
    "visit_by_reference",
    "visit_days",
    "visit_groups",
    "visit_times",
    "visit_window",
    "visits_on",
    "withdraw_stage",
    "worklist",
    "write_message",
]
