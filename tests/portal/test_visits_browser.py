"""Booking a visit in a real browser at 360 px, without JavaScript: Debian's chromium driven by
Playwright against the production server, in each language, and cancelling one."""

from __future__ import annotations

from tests.portal.browser import PAGE_TEXTS, fits_the_phone, shot
from tests.portal.visit_helpers import sms_code, visit_state

NAMES = {"pl": "Polski", "en": "English", "ru": "Русский", "uk": "Українська"}
PHONES = {"pl": "501 234 567", "en": "+48 502 345 678", "ru": "+48 503 456 789", "uk": "+380 67 123 4567"}


def book(page, server: str, lang: str, shots: bool) -> str:
    text = PAGE_TEXTS[lang]
    page.goto(server + "/visit")
    if page.locator("html").get_attribute("lang") != lang:
        page.get_by_role("link", name=NAMES[lang]).click()
    page.get_by_label("Gdańsk").check()
    page.get_by_label(text["group"]).check()
    fits_the_phone(page)
    shots and shot(page, f"1-start-{lang}")
    page.get_by_role("button", name=text["show"]).click()
    page.wait_for_url("**/visit/days?**")
    fits_the_phone(page)
    shots and shot(page, f"2-days-{lang}")
    days = page.locator("table.days tr.free a")
    if days.count() == 0:
        page.locator('nav.months a[rel="next"]').click()
    page.locator("table.days tr.free a").first.click()
    page.wait_for_url("**/visit/times?**")
    fits_the_phone(page)
    shots and shot(page, f"3-times-{lang}")
    page.locator("ul.times a").first.click()
    page.wait_for_url("**/visit/details?**")
    page.get_by_label(text["name"]).fill("Test Person " + lang.upper())
    page.get_by_label(text["phone"]).fill(PHONES[lang])
    fits_the_phone(page)
    shots and shot(page, f"4-details-{lang}")
    page.get_by_role("button", name=text["send"]).click()
    page.wait_for_url("**/visit/code/**")
    reference = page.url.rsplit("/", 1)[1]
    fits_the_phone(page)
    shots and shot(page, f"5-code-{lang}")
    page.get_by_label(text["code"]).fill(sms_code(reference))
    page.get_by_role("button", name=text["confirm"]).click()
    page.wait_for_selector("#reference")
    assert text["booked"] in page.content()
    assert page.locator("#reference").inner_text() == reference
    assert "Test Person" not in page.content() and PHONES[lang] not in page.content()
    fits_the_phone(page)
    shots and shot(page, f"6-booked-{lang}")
    return reference


def test_a_visit_is_booked_in_each_language_and_one_is_cancelled(server, store, browser_page):
    page = browser_page
    references = {lang: book(page, server, lang, shots=True) for lang in ("pl", "en", "ru", "uk")}
    for reference in references.values():
        assert visit_state(reference) == "booked"
    # Cancel the English one, in English.
    reference = references["en"]
    page.goto(server + "/lang/en?next=/visit/cancel")
    page.get_by_label("Booking reference").fill(reference)
    fits_the_phone(page)
    shot(page, "7-cancel-en")
    page.get_by_role("button", name="Send me the code").click()
    page.wait_for_url(f"**/visit/cancel/{reference}")
    page.get_by_label("Code from the SMS").fill(sms_code(reference))
    page.get_by_role("button", name="Cancel the visit").click()
    page.wait_for_selector("text=Visit cancelled")
    fits_the_phone(page)
    shot(page, "8-cancelled-en")
    assert visit_state(reference) == "cancelled"
    assert visit_state(references["pl"]) == "booked"
