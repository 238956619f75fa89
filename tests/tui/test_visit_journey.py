"""A visit from end to end, as the three programs play it: an applicant books in chromium at 360 px
on the production portal server, the code reaches her phone through the real send loop and the
simulated modem, she confirms; on the visit day the clerk sees her in Wizyty, marks her arrived and
registers her filing from the visit."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
from textual.widgets import DataTable, Input, Select

import storage
from counter_tui.app import OkienkoApp
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.screens.register import RegisterScreen
from counter_tui.screens.visits import VisitsScreen
from sms_modem.loop import SendLoop
from sms_modem.simulator import SimulatedModem
from storage import clock, desk
from tests.portal.browser import ARTIFACTS, need_chromium, phone_browser, serve_portal
from tests.sms.conftest import fast_settings
from tests.tui.conftest import BOTH, SIZE, choose, logged_in_to, press, press_to

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
NAME, PHONE = "Nguyễn Thị Hoa", "+48 512 345 678"
CODE = re.compile(r"\b(\d{6})\b")


def book_in_browser(base: str, modem: SimulatedModem) -> str:
    """The applicant's side, in English: returns the booking reference."""
    with phone_browser() as page:
        page.goto(base + "/lang/en?next=/visit")
        page.get_by_label("Gdańsk").check()
        page.get_by_label("Filing an application").check()
        page.get_by_role("button", name="Show free days").click()
        if page.locator("table.days tr.free a").count() == 0:
            page.locator('nav.months a[rel="next"]').click()
        page.locator("table.days tr.free a").first.click()
        page.locator("ul.times a").first.click()
        page.get_by_label("First name and surname").fill(NAME)
        page.get_by_label("Mobile phone number").fill(PHONE)
        page.get_by_role("button", name="Send me the code").click()
        page.wait_for_url("**/visit/code/**")
        reference = page.url.rsplit("/", 1)[1]
        # The office's send loop, once: the code goes out through the real modem stack.
        assert SendLoop(fast_settings(modem.path)).run(once=True) == 1
        [sms] = [s for s in modem.received if s.number == PHONE.replace(" ", "")]
        assert NAME not in sms.text and reference not in sms.text
        page.get_by_label("Code from the SMS").fill(CODE.search(sms.text).group(1))
        page.get_by_role("button", name="Confirm the visit").click()
        page.wait_for_selector("#reference")
        assert "Visit booked" in page.content() and NAME not in page.content()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "visit-journey-booked.png"), full_page=True)
    return reference


@pytest.fixture
def modem(tmp_path):
    sim = SimulatedModem(directory=str(tmp_path / "modem")).start()
    yield sim
    sim.stop()


@BOTH
async def test_booked_online_confirmed_by_sms_then_served_at_the_counter(store, app: OkienkoApp, modem):
    need_chromium()
    with serve_portal(store.url) as port:
        # Playwright's sync API must not run inside the test's event loop: it gets a thread.
        reference = await asyncio.to_thread(book_in_browser, f"http://127.0.0.1:{port}", modem)
    visit = desk.visit_by_reference(reference)
    assert visit.state == "booked" and visit.booked_by is None
    morning = dt.datetime.combine(visit.visit_day, dt.time(7, 0))  # 08:00 or 09:00 in Warsaw
    with clock.frozen(morning):
        async with app.run_test(size=SIZE) as pilot:
            await logged_in_to(pilot, "f2", VisitsScreen)
            table = app.screen.query_one("#visits", DataTable)
            [row] = [" | ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)]
            assert NAME in row and reference in row and "umówiona" in row
            await press(pilot, "f2")
            assert desk.visit_by_reference(reference).state == "arrived"
            await press_to(pilot, "ctrl+n", RegisterScreen)
            assert app.screen.query_one("#applicant-name", Input).value == NAME
            assert app.screen.query_one("#language", Select).value == "en"
            await choose(pilot, "#case-type", "temp_work")
            await press_to(pilot, "ctrl+s", ConfirmDialog)
            await press(pilot, "enter")
    assert desk.visit_by_reference(reference).state == "served"
    [found] = storage.search_cases("Hoa")
    case = storage.case_detail(found.number)
    assert (case.applicant_name, case.phone, case.language) == (NAME, "+48512345678", "en")
