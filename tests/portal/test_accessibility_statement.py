"""The accessibility statement and the offices' contacts: built from fixtures/, in all four languages,
linked from every page, and a contact the fixtures leave empty leaves no trace on any page."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib

import pytest
from babel.dates import format_date

import storage
from storage import portal as facade
from storage.catalog.fixture_files import fixtures_dir
from storage.db import database, unit_of_work
from tests.helpers import assert_migrates_again, register

LANGS = ["pl", "en", "ru", "uk"]
STATEMENT = "/deklaracja-dostepnosci"
RECORD = tomllib.loads((fixtures_dir() / "accessibility.toml").read_text("utf-8"))
# The ministry's structure: introduction, dates, compliance, preparation, feedback, procedure, buildings, apps.
SECTIONS = {
    "pl": ["Deklaracja dostępności", "Daty", "Stan dostępności cyfrowej", "Przygotowanie deklaracji dostępności",
           "Informacje zwrotne i dane kontaktowe", "Procedura wnioskowo-skargowa", "Dostępność architektoniczna",
           "Aplikacje mobilne"],
    "en": ["Accessibility statement", "Dates", "Compliance status", "How this statement was prepared",
           "Feedback and contact", "Requests and complaints", "Architectural accessibility", "Mobile apps"],
    "ru": ["Заявление о доступности", "Даты", "Статус соответствия", "Как подготовлено заявление",
           "Обратная связь и контакты", "Требования и жалобы", "Архитектурная доступность", "Мобильные приложения"],
    "uk": ["Заява про доступність", "Дати", "Стан відповідності", "Як підготовлено заяву",
           "Зворотний зв'язок і контакти", "Вимоги та скарги", "Архітектурна доступність", "Мобільні застосунки"],
}  # fmt: skip
NOT_AVAILABLE = {"pl": "Informacja nie jest jeszcze dostępna.", "en": "Not available yet.",
                 "ru": "Сведения пока недоступны.", "uk": "Відомості поки недоступні."}  # fmt: skip
PHONE = {"pl": "Telefon", "en": "Phone", "ru": "Телефон", "uk": "Телефон"}
ROOM = {"pl": "sala obsługi, pokój 1", "en": "service hall, room 1", "ru": "зал обслуживания, комната 1",
        "uk": "зала обслуговування, кімната 1"}  # fmt: skip


def _html(response) -> str:
    return response.get_data(as_text=True)


def _office_section(html: str, city: str) -> str:
    start = re.search(rf"<h[23]>{city}</h[23]>", html).start()
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_the_statement_in_its_footer_and_meta_tag(portal, lang):
    filing = register(missing=["photos"])
    portal.login(filing.number, filing.password, lang=lang)
    for path in ("/status", "/info", "/info/temp_work", "/stages", "/contact", "/visit", "/visit/cancel",
                 STATEMENT, "/no-such-page"):  # fmt: skip
        html = _html(portal.get(path))
        assert f'<meta name="deklaracja-dostępności" content="{STATEMENT}">' in html, path
        footer = html[html.index("<footer>") :]
        assert f'href="{STATEMENT}"' in footer and SECTIONS[lang][0] in footer, path


@pytest.mark.parametrize("lang", LANGS)
def test_the_statement_has_every_section_and_the_audit_date_and_method(portal, lang):
    portal.get(f"/lang/{lang}")
    response = portal.get(STATEMENT)
    html = _html(response)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    headings = re.findall(r"<h[12][^>]*>([^<]+)</h[12]>", html)
    assert headings == SECTIONS[lang]
    audit = RECORD["audit"]
    reviewed = format_date(dt.date.fromisoformat(audit["reviewed_on"]), "long", locale=lang)
    assert f'<time datetime="{audit["reviewed_on"]}">{reviewed}</time>' in html
    method = html[html.index('id="audit-method"') :]
    method = method[: method.index("</p>")]
    assert f"axe-core {audit['axe_core']}" in method and "WCAG 2.2 AA" in method and "360, 1280 px" in method
    # The texts come from the fixture, in the page's language; Polish is binding, the others say so.
    assert RECORD["procedure"][lang].replace("'", "&#39;") in html
    assert ("Deklaracja dostępności po polsku" in html) == (lang != "pl")
    assert '<dd lang="pl">Pomorski Urząd Wojewódzki w Gdańsku</dd>' in html
    # Nothing in the sources describes the buildings: every fact says so, and where to ask.
    for city in ("Gdańsk", "Słupsk"):
        building = _office_section(html[html.index('id="buildings-heading"') :], city)
        assert building.count(NOT_AVAILABLE[lang]) == 6 and 'href="#contact"' in building


def test_a_building_fact_in_the_fixture_appears_in_every_language(portal, tmp_path, monkeypatch):
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    statement = copy / "accessibility.toml"
    lift = '[building.GDA.lift]\npl = "Winda przy wejściu"\nen = "A lift by the entrance"\n' \
           'ru = "Лифт у входа"\nuk = "Ліфт біля входу"\n'  # fmt: skip
    statement.write_text(statement.read_text("utf-8").replace("[building.GDA]\n", lift), "utf-8")
    monkeypatch.setenv("OKIENKO_FIXTURES", str(copy))
    for lang, text in (("pl", "Winda przy wejściu"), ("en", "A lift by the entrance"), ("ru", "Лифт у входа"),
                       ("uk", "Ліфт біля входу")):  # fmt: skip
        portal.get(f"/lang/{lang}")
        html = _html(portal.get(STATEMENT))
        buildings = html[html.index('id="buildings-heading"') :]
        gdansk, slupsk = _office_section(buildings, "Gdańsk"), _office_section(buildings, "Słupsk")
        assert text in gdansk and gdansk.count(NOT_AVAILABLE[lang]) == 5
        assert text not in slupsk and slupsk.count(NOT_AVAILABLE[lang]) == 6


@pytest.mark.parametrize("lang", LANGS)
def test_contacts_show_what_the_fixtures_hold_and_leave_no_gap(portal, lang, tmp_path):
    """Gdańsk's room in the page's language; an e-mail once the fixture has one; Słupsk, with no phone in
    any public source, shows no phone line at all – on the contact page, the status page and the statement."""
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    offices = copy / "offices.toml"
    text = offices.read_text("utf-8")
    offices.write_text(text.replace('email = ""', 'email = "cudzoziemcy@example.gov.pl"', 1), "utf-8")
    storage.load_fixtures(copy)
    filing = register(missing=["photos"], office="GDA")
    portal.login(filing.number, filing.password, lang=lang)
    for path in ("/contact", "/status", STATEMENT):
        html = _html(portal.get(path))
        gdansk = _office_section(html, "Gdańsk")
        assert ROOM[lang] in gdansk and (lang == "pl" or "sala obsługi" not in html), path
        assert 'href="mailto:cudzoziemcy@example.gov.pl"' in gdansk and f"{PHONE[lang]}: " in gdansk, path
        if path != "/status":
            slupsk = _office_section(html, "Słupsk")
            assert PHONE[lang] not in slupsk and "mailto:" not in slupsk and "tel:" not in slupsk, path
            assert "<br><br>" not in slupsk and "None" not in slupsk, path
    assert facade.offices()[0].address == "ul. Okopowa 21/27, 80-810 Gdańsk"


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [
        ("offices.toml", 'email = ""', 'email = "biuro at urzad"', ["office GDA", "email"]),
        ("offices.toml", 'uk = "зала обслуговування, кімната 1"', 'xx = "?"', ["office GDA, room", "uk"]),
        ("accessibility.toml", 'updated_on = "2026-12-03"', 'updated_on = "3 grudnia"', ["updated_on", "RRRR-MM-DD"]),
        ("accessibility.toml", "[building.SLU]", "[building.WAW]", ["building.WAW", "nieznany urząd"]),
        ("accessibility.toml", "[building.SLU]", "[building.SLU.ramp]\npl = 'x'", ["building.SLU", "ramp"]),
        ("accessibility.toml", 'uk = "Установа не надає', 'xx = "', ["mobile_apps", "uk"]),
    ],
)
def test_a_broken_contact_or_statement_fixture_is_refused_and_nothing_is_loaded(store, tmp_path, file, old, new,
                                                                                  words):  # fmt: skip
    copy = tmp_path / "fixtures"
    shutil.copytree(fixtures_dir(), copy)
    path = copy / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    offices = copy / "offices.toml"
    offices.write_text(offices.read_text("utf-8").replace("Okopowa", "Nowa"), "utf-8")
    with pytest.raises(storage.DomainError) as err:
        storage.load_fixtures(copy)
    assert err.value.field == "fixtures" and "\n" not in str(err.value)
    for word in words:
        assert word in str(err.value)
    assert "Okopowa" in storage.offices()[0].address


def test_migration_0019_adds_the_contact_columns_that_loading_the_fixtures_fills(store):
    with unit_of_work():  # a store from before 0019: the room inside the Polish address
        for column in ("email", "room_pl", "room_en", "room_ru", "room_uk"):
            database.execute_sql(f"ALTER TABLE office DROP COLUMN {column}")
        database.execute_sql("UPDATE office SET address = address || ' (sala obsługi, pokój 1)' WHERE code = 'GDA'")
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0019_office_contact'")
    assert_migrates_again("0019_office_contact")
    gdansk = facade.offices()[0]
    assert gdansk.room == {} and gdansk.email is None and gdansk.address.endswith("(sala obsługi, pokój 1)")
    assert storage.load_fixtures()["offices"] > 0
    gdansk = facade.offices()[0]
    assert gdansk.address == "ul. Okopowa 21/27, 80-810 Gdańsk" and gdansk.room["en"] == ROOM["en"]
