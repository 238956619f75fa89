"""Applicant passwords: no look-alike characters, enough entropy, forgiving input."""

import re

from storage.accounts import passwords


def test_alphabet_has_no_lookalikes_and_enough_bits():
    for ch in "0O1lI":
        assert ch not in passwords.APPLICANT_ALPHABET
    assert passwords.applicant_password_bits() >= 50


def test_generated_passwords_are_readable_and_distinct():
    seen = {passwords.new_applicant_password() for _ in range(500)}
    assert len(seen) == 500
    for pw in seen:
        assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", pw)


def test_typed_password_ignores_case_spaces_and_dashes():
    assert passwords.normalise_applicant_password(" abcd efgh-jkmn ") == "ABCDEFGHJKMN"


def test_hash_round_trip_and_too_long_input():
    hashed = passwords.hash_password("ABCDEFGHJKMN")
    assert hashed.startswith("$2b$04$")  # tests run at cost 4
    assert passwords.check_password("ABCDEFGHJKMN", hashed)
    assert not passwords.check_password("ABCDEFGHJKMP", hashed)
    assert not passwords.check_password("A" * 100, hashed)
