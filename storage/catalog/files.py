"""Loading the catalogues from `fixtures/*.toml` into the store (idempotent: a changed label is
updated in place, a removed row becomes inactive)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from storage.catalog.cache import forget_cached_labels
from storage.catalog.fixture_files import fixtures_dir, read_fixture
from storage.catalog.info import parse_statement
from storage.catalog.visit_groups import load_visit_groups
from storage.db import write_transaction
from storage.errors import DomainError
from storage.languages import LANGUAGES
from storage.models import (
    CHANNELS,
    CaseType,
    CaseTypeGuide,
    DeficiencyKind,
    Fee,
    InfoText,
    LegalAct,
    MessageTemplate,
    Office,
    RequiredDocument,
    Stage,
)

FIXTURE_FILES = (
    "offices.toml",
    "deficiency_kinds.toml",
    "case_types.toml",
    "stages.toml",
    "message_templates.toml",
    "info.toml",
    "visit_groups.toml",
    "accessibility.toml",
)


def _labels(entry: dict[str, Any], where: str, key: str = "label") -> dict[str, str]:
    # Labels sit either in a sub-table (`label = { pl = … }`) or directly on the entry.
    source = entry[key] if isinstance(entry.get(key), dict) else entry
    missing = [lang for lang in LANGUAGES if not str(source.get(lang, "")).strip()]
    if missing:
        raise DomainError("fixtures", f"{where}: brak tekstu w językach {', '.join(missing)}")
    return {f"{key}_{lang}": source[lang].strip() for lang in LANGUAGES}


SHORT_LABEL_MAX = 40


def _short(entry: dict[str, Any], where: str) -> dict[str, str]:
    """`short`: the Polish name for the clerk's narrow list columns, optional."""
    short = entry.get("short", "")
    if not isinstance(short, str) or len(short.strip()) > SHORT_LABEL_MAX:
        raise DomainError("fixtures", f"{where}: short – tekst, najwyżej {SHORT_LABEL_MAX} znaków")
    return {"short_pl": short.strip()}


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


def _deactivate_others(model, codes: list[str]) -> None:
    """A row that disappeared from its file is marked inactive, never deleted: cases refer to it."""
    model.update(active=False).where(model.code.not_in(codes)).execute()


def _load_rows(
    model, entries: list[dict[str, Any]], values_of: Callable[[dict[str, Any], int], dict[str, Any]]
) -> tuple[int, list[str]]:
    """One catalogue's entries written in file order (`values_of(entry, position)` is the row but its code,
    active), the rows no longer in the file made inactive. Returns how many rows changed, and the codes."""
    codes = []
    changed = 0
    for position, entry in enumerate(entries):
        codes.append(entry["code"])
        changed += _upsert(model, entry["code"], values_of(entry, position))
    _deactivate_others(model, codes)
    return changed, codes


def load_fixtures(directory: Path | None = None) -> dict[str, int]:
    """Load every catalogue; loading twice equals loading once, a changed label updates in place.

    A row that disappeared from a file is marked inactive, never deleted: cases refer to it.
    Returns how many rows were added or changed per catalogue.
    """
    directory = directory or fixtures_dir()
    data = {name: read_fixture(directory, name) for name in FIXTURE_FILES}
    changed = {"offices": 0, "deficiency_kinds": 0, "case_types": 0, "stages": 0, "message_templates": 0, "info": 0,
               "visit_groups": 0}  # fmt: skip
    reading = "offices.toml"  # the file being loaded, named when one of its entries is broken
    try:
        with write_transaction():
            for pos, office in enumerate(data["offices.toml"].get("office", [])):
                changed["offices"] += _upsert(Office, office["code"], _office_values(office, pos))

            reading = "deficiency_kinds.toml"
            changed["deficiency_kinds"], kind_codes = _load_rows(
                DeficiencyKind, data["deficiency_kinds.toml"].get("kind", []), _kind_values
            )

            reading = "case_types.toml"
            type_codes = []
            for pos, ctype in enumerate(data["case_types.toml"].get("case_type", [])):
                code = ctype["code"]
                type_codes.append(code)
                values = {
                    **_labels(ctype, f"case type {code}"),
                    **_short(ctype, f"case type {code}"),
                    "deadline_days": int(ctype["deadline_days"]),
                    "position": pos,
                    "active": True,
                }
                changed["case_types"] += _upsert(CaseType, code, values)
                changed["case_types"] += _sync_required(code, ctype.get("required", []), kind_codes)
                changed["case_types"] += _sync_fees(code, ctype.get("fees", []))
            _deactivate_others(CaseType, type_codes)

            reading = "stages.toml"
            stages = data["stages.toml"].get("stage", [])
            if sum(1 for s in stages if s.get("initial")) != 1:
                raise DomainError("fixtures", "dokładnie jeden etap musi mieć initial = true")
            changed["stages"], _ = _load_rows(Stage, stages, _stage_values)

            reading = "message_templates.toml"
            changed["message_templates"], _ = _load_rows(
                MessageTemplate, data["message_templates.toml"].get("template", []), _template_values
            )
            reading = "info.toml"
            changed["info"] = _load_info(data["info.toml"], type_codes)
            reading = "visit_groups.toml"
            office_codes = [o["code"] for o in data["offices.toml"].get("office", [])]
            changed["visit_groups"] = load_visit_groups(
                data["visit_groups.toml"], office_codes, _labels, _upsert, _short
            )
            # The statement is read from its file when shown (storage.catalog.info); loading checks it, so a
            # broken statement is refused here with the rest rather than failing the portal's page.
            reading = "accessibility.toml"
            parse_statement(data["accessibility.toml"], office_codes)
    except (KeyError, ValueError, TypeError) as exc:
        # A file a person edited: a missing key or a value of the wrong kind is one line naming the
        # file (the transaction has rolled back: nothing of the load is kept).
        what = f"brak wymaganego pola {exc.args[0]!r}" if isinstance(exc, KeyError) else f"zła wartość – {exc}"
        raise DomainError("fixtures", f"{reading}: {what}") from None
    forget_cached_labels()
    return changed


