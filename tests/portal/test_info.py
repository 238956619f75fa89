"""The information panel (/info, a page per kind of case) and what the status page says about
the case's office, fees and type: in every language, built from the catalogues in the store."""

from __future__ import annotations

import re

import peewee
import pytest
from markupsafe import escape

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage import portal as facade
from storage.db import database
from tests.helpers import CLERK, CLERK_SLU, register
from tests.portal.conftest import SECRET, Portal
from tests.portal.test_public_role import public_role  # noqa: F401 - the fixture

LANGS = ["pl", "en", "ru", "uk"]
FEES_HEADING = {"pl": "Opłaty", "en": "Fees", "ru": "Сборы и платы", "uk": "Збори та плати"}
DAYS = {"pl": "dni", "en": "days", "ru": "дней", "uk": "днів"}
NAV = {"pl": "Informacje", "en": "Information", "ru": "Информация", "uk": "Інформація"}
NO_PAGE = {"pl": "Nie ma takiej strony", "en": "There is no such page", "ru": "Такой страницы нет",
           "uk": "Такої сторінки немає"}  # fmt: skip
IN_POLISH = {"en": "(in Polish)", "ru": "(на польском)", "uk": "(польською)"}


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_info_lists_every_kind_of_case_with_a_link(portal, lang):
    portal.get(f"/lang/{lang}")
    response = portal.get("/info")
    html = _html(response)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html and "<script" not in html
    types = storage.case_types()
    assert len(types) == 9
    for ctype in types:
        assert f'href="/info/{ctype.code}"' in html
        assert escape(ctype.label[lang]) in html
    assert f'href="/info">{NAV[lang]}</a>' in html  # the menu's link, in the page's language


@pytest.mark.parametrize("lang", LANGS)
def test_each_case_type_page_has_its_facts_in_each_language(portal, lang):
    portal.get(f"/lang/{lang}")
    offices = storage.offices()
    texts = facade.info_texts()
    stages = storage.stages()
    for guide in facade.case_type_guides():
        ctype = guide.case_type
        response = portal.get(f"/info/{ctype.code}")
        html = _html(response)
        assert response.status_code == 200, ctype.code
        assert f"<h1>{escape(ctype.label[lang])}</h1>" in html
        assert escape(guide.who_for[lang]) in html
        # the documents to bring, as the catalogue names them
        assert len(guide.documents) == len(ctype.required_documents)
        for document in guide.documents:
            assert escape(document.label[lang]) in html, (ctype.code, document.code)
        # every fee with its amount, the reduced one where there is one, and how to pay
        assert FEES_HEADING[lang] in html
        for fee in ctype.fees:
            assert escape(fee.label(lang)) in html and fee.amount_zl in html
            if fee.reduced_zl:
                assert fee.reduced_zl in html
        assert escape(texts["how_to_pay"][lang]) in html
        # the statutory time limit
        assert f"{ctype.deadline_days} {DAYS[lang]}" in html
        # where to file: each channel, each office's address and hours
        for channel in guide.channels:
            assert escape(texts[f"channel_{channel}"][lang]) in html
        for office in offices:
            assert escape(office.address) in html and office.hours[0][1] in html
        # what happens next: the stages as on /stages
        for stage in stages:
            assert escape(stage.label[lang]) in html
        # the laws, named and linked
        assert guide.legal_acts
        for act in guide.legal_acts:
            assert f'href="{escape(act.url)}"' in html and escape(act.label[lang]) in html
        assert "<script" not in html


def test_seed_003_card_exchange_page_says_what_the_office_says(portal):
    html = _html(portal.get("/info/card_exchange", headers={"Accept-Language": "pl"}))
    assert "30 dni" in html
    assert "100 zł" in html and "ulgowa: 50 zł" in html and "200 zł" in html and "300 zł" in html
    assert "ul. Okopowa 21/27, 80-810 Gdańsk" in html and "11:00–18:00" in html
    assert "Kopia aktualnej karty pobytu" in html or "karty pobytu" in html
    assert "Odmowa jest decyzją administracyjną" in html
    assert "https://isap.sejm.gov.pl/isap.nsf/DocDetails.xsp?id=WDU20130001650" in html
    assert "27 kwietnia 2026" not in html  # a card exchange is filed in person or by post
    work = _html(portal.get("/info/temp_work", headers={"Accept-Language": "pl"}))
    assert "27 kwietnia 2026" in work and "440 zł" in work and "60 dni" in work


