"""Each front end reaches the store through its own facade, and the portal's facade hands out no
personal data: checked on the return types, and the import contract is shown to bite."""

from __future__ import annotations

import dataclasses
import inspect
import shutil
import subprocess
import sys
import types
import typing
from pathlib import Path

import storage
from storage import desk, mail, portal, sms

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Field names that carry an applicant's or a clerk's identity, or a secret.
PERSONAL = {"applicant_name", "phone", "email", "address", "clerk_login", "clerk_name", "full_name", "created_by",
            "login", "password", "name", "booked_by"}  # fmt: skip
# The office's own name, switchboard number, e-mail and street address are public (the contact page shows them).
PUBLIC_EXCEPTIONS = {
    ("OfficeInfo", "phone"),
    ("OfficeInfo", "email"),
    ("OfficeInfo", "name"),
    ("OfficeInfo", "address"),
}


def personal_fields(annotation: object, seen: set[type] | None = None) -> set[str]:
    """Every personal field reachable through a type: dataclass fields, containers, unions."""
    seen = set() if seen is None else seen
    found: set[str] = set()
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        if annotation in seen:
            return found
        seen.add(annotation)
        hints = typing.get_type_hints(annotation)
        for field in dataclasses.fields(annotation):
            if field.name in PERSONAL and (annotation.__name__, field.name) not in PUBLIC_EXCEPTIONS:
                found.add(f"{annotation.__name__}.{field.name}")
            found |= personal_fields(hints[field.name], seen)
        return found
    for argument in typing.get_args(annotation):
        found |= personal_fields(argument, seen)
    return found


def returned_types(module: types.ModuleType) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in module.__all__:
        value = getattr(module, name)
        if inspect.isfunction(value):
            out[name] = typing.get_type_hints(value).get("return")
        elif isinstance(value, type):
            out[name] = value
    return out


def test_the_check_sees_personal_data_where_it_is():
    assert "CaseDetail.applicant_name" in personal_fields(typing.get_type_hints(storage.case_detail)["return"])
    assert "CaseDetail.phone" in personal_fields(typing.get_type_hints(storage.case_detail)["return"])
    assert "HistoryEntry.clerk_login" in personal_fields(typing.get_type_hints(storage.case_detail)["return"])
    assert "FilingReceiptData.applicant_name" in personal_fields(
        typing.get_type_hints(storage.filing_receipt)["return"]
    )
    # A visit as the desk sees it carries the person; the check must see that too.
    assert {"DeskVisit.name", "DeskVisit.phone", "DeskVisit.booked_by"} <= personal_fields(
        typing.get_type_hints(desk.visits_on)["return"]
    )


def test_nothing_the_portal_can_reach_returns_a_name_phone_or_clerk():
    reachable = returned_types(portal)
    assert {"applicant_login", "public_view", "offices", "stages", "check_session"} <= reachable.keys()
    visit_booking = {"visit_groups", "visit_days", "visit_times", "request_visit", "confirm_visit",
                     "request_cancellation", "confirm_cancellation", "visit_of_case", "HeldVisit",
                     "VisitConfirmation", "PublicVisit"}  # fmt: skip
    assert visit_booking <= reachable.keys()
    leaks = {name: personal_fields(t) for name, t in reachable.items() if personal_fields(t)}
    assert leaks == {}


def test_each_facade_exports_what_it_names():
    for facade in (desk, portal, sms, mail):
        for name in facade.__all__:
            assert hasattr(facade, name), f"{facade.__name__}.{name}"


def _lint_copy(
    tmp_path: Path, package: str, leak: str, edit: tuple[str, str] | None = None
) -> subprocess.CompletedProcess:
    for part in ("storage", "public_status", "sms_modem", "counter_tui"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "translations"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / package / "leak.py").write_text(leak)
    if edit:  # a module of `package` rewritten
        (tmp_path / package / edit[0]).write_text(edit[1])
    # lint-imports puts the working directory first on the import path, so the copy is analysed.
    return subprocess.run([str(LINT_IMPORTS)], cwd=tmp_path, capture_output=True, text=True, timeout=120)


def assert_broken(result: subprocess.CompletedProcess, contract: str, import_line: str) -> None:
    """lint-imports failed, naming the contract broken and the import that broke it."""
    assert result.returncode == 1, result.stdout
    assert f"{contract} BROKEN" in result.stdout
    assert import_line in result.stdout


def test_the_portal_contract_fails_on_a_view_that_reaches_a_personal_data_function(tmp_path):
    leak = "import storage\n\n\ndef name_of(number):\n    return storage.case_detail(number).applicant_name\n"
    result = _lint_copy(tmp_path, "public_status", leak)
    assert_broken(
        result, "the portal reaches the store only through storage.portal", "public_status.leak -> storage (l.1)"
    )


def test_the_sms_contract_fails_on_a_module_that_skips_its_facade(tmp_path):
    result = _lint_copy(tmp_path, "sms_modem", "from storage.cases.rules import set_stage\n")
    contract = "the worker loops reach the store only through storage.sms and storage.mail"
    assert_broken(result, contract, "sms_modem.leak -> storage.cases.rules")


def test_the_mail_contract_fails_on_a_mail_module_that_takes_the_sms_facade(tmp_path):
    # The mail loop's modules may use storage.mail only, not even the SMS loop's facade.
    original = (ROOT / "sms_modem" / "mail_texts.py").read_text()
    result = _lint_copy(tmp_path, "sms_modem", "", edit=("mail_texts.py", original + "\nfrom storage import sms\n"))
    assert_broken(
        result, "the mail loop reaches the store only through storage.mail", "sms_modem.mail_texts -> storage.sms"
    )


def test_the_desk_contract_fails_on_a_screen_that_skips_its_facade(tmp_path):
    result = _lint_copy(tmp_path, "counter_tui", "from storage.models import Case\n")
    assert_broken(
        result, "the clerk app reaches the store only through storage.desk", "counter_tui.leak -> storage.models"
    )
