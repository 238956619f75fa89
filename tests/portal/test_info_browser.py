"""The information panel and the richer status page in Debian's chromium at 360 px, JavaScript off."""

from __future__ import annotations

import storage
from tests.helpers import CLERK_SLU, register
from tests.portal.browser import ARTIFACTS, phone_browser


def _fits(page) -> None:
    # nothing wider than the phone's screen: no sideways scrolling, no text cut off at the edge
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_case_type_page_and_status_page_at_360_px(server, store):
    filing = register(clerk=CLERK_SLU, case_type="temp_work", missing=["fee_proof", "photos"], language="uk")
    storage.set_stage(filing.number, "missing_documents", clerk=CLERK_SLU)
    storage.add_deficiency(filing.number, clerk=CLERK_SLU, kind="flat_title", note="Umowa najmu na cały okres pobytu.")
    with phone_browser(locale="uk-UA") as page:
        page.goto(server + "/")
        page.get_by_role("link", name="Інформація").click()
        page.wait_for_url("**/info")
        _fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-info-uk.png"), full_page=True)
        page.get_by_role("link", name="Тимчасове проживання та робота (єдиний дозвіл)").click()
        page.wait_for_url("**/info/temp_work")
        assert page.get_by_role("heading", level=1).inner_text() == "Тимчасове проживання та робота (єдиний дозвіл)"
        assert page.get_by_text("440 zł").is_visible() and page.get_by_text("пільгова: 50 zł").is_visible()
        assert page.get_by_text("60 днів").is_visible()
        assert page.get_by_text("ul. Okopowa 21/27, 80-810 Gdańsk").first.is_visible()
        assert page.get_by_text("зала обслуговування, кімната 1").first.is_visible()
        # The fee-proof deficiency sends people here: the stamp-duty account the seed gives is shown.
        assert page.get_by_text("93 1010 1140 0169 1313 9120 0000", exact=False).is_visible()
        _fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-info-temp_work-uk.png"), full_page=True)

        page.goto(server + "/")
        page.get_by_label("Номер справи").fill(filing.display_number)
        page.get_by_label("Пароль").fill(filing.password)
        page.get_by_role("button", name="Увійти").click()
        page.wait_for_url("**/status")
        assert page.get_by_text("ul. Jana Pawła II 1, 76-200 Słupsk").is_visible()
        fee_item = page.locator("ul.deficiencies > li", has=page.locator(".fee-due"))
        assert fee_item.count() == 1 and "440 zł" in fee_item.inner_text()
        page.locator("details summary").first.click()
        assert page.get_by_text("(польською)").is_visible()
        _fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-status-office-uk.png"), full_page=True)
        page.get_by_role("link", name="Що потрібно для цього виду справи").click()
        page.wait_for_url("**/info/temp_work")

        page.goto(server + "/stages")
        current = page.locator('[aria-current="step"]')
        assert current.count() == 1 and "Очікуємо відсутні документи" in current.inner_text()
        _fits(page)
        page.screenshot(path=str(ARTIFACTS / "portal-stages-current-uk.png"), full_page=True)
