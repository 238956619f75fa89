"""Case numbers: one register for both offices, read aloud and typed by people.

Shape: two digits of the year, a serial of at least six digits, and a Damm check digit
(`26-004217-3`). The Damm check digit catches every single wrong digit and every swap
of two neighbouring digits, with no letter in the alphabet (unlike ISO 7064 mod 11).
"""

from __future__ import annotations

from storage.errors import DomainError

# Damm's totally anti-symmetric quasigroup of order 10.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

SERIAL_MIN_DIGITS = 6
_SEPARATORS = str.maketrans("", "", " -\u00a0\t")


def damm_check_digit(digits: str) -> int:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][ord(ch) - 48]
    return interim


def is_valid(digits: str) -> bool:
    return digits.isascii() and digits.isdigit() and damm_check_digit(digits) == 0


def compose(year: int, serial: int) -> str:
    """The canonical (digits only) number for the `serial`-th case of `year`."""
    body = f"{year % 100:02d}{serial:0{SERIAL_MIN_DIGITS}d}"
    return body + str(damm_check_digit(body))


def format_number(canonical: str) -> str:
    """`2600421 73` → `26-004217-3`: groups a person can read aloud."""
    return f"{canonical[:2]}-{canonical[2:-1]}-{canonical[-1]}"


def parse(text: str) -> str:
    """Accept what a person types (spaces, dashes) and return the canonical digits.

    Raises DomainError naming the rule: only digits, long enough, and a check digit that
    fits (a failed check means a typo, so the database is never asked).
    """
    cleaned = (text or "").strip().translate(_SEPARATORS)
    if not cleaned:
        raise DomainError("case_number", "pole jest puste – wpisz numer sprawy")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise DomainError("case_number", "numer sprawy składa się tylko z cyfr (np. 26-004217-3)")
    if len(cleaned) < 2 + SERIAL_MIN_DIGITS + 1:
        raise DomainError("case_number", "numer sprawy jest za krótki (np. 26-004217-3)")
    if len(cleaned) > 16:
        raise DomainError("case_number", "numer sprawy jest za długi (np. 26-004217-3)")
    if damm_check_digit(cleaned) != 0:
        raise DomainError("case_number", "błędna cyfra kontrolna – numer został źle przepisany")
    return cleaned


def looks_like_case_number(text: str) -> bool:
    cleaned = (text or "").strip().translate(_SEPARATORS)
    return cleaned.isascii() and cleaned.isdigit() and len(cleaned) >= 2 + SERIAL_MIN_DIGITS + 1
