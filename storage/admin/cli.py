"""`python -m storage` / `okienko-store`: the administrator's and scripts' command line – its
arguments and how a command is run (the commands themselves: storage.admin.commands).

Every command prints one clear line to stderr and exits non-zero on bad input or an
unreachable database; `--json` output is meant for other office systems.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import storage
from storage import config, schema
from storage.admin import backup, report_output
from storage.arguments import whole_number
from storage.errors import exit_codes, mask_secrets
from storage.languages import LANGUAGES
from storage.models import CHANNELS, ROLES


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"data w formacie RRRR-MM-DD, nie {text!r}") from None


def _whole_number(low: int, high: int) -> Callable[[str], int]:
    """A row id past the database's integer (`99999999999999999999`) ended in a driver traceback; a
    negative demo size in another."""
    return whole_number(
        low, high, not_a_number="liczba całkowita, nie {given!r}", out_of_range="liczba od {low} do {high}, nie {given}"
    )


ROW_ID = _whole_number(1, 2**63 - 1)  # PostgreSQL's bigint and SQLite's INTEGER
MAX_DEMO_CASES = 100_000

# ------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    """argparse quotes what it refuses (`unrecognized arguments: --db postgresql://u:PASSWORD@…`)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: błąd: {mask_secrets(message)}\n")