@pytest.mark.parametrize("lang", LANGS)
def test_an_unknown_kind_of_case_is_a_404_page_in_the_language(portal, lang):
    portal.get(f"/lang/{lang}")
    for path in ("/info/no_such_type", "/info/temp_work/x"):
        response = portal.get(path)
        assert response.status_code == 404 and NO_PAGE[lang] in _html(response)


def test_language_switch_keeps_an_info_page(portal):
    response = portal.get("/lang/ru?next=/info/temp_study")
    assert response.status_code == 302 and response.headers["Location"] == "/info/temp_study"


@pytest.fixture
def slupsk_case_without_fee(store):
    filing = register(clerk=CLERK_SLU, case_type="card_exchange", missing=["fee_proof", "photos"], language="en")
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK_SLU)
    storage.add_deficiency(filing.number, clerk=CLERK_SLU, kind="registration_proof", note="Meldunek na 2 lata.")
    storage.add_deficiency(filing.number, clerk=CLERK_SLU, free_text="Zaświadczenie z uczelni")
    return filing


@pytest.mark.parametrize("lang", LANGS)
def test_status_page_names_the_office_the_fee_and_links_the_type(portal, slupsk_case_without_fee, lang):
    filing = slupsk_case_without_fee
    assert portal.login(filing.number, filing.password, lang=lang).status_code == 303
    html = _html(portal.get("/status"))
    slupsk = next(o for o in storage.offices() if o.code == "SLU")
    assert escape(slupsk.name) in html and escape(slupsk.address) in html
    assert "10:00–17:00" in html and "09:00–13:00" in html  # Słupsk's Tuesday and Friday
    assert "ul. Okopowa" not in html  # not the other office
    assert 'href="/info/card_exchange"' in html
    # the fee amounts sit in the missing fee proof's item, not beside the photos
    missing = html[html.index('<ul class="deficiencies">') : html.index('id="history-heading"')]
    items = missing.split('<span class="deficiency-label"')[1:]
    assert len(items) == 4 and [("fee-due" in i) for i in items] == [True, False, False, False]
    assert "100 zł" in items[0] and "200 zł" in items[0] and "50 zł" in items[0]
    # the clerk's Polish note is labelled as Polish only on pages in another language
    assert "Meldunek na 2 lata." in html
    # and so is a missing item the clerk wrote in their own words
    if lang == "pl":
        assert "(po polsku)" not in html and "note-language" not in html
    else:
        assert 'Meldunek na 2 lata.</span> <span class="note-language">' + IN_POLISH[lang] in html
        assert 'Zaświadczenie z uczelni</span> <span class="note-language">' + IN_POLISH[lang] in html
        assert html.count(IN_POLISH[lang]) == 2
    # the history oldest first, with dates
    dates = re.findall(r'<li><time datetime="([0-9-]+)">', html)
    assert len(dates) == 2 and dates == sorted(dates)
    history = html[html.index('class="history"') :]
    first, second = (storage.public_view(filing.number, 1, lang).history[i].label for i in (0, 1))
    assert history.index(escape(first)) < history.index(escape(second))


def test_no_fee_amounts_when_the_fee_proof_is_in(portal, store):
    filing = register(missing=["photos"])
    portal.login(filing.number, filing.password)
    html = _html(portal.get("/status"))
    assert "fee-due" not in html and "Pomorski Urząd Wojewódzki w Gdańsku" in html


