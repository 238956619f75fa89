"""Command-line argument types that more than one program needs (the admin tool, the portal's
server), each program speaking its own language in the message."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def whole_number(low: int, high: int, *, not_a_number: str, out_of_range: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`. Unchecked, a number past the range went
    on to fail later and worse – waitress took port 99999 as 99999 % 65536 and served zero threads
    without a word; a row id past the database's integer ended in a driver traceback.

    The messages are format strings with `low`, `high` and `given` (the text typed where it is no
    number, the number where it is out of range)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(not_a_number.format(low=low, high=high, given=text)) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(out_of_range.format(low=low, high=high, given=value))
        return value

    return parse
