"""The booking rush benchmark still runs end to end (through nginx, on a fresh store): a small rush
whose every client books. Its figures are not judged here (benchmarks report, tests assert)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_booking_rush_books_every_client_and_no_seat_twice(tmp_path):
    figures = tmp_path / "rush.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.booking_rush", "--clients", "12", "--processes", "2", "--think", "none",
         "--json", str(figures)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(figures.read_text())
    assert result["booked"] == 12 and result["outcome"] == {"booked": 12}, result["outcome"]
    assert result["seat_twice"] == 0 and result["overfull_slots"] == 0 and result["held_left"] == 0
    assert result["front"] == "nginx" and result["steps"]["confirm"]["codes"] == {"200": 12}