DB_HELP = "adres bazy (domyślnie OKIENKO_DB albo sqlite:///okienko.sqlite3)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m storage", description="Okienko – administracja bazą spraw")
    parser.add_argument("--db", help=DB_HELP)
    # The same option after the command (`stats --db URL`), where people also put it; SUPPRESS
    # keeps the value given before the command when it is not repeated.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, handler: str, help_text: str, *, needs_schema: bool = True, long: bool = False
    ) -> argparse.ArgumentParser:
        """One subcommand, run by `handler` (a function of storage.admin.commands, or "module.function"
        in storage.admin); `needs_schema=False` for those that work on a missing or older schema;
        `long` for those that show their progress on stderr (storage.admin.progress)."""
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[after])
        # Parser-level defaults win over an argument's own, so `quiet` is set here only where no option sets it.
        p.set_defaults(handler=handler, needs_schema=needs_schema, long=long, **({} if long else {"quiet": True}))
        if long:
            p.add_argument("-q", "--quiet", action="store_true", help="bez postępu, tylko wynik (dla skryptów)")
        return p

    add("init", "cmd_init", "utwórz schemat w pustej bazie i wczytaj katalogi z fixtures/", needs_schema=False)
    add(
        "migrate",
        "cmd_migrate",
        "doprowadź schemat do bieżącej wersji (bez utraty danych); nowa baza dostaje katalogi",
        needs_schema=False,
        long=True,
    )
    p = add("load-fixtures", "cmd_load_fixtures", "wczytaj katalogi z fixtures/ (idempotentnie)")
    p.add_argument("--dir", type=__import__("pathlib").Path, help="katalog z plikami TOML")
    p = add("create-clerk", "cmd_create_clerk", "załóż konto urzędnika")
    p.add_argument("login")
    p.add_argument("--name", required=True, help="imię i nazwisko")
    p.add_argument("--office", required=True, help="GDA albo SLU")
    p.add_argument("--role", default="clerk", choices=ROLES)
    p.add_argument("--password-stdin", action="store_true", help="czytaj hasło z wejścia (dla skryptów)")
    p = add("deactivate-clerk", "cmd_deactivate_clerk", "wyłącz konto urzędnika")
    p.add_argument("login")
    p = add("clerks", "cmd_clerks", "lista kont urzędników")
    p.add_argument("--json", action="store_true")
    p = add("demo", "cmd_demo", "zbuduj bazę demonstracyjną", needs_schema=False, long=True)
    p.add_argument("--cases", type=_whole_number(1, MAX_DEMO_CASES), default=36)
    p.add_argument("--history", action="store_true", help="także rok rozstrzygniętych spraw (czasy załatwiania)")
    p = add(
        "processing-times",
        "cmd_processing_times",
        "czasy załatwiania spraw (--refresh: przelicz, co godzinę z timera)",
    )
    p.add_argument("--refresh", action="store_true", help="przelicz z historii i zapisz (robi to timer co godzinę)")
    p.add_argument("--office", help="tylko ten oddział (GDA, SLU)")
    p.add_argument("--json", action="store_true")
    p = add(
        "grant-public-role",
        "cmd_grant_public_role",
        "PostgreSQL: utwórz/odśwież rolę portalu (najmniejsze uprawnienia)",
    )
    p.add_argument("role")
    p.add_argument("--password-stdin", action="store_true", help="ustaw hasło roli z wejścia")
    p = add("stats", "cmd_stats", "podsumowanie bazy")
    p.add_argument("--json", action="store_true")
    p = add("catalog", "cmd_catalog", "kody rodzajów spraw, etapów i braków")
    p.add_argument("--json", action="store_true")
    p = add("report", "report_output.run", "statystyki dla kierownika: wpływ, decyzje, zaległości, czas do decyzji")
    report_output.add_arguments(p)

    p = add("register", "cmd_register", "zarejestruj wniosek")
    p.add_argument("--clerk", required=True)
    p.add_argument("--type", required=True, help="kod rodzaju sprawy (zob. catalog)")
    p.add_argument("--name", required=True, help="imię i nazwisko wnioskodawcy")
    p.add_argument("--phone")
    p.add_argument("--lang", default="pl", choices=LANGUAGES)
    p.add_argument("--channel", default="in_person", choices=CHANNELS)
    p.add_argument("--external-ref")
    p.add_argument("--filed-on", type=_date)
    p.add_argument("--office")
    p.add_argument("--missing", nargs="*", metavar="CODE")
    p.add_argument("--no-sms", action="store_true", help="wnioskodawca nie chce powiadomień (SMS ani e-mail)")
    p.add_argument("--email", help="adres e-mail do powiadomień (nieobowiązkowy)")
    p.add_argument("--json", action="store_true")
    p = add("set-stage", "cmd_set_stage", "zmień etap sprawy")
    p.add_argument("number")
    p.add_argument("stage")
    p.add_argument("--clerk", required=True)
    p = add("add-deficiency", "cmd_add_deficiency", "dopisz brak (kod z katalogu albo text:OPIS)")
    p.add_argument("number")
    p.add_argument("kind")
    p.add_argument("--note")
    p.add_argument("--clerk", required=True)
    p = add("write-message", "cmd_write_message", "wiadomość z urzędu do wnioskodawcy (wzór albo własny tekst)")
    p.add_argument("number")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--template", help="kod wzoru (zob. catalog)")
    what.add_argument("--text", help="własny tekst")
    p.add_argument("--value", action="append", metavar="NAZWA=WARTOŚĆ", help="pole wzoru: document, date, office")
    p.add_argument("--lang", choices=LANGUAGES, help="język własnego tekstu (domyślnie pl)")
    p.add_argument("--clerk", required=True)
    p = add("resolve-deficiency", "cmd_resolve_deficiency", "oznacz brak jako uzupełniony")
    p.add_argument("id", type=ROW_ID)
    p.add_argument("--clerk", required=True)
    p = add(
        "reopen-deficiency",
        "cmd_reopen_deficiency",
        "brak oznaczony omyłkowo jako uzupełniony znów jest brakiem",
    )
    p.add_argument("id", type=ROW_ID)
    p.add_argument("--clerk", required=True)
    p = add("withdraw-stage", "cmd_withdraw_stage", "wycofaj omyłkowo ustawiony etap (sprawa wraca na poprzedni)")
    p.add_argument("number")
    p.add_argument("--reason", help="powód (wymagany, gdy wycofuje administrator)")
    p.add_argument("--clerk", required=True)
    p = add("reopen", "cmd_reopen", "wznów zakończoną sprawę (tylko administrator)")
    p.add_argument("number")
    p.add_argument("--reason", required=True)
    p.add_argument("--clerk", required=True)
    p = add("update-case", "cmd_update_case", "popraw dane wnioskodawcy (te same zasady co przy rejestracji)")
    p.add_argument("number")
    p.add_argument("--name", help="imię i nazwisko")
    phone = p.add_mutually_exclusive_group()
    phone.add_argument("--phone")
    phone.add_argument("--no-phone", action="store_true", help="usuń numer telefonu")
    email = p.add_mutually_exclusive_group()
    email.add_argument("--email")
    email.add_argument("--no-email", action="store_true", help="usuń adres e-mail")
    p.add_argument("--lang", choices=LANGUAGES)
    p.add_argument("--channel", choices=CHANNELS)
    p.add_argument("--external-ref", help="pusty napis usuwa numer zewnętrzny")
    p.add_argument("--clerk", required=True)
    p = add("opt-out", "cmd_opt_out", "wnioskodawca nie chce SMS (--undo: znów chce)")
    p.add_argument("number")
    p.add_argument("--undo", action="store_true")
    p.add_argument("--clerk", required=True)
    p = add("reissue-password", "cmd_reissue_password", "wydaj nowe hasło do sprawy")
    p.add_argument("number")
    p.add_argument("--clerk", required=True)
    p = add("show", "cmd_show", "pokaż sprawę")
    p.add_argument("number")
    p.add_argument("--json", action="store_true")

    # Running the office. Any schema: a store is backed up before it is migrated.
    p = add("backup", "cmd_backup", "kopia zapasowa bazy (sprawdzona, 0600, z rotacją)", needs_schema=False, long=True)
    p.add_argument("--to", type=Path, required=True, metavar="DIR", help="katalog na kopie")
    p.add_argument("--keep", type=int, default=backup.DEFAULT_KEEP, metavar="N", help="zostaw N najnowszych kopii")
    p.add_argument("--keep-days", type=int, metavar="D", help="usuń kopie starsze niż D dni")
    p = add("restore", "cmd_restore", "odtwórz kopię do pustej bazy (--force: zastąp)", needs_schema=False, long=True)
    p.add_argument("file", type=Path)
    p.add_argument("--force", action="store_true", help="zastąp bazę, która nie jest pusta")
    p = add("purge", "cmd_purge", "usuń dane osobowe po okresie przechowywania (bezpieczne do powtarzania)", long=True)
    p.add_argument("--json", action="store_true")

    p = add("visits", "cmd_visits", "wizyty dnia (domyślnie dziś) według godziny")
    p.add_argument("--office", help="GDA albo SLU (domyślnie wszystkie)")
    p.add_argument("--day", type=_date, help="RRRR-MM-DD")
    p.add_argument("--group", help="kod sprawy, np. filing")
    p.add_argument("--json", action="store_true")
    p = add("cancel-visit", "cmd_cancel_visit", "odwołaj wizytę (termin wraca do puli)")
    p.add_argument("reference", help="numer rezerwacji, np. GDA-7K3M9Q")
    p.add_argument("--clerk", required=True)

    # Further subcommands: one `p = add(...)` block each, above this line.
    return parser


def _handler(name: str) -> Callable[[argparse.Namespace], None]:
    # Loaded once a command runs: the commands reach every room, and `--help` or a mistyped
    # argument should answer without importing them (or opening a store).
    module, _, function = name.rpartition(".")
    return getattr(importlib.import_module(f"storage.admin.{module or 'commands'}"), function)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # `systemctl stop` (SIGTERM) ends long work as Ctrl+C does: cleaned up, with its one line, instead of
    # dying on the spot with a backup's partial file left behind.
    if args.long:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with exit_codes("błąd") as failed:
            config.check_settings(db_url=args.db)
            if args.needs_schema:
                schema.open_current(args.db)
            else:
                storage.open_database(args.db)  # these create the store
            _handler(args.handler)(args)
    except KeyboardInterrupt as stopped:
        # Long work (storage.admin.progress.Interrupted) says what state it left and how to resume.
        print(f"przerwano: {stopped.args[0]}" if stopped.args else "przerwano", file=sys.stderr)
        return 130
    return failed.code
