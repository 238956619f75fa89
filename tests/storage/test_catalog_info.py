"""The information panel's catalogue (fixtures/info.toml, reduced fees in case_types.toml): loaded
complete, idempotent, updated in place, refused whole when broken; migration 0013 upgrades a store."""

import shutil

import pytest

import storage
from storage.catalog.fixture_files import fixtures_dir
from storage.catalog.info import case_type_guide, case_type_guides, info_texts
from storage.db import database, unit_of_work
from storage.languages import LANGUAGES
from storage.models import CHANNELS
from tests.helpers import assert_migrates_again


def test_every_kind_of_case_has_a_complete_guide(store):
    guides = case_type_guides()
    assert [g.case_type.code for g in guides] == [t.code for t in storage.case_types()]
    for guide in guides:
        assert all(len(guide.who_for[lang]) > 60 for lang in LANGUAGES), guide.case_type.code
        assert guide.channels and set(guide.channels) <= set(CHANNELS)
        assert [d.code for d in guide.documents] == guide.case_type.required_documents
        assert all(d.label[lang] for d in guide.documents for lang in LANGUAGES)
        assert {a.code for a in guide.legal_acts} >= {"foreigners_act", "administrative_procedure"}
        assert all(a.url.startswith("https://isap.sejm.gov.pl/") for a in guide.legal_acts)
    texts = info_texts()
    assert {"how_to_pay", "reduced_fees", "after_filing"} | {f"channel_{c}" for c in CHANNELS} <= texts.keys()
    for text in texts.values():
        assert all(len(text[lang]) > 60 for lang in LANGUAGES)
    assert "27 kwietnia 2026" in texts["channel_electronic"]["pl"]
    assert "27 April 2026" in texts["channel_electronic"]["en"]
    assert case_type_guide("no_such_type") is None


def test_card_fees_have_half_fees_and_others_none(store):
    fees = {(t.code, f.code): f for t in storage.case_types() for f in t.fees}
    card = fees[("card_exchange", "card")]
    assert (card.amount_zl, card.reduced_zl) == ("100 zł", "50 zł")
    assert fees[("card_exchange", "card_lost_again")].reduced_grosze == 15000
    assert fees[("temp_work", "card")].reduced_grosze == 5000
    assert fees[("temp_work", "permit")].reduced_zl is None
    assert fees[("invitation", "invitation")].reduced_grosze is None


def test_loading_the_panel_twice_is_loading_once_and_a_change_updates_in_place(store, tmp_path):
    before = (case_type_guides(), info_texts())
    assert storage.load_fixtures()["info"] == 0
    assert (case_type_guides(), info_texts()) == before
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    info = copy / "info.toml"
    text = info.read_text(encoding="utf-8")
    text = text.replace("Ustawa z dnia 16 listopada 2006 r. o opłacie skarbowej", "Ustawa o opłacie skarbowej")
    start = text.index('[[guide]]\ncase_type = "invitation"')
    info.write_text(text[:start], encoding="utf-8")
    assert storage.load_fixtures(copy)["info"] == 2  # one law renamed, one guide gone
    assert case_type_guide("invitation") is None
    act = next(a for a in case_type_guide("temp_work").legal_acts if a.code == "stamp_duty_act")
    assert act.label["pl"] == "Ustawa o opłacie skarbowej"
    assert storage.load_fixtures()["info"] == 2
    assert (case_type_guides(), info_texts()) == before


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('case_type = "invitation"', 'case_type = "visa"', ["guide visa", "nieznany rodzaj sprawy"]),
        ('channels = ["in_person", "post"]', 'channels = ["fax"]', ["channels"]),
        ('"stamp_duty_act"]\n[guide.who_for]', '"tax_act"]\n[guide.who_for]', ["tax_act"]),
        ('\nuk = "Для громадянина Польщі або іноземця', '\nxx = "', ["guide invitation", "uk"]),
        ("https://isap.sejm.gov.pl/isap.nsf/DocDetails.xsp?id=WDU19600300168", "http://example.org", ["https://"]),
    ],
)
def test_a_broken_panel_file_is_refused_and_nothing_is_loaded(store, tmp_path, old, new, words):
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    info = copy / "info.toml"
    text = info.read_text(encoding="utf-8")
    assert old in text
    info.write_text(text.replace(old, new, 1), encoding="utf-8")
    offices = copy / "offices.toml"
    offices.write_text(offices.read_text(encoding="utf-8").replace("Okopowa", "Nowa"), encoding="utf-8")
    before = (case_type_guides(), info_texts())
    with pytest.raises(storage.DomainError) as err:
        storage.load_fixtures(copy)
    assert err.value.field == "fixtures"
    for word in words:
        assert word in str(err.value)
    assert "Okopowa" in storage.offices()[0].address
    assert (case_type_guides(), info_texts()) == before


def test_migration_0013_adds_the_panel_tables_that_loading_the_fixtures_fills(store):
    with unit_of_work():  # what a store from before 0013 looked like
        for table in ("case_type_guide", "info_text", "legal_act"):
            database.execute_sql(f"DROP TABLE {table}")
        database.execute_sql("ALTER TABLE fee DROP COLUMN reduced_grosze")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0013_info_panel'")
    assert_migrates_again("0013_info_panel")
    assert case_type_guides() == [] and info_texts() == {}
    assert storage.case_types()[0].fees[1].reduced_grosze is None
    assert storage.load_fixtures()["info"] > 0
    assert len(case_type_guides()) == 9 and storage.case_types()[0].fees[1].reduced_grosze == 5000
