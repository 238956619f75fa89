"""Catalogues from fixtures/: complete, idempotent, updated in place."""

import shutil
import subprocess
import sys

import pytest

import storage
from storage.catalog.fixture_files import fixtures_dir
from storage.db import database, unit_of_work
from storage.languages import LANGUAGES
from tests.helpers import assert_migrates_again

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


def test_every_fee_is_named_in_each_language(store):
    for case_type in storage.case_types():
        for fee in case_type.fees:
            names = [fee.label(lang) for lang in LANGUAGES]
            assert all(names) and len(set(names)) == len(LANGUAGES), (case_type.code, fee.code)


def test_a_fee_without_a_ukrainian_name_is_refused(store, tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    types_file = copy / "case_types.toml"
    text = types_file.read_text(encoding="utf-8")
    types_file.write_text(text.replace(', uk = "Внесення запрошення до реєстру"', ""), encoding="utf-8")
    with pytest.raises(storage.DomainError) as err:
        storage.load_fixtures(copy)
    assert "invitation, fee invitation" in str(err.value) and "uk" in str(err.value)


def test_migration_0012_adds_the_fee_names_that_loading_the_fixtures_fills(store):
    with unit_of_work():  # what a store from before 0012 looked like
        for column in ("label_ru", "label_uk"):
            database.execute_sql(f"ALTER TABLE fee DROP COLUMN {column}")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0012_fee_labels'")
    assert_migrates_again("0012_fee_labels")
    permit = storage.case_types()[0].fees[0]
    assert (permit.label_uk, permit.label("uk")) == ("", permit.label_pl)  # Polish until the fixtures are loaded
    assert storage.load_fixtures()["case_types"] > 0
    permit = storage.case_types()[0].fees[0]
    assert permit.label("uk") == "Дозвіл на тимчасове проживання у зв’язку з роботою"


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("deadline_days = 60", 'deadline_days = "sześćdziesiąt"'), "case_types.toml: zła wartość"),
        (("deadline_days = 60", "termin = 60"), "case_types.toml: brak wymaganego pola 'deadline_days'"),
    ],
)
def test_a_catalogue_entry_of_the_wrong_kind_is_one_line_naming_its_file(store, tmp_path, edit, said):
    """Found from outside: a word where a number belongs ended `load-fixtures` in a traceback."""
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    types_file = copy / "case_types.toml"
    text = types_file.read_text(encoding="utf-8")
    assert edit[0] in text
    types_file.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    offices_file = copy / "offices.toml"
    offices_file.write_text(offices_file.read_text(encoding="utf-8").replace("Okopowa", "Nowa"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "storage", "load-fixtures", "--dir", str(copy), "--db", store.url],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Okopowa" in storage.offices()[0].address  # nothing of the load was kept
