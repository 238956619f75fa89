"""Issue 17, finding 2, in the shape it was found: with a number that has a visit on a day, POSTs to
/visit/details for that day from 10 addresses, in several spellings of the number, each answered
"this number already has a visit booked on this day" (so a stranger learned it); the 11th got 429,
and the owner's own cancellation and a booking on another day got 429, blocked for hours.

Now the answer for that number is the answer for any number, and nothing a stranger does with
the number refuses its owner, who proves it with the code."""

from __future__ import annotations

import re

from tests.portal.conftest import Portal
from tests.portal.test_visits import WARSAW, same_day_links, start_time
from tests.portal.visit_helpers import (
    CSRF,
    DAY_LINK,
    TIME_LINK,
    ask_for_code,
    code_path,
    confirm,
    first_time_link,
    request_code,
    sms_code,
    unescape,
)

OWNER_PHONE = "+48 603 000 001"
SPELLINGS = ["603000001", "0048603000001", "６０３０００００１", "+48 603-000-001", "48 603 000 001"]
REFERENCE = re.compile(r"/visit/code/[A-Z]{3}-[0-9A-Z]{6}$")


def reference_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def answer_shape(response) -> tuple:
    """What a stranger sees of an answer, the new reference taken out."""
    location = response.headers.get("Location", "")
    body = response.get_data(as_text=True).replace(location, "")
    return response.status_code, bool(REFERENCE.search(location)), re.sub(r"[A-Z]{3}-[0-9A-Z]{6}", "REF", body)


def test_a_stranger_learns_nothing_of_a_number_and_cannot_lock_its_owner_out(portal_app):
    owner = Portal(portal_app, "198.51.100.10")
    owner.get("/lang/en")
    link = first_time_link(owner)
    booked, owner_ref = ask_for_code(owner, link, phone=OWNER_PHONE)
    assert confirm(owner, booked, sms_code(owner_ref)).status_code == 200
    others = same_day_links(owner, link)

    # A number nobody has booked with, asked the same way: what every stranger's answer must look like.
    control = Portal(portal_app, "203.0.113.200")
    control.get("/lang/en")
    expected = answer_shape(request_code(control, others[0], phone="+48 603 999 999"))
    assert expected[:2] == (303, True)

    for i in range(11):  # ten addresses, then the eleventh that used to get 429
        stranger = Portal(portal_app, f"192.0.{2 + i}.{10 + i}")
        stranger.get("/lang/en")
        answer = request_code(stranger, others[(i + 1) % len(others)], phone=SPELLINGS[i % len(SPELLINGS)])
        assert answer_shape(answer) == expected, (i, answer.status_code, answer.get_data(as_text=True)[:300])

    # The owner cancels the visit: a new code to the phone, typed in – no 429.
    token = CSRF.search(owner.get("/visit/cancel").get_data(as_text=True))[1]
    asked = owner.post("/visit/cancel", data={"csrf_token": token, "reference": owner_ref})
    assert asked.status_code == 303, asked.get_data(as_text=True)
    done = confirm(owner, f"/visit/cancel/{owner_ref}", sms_code(owner_ref))
    assert done.status_code == 200 and "Visit cancelled" in done.get_data(as_text=True)

    # And books again, on this day and on another: the strangers' holds for the number only make
    # its texts wait their turn; none of them stops the owner.
    again = request_code(owner, others[-1], phone=OWNER_PHONE)
    assert again.status_code == 303, again.get_data(as_text=True)
    path = code_path(again)
    confirmed = confirm(owner, path, sms_code(reference_of(path)))
    assert confirmed.status_code == 200 and "Visit booked" in confirmed.get_data(as_text=True)
    assert start_time(others[-1]).date() == start_time(link).date()
    days = owner.get(link.replace("/visit/details", "/visit/days").split("&at=")[0]).get_data(as_text=True)
    day = start_time(link).astimezone(WARSAW).date().isoformat()
    other_day = next(unescape(m) for m in DAY_LINK.findall(days) if f"day={day}" not in m)
    times = owner.get(other_day).get_data(as_text=True)
    on_another_day = request_code(owner, unescape(TIME_LINK.search(times)[1]), phone=SPELLINGS[2])
    assert on_another_day.status_code == 303, on_another_day.get_data(as_text=True)
    path = code_path(on_another_day)
    assert confirm(owner, path, sms_code(reference_of(path))).status_code == 200
