"""Registering a filing: the form, then the credentials shown once and two documents printed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select

from counter_tui.messages import StoreResult
from counter_tui.screens.base import AsksBeforeDiscarding, StoreScreen
from counter_tui.screens.dialogs import ConfirmDialog
from counter_tui.validators import ApplicantName, EmailAddress, ExternalRef, FilingDate, MobilePhone
from counter_tui.widgets.document_checklist import DocumentChecklist
from counter_tui.widgets.form_tail import form_tail
from counter_tui.widgets.language_select import LanguageSelect
from counter_tui.widgets.literal import literal, markup, stacked, visible
from counter_tui.widgets.search_select import SearchSelect
from storage import desk as store
from storage.desk import RegisteredFiling


@dataclasses.dataclass(frozen=True)
class Prefill:
    """A filing registered from a booked visit starts with the visit's person; saving it marks
    the visit served."""

    applicant_name: str
    phone: str | None
    language: str
    visit_reference: str


CHANNELS = [("osobiście w okienku", "in_person"), ("pocztą", "post"), ("elektronicznie (MOS)", "electronic")]


class FormScroll(VerticalScroll, can_focus=False):
    """The form scrolls to the focused field; a Tab stop of its own would be an invisible one.

    Scrolling to a field alone left its label above the top edge (at 120×35 the name field
    opened with no name on it): the label written before the field comes into view with it."""

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.call_after_refresh(self._show_label_of, event.widget)

    def _show_label_of(self, field: Widget) -> None:
        siblings = list(field.parent.children) if field.parent is not None else []
        before = siblings[: siblings.index(field)] if field in siblings else []
        label = next((w for w in reversed(before) if w.has_class("field-label")), None)
        if label is not None and field.has_focus:
            self.scroll_to_widget(label, animate=False)


class RegisterScreen(AsksBeforeDiscarding, StoreScreen):
    DISCARD_QUESTION = "Porzucić wypełniony formularz? Wpisane dane nie zostaną zapisane."
    KEEP_ANSWER = "Wróć do formularza"
    # Textual's own first focus came before the first layout, when no field "fits the view", and
    # scrolled the name field to the top edge with its label above it: on_mount focuses instead.
    AUTO_FOCUS = ""  # (None would mean "the app's choice")
    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz wniosek", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    class Registered(StoreResult[RegisteredFiling]):
        pass

    def compose(self) -> ComposeResult:
        catalog = self.app.catalog
        yield Header()
        # Fields in the order of a filing at the counter: who (name, phone), what (case type, then
        # the documents it requires), then what mostly keeps its default (language, e-mail, consent,
        # channel, MOS number, date). The scrolling form itself takes no Tab stop.
        with FormScroll(id="register-form"):
            yield Label("Imię i nazwisko wnioskodawcy (jak w paszporcie)", classes="field-label")
            yield Input(id="applicant-name", validators=[ApplicantName()])
            yield Label("", id="applicant-name-error", classes="error")
            yield Label("Telefon komórkowy (zagraniczny z kodem kraju)", classes="field-label")
            yield Input(placeholder="np. 501 234 567 albo +380 67 123 4567", id="phone", validators=[MobilePhone()])
            yield Label("", id="phone-error", classes="error")
            yield Label("", id="language-hint", classes="hint")
            yield Label("Rodzaj sprawy (pisz, aby szukać)", classes="field-label")
            yield SearchSelect(
                [(literal(t.label["pl"]), t.code) for t in catalog.case_types], prompt="wybierz…", id="case-type"
            )
            yield Label("", id="case-type-error", classes="error")
            yield Label(
                "Wymagane dokumenty – zaznaczone są złożone; cyfra albo Spacja odznacza brakujący (stanie się brakiem)",
                classes="field-label",
            )
            yield DocumentChecklist(id="documents", disabled=True)  # usable once the case type says which
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Język listów i SMS", classes="field-label")
                    yield LanguageSelect("pl", id="language")
                with Vertical():
                    yield Label("E-mail (nieobowiązkowy; powiadomienia bez treści)", classes="field-label")
                    yield Input(placeholder="np. olena.kovalenko@gmail.com", id="email", validators=[EmailAddress()])
            yield Label("", id="email-error", classes="error")
            yield Checkbox("Zgoda na powiadomienia (SMS i e-mail)", value=True, id="sms-consent")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Sposób złożenia", classes="field-label")
                    yield Select(CHANNELS, value="in_person", allow_blank=False, id="channel")
                with Vertical():
                    yield Label("Numer zewnętrzny (np. MOS)", classes="field-label")
                    yield Input(id="external-ref", validators=[ExternalRef()], valid_empty=True)
                with Vertical():
                    yield Label("Data złożenia", classes="field-label")
                    yield Input(store.today_in_warsaw().isoformat(), id="filed-on", validators=[FilingDate()])
            yield Label("", id="filing-row-error", classes="error")
            yield from form_tail()
        yield Footer()

    def __init__(self, prefill: Prefill | None = None) -> None:
        super().__init__()
        self.prefill = prefill
        self.language_chosen = False  # once the clerk picks a language, the phone no longer suggests one
        self.shown_language = "pl"
        # The country code a shown language was guessed from ("+84"); None once the clerk chose one.
        self.language_guessed_from: str | None = None

    def on_mount(self) -> None:
        self.sub_title = "Nowy wniosek"
        if self.prefill:
            self.sub_title = visible(f"Nowy wniosek z wizyty {self.prefill.visit_reference}")
            self.query_one("#applicant-name", Input).value = self.prefill.applicant_name
            self.query_one("#phone", Input).value = self.prefill.phone or ""
            self.shown_language = self.prefill.language
            self.language_chosen = True  # the applicant chose it when booking
            self.query_one("#language", Select).value = self.prefill.language
            # The visit brought the name and phone.
            self.query_one("#case-type", Select).focus(scroll_visible=False)
            return
        self.query_one("#applicant-name", Input).focus(scroll_visible=False)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "language":
            if event.value != self.shown_language:  # the clerk's own pick (not the form's start or a suggestion)
                self.language_chosen = True
                self.language_guessed_from = None
                self.query_one("#language-hint", Label).update("")
            return
        if event.select.id != "case-type" or event.value is Select.NULL:
            return
        ctype = self.app.catalog.case_type(event.value)
        docs = [(code, self.app.catalog.kind_label(code)) for code in ctype.required_documents] if ctype else []
        checklist = self.query_one(DocumentChecklist)
        checklist.show_documents(docs)
        checklist.disabled = not docs
        self.query_one("#case-type-error", Label).update("")

    def on_input_changed(self, event: Input.Changed) -> None:
        target = {"applicant-name": "#applicant-name-error", "phone": "#phone-error", "email": "#email-error"}.get(
            event.input.id or ""
        )
        if target and event.validation_result is not None:
            errors = event.validation_result.failure_descriptions
            self.query_one(target, Label).update(literal(errors[0] if errors else ""))
        if event.input.id == "phone" and event.validation_result is not None and event.validation_result.is_valid:
            self._suggest_language(event.value)

    def _suggest_language(self, phone: str) -> None:
        """The country code is a guess at the language and is said to be one. A Polish number says
        nothing (many foreigners have one), so it changes nothing and asks the clerk to ask."""
        suggestion = store.suggested_language(store.normalise_mobile(phone))
        if suggestion is None or self.language_chosen:
            return
        hint = self.query_one("#language-hint", Label)
        if suggestion == "pl":
            hint.update("Numer polski nie mówi nic o języku – zapytaj wnioskodawcę, w jakim języku chce listy i SMS")
            return
        select = self.query_one("#language", Select)
        if select.value != suggestion:
            self.shown_language = suggestion
            select.value = suggestion
            self.language_guessed_from = store.display_phone(store.normalise_mobile(phone)).split()[0]
            name = store.NAMES_PL[suggestion]
            guess = f"Przypuszczenie z numeru kierunkowego: {name} – sprawdź z wnioskodawcą i zmień w razie potrzeby"
            hint.update(literal(guess))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def has_typed_input(self) -> bool:
        """Asked by Ctrl+Q too (app.action_quit)."""
        return self._is_filled()

    def _is_filled(self) -> bool:
        typed = any(
            self.query_one(i, Input).value.strip() for i in ("#external-ref", "#applicant-name", "#phone", "#email")
        )
        return typed or self.query_one("#case-type", Select).value is not Select.NULL

    def close_form(self) -> None:
        self.app.pop_screen()

    def _first_invalid(self) -> tuple[str, str] | None:
        case_type = self.query_one("#case-type", Select).value
        if case_type is Select.NULL:
            return "#case-type", "Rodzaj sprawy: wybierz z listy"
        for input_id in ("#external-ref", "#filed-on", "#applicant-name", "#phone", "#email"):
            widget = self.query_one(input_id, Input)
            result = widget.validate(widget.value)
            if result is not None and not result.is_valid:
                return input_id, result.failure_descriptions[0]
        return None

    # A field's error is shown under that field (the form's own line is below the checklist, off
    # screen at 120×35), and the form scrolls so that both are in view.
    ERROR_LABELS = {
        "#case-type": "#case-type-error",
        "#external-ref": "#filing-row-error",
        "#filed-on": "#filing-row-error",
        "#applicant-name": "#applicant-name-error",
        "#phone": "#phone-error",
        "#email": "#email-error",
    }

    def _show_field_error(self, widget_id: str, text: str) -> None:
        self.query_one("#form-error", Label).update(literal(text))
        label = self.query_one(self.ERROR_LABELS.get(widget_id, "#form-error"), Label)
        label.update(literal(text))
        self.query_one(widget_id).focus(scroll_visible=False)
        self.query_one("#register-form", VerticalScroll).scroll_to_center(label, animate=False)

    def action_save(self) -> None:
        problem = self._first_invalid()
        if problem:
            self._show_field_error(*problem)
            return

        def decided(confirmed: bool | None) -> None:
            if confirmed:
                self._register()

        self.app.push_screen(ConfirmDialog(self._summary(), "Zapisz", "Popraw"), decided)

    def _summary(self) -> Content:
        """What will be recorded, read once more before saving; the missing documents above all."""
        catalog = self.app.catalog
        ctype = catalog.case_type(self.query_one("#case-type", Select).value)
        phone = self.query_one("#phone", Input).value.strip()
        email = self.query_one("#email", Input).value.strip()
        language = store.NAMES_PL[self.query_one("#language", Select).value]
        channel = dict((code, label) for label, code in CHANNELS)[self.query_one("#channel", Select).value]
        sms = "tak" if self.query_one("#sms-consent", Checkbox).value else "nie"
        missing = [catalog.kind_label(code) for code in self.query_one(DocumentChecklist).missing()]
        lines = [
            markup("[b]Zapisać wniosek?[/b]"),
            markup(""),
            markup("Rodzaj sprawy: $type", type=ctype.label["pl"] if ctype else "–"),
            markup("Wnioskodawca: $name", name=self.query_one("#applicant-name", Input).value.strip()),
            markup(
                "Telefon: $phone · e-mail: $email · powiadomienia: $sms",
                phone=store.display_phone(store.normalise_mobile(phone)) or "brak",
                email=store.normalise_email(email) or "brak",
                sms=sms,
            ),
            self._language_line(language, channel),
            markup(""),
        ]
        if missing:
            lines.append(markup("[b]Zostaną zapisane jako BRAKI ($count):[/b]", count=len(missing)))
            lines += [markup("  • $label", label=label) for label in missing]
        else:
            lines.append(markup("Braki: żadne – wszystkie wymagane dokumenty zaznaczone jako złożone."))
        return stacked(lines)

    def _language_line(self, language: str, channel: str) -> Content:
        """A language guessed from the phone is only a guess (a Vietnamese applicant gets "angielski"
        for want of Vietnamese): the summary says so, for the clerk to ask before saving."""
        if self.language_guessed_from is None:
            return markup("Język listów i SMS: $language · sposób złożenia: $channel", language=language,
                          channel=channel)  # fmt: skip
        return markup(
            "Język listów i SMS: [b]$language – PRZYPUSZCZENIE z numeru $code, zapytaj wnioskodawcę[/b] · "
            "sposób złożenia: $channel",
            language=language,
            code=self.language_guessed_from,
            channel=channel,
        )

    def _register(self) -> None:
        self.query_one("#form-error", Label).update("Zapisuję…")
        self.query_one("#save", Button).disabled = True
        value = lambda wid: self.query_one(wid, Input).value  # noqa: E731
        rule = store.register_filing
        if self.prefill:
            rule = partial(store.register_from_visit, self.prefill.visit_reference)
        self.run_store(
            self.Registered,
            rule,
            clerk=self.app.clerk.login,
            case_type=self.query_one("#case-type", Select).value,
            applicant_name=value("#applicant-name"),
            phone=value("#phone"),
            language=self.query_one("#language", Select).value,
            channel=self.query_one("#channel", Select).value,
            external_ref=value("#external-ref"),
            filed_on=dt.date.fromisoformat(value("#filed-on").strip()),
            office=self.app.desk_office,
            missing=self.query_one(DocumentChecklist).missing(),
            sms_opt_out=not self.query_one("#sms-consent", Checkbox).value,
            email=value("#email"),
        )

    @on(Registered)
    def _registered(self, message: Registered) -> None:
        self.query_one("#save", Button).disabled = False
        if not message.ok:
            self.query_one("#form-error", Label).update(literal(message.error))
            field_widget = {
                "applicant_name": "#applicant-name",
                "phone": "#phone",
                "email": "#email",
                "external_ref": "#external-ref",
                "filed_on": "#filed-on",
                "case_type": "#case-type",
            }.get(message.field or "")
            if field_widget:
                self._show_field_error(field_widget, message.error or "")
            return
        self.query_one("#form-error", Label).update("")
        self.app.filing_registered(message.value)
