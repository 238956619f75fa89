"""The modem's state in the header: read in a worker from the heartbeat, refreshed on a timer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from counter_tui.widgets.delivery_status import DeliveryStatus
from storage import db as storage_db
from storage.clock import utcnow
from storage.delivery import heartbeat
from tests.tui.conftest import log_in, press, settle, until

SIZE = (130, 40)


def header_text(pilot) -> str:
    """What the header says, or "" while a new screen's header is still being put together."""
    shown = pilot.app.screen.query(DeliveryStatus)
    return str(shown.first().render()) if shown else ""


def _beat(**kw) -> heartbeat.Beat:
    values = dict(sender="desk:/dev/ttyUSB0", owner="desk:1", started_at=utcnow(), connected=True, signal=20,
                  network="Orange PL", registration="home network")  # fmt: skip
    values.update(kw)
    return heartbeat.Beat(**values)


async def test_header_shows_the_state_and_follows_the_heartbeat(app, monkeypatch):
    monkeypatch.setenv("OKIENKO_MODEM_REFRESH_S", "0.2")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not pilot.app.screen.query(DeliveryStatus)  # nothing before login
        await log_in(pilot)
        assert header_text(pilot) == "Modem: nie działa"  # no heartbeat yet
        heartbeat.record(_beat())
        await until(pilot, lambda: header_text(pilot) == "Modem: OK", "Modem: OK")
        heartbeat.record(_beat(registration="searching"))
        await until(pilot, lambda: header_text(pilot) == "Modem: brak sygnału", "Modem: brak sygnału")
        pilot.app.open_register()
        await until(pilot, lambda: header_text(pilot) == "Modem: brak sygnału", "the new screen's header too")
        heartbeat.record(dataclasses.replace(_beat(), started_at=utcnow()), now=utcnow().replace(year=2020))
        heartbeat.record(_beat(sender="desk:/dev/ttyUSB1", running=False))
        await until(pilot, lambda: header_text(pilot) == "Modem: nie działa", "Modem: nie działa")
        assert pilot.app.screen.query_one(DeliveryStatus).has_class("-error")


async def test_header_says_unknown_when_the_store_cannot_be_read(app, store, monkeypatch):
    monkeypatch.setenv("OKIENKO_MODEM_REFRESH_S", "0.2")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        assert header_text(pilot) == "Modem: nie działa"
        path = Path(store.url.removeprefix("sqlite:///"))
        storage_db.close_database()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(b"not a database " * 300)
        await until(pilot, lambda: header_text(pilot) == "Modem: ?", "Modem: ?")
        assert pilot.app.screen.query_one(DeliveryStatus).has_class("-warning")
        await press(pilot, "f5")  # the screen still answers keys
