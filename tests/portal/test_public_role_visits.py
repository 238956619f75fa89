"""Visit booking on PostgreSQL as the portal's restricted role: the whole flow works, and the role
can still never read a booking's name or phone (nor the clerk, nor a code text)."""

from __future__ import annotations

import contextlib
import re

import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage.db import database
from storage.delivery import sms_outbox as outbox
from tests.helpers import CLERK, register
from tests.portal.conftest import SECRET, Portal
from tests.portal.test_public_role import assert_refused, public_role  # noqa: F401 – the fixture
from tests.portal.test_visits import start_time
from tests.portal.visit_helpers import (
    CSRF,
    NAME,
    PHONE,
    ask_for_code,
    code_path,
    confirm,
    first_time_link,
    request_code,
    sms_code,
    unescape,
    visit_state,
)

pytestmark = pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
DIGITS = "501234567"


@contextlib.contextmanager
def as_owner(store, role_url: str):
    """What the applicant's phone and the office see meanwhile, read with the owner's rights."""
    storage.db.close_database()
    storage.open_database(store.url)
    try:
        yield
    finally:
        storage.db.close_database()
        storage.open_database(role_url)


def card_ready_case():
    filing = register(applicant_name="Secret Applicant", language="en", phone="+48 604 111 222")
    for stage in ("formal_check", "evidence_review", "decision_issued", "card_production", "card_ready"):
        storage.set_stage(filing.number, stage, clerk=CLERK)
    return filing


def test_booking_confirming_and_cancelling_work_as_the_public_role(store, public_role):  # noqa: F811
    role, role_url = public_role
    filing = card_ready_case()

    storage.db.close_database()
    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    assert portal.login(filing.display_number, filing.password, lang="en").status_code == 303
    status = portal.get("/status").get_data(as_text=True)
    days = unescape(re.search(r'href="(/visit/days\?[^"]+)"', status)[1])
    office = re.search(r"office=([A-Z]+)", days)[1]

    # Book the card collection from the status page: the seat is held, the code text queued.
    asked = request_code(portal, first_time_link(portal, office=office, group="card_collection"))
    assert asked.status_code == 303, asked.get_data(as_text=True)
    path = code_path(asked)
    reference = path.rsplit("/", 1)[1]
    with as_owner(store, role_url):
        code = sms_code(reference)
        assert visit_state(reference) == "held"
    done = confirm(portal, path, code)
    assert done.status_code == 200 and "Visit booked" in done.get_data(as_text=True)
    with as_owner(store, role_url):
        assert visit_state(reference) == "booked"

    html = portal.get("/status").get_data(as_text=True)
    assert reference in html and "Your visit at the office" in html
    assert storage.portal.visit_of_case(filing.number).reference == reference

    # Cancel with the reference and a new code.
    token = CSRF.search(portal.get("/visit/cancel").get_data(as_text=True))[1]
    asked = portal.post("/visit/cancel", data={"csrf_token": token, "reference": reference})
    assert asked.status_code == 303 and code_path(asked) == f"/visit/cancel/{reference}"
    with as_owner(store, role_url):
        cancel_code = sms_code(reference)
    wrong = "999999" if cancel_code != "999999" else "888888"
    assert confirm(portal, f"/visit/cancel/{reference}", wrong).status_code == 303  # back to the code page
    done = confirm(portal, f"/visit/cancel/{reference}", cancel_code)
    assert done.status_code == 200 and "Visit cancelled" in done.get_data(as_text=True)
    with as_owner(store, role_url):
        assert visit_state(reference) == "cancelled"
    html = portal.get("/status").get_data(as_text=True)
    assert reference not in html and "Book the card collection" in html
    assert storage.portal.visit_of_case(filing.number) is None

    with storage.unit_of_work():
        (who,) = database.execute_sql("SELECT current_user").fetchone()
    assert who == role


def test_the_public_role_cannot_read_a_bookings_name_or_phone_yet_books(store, public_role):  # noqa: F811
    _role, role_url = public_role
    storage.db.close_database()
    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    portal.get("/lang/pl")

    link = first_time_link(portal)
    path, reference = ask_for_code(portal, link)  # filing: one visit per phone a day
    refused = [
        "SELECT name FROM visit",
        "SELECT phone FROM visit",
        "SELECT name, phone FROM visit",
        "SELECT * FROM visit",
        "SELECT booked_by_id FROM visit",
        "SELECT code FROM sms_outbox",
        "SELECT case_id FROM sms_outbox",
        "UPDATE visit SET name = 'x'",
        "UPDATE visit SET phone = '+48500000000'",
        "DELETE FROM visit",
        "UPDATE visit_group_office SET desks = 99",
        "DELETE FROM sms_outbox",
    ]
    with storage.unit_of_work():
        assert_refused(refused)
        # What the role may read holds no phone: the limits' keys and the per-day index keep digests.
        readable = database.execute_sql(
            "SELECT key FROM login_throttle UNION ALL SELECT coalesce(phone_key, '') || coalesce(phone_day_key, '') "
            "FROM visit"
        ).fetchall()
    assert readable and not any(DIGITS in value for (value,) in readable)

    # The booking still works after every refusal, and the code text reaches the modem loop's claim.
    with as_owner(store, role_url):
        code = sms_code(reference)
        claimed = outbox.claim_due("test-loop", 60)
        assert [(c.kind, c.phone, c.code) for c in claimed] == [("visit_code", "+48501234567", code)]
    done = confirm(portal, path, code)
    assert done.status_code == 200 and "Wizyta zarezerwowana" in done.get_data(as_text=True)
    html = done.get_data(as_text=True)
    assert NAME not in html and DIGITS not in html

    # One visit per phone per day still holds, judged on the phone's digest – when the owner
    # confirms: the hold itself is taken as for any number.
    second = storage.portal.request_visit("GDA", "filing", start_time(link), "Inna Osoba", PHONE, "pl", "198.51.100.9")
    with as_owner(store, role_url):
        second_code = sms_code(second.reference)
    with pytest.raises(storage.portal.PhoneHasVisit) as refused_again:
        storage.portal.confirm_visit(second.reference, second_code, "198.51.100.9")
    assert refused_again.value.field == "phone"
    with as_owner(store, role_url):
        assert visit_state(reference) == "booked" and visit_state(second.reference) == "expired"
