"""Deficiencies with notes, and the applicant's "no SMS, please"."""

import pytest

import storage
from storage.db import unit_of_work
from storage.errors import DomainError
from storage.models import SmsOutbox
from tests.helpers import CLERK, register, row_counts


def test_add_edit_and_resolve_deficiencies(store):
    filing = register()
    kind_id = storage.add_deficiency(filing.number, clerk=CLERK, kind="photos", note="Tło musi być jasne.")
    free_id = storage.add_deficiency(filing.number, clerk=CLERK, free_text="Wyjaśnienie przerwy w pracy")
    storage.edit_deficiency_note(kind_id, "Tło jasne, bez cieni.", clerk=CLERK)
    storage.resolve_deficiency(free_id, clerk=CLERK)
    detail = storage.case_detail(filing.number)
    by_id = {d.id: d for d in detail.deficiencies}
    assert by_id[kind_id].label == "Aktualne zdjęcia 35×45 mm" and by_id[kind_id].note == "Tło jasne, bez cieni."
    assert by_id[free_id].resolved_at is not None
    actions = [a.action for a in detail.audit]
    assert actions[-3:] == ["deficiency_added", "deficiency_note_edited", "deficiency_resolved"]
    public = storage.check_applicant(filing.number, filing.password, "en")
    assert [(d.label, d.note) for d in public.deficiencies] == [("Recent photos, 35×45 mm", "Tło jasne, bez cieni.")]


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({}, "deficiency", "dokładnie jedno"),
        ({"kind": "photos", "free_text": "x"}, "deficiency", "dokładnie jedno"),
        ({"kind": "unicorn"}, "deficiency_kind", "nieznany"),
        ({"kind": "photos", "note": "x" * 1001}, "note", "najwyżej 1000"),
    ],
)
def test_bad_deficiencies_are_refused(store, kwargs, field, words):
    filing = register()
    before = row_counts()
    with pytest.raises(DomainError) as err:
        storage.add_deficiency(filing.number, clerk=CLERK, **kwargs)
    assert err.value.field == field and words in str(err.value)
    assert row_counts() == before


def test_the_same_open_deficiency_twice_is_refused(store):
    filing = register(missing=["photos"])
    with pytest.raises(DomainError, match="już wpisany"):
        storage.add_deficiency(filing.number, clerk=CLERK, kind="photos")


def test_resolving_twice_is_refused(store):
    filing = register(missing=["photos"])
    (deficiency,) = storage.case_detail(filing.number).deficiencies
    storage.resolve_deficiency(deficiency.id, clerk=CLERK)
    with pytest.raises(DomainError, match="już oznaczony"):
        storage.resolve_deficiency(deficiency.id, clerk=CLERK)


def test_opt_out_cancels_the_queue_keeps_history_and_stops_new_texts(store):
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)
    with unit_of_work():
        SmsOutbox.update(state="sent").execute()
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    assert storage.set_sms_opt_out(filing.number, True, clerk=CLERK) == 1
    assert [s.state for s in storage.case_detail(filing.number).sms] == ["sent", "cancelled"]
    change = storage.set_stage(filing.number, "fingerprints", clerk=CLERK)
    assert not change.sms_queued and change.sms_skipped_because == "opted_out"
    # Withdrawing the opt-out brings nothing back, it only allows future texts.
    assert storage.set_sms_opt_out(filing.number, False, clerk=CLERK) == 0
    assert [s.state for s in storage.case_detail(filing.number).sms] == ["sent", "cancelled"]
    assert storage.set_stage(filing.number, "authority_opinions", clerk=CLERK).sms_queued


def test_contact_change_validates_the_phone(store):
    filing = register()
    storage.update_contact(filing.number, clerk=CLERK, phone="+380 67 123 4567", language="ru")
    detail = storage.case_detail(filing.number)
    assert (detail.phone, detail.language) == ("+380671234567", "ru")
    with pytest.raises(DomainError) as err:
        storage.update_contact(filing.number, clerk=CLERK, phone="58 307 74 27", language="ru")
    assert err.value.field == "phone"
