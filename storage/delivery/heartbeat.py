"""The delivery loops' heartbeat and the channel states the desks show: one mechanism for both channels.

Each loop rewrites one row per sender (a modem, as the SMS outbox names it, or an SMTP relay,
`smtp://host:port`) at least every minute, whatever it is doing: sending, idle, waiting out quiet
hours, a relay that is down or a reconnect. The row names its channel and carries what the loop
knows (when it last looked at the outbox, how the transport answered the last try, last send,
last error; for a modem also signal and registration) and what the store knew at that moment
(that channel's rows due now, the oldest of them). `modem_state` and `mail_state` turn the
freshest row of a channel into its state; they are pure functions so the rules can be tested alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import peewee as pw

from storage.clock import utcnow
from storage.db import unit_of_work, write_transaction
from storage.delivery.lease import due
from storage.delivery.quiet_hours import QuietHours, outside_quiet
from storage.models import DeliveryHeartbeat, MailOutbox, SmsOutbox

# A loop beats at least every minute: three missed beats means it is stuck or gone.
STALE_AFTER = dt.timedelta(minutes=3)
# How long a due text may wait (quiet hours not counted) before the desks hear about it.
WAITED_TOO_LONG = dt.timedelta(minutes=5)
# The registration names sms_modem.modem gives +CREG states 1 and 5: only then can texts go out.
REGISTERED = frozenset({"home network", "roaming"})

OK, NO_SIGNAL, NOT_RUNNING, DELAYED = "ok", "no_signal", "not_running", "delayed"
# The mail channel's own states: its relay fails, or no mail loop has ever run and nothing waits.
RELAY_FAILING, NOT_CONFIGURED = "relay_failing", "not_configured"

SMS, MAIL = "sms", "mail"
OUTBOXES = {SMS: SmsOutbox, MAIL: MailOutbox}
# How a transport answered the last try, in the failure kinds of sms_modem.delivery.
TRY_OK, TRY_UNREACHABLE, TRY_REFUSED, TRY_MAYBE_SENT = "ok", "unreachable", "refused", "maybe_sent"

_PHONE_LIKE = re.compile(r"\+?\d[\d ()-]{5,}\d")
_HEX_RUN = re.compile(r"\b[0-9A-Fa-f]{16,}\b")
# An address in a relay's answer ("550 <olena@…>"); not the "user:***@host" of a masked relay URL.
_ADDRESS = re.compile(r"<?[^\s<>\"'@,;:()\[\]*]+@[\w.-]+>?")


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
    channel: str = SMS
    looked_at: dt.datetime | None = None
    last_try: str | None = None  # TRY_OK, TRY_UNREACHABLE, TRY_REFUSED or TRY_MAYBE_SENT
    last_try_code: str | None = None  # a refusal's code: smtp:451, CMS 38
    last_try_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class Heartbeat(Beat):
    """A recorded beat as read back."""

    seen_at: dt.datetime = dt.datetime.min
    queue_depth: int = 0
    oldest_due_at: dt.datetime | None = None

    def as_dict(self) -> dict:
        return {k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in dataclasses.asdict(self).items()}


@dataclasses.dataclass(frozen=True)
class ChannelState:
    """SMS `code`: ok | no_signal | not_running | delayed; `reason` says why in one word
    (no_heartbeat, stopped, stale, disconnected, not_registered, no_signal, waiting, ok).
    E-mail `code`: ok | not_running | relay_failing | delayed | not_configured; `reason`: no_heartbeat,
    stopped, stale, unreachable, refused (with `detail`, the relay's code), waiting, ok, not_configured.
    `minutes` says how long, where that matters (heartbeat age, or how long the oldest row waited)."""

    code: str
    reason: str
    minutes: int | None = None
    beat: Heartbeat | None = None
    detail: str | None = None


ModemState = ChannelState  # the name the SMS side has always used


def scrub(error: str | None) -> str | None:
    """An error as the heartbeat may keep it: no phone numbers (nor PDUs, which encode them), no
    e-mail addresses (a relay's answer may quote one)."""
    if not error:
        return None
    text = _ADDRESS.sub("<adres>", error)
    text = _HEX_RUN.sub("<pdu>", text)
    text = _PHONE_LIKE.sub("<number>", text)
    return " ".join(text.split())[:300]


def _waiting_rows(channel: str, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """How many rows wait and since when. Texts: those due now, by their due time, the same "due"
    as claim_due uses, so the figure is what the loop would take next (a text held for quiet hours
    is not late). E-mails: every one not yet sent, by the time it was queued: a relay that answers
    every try "later" (4xx) moves each e-mail's due time on, and only the queueing time still
    shows how long the applicants have been waiting."""
    table = OUTBOXES[channel]
    if channel == SMS:
        which, since = due(table, now), table.due_at
    else:
        which, since = table.state.in_(("queued", "sending")), table.created_at
    depth, oldest = table.select(pw.fn.COUNT(table.id), pw.fn.MIN(since)).where(which).scalar(as_tuple=True)
    if isinstance(oldest, str):  # SQLite hands back MIN() of a datetime column as text
        oldest = dt.datetime.fromisoformat(oldest)
    return int(depth or 0), oldest


def record(beat: Beat, now: dt.datetime | None = None) -> None:
    """Write `beat` as its sender's current row. A loop that has sent nothing (or hit no error)
    since it started keeps the row's earlier last send (last error, last try): they outlive a restart."""
    if beat.channel not in OUTBOXES:
        raise ValueError(f"heartbeat channel {beat.channel!r}: one of {', '.join(OUTBOXES)}")
    now = now or utcnow()
    values = dataclasses.asdict(beat)
    values["last_error"] = scrub(beat.last_error)
    # A modem's operator name is its own text; PostgreSQL would refuse one longer than the column.
    values["network"] = beat.network[:80] if beat.network else None
    values["registration"] = beat.registration[:40] if beat.registration else None
    values["last_try_code"] = beat.last_try_code[:40] if beat.last_try_code else None
    with write_transaction():
        depth, oldest = _waiting_rows(beat.channel, now)
        values.update(seen_at=now, queue_depth=depth, oldest_due_at=oldest)
        kept = {"last_sent_at", "last_error", "last_error_at", "last_try", "last_try_at"}
        update = {
            getattr(DeliveryHeartbeat, name): (
                pw.fn.COALESCE(getattr(pw.EXCLUDED, name), getattr(DeliveryHeartbeat, name))
                if name in kept
                else getattr(pw.EXCLUDED, name)
            )
            for name in values
            if name != "sender"
        }
        # A try's code goes with its try: an "ok" after a refusal has none, a beat with no try keeps the last.
        update[DeliveryHeartbeat.last_try_code] = pw.Case(
            None, [(pw.EXCLUDED.last_try.is_null(), DeliveryHeartbeat.last_try_code)], pw.EXCLUDED.last_try_code
        )
        row = DeliveryHeartbeat.insert(**values)
        row.on_conflict(conflict_target=[DeliveryHeartbeat.sender], update=update).execute()


def _from_row(row: DeliveryHeartbeat) -> Heartbeat:
    return Heartbeat(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Heartbeat)})


def _freshest_first(channel: str) -> pw.ModelSelect:
    return (
        DeliveryHeartbeat.select()
        .where(DeliveryHeartbeat.channel == channel)
        .order_by(DeliveryHeartbeat.seen_at.desc(), DeliveryHeartbeat.sender)
    )


def heartbeats(channel: str = SMS) -> list[Heartbeat]:
    """Every row of a channel (each modem, each relay), freshest first."""
    with unit_of_work():
        return [_from_row(row) for row in _freshest_first(channel)]


def latest(channel: str = SMS) -> Heartbeat | None:
    """The channel's freshest row: with several modems (or an old port name, or a relay moved to
    another host), the one that beat last speaks."""
    with unit_of_work():
        row = _freshest_first(channel).first()
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


def mail_state(beat: Heartbeat | None, now: dt.datetime, waiting: int = 0) -> ChannelState:
    """The header's rule for e-mail. `waiting` (e-mails not yet sent) matters only without a
    heartbeat: an office that never ran a mail loop and has nothing to send does not use e-mail,
    but one whose e-mails wait for a loop that never came must hear of it. A relay that cannot
    be reached fails the channel at once (no e-mail can go); a refusal only once e-mails have
    waited too long: greylisting (451, then accepted a minute later) is the relay's normal way,
    and one address refused for good is that e-mail's problem (its case shows it)."""
    if beat is None:
        return ChannelState(NOT_RUNNING, "no_heartbeat") if waiting else ChannelState(NOT_CONFIGURED, "not_configured")
    age = now - beat.seen_at
    if not beat.running:
        return ChannelState(NOT_RUNNING, "stopped", _minutes(age), beat)
    if age > STALE_AFTER:
        return ChannelState(NOT_RUNNING, "stale", _minutes(age), beat)
    # Up to the beat, as for texts (e-mail has no quiet hours): how long the oldest e-mail waited.
    waited = beat.seen_at - beat.oldest_due_at if beat.oldest_due_at is not None else None
    minutes = _minutes(waited) if waited is not None else None
    if beat.last_try == TRY_UNREACHABLE:
        return ChannelState(RELAY_FAILING, "unreachable", minutes, beat)
    if waited is not None and waited > WAITED_TOO_LONG:
        if beat.last_try == TRY_REFUSED:
            return ChannelState(RELAY_FAILING, "refused", minutes, beat, beat.last_try_code)
        return ChannelState(DELAYED, "waiting", minutes, beat)
    return ChannelState(OK, "ok", None, beat)


def current_mail_state(now: dt.datetime | None = None) -> ChannelState:
    now = now or utcnow()
    beat = latest(MAIL)
    if beat is not None:
        return mail_state(beat, now)
    with unit_of_work():
        waiting, _ = _waiting_rows(MAIL, now)
    return mail_state(None, now, waiting)
