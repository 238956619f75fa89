"""Case numbers: shape, tolerant input and a check digit that catches the usual typos."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import case_numbers
from storage.errors import DomainError

serials = st.integers(min_value=1, max_value=9_999_999)
years = st.integers(min_value=2000, max_value=2099)


@given(years, serials)
def test_every_composed_number_is_valid_and_parses_back(year, serial):
    number = case_numbers.compose(year, serial)
    assert case_numbers.is_valid(number)
    assert case_numbers.parse(case_numbers.format_number(number)) == number


@given(years, serials, st.data())
def test_every_single_digit_error_is_caught(year, serial, data):
    number = case_numbers.compose(year, serial)
    position = data.draw(st.integers(0, len(number) - 1))
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    typo = number[:position] + wrong + number[position + 1 :]
    assert not case_numbers.is_valid(typo)
    with pytest.raises(DomainError) as err:
        case_numbers.parse(typo)
    assert err.value.field == "case_number"
    assert "cyfra kontrolna" in err.value.rule


@given(years, serials, st.data())
def test_every_adjacent_swap_is_caught(year, serial, data):
    number = case_numbers.compose(year, serial)
    position = data.draw(st.integers(0, len(number) - 2))
    a, b = number[position], number[position + 1]
    if a == b:
        return  # swapping equal digits changes nothing
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not case_numbers.is_valid(swapped)


def test_exhaustively_for_one_number():
    number = case_numbers.compose(2026, 4217)
    for i in range(len(number)):
        for d in "0123456789":
            if d != number[i]:
                assert not case_numbers.is_valid(number[:i] + d + number[i + 1 :])


def test_shape_and_tolerant_input():
    number = case_numbers.compose(2026, 4217)
    shown = case_numbers.format_number(number)
    assert shown.startswith("26-004217-")
    assert len(number) == 9
    spaced = " ".join(number)
    assert case_numbers.parse(spaced) == number
    assert case_numbers.parse(f"  {number[:2]} - {number[2:5]} {number[5:]} ") == number


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "puste"), ("26-00A217-3", "tylko z cyfr"), ("123", "za krótki"), ("1" * 20, "za długi")],
)
def test_bad_input_names_the_rule(text, words):
    with pytest.raises(DomainError) as err:
        case_numbers.parse(text)
    assert err.value.field == "case_number"
    assert words in str(err.value)
