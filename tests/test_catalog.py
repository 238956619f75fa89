"""Catalogues from fixtures/: complete, idempotent, updated in place."""

import shutil

import pytest

import storage
from storage.catalog import fixtures_dir
from storage.models import LANGUAGES

EXPECTED_FEES_ZL = {
    ("temp_work", "permit"): 440,
    ("temp_seasonal", "permit"): 170,
    ("temp_study", "permit"): 340,
    ("temp_family", "permit"): 340,
    ("temp_other", "permit"): 340,
    ("permanent", "permit"): 640,
    ("eu_long_term", "permit"): 640,
    ("card_exchange", "card"): 100,
    ("card_exchange", "card_lost"): 200,
    ("card_exchange", "card_lost_again"): 300,
    ("invitation", "invitation"): 27,
    ("temp_work", "power_of_attorney"): 17,
}


def test_catalogues_are_complete(store):
    offices = {o.code: o for o in storage.offices()}
    assert set(offices) == {"GDA", "SLU"} and offices["GDA"].is_main
    assert offices["GDA"].hours[1] == (2, "11:00", "18:00")
    stages = storage.stages()
    assert 10 <= len(stages) <= 15
    assert sum(s.is_initial for s in stages) == 1 and stages[0].is_initial
    assert stages[-1].closes_case
    for stage in stages:
        for lang in LANGUAGES:
            assert stage.label[lang] and len(stage.explanation[lang]) > 30
    kinds = storage.deficiency_kinds()
    assert {
        "photos",
        "fee_proof",
        "passport_copy",
        "health_insurance",
        "flat_title",
        "employer_annex",
        "fingerprints",
        "sworn_translation",
    } <= {k.code for k in kinds}
    for kind in kinds:
        assert all(kind.label[lang] for lang in LANGUAGES)
    types = {t.code: t for t in storage.case_types()}
    fees = {(code, fee.code): fee.amount_grosze // 100 for code, t in types.items() for fee in t.fees}
    for key, zl in EXPECTED_FEES_ZL.items():
        assert fees[key] == zl, key
    assert types["card_exchange"].deadline_days == 30
    assert all(t.required_documents for t in types.values())


def test_loading_twice_is_loading_once(store):
    before = (storage.stages(), storage.case_types(), storage.deficiency_kinds(), storage.offices())
    changed = storage.load_fixtures()
    assert set(changed.values()) == {0}
    assert (storage.stages(), storage.case_types(), storage.deficiency_kinds(), storage.offices()) == before


def test_a_changed_label_updates_in_place_and_a_dropped_row_turns_inactive(store, tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    stages_file = copy / "stages.toml"
    text = stages_file.read_text(encoding="utf-8")
    stages_file.write_text(text.replace("Sprawa zakończona", "Sprawa zamknięta"), encoding="utf-8")
    kinds_file = copy / "deficiency_kinds.toml"
    text = kinds_file.read_text(encoding="utf-8")
    start = text.index('[[kind]]\ncode = "power_of_attorney"')
    kinds_file.write_text(text[:start], encoding="utf-8")
    changed = storage.load_fixtures(copy)
    assert changed["stages"] == 1 and changed["deficiency_kinds"] == 0
    closed = next(s for s in storage.stages() if s.code == "closed")
    assert closed.label["pl"] == "Sprawa zamknięta"
    assert "power_of_attorney" not in {k.code for k in storage.deficiency_kinds()}
    assert "power_of_attorney" in {k.code for k in storage.deficiency_kinds(include_inactive=True)}


def test_broken_fixture_is_refused_without_a_partial_load(store, tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    stages_file = copy / "stages.toml"
    stages_file.write_text(
        stages_file.read_text(encoding="utf-8").replace(', uk = "Заяву подано"', ""), encoding="utf-8"
    )
    offices_file = copy / "offices.toml"
    offices_file.write_text(offices_file.read_text(encoding="utf-8").replace("Okopowa", "Nowa"), encoding="utf-8")
    with pytest.raises(storage.DomainError) as err:
        storage.load_fixtures(copy)
    assert err.value.field == "fixtures" and "uk" in str(err.value)
    assert "Okopowa" in storage.offices()[0].address
