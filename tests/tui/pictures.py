"""What the snapshot tests share: the app without animations, the frozen clock the pictures were
taken at, and the steps that bring a case and a dialog on screen before the picture is taken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from counter_tui.app import OkienkoApp
from counter_tui.settings import CounterSettings
from storage.clock import frozen
from tests.tui.conftest import open_case, settle

Step = Callable[[Pilot], Awaitable[None]]

FROZEN_AT = dt.datetime(2026, 11, 20, 9, 30)
MINIMUM = (120, 35)  # the documented minimum terminal size
# The applicant the case pictures show: a long name and a Ukrainian number.
PICTURED_APPLICANT = {"applicant_name": "Maria Santos Reyes", "phone": "+380 67 123 4567"}


def still_app(settings: CounterSettings) -> OkienkoApp:
    """No animations: a tab underline caught mid-slide would make the picture flaky."""
    app = OkienkoApp(settings)
    app.animation_level = "none"
    return app


def pictured(snap_compare, settings: CounterSettings, run_before: Step, size: tuple[int, int] = MINIMUM) -> bool:
    """The app at `size`, once `run_before` has run with the clock frozen, matches its stored picture."""
    with frozen(FROZEN_AT):
        return snap_compare(still_app(settings), terminal_size=size, run_before=run_before)


def on_case(number: str, *then: Step) -> Step:
    """Log in, open the case, then run each step of `then`, every one settled before the next."""

    async def run_before(pilot: Pilot) -> None:
        with frozen(FROZEN_AT):
            await open_case(pilot, number)
            for step in then:
                await step(pilot)
                await settle(pilot)

    return run_before


def keys(*names: str) -> Step:
    """A step that presses the keys in one go, as a quick hand does."""

    async def press(pilot: Pilot) -> None:
        await pilot.press(*names)

    return press


def showing(dialog: type) -> Step:
    """A step that checks the dialog is on top and clears the toasts before the picture."""

    async def check(pilot: Pilot) -> None:
        # Toasts ("Wydrukowano: …") expire on a timer: they are not what these pictures show.
        pilot.app.clear_notifications()
        assert isinstance(pilot.app.screen, dialog)

    return check
