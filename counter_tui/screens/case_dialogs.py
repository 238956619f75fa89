"""Dialogs for correcting a case: they run their storage rule themselves and close only once the
store accepted it, so a refused save leaves what the clerk typed in place with the reason."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from counter_tui.screens.base import StoreForm
from counter_tui.validators import ApplicantName, EmailAddress, ExternalRef, MobilePhone
from counter_tui.widgets.form_tail import form_tail
from counter_tui.widgets.language_select import LanguageSelect
from counter_tui.widgets.literal import Displayable, literal, shown
from storage import desk as store
from storage.desk import CaseDetail

CHANNEL_NAMES = {"in_person": "osobiście", "post": "pocztą", "electronic": "elektronicznie"}


@dataclasses.dataclass(frozen=True)
class CaseFields:
    """The registration data the correction form shows, as shown (the phone formatted)."""

    applicant_name: str
    phone: str | None
    language: str
    channel: str
    external_ref: str | None
    email: str | None = None

    def changed_from(self, before: CaseFields) -> dict[str, object]:
        """Only the fields that differ: update_case changes (and audits) exactly these."""
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(before, f.name)
        }


class ReasonDialog(StoreForm[Any]):
    """A correction that carries a reason (withdrawing a stage, reopening a case)."""

    BINDINGS = [Binding("escape", "cancel", "Anuluj", id="cancel")]

    def __init__(
        self, title: str, text: Displayable, rule: Callable[..., Any], *args: Any, reason_hint: str = "powód"
    ) -> None:
        super().__init__()
        self.title_text, self.text, self.rule, self.args, self.reason_hint = title, text, rule, args, reason_hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="reason-dialog"):
            yield Static(literal(self.title_text), classes="dialog-title")
            yield Static(shown(self.text), classes="dialog-text")
            yield Label(literal(f"Powód ({self.reason_hint})"), classes="field-label")
            yield Input(id="reason", max_length=300)
            yield from form_tail("Zatwierdź (Enter)", variant="warning", ids=("yes", "no"))

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def _submit(self) -> None:
        self.query_one("#form-error", Label).update("Zapisuję…")
        reason = self.query_one("#reason", Input).value
        self.run_store(self.Saved, self.rule, *self.args, clerk=self.app.clerk.login, reason=reason)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit() if event.button.id == "yes" else self.action_cancel()


class CaseEditForm(StoreForm[list[str]]):
    """Correct the applicant's name, mobile, e-mail, language, channel and external reference with the
    rules registration applies; only the fields that differ are sent (and audited)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Zapisz", id="save", priority=True),
        Binding("escape", "cancel", "Anuluj", id="cancel"),
    ]

    def __init__(self, detail: CaseDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        d = self.detail
        with Vertical(classes="dialog wide", id="case-edit"):
            yield Static(literal(f"Popraw dane sprawy {d.display_number}"), classes="dialog-title")
            yield Label("Imię i nazwisko", classes="field-label")
            yield Input(d.applicant_name, id="edit-name", validators=[ApplicantName()], max_length=200)
            # Two rows of side-by-side fields: the whole form, its buttons included, fits at 120×35.
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Telefon komórkowy (pusty = bez telefonu)", classes="field-label")
                    yield Input(store.display_phone(d.phone), id="edit-phone", validators=[MobilePhone()])
                with Vertical():
                    yield Label("E-mail (pusty = bez adresu)", classes="field-label")
                    yield Input(d.email or "", id="edit-email", validators=[EmailAddress()], max_length=254)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label("Język", classes="field-label")
                    yield LanguageSelect(d.language, id="edit-language")
                with Vertical():
                    yield Label("Sposób złożenia", classes="field-label")
                    yield Select(
                        [(literal(name), code) for code, name in CHANNEL_NAMES.items()],
                        value=d.channel,
                        allow_blank=False,
                        id="edit-channel",
                    )
                with Vertical():
                    yield Label("Numer zewnętrzny (np. MOS)", classes="field-label")
                    yield Input(d.external_ref or "", id="edit-external-ref", validators=[ExternalRef()], max_length=64)
            yield from form_tail()

    def on_mount(self) -> None:
        self.query_one("#edit-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_save() if event.button.id == "save" else self.action_cancel()

    def changes(self) -> dict[str, object]:
        d = self.detail
        typed = CaseFields(
            applicant_name=self.query_one("#edit-name", Input).value.strip(),
            phone=self.query_one("#edit-phone", Input).value.strip() or None,
            language=self.query_one("#edit-language", Select).value,
            channel=self.query_one("#edit-channel", Select).value,
            external_ref=self.query_one("#edit-external-ref", Input).value.strip() or None,
            email=self.query_one("#edit-email", Input).value.strip() or None,
        )
        shown = CaseFields(
            d.applicant_name, store.display_phone(d.phone) or None, d.language, d.channel, d.external_ref, d.email
        )
        return typed.changed_from(shown)

    def action_save(self) -> None:
        changes = self.changes()
        if not changes:
            self.query_one("#form-error", Label).update("Nic nie zmieniono")
            return
        self.query_one("#form-error", Label).update("Zapisuję…")
        self.run_store(self.Saved, store.update_case, self.detail.number, clerk=self.app.clerk.login, **changes)
