"""Issue 20, the outside tester's findings (a screen reader's eyes, a Ukrainian applicant on a
360-px phone), in a real browser at 360 px without JavaScript: Debian's chromium driven by
Playwright against the production server."""

from __future__ import annotations

from tests.portal.browser import fits_the_phone, shot, to_code, to_details


def posts_while(page, action) -> list[str]:
    """The POST requests the browser sends while `action` runs."""
    sent: list[str] = []

    def note(request) -> None:
        if request.method == "POST":
            sent.append(request.url)

    page.on("request", note)
    try:
        action()
    finally:
        page.remove_listener("request", note)
    return sent


def test_back_or_reload_after_a_details_error_never_sends_the_form_again(server, store, browser_page):
    """Finding 2: the details page with an error was the answer to a POST, so Back or a reload
    asked to "Confirm form resubmission" (or sent the name and number again)."""
    page = browser_page
    to_details(page, server)
    step = page.url
    page.get_by_label("Imię i nazwisko").fill("Олена Шевченко")
    page.get_by_label("Numer telefonu komórkowego").fill("12 345")
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_selector("#phone-error")
    # The error page is a GET of the step itself: its address is the step's, what was typed is kept.
    assert page.url == step
    assert page.get_by_label("Imię i nazwisko").input_value() == "Олена Шевченко"
    assert page.get_by_label("Numer telefonu komórkowego").input_value() == "12 345"
    fits_the_phone(page)
    shot(page, "trial-2-details-error-pl")
    assert posts_while(page, page.reload) == []
    page.go_back()
    page.wait_for_url("**/visit/details?**")
    assert posts_while(page, page.go_forward) == []


def test_wrong_number_keeps_the_name_and_is_a_step_aside_said_before_it(server, store, browser_page):
    """Finding 3: "Wrong number – change it" cleared the name too and looked like the main button,
    right under "Confirm", with what it does said only after it."""
    page = browser_page
    to_code(page, server, "Олена Шевченко", "512 345 687")
    confirm = page.get_by_role("button", name="Potwierdź wizytę")
    wrong = page.get_by_role("button", name="Zły numer – zmień go")
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    assert confirm.evaluate(style) != wrong.evaluate(style)
    # Set apart: well below the confirm button, with what it does (the seat released) said before it.
    assert wrong.bounding_box()["y"] - (confirm.bounding_box()["y"] + confirm.bounding_box()["height"]) > 60
    said = page.locator("#wrong-number-hint")
    assert "zwolniony" in said.inner_text()
    assert said.bounding_box()["y"] < wrong.bounding_box()["y"]
    assert wrong.get_attribute("aria-describedby") == "wrong-number-hint"
    fits_the_phone(page)
    shot(page, "trial-3-wrong-number-pl")
    wrong.click()
    page.wait_for_url("**/visit/details?**")
    assert page.get_by_label("Imię i nazwisko").input_value() == "Олена Шевченко"
    assert page.get_by_label("Numer telefonu komórkowego").input_value() == "512 345 687"
    assert page.locator("p.error").count() == 0


def test_the_code_page_says_what_is_confirmed_and_reads_the_number_sensibly(server, store, browser_page):
    """Finding 4: the code page did not say which visit the code confirms, and a screen reader read
    the masked number as "plus forty-eight … star star star star …"."""
    page = browser_page
    to_details(page, server)
    chosen = page.locator("dl.chosen").inner_text()
    page.get_by_label("Imię i nazwisko").fill("Olena Szewczenko")
    page.get_by_label("Numer telefonu komórkowego").fill("512 345 687")
    page.get_by_role("button", name="Wyślij mi kod").click()
    page.wait_for_url("**/visit/code/**")
    summary = page.locator("dl.chosen")
    assert summary.inner_text() == chosen  # office, kind of visit, day and time, as on "Your details"
    assert "Gdańsk" in chosen and "Złożenie wniosku" in chosen
    assert summary.bounding_box()["y"] < page.get_by_label("Kod z SMS-a").bounding_box()["y"]
    spoken = page.locator("main").aria_snapshot()
    assert "numer kończący się cyframi 87" in spoken and "***" not in spoken
    assert page.locator("#masked-phone").inner_text() == "+48 512 *** *87"
    fits_the_phone(page)
    shot(page, "trial-4-code-page-pl")
