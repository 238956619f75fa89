"""Which store a backup is of, named by its database URL, and what every backup file shares."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from playhouse.db_url import parse as parse_url

from storage.errors import DomainError, mask_secrets

SQLITE_SUFFIX = "sqlite3"
PG_SUFFIX = "pgdump"
# Every Okienko store has this table; a file without it is not an Okienko backup.
MARKER_TABLE = "case_file"
FILE_FIELD = "plik kopii"


@dataclasses.dataclass(frozen=True)
class Target:
    backend: str  # "sqlite" | "postgresql"
    url: str
    name: str  # file path (SQLite) or database name (PostgreSQL)

    @property
    def label(self) -> str:
        stem = Path(self.name).stem if self.backend == "sqlite" else self.name
        return re.sub(r"[^A-Za-z0-9_.-]", "_", stem) or "okienko"

    @property
    def suffix(self) -> str:
        return SQLITE_SUFFIX if self.backend == "sqlite" else PG_SUFFIX


def target_of(url: str) -> Target:
    scheme = url.split(":", 1)[0]
    try:
        name = parse_url(url).get("database")
    except (ValueError, RuntimeError):
        name = None
    if scheme == "sqlite" and name and name != ":memory:":
        return Target("sqlite", url, name)
    if scheme in ("postgres", "postgresql") and name:
        return Target("postgresql", url, name)
    raise DomainError("database", f"adres {mask_secrets(url)!r} to nie sqlite:///PLIK ani postgresql://…/BAZA")
