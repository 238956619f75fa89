"""Issue 20, problems 6–8, in a real browser at 360 px without JavaScript (Debian's chromium driven
by Playwright against the production server): a booking that forgives the applicant's mistakes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.portal.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, need_chromium
from tests.portal.test_visits_browser import fits_the_phone, shot
from tests.portal.visit_helpers import sms_code, visit_state


@pytest.fixture
def browser_page(server):
    need_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 780}, java_script_enabled=False)
        yield page
        browser.close()


def to_details(page, server: str) -> None:
    """Polish pages, Gdańsk, filing, the first free day and time: the "Your details" step."""
    page.goto(server + "/lang/pl?next=/visit")
    page.get_by_label("Gdańsk").check()
    page.get_by_label("Złożenie wniosku").check()
    page.get_by_role("button", name="Pokaż wolne dni").click()
    page.wait_for_url("**/visit/days?**")
    if page.locator("table.days tr.free a").count() == 0:
        page.locator('nav.months a[rel="next"]').click()
    page.locator("table.days tr.free a").first.click()
    page.wait_for_url("**/visit/times?**")
    page.locator("ul.times a").first.click()
    page.wait_for_url("**/visit/details?**")


def test_switching_language_after_a_form_error_keeps_the_step_and_what_was_typed(server, store, browser_page):
    """Problem 6: the switch on the POST result used to lead to step 1 ("Wybierz urząd. Wybierz
    rodzaj wizyty."), the day, time, name and number gone."""
    page = browser_page
    to_details(page, server)
    step = page.url
    page.get_by_label("Imię i nazwisko").fill("Олена Шевченко")
    page.get_by_label("Numer telefonu komórkowego").fill("12 345")  # not a phone number: an error
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_selector("p.error[role=alert]")
    assert page.locator("html").get_attribute("lang") == "pl"
    page.get_by_role("link", name="Українська").click()
    page.wait_for_selector("html[lang=uk]")
    # The same step: the same office, kind of visit, day and time.
    assert urlsplit(page.url).path == urlsplit(step).path
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(step).query)
    assert "Wybierz urząd" not in page.content()
    assert page.get_by_label("Ім'я та прізвище").input_value() == "Олена Шевченко"
    assert page.get_by_label("Номер мобільного телефону").input_value() == "12 345"
    # The error again, now in the language the applicant can read.
    assert page.locator("#phone-error").is_visible()
    assert "12 345" not in page.url and "12+345" not in page.url
    fits_the_phone(page)
    shot(page, "forgive-6-language-after-error-uk")
    # What was typed is shown once: a later visit to the step starts empty.
    page.reload()
    assert page.get_by_label("Номер мобільного телефону").input_value() == ""


def test_the_code_page_shows_the_number_masked_and_a_wrong_number_releases_the_hold_at_once(
    server, store, browser_page
):
    """Problem 7: the code page said "No SMS? Check the number" but never showed it, and a mistyped
    number kept the seat and the address's one pending hold for the code's whole life."""
    page = browser_page
    to_details(page, server)
    step = page.url
    page.get_by_label("Imię i nazwisko").fill("Olena Szewczenko")
    page.get_by_label("Numer telefonu komórkowego").fill("512 345 687")  # meant 512 345 678
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_url("**/visit/code/**")
    reference = page.url.rsplit("/", 1)[1]
    masked = page.locator("#masked-phone")
    assert masked.inner_text() == "+48 512 *** *87"
    assert "345" not in page.content()
    fits_the_phone(page)
    shot(page, "forgive-7-code-masked-pl")
    page.get_by_role("button", name="Zły numer – zmień go").click()
    page.wait_for_url("**/visit/details?**")
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(step).query)
    assert visit_state(reference) == "expired"  # the seat is free again, the code dead
    # Nothing typed is shown back: the details form starts empty.
    assert page.get_by_label("Numer telefonu komórkowego").input_value() == ""
    page.get_by_label("Imię i nazwisko").fill("Olena Szewczenko")
    # The same address may start again at once (one pending hold per address: none is pending now).
    page.get_by_label("Numer telefonu komórkowego").fill("512 345 678")
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_url("**/visit/code/**")
    second = page.url.rsplit("/", 1)[1]
    assert second != reference
    assert page.locator("#masked-phone").inner_text() == "+48 512 *** *78"
    page.get_by_label("Kod z SMS-a").fill(sms_code(second))
    page.get_by_role("button", name="Potwierdź wizytę").click()
    page.wait_for_selector("#reference")
    assert visit_state(second) == "booked"
