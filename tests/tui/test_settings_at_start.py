"""The clerk app checks every store setting before it draws anything: a broken one is one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("name", "value"),
    [("OKIENKO_BCRYPT_COST", "abc"), ("OKIENKO_BCRYPT_COST", "99"), ("OKIENKO_RETAIN_CLOSED_DAYS", "-1"),
     ("OKIENKO_PORTAL_URL", "portal bez schematu")],
)  # fmt: skip
def test_a_broken_setting_stops_the_desk_with_one_line(tmp_path, name, value):
    env = {**os.environ, name: value, "OKIENKO_DB": f"sqlite:///{tmp_path / 'none.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "-m", "counter_tui"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line
    assert name in line
