"""The applicant's login and the public projection: right answers, one failure message, no personal data."""

import json

import pytest

import storage
from storage import db as storage_db
from storage.errors import DomainError
from storage.records import to_jsonable
from tests.helpers import CLERK, register


def test_login_is_forgiving_about_case_and_separators(store):
    filing = register()
    typed_number = filing.number[:2] + " " + filing.number[2:]
    view = storage.check_applicant(typed_number, filing.password.lower().replace("-", " "), "ru")
    assert view.number == filing.number
    assert view.stage == "filed" and view.stage_label == "Заявление подано"
    assert view.language == "ru"


def test_every_failure_gives_the_same_message(store):
    filing = register()
    other = storage.parse_case_number(storage.format_number(filing.number))
    unknown = __import__("storage.case_numbers", fromlist=["compose"]).compose(2026, 999_999)
    messages = set()
    for number, password in [(other, "WRONG-PASS-WORD"), (unknown, filing.password), (other, "")]:
        with pytest.raises(storage.ApplicantLoginFailed) as err:
            storage.check_applicant(number, password)
        messages.add(str(err.value))
    assert len(messages) == 1


def test_mistyped_number_is_answered_without_the_database(store):
    filing = register()
    typo = filing.number[:-1] + str((int(filing.number[-1]) + 1) % 10)
    storage_db.close_database()
    storage.open_database("postgresql://nobody@127.0.0.1:1/unreachable")  # any query would fail
    with pytest.raises(DomainError) as err:
        storage.check_applicant(typo, filing.password)
    assert err.value.field == "case_number" and "cyfra kontrolna" in str(err.value)
    storage.open_database(store.url)


def test_reissued_password_ends_the_old_one_and_its_sessions(store):
    filing = register()
    first = storage.check_applicant(filing.number, filing.password)
    new_password = storage.reissue_password(filing.number, clerk=CLERK)
    with pytest.raises(storage.ApplicantLoginFailed):
        storage.check_applicant(filing.number, filing.password)
    second = storage.check_applicant(filing.number, new_password)
    assert second.credential_version == first.credential_version + 1
    assert storage.public_view(filing.number, first.credential_version) is None
    assert storage.public_view(filing.number, second.credential_version).number == filing.number


def test_projection_carries_no_personal_data(store):
    name_token = "Zxqvwname Uniquetoken"
    filing = register(applicant_name=name_token, phone="+48 604 987 321", missing=["photos"])
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    storage.add_deficiency(filing.number, clerk=CLERK, kind="flat_title", note="Umowa najmu do końca okresu.")
    for lang in ("pl", "en", "ru", "uk"):
        view = storage.check_applicant(filing.number, filing.password, lang)
        serialised = json.dumps(to_jsonable(view), ensure_ascii=False)
        for secret in ("Zxqvwname", "Uniquetoken", "604987321", "604 987 321", "+48604987321", CLERK, "Nowak"):
            assert secret not in serialised, (lang, secret)
        assert "applicant" not in serialised
        # The one phone in it is the office's switchboard (public: the contact page shows it).
        assert serialised.count('"phone"') == 1 and view.office.phone == storage.offices()[0].phone
        assert len(view.history) == 2 and len(view.deficiencies) == 2


def test_projection_is_in_the_asked_language_with_pl_fallback(store):
    filing = register()
    assert storage.check_applicant(filing.number, filing.password, "uk").case_type_label.startswith("Тимчасове")
    assert storage.check_applicant(filing.number, filing.password, "xx").language == "pl"
