"""A case whose contact data retention erased opens normally and says the phone was removed."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Static

import storage
from counter_tui.app import OkienkoApp
from storage.admin import retention
from storage.clock import utcnow
from storage.delivery import sms_outbox as outbox
from tests.helpers import CLERK, register
from tests.tui.conftest import SIZE, open_case, press, show_case

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


async def test_purged_case_shows_the_phone_as_removed(app: OkienkoApp):
    purged = register(applicant_name="Nino Beridze", phone="+48 501 234 567")
    storage.set_stage(purged.number, "formal_check", clerk=CLERK)
    (text,) = outbox.claim_due("loop", lease_seconds=60)
    outbox.record_sent(text.id, "loop", message_ref=5, sender="modem")
    outbox.record_delivery("modem", 5, delivered=True, status_code=0)
    storage.set_stage(purged.number, "closed", clerk=CLERK)
    never_had = register(applicant_name="Anh Nguyen", phone=None)
    # The closing stage queued a second text; the loop will cancel it (no phone), so it stays until then.
    counts = retention.purge(retention.RetentionPolicy(30, 7), now=utcnow() + dt.timedelta(days=31))
    assert counts.case_contacts == 1 and counts.sms_rows == 1
    async with app.run_test(size=SIZE) as pilot:
        await open_case(pilot, purged.number)
        summary = str(app.screen.query_one("#case-summary", Static).render())
        assert "tel. usunięty (retencja)" in summary and "Nino Beridze" in summary and "501" not in summary
        assert app.screen.query_one("#sms", DataTable).row_count == 1
        await press(pilot, "escape")
        await show_case(pilot, never_had.number)
        summary = str(app.screen.query_one("#case-summary", Static).render())
        assert "tel. – " in summary and "usunięty" not in summary
