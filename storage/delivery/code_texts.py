"""Code texts for visits, and what keeps the modem – the office's scarcest resource, each text paid
for – for the people who are really waiting for a code (docs/security.md, what protects applicants).

- Where a hold came from is kept no more precisely than the limits need: the client's network
  (IPv4 /24, IPv6 /64, `client_prefix`) and, while the hold is pending, a digest of the address
  (`client_key`). Never the address itself on a visit or a text.
- Texts queue in lanes: a code text in its client's network's lane, the office's own texts (stage
  changes, messages) in one lane of their own. Each text gets a turn when it is queued – one after
  the last text still waiting in its lane, never before the head of the queue – and the loop takes
  the lowest turn that is due. So one network with many texts waiting sends one per round like
  everyone else, and the office's texts keep their share.
- A code's life starts when the loop hands its text to the modem (outbox.record_sent), not when
  it is queued; before that the hold only has a deadline by which the text must go.
- Admission: a hold whose text would wait longer than `MAX_CODE_WAIT` at the modem's measured rate
  is not taken (ModemBusy, with when to come back).

On PostgreSQL the portal's role may not touch the outbox table at all: it queues a code text only
through `okienko_queue_visit_code`, a SECURITY DEFINER function that takes a visit and a code – the
recipient is the visit's phone and the text the code template, and the code must be the one the
visit stores (its hash) – and drops dead code texts through `okienko_drop_visit_codes`. A booking's
confirmation text (date, time, office, reference: a visit text without a code) goes through
`okienko_queue_visit_booked`, only from the transaction that booked the visit, once. The same
rules run in Python on SQLite (storage.delivery.sms_outbox).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import itertools

from storage.db import database, is_postgres
from storage.models import SmsOutbox

OFFICE_LANE = "office"  # stage and message texts: one lane, whatever their number
CODE_PRIORITY = 10  # storage.delivery.sms_outbox's: a code text goes before the office's texts of the same turn
BOOKED_PRIORITY = 9  # a booking's confirmation text: after the code texts of its turn, before the office's
UNSENT = ("queued", "sending")
# A real modem sends 6–10 texts a minute; until this one has been measured, assume the slow end.
DEFAULT_SEND_GAP_S = 10.0
# Gaps between sends longer than this are idle time, not the modem's pace.
IDLE_GAP_S = 60.0
MEASURED_SENDS = 21
MIN_MEASURED_GAPS = 3
# The lower fifth of the recent gaps: a busy queue goes at the modem's pace, idle moments only
# lengthen gaps, so the short end is the pace.
GAP_PERCENTILE = 0.2


class ModemBusy(Exception):
    """The queue ahead of this text is too long for its code to go out in time."""

    def __init__(self, wait_s: float, retry_after_s: int) -> None:
        self.wait_s = wait_s
        self.retry_after_s = retry_after_s
        super().__init__(f"kolejka SMS: kod wyszedłby za {round(wait_s)} s – spróbuj ponownie za {retry_after_s} s")


def client_prefix(address: str) -> str:
    """The client's network as the limits count it: IPv4 /24, IPv6 /64 (an IPv4-mapped IPv6
    address counts as IPv4). Anything that is not an address is kept as given (tests, unix sockets)."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:50]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    bits = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{bits}", strict=False))


def code_hash(reference: str, purpose: str, code: str) -> str:
    # Hashed so that a copy of the table shows no live code; the reference and purpose salt it.
    # okienko_queue_visit_code computes the same in SQL.
    return hashlib.sha256(f"{reference}:{purpose}:{code.strip()}".encode()).hexdigest()


def client_key(address: str) -> str:
    """A digest of the address for the pending hold (never the address on a visit)."""
    return hashlib.sha256(f"okienko-visit-client:{address.strip()}".encode()).hexdigest()[:20]


# ---------------------------------------------------------------- the modem's pace


def send_gap_s() -> float:
    """Seconds between texts at the modem's measured pace (DEFAULT_SEND_GAP_S before there is one)."""
    if is_postgres():
        (gap,) = database.execute_sql("SELECT okienko_sms_send_gap()").fetchone()
        return float(gap) if gap else DEFAULT_SEND_GAP_S
    recent = [
        _as_datetime(at)
        for (at,) in SmsOutbox.select(SmsOutbox.sent_at)
        .where(SmsOutbox.sent_at.is_null(False))
        .order_by(SmsOutbox.sent_at.desc())
        .limit(MEASURED_SENDS)
        .tuples()
    ]
    gaps = sorted(gap for a, b in itertools.pairwise(recent) if 0 < (gap := (a - b).total_seconds()) <= IDLE_GAP_S)
    if len(gaps) < MIN_MEASURED_GAPS:
        return DEFAULT_SEND_GAP_S
    return _percentile(gaps, GAP_PERCENTILE)


def _percentile(ordered: list[float], fraction: float) -> float:
    """As PostgreSQL's percentile_cont: linear between the two neighbouring values."""
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _as_datetime(value: object) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def next_turn(lane: str, now: dt.datetime) -> int:
    """The turn of a text queued now in `lane` (inside the queueing transaction): one after the
    lane's last waiting text, never before the head of the queue (the lowest turn due or being sent)."""
    due = (SmsOutbox.state == "sending") | ((SmsOutbox.state == "queued") & (SmsOutbox.due_at <= now))
    head = SmsOutbox.select(SmsOutbox.turn).where(due).order_by(SmsOutbox.turn).limit(1).scalar()
    if head is None:
        head = SmsOutbox.select(SmsOutbox.turn).order_by(SmsOutbox.turn.desc()).limit(1).scalar() or 0
    last = (
        SmsOutbox.select(SmsOutbox.turn)
        .where((SmsOutbox.lane == lane) & SmsOutbox.state.in_(UNSENT))
        .order_by(SmsOutbox.turn.desc())
        .limit(1)
        .scalar()
    )
    return max(head, last + 1) if last is not None else head


def texts_ahead(row_id: int, turn: int) -> int:
    """Texts waiting that go before a code text (claim_due: by turn, a code text before the
    office's texts of the same turn, then by id)."""
    same_turn_before = (SmsOutbox.turn == turn) & (SmsOutbox.priority >= CODE_PRIORITY) & (SmsOutbox.id < row_id)
    return SmsOutbox.select().where(SmsOutbox.state.in_(UNSENT) & ((SmsOutbox.turn < turn) | same_turn_before)).count()


# ---------------------------------------------------------------- PostgreSQL: what the portal's role may call

# The SECURITY DEFINER functions themselves are written once, in the migrations that made them (0018: a
# code text, dropping dead ones, the modem's pace; 0021: the booking's confirmation text and when a visit's
# first text went to the modem – the code page offers a resend a minute after); a fresh store gets the same
# statements (storage.schema). They are owned by the store's owner; the portal's role gets EXECUTE
# (storage.admin.roles) and no right on sms_outbox itself. Each pins its search_path, so a caller's own
# objects cannot stand in for the tables.
# What storage.admin.roles grants the portal's role.
PG_FUNCTION_SIGNATURES = (
    "okienko_queue_visit_code(bigint, text, text, timestamp)",
    "okienko_drop_visit_codes(bigint, text, timestamp)",
    "okienko_sms_send_gap()",
    "okienko_queue_visit_booked(bigint, text, timestamp)",
    "okienko_visit_code_sent_at(bigint)",
)
