"""The whole-number argument type the admin tool and the portal's server share (storage.arguments)."""

import argparse

import pytest

from storage.arguments import whole_number

PORT = whole_number(1, 65535, not_a_number="not a number: {given!r}", out_of_range="{low}..{high}, not {given}")


def test_a_number_in_range_is_taken_as_written():
    assert PORT("1") == 1
    assert PORT(" 65535 ") == 65535


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("8o80", "not a number: '8o80'"),
        ("", "not a number: ''"),
        ("0", "1..65535, not 0"),
        ("99999", "1..65535, not 99999"),
    ],
)
def test_anything_else_is_refused_with_the_programs_own_message(typed, message):
    with pytest.raises(argparse.ArgumentTypeError) as refused:
        PORT(typed)
    assert str(refused.value) == message
