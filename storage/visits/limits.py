"""The anti-automation limits of online booking (docs/booking.md, docs/security.md): per address,
per network and per booking reference, counted in the database (storage.accounts.throttle), and
the modem's admission of a code text. Every limit is checked before any text is queued."""

from __future__ import annotations

import datetime as dt

from storage.accounts import throttle
from storage.accounts.throttle import Policy
from storage.catalog.visit_calendar import (
    CalendarRules,
)
from storage.db import unit_of_work
from storage.delivery import code_texts as visit_sms
from storage.delivery.code_texts import ModemBusy
from storage.models import (
    Visit,
)
from storage.visits.fields import as_datetime
from storage.visits.results import VisitThrottled

# An address (many applicants behind one NAT, the office's own kiosk) may make this many code
# requests, bookings and wrong codes; a confirmed code gives its request back.
ADDRESS_CODES = Policy(free_failures=12, base_delay_s=60, max_delay_s=3600)


ADDRESS_BOOKINGS = Policy(free_failures=10, base_delay_s=1800, max_delay_s=24 * 3600)


ADDRESS_FAILURES = Policy(free_failures=15, base_delay_s=60, max_delay_s=3600)


# Cancellation-code texts per booking reference, whoever asks (issue 17, F4): one at once, the next
# 10 minutes later, each further one twice as far off (20, 40, 80 min …), so never more than
# CANCEL_TEXTS_A_DAY in a day. Meanwhile a request sends nothing and the code already sent stays good.
CANCEL_TEXT_SPACING = Policy(free_failures=1, base_delay_s=600, max_delay_s=24 * 3600)


CANCEL_TEXTS_A_DAY = 8


# Unconfirmed holds (each a text to a number nobody confirmed) per network in the last hour. An
# address that has no unconfirmed code request of its own may still take one past it, up to
# NETWORK_NEWCOMER_HOLDS more: a person sharing the network with someone who spends its budget is
# not kept out at once. Bounded, because every fresh address of one network is such a newcomer
# (an outside trial sent 38 texts from one /24 in 12 minutes when the allowance had no bound): past
# it, everyone in that network waits until its oldest unconfirmed hold is an hour old.
NETWORK_HOLDS = 8


NETWORK_NEWCOMER_HOLDS = 2


NETWORK_WINDOW = dt.timedelta(hours=1)


UNCONFIRMED = ("held", "expired")


# "No text? Send it again" (issue 20, problem 7): once per hold, from the address that holds it, a
# minute after the first text went to the modem, within every limit a first code request meets.
RESEND_AFTER = dt.timedelta(seconds=60)


ONE_RESEND = Policy(free_failures=1, base_delay_s=24 * 3600, max_delay_s=24 * 3600)


def limit_key(kind: str, value: str) -> str:
    return f"visit-{kind}:{value}"[:120]


def raise_if_blocked(keys: list[str], now: dt.datetime) -> None:
    with unit_of_work():
        wait = throttle.seconds_to_wait(keys, now)
    if wait:
        raise VisitThrottled(wait)


def refuse_if_limited(client: str, now: dt.datetime) -> None:
    """A plain read: refuse an address blocked for failures, bookings or code requests."""
    raise_if_blocked([limit_key(f"{kind}-addr", client) for kind in ("fail", "book", "code")], now)


def count_code_request(client: str, now: dt.datetime) -> None:
    """Before any text: count the code request against the address (VisitThrottled when it has just
    reached its limit). The caller has refused a blocked one already (refuse_if_limited)."""
    wait = throttle.take({limit_key("code-addr", client): ADDRESS_CODES}, now)
    if wait:
        raise VisitThrottled(wait)


def give_code_request_back(client: str, now: dt.datetime) -> None:
    """A code came back confirmed (or the seat was lost before any text): it does not count against
    the address."""
    throttle.give_back_one(limit_key("code-addr", client), ADDRESS_CODES, now)


def address_is_clean(client: str, now: dt.datetime) -> bool:
    return throttle.current_count(limit_key("code-addr", client), now) == 0


def refuse_second_pending_hold(key: str, replaces: str | None, now: dt.datetime) -> None:
    """One pending hold per address: another one still waiting for its code (not the one this
    browser is replacing) must end first – at most one hold's life."""
    pending = (
        Visit.select(Visit.hold_expires_at)
        .where((Visit.client_key == key) & (Visit.state == "held") & (Visit.hold_expires_at > now))
        .where(Visit.reference != (replaces or ""))
        .order_by(Visit.hold_expires_at)
        .first()
    )
    if pending is not None:
        raise VisitThrottled(seconds_until(as_datetime(pending.hold_expires_at) - now), VisitThrottled.PENDING)


def refuse_busy_network(prefix: str, clean: bool, now: dt.datetime) -> None:
    """At most NETWORK_HOLDS unconfirmed holds from one network in the last hour; a clean address
    (no unconfirmed code request of its own) may take NETWORK_NEWCOMER_HOLDS more."""
    limit = NETWORK_HOLDS + (NETWORK_NEWCOMER_HOLDS if clean else 0)
    recent = (
        Visit.select(Visit.created_at)
        .where(
            (Visit.client_prefix == prefix) & (Visit.created_at > now - NETWORK_WINDOW) & Visit.state.in_(UNCONFIRMED)
        )
        .order_by(Visit.created_at.desc())
        .limit(limit)
    )
    times = [as_datetime(row.created_at) for row in recent]
    if len(times) >= limit:
        raise VisitThrottled(seconds_until(min(times) + NETWORK_WINDOW - now), VisitThrottled.NETWORK)


def admit(ahead: int, rules: CalendarRules) -> None:
    """Inside the queueing transaction: refuse (and so roll back) a hold whose text would wait too
    long at the modem's measured pace. Half the code's life: the estimate is only an estimate."""
    wait = (ahead + 1) * visit_sms.send_gap_s()
    limit = rules.hold.total_seconds() / 2
    if wait > limit:
        raise ModemBusy(wait, max(60, int(wait - limit) + 1))


def count_failure(client: str, now: dt.datetime) -> None:
    # Only the address: a count keyed by the phone would let a stranger who types wrong codes at
    # holds for someone's number block its owner (a code is guessed per hold anyway: 3 tries).
    throttle.record_failure({limit_key("fail-addr", client): ADDRESS_FAILURES}, now)


def seconds_until(delta: dt.timedelta) -> int:
    return max(1, int(delta.total_seconds()) + 1)
