"""DejaVu fonts: the Unicode TTFs that carry Polish, Ukrainian and Russian letters.

fpdf2's built-in fonts are Latin-1 only, so a receipt with "Żółć" or a Ukrainian letter
needs a TTF; Debian's fonts-dejavu-core puts them in /usr/share/fonts/truetype/dejavu.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

SEARCH_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu")
FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}


class FontsMissing(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class FontSet:
    regular: Path
    bold: Path
    mono: Path


def find_fonts() -> FontSet:
    dirs = [os.environ["OKIENKO_FONT_DIR"]] if os.environ.get("OKIENKO_FONT_DIR") else list(SEARCH_DIRS)
    for directory in dirs:
        paths = {key: Path(directory) / name for key, name in FILES.items()}
        if all(p.is_file() for p in paths.values()):
            return FontSet(**paths)
    raise FontsMissing(
        "brak czcionek DejaVu (DejaVuSans.ttf, DejaVuSans-Bold.ttf, DejaVuSansMono.ttf) w "
        + ", ".join(dirs)
        + " – zainstaluj pakiet fonts-dejavu-core albo wskaż katalog w OKIENKO_FONT_DIR"
    )