def test_stages_page_marks_the_applicants_stage_only_when_logged_in(portal, slupsk_case_without_fee):
    anonymous = portal.get("/stages", headers={"Accept-Language": "en"})
    assert 'aria-current="step"' not in _html(anonymous)
    assert "Cookie" in anonymous.headers["Vary"] and "no-store" not in anonymous.headers.get("Cache-Control", "")
    filing = slupsk_case_without_fee
    portal.login(filing.number, filing.password, lang="en")
    mine = portal.get("/stages")
    html = _html(mine)
    assert html.count('aria-current="step"') == 1 and mine.headers["Cache-Control"] == "no-store"
    marked = html[html.index('aria-current="step"') :]
    assert marked.index("Waiting for missing documents") < marked.index("Your case is at this stage") < 400
    portal.logout()
    assert 'aria-current="step"' not in _html(portal.get("/stages"))


def test_no_info_or_status_response_holds_the_applicants_name_or_phone(portal, store):
    name, surname, phone = "Qxinfoname", "Wyinfosurname", "+48 604 555 919"
    filing = register(applicant_name=f"{name} {surname}", phone=phone, missing=["fee_proof"])
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK)
    secrets = [name, surname, "604555919", "604 555 919", "+48604555919", "Anna Nowak", CLERK]
    paths = ["/info", *(f"/info/{t.code}" for t in storage.case_types()), "/info/nope", "/stages", "/contact"]
    responses = []
    for lang in LANGS:
        portal.get(f"/lang/{lang}")
        responses += [portal.get(p) for p in paths]
        responses.append(portal.login(filing.number, filing.password))
        responses += [portal.get("/status"), portal.get("/stages")]
        responses += [portal.get(p) for p in paths[:3]]
        responses.append(portal.logout())
    assert sum(r.status_code == 200 for r in responses) > 4 * len(paths)
    for response in responses:
        text = _html(response) + str(response.headers)
        for secret in secrets:
            assert secret not in text, (secret, response.request.path)


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_portal_role_reads_the_panel_and_the_cases_office_but_no_name(store, public_role):  # noqa: F811
    role, role_url = public_role
    filing = register(clerk=CLERK_SLU, applicant_name="Hidden Person", missing=["fee_proof"])
    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    assert 'href="/info/invitation"' in _html(portal.get("/info"))
    page = _html(portal.get("/info/card_exchange"))
    assert "ulgowa: 50 zł" in page and "Ustawa z dnia 12 grudnia 2013 r. o cudzoziemcach" in page
    assert portal.login(filing.number, filing.password).status_code == 303
    status = _html(portal.get("/status"))
    assert "ul. Jana Pawła II 1, 76-200 Słupsk" in status and "440 zł" in status
    with storage.unit_of_work():
        for table in ("legal_act", "case_type_guide", "info_text"):
            assert database.execute_sql(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        assert database.execute_sql("SELECT count(office_id) FROM case_file").fetchone()[0] == 1
        with pytest.raises(peewee.ProgrammingError, match="permission denied"), database.atomic():
            database.execute_sql("SELECT applicant_name FROM case_file")
        (who,) = database.execute_sql("SELECT current_user").fetchone()
    assert who == role


@pytest.mark.in_process_portal("counts the store calls of the app in this process")
def test_the_information_pages_read_each_catalogue_once_for_many_visitors(portal, monkeypatch):
    """Every visitor shares the catalogues: read from the store once per short while, not per request
    (they were most of an information page's CPU). A short cache that never expires makes this exact."""
    from public_status.short_cache import ShortCache

    portal.app.extensions["okienko_short_cache"] = ShortCache(ttl_s=3600)
    calls: dict[str, int] = {}
    for name in ("case_type_guide", "case_type_guides", "info_texts", "offices", "stages"):
        original = getattr(facade, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] = calls.get(_name, 0) + 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(facade, name, counted)
    for path in ("/info/temp_work", "/info", "/stages", "/contact") * 5:
        assert portal.get(path).status_code == 200, path
    assert calls == {"case_type_guide": 1, "case_type_guides": 1, "info_texts": 1, "offices": 1, "stages": 1}
