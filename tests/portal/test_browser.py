"""The portal in a real browser: Debian's chromium driven by Playwright, against the production server."""

from __future__ import annotations

import storage
from storage.admin import demo
from tests.portal.browser import ARTIFACTS, log_in_as_applicant, phone_browser


def test_applicant_flow_in_chromium_on_the_demo_store(server, store):
    summary = demo.build_demo(case_count=16)  # the store `make demo` builds, smaller
    expected_pl = storage.check_applicant(summary.sample_number, summary.sample_password, "pl")
    expected_uk = storage.public_view(expected_pl.number, expected_pl.credential_version, "uk")
    note = next(d.note for d in expected_pl.deficiencies if d.note)
    with phone_browser(locale="pl-PL") as page:
        log_in_as_applicant(page, server, summary.sample_number, summary.sample_password.lower(), "pl")
        assert page.locator("#stage-label").inner_text() == expected_pl.stage_label
        note_text = page.get_by_text(note).first
        assert not note_text.is_visible()
        page.locator("details", has_text=note).locator("summary").first.click()
        assert note_text.is_visible()
        # fits a 360-px phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "portal-status-pl.png"), full_page=True)
        page.get_by_role("link", name="Українська").click()
        page.wait_for_url("**/status")
        assert page.locator("#stage-label").inner_text() == expected_uk.stage_label
        assert page.locator("html").get_attribute("lang") == "uk"
        page.screenshot(path=str(ARTIFACTS / "portal-status-uk.png"), full_page=True)
        page.get_by_role("button", name="Вийти").click()
        page.wait_for_url(server + "/")
        assert "Ви вийшли з системи." in page.content()
        page.goto(server + "/status")
        assert page.url == server + "/"
