"""The admin CLI's commands (`python -m storage COMMAND`): each takes the parsed arguments, prints
its answer (or JSON for other office systems) and raises DomainError for bad input."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import sys

from rich.console import Console

import storage
from storage import schema
from storage.admin import backup, demo, retention, roles
from storage.admin.plain_table import PlainTable
from storage.admin.progress import Interrupted, Progress
from storage.cases import processing_times
from storage.catalog.visit_groups import visit_groups
from storage.clock import to_warsaw
from storage.db import database_url
from storage.errors import DomainError
from storage.records import to_jsonable
from storage.visits import desk as visit_desk


def _print_json(value: object) -> None:
    print(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        # getpass would fall back to an echoing prompt and then meet the end of a script's input.
        raise DomainError("password", "nie podano hasła – wpisz je w terminalu albo użyj --password-stdin")
    try:
        first = getpass.getpass("Hasło: ")
        again = getpass.getpass("Powtórz hasło: ")
    except EOFError:  # stdin closed (a script, `< /dev/null`): getpass has nothing to read
        raise DomainError("password", "nie podano hasła – wpisz je w terminalu albo użyj --password-stdin") from None
    if first != again:
        raise DomainError("password", "hasła się różnią")
    return first


def _catalogues_if_empty() -> None:
    """A new store is usable at once: without catalogues the first `register` fails with
    "unknown case type". A store that has them keeps them (`load-fixtures` updates them)."""
    if storage.case_types(include_inactive=True):
        return
    changed = storage.load_fixtures()
    print("wczytano katalogi: " + ", ".join(f"{k}={v}" for k, v in changed.items()))


def cmd_init(args: argparse.Namespace) -> None:
    created = schema.init()
    if created:
        print("utworzono schemat")
    _catalogues_if_empty()
    if not created:
        print("schemat już istnieje – nic nie zmieniono")


def cmd_migrate(args: argparse.Namespace) -> None:
    applied = _migrate_showing_progress(args.quiet)
    print("schemat jest aktualny" if not applied else "zastosowano: " + ", ".join(applied))
    if applied and storage.case_types(include_inactive=True):
        # A migration may add catalogue columns or tables (fee names, message templates) that
        # only the fixtures fill; loading them again changes nothing else.
        changed = storage.load_fixtures()
        print("katalogi odświeżone: " + ", ".join(f"{k}={v}" for k, v in changed.items()))
    _catalogues_if_empty()
    drift = schema.schema_drift()
    if drift:
        raise DomainError("database", f"schemat różni się od modeli po migracji:\n{drift}")


def _migrate_showing_progress(quiet: bool) -> list[str]:
    """schema.migrate with a bar (or plain lines) by migrations; Ctrl+C keeps those already committed."""
    with contextlib.ExitStack() as stack:
        shown: list[Progress] = []
        applied: list[str] = []

        def start(plan: list[str]) -> None:
            shown.append(stack.enter_context(Progress("migracja", "migracji", len(plan), quiet=quiet)))

        def one_done(name: str) -> None:
            applied.append(name)
            shown[0].advance()

        try:
            return schema.migrate(on_pending=start, on_applied=one_done)
        except KeyboardInterrupt:
            total = shown[0].total if shown else "?"
            raise Interrupted(
                f"zastosowano {len(applied)} z {total} migracji, przerwana wycofana; uruchom migrate ponownie, "
                "by dokończyć"
            ) from None


def cmd_load_fixtures(args: argparse.Namespace) -> None:
    changed = storage.load_fixtures(args.dir)
    print("katalogi wczytane; zmienione wiersze: " + ", ".join(f"{k}={v}" for k, v in changed.items()))


def cmd_create_clerk(args: argparse.Namespace) -> None:
    # What can be checked without the password is checked before asking for it twice.
    _known_office(args.office)
    if any(c.login == args.login for c in storage.list_clerks()):
        raise DomainError("login", f"login {args.login!r} jest już zajęty")
    clerk = storage.create_clerk(args.login, args.name, args.office, args.role, _read_password(args))
    print(f"utworzono konto {clerk.login} ({clerk.full_name}, {clerk.office_code}, {clerk.role})")


def cmd_deactivate_clerk(args: argparse.Namespace) -> None:
    clerk = storage.set_clerk_active(args.login, False)
    print(f"konto {clerk.login} wyłączone")


def cmd_clerks(args: argparse.Namespace) -> None:
    rows = storage.list_clerks()
    if args.json:
        _print_json(rows)
        return
    table = PlainTable("login", "imię i nazwisko", "oddział", "rola", "aktywne")
    for c in rows:
        table.add_row(c.login, c.full_name, c.office_code, c.role, "tak" if c.active else "nie")
    Console().print(table)


def cmd_demo(args: argparse.Namespace) -> None:
    summary = demo.build_demo(case_count=args.cases, history=args.history, quiet=args.quiet)
    print(f"baza demonstracyjna gotowa: {summary.cases} nowych spraw")
    print(f"  urzędnik: login {summary.clerk_login!r}, hasło {summary.password!r}")
    print(f"  administrator: login {summary.admin_login!r}, hasło {summary.password!r}")
    print(f"  przykładowa sprawa dla portalu: {summary.sample_number}, hasło {summary.sample_password}")
    _print_stats(storage.store_stats(), names=DEMO_STATS_PL)


# The demo's summary is read by a newcomer: its rows in words (the `stats` command keeps its codes,
# which scripts read).
DEMO_STATS_PL = {
    "cases": "sprawy",
    "open_cases": "sprawy otwarte",
    "overdue_cases": "po terminie",
    "cases_by_office": "sprawy wg oddziału",
    "open_cases_by_stage": "otwarte wg etapu",
    "open_deficiencies": "braki otwarte",
    "sms_outbox": "SMS w kolejce wysyłki",
    "clerks": "urzędnicy",
    "audit_events": "wpisy w dzienniku zdarzeń",
}
SMS_STATES_PL = {"queued": "w kolejce", "sent": "wysłane", "delivered": "doręczone", "failed": "nieudane",
                 "cancelled": "anulowane"}  # fmt: skip


def cmd_processing_times(args: argparse.Namespace) -> None:
    if args.refresh:
        stored = processing_times.refresh_processing_times()
        print(f"czasy załatwiania przeliczone: {stored} grup")
    figures = processing_times.stored_processing_times(_known_office(args.office))
    if args.json:
        _print_json(figures)
        return
    title = f"Czasy załatwiania, ostatnie 12 miesięcy (bez liczb poniżej {processing_times.MIN_CASES} spraw)"
    table = PlainTable(
        "rodzaj sprawy", "oddział", "od złożenia / w etapie", "spraw", "mediana dni", "80% w dniach", title=title
    )
    stage_names = {s.code: s.label["pl"] for s in storage.stages()}
    # The whole way first, then the stages in their usual order.
    order = {code: i for i, code in enumerate([processing_times.TO_DECISION, *stage_names])}
    for f in sorted(figures, key=lambda f: (f.case_type, f.office, order.get(f.measure, len(order)))):
        measure = "do decyzji" if f.measure == processing_times.TO_DECISION else stage_names.get(f.measure, f.measure)
        table.add_row(f.case_type, f.office, measure, str(f.cases), _days(f.median_days), _days(f.p80_days))
    Console().print(table)
    refreshed = processing_times.last_refreshed()
    print(f"przeliczone: {to_warsaw(refreshed):%Y-%m-%d %H:%M}" if refreshed else "jeszcze nie przeliczone (--refresh)")


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",")


def _print_stats(stats: dict, names: dict[str, str] | None = None) -> None:
    """`names`: the rows in words, with stage and SMS state codes in words too (the demo's summary)."""
    table = PlainTable("co", "ile", title="Okienko – stan bazy")
    stage_names = {st.code: st.label["pl"] for st in storage.stages()} if names else {}
    for key, value in stats.items():
        if isinstance(value, dict):
            value = {stage_names.get(k, SMS_STATES_PL.get(k, k)) if names else k: v for k, v in value.items()}
            value = ", ".join(f"{k}: {v}" for k, v in sorted(value.items())) or "–"
        table.add_row((names or {}).get(key, key), str(value))
    Console().print(table)


def cmd_grant_public_role(args: argparse.Namespace) -> None:
    # One line, its line ending dropped (also a Windows one); an empty line is refused, not "no password".
    password = sys.stdin.readline().removesuffix("\n").removesuffix("\r") if args.password_stdin else None
    statements = roles.grant_public_role(args.role, password)
    for statement in statements:
        print(statement)
    print(f"rola {args.role} gotowa: czyta tylko projekcję publiczną i katalogi; zapisuje tylko: "
          + ", ".join(roles.written_tables(statements))
          + "; teksty z kodem wizyty tylko przez funkcję okienko_queue_visit_code")  # fmt: skip


def cmd_stats(args: argparse.Namespace) -> None:
    stats = storage.store_stats()
    if args.json:
        _print_json(stats)
    else:
        _print_stats(stats)


def cmd_catalog(args: argparse.Namespace) -> None:
    data = {
        "case_types": [t.code for t in storage.case_types()],
        "stages": [s.code for s in storage.stages()],
        "deficiency_kinds": [k.code for k in storage.deficiency_kinds()],
        "offices": [o.code for o in storage.offices()],
        "message_templates": [t.code for t in storage.message_templates()],
    }
    if args.json:
        _print_json(data)
        return
    for key, codes in data.items():
        print(f"{key}: {' '.join(codes)}")


def cmd_register(args: argparse.Namespace) -> None:
    filing = storage.register_filing(
        clerk=args.clerk,
        case_type=args.type,
        applicant_name=args.name,
        phone=args.phone,
        language=args.lang,
        channel=args.channel,
        external_ref=args.external_ref,
        filed_on=args.filed_on,
        office=args.office,
        missing=args.missing or (),
        sms_opt_out=args.no_sms,
        email=args.email,
    )
    if args.json:
        _print_json(
            {"case_number": filing.display_number, "password": filing.password, "deficiencies": filing.deficiencies}
        )
    else:
        print(f"numer sprawy: {filing.display_number}")
        print(f"hasło (jednorazowo): {filing.password}")


def cmd_set_stage(args: argparse.Namespace) -> None:
    change = storage.set_stage(args.number, args.stage, clerk=args.clerk)
    sms = "SMS w kolejce" if change.sms_queued else f"bez SMS ({change.sms_skipped_because})"
    mail = "; e-mail w kolejce" if change.mail == "queued" else ""
    print(f"{storage.format_number(change.number)}: etap {change.stage}; {sms}{mail}")


def cmd_add_deficiency(args: argparse.Namespace) -> None:
    kind, text = (None, args.kind[len("text:") :]) if args.kind.startswith("text:") else (args.kind, None)
    new_id = storage.add_deficiency(args.number, clerk=args.clerk, kind=kind, free_text=text, note=args.note)
    print(f"dopisano brak nr {new_id}")


def cmd_write_message(args: argparse.Namespace) -> None:
    values: dict[str, str] = {}
    for pair in args.value or []:
        name, sep, value = pair.partition("=")
        if not sep:
            raise DomainError("value", f"{pair!r}: podaj NAZWA=WARTOŚĆ, np. date=2026-12-01")
        values[name.strip()] = value
    done = storage.write_message(
        args.number, clerk=args.clerk, template=args.template, values=values or None, text=args.text,
        language=args.lang,
    )  # fmt: skip
    sms = {"queued": "SMS w kolejce", "no_phone": "bez SMS (brak telefonu)", "opted_out": "bez SMS (rezygnacja)",
           "already_queued": "SMS już czeka w kolejce"}[done.notice]  # fmt: skip
    mail = "; e-mail w kolejce" if done.mail == "queued" else ""
    print(f"wiadomość nr {done.id} zapisana; {sms}{mail}")


def cmd_resolve_deficiency(args: argparse.Namespace) -> None:
    storage.resolve_deficiency(args.id, clerk=args.clerk)
    print(f"brak nr {args.id} uzupełniony")


def cmd_opt_out(args: argparse.Namespace) -> None:
    cancelled = storage.set_sms_opt_out(args.number, not args.undo, clerk=args.clerk)
    print("SMS wyłączone" if not args.undo else "SMS włączone", f"(anulowano w kolejce: {cancelled})")


def cmd_reopen_deficiency(args: argparse.Namespace) -> None:
    storage.reopen_deficiency(args.id, clerk=args.clerk)
    print(f"brak nr {args.id} znów otwarty")


def cmd_withdraw_stage(args: argparse.Namespace) -> None:
    done = storage.withdraw_stage(args.number, clerk=args.clerk, reason=args.reason)
    print(
        f"{storage.format_number(done.number)}: wycofano etap {done.withdrawn}, obecny etap {done.stage}; "
        f"anulowano SMS: {done.sms_cancelled}"
    )


def _shown_number(typed: str) -> str:
    """The case number as printed on paper, however it was typed (`26-000037-3`, `26000037 3`)."""
    return storage.format_number(storage.parse_case_number(typed))


def cmd_reopen(args: argparse.Namespace) -> None:
    stage = storage.reopen_case(args.number, clerk=args.clerk, reason=args.reason)
    print(f"{_shown_number(args.number)}: sprawa wznowiona, etap {stage}")


def cmd_update_case(args: argparse.Namespace) -> None:
    changes = {
        key: value
        for key, value in (
            ("applicant_name", args.name),
            ("language", args.lang),
            ("channel", args.channel),
            ("external_ref", args.external_ref),
        )
        if value is not None
    }
    if args.no_phone:
        changes["phone"] = None
    elif args.phone is not None:
        changes["phone"] = args.phone
    if args.no_email:
        changes["email"] = None
    elif args.email is not None:
        changes["email"] = args.email
    if not changes:
        raise DomainError(
            "case",
            "podaj co najmniej jedno z: --name --phone --no-phone --email --no-email --lang --channel --external-ref",
        )
    changed = storage.update_case(args.number, clerk=args.clerk, **changes)
    print(f"{_shown_number(args.number)}: poprawiono " + (", ".join(changed) if changed else "nic (bez zmian)"))


def cmd_reissue_password(args: argparse.Namespace) -> None:
    print(f"nowe hasło (jednorazowo): {storage.reissue_password(args.number, clerk=args.clerk)}")


def cmd_show(args: argparse.Namespace) -> None:
    detail = storage.case_detail(args.number)
    if args.json:
        _print_json(detail)
        return
    print(f"{detail.display_number}  {detail.case_type_label}  [{detail.office}]")
    phone = detail.phone or ("usunięty (retencja)" if detail.personal_data_purged_at else "–")
    email = detail.email or ("usunięty (retencja)" if detail.personal_data_purged_at else "–")
    print(f"  wnioskodawca: {detail.applicant_name}  tel.: {phone}  e-mail: {email}  język: {detail.language}")
    print(f"  etap: {detail.stage_label}  termin: {detail.deadline_on}{'  PO TERMINIE' if detail.overdue else ''}")
    for d in detail.deficiencies:
        state = "uzupełniony" if d.resolved_at else "brak"
        print(f"  [{d.id}] {state}: {d.label}" + (f" (!) {d.note}" if d.note else ""))


def _url(args: argparse.Namespace) -> str:
    return args.db or database_url()


def cmd_backup(args: argparse.Namespace) -> None:
    done = backup.backup(_url(args), args.to, keep=args.keep, keep_days=args.keep_days, quiet=args.quiet)
    print(f"kopia {done.path} ({done.size_bytes / 1e6:.1f} MB, {done.seconds:.1f} s) sprawdzona", end="")
    print(f"; usunięto starsze: {len(done.removed)}" if done.removed else "")


def cmd_restore(args: argparse.Namespace) -> None:
    done = backup.restore(_url(args), args.file, force=args.force, quiet=args.quiet)
    verb = "zastąpiono bazę kopią" if done.replaced else "odtworzono kopię"
    pending = schema.pending_migrations()
    hint = f"; program jest nowszy – uruchom: python -m storage migrate ({', '.join(pending)})" if pending else ""
    print(f"{verb} {args.file} ({done.seconds:.1f} s){hint}")
    if done.backend == "postgresql":
        print("uprawnienia ról nie są odtwarzane – rolę portalu nadaj ponownie: python -m storage grant-public-role …")


def cmd_purge(args: argparse.Namespace) -> None:
    policy = retention.RetentionPolicy.from_environment()
    counts = retention.purge(policy, quiet=args.quiet)
    if args.json:
        _print_json(counts)
        return
    print(
        f"usunięto: telefony i e-maile spraw zakończonych ponad {policy.closed_case_days} dni temu: "
        f"{counts.case_contacts}; SMS starsze niż {policy.sms_days} dni: {counts.sms_rows}; "
        f"e-maile (powiadomienia): {counts.mail_rows}; liczniki logowań i rezerwacji: {counts.throttle_rows}; "
        f"dane osobowe wizyt sprzed tygodnia: {counts.visit_contacts}"
    )


def _known_office(office: str | None) -> str | None:
    """The office code given on the command line (any case), or None for all; an unknown one is refused."""
    known = [o.code for o in storage.offices()]
    if office and office.upper() not in known:
        raise DomainError("office", f"nieznany oddział {office!r} – jeden z: {', '.join(known)}")
    return office.upper() if office else None


def _known_visit_group(group: str | None) -> str | None:
    """A misspelt group showed an empty day, as if nobody had booked."""
    known = [g.code for g in visit_groups()]
    if group and group not in known:
        raise DomainError("group", f"nieznany rodzaj wizyty {group!r} – jeden z: {', '.join(known)}")
    return group


def cmd_visits(args: argparse.Namespace) -> None:
    office = _known_office(args.office)
    _known_visit_group(args.group)
    offices = [office] if office else [o.code for o in storage.offices()]
    rows = [v for office in offices for v in visit_desk.visits_on(office, args.day, args.group)]
    if args.json:
        _print_json(rows)
        return
    day = args.day or storage.today_in_warsaw()
    table = PlainTable(title=f"Wizyty {day:%d.%m.%Y}")
    for header in ("godz.", "numer", "sprawa", "imię i nazwisko", "telefon", "jęz.", "stan", "zapisał(a)"):
        # The reference is read out and typed back: only the name may break over two lines.
        table.add_column(header, no_wrap=header != "imię i nazwisko")
    for v in rows:
        table.add_row(v.local_time, v.reference, v.group, v.name or "usunięte (retencja)", v.phone, v.language,
                      VISIT_STATES_PL.get(v.state, v.state), v.booked_by or "online")  # fmt: skip
    # At least 120 columns, also when piped: a cut reference cannot be typed back.
    Console(width=max(Console().width, 120)).print(table)


VISIT_STATES_PL = {"booked": "zarezerwowana", "arrived": "przyszedł", "no_show": "nie przyszedł", "served": "obsłużony"}


def cmd_cancel_visit(args: argparse.Namespace) -> None:
    visit_desk.cancel_visit(args.reference, args.clerk)
    print(f"wizyta {args.reference.upper()} odwołana; termin wrócił do puli")
