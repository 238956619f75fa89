"""The SMS and e-mail loops check every setting they read before anything else: a broken one is
one line naming it and exit 2, from a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMANDS = {
    "run": ["run", "--port", "/dev/null", "--once"],
    "mail": ["mail", "--once"],
    "status": ["status"],
}
BROKEN = [("OKIENKO_BCRYPT_COST", "abc"), ("OKIENKO_RETAIN_SMS_DAYS", "week"),
          ("OKIENKO_PORTAL_URL", "okienko.example/status"), ("OKIENKO_MODEM_PIN", "12ab")]  # fmt: skip


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("variable", "value"), BROKEN)
def test_a_broken_setting_stops_the_loop_in_one_line(store, command, variable, value):
    env = {**os.environ, "OKIENKO_DB": store.url, "OKIENKO_SMTP": "smtp://127.0.0.1:1",
           "OKIENKO_MAIL_FROM": "Urząd <powiadomienia@uw.example>", variable: value}  # fmt: skip
    result = subprocess.run([sys.executable, "-m", "sms_modem", *COMMANDS[command]], env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0, result.stderr
    assert variable in result.stderr
    if variable == "OKIENKO_MODEM_PIN":
        assert value not in result.stderr  # the SIM's PIN is a secret even when it is wrong
