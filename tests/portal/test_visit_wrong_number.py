"""Issue 20, problem 7: "wrong number – change it" ends the hold at once – the seat, the code and
its queued text – so the same address may book again straight away; on PostgreSQL as the portal's
restricted role too, and only by the browser (the address) that holds it."""

from __future__ import annotations

import re

import pytest

import storage
from public_status.app import create_app
from public_status.settings import PortalSettings
from storage.models import SmsOutbox
from tests.portal.conftest import SECRET, Portal
from tests.portal.test_public_role import public_role  # noqa: F401 – the fixture
from tests.portal.test_public_role_visits import as_owner
from tests.portal.visit_helpers import CSRF, code_path, first_time_link, request_code, visit_state

WRONG = re.compile(r'action="(/visit/code/[^"]+/wrong-number)"')


def code_text_states(reference: str) -> list[str]:
    with storage.unit_of_work():
        return [
            row.state
            for row in SmsOutbox.select(SmsOutbox.state)
            .join(storage.models.Visit)
            .where(storage.models.Visit.reference == reference)
        ]


def give_up(portal: Portal, path: str):
    page = portal.get(path).get_data(as_text=True)
    assert "+48 501 *** *67" in page and "234 567" not in page
    action = WRONG.search(page)[1]
    # The second form's token: the wrong-number form after the code form.
    token = CSRF.findall(page)[-1]
    return portal.post(action, data={"csrf_token": token})


def test_a_wrong_number_releases_the_hold_and_the_address_books_again(portal, store):
    link = first_time_link(portal)
    first = request_code(portal, link)
    reference = code_path(first).rsplit("/", 1)[1]
    assert visit_state(reference) == "held" and code_text_states(reference) == ["queued"]
    # Without the release the address's one pending hold refuses a second booking (429).
    released = give_up(portal, code_path(first))
    assert released.status_code == 303 and released.headers["Location"].endswith(link.split("?", 1)[1])
    assert visit_state(reference) == "expired"
    assert code_text_states(reference) == ["cancelled"]  # the text with the dead code never goes out
    again = request_code(portal, link, phone="+48 501 234 568")
    assert again.status_code == 303, again.get_data(as_text=True)


def test_another_browser_cannot_release_a_hold(portal_app, portal, store):
    reference = code_path(request_code(portal, first_time_link(portal))).rsplit("/", 1)[1]
    stranger = Portal(portal_app)
    token = CSRF.search(stranger.get("/visit/cancel").get_data(as_text=True))[1]
    answer = stranger.post(f"/visit/code/{reference}/wrong-number", data={"csrf_token": token})
    assert answer.status_code == 404
    assert visit_state(reference) == "held"


@pytest.mark.parametrize("store", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_the_public_role_releases_a_hold(store, public_role):  # noqa: F811
    _role, role_url = public_role
    storage.db.close_database()
    storage.open_database(role_url)
    portal = Portal(create_app(PortalSettings(secret_key=SECRET)))
    link = first_time_link(portal)
    first = request_code(portal, link)
    reference = code_path(first).rsplit("/", 1)[1]
    assert give_up(portal, code_path(first)).status_code == 303
    with as_owner(store, role_url):
        assert visit_state(reference) == "expired"
        assert code_text_states(reference) == ["cancelled"]
    assert request_code(portal, link, phone="+48 501 234 568").status_code == 303
