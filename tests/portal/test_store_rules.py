"""The booking form applies the store's own rules for names and phones and tells each one in the
applicant's language (issue 18: the portal had copied the name limit and the mobile rule, and
answered every other refusal of a name with one vague sentence)."""

from __future__ import annotations

import pytest

from public_status.store_rules import RULE_MESSAGES
from storage import portal as store
from tests.portal.visit_helpers import first_time_link, request_code

BAD_NAMES = {
    "1234": "no_letters",
    "A" * 201: "too_long",
    "Jan\x07 Kowal": "control_chars",
    "Jan \ufffdKowal": "damaged_text",
    "Ja" + "\u0301" * 9 + "n Kowal": "stacked_marks",
}
BAD_PHONES = {
    "abc": "not_a_number",
    "+48 123": "no_such_number",
    "123 45": "no_such_number",
    "+48 58 320 50 00": "not_mobile",  # a Gdańsk landline
}


@pytest.mark.parametrize(("check", "cases"), [("check_applicant_name", BAD_NAMES), ("check_mobile", BAD_PHONES)])
def test_every_rule_the_store_raises_for_a_name_or_phone_has_its_own_sentence(check, cases):
    for typed, code in cases.items():
        with pytest.raises(store.DomainError) as refused:
            getattr(store, check)(typed)
        assert refused.value.code == code, typed
        assert code in RULE_MESSAGES


def _details_page_after(portal, name: str, phone: str) -> str:
    answer = request_code(portal, first_time_link(portal), name=name, phone=phone)
    assert answer.status_code == 303  # Post/Redirect/Get: the errors come with the next GET
    location = answer.headers["Location"]
    return portal.get(location[location.index("/visit/") :]).get_data(as_text=True)


def test_the_form_tells_the_stores_rule_in_ukrainian(portal):
    portal.get("/lang/uk")
    html = _details_page_after(portal, "Ган\x07на Коваль", "+48 58 320 50 00")
    assert "У тексті є символи, які неможливо зберегти. Введіть його ще раз." in html
    assert "Це не мобільний номер: код надходить SMS-повідомленням, тож вкажіть мобільний." in html
    html = _details_page_after(portal, "Г" * 230, "+48 501 234 567")
    assert "Не більше 200 символів (введено 230)." in html


def test_the_form_tells_the_stores_rule_in_english_and_keeps_nothing_polish(portal):
    portal.get("/lang/en")
    html = _details_page_after(portal, "Ja" + "\u0301" * 9 + "n Kowal", "+48 501 234 567")
    assert "At most 4 accent marks on one letter." in html
    assert "znaki diakrytyczne" not in html
