"""The package API for admin tools, tests and benchmarks: the store's everyday functions by name.

Front ends do not use it: each reaches the store through its own facade (`storage.desk`,
`storage.portal`, `storage.sms`, `storage.mail`). Nothing here is imported until it is asked for
(PEP 562), so `python -m storage …` and every program load only the rooms they use.
The rooms: `accounts`, `cases`, `catalog`, `delivery`, `visits`, `admin`, on a ground floor of
`models`, `db`, `schema`, `config`, `errors` and small helpers.
"""

from __future__ import annotations

import importlib
from typing import Any

# name -> (module, attribute in it)
_EXPORTS: dict[str, tuple[str, str]] = {
    "authenticate_clerk": ("storage.accounts.clerks", "authenticate_clerk"),
    "create_clerk": ("storage.accounts.clerks", "create_clerk"),
    "list_clerks": ("storage.accounts.clerks", "list_clerks"),
    "set_clerk_active": ("storage.accounts.clerks", "set_clerk_active"),
    "SessionCheck": ("storage.accounts.sessions", "SessionCheck"),
    "check_session": ("storage.accounts.sessions", "check_session"),
    "end_session": ("storage.accounts.sessions", "end_session"),
    "start_session": ("storage.accounts.sessions", "start_session"),
    "format_number": ("storage.case_numbers", "format_number"),
    "looks_like_case_number": ("storage.case_numbers", "looks_like_case_number"),
    "parse_case_number": ("storage.case_numbers", "parse"),
    "reopen_case": ("storage.cases.corrections", "reopen_case"),
    "reopen_deficiency": ("storage.cases.corrections", "reopen_deficiency"),
    "update_case": ("storage.cases.corrections", "update_case"),
    "update_contact": ("storage.cases.corrections", "update_contact"),
    "usual_next_stage": ("storage.cases.corrections", "usual_next_stage"),
    "withdraw_stage": ("storage.cases.corrections", "withdraw_stage"),
    "mark_read": ("storage.cases.messages", "mark_read"),
    "write_message": ("storage.cases.messages", "write_message"),
    "ApplicantLoginFailed": ("storage.cases.public", "ApplicantLoginFailed"),
    "LoginBusy": ("storage.cases.public", "LoginBusy"),
    "LoginThrottled": ("storage.cases.public", "LoginThrottled"),
    "applicant_login": ("storage.cases.public", "applicant_login"),
    "check_applicant": ("storage.cases.public", "check_applicant"),
    "public_view": ("storage.cases.public", "public_view"),
    "case_detail": ("storage.cases.queries", "case_detail"),
    "credential_letter": ("storage.cases.queries", "credential_letter"),
    "filing_receipt": ("storage.cases.queries", "filing_receipt"),
    "store_stats": ("storage.cases.queries", "store_stats"),
    "head_of_unit_report": ("storage.cases.report", "head_of_unit_report"),
    "add_deficiency": ("storage.cases.rules", "add_deficiency"),
    "edit_deficiency_note": ("storage.cases.rules", "edit_deficiency_note"),
    "register_filing": ("storage.cases.rules", "register_filing"),
    "reissue_password": ("storage.cases.rules", "reissue_password"),
    "resolve_deficiency": ("storage.cases.rules", "resolve_deficiency"),
    "set_sms_opt_out": ("storage.cases.rules", "set_sms_opt_out"),
    "set_stage": ("storage.cases.rules", "set_stage"),
    "PAGE_SIZE": ("storage.cases.worklist", "PAGE_SIZE"),
    "WorklistPage": ("storage.cases.worklist", "WorklistPage"),
    "WorklistRow": ("storage.cases.worklist", "WorklistRow"),
    "search_by_external_ref": ("storage.cases.worklist", "search_by_external_ref"),
    "search_by_name": ("storage.cases.worklist", "search_by_name"),
    "search_by_number": ("storage.cases.worklist", "search_by_number"),
    "search_by_surname": ("storage.cases.worklist", "search_by_surname"),
    "search_cases": ("storage.cases.worklist", "search_cases"),
    "worklist": ("storage.cases.worklist", "worklist"),
    "load_fixtures": ("storage.catalog.files", "load_fixtures"),
    "case_types": ("storage.catalog.lists", "case_types"),
    "deficiency_kinds": ("storage.catalog.lists", "deficiency_kinds"),
    "message_templates": ("storage.catalog.lists", "message_templates"),
    "offices": ("storage.catalog.lists", "offices"),
    "stages": ("storage.catalog.lists", "stages"),
    "to_warsaw": ("storage.clock", "to_warsaw"),
    "today_in_warsaw": ("storage.clock", "today_in_warsaw"),
    "open_database": ("storage.db", "open_database"),
    "unit_of_work": ("storage.db", "unit_of_work"),
    "DomainError": ("storage.errors", "DomainError"),
    "StoreUnavailable": ("storage.errors", "StoreUnavailable"),
    "init": ("storage.schema", "init"),
    "migrate": ("storage.schema", "migrate"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """An exported name (imported from its module on first use, then kept), or a submodule
    (`storage.db`, `storage.models`, a room) as a plain import would give it."""
    if name in _EXPORTS:
        module, attribute = _EXPORTS[name]
        value = getattr(importlib.import_module(module), attribute)
    else:
        try:
            value = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
