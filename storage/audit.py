"""The append-only audit trail: who did what and when. Details never carry personal data."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from storage.models import AuditEvent, Case, Clerk


def record(action: str, clerk: Clerk | None, case: Case | None = None, actor: str | None = None, **detail: Any) -> None:
    """Write one audit row inside the caller's transaction."""
    AuditEvent.create(
        clerk=clerk,
        actor=actor or (clerk.login if clerk is not None else "system"),
        action=action,
        case=case,
        detail_json=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )


# ---------------------------------------------------------------- reading it back
# The audit keeps codes, never personal values; a clerk reads it as sentences built from those
# codes, the catalogue labels and the acting clerk's name.

FIELD_NAMES_PL = {
    "applicant_name": "imię i nazwisko",
    "phone": "telefon",
    "email": "e-mail",
    "language": "język",
    "channel": "sposób złożenia",
    "external_ref": "numer zewnętrzny",
}
SMS_OUTCOME_PL = {
    "queued": "SMS w kolejce",
    "no_phone": "bez SMS: brak telefonu",
    "opted_out": "bez SMS: rezygnacja",
    "already_queued": "SMS już czekał w kolejce",
}
VISIT_STATES_PL = {
    "booked": "umówiona", "arrived": "przybył(a)", "no_show": "nie przyszedł(-ła)", "served": "obsłużona",
}  # fmt: skip
# Said only when an e-mail went into the queue: most applicants give no address.
MAIL_QUEUED_PL = "e-mail w kolejce"


def _feminine(full_name: str) -> bool:
    # Polish past tense agrees with the speaker; a first name ending in -a is (almost always) a woman's.
    first = full_name.split()[0] if full_name.split() else ""
    return first.lower().endswith("a") and first.lower() not in {"kuba", "barnaba", "bonawentura"}


def describe(action: str, detail: dict[str, Any], who: str | None, label: Callable[[str, str], str]) -> str:
    """One Polish sentence for an audit row. `who` is the clerk's full name (None: the system
    or a program such as the SMS loop); `label(kind, code)` names a 'stage' or 'kind' code."""
    fem = bool(who) and _feminine(who or "")

    def verb(masc: str) -> str:
        # "zmienił" → "zmieniła", "dodał" → "dodała": every verb used here takes -a.
        return masc + "a" if fem else masc

    stage = lambda code: label("stage", code) if code else "–"  # noqa: E731
    reason = f" (powód: {detail['reason']})" if detail.get("reason") else ""
    match action:
        case "filing_registered":
            missing = len(detail.get("missing") or [])
            what = f"{verb('zarejestrował')} wniosek" + (f", braki przy złożeniu: {missing}" if missing else "")
        case "stage_changed":
            sms = SMS_OUTCOME_PL.get(detail.get("sms", ""), "")
            what = f"{verb('zmienił')} etap: {stage(detail.get('old'))} → {stage(detail.get('new'))}"
            sms += f", {MAIL_QUEUED_PL}" if detail.get("mail") == "queued" else ""
            what += f" ({sms})" if sms else ""
        case "stage_withdrawn":
            what = f"{verb('wycofał')} etap {stage(detail.get('withdrawn'))}; sprawa wraca na etap "
            what += stage(detail.get("back_to"))
            if detail.get("sms_cancelled"):
                what += f", anulowano SMS: {detail['sms_cancelled']}"
            if detail.get("mail_cancelled"):
                what += f", anulowano e-maile: {detail['mail_cancelled']}"
            what += reason
        case "case_reopened":
            what = f"{verb('wznowił')} sprawę: {stage(detail.get('old'))} → {stage(detail.get('new'))}{reason}"
        case "case_corrected":
            fields = ", ".join(FIELD_NAMES_PL.get(f, f) for f in detail.get("fields", []))
            what = f"{verb('poprawił')} dane wnioskodawcy: {fields}"
        case "contact_changed":
            what = f"{verb('zmienił')} dane kontaktowe"
        case "deficiency_added":
            kind = label("kind", detail["kind"]) if detail.get("kind") else "własny opis"
            what = f"{verb('dopisał')} brak nr {detail.get('deficiency')}: {kind}"
            what += " (z uwagą)" if detail.get("has_note") else ""
        case "message_written":
            sms = SMS_OUTCOME_PL.get(detail.get("sms", ""), "")
            source = f"ze wzoru {detail['template']}" if detail.get("template") else "własnymi słowami"
            what = f"{verb('napisał')} wiadomość nr {detail.get('message')} do wnioskodawcy ({source})"
            what += f"; {sms}" if sms else ""
            what += f"; {MAIL_QUEUED_PL}" if detail.get("mail") == "queued" else ""
        case "deficiency_note_edited":
            what = f"{verb('zmienił')} uwagę do braku nr {detail.get('deficiency')}"
        case "deficiency_resolved":
            what = f"{verb('oznaczył')} brak nr {detail.get('deficiency')} jako uzupełniony"
        case "deficiency_reopened":
            what = f"{verb('przywrócił')} brak nr {detail.get('deficiency')} (uzupełniony omyłkowo)"
        case "sms_opt_out":
            what = f"{verb('zapisał')}: SMS wyłączone"
            what += f" (anulowano w kolejce: {detail['cancelled']})" if detail.get("cancelled") else ""
            what += f" (anulowano e-maile: {detail['mail_cancelled']})" if detail.get("mail_cancelled") else ""
        case "sms_opt_in":
            what = f"{verb('zapisał')}: SMS włączone"
        case "sms_cancelled":
            why = {"applicant opted out": "rezygnacja z SMS", "no phone number": "brak telefonu"}
            return f"Wysyłka SMS anulowała SMS nr {detail.get('outbox')} ({why.get(detail.get('reason'), '')})"
        case "mail_cancelled":
            why = {"applicant opted out": "rezygnacja z powiadomień", "no e-mail address": "brak adresu e-mail",
                   "address no longer valid": "adres e-mail do poprawienia"}  # fmt: skip
            return f"Wysyłka e-mail anulowała e-mail nr {detail.get('outbox')} ({why.get(detail.get('reason'), '')})"
        case "password_reissued":
            what = f"{verb('wydał')} nowe hasło (wersja {detail.get('credential_version')})"
        case "visit_marked":
            old, new = (VISIT_STATES_PL.get(detail.get(k, ""), "–") for k in ("old", "new"))
            what = f"{verb('oznaczył')} wizytę {detail.get('reference', '')}: {old} → {new}"
        case "visit_unmarked":
            old = VISIT_STATES_PL.get(detail.get("old", ""), "–")
            what = f"{verb('wycofał')} oznaczenie wizyty {detail.get('reference', '')} ({old}); znów umówiona"
        case "visit_cancelled":
            what = f"{verb('odwołał')} wizytę {detail.get('reference', '')}"
        case "visit_booked_for":
            what = f"{verb('umówił')} wizytę {detail.get('reference', '')} w imieniu wnioskodawcy"
        case _:
            what = f"{verb('wykonał')} czynność {action}"
    return f"{who or 'System'} {what}"
