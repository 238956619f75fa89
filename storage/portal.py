"""The applicants' portal's whole view of the store.

`public_status` may import this module and no other part of `storage` (an import-linter
contract holds it to that). Everything here returns either catalogue data, session facts or
the public projection of a case (with the office's messages, and `mark_read` once the applicant has
seen them): no function reachable from here hands out an applicant's
name or phone or a clerk (tests/test_facades.py checks the return types).
"""

from storage.case_numbers import format_number
from storage.catalog import offices, stages
from storage.catalog_info import case_type_guide, case_type_guides, info_texts
from storage.errors import DomainError, StoreUnavailable, exit_codes
from storage.health import database_ready
from storage.languages import NATIVE_NAMES
from storage.messages import mark_read
from storage.public import ApplicantLoginFailed, LoginBusy, LoginThrottled, applicant_login, public_view
from storage.schema import open_current
from storage.sessions import ENDED_REPLACED, SessionCheck, check_session, end_session, start_session

__all__ = [
    "ENDED_REPLACED",
    "NATIVE_NAMES",
    "ApplicantLoginFailed",
    "DomainError",
    "LoginBusy",
    "LoginThrottled",
    "SessionCheck",
    "StoreUnavailable",
    "applicant_login",
    "case_type_guide",
    "case_type_guides",
    "check_session",
    "database_ready",
    "end_session",
    "exit_codes",
    "format_number",
    "info_texts",
    "mark_read",
    "offices",
    "open_current",
    "public_view",
    "stages",
    "start_session",
]
