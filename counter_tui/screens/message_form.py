"""A message from the office to the applicant: a catalogue template with its few blanks filled,
previewed in the case's language, or the clerk's own words in the language they are written in."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from counter_tui.catalog import Catalog
from counter_tui.screens.base import StoreForm
from counter_tui.widgets.form_tail import form_tail
from counter_tui.widgets.language_select import LanguageSelect
from counter_tui.widgets.literal import literal
from storage import desk as store
from storage.desk import CaseDetail, MessageTemplateInfo, MessageWritten

OWN_TEXT = "__own_text__"
OWN_WORDS = "__own_words__"
# The blanks a template may have, as the form names them (the store names them in English).
FIELD_NAMES = {
    "document": "Dokument",
    "date": "Data",
    "office": "Oddział",
    "text": "Treść",
    "language": "Język",
    "template": "Wzór",
}
# Which widget takes the focus when the store refuses a field.
FIELD_WIDGETS = {
    "document": "#msg-document",
    "date": "#msg-date",
    "office": "#msg-office",
    "text": "#msg-text",
    "language": "#msg-language",
    "template": "#msg-template",
}


class _Blank(dict):
    """Fills a blank not yet chosen with a visible gap instead of failing the preview."""

    def __missing__(self, key: str) -> str:
        return f"‹{FIELD_NAMES.get(key, key).lower()}›"


class MessageForm(StoreForm[MessageWritten]):
    """Saves through `store.write_message`; a refused save keeps what was typed, naming the field."""

    DISCARD_QUESTION = "Porzucić wiadomość? Wpisany tekst nie zostanie zapisany."
    KEEP_ANSWER = "Wróć do wiadomości"

    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, catalog: Catalog, detail: CaseDetail) -> None:
        super().__init__()
        self.catalog, self.detail = catalog, detail
        self.templates = {t.code: t for t in catalog.message_templates}

    def compose(self) -> ComposeResult:
        d = self.detail
        templates = [(literal(t.label_pl), t.code) for t in self.catalog.message_templates]
        kinds = [(literal(k.label["pl"]), k.code) for k in self.catalog.deficiency_kinds]
        offices = [(literal(f"{o.code} – {o.name}"), o.code) for o in self.catalog.offices]
        office = d.office if any(o.code == d.office for o in self.catalog.offices) else Select.NULL
        with Vertical(classes="dialog wide", id="message-form"):
            yield Static(literal(f"Wiadomość do wnioskodawcy – sprawa {d.display_number}"), classes="dialog-title")
            yield Label("Wzór wiadomości (pisz, aby szukać)", classes="field-label")
            yield Select([*templates, ("— własny tekst —", OWN_TEXT)], prompt="wybierz…", id="msg-template")
            with Horizontal(id="msg-blanks", classes="row"):
                with Vertical(id="blank-document"):
                    yield Label("Dokument", classes="field-label")
                    yield Select([*kinds, ("— własne słowa —", OWN_WORDS)], prompt="wybierz…", id="msg-document")
                with Vertical(id="blank-document-words"):
                    yield Label("Dokument własnymi słowami", classes="field-label")
                    yield Input(id="msg-document-words", max_length=200)
                with Vertical(id="blank-date", classes="narrow"):
                    yield Label("Data", classes="field-label")
                    yield Input(id="msg-date", placeholder="RRRR-MM-DD", max_length=10)
                with Vertical(id="blank-office"):
                    yield Label("Oddział", classes="field-label")
                    yield Select(offices, value=office, prompt="wybierz…", id="msg-office")
            # The applicant's text, and beside it the same in Polish for the clerk to proofread.
            with Horizontal(id="msg-preview-box"):
                with Vertical(classes="msg-preview-column"):
                    yield Label("", id="msg-preview-title", classes="field-label")
                    yield Static("", id="msg-preview", classes="dialog-text")
                with Vertical(classes="msg-preview-column", id="msg-preview-pl-column"):
                    yield Label("Po polsku, do sprawdzenia:", id="msg-preview-pl-title", classes="field-label")
                    yield Static("", id="msg-preview-pl", classes="dialog-text")
            with Vertical(id="msg-own"):
                yield Label("Treść własnymi słowami", classes="field-label")
                yield TextArea(id="msg-text")
                yield Label("Język, w którym napisano", classes="field-label")
                yield LanguageSelect("pl", id="msg-language")
            yield from form_tail()

    def on_mount(self) -> None:
        self._show_fields()
        self.query_one("#msg-template", Select).focus()

    # ------------------------------------------------------------ what is shown

    def _template_code(self) -> str | None:
        value = self.query_one("#msg-template", Select).value
        return value if isinstance(value, str) else None

    def _show_fields(self) -> None:
        code = self._template_code()
        template = self.templates.get(code or "")
        wanted = set(template.placeholders) if template else set()
        own_words = self.query_one("#msg-document", Select).value == OWN_WORDS
        self.query_one("#blank-document").display = "document" in wanted
        self.query_one("#blank-document-words").display = "document" in wanted and own_words
        self.query_one("#blank-date").display = "date" in wanted
        self.query_one("#blank-office").display = "office" in wanted
        self.query_one("#msg-blanks").display = bool(wanted)
        self.query_one("#msg-preview-box").display = template is not None
        self.query_one("#msg-own").display = code == OWN_TEXT
        self._preview()

    def _values(self) -> dict[str, str]:
        """What the clerk filled in for the chosen template's blanks, as the store takes them."""
        template = self.templates.get(self._template_code() or "")
        if template is None:
            return {}
        values: dict[str, str] = {}
        for name in template.placeholders:
            if name == "document":
                kind = self.query_one("#msg-document", Select).value
                if kind == OWN_WORDS:
                    values[name] = self.query_one("#msg-document-words", Input).value.strip()
                else:
                    values[name] = kind if isinstance(kind, str) else ""
            elif name == "date":
                values[name] = self.query_one("#msg-date", Input).value.strip()
            elif name == "office":
                office = self.query_one("#msg-office", Select).value
                values[name] = office if isinstance(office, str) else ""
        return values

    def _preview(self) -> None:
        """The template as the applicant will read it, in the case's language; the store fills
        it the same way when the message is saved."""
        template = self.templates.get(self._template_code() or "")
        if template is None:
            return
        lang = self.detail.language
        language = store.NAMES_PL.get(lang, lang)
        self.query_one("#msg-preview-title", Label).update(literal(f"Przeczyta wnioskodawca ({language}):"))
        self.query_one("#msg-preview", Static).update(literal(self._filled(template, lang)))
        self.query_one("#msg-preview-pl-column").display = lang != "pl"
        if lang != "pl":
            self.query_one("#msg-preview-pl", Static).update(literal(self._filled(template, "pl")))

    def _filled(self, template: MessageTemplateInfo, lang: str) -> str:
        """The template's text in `lang` with the blanks filled so far."""
        shown = _Blank()
        for name, value in self._values().items():
            if not value:
                continue
            if name == "document":
                kind = next((k for k in self.catalog.deficiency_kinds if k.code == value), None)
                shown[name] = kind.label.get(lang, kind.label["pl"]) if kind else value
            elif name == "office":
                office = next((o for o in self.catalog.offices if o.code == value), None)
                shown[name] = f"{office.name}, {office.address}" if office else value
            else:
                shown[name] = value
        return (template.texts.get(lang) or template.texts["pl"]).format_map(shown)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._show_fields()
        if event.select.id == "msg-document" and event.value == OWN_WORDS:
            self.query_one("#msg-document-words", Input).focus()
        elif event.select.id == "msg-template" and event.value == OWN_TEXT:
            self.query_one("#msg-text", TextArea).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._preview()

    # ------------------------------------------------------------ saving and leaving

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def action_save(self) -> None:
        code = self._template_code()
        if code is None:
            self.query_one("#form-error", Label).update("Wzór: wybierz wzór wiadomości albo „własny tekst”")
            self.query_one("#msg-template", Select).focus()
            return
        self.query_one("#form-error", Label).update("Zapisuję…")
        clerk = self.app.clerk.login
        if code == OWN_TEXT:
            text = self.query_one("#msg-text", TextArea).text
            language = self.query_one("#msg-language", Select).value
            self.run_store(self.Saved, store.write_message, self.detail.number, clerk=clerk, text=text,
                           language=language)  # fmt: skip
        else:
            self.run_store(self.Saved, store.write_message, self.detail.number, clerk=clerk, template=code,
                           values=self._values())  # fmt: skip

    def refusal(self, message: StoreForm.Saved) -> str:
        field = message.field or ""
        error = message.error or ""
        name = FIELD_NAMES.get(field)
        if name is None:
            return error
        selector = FIELD_WIDGETS[field]
        if field == "document" and self.query_one("#msg-document", Select).value == OWN_WORDS:
            selector = "#msg-document-words"
        self.query_one(selector).focus()
        # The store names its fields by their code or in lower case; the form by the label above the field.
        rule = error.split(": ", 1)[1] if ": " in error else error
        return f"{name}: {rule}"

    def has_typed_input(self) -> bool:
        """Asked by Ctrl+Q too (app.action_quit)."""
        return self._is_filled()

    def _is_filled(self) -> bool:
        # As in the registration form: a choice made counts as input, like a typed word.
        return self._template_code() is not None
