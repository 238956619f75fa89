"""What the case screen shows of a case: the summary above and its tabs (deficiencies, messages,
stage history, SMS and e-mail, audit), each filled from the store's CaseDetail. Every value a
person or a file gave is shown literally (counter_tui/widgets/literal.py)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from counter_tui.catalog import Catalog
from counter_tui.widgets.literal import literal, markup
from storage import desk as store
from storage.desk import CaseDetail, MessageInfo

CHANNELS = {"in_person": "osobiście", "post": "pocztą", "electronic": "elektronicznie"}
SMS_STATES = {
    "queued": "w kolejce",
    "sending": "wysyłany",
    "sent": "wysłany",
    "delivered": "doręczony",
    "failed": "nieudany",
    "cancelled": "anulowany",
    "unknown": "niepewny (może wysłany)",
}
MAIL_STATES = {**SMS_STATES, "sent": "wysłany"}
# Why a message went without its own SMS (the audit of its writing keeps the outcome).
NO_SMS = {
    "no_phone": "bez SMS: brak telefonu",
    "opted_out": "bez SMS: rezygnacja",
    "already_queued": "SMS już w kolejce",
}


def when(value) -> str:
    return store.to_warsaw(value).strftime("%Y-%m-%d %H:%M") if value else ""


def show_summary(summary: Static, d: CaseDetail, catalog: Catalog) -> None:
    overdue = "  [b red]PO TERMINIE[/]" if d.overdue else ""
    closed = "  [b]ZAKOŃCZONA[/]" if d.closed else ""
    sms = "[b red]NIE (rezygnacja)[/]" if d.sms_opt_out else ("tak" if d.phone else "brak telefonu")
    phone = store.display_phone(d.phone) or ("usunięty (retencja)" if d.personal_data_purged_at else "–")
    # Shown only when there is one: most applicants give no address (and retention's erasure
    # is already said beside the phone).
    email = " · e-mail: $email" if d.email else ""
    ref = ", nr $ref" if d.external_ref else ""
    # The template is ours; every value is a $variable, substituted as plain text.
    template = (
        "[b]$number[/b] · $case_type · oddział: $office" + closed + "\n"
        "Złożono $filed_on ($channel" + ref + ") · termin $deadline" + overdue + "\n"
        "Wnioskodawca: [b]$name[/b] · tel. $phone" + email + " · język: $language · SMS: " + sms + "\n"
        "Etap: [b]$stage[/b] · przyjął(-ęła): $clerk · wersja hasła: $version"
    )
    summary.update(
        markup(
            template,
            number=d.display_number,
            case_type=d.case_type_label,
            office=next((o.city for o in catalog.offices if o.code == d.office), d.office),
            filed_on=d.filed_on,
            channel=CHANNELS.get(d.channel, d.channel),
            ref=d.external_ref,
            deadline=d.deadline_on,
            name=d.applicant_name,
            phone=phone,
            email=d.email,
            language=store.NAMES_PL.get(d.language, d.language),
            stage=d.stage_label,
            clerk=d.created_by,
            version=d.credential_version,
        )
    )


def show_deficiencies(table: DataTable, d: CaseDetail) -> None:
    table.clear()
    for item in d.deficiencies:
        state = literal("uzupełniony", style="green") if item.resolved_at else literal("BRAK", style="bold red")
        table.add_row(
            literal(item.id),
            state,
            literal(item.label),
            literal(item.note),
            literal(when(item.created_at)),
            key=str(item.id),
            height=None,
        )


def show_history(table: DataTable, d: CaseDetail) -> None:
    table.clear()
    for h in d.history:
        if h.withdrawn_at:
            label = literal(h.stage_label, style="strike dim")
            state = literal(f"wycofany {store.to_warsaw(h.withdrawn_at):%H:%M}", style="dim")
        else:
            label, state = literal(h.stage_label), literal("")
        table.add_row(literal(when(h.changed_at)), label, literal(h.clerk_login), state, height=None)


def show_sms(table: DataTable, d: CaseDetail, catalog: Catalog) -> None:
    table.clear()
    for s in d.sms:
        table.add_row(
            literal(s.id),
            literal(SMS_STATES.get(s.state, s.state)),
            literal(catalog.stage_label(s.stage or "")),
            literal(when(s.created_at)),
            literal(s.attempts),
            literal("\n".join(filter(None, (when(s.sent_at), when(s.delivered_at))))),
            literal(s.error_code or s.last_error or ""),
            height=None,
        )


def show_mail(table: DataTable, d: CaseDetail, catalog: Catalog) -> None:
    table.clear()
    for m in d.mail:
        about = catalog.stage_label(m.stage) if m.stage else f"wiadomość nr {m.message}"
        table.add_row(
            literal(m.id),
            literal(MAIL_STATES.get(m.state, m.state), style="bold red" if m.state in ("failed", "unknown") else ""),
            literal(about),
            literal(when(m.created_at)),
            literal(m.attempts),
            literal(when(m.sent_at)),
            literal(" ".join(filter(None, (m.error_code, m.last_error)))),
            height=None,
        )


def show_audit(table: DataTable, d: CaseDetail) -> None:
    table.clear()
    for a in d.audit:
        table.add_row(literal(when(a.at)), literal(a.text or a.action), height=None)


def show_messages(table: DataTable, d: CaseDetail, catalog: Catalog) -> None:
    notices = {a.detail.get("message"): a.detail.get("sms") for a in d.audit if a.action == "message_written"}
    table.clear()
    for m in d.messages:
        read = f"przeczytana\n{when(m.read_at)}" if m.read_at else "nieprzeczytana"
        table.add_row(
            literal(f"{when(m.created_at)}\n{m.clerk_login}"),
            literal(f"{catalog.template_label(m.template)}\n{store.NAMES_PL.get(m.language, m.language)}"),
            literal(m.body),
            literal(message_notices(m, notices.get(m.id))),
            literal(read, style="" if m.read_at else "bold"),
            key=str(m.id),
            height=None,
        )


def message_notices(message: MessageInfo, outcome: str | None) -> str:
    """How a message was announced: its SMS, and for an applicant with an address its e-mail."""
    if message.sms_state is not None:
        sms = f"SMS {SMS_STATES.get(message.sms_state, message.sms_state)}"
    else:
        sms = NO_SMS.get(outcome or "", "bez SMS")
    if message.mail_state is not None:  # a second line only for applicants who gave an address
        sms += f"\ne-mail {MAIL_STATES.get(message.mail_state, message.mail_state)}"
    return sms
