"""Recording an outcome the outside world has already produced (a text the modem sent, a mail the
relay accepted), riding out a short database outage: giving up would leave the row to be sent
again when its lease runs out. Shared by the SMS loop and the mail loop."""

from __future__ import annotations

import logging
from collections.abc import Callable


def persist(
    record: Callable[..., object],
    *args: object,
    wait: Callable[[float], object],
    log: logging.Logger,
    unavailable: type[Exception],
) -> None:
    """Call `record(*args)`, trying again after `wait(seconds)` while it raises `unavailable` (the
    loop's own facade's StoreUnavailable: each loop reaches the store only through its facade), up to
    seven times, 2–15 s apart; a `wait` that answers true (the loop is stopping) ends the waiting
    early. The last try's failure is raised; each earlier one is logged to the loop's `log`."""
    for attempt in range(1, 8):
        try:
            record(*args)
            return
        except unavailable as exc:
            log.error("database unavailable while recording (try %d): %s", attempt, exc.detail)
            if wait(min(2**attempt, 15)):
                break
    record(*args)
