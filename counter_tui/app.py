"""The clerk app: login, worklist, registration, case detail; printing runs in workers."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable

from rich.align import Align
from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from counter_tui.catalog import Catalog
from counter_tui.crash_log import record_crash
from counter_tui.messages import StoreResult
from counter_tui.printing import JobKind, PrintJob, PrintTarget, run_job, save_job
from counter_tui.printing.jobs import PrintResult
from counter_tui.screens.base import StoreWorkMixin, TypeToSearch
from counter_tui.screens.case_detail import CaseDetailScreen
from counter_tui.screens.dialogs import ConfirmDialog, CredentialsDialog, PrintChoice, PrintFailedDialog
from counter_tui.screens.help import HelpScreen
from counter_tui.screens.login import LoginScreen
from counter_tui.screens.register import Prefill, RegisterScreen
from counter_tui.screens.worklist import WorklistScreen
from counter_tui.settings import CounterSettings, load_settings
from counter_tui.type_ahead import TypeAheadApp
from counter_tui.widgets.literal import Displayable, literal, plain, visible
from storage import desk as store
from storage.desk import ClerkInfo, RegisteredFiling

# Textual's own key descriptions a clerk can see, in Polish. The open list of a Select shows
# its Esc in the footer; merged bindings are computed per class, so they are recomputed here.
SelectOverlay.BINDINGS = [Binding("escape", "dismiss", "Zamknij listę")]
SelectOverlay._merged_bindings = SelectOverlay._merge_bindings()
TERMINAL_CHECK_S = 1.0
TERMINAL_CLOSED_EXIT = 129  # 128 + SIGHUP, as a shell reports a hung-up program

# Key names as printed on a Polish keyboard's keys, for the footer and the palette (Textual says
# "slash", "escape", "^n").
KEY_NAMES_PL = {
    "slash": "/", "escape": "Esc", "enter": "Enter", "delete": "Delete", "space": "Spacja", "backspace": "Backspace",
    "tab": "Tab", "up": "↑", "down": "↓", "left": "←", "right": "→", "pageup": "PgUp", "pagedown": "PgDn",
}  # fmt: skip


def key_name_pl(key: str) -> str:
    """ "ctrl+n" → "Ctrl+N", "f2" → "F2", "slash" → "/", "s" → "s": the first of a binding's keys.

    A letter alone stays lower case ("S" would read as Shift+S); with Ctrl it is written as on
    the keycap, as Polish manuals write it."""
    *modifiers, name = key.split(",")[0].split("+")
    if name in KEY_NAMES_PL:
        shown = KEY_NAMES_PL[name]
    elif len(name) == 1:
        shown = name.upper() if modifiers else name
    elif name[0] == "f" and name[1:].isdigit():
        shown = name.upper()
    else:
        shown = name.capitalize()
    return "+".join([*(m.capitalize() for m in modifiers), shown])


# Screen-level keys every Textual screen has (Tab, Shift+Tab, Ctrl+C): never offered as commands.
_TEXTUAL_SCREEN_ACTIONS = {"app.focus_next", "app.focus_previous", "screen.copy_text"}


class PolishCommandPalette(CommandPalette):
    """The command palette with Polish texts (Textual's own say "Search for commands…")."""

    def __init__(self) -> None:
        super().__init__(placeholder="Wpisz, aby wyszukać polecenie…", id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Replaces Textual's English "No matches found" with the same behaviour in Polish.
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text("Brak pasujących poleceń", style="not bold")), disabled=True,
                           id=self._NO_MATCHES)
                )  # fmt: skip
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class OkienkoApp(StoreWorkMixin, TypeAheadApp, App):
    CSS_PATH = "styles/app.tcss"
    TITLE = "Okienko"
    SUB_TITLE = "Oddział ds. Cudzoziemców"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Zakończ", id="quit", priority=True, show=False),
        Binding("ctrl+p", "command_palette", "Polecenia", show=False, priority=True, tooltip="Lista poleceń"),
        # Shown in the worklist's footer (the other footers are full); in the palette everywhere.
        Binding("f1", "key_map", "Pomoc", id="key-map", show=False),
        # A new filing from any screen that is not a form or a question: after a filing the clerk
        # is on the new case, and the next applicant is already at the counter.
        Binding("ctrl+n", "new_filing", "Nowy wniosek", id="new-filing", show=False),
    ]

    def __init__(self, settings: CounterSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or load_settings()
        self.clerk: ClerkInfo | None = None
        self.catalog: Catalog | None = None
        # The credentials window the app opened last: it announces the print jobs started with it.
        self._credentials: CredentialsDialog | None = None
        self.crash_lines: list[str] = []

    # ------------------------------------------------------------ what is said, and how it ends

    def notify(
        self,
        message: Displayable,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification of this app is plain text, whoever asks (`Widget.notify` passes
        markup=True): they carry names, references and the store's or printer's error texts."""
        if isinstance(message, Text | Content):
            message = message.plain
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        # The traceback with its locals goes to a private file (counter_tui/crash_log.py); Textual
        # then closes the app as usual, and _print_error_renderables says one line instead.
        self.crash_lines.append(record_crash(error))
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        if self.crash_lines:
            self.error_console.print(literal(self.crash_lines[0]), soft_wrap=True)
        self._exit_renderables.clear()

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._screen_changed)
        self.push_screen(LoginScreen())
        if not self.is_headless and sys.__stdin__ is not None and sys.__stdin__.isatty():
            self.set_interval(TERMINAL_CHECK_S, self._exit_if_terminal_closed)

    def _exit_if_terminal_closed(self) -> None:
        """A closed terminal window ends the app however it was started. Under `make` its SIGHUP
        never reaches the app, which then spun on the dead terminal; a hung-up terminal refuses
        every request (EIO), so asking it who is in the foreground tells."""
        try:
            os.tcgetpgrp(sys.__stdin__.fileno())  # type: ignore[union-attr]
        except OSError:
            self.exit(return_code=TERMINAL_CLOSED_EXIT)

    def _screen_changed(self, screen: Screen) -> None:
        # Both delivery channels in every header once a clerk is signed in (the login screen shows none).
        if self.clerk is not None:
            from counter_tui.widgets.delivery_status import show_in_header

            show_in_header(screen)

    @property
    def desk_office(self) -> str | None:
        return self.settings.default_office or (self.clerk.office_code if self.clerk else None)

    # ------------------------------------------------------------ session

    def signed_in(self, clerk: ClerkInfo, catalog: Catalog) -> None:
        self.clerk, self.catalog = clerk, catalog
        office = next((o.city for o in catalog.offices if o.code == self.desk_office), self.desk_office)
        self.sub_title = visible(f"{clerk.full_name} ({clerk.login}) · okienko: {office}")
        self.switch_screen(WorklistScreen())

    def action_logout(self) -> None:
        self.clerk = None
        self.sub_title = self.SUB_TITLE
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    # ------------------------------------------------------------ navigation

    def open_case(self, number: str) -> None:
        self.push_screen(CaseDetailScreen(number))

    def open_register(self, prefill: Prefill | None = None) -> None:
        self.push_screen(RegisterScreen(prefill))

    def action_new_filing(self) -> None:
        if self.clerk is None or isinstance(self.screen, (ModalScreen, RegisterScreen, LoginScreen)):
            return  # a form or a question is open: it takes its own keys first
        self.open_register()

    def search_in_list(self, char: str) -> None:
        """A printable key typed on a screen that takes no text (a case): the clerk is typing the
        next person's name or scanning a number. Back to the list below (the worklist or Wizyty),
        whose search box takes this key; the keys after it follow there (type_ahead.py)."""
        while len(self.screen_stack) > 2 and not isinstance(self.screen, (TypeToSearch, ModalScreen)):
            self.pop_screen()
        if isinstance(self.screen, TypeToSearch):
            self.screen.type_into_search(char)

    def filing_registered(self, filing: RegisteredFiling) -> None:
        self.pop_screen()
        new_case = CaseDetailScreen(filing.number)
        if isinstance(self.screen, CaseDetailScreen):
            # Filed with Ctrl+N from a case: the new case takes its place, so that a morning of
            # filings leaves one case above the list, not a stack of them behind Esc.
            self.switch_screen(new_case)
        else:
            self.push_screen(new_case)
        # The receipt's result arrives on the event loop after this method: the window below is open by then.
        self.print_receipt(filing.number)
        self.show_credentials(filing.number, filing.password, reissued=False)

    def show_credentials(self, number: str, password: str, reissued: bool) -> None:
        title = "Nowe hasło do sprawy" if reissued else "Wniosek zarejestrowany"
        note = "Drukuję list z danymi logowania" + ("" if reissued else " i potwierdzenie złożenia wniosku") + "…"
        printing = (JobKind.LETTER,) if reissued else (JobKind.LETTER, JobKind.RECEIPT)
        self._credentials = CredentialsDialog(title, store.format_number(number), password, note, printing)
        self.push_screen(self._credentials)
        self.print_job(PrintJob.letter(number), password=password)

    # ------------------------------------------------------------ printing

    @property
    def print_target(self) -> PrintTarget:
        return PrintTarget(self.settings.print_command, self.settings.printer, self.settings.portal_url)

    def print_receipt(self, number: str) -> None:
        self.print_job(PrintJob.receipt(number))

    class Printed(StoreResult[PrintResult]):
        """A print job ended (run like every other piece of background work: StoreWorkMixin)."""

    def print_job(self, job: PrintJob, password: str | None = None) -> None:
        # Printing belongs to the app, not to a screen: a job outlives the window that announced it.
        self.run_store(self.Printed, run_job, job, self.print_target, password=password, replaces_older=False)

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        if message.value is None:  # run_job reports every failure in its result; this is a bug
            self.notify(plain("Drukowanie przerwane: $error", error=message.error or ""), severity="error")
            return
        result, job = message.value, message.value.job
        if self._credentials is not None and self._credentials.is_attached:
            self._credentials.print_finished(result)  # the window that announced this job
        if result.ok:
            self.notify(plain("Wydrukowano: $label", label=job.label), timeout=4)
            return

        def decided(choice: PrintChoice | None) -> None:
            if choice is PrintChoice.RETRY and job.can_retry:
                self.print_job(job)
            elif choice is PrintChoice.SAVE and not job.sensitive and job.pdf is not None:
                try:
                    path = save_job(job, self.settings.save_dir)
                except OSError as exc:
                    self.notify(plain("Nie zapisano PDF: $error", error=exc), severity="error")
                else:
                    self.notify(plain("Zapisano $path", path=path), timeout=8)
            else:
                self.notify(plain("Nie wydrukowano: $label", label=job.label), severity="warning")

        self.push_screen(PrintFailedDialog(result), decided)

    async def action_quit(self) -> None:
        """Ctrl+Q: a form holding typed input asks first, as its own Esc does."""
        if isinstance(self.screen, ConfirmDialog):
            return  # the question is on screen already (or another one: answer it first)
        if not any(getattr(s, "has_typed_input", lambda: False)() for s in self.screen_stack):
            self.exit()
            return

        def decided(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        question = "W otwartym formularzu jest wpisany tekst. Zakończyć program i porzucić go?"
        self.push_screen(ConfirmDialog(question, "Zakończ", "Wróć", safe_default=True), decided)

    def get_key_display(self, binding: Binding) -> str:
        return binding.key_display or key_name_pl(binding.key)

    def action_key_map(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # ------------------------------------------------------------ command palette

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(PolishCommandPalette())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the current screen is in the palette too, under its footer name.

        Only the app's and the screen's own keys: a focused widget's (cursor moves, copy) and
        Textual's defaults (theme, screenshot, maximize, key help) are English and not desk work."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if (
                not binding.description
                or active.node not in (self, screen)
                or binding.action in seen
                or binding.description in seen  # Ctrl+N: the app's and the worklist's own
                or binding.action in _TEXTUAL_SCREEN_ACTIONS
                or binding.action.endswith("command_palette")
            ):
                continue
            seen.add(binding.action)
            seen.add(binding.description)
            key = binding.key_display or key_name_pl(binding.key)
            yield SystemCommand(
                binding.description, f"skrót: {key}", functools.partial(self.run_action, binding.action, active.node)
            )
