"""Correcting registration data: the registration rules, the audit (fields, never values) and
texts not yet sent going to the corrected number in the corrected language."""

import pytest

import storage
from storage.db import unit_of_work
from storage.delivery import sms_outbox as outbox
from storage.errors import DomainError
from storage.models import AuditEvent, Case
from tests.helpers import CLERK, register, row_counts


def test_each_field_is_corrected_and_the_audit_names_fields_not_values(store):
    filing = register()
    changed = storage.update_case(
        filing.number,
        clerk=CLERK,
        applicant_name="  Olena   Shevchuk ",
        phone="+380 67 123 4567",
        language="ru",
        channel="post",
        external_ref="MOS/2026/000777",
    )
    assert changed == ["applicant_name", "phone", "language", "channel", "external_ref"]
    detail = storage.case_detail(filing.number)
    assert (detail.applicant_name, detail.phone, detail.language, detail.channel, detail.external_ref) == (
        "Olena Shevchuk",
        "+380671234567",
        "ru",
        "post",
        "MOS/2026/000777",
    )
    last = detail.audit[-1]
    assert last.action == "case_corrected"
    assert last.detail == {"fields": changed}
    assert last.text == (
        "Anna Nowak poprawiła dane wnioskodawcy: imię i nazwisko, telefon, język, sposób złożenia, numer zewnętrzny"
    )
    with unit_of_work():
        raw = [a.detail_json for a in AuditEvent.select()]
    assert not any("Shevchuk" in row or "380671234567" in row or "MOS/2026" in row for row in raw)
    # The name search follows the corrected name.
    assert [row.number for row in storage.search_cases("shevch")] == [filing.number]
    assert storage.search_cases("kovalenko") == []


def test_only_changed_fields_are_audited_and_no_change_writes_nothing(store):
    filing = register()
    counts = row_counts()
    assert storage.update_case(filing.number, clerk=CLERK, language="uk", channel="in_person") == []
    assert row_counts() == counts
    assert storage.update_case(filing.number, clerk=CLERK, language="en", channel="in_person") == ["language"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("applicant_name", "   "),
        ("applicant_name", "12345"),
        ("phone", "58 307 74 27"),
        ("language", "de"),
        ("channel", "fax"),
        ("external_ref", "MOS 2026"),
    ],
)
def test_registration_rules_apply_and_nothing_is_half_written(store, field, value):
    filing = register()
    counts = row_counts()
    with pytest.raises(DomainError) as err:
        # A valid change next to the refused one is not written either.
        valid = {"language": "ru"} if field != "language" else {"phone": "+380 67 123 4567"}
        storage.update_case(filing.number, clerk=CLERK, **valid, **{field: value})
    assert err.value.field == field
    assert row_counts() == counts
    detail = storage.case_detail(filing.number)
    assert (detail.phone, detail.language) == ("+48501234567", "uk")


def test_removing_the_phone_and_the_external_ref(store):
    filing = register(external_ref="MOS/1")
    assert storage.update_case(filing.number, clerk=CLERK, phone=None, external_ref="") == ["phone", "external_ref"]
    detail = storage.case_detail(filing.number)
    assert (detail.phone, detail.external_ref) == (None, None)


def test_a_queued_text_goes_to_the_corrected_number_in_the_corrected_language(store):
    filing = register(phone="+48 501 234 567", language="uk")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.update_case(filing.number, clerk=CLERK, phone="+380 67 123 4567", language="ru")
    claimed = outbox.claim_due("test-loop", lease_seconds=60)
    assert [(c.phone, c.language) for c in claimed] == [("+380671234567", "ru")]
    with unit_of_work():
        assert Case.get(Case.number == filing.number).phone == "+380671234567"


def test_a_removed_phone_cancels_the_queued_text_at_send_time(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    storage.update_case(filing.number, clerk=CLERK, phone=None)
    assert outbox.claim_due("test-loop", lease_seconds=60) == []
    assert [s.state for s in storage.case_detail(filing.number).sms] == ["cancelled"]


def test_update_contact_still_works_and_is_audited_as_a_correction(store):
    filing = register()
    storage.update_contact(filing.number, clerk=CLERK, phone="+380 67 123 4567", language="ru")
    assert storage.case_detail(filing.number).audit[-1].detail == {"fields": ["phone", "language"]}
