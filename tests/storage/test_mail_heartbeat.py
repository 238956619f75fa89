"""The e-mail channel's heartbeat in the store (issue 18): the state rule the desks' header shows,
the privacy of what a row keeps, and a kept store upgrading to the table both channels share."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from playhouse.migrate import SchemaMigrator

import storage
from storage import schema
from storage.clock import utcnow
from storage.db import database, unit_of_work
from storage.delivery import heartbeat
from storage.delivery.heartbeat import (
    DELAYED,
    MAIL,
    NOT_CONFIGURED,
    NOT_RUNNING,
    OK,
    RELAY_FAILING,
    Beat,
    Heartbeat,
    mail_state,
)
from tests.helpers import CLERK, register

NOW = dt.datetime(2026, 3, 10, 9, 0)
FRESH = Heartbeat(sender="smtp://relay.urzad.local:587", owner="desk:mail:7", started_at=NOW, channel=MAIL,
                  seen_at=NOW, looked_at=NOW, last_try="ok", last_try_at=NOW)  # fmt: skip
MIN = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    "changes, now, code, reason, minutes",
    [
        ({}, NOW, OK, "ok", None),
        ({"running": False}, NOW + 12 * MIN, NOT_RUNNING, "stopped", 12),
        ({}, NOW + 3 * MIN, OK, "ok", None),  # three minutes is still one missed beat short of stale
        ({}, NOW + 12 * MIN, NOT_RUNNING, "stale", 12),  # killed: nobody rewrites the row
        ({"last_try": "unreachable", "queue_depth": 1, "oldest_due_at": NOW - 7 * MIN}, NOW, RELAY_FAILING,
         "unreachable", 7),
        ({"last_try": "refused", "last_try_code": "smtp:421", "queue_depth": 2, "oldest_due_at": NOW - 6 * MIN},
         NOW, RELAY_FAILING, "refused", 6),
        # Greylisting: "later" once, accepted a minute on; nobody has waited long, nothing to say.
        ({"last_try": "refused", "last_try_code": "smtp:451", "queue_depth": 1, "oldest_due_at": NOW - MIN}, NOW,
         OK, "ok", None),
        # One address refused for good and nothing waiting: that e-mail's problem, not the channel's.
        ({"last_try": "refused", "last_try_code": "smtp:550"}, NOW, OK, "ok", None),
        ({"last_try": "maybe_sent"}, NOW, OK, "ok", None),
        ({"queue_depth": 3, "oldest_due_at": NOW - 9 * MIN}, NOW, DELAYED, "waiting", 9),
        ({"queue_depth": 3, "oldest_due_at": NOW - 4 * MIN}, NOW, OK, "ok", None),
    ],
)  # fmt: skip
def test_mail_state_rule(changes, now, code, reason, minutes):
    state = mail_state(dataclasses.replace(FRESH, **changes), now)
    assert (state.code, state.reason, state.minutes) == (code, reason, minutes)
    if reason == "refused":
        assert state.detail == "smtp:421"


def test_no_mail_heartbeat_is_not_configured_unless_mails_wait():
    assert mail_state(None, NOW).code == NOT_CONFIGURED
    assert (mail_state(None, NOW, waiting=2).code, mail_state(None, NOW, waiting=2).reason) == (
        NOT_RUNNING,
        "no_heartbeat",
    )


def test_the_heartbeat_keeps_no_e_mail_address():
    said = "550 5.1.1 <olena.kowalenko@example.com>: Recipient address rejected, smtp.example.com"
    kept = heartbeat.scrub(said)
    assert "olena" not in kept and "@" not in kept and kept.startswith("550 5.1.1 <adres>")


def test_each_channel_reads_only_its_own_rows_and_counts_its_own_outbox(store):
    filing = register(email="applicant@example.com")
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)  # queues one text and one e-mail
    at = utcnow()
    heartbeat.record(Beat(sender="desk:/dev/ttyUSB0", owner="desk:1", started_at=at, connected=True,
                          registration="home network", signal=20), now=at)  # fmt: skip
    assert heartbeat.current_mail_state(at).reason == "no_heartbeat"  # an e-mail waits, no loop beat yet
    heartbeat.record(Beat(sender="smtp://127.0.0.1:2525", owner="desk:mail:2", started_at=at, channel=MAIL,
                          last_try="refused", last_try_code="smtp:451 " + "x" * 60,
                          last_error="451 <applicant@example.com> try later"), now=at)  # fmt: skip
    (sms,) = heartbeat.heartbeats()
    (mail,) = heartbeat.heartbeats(MAIL)
    assert (sms.channel, mail.channel) == ("sms", "mail") and heartbeat.latest().sender == "desk:/dev/ttyUSB0"
    assert (mail.queue_depth, mail.oldest_due_at is not None) == (1, True)
    assert len(mail.last_try_code) == 40 and "applicant" not in mail.last_error
    assert heartbeat.current_mail_state(at).reason == "ok"  # refused a moment ago: maybe greylisting
    assert heartbeat.current_mail_state(at + dt.timedelta(minutes=1)).reason == "ok"
    restarted = Beat(sender="smtp://127.0.0.1:2525", owner="desk:mail:3", started_at=at, channel=MAIL)
    heartbeat.record(restarted, now=at)  # no try yet: the last one's answer and code stay
    kept = heartbeat.latest(MAIL)
    assert (kept.last_try, kept.last_try_code) == ("refused", "smtp:451 " + "x" * 31)
    heartbeat.record(dataclasses.replace(restarted, last_try="ok", last_try_at=at), now=at)
    answered = heartbeat.latest(MAIL)
    assert (answered.last_try, answered.last_try_code) == ("ok", None)
    with pytest.raises(ValueError, match="channel 'fax'"):
        heartbeat.record(dataclasses.replace(FRESH, channel="fax"))


def test_migration_0023_upgrades_a_kept_store_and_keeps_its_modem_row(store):
    seen = utcnow()
    heartbeat.record(Beat(sender="desk:/dev/ttyUSB0", owner="desk:1", started_at=seen, connected=True, signal=17,
                          registration="roaming", network="Play", last_sent_at=seen), now=seen)  # fmt: skip
    added = ("channel", "looked_at", "last_try", "last_try_code", "last_try_at")
    with unit_of_work():  # the table as a store before 0023 has it
        migrator = SchemaMigrator.from_database(database.obj)
        for column in added:
            migrator.drop_column("modem_heartbeat", column).run()
        database.execute_sql("DELETE FROM schema_migration WHERE name = '0023_mail_heartbeat'")
        before = {c.name for c in database.get_columns("modem_heartbeat")}
    assert not before & set(added)
    assert schema.pending_migrations() == ["0023_mail_heartbeat"]
    assert schema.migrate() == ["0023_mail_heartbeat"]
    assert schema.schema_drift() == ""
    assert schema.migrate() == []
    (row,) = heartbeat.heartbeats()
    assert (row.sender, row.channel, row.signal, row.network, row.seen_at) == ("desk:/dev/ttyUSB0", "sms", 17,
                                                                               "Play", seen)  # fmt: skip
    assert heartbeat.current_state(seen).code == OK
    assert heartbeat.heartbeats(MAIL) == [] and heartbeat.current_mail_state(seen).code == NOT_CONFIGURED
