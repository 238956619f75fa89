"""Finding and reading the catalogue files: the fixtures folder (or OKIENKO_FIXTURES) and one TOML file
from it, with a one-line message naming the file when it is missing or not TOML."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from storage.errors import DomainError


def fixtures_dir() -> Path:
    override = os.environ.get("OKIENKO_FIXTURES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "fixtures"


def read_fixture(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise DomainError("fixtures", f"brak pliku {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("fixtures", f"plik {path} nie jest poprawnym TOML: {exc}") from None
