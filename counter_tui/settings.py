"""Desk settings: a small TOML file, overridden by `OKIENKO_*` environment variables."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

DEFAULT_PRINT_COMMAND = "lp -d {printer} {file}"
DEFAULT_PORTAL_URL = "https://okienko.example/status"


@dataclasses.dataclass(frozen=True)
class CounterSettings:
    printer: str = "okienko"
    print_command: str = DEFAULT_PRINT_COMMAND
    portal_url: str = DEFAULT_PORTAL_URL
    default_office: str | None = None  # None: the logged-in clerk's office
    save_dir: Path = Path.home() / "okienko-wydruki"


_ENV = {
    "OKIENKO_PRINTER": "printer",
    "OKIENKO_PRINT_COMMAND": "print_command",
    "OKIENKO_PORTAL_URL": "portal_url",
    "OKIENKO_OFFICE": "default_office",
    "OKIENKO_SAVE_DIR": "save_dir",
}


class SettingsError(Exception):
    pass


def load_settings(env: Mapping[str, str] | None = None) -> CounterSettings:
    """Read `OKIENKO_CONFIG` (default ./okienko.toml, section [counter]) then the environment."""
    env = os.environ if env is None else env
    values: dict[str, object] = {}
    path = Path(env.get("OKIENKO_CONFIG", "okienko.toml"))
    if path.is_file():
        try:
            section = tomllib.loads(path.read_text(encoding="utf-8")).get("counter", {})
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"plik ustawień {path} nie jest poprawnym TOML: {exc}") from None
        known = {f.name for f in dataclasses.fields(CounterSettings)}
        unknown = set(section) - known
        if unknown:
            raise SettingsError(f"plik ustawień {path}: nieznane klucze {sorted(unknown)}")
        values.update(section)
    for var, field in _ENV.items():
        if env.get(var):
            values[field] = env[var]
    if "save_dir" in values:
        values["save_dir"] = Path(str(values["save_dir"])).expanduser()
    if values.get("default_office"):
        values["default_office"] = str(values["default_office"]).upper()
    command = str(values.get("print_command", DEFAULT_PRINT_COMMAND))
    if "{file}" not in command:
        raise SettingsError("polecenie drukowania (print_command) musi zawierać {file}")
    return CounterSettings(**values)
