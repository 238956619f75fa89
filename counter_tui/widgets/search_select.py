"""A drop-down list searched by typing, as a clerk expects: the typed text is shown above the
list, every typed word must begin a word of the label (case and Polish letters ignored: "rodz",
"polacz" and "łącz" all find "Pobyt czasowy – połączenie z rodziną"), labels that do not match
are greyed out and skipped, the best match is highlighted (whole words, and typed words
following each other in the label, first: `match_rank`), the text stays until the list closes
(Textual's own search forgot it after 0.7 s), and the "wybierz…" line itself never matches."""

from __future__ import annotations

import unicodedata

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from counter_tui.widgets.literal import literal

NEVER = 24 * 3600.0  # Textual resets its search after a pause; here only closing the list does


def folded(text: str) -> str:
    """Lower case without diacritics ("ł" has none to strip, so it is mapped by hand)."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def match_rank(label: str, typed: str) -> tuple[int, int] | None:
    """None when some typed word begins no word of the label; otherwise a rank, lowest best:
    fewer typed words that are only the beginning of a word (a whole word is surer), then the
    typed words found one after another in the label ("pob st": "Pobyt stały" before "Pobyt
    czasowy – studia"). Labels of equal rank keep the catalogue's order ("pra": the first)."""
    words = folded(label).replace("–", " ").replace("(", " ").replace(")", " ").split()
    partial = gaps = 0
    previous: int | None = None
    for part in folded(typed).split():
        exact = [i for i, w in enumerate(words) if w == part]
        prefix = [i for i, w in enumerate(words) if w.startswith(part)]
        if not prefix:
            return None
        partial += 0 if exact else 1
        later = [i for i in (exact or prefix) if previous is None or i > previous]
        index = later[0] if later else (exact or prefix)[0]
        if previous is not None:
            gaps += index - previous - 1 if index > previous else len(words)
        previous = index
    return partial, gaps


def label_matches(label: str, typed: str) -> bool:
    return match_rank(label, typed) is not None


class WordSearchOverlay(SelectOverlay):
    # Its own, in Polish: a subclass merges its bindings when defined, before the app's Polish
    # SelectOverlay.BINDINGS replace Textual's "Dismiss menu".
    BINDINGS = [Binding("escape", "dismiss", "Zamknij listę")]

    def __init__(self) -> None:
        super().__init__(type_to_search=True)
        self._search_reset_delay = NEVER
        self.typed_before_opening = ""  # the letter that opened the list (SearchSelect)

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)  # an opened list starts with no search text…
        if value and self.typed_before_opening:  # …but the one that opened it
            self._search_query, self.typed_before_opening = self.typed_before_opening, ""
        if self.option_count:
            self._apply_search()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "backspace" and self._search_query:
            event.stop()
            event.prevent_default()
            self._search_query = self._search_query[:-1]
        elif event.character is not None and event.is_printable:
            event.stop()
            event.prevent_default()
            self._search_query += event.character
        else:
            return
        self._apply_search()

    def _apply_search(self) -> None:
        select = self.parent
        typed = self._search_query.strip()
        best: tuple[tuple[int, int], int] | None = None
        for index in range(self.option_count):
            prompt = self.get_option_at_index(index).prompt
            label = prompt.plain if isinstance(prompt, Text) else str(prompt)
            blank = isinstance(select, Select) and select._options[index][1] is Select.NULL
            rank = None if blank or not typed else match_rank(label, typed)
            if not typed or rank is not None:
                self.enable_option_at_index(index)
            else:
                self.disable_option_at_index(index)
            if rank is not None and (best is None or rank < best[0]):
                best = (rank, index)  # the list keeps its order; the best match is highlighted
        if best is not None:
            self.select(best[1])
        elif typed:
            self.highlighted = None  # nothing matches: Enter picks nothing
        self._show_search()

    def _show_search(self) -> None:
        typed = self._search_query
        self.border_title = literal(f"Szukaj: {typed}▏") if typed else "Pisz, aby szukać"


class SearchSelect(Select):
    """`Select` with `WordSearchOverlay` for its list. A letter typed on the closed field opens
    the list and starts the search with it, so the clerk can type the name straight away."""

    async def _on_key(self, event: events.Key) -> None:
        overlay = self.query_one(WordSearchOverlay)
        if overlay.has_focus or event.character in (None, " ") or not event.is_printable:
            return
        event.stop()
        event.prevent_default()
        # Letters typed while the list is opening are kept too, in order.
        overlay.typed_before_opening += event.character or ""
        self.expanded = True

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield WordSearchOverlay().data_bind(compact=Select.compact)
