"""The printed papers, read back with pypdf: dates, the replacement note, the portal and the barcode."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

import storage
from counter_tui.printing import render_credential_letter, render_filing_receipt
from tests.conftest import register

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
    assert _bars(pdf) == 5 * (len(data.case_number) + 2)
    assert re.fullmatch(r"\d{2}-\d{6}-\d", data.case_number)


def test_receipt_carries_the_portal_and_the_barcode(store):
    filing = register(missing=["photos"])
    data = storage.filing_receipt(filing.number)
    pdf = render_filing_receipt(data, dt.datetime(2026, 11, 20, 10, 0), PORTAL)
    text = _text(pdf)
    assert PORTAL in text and data.case_number in text
    assert _bars(pdf) == 5 * (len(data.case_number) + 2)
