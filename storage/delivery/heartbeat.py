"""The SMS loop's heartbeat and the modem state the desks show.

The loop rewrites one row per modem (its `sender`, as the outbox names it) at least every
minute, whatever it is doing: sending, idle, waiting out quiet hours or reconnecting. The row
carries what the loop knows (connected, signal, registration, last send, last error) and what
the store knew at that moment (texts due now, the oldest of them). `modem_state` turns the
freshest row into one of four states; it is a pure function so the rule can be tested alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import peewee as pw

from storage.clock import utcnow
from storage.db import unit_of_work, write_transaction
from storage.delivery.quiet_hours import QuietHours, outside_quiet
from storage.delivery.sms_outbox import due_condition
from storage.models import ModemHeartbeat, SmsOutbox

# A loop beats at least every minute: three missed beats means it is stuck or gone.
STALE_AFTER = dt.timedelta(minutes=3)
# How long a due text may wait (quiet hours not counted) before the desks hear about it.
WAITED_TOO_LONG = dt.timedelta(minutes=5)
# The registration names sms_modem.modem gives +CREG states 1 and 5: only then can texts go out.
REGISTERED = frozenset({"home network", "roaming"})

OK, NO_SIGNAL, NOT_RUNNING, DELAYED = "ok", "no_signal", "not_running", "delayed"

_PHONE_LIKE = re.compile(r"\+?\d[\d ()-]{5,}\d")
_HEX_RUN = re.compile(r"\b[0-9A-Fa-f]{16,}\b")


@dataclasses.dataclass(frozen=True)
class Beat:
    """What a loop reports about itself; the store adds the queue figures when it records it."""

    sender: str
    owner: str
    started_at: dt.datetime
    running: bool = True
    connected: bool = False
    signal: int | None = None
    network: str | None = None
    registration: str | None = None
    quiet_hours: str | None = None
    last_sent_at: dt.datetime | None = None
    last_error: str | None = None
    last_error_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Heartbeat(Beat):
    """A recorded beat as read back."""

    seen_at: dt.datetime = dt.datetime.min
    queue_depth: int = 0
    oldest_due_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in dataclasses.asdict(self).items()}


@dataclasses.dataclass(frozen=True)
class ModemState:
    """`code`: ok | no_signal | not_running | delayed. `reason` says why in one word
    (no_heartbeat, stopped, stale, disconnected, not_registered, no_signal, waiting, ok) and
    `minutes` how long, where that matters (heartbeat age, or how long the oldest text waited)."""

    code: str
    reason: str
    minutes: int | None = None
    beat: Heartbeat | None = None


def scrub(error: str | None) -> str | None:
    """An error as the heartbeat may keep it: no phone numbers (nor PDUs, which encode them)."""
    if not error:
        return None
    text = _HEX_RUN.sub("<pdu>", error)
    text = _PHONE_LIKE.sub("<number>", text)
    return " ".join(text.split())[:300]


def _due_texts(now: dt.datetime) -> tuple[int, dt.datetime | None]:
    # The same "due" as claim_due uses, so the figure is what the loop would take next.
    depth, oldest = (
        SmsOutbox.select(pw.fn.COUNT(SmsOutbox.id), pw.fn.MIN(SmsOutbox.due_at))
        .where(due_condition(now))
        .scalar(as_tuple=True)
    )
    if isinstance(oldest, str):  # SQLite hands back MIN() of a datetime column as text
        oldest = dt.datetime.fromisoformat(oldest)
    return int(depth or 0), oldest


def record(beat: Beat, now: dt.datetime | None = None) -> None:
    """Write `beat` as its sender's current row. A loop that has sent nothing (or hit no error)
    since it started keeps the row's earlier last send (last error): they outlive a restart."""
    now = now or utcnow()
    values = dataclasses.asdict(beat)
    values["last_error"] = scrub(beat.last_error)
    # A modem's operator name is its own text; PostgreSQL would refuse one longer than the column.
    values["network"] = beat.network[:80] if beat.network else None
    values["registration"] = beat.registration[:40] if beat.registration else None
    with write_transaction():
        depth, oldest = _due_texts(now)
        values.update(seen_at=now, queue_depth=depth, oldest_due_at=oldest)
        kept = {"last_sent_at", "last_error", "last_error_at"}
        update = {
            getattr(ModemHeartbeat, name): (
                pw.fn.COALESCE(getattr(pw.EXCLUDED, name), getattr(ModemHeartbeat, name))
                if name in kept
                else getattr(pw.EXCLUDED, name)
            )
            for name in values
            if name != "sender"
        }
        ModemHeartbeat.insert(**values).on_conflict(conflict_target=[ModemHeartbeat.sender], update=update).execute()


def _from_row(row: ModemHeartbeat) -> Heartbeat:
    return Heartbeat(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Heartbeat)})


def heartbeats() -> list[Heartbeat]:
    """Every modem's row, freshest first."""
    with unit_of_work():
        query = ModemHeartbeat.select().order_by(ModemHeartbeat.seen_at.desc(), ModemHeartbeat.sender)
        return [_from_row(row) for row in query]


def latest() -> Heartbeat | None:
    """The freshest row: with several modems (or an old port name), the one that beat last speaks."""
    with unit_of_work():
        row = ModemHeartbeat.select().order_by(ModemHeartbeat.seen_at.desc(), ModemHeartbeat.sender).first()
        return _from_row(row) if row else None


def _minutes(span: dt.timedelta) -> int:
    return int(span.total_seconds() // 60)


def modem_state(beat: Heartbeat | None, now: dt.datetime) -> ModemState:
    """The header's rule. Order matters: a loop that stopped or stopped beating says nothing
    true about its modem any more, and a modem that is down explains a queue better than "delayed"."""
    if beat is None:
        return ModemState(NOT_RUNNING, "no_heartbeat")
    age = now - beat.seen_at
    if not beat.running:
        return ModemState(NOT_RUNNING, "stopped", _minutes(age), beat)
    if age > STALE_AFTER:
        return ModemState(DELAYED, "stale", _minutes(age), beat)
    if not beat.connected:
        return ModemState(NOT_RUNNING, "disconnected", None, beat)
    if beat.registration not in REGISTERED:
        return ModemState(NO_SIGNAL, "not_registered", None, beat)
    if beat.signal is not None and beat.signal <= 0:
        return ModemState(NO_SIGNAL, "no_signal", None, beat)
    if beat.oldest_due_at is not None:
        quiet = QuietHours.parse(beat.quiet_hours) if beat.quiet_hours else None
        # Up to the beat, not to now: the text may have gone out since, and a false alarm costs trust.
        waited = outside_quiet(quiet, beat.oldest_due_at, beat.seen_at)
        if waited > WAITED_TOO_LONG:
            return ModemState(DELAYED, "waiting", _minutes(waited), beat)
    return ModemState(OK, "ok", None, beat)


def current_state(now: dt.datetime | None = None) -> ModemState:
    return modem_state(latest(), now or utcnow())
