"""What the booking rules answer: the refusals (each a DomainError naming its field) and the values
handed to the portal and the desk – never a name or a phone."""

from __future__ import annotations

import dataclasses
import datetime as dt

from storage.errors import DomainError


class SlotTaken(DomainError):
    """The chosen time has no free seat any more."""

    def __init__(self) -> None:
        super().__init__("starts_at", "ten termin nie jest już wolny – wybierz inny")


class WrongCode(DomainError):
    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        rule = f"zły kod – pozostałe próby: {tries_left}" if tries_left else "zły kod – kod jest już nieważny"
        super().__init__("code", rule)


class CodeExpired(DomainError):
    def __init__(self) -> None:
        super().__init__("code", "kod wygasł – termin został zwolniony")


class VisitThrottled(DomainError):
    """Not now, come back in `retry_after_s`. `reason` says why, for the applicant's page:
    LIMITS (too many code requests, bookings or wrong codes from this address), PENDING (another
    hold from this address waits for its code), NETWORK (too many unconfirmed holds from this
    network in the last hour), MODEM (the queue of texts is too long for a code to go out in time)."""

    LIMITS, PENDING, NETWORK, MODEM = "limits", "pending", "network", "modem"
    RULES = {
        LIMITS: "zbyt wiele prób",
        PENDING: "inna rezerwacja z tego adresu czeka na kod",
        NETWORK: "zbyt wiele niepotwierdzonych rezerwacji z tej sieci",
        MODEM: "kolejka SMS jest za długa, kod nie wyszedłby na czas",
    }

    def __init__(self, retry_after_s: int, reason: str = LIMITS) -> None:
        self.retry_after_s = max(1, int(retry_after_s))
        self.reason = reason
        super().__init__("client", f"{self.RULES[reason]} – spróbuj ponownie za {self.retry_after_s} s")


@dataclasses.dataclass(frozen=True)
class VisitDay:
    day: dt.date
    free: int
    open: bool  # the group takes visits that day and it lies in the booking window


@dataclasses.dataclass(frozen=True)
class VisitTime:
    starts_at: dt.datetime  # naive UTC
    local: str  # "HH:MM" in Warsaw
    free: int


@dataclasses.dataclass(frozen=True)
class HeldVisit:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    hold_expires_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class VisitConfirmation:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    local_date: dt.date
    local_time: str
    # What to bring, each document's label per language ({lang: label}); empty except for filings.
    documents: list[dict[str, str]]


@dataclasses.dataclass(frozen=True)
class PublicVisit:
    reference: str
    office: str
    group: str
    starts_at: dt.datetime
    state: str
    local_date: dt.date
    local_time: str


class PhoneHasVisit(DomainError):
    """The phone already has a visit that day, in a group limited to one a day."""

    def __init__(self) -> None:
        super().__init__("phone", "na ten numer jest już zarezerwowana wizyta tego dnia (jedna wizyta dziennie)")


@dataclasses.dataclass(frozen=True)
class CodeResend:
    """What the code page may offer: `offered_at` (UTC), the moment a resend becomes possible
    (None while the first text has not gone to the modem); `used` once the one resend was taken."""

    offered_at: dt.datetime | None
    used: bool
    ready: bool  # offered now: the minute has passed and the one resend is still to be had
