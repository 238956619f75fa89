"""Clerk login. Repeated failures make storage refuse for a growing while."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from counter_tui.catalog import Catalog, load_catalog
from counter_tui.messages import StoreResult
from counter_tui.screens.base import StoreScreen
from counter_tui.widgets.literal import literal
from storage import desk as store
from storage.desk import ClerkInfo


class LoginScreen(StoreScreen):
    # Priority, so that the footer says how to quit (the app's own Ctrl+Q is not shown there).
    BINDINGS = [Binding("ctrl+q", "app.quit", "Zakończ", id="quit", priority=True)]

    class SignedIn(StoreResult[ClerkInfo]):
        pass

    class CatalogLoaded(StoreResult[Catalog]):
        pass

    class DemoChecked(StoreResult[tuple[str, str] | None]):
        pass

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="login-box"):
            yield Static("Okienko – logowanie urzędnika", id="login-title")
            yield Static("", id="demo-login", classes="hint")
            yield Label("Login", classes="field-label")
            yield Input(placeholder="np. anowak", id="login")
            yield Label("Hasło", classes="field-label")
            yield Input(password=True, id="password")
            yield Label("", id="login-error", classes="error")
            yield Button("Zaloguj (Enter)", variant="primary", id="login-button")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#login", Input).focus()
        self.run_store(self.DemoChecked, store.demo_login)

    @on(DemoChecked)
    def _demo_checked(self, message: DemoChecked) -> None:
        if message.ok and message.value:
            login, password = message.value
            self.query_one("#demo-login", Static).update(
                literal(f"Baza demonstracyjna: login {login}, hasło {password}")
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login":
            self.query_one("#password", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._submit()

    def _submit(self) -> None:
        login = self.query_one("#login", Input).value
        password = self.query_one("#password", Input).value
        if not login.strip() or not password:
            self.query_one("#login-error", Label).update("Podaj login i hasło")
            return
        self.query_one("#login-button", Button).disabled = True
        self.query_one("#login-error", Label).update("Sprawdzam…")
        self.run_store(self.SignedIn, store.authenticate_clerk, login, password, holds_keys=True)

    @on(SignedIn)
    def _signed_in(self, message: SignedIn) -> None:
        self.query_one("#login-button", Button).disabled = False
        password = self.query_one("#password", Input)
        if not message.ok:
            self.query_one("#login-error", Label).update(literal(message.error))
            password.value = ""
            password.focus()
            return
        password.value = ""
        self._clerk = message.value
        self.run_store(self.CatalogLoaded, load_catalog, holds_keys=True)

    @on(CatalogLoaded)
    def _catalog_loaded(self, message: CatalogLoaded) -> None:
        if message.ok:
            self.app.signed_in(self._clerk, message.value)
        else:
            self.query_one("#login-error", Label).update(literal(message.error))
