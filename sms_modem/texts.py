"""What the applicant's phone shows: that the stage changed, or that the office left a message,
and where to look; or a visit booking's code and the office. Nothing else.

No name, no case number, no amount, no request to pay or to act. Polish is written without
diacritics so it stays GSM-7 (160 characters); Russian and Ukrainian need UCS-2, which
allows 70 characters. Every text must fit one SMS: a multipart send can fail half-way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from gsmmodem.pdu import encodeGsm7

GSM7_LIMIT = 160
UCS2_LIMIT = 70

# Every text opens with its sender: an unsigned link is exactly what the credential letter
# warns against. "PUW Gdansk" is the office's own short name (letters, signs, the portal);
# in Russian and Ukrainian (70 characters with the address) only the short name fits.
SENDER = "PUW Gdansk"
TEMPLATES = {
    "pl": "Pomorski Urzad Wojewodzki (PUW Gdansk), Oddzial ds. Cudzoziemcow: zmienil sie etap Twojej sprawy. "
    "Szczegoly: {url}",
    "en": "Pomeranian Voivodeship Office (PUW Gdansk), Foreigners Department: the stage of your case has changed. "
    "Details: {url}",
    "ru": "PUW Gdansk: этап дела изменён {url}",
    "uk": "PUW Gdansk: етап справи змінено {url}",
}

# The message itself is never in the text (it may name documents or dates: seed 001 keeps
# texts free of anything personal or any request); only that one is waiting on the portal.
MESSAGE_TEMPLATES = {
    "pl": "Pomorski Urzad Wojewodzki (PUW Gdansk), Oddzial ds. Cudzoziemcow: masz nowa wiadomosc z urzedu. "
    "Przeczytaj: {url}",
    "en": "Pomeranian Voivodeship Office (PUW Gdansk), Foreigners Department: you have a new message from the "
    "office. Read it: {url}",
    "ru": "PUW Gdansk: новое сообщение {url}",
    "uk": "PUW Gdansk: нове повідомлення {url}",
}
# A visit booking's code: only the code and the office, nothing about the person or the matter.
# {office} is the town in plain letters (storage keeps it GSM-7: "Slupsk"); every office's name
# must leave the text one SMS (check_all tries the longest one the office list can give).
VISIT_CODE_TEMPLATES = {
    "pl": "PUW Gdansk: kod wizyty w urzedzie ({office}): {code}",
    "en": "PUW Gdansk: your code for the visit at the office ({office}): {code}",
    "ru": "PUW Gdansk: код для визита в ведомство ({office}): {code}",
    "uk": "PUW Gdansk: код для візиту до установи ({office}): {code}",
}
# A booked visit: its day, time, office and reference (what cancelling online asks for), never the
# name or the matter. In Russian and Ukrainian only this much fits 70 characters with the longest
# office name; "№" is one character there.
VISIT_BOOKED_TEMPLATES = {
    "pl": "PUW Gdansk: wizyta w urzedzie ({office}) zarezerwowana na {day} godz. {time}. "
    "Numer rezerwacji (do odwolania): {reference}",
    "en": "PUW Gdansk: your visit at the office ({office}) is booked for {day} at {time}. "
    "Booking reference (to cancel): {reference}",
    "ru": "PUW Gdansk: визит {day} {time}, {office}, №{reference}",
    "uk": "PUW Gdansk: візит {day} {time}, {office}, №{reference}",
}
KINDS = {
    "stage": TEMPLATES,
    "message": MESSAGE_TEMPLATES,
    "visit_code": VISIT_CODE_TEMPLATES,
    "visit_booked": VISIT_BOOKED_TEMPLATES,
}
# The longest office name a code text must carry (one SMS in every language); longer ones are cut.
OFFICE_NAME_MAX = 20
SAMPLE_CODE = "000000"
# A booking reference as long as the texts allow (storage.visits: office code, "-", six letters;
# the catalogue's office codes have three letters, one more still fits) and a sample day.
SAMPLE_REFERENCE = "XXXX-XXXXXX"
SAMPLE_DAY = dt.date(2027, 12, 31)


class TextTooLong(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Encoding:
    name: str  # "GSM-7" or "UCS-2"
    units: int  # septets or UTF-16 code units
    limit: int

    @property
    def fits(self) -> bool:
        return self.units <= self.limit


def encoding_of(text: str) -> Encoding:
    try:
        septets = len(encodeGsm7(text))  # extension characters count twice, as on the air
    except ValueError:
        return Encoding("UCS-2", len(text.encode("utf-16-be")) // 2, UCS2_LIMIT)
    return Encoding("GSM-7", septets, GSM7_LIMIT)


def text_for(
    kind: str,
    language: str,
    portal_url: str,
    code: str | None = None,
    office: str | None = None,
    *,
    reference: str | None = None,
    day: dt.date | None = None,
    time: str | None = None,
) -> str:
    """The text of one kind ("stage", "message", "visit_code" or "visit_booked") in a language,
    refused if over one SMS."""
    templates = KINDS[kind]
    values = {"url": portal_url}
    if kind == "visit_code":
        values = {"code": code or "", "office": (office or "")[:OFFICE_NAME_MAX]}
    elif kind == "visit_booked":
        values = {
            "office": (office or "")[:OFFICE_NAME_MAX],
            "reference": reference or "",
            "day": f"{day:%d.%m.%Y}" if day else "",
            "time": time or "",
        }
    text = templates.get(language, templates["pl"]).format(**values)
    encoding = encoding_of(text)
    if not encoding.fits:
        raise TextTooLong(
            f"the {language} {kind} text is {encoding.units} {encoding.name} units, over one SMS "
            f"({encoding.limit}); shorten the portal address"
        )
    return text


def stage_changed_text(language: str, portal_url: str) -> str:
    return text_for("stage", language, portal_url)


def check_all(portal_url: str) -> None:
    """Refuse to start with a portal address that makes any text longer than one SMS."""
    for kind, templates in KINDS.items():
        for language in templates:
            text_for(kind, language, portal_url, SAMPLE_CODE, "X" * OFFICE_NAME_MAX,
                     reference=SAMPLE_REFERENCE, day=SAMPLE_DAY, time="23:59")  # fmt: skip
