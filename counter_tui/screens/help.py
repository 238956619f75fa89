"""F1: the clerk's key map, the same as README "Clerk key map" (kept short: one screen at 120×35)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from counter_tui.widgets.literal import literal

KEY_MAP = """\
Zasada: na listach (sprawy, wyniki wyszukiwania, Wizyty) litery i cyfry wpisują się do wyszukiwania.
Sama litera nigdy nie zmienia danych ani nie otwiera okna zmiany: zmiany robią klawisze F i Ctrl.

Wszędzie        F1 pomoc · Ctrl+P polecenia · Ctrl+N nowy wniosek · Esc wróć/zamknij · Ctrl+Q zakończ
Lista spraw     / nowe wyszukiwanie · Enter otwórz · F2 Wizyty · F3 statystyki · F4 wg terminu
                F5 odśwież · F7/F8 strona · Esc cała lista · Ctrl+L wyloguj
Wizyty          / szukaj · F2 przybył · F3 obsłużony · F4 nieobecny · F6 cofnij oznaczenie (tego dnia)
                Ctrl+N wniosek z wizyty · Ctrl+B umów · Ctrl+O odwołaj · F7/F8 dzień
Sprawa          F2 etap · F6 wycofaj etap · F3 nowy brak · F4 brak uzupełniony · Ctrl+U przywróć brak
                Ctrl+E uwaga do braku · Ctrl+W wiadomość · Ctrl+D popraw dane · Ctrl+T SMS tak/nie
                F9 nowe hasło · Ctrl+R drukuj potwierdzenie · Ctrl+Z wznów sprawę (administrator)
                F7/F8 poprzednia/następna karta (Braki … Dziennik zmian) · F5 odśwież
                Litery i cyfry wpisane na sprawie szukają następnej osoby: wracają do listy, do wyszukiwania.
Pytania         Enter wybiera podświetlony przycisk · Tab lub ← → drugi przycisk · Esc to zawsze „nie”.
                Żadna litera nie odpowiada. Nowe hasło, odwołanie wizyty, porzucenie tekstu: domyślnie „nie”.
Formularze      Tab/Shift+Tab pola · Ctrl+S zapisz · Esc pyta, zanim porzuci wpisany tekst
Listy wyboru    pisz, aby szukać (rodzaj sprawy, język, brak): „ukr”, „pob st”; Enter wybiera"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,enter", "close", "Zamknij", id="close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="help"):
            yield Static("Klawisze urzędnika", classes="dialog-title")
            yield Static(literal(KEY_MAP), classes="dialog-text")

    def action_close(self) -> None:
        self.dismiss(None)
