"""Mobile numbers: Polish in any usual writing, foreign only with a country code, never a landline."""

import pytest

from storage.errors import DomainError
from storage.phones import normalise_mobile


@pytest.mark.parametrize(
    "typed",
    [
        "501234567",
        "501 234 567",
        "501-234-567",
        "+48 501 234 567",
        "0048501234567",
        "(+48) 501-234-567",
        "+48501234567",
    ],
)
def test_polish_mobile_in_usual_writings(typed):
    assert normalise_mobile(typed) == "+48501234567"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+380 67 123 4567", "+380671234567"),
        ("00380501234567", "+380501234567"),
        ("+375 29 123 45 67", "+375291234567"),
    ],
)
def test_foreign_mobile_with_country_code(typed, e164):
    assert normalise_mobile(typed) == e164


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_empty_means_no_phone(blank):
    assert normalise_mobile(blank) is None


def _rule(typed: str) -> str:
    with pytest.raises(DomainError) as err:
        normalise_mobile(typed)
    assert err.value.field == "phone"
    return err.value.rule


def test_landline_is_refused():
    assert "stacjonarny" in _rule("58 307 74 27")


def test_foreign_number_without_country_code_is_refused():
    # A Ukrainian mobile typed the way it is dialled inside Ukraine.
    assert "kodem kraju" in _rule("067 123 4567")


def test_garbage_and_impossible_numbers():
    assert "nie jest numer" in _rule("zadzwoń do mnie")
    assert "nie istnieje" in _rule("+380 12")
