"""Okienko's case store: the schema and every rule. Front ends call these functions only."""

from storage.case_numbers import format_number, looks_like_case_number
from storage.case_numbers import parse as parse_case_number
from storage.cases import (
    add_deficiency,
    edit_deficiency_note,
    register_filing,
    reissue_password,
    resolve_deficiency,
    set_sms_opt_out,
    set_stage,
    update_contact,
)
from storage.catalog import case_types, deficiency_kinds, message_templates, offices, stages
from storage.catalog_files import load_fixtures
from storage.clerks import authenticate_clerk, create_clerk, list_clerks, set_clerk_active
from storage.clock import to_warsaw, today_in_warsaw
from storage.corrections import reopen_case, reopen_deficiency, update_case, usual_next_stage, withdraw_stage
from storage.db import open_database, unit_of_work
from storage.errors import DomainError, StoreUnavailable
from storage.messages import mark_read, write_message
from storage.public import (
    ApplicantLoginFailed,
    LoginBusy,
    LoginThrottled,
    applicant_login,
    check_applicant,
    public_view,
)
from storage.queries import case_detail, credential_letter, filing_receipt, store_stats
from storage.report import head_of_unit_report
from storage.schema import init, migrate
from storage.sessions import SessionCheck, check_session, end_session, start_session
from storage.worklist import (
    PAGE_SIZE,
    WorklistPage,
    WorklistRow,
    search_by_external_ref,
    search_by_name,
    search_by_number,
    search_by_surname,
    search_cases,
    worklist,
)

__all__ = [
    "PAGE_SIZE",
    "ApplicantLoginFailed",
    "DomainError",
    "LoginBusy",
    "LoginThrottled",
    "SessionCheck",
    "StoreUnavailable",
    "WorklistPage",
    "WorklistRow",
    "add_deficiency",
    "applicant_login",
    "authenticate_clerk",
    "case_detail",
    "case_types",
    "check_applicant",
    "check_session",
    "create_clerk",
    "credential_letter",
    "deficiency_kinds",
    "edit_deficiency_note",
    "end_session",
    "filing_receipt",
    "format_number",
    "head_of_unit_report",
    "init",
    "list_clerks",
    "load_fixtures",
    "looks_like_case_number",
    "mark_read",
    "message_templates",
    "migrate",
    "offices",
    "open_database",
    "parse_case_number",
    "public_view",
    "register_filing",
    "reissue_password",
    "reopen_case",
    "reopen_deficiency",
    "resolve_deficiency",
    "search_by_external_ref",
    "search_by_name",
    "search_by_number",
    "search_by_surname",
    "search_cases",
    "set_clerk_active",
    "set_sms_opt_out",
    "set_stage",
    "stages",
    "start_session",
    "store_stats",
    "to_warsaw",
    "today_in_warsaw",
    "unit_of_work",
    "update_case",
    "update_contact",
    "usual_next_stage",
    "withdraw_stage",
    "worklist",
    "write_message",
]
