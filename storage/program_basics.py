"""What every program takes from the store at start, whichever its facade: checking its settings,
opening the store, failing with one line and the right exit code, the clock, the languages, a
whole-number argument.
The loops' facades (`storage.sms`, `storage.mail`) offer these names under their own."""

from storage.arguments import whole_number
from storage.clock import utcnow
from storage.config import SettingsError, check_settings
from storage.errors import DomainError, StoreUnavailable, exit_codes
from storage.languages import LANGUAGES
from storage.schema import open_current

__all__ = [
    "LANGUAGES",
    "DomainError",
    "SettingsError",
    "StoreUnavailable",
    "check_settings",
    "exit_codes",
    "open_current",
    "utcnow",
    "whole_number",
]
