"""Small text helpers shared by the rules."""

from __future__ import annotations

import re
import unicodedata

from storage.errors import DomainError

# Letters that Unicode does not decompose into base + accent.
_EXTRA_FOLDS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})
# Format characters that belong to how real names are written: ZWNJ and ZWJ are part of Persian
# (and Urdu, Kurdish, Indic) spelling, LRM and RLM keep a Latin surname in place inside an
# Arabic-script name. The bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069)
# stay refused: they can make a name display as something other than what is stored.
NAME_FORMAT_CHARS = frozenset("\u200c\u200d\u200e\u200f")
_DROP_IN_KEYS = dict.fromkeys(map(ord, NAME_FORMAT_CHARS))


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'Łukasz Żółć' → 'lukasz zolc'."""
    # The joiners and marks are invisible: a clerk searching "Rezai" must find "Rez\u200cai".
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS).translate(_DROP_IN_KEYS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def surname_key(full_name: str) -> str:
    """The search key clerks use: the folded last word of the name as written."""
    words = full_name.split()
    return fold(words[-1]) if words else ""


MAX_MARKS_PER_LETTER = 4
_STACKED_MARKS = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{" + str(MAX_MARKS_PER_LETTER + 1) + ",}"
)


def clean_line(value: str | None, field: str, max_len: int, required: bool):
    """Collapse white space; refuse control characters and over-long input (DomainError)."""
    text = " ".join((value or "").split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") and ch not in NAME_FORMAT_CHARS for ch in text):
        raise DomainError(field, "zawiera niedozwolone znaki sterujące", "control_chars")
    if "\ufffd" in text:
        # What a browser or terminal leaves of bytes that were not UTF-8: the real letters are lost.
        raise DomainError(field, "zawiera znak � – tekst dotarł uszkodzony, wpisz go jeszcze raz", "damaged_text")
    if _STACKED_MARKS.search(text):
        # Real spellings put at most two or three accents on a letter; dozens are a display attack.
        raise DomainError(
            field,
            f"najwyżej {MAX_MARKS_PER_LETTER} znaki diakrytyczne na jedną literę",
            "stacked_marks",
            max=MAX_MARKS_PER_LETTER,
        )
    if required and not text:
        raise DomainError(field, "pole jest wymagane", "required")
    if len(text) > max_len:
        raise DomainError(
            field, f"najwyżej {max_len} znaków (wpisano {len(text)})", "too_long", max=max_len, typed=len(text)
        )
    return text or None


def ascii_letters(text: str) -> str:
    """'Słupsk' → 'Slupsk': accents and Polish letters dropped, case kept (an SMS stays GSM-7)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA_FOLDS_KEEP_CASE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


_EXTRA_FOLDS_KEEP_CASE = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})
