"""The catalogues: loaded from `fixtures/*.toml`, read back as plain values."""

from __future__ import annotations

import dataclasses
import json
import os
import time
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from storage.db import database, unit_of_work, write_transaction
from storage.errors import DomainError
from storage.models import (
    LANGUAGES,
    CaseType,
    DeficiencyKind,
    Fee,
    Office,
    RequiredDocument,
    Stage,
)
from storage.views import CaseTypeInfo, DeficiencyKindInfo, FeeInfo, OfficeInfo, StageInfo

FIXTURE_FILES = ("offices.toml", "deficiency_kinds.toml", "case_types.toml", "stages.toml")


def fixtures_dir() -> Path:
    override = os.environ.get("OKIENKO_FIXTURES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "fixtures"


def _read(directory: Path, name: str) -> dict[str, Any]:
    path = directory / name
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise DomainError("fixtures", f"brak pliku {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("fixtures", f"plik {path} nie jest poprawnym TOML: {exc}") from None


def _labels(entry: dict[str, Any], where: str, key: str = "label") -> dict[str, str]:
    # Labels sit either in a sub-table (`label = { pl = … }`) or directly on the entry.
    source = entry[key] if isinstance(entry.get(key), dict) else entry
    missing = [lang for lang in LANGUAGES if not str(source.get(lang, "")).strip()]
    if missing:
        raise DomainError("fixtures", f"{where}: brak tekstu w językach {', '.join(missing)}")
    return {f"{key}_{lang}": source[lang].strip() for lang in LANGUAGES}


def _upsert(model, key: str, values: dict[str, Any]) -> bool:
    """Insert or update one catalogue row; True when anything changed."""
    row = model.get_or_none(getattr(model, model._meta.primary_key.name) == key)
    if row is None:
        model.create(**{model._meta.primary_key.name: key}, **values)
        return True
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    if changed:
        model.update(**changed).where(model._meta.primary_key == key).execute()
    return bool(changed)


def load_fixtures(directory: Path | None = None) -> dict[str, int]:
    """Load every catalogue; loading twice equals loading once, a changed label updates in place.

    A row that disappeared from a file is marked inactive, never deleted: cases refer to it.
    Returns how many rows were added or changed per catalogue.
    """
    directory = directory or fixtures_dir()
    data = {name: _read(directory, name) for name in FIXTURE_FILES}
    changed = {"offices": 0, "deficiency_kinds": 0, "case_types": 0, "stages": 0}
    with write_transaction():
        for pos, office in enumerate(data["offices.toml"].get("office", [])):
            changed["offices"] += _upsert(
                Office,
                office["code"],
                {
                    "name": office["name"],
                    "city": office["city"],
                    "address": office["address"],
                    "phone": office.get("phone"),
                    "hours_json": json.dumps(office.get("hours", [])),
                    "is_main": bool(office.get("main", False)),
                    "position": pos,
                },
            )

        kind_codes = []
        for pos, kind in enumerate(data["deficiency_kinds.toml"].get("kind", [])):
            kind_codes.append(kind["code"])
            values = {**_labels(kind, f"deficiency kind {kind['code']}"), "position": pos}
            changed["deficiency_kinds"] += _upsert(DeficiencyKind, kind["code"], values | {"active": True})
        DeficiencyKind.update(active=False).where(DeficiencyKind.code.not_in(kind_codes)).execute()

        type_codes = []
        for pos, ctype in enumerate(data["case_types.toml"].get("case_type", [])):
            code = ctype["code"]
            type_codes.append(code)
            values = {
                **_labels(ctype, f"case type {code}"),
                "deadline_days": int(ctype["deadline_days"]),
                "position": pos,
                "active": True,
            }
            changed["case_types"] += _upsert(CaseType, code, values)
            changed["case_types"] += _sync_required(code, ctype.get("required", []), kind_codes)
            changed["case_types"] += _sync_fees(code, ctype.get("fees", []))
        CaseType.update(active=False).where(CaseType.code.not_in(type_codes)).execute()

        stage_codes = []
        stages = data["stages.toml"].get("stage", [])
        if sum(1 for s in stages if s.get("initial")) != 1:
            raise DomainError("fixtures", "dokładnie jeden etap musi mieć initial = true")
        for pos, stage in enumerate(stages):
            code = stage["code"]
            stage_codes.append(code)
            values = {
                **_labels(stage, f"stage {code}"),
                **_labels(stage, f"stage {code}", key="explanation"),
                "position": pos,
                "closes_case": bool(stage.get("closes_case", False)),
                "is_initial": bool(stage.get("initial", False)),
                "is_decision": bool(stage.get("decision", False)),
                "usual_path": not stage.get("detour", False),
                "clock_runs": bool(stage.get("clock_runs", True)),
                "active": True,
            }
            changed["stages"] += _upsert(Stage, code, values)
        Stage.update(active=False).where(Stage.code.not_in(stage_codes)).execute()
    forget_cached_labels()
    return changed


def _sync_required(case_type: str, codes: list[str], known_kinds: list[str]) -> int:
    unknown = [c for c in codes if c not in known_kinds]
    if unknown:
        raise DomainError("fixtures", f"case type {case_type}: unknown documents {unknown}")
    current = {r.kind_id: r for r in RequiredDocument.select().where(RequiredDocument.case_type == case_type)}
    changes = 0
    for pos, code in enumerate(codes):
        row = current.pop(code, None)
        if row is None:
            RequiredDocument.create(case_type=case_type, kind=code, position=pos)
            changes += 1
        elif row.position != pos:
            RequiredDocument.update(position=pos).where(RequiredDocument.id == row.id).execute()
            changes += 1
    if current:
        RequiredDocument.delete().where(RequiredDocument.id.in_([r.id for r in current.values()])).execute()
        changes += len(current)
    return changes


def _sync_fees(case_type: str, fees: list[dict[str, Any]]) -> int:
    current = {f.code: f for f in Fee.select().where(Fee.case_type == case_type)}
    changes = 0
    for pos, fee in enumerate(fees):
        values = {
            **_labels(fee, f"case type {case_type}, fee {fee['code']}"),
            "amount_grosze": round(float(fee["zl"]) * 100),
            "position": pos,
        }
        row = current.pop(fee["code"], None)
        if row is None:
            Fee.create(case_type=case_type, code=fee["code"], **values)
            changes += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            Fee.update(**values).where(Fee.id == row.id).execute()
            changes += 1
    if current:
        Fee.delete().where(Fee.id.in_([f.id for f in current.values()])).execute()
        changes += len(current)
    return changes


def _labels_of(row, prefix: str = "label") -> dict[str, str]:
    return {lang: getattr(row, f"{prefix}_{lang}") for lang in LANGUAGES}


def office_info(o: Office) -> OfficeInfo:
    return OfficeInfo(o.code, o.name, o.city, o.address, o.phone, o.hours, o.is_main)


def _fee_info(fee: Fee) -> FeeInfo:
    return FeeInfo(fee.code, fee.label_pl, fee.label_en, fee.amount_grosze, fee.label_ru, fee.label_uk)


def fees_of(case_type: str) -> list[FeeInfo]:
    """The catalogue's fees for a kind of case, in catalogue order. Call inside a unit of work."""
    return [_fee_info(f) for f in Fee.select().where(Fee.case_type == case_type).order_by(Fee.position)]


def offices() -> list[OfficeInfo]:
    with unit_of_work():
        return [office_info(o) for o in Office.select().order_by(Office.position)]


def case_types(include_inactive: bool = False) -> list[CaseTypeInfo]:
    with unit_of_work():
        query = CaseType.select().order_by(CaseType.position)
        if not include_inactive:
            query = query.where(CaseType.active)
        fees: dict[str, list[FeeInfo]] = {}
        for fee in Fee.select().order_by(Fee.position):
            fees.setdefault(fee.case_type_id, []).append(_fee_info(fee))
        required: dict[str, list[str]] = {}
        for doc in RequiredDocument.select().order_by(RequiredDocument.position):
            required.setdefault(doc.case_type_id, []).append(doc.kind_id)
        return [
            CaseTypeInfo(t.code, _labels_of(t), t.deadline_days, fees.get(t.code, []), required.get(t.code, []))
            for t in query
        ]


def stages(include_inactive: bool = False) -> list[StageInfo]:
    with unit_of_work():
        query = Stage.select().order_by(Stage.position)
        if not include_inactive:
            query = query.where(Stage.active)
        return [
            StageInfo(
                s.code,
                s.position,
                _labels_of(s),
                _labels_of(s, "explanation"),
                s.closes_case,
                s.is_initial,
                s.usual_path,
                s.clock_runs,
            )
            for s in query
        ]


def deficiency_kinds(include_inactive: bool = False) -> list[DeficiencyKindInfo]:
    with unit_of_work():
        query = DeficiencyKind.select().order_by(DeficiencyKind.position)
        if not include_inactive:
            query = query.where(DeficiencyKind.active)
        return [DeficiencyKindInfo(k.code, _labels_of(k)) for k in query]


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
