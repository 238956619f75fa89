"""Small text helpers shared by the rules."""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into base + accent.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Łukasz Żółć' → 'lukasz zolc'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def surname_key(full_name: str) -> str:
    """The search key clerks use: the folded last word of the name as written."""
    words = full_name.split()
    return fold(words[-1]) if words else ""


def clean_line(value: str | None, field: str, max_len: int, required: bool):
    """Collapse white space; refuse control characters and over-long input (DomainError)."""
    from storage.errors import DomainError

    text = " ".join((value or "").split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in text):
        raise DomainError(field, "zawiera niedozwolone znaki sterujące")
    if required and not text:
        raise DomainError(field, "pole jest wymagane")
    if len(text) > max_len:
        raise DomainError(field, f"najwyżej {max_len} znaków (wpisano {len(text)})")
    return text or None
