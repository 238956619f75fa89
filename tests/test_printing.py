"""The printed papers, read back with pypdf: dates, the replacement note, the portal and the barcode."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

import storage
from counter_tui.printing import render_credential_letter, render_filing_receipt
from tests.helpers import CLERK, CLERK_SLU, register

PORTAL = "https://okienko.example/status"


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _bars(pdf: bytes) -> int:
    """Filled rectangles on the first page: Code 39 draws five bars per character."""
    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    return len(re.findall(r"re\s+f", content))


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "pl"])
def test_letter_is_dated_says_it_replaces_earlier_passwords_and_carries_the_barcode(store, lang):
    filing = register(language=lang)
    data = storage.credential_letter(filing.number)
    pdf = render_credential_letter(data, filing.password, PORTAL, issued_on=dt.date(2026, 11, 20))
    text = _text(pdf)
    assert "20.11.2026" in text
    assert "zastępuje każde wcześniejsze hasło" in text  # the Polish half is always there
    replaces = {"uk": "замінює будь-який попередній", "ru": "заменяет любой прежний", "en": "replaces any earlier",
                "pl": "zastępuje"}  # fmt: skip
    assert replaces[lang] in text
    # Start and stop characters plus every character of the number, dashes included.
    assert _bars(pdf) == 5 * (len(data.display_number) + 2)
    assert re.fullmatch(r"\d{2}-\d{6}-\d", data.display_number)


def test_receipt_carries_the_portal_and_the_barcode(store):
    filing = register(missing=["photos"])
    data = storage.filing_receipt(filing.number)
    pdf = render_filing_receipt(data, dt.datetime(2026, 11, 20, 10, 0), PORTAL)
    text = _text(pdf)
    assert PORTAL in text and data.display_number in text
    assert _bars(pdf) == 5 * (len(data.display_number) + 2)


TITLE = {"pl": "Potwierdzenie złożenia wniosku", "en": "Confirmation that the application was filed",
         "uk": "Підтвердження подання заяви", "ru": "Подтверждение подачи заявления"}  # fmt: skip
INFORMATIONAL = {"pl": "charakter wyłącznie informacyjny", "en": "for information only",
                 "uk": "лише інформаційний характер", "ru": "только информационный характер"}  # fmt: skip
HOURS = {"pl": "Godziny obsługi: pon., śr.–pt. 09:00–14:00; wt. 11:00–18:00",
         "en": "Opening hours: Mon, Wed–Fri 09:00–14:00; Tue 11:00–18:00",
         "uk": "Години прийому: пн, ср–пт 09:00–14:00; вт 11:00–18:00"}  # fmt: skip


AMOUNT = re.compile(r"\d+ zł")


def _receipt(number: str) -> str:
    return _text(render_filing_receipt(storage.filing_receipt(number), dt.datetime(2026, 11, 20, 10, 0), PORTAL))


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_receipt_speaks_polish_and_the_applicants_language_with_contact_and_fees(store, lang):
    filing = register(language=lang, missing=["photos", "fee_proof"])
    pdf = render_filing_receipt(storage.filing_receipt(filing.number), dt.datetime(2026, 11, 20, 10, 0), PORTAL)
    text = _text(pdf)
    for sentences in (TITLE, INFORMATIONAL, HOURS):
        assert sentences["pl"] in text and sentences[lang] in text
    kinds = {k.code: k.label for k in storage.deficiency_kinds()}
    for code in ("photos", "fee_proof"):
        assert kinds[code]["pl"] in text and kinds[code][lang] in text
    office = next(o for o in storage.offices() if o.code == "GDA")
    assert office.address in text and f"tel. {office.phone}" in text
    # The fees of a work permit, as the catalogue gives them, named in both languages.
    fees = next(t for t in storage.case_types() if t.code == "temp_work").fees
    assert [f.amount_zl for f in fees] == ["440 zł", "100 zł", "17 zł"]
    for fee in fees:
        assert f"{fee.amount_zl} {fee.label_pl}" in text and fee.label(lang) in text
    assert "Nie przedstawiono dowodu wniesienia opłaty" in text
    assert {"uk": "Підтвердження оплати не надано", "en": "No proof of payment was shown"}[lang] in text
    assert PORTAL in text and "Olena Kovalenko" in text and "Anna Nowak" in text
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # an ordinary filing stays on one A5 sheet


def test_receipt_without_a_missing_fee_proof_names_no_amount(store):
    text = _receipt(register(language="en", missing=["photos"]).number)
    assert "Documents missing when" in text and not AMOUNT.search(text) and "proof of payment" not in text
    text = _receipt(register(language="en").number)
    assert "No required document was recorded as missing" in text and "nie odnotowano braków" in text
    assert not AMOUNT.search(text)


def test_a_fee_proof_handed_in_later_leaves_the_amount_off_a_reprint(store):
    filing = register(language="uk", missing=["fee_proof"])
    assert "440 zł" in _receipt(filing.number)
    fee_proof = next(d for d in storage.case_detail(filing.number).deficiencies if d.kind == "fee_proof")
    storage.resolve_deficiency(fee_proof.id, clerk=CLERK)
    text = _receipt(filing.number)
    assert not AMOUNT.search(text)
    # Still a record of the intake: the proof was missing then.
    assert "Dowód wniesienia opłaty skarbowej" in text and "Підтвердження сплати гербового збору" in text


def test_polish_receipt_is_not_doubled(store):
    filing = register(language="pl", missing=["fee_proof"], applicant_name="Łukasz Żółć")
    text = _receipt(filing.number)
    for once in (TITLE["pl"], INFORMATIONAL["pl"], HOURS["pl"], "Dowód wniesienia opłaty skarbowej", "440 zł",
                 "Nie przedstawiono dowodu wniesienia opłaty", "podpis pracownika", "Wydrukowano"):  # fmt: skip
        assert text.count(once) == 1, once
    assert not re.search("[\u0400-\u04ff]", text) and "Opening hours" not in text and "Work-related" not in text


def test_receipt_of_an_office_without_a_phone_gives_its_address_and_hours(store):
    filing = register(clerk=CLERK_SLU, office="SLU", language="ru")
    text = _receipt(filing.number)
    slupsk = next(o for o in storage.offices() if o.code == "SLU")
    assert slupsk.phone is None and slupsk.address in text and "tel." not in text
    assert "Часы приёма: пн, ср, чт 09:00–14:00; вт 10:00–17:00; пт 09:00–13:00" in text
