"""Catalogue rows by code for labelling cases on hot paths, kept a minute per database."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable

from storage.db import database
from storage.models import CaseType, DeficiencyKind, Stage


@dataclasses.dataclass(frozen=True)
class CatalogueRows:
    case_types: dict[str, CaseType]
    stages: dict[str, Stage]
    kinds: dict[str, DeficiencyKind]


_cache: tuple[object, float, CatalogueRows] | None = None
CACHE_TTL_S = 60


def cached_labels(
    stages: Iterable[str] = (), case_types: Iterable[str] = (), kinds: Iterable[str] = ()
) -> CatalogueRows:
    """Catalogue rows by code, for labelling cases on hot paths (the portal's status page, the
    clerks' worklist). Kept a minute per database: they change only when fixtures are loaded,
    which clears this cache in that process; a code the cache lacks (loaded by another process)
    reloads it. Call inside a unit of work."""
    global _cache
    now = time.monotonic()
    if _cache and _cache[0] is database.obj and _cache[1] > now:
        rows = _cache[2]
        if (
            set(stages) <= rows.stages.keys()
            and set(case_types) <= rows.case_types.keys()
            and set(kinds) <= (rows.kinds.keys())
        ):
            return rows
    rows = CatalogueRows(
        {t.code: t for t in CaseType.select()},
        {s.code: s for s in Stage.select()},
        {k.code: k for k in DeficiencyKind.select()},
    )
    _cache = (database.obj, now + CACHE_TTL_S, rows)
    return rows


def forget_cached_labels() -> None:
    global _cache
    _cache = None
