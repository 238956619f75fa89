"""The heartbeat table and the modem-state rule the desks' header shows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

import storage
from storage import schema
from storage.db import database, unit_of_work
from storage.delivery import heartbeat
from storage.delivery.heartbeat import DELAYED, NO_SIGNAL, NOT_RUNNING, OK, Beat, Heartbeat, modem_state
from storage.delivery.quiet_hours import QuietHours
from tests.helpers import CLERK, register

NOON = dt.datetime(2026, 11, 23, 11, 0)  # naive UTC: 12:00 in Warsaw


def beat(**kw) -> Heartbeat:
    values = dict(sender="host:/dev/ttyUSB0", owner="host:1", started_at=NOON - dt.timedelta(hours=1), seen_at=NOON,
                  connected=True, signal=20, network="Orange PL", registration="home network",
                  quiet_hours="20:00-08:00")  # fmt: skip
    values.update(kw)
    return Heartbeat(**values)


@pytest.mark.parametrize(
    ("changes", "now", "code", "reason"),
    [
        ({}, NOON + dt.timedelta(seconds=30), OK, "ok"),
        ({"running": False}, NOON, NOT_RUNNING, "stopped"),
        ({}, NOON + dt.timedelta(minutes=3, seconds=1), DELAYED, "stale"),
        ({}, NOON + dt.timedelta(minutes=3), OK, "ok"),
        ({"connected": False}, NOON, NOT_RUNNING, "disconnected"),
        ({"registration": "searching"}, NOON, NO_SIGNAL, "not_registered"),
        ({"signal": 0}, NOON, NO_SIGNAL, "no_signal"),
        ({"signal": None}, NOON, OK, "ok"),  # 99: the modem does not know, the network still takes texts
        ({"oldest_due_at": NOON - dt.timedelta(minutes=5)}, NOON, OK, "ok"),
        ({"oldest_due_at": NOON - dt.timedelta(minutes=6)}, NOON, DELAYED, "waiting"),
        # Stale wins over disconnected: an old row says nothing true about the modem now.
        ({"connected": False}, NOON + dt.timedelta(minutes=10), DELAYED, "stale"),
    ],
)
def test_modem_state_rule(changes, now, code, reason):
    state = modem_state(beat(**changes), now)
    assert (state.code, state.reason) == (code, reason)


def test_no_heartbeat_means_not_running():
    assert modem_state(None, NOON).code == NOT_RUNNING


def test_waiting_through_quiet_hours_is_not_delayed():
    # Queued at 19:58 Warsaw (18:58 UTC), quiet from 20:00 to 08:00.
    queued = dt.datetime(2026, 11, 22, 18, 58)
    morning = dt.datetime(2026, 11, 23, 7, 2)  # 08:02 Warsaw: 2 + 2 minutes of waiting count
    assert modem_state(beat(seen_at=morning, oldest_due_at=queued), morning).code == OK
    later = dt.datetime(2026, 11, 23, 7, 4)  # 08:04: 2 + 4 = 6 minutes
    state = modem_state(beat(seen_at=later, oldest_due_at=queued), later)
    assert (state.code, state.minutes) == (DELAYED, 6)
    night = dt.datetime(2026, 11, 22, 23, 0)  # in quiet hours: 2 minutes counted, however long the night
    assert modem_state(beat(seen_at=night, oldest_due_at=queued), night).code == OK
    no_quiet = beat(seen_at=night, oldest_due_at=queued, quiet_hours=None)
    assert modem_state(no_quiet, night).code == DELAYED


def test_quiet_hours_across_the_dst_change():
    quiet = QuietHours.parse("20:00-08:00")
    # 2026-10-25: clocks go back at 03:00 Warsaw, so that night lasts 13 hours (19:00 → 07:00 UTC).
    since, until = dt.datetime(2026, 10, 24, 17, 0), dt.datetime(2026, 10, 25, 8, 0)
    assert quiet.outside_between(since, until) == dt.timedelta(hours=2)
    assert str(quiet) == "20:00-08:00" and QuietHours.parse("off") is None
    assert quiet.contains(dt.datetime(2026, 10, 25, 6, 30)) and not quiet.contains(dt.datetime(2026, 10, 25, 7, 0))


def test_scrub_removes_numbers_and_pdus():
    text = heartbeat.scrub("CMS 500 sending to +48 501 234 567: 0011000B918405214365F70000AA0BC8329BFD06 failed")
    assert "501" not in text and "0011000B" not in text and text.startswith("CMS 500")


def _sent_text() -> None:
    filing = register()
    storage.set_stage(filing.number, "formal_check", clerk=CLERK)


def test_record_upserts_one_row_per_sender_with_queue_figures(store):
    started = storage.clock.utcnow()
    _sent_text()
    first = Beat(sender="desk:/dev/ttyUSB0", owner="desk:10", started_at=started, connected=True, signal=17,
                 network="Play", registration="roaming", quiet_hours="20:00-08:00", last_sent_at=started,
                 last_error="CMS 500 to +48 501 234 567", last_error_at=started)  # fmt: skip
    heartbeat.record(first)
    (row,) = heartbeat.heartbeats()
    assert row.queue_depth == 1 and row.oldest_due_at is not None and row.registration == "roaming"
    assert "501" not in row.last_error and row.last_sent_at == started
    later = started + dt.timedelta(minutes=1)
    # A restarted loop that has not sent yet keeps the row's last send and last error.
    heartbeat.record(dataclasses.replace(first, owner="desk:11", connected=False, last_sent_at=None,
                                         last_error=None, last_error_at=None), now=later)  # fmt: skip
    (row,) = heartbeat.heartbeats()
    assert (row.owner, row.connected, row.seen_at) == ("desk:11", False, later)
    assert row.last_sent_at == started and row.last_error.startswith("CMS 500")
    heartbeat.record(dataclasses.replace(first, sender="desk:/dev/ttyUSB1"), now=later + dt.timedelta(seconds=5))
    assert [b.sender for b in heartbeat.heartbeats()] == ["desk:/dev/ttyUSB1", "desk:/dev/ttyUSB0"]
    assert heartbeat.latest().sender == "desk:/dev/ttyUSB1"
    assert heartbeat.current_state(later + dt.timedelta(seconds=10)).code == OK


def test_migration_0010_adds_the_table_to_an_older_store(store):
    with unit_of_work():
        database.execute_sql("DROP TABLE modem_heartbeat")
        # 0023 adds columns to the table 0010 makes: a store without the table has neither.
        both = "('0010_modem_heartbeat', '0023_mail_heartbeat')"
        database.execute_sql(f"DELETE FROM schema_migration WHERE name IN {both}")
    assert {"0010_modem_heartbeat", "0023_mail_heartbeat"} <= set(schema.pending_migrations())
    assert {"0010_modem_heartbeat", "0023_mail_heartbeat"} <= set(schema.migrate())
    assert schema.schema_drift() == ""
    assert schema.migrate() == []
    assert heartbeat.current_state().reason == "no_heartbeat"
