"""Every template says only that the stage changed and where to look, and fits one SMS."""

import re

import pytest
from gsmmodem.pdu import encodeSmsSubmitPdu

from sms_modem.texts import (
    GSM7_LIMIT,
    SENDER,
    TEMPLATES,
    UCS2_LIMIT,
    TextTooLong,
    check_all,
    encoding_of,
    stage_changed_text,
)

URLS = ["https://okienko.example/status", "https://klient.gdansk.uw.gov.pl/"]


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_each_template_fits_one_sms(lang, url):
    text = stage_changed_text(lang, url)
    encoding = encoding_of(text)
    expected = "GSM-7" if lang in ("pl", "en") else "UCS-2"
    assert encoding.name == expected
    assert encoding.units <= (GSM7_LIMIT if expected == "GSM-7" else UCS2_LIMIT)
    assert len(encodeSmsSubmitPdu("+48501234567", text)) == 1  # one PDU: no multipart send
    outside_url = text.replace(url, "")
    assert not re.search(r"\d", outside_url), "no numbers, amounts or case numbers"
    assert "{" not in text and url in text


def test_polish_is_written_without_diacritics():
    assert not set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ") & set(TEMPLATES["pl"])


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_no_request_to_pay_or_act(lang):
    lowered = TEMPLATES[lang].lower()
    for word in ("zl", "pln", "zapla", "oplat", "pay", "оплат", "сплат", "wezwan", "summons", "link", "klik", "click"):
        assert word not in lowered


def test_a_long_portal_address_is_refused_before_sending():
    with pytest.raises(TextTooLong, match="over one SMS"):
        check_all("https://" + "x" * 60 + ".example/")


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_every_language_names_the_office_before_the_link(lang):
    text = stage_changed_text(lang, URLS[1])
    assert text.startswith(SENDER) or text.index(SENDER) < text.index(URLS[1])
    assert SENDER in text


def test_the_longest_address_that_still_fits_every_language_is_accepted():
    # The Russian and Ukrainian texts leave room for an address of 38 characters.
    fits = "https://" + "a" * 22 + ".pl/abc/"
    assert len(fits) == 38
    check_all(fits)
    with pytest.raises(TextTooLong, match=r"the (ru|uk) (stage|message) text"):
        check_all(fits + "x")
