"""The front door's "busy" (public_status/busy_logins.py): an address that keeps coming back while
every password-check slot of the machine is taken is answered before Flask reads its request, with
the very page the login view would give it; anyone else still reaches the view."""

from __future__ import annotations

import contextlib

import pytest

import storage.cases.public as public
from storage.accounts import throttle
from tests.helpers import register
from tests.portal.conftest import Portal


@pytest.fixture
def slots(monkeypatch):
    """One ordinary check slot of this test's own (and the kept one), and a fresh busy memory."""
    mine = public.CheckSlots(1, reserved=1)
    monkeypatch.setattr(public, "CHECK_SLOTS", mine)
    monkeypatch.setattr(public, "BUSY", public.BusyMemory())
    return mine


@contextlib.contextmanager
def every_ordinary_slot_taken(slots: public.CheckSlots):
    with slots.slot(clean=False):
        yield


def not_clean(address: str) -> None:
    throttle.record_failure({throttle.address_key(address): throttle.ADDRESS_POLICY})


def form(portal: Portal, number: str, password: str) -> dict:
    return {"case_number": number, "password": password, "csrf_token": portal.csrf()}


def test_a_looping_address_gets_the_views_own_busy_page_without_reaching_flask(portal_app, slots):
    applicant = register()
    looping = Portal(portal_app, address="203.0.113.40")
    not_clean("203.0.113.40")
    looping.get("/lang/uk")
    sent = form(looping, applicant.number, applicant.password)
    with every_ordinary_slot_taken(slots):
        from_the_view = looping.post("/login", data=sent)  # not clean, no slot: the view says "busy"
        assert public.BUSY.looping(throttle.address_key("203.0.113.40"))
        # No CSRF token and no form: the view would answer 400 "the form has expired", so a 503
        # here was answered before Flask read anything.
        at_the_door = looping.post("/login", data={})
    assert from_the_view.status_code == at_the_door.status_code == 503
    assert at_the_door.get_data() == from_the_view.get_data()
    assert "Портал зараз перевіряє багато входів одночасно" in at_the_door.get_data(as_text=True)  # the page's language
    for header in ("Retry-After", "Cache-Control", "Content-Security-Policy", "Content-Type", "X-Frame-Options"):
        assert at_the_door.headers.get(header) == from_the_view.headers.get(header), header
    assert at_the_door.headers["Cache-Control"] == "no-store"


def test_each_answer_at_the_door_counts_as_busy_again(portal_app, slots):
    address = "203.0.113.41"
    key = throttle.address_key(address)
    public.BUSY.note(key)
    door = Portal(portal_app, address=address)
    with every_ordinary_slot_taken(slots):
        for _ in range(3):
            assert door.post("/login", data={}).status_code == 503
    shared = public.BUSY.directory.parent  # the same memory, read with other limits: 4 answers in a row
    assert public.BusyMemory(allowed=4, directory=shared).looping(key)  # one note + three at the door
    assert not public.BusyMemory(allowed=5, directory=shared).looping(key)


def test_a_looping_address_reaches_the_view_when_a_slot_is_free(portal_app, slots):
    applicant = register()
    public.BUSY.note(throttle.address_key("203.0.113.42"))
    person = Portal(portal_app, address="203.0.113.42")
    assert person.post("/login", data={}).status_code == 400  # the view's own answer to an empty form
    assert person.post("/login", data=form(person, applicant.number, applicant.password)).status_code == 303


def test_a_clean_address_reaches_the_view_and_its_kept_slot_while_every_ordinary_slot_is_taken(portal_app, slots):
    applicant = register()
    person = Portal(portal_app, address="203.0.113.43")
    with every_ordinary_slot_taken(slots):
        assert person.post("/login", data={}).status_code == 400
        assert person.post("/login", data=form(person, applicant.number, applicant.password)).status_code == 303


def test_other_pages_never_meet_the_door(portal_app, slots):
    public.BUSY.note(throttle.address_key("203.0.113.44"))
    visitor = Portal(portal_app, address="203.0.113.44")
    with every_ordinary_slot_taken(slots):
        assert visitor.get("/").status_code == 200
        assert visitor.get("/login").status_code in (404, 405)
