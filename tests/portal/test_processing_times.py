"""How long it may take: the status page sets the case beside its group in the applicant's language,
says nothing of a group under 20 decided cases, and the information panel lists every kind; the
status page only reads the summary the refresh wrote."""

from __future__ import annotations

import datetime as dt

import pytest

import storage
from storage.cases import processing_times
from storage.clock import frozen
from tests.helpers import CLERK, CLERK_SLU, register

NOW = dt.datetime(2026, 11, 23, 10, 0)


def _decided(filed_on: dt.date, days: int, clerk: str = CLERK) -> None:
    with frozen(dt.datetime.combine(filed_on, dt.time(10))):
        number = register(filed_on=filed_on, missing=[], clerk=clerk).number
    with frozen(dt.datetime.combine(filed_on + dt.timedelta(days=days), dt.time(12))):
        storage.set_stage(number, "decision_issued", clerk=clerk)


def status_page(portal, filing, lang: str) -> str:
    """The status page the applicant reads after logging in with the filing's card."""
    portal.login(filing.number, filing.password, lang=lang)
    return portal.get("/status").get_data(as_text=True)


def between(page: str, start: str, end: str) -> str:
    """The part of the page after `start` up to the first `end`."""
    return page.split(start)[1].split(end)[0]


@pytest.fixture
def history(store):
    for i in range(20):
        _decided(dt.date(2026, 6, 1), 30 + i)  # Gdańsk: 30..49 days, median 39.5, p80 45.2
    for i in range(5):
        _decided(dt.date(2026, 6, 1), 10 + i, clerk=CLERK_SLU)  # Słupsk: too few
    processing_times.refresh_processing_times(NOW)


@pytest.mark.parametrize(
    ("lang", "figure", "yours"),
    [
        ("uk", "8 з 10 таких справ у цій установі було вирішено протягом 46 днів", "Вашу заяву подано 22 дні тому"),
        (
            "ru",
            "8 из 10 таких дел в этом ведомстве были решены в течение 46 дней",
            "Ваше заявление подано 22 дня назад",
        ),
        ("pl", "8 na 10 takich spraw w tym urzędzie rozstrzygnięto w ciągu 46 dni", "Twój wniosek złożono 22 dni temu"),
        ("en", "8 in 10 cases of this kind at this office were decided within 46 days", "filed 22 days ago"),
    ],
)
def test_the_status_page_sets_the_case_beside_its_group(portal, history, lang, figure, yours):
    with frozen(NOW):
        filing = register(filed_on=dt.date(2026, 11, 1), language=lang)
        page = portal.login(filing.number, filing.password, lang=lang).get_data(as_text=True)
        page = portal.get("/status").get_data(as_text=True) if figure not in page else page
    assert figure in page
    assert yours in page
    assert "60" in between(page, 'id="processing-heading"', "</section>")  # the statutory days


def test_a_group_under_twenty_shows_no_figure(portal, history):
    with frozen(NOW):
        filing = register(filed_on=dt.date(2026, 11, 1), clerk=CLERK_SLU, language="en")
        page = status_page(portal, filing, "en")
    section = between(page, 'id="processing-heading"', "</section>")
    assert "too few for a reliable figure" in section
    assert "8 in 10" not in section


def test_a_decided_case_is_not_told_how_long_it_may_take(portal, history):
    with frozen(NOW):
        filing = register(filed_on=dt.date(2026, 11, 1))
        storage.set_stage(filing.number, "decision_issued", clerk=CLERK)
        page = status_page(portal, filing, "en")
    assert "processing-heading" not in page


def test_the_information_panel_lists_the_figures_per_office(portal, history):
    page = portal.get("/info/processing-times", headers={"Accept-Language": "uk"}).get_data(as_text=True)
    assert "<h1>Терміни розгляду</h1>" in page
    gdansk = between(page, 'lang="pl">Gdańsk</th>', "</tr>")
    assert "40 днів" in gdansk and "46 днів" in gdansk and "<td>20</td>" in gdansk
    slupsk = between(page, 'lang="pl">Słupsk</th>', "</tr>")
    assert "замало справ для цифри" in slupsk and "<td>5</td>" in slupsk
    assert 'href="/info/processing-times"' in portal.get("/info").get_data(as_text=True)


def test_a_case_filed_today_is_told_today_not_zero_days_ago(portal, history):
    """The outside tester's finding 9: on the filing day the status page said "filed 0 days ago"."""
    with frozen(NOW):
        filing = register(filed_on=NOW.date(), language="uk")
        page = status_page(portal, filing, "uk")
    yours = between(page, 'id="processing-yours"', "</p>")
    assert "Заяву подано сьогодні." in yours
    assert "0 днів" not in yours


def test_the_information_panel_lists_every_kind_of_case(portal, history):
    """Finding 9, its second part: kinds without a decided case were left out of the table."""
    page = portal.get("/info/processing-times", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for guide in storage.portal.case_type_guides():
        assert f'id="times-{guide.case_type.code}"' in page, guide.case_type.code