# What an e-mail address must look like here: one "@", a dot in the domain, no spaces.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _office_values(office: dict[str, Any], position: int) -> dict[str, Any]:
    """An office's row. Phone and e-mail are optional ("" = not published): the pages then show nothing."""
    code = office["code"]
    phone = str(office.get("phone") or "").strip() or None
    email = str(office.get("email") or "").strip() or None
    if email and not _EMAIL.fullmatch(email):
        raise DomainError("fixtures", f"office {code}: email {email!r} nie jest adresem e-mail")
    room = _labels(office, f"office {code}, room", key="room") if office.get("room") else {
        f"room_{lang}": "" for lang in LANGUAGES}  # fmt: skip
    return {
        "name": office["name"],
        "city": office["city"],
        "address": office["address"],
        "phone": phone,
        "email": email,
        **room,
        "hours_json": json.dumps(office.get("hours", [])),
        "is_main": bool(office.get("main", False)),
        "position": position,
    }


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
            "reduced_grosze": round(float(fee["reduced_zl"]) * 100) if "reduced_zl" in fee else None,
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


PLACEHOLDERS = ("document", "date", "office")


def _kind_values(kind: dict[str, Any], position: int) -> dict[str, Any]:
    return {**_labels(kind, f"deficiency kind {kind['code']}"), "position": position, "active": True}


def _stage_values(stage: dict[str, Any], position: int) -> dict[str, Any]:
    where = f"stage {stage['code']}"
    return {
        **_labels(stage, where),
        **_short(stage, where),
        **_labels(stage, where, key="explanation"),
        "position": position,
        "closes_case": bool(stage.get("closes_case", False)),
        "is_initial": bool(stage.get("initial", False)),
        "is_decision": bool(stage.get("decision", False)),
        "usual_path": not stage.get("detour", False),
        "clock_runs": bool(stage.get("clock_runs", True)),
        "active": True,
    }


def _legal_act_values(act: dict[str, Any], position: int) -> dict[str, Any]:
    code = act["code"]
    if not str(act.get("url", "")).startswith("https://"):
        raise DomainError("fixtures", f"legal act {code}: url musi zaczynać się od https://")
    return {**_labels(act, f"legal act {code}"), "url": act["url"], "position": position, "active": True}


def _template_values(template: dict[str, Any], position: int) -> dict[str, Any]:
    """A message template's row; every language must use exactly the placeholders it declares."""
    code = template["code"]
    declared = list(template.get("placeholders", []))
    unknown = [p for p in declared if p not in PLACEHOLDERS]
    if unknown:
        raise DomainError("fixtures", f"message template {code}: unknown placeholders {unknown}")
    texts = _labels(template, f"message template {code}", key="text")
    for lang, text in texts.items():
        used = sorted(set(re.findall(r"\{(\w+)\}", text)))
        if used != sorted(declared):
            raise DomainError("fixtures", f"message template {code} ({lang}): uses {used}, declares {sorted(declared)}")
    return {
        "label_pl": template["label_pl"],
        **texts,
        "placeholders_json": json.dumps(declared),
        "position": position,
        "active": True,
    }


def _load_info(data: dict[str, Any], type_codes: list[str]) -> int:
    """The information panel's texts (fixtures/info.toml): shared texts, laws, one guide per kind of case.

    Texts and guides that left the file are deleted (nothing refers to them); a law that left it
    becomes inactive, like the other catalogues' rows."""
    changes = 0
    text_codes = []
    for text in data.get("text", []):
        text_codes.append(text["code"])
        changes += _upsert(InfoText, text["code"], _labels(text, f"info text {text['code']}", key="text"))
    changes += InfoText.delete().where(InfoText.code.not_in(text_codes)).execute()

    acts_changed, act_codes = _load_rows(LegalAct, data.get("legal_act", []), _legal_act_values)
    changes += acts_changed

    guided = []
    for guide in data.get("guide", []):
        code = guide["case_type"]
        where = f"guide {code}"
        if code not in type_codes:
            raise DomainError("fixtures", f"{where}: nieznany rodzaj sprawy")
        channels, acts = list(guide.get("channels", [])), list(guide.get("legal_acts", []))
        if not channels or set(channels) - set(CHANNELS):
            raise DomainError("fixtures", f"{where}: channels to lista spośród {', '.join(CHANNELS)}")
        if set(acts) - set(act_codes):
            raise DomainError("fixtures", f"{where}: nieznane akty prawne {sorted(set(acts) - set(act_codes))}")
        notes = _labels(guide, where, key="notes") if "notes" in guide else {f"notes_{lang}": "" for lang in LANGUAGES}
        values = {
            **_labels(guide, where, key="who_for"),
            **notes,
            "channels_json": json.dumps(channels),
            "legal_acts_json": json.dumps(acts),
        }
        guided.append(code)
        changes += _upsert(CaseTypeGuide, code, values)
    changes += CaseTypeGuide.delete().where(CaseTypeGuide.case_type.not_in(guided)).execute()
    return changes
