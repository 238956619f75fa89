"""An applicant reads the office's messages in Debian's chromium at 360 px, JavaScript off."""

from __future__ import annotations

import storage
from tests.helpers import CLERK, register
from tests.portal.browser import ARTIFACTS, log_in_as_applicant, phone_browser
from tests.portal.test_messages import _read_times

# No hyphen, no space: only overflow-wrap can break it at 360 px.
LONG_WORD = "Konstantynopolitańczykowianeczka" * 3


def test_applicant_reads_a_message_on_a_phone(server, store):
    filing = register(language="uk")
    storage.write_message(filing.number, clerk=CLERK, text=f"Prosimy o kontakt.\nAdres: {LONG_WORD}", language="pl")
    storage.write_message(filing.number, clerk=CLERK, template="fingerprints", values={"date": "2099-01-15",
                                                                                       "office": "GDA"})  # fmt: skip
    assert _read_times(filing.number) == [None, None]
    with phone_browser(locale="uk-UA") as page:
        log_in_as_applicant(page, server, filing.display_number, filing.password, "uk")

        assert page.get_by_role("heading", name="Повідомлення від установи").is_visible()
        messages = page.locator("li.message")
        assert messages.count() == 2
        newest, oldest = messages.nth(0), messages.nth(1)
        assert "Запрошуємо здати відбитки пальців 2099-01-15" in newest.inner_text()
        assert "(польською)" not in newest.inner_text() and "(польською)" in oldest.inner_text()
        body = oldest.locator(".message-body")
        assert body.inner_text().splitlines() == ["Prosimy o kontakt.", f"Adres: {LONG_WORD}"]
        assert page.get_by_text("Офіційні виклики завжди надходять поштою.").is_visible()
        # Every message, its long word included, lies inside the screen: nothing cut off, no sideways scrolling.
        for i in range(messages.count()):
            box = messages.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
        assert body.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.locator("section.office-messages").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "portal-messages-uk.png"), full_page=True)
    assert None not in _read_times(filing.number)
