"""The applicants' portal's whole view of the store.

`public_status` may import this module and no other part of `storage` (an import-linter
contract holds it to that). Everything here returns either catalogue data, session facts or
the public projection of a case (with the office's messages, and `mark_read` once the applicant has
seen them), and visit booking (storage.visits): no function reachable from here hands out an applicant's
name or phone or a clerk (tests/test_facades.py checks the return types).
"""

from storage.accounts.sessions import ENDED_REPLACED, SessionCheck, check_session, end_session, start_session
from storage.arguments import whole_number
from storage.case_numbers import format_number
from storage.cases.checks import check_applicant_name
from storage.cases.messages import mark_read
from storage.cases.processing_times import ProcessingGroup, last_refreshed, processing_table
from storage.cases.public import (
    ApplicantLoginFailed,
    LoginBusy,
    LoginThrottled,
    applicant_login,
    busy_before_asking,
    public_view,
)
from storage.catalog.info import (
    BUILDING_FACTS,
    AccessibilityStatement,
    accessibility_statement,
    case_type_guide,
    case_type_guides,
    info_texts,
)
from storage.catalog.lists import offices, stages
from storage.catalog.visit_groups import VisitGroupInfo, visit_groups
from storage.config import SettingsError, check_settings
from storage.connections import connection_room, connections_needed
from storage.db import POOL_SIZE, close_database, is_postgres
from storage.errors import DomainError, StoreUnavailable, exit_codes
from storage.health import database_ready
from storage.languages import NATIVE_NAMES
from storage.schema import open_current
from storage.visits.booking import booked_visit, code_resend, confirm_visit, release_hold, request_visit, resend_code
from storage.visits.cancelling import confirm_cancellation, request_cancellation, visit_of_case
from storage.visits.days import visit_closed_weekdays, visit_days, visit_times, visit_window
from storage.visits.fields import check_mobile, normalise_reference
from storage.visits.results import (
    CodeExpired,
    HeldVisit,
    PhoneHasVisit,
    PublicVisit,
    SlotTaken,
    VisitConfirmation,
    VisitDay,
    VisitThrottled,
    VisitTime,
    WrongCode,
)

__all__ = [
    "BUILDING_FACTS",
    "ENDED_REPLACED",
    "NATIVE_NAMES",
    "POOL_SIZE",
    "AccessibilityStatement",
    "ApplicantLoginFailed",
    "CodeExpired",
    "DomainError",
    "HeldVisit",
    "LoginBusy",
    "LoginThrottled",
    "PhoneHasVisit",
    "ProcessingGroup",
    "PublicVisit",
    "SessionCheck",
    "SettingsError",
    "SlotTaken",
    "StoreUnavailable",
    "VisitConfirmation",
    "VisitDay",
    "VisitGroupInfo",
    "VisitThrottled",
    "VisitTime",
    "WrongCode",
    "accessibility_statement",
    "applicant_login",
    "booked_visit",
    "busy_before_asking",
    "case_type_guide",
    "case_type_guides",
    "check_applicant_name",
    "check_mobile",
    "check_session",
    "check_settings",
    "close_database",
    "code_resend",
    "confirm_cancellation",
    "confirm_visit",
    "connection_room",
    "connections_needed",
    "database_ready",
    "end_session",
    "exit_codes",
    "format_number",
    "info_texts",
    "is_postgres",
    "last_refreshed",
    "mark_read",
    "normalise_reference",
    "offices",
    "open_current",
    "processing_table",
    "public_view",
    "release_hold",
    "request_cancellation",
    "request_visit",
    "resend_code",
    "stages",
    "start_session",
    "visit_closed_weekdays",
    "visit_days",
    "visit_groups",
    "visit_of_case",
    "visit_times",
    "visit_window",
    "whole_number",
]
