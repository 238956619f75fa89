"""The bench's store builder (bench.tui_scale, which status_load and scale call too) shows its progress
as the storage CLI's long work does, and a real Ctrl+C (SIGINT) or systemctl stop (SIGTERM) keeps its
committed batches whole, says in one line where it stopped, exits 130, and the same command run again
completes the store with no row twice."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import fn

import storage
from storage.db import close_database, unit_of_work
from storage.models import Case, CaseNameToken, CaseNumberCounter, StageHistory
from tests.helpers import ctrl_c_restored
from tests.helpers import run_on_terminal as on_terminal
from tests.storage.test_progress import interrupted, read_until

ROOT = Path(__file__).resolve().parents[2]
CASES, BATCH = 3000, 500
CASES_LINE = re.compile(r"^sprawy: [\d ]+ z 3 000 spraw \(\d+ %\), [\d ]+ spraw/s")
CASES_LINE_ANY = re.compile(r"^sprawy: [\d ]+ z [\d ]+ spraw \(\d+ %\)")
HISTORY_LINE = re.compile(r"^historia etapów: [\d ]+ z [\d ]+ spraw \(\d+ %\)")


def builder_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "OKIENKO_PROGRESS_EVERY_S": "0", **extra}  # a line for every batch
    env.pop("OKIENKO_BENCH_PG", None)  # SQLite only: the builder would fill that database too
    return env


def build_args(store: Path, cases: int = CASES, batch: int = BATCH) -> list[str]:
    return [sys.executable, "-m", "bench.tui_scale", "--cases", str(cases), "--batch", str(batch),
            "--sqlite", str(store), "--build-only"]  # fmt: skip


def counted(store: Path) -> dict[str, int]:
    storage.open_database(f"sqlite:///{store}")
    try:
        with unit_of_work():
            return {
                "cases": Case.select().count(),
                "numbers": Case.select(fn.COUNT(Case.number.distinct())).scalar(),
                "named": CaseNameToken.select(fn.COUNT(CaseNameToken.case.distinct())).scalar(),
                "with_history": StageHistory.select(fn.COUNT(StageHistory.case.distinct())).scalar(),
                "filings": StageHistory.select().where(StageHistory.stage == "filed").count(),
                "last_serial": CaseNumberCounter.select(fn.MAX(CaseNumberCounter.last_serial)).scalar() or 0,
            }
    finally:
        close_database()


def test_building_in_a_log_prints_plain_progress_lines(tmp_path):
    done = subprocess.run(build_args(tmp_path / "bench.sqlite3"), cwd=ROOT, capture_output=True, text=True,
                          env=builder_env(), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    cases_lines = [line for line in done.stderr.splitlines() if CASES_LINE.match(line)]
    assert len(cases_lines) == CASES // BATCH, done.stderr  # one per committed batch
    assert cases_lines[-1].startswith("sprawy: 3 000 z 3 000 spraw (100 %)"), cases_lines
    assert "zostało ok." in cases_lines[0]
    history_lines = [line for line in done.stderr.splitlines() if HISTORY_LINE.match(line)]
    assert history_lines and history_lines[-1].startswith("historia etapów: 3 000 z 3 000 spraw (100 %)")
    assert "\x1b" not in done.stderr and "\r" not in done.stderr  # no bar's control characters in a log


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "systemctl-stop"])
def test_a_stopped_build_keeps_whole_batches_and_the_same_command_completes_it(tmp_path, stop):
    store = tmp_path / "bench.sqlite3"
    build = subprocess.Popen(
        build_args(store),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=builder_env(OKIENKO_PROGRESS_HOLD_AFTER="2"),
        preexec_fn=ctrl_c_restored,
    )
    seen = read_until(build, CASES_LINE, 2)
    shown = [line.split(" (")[0] for line in seen if CASES_LINE.match(line)]
    assert shown == ["sprawy: 500 z 3 000 spraw", "sprawy: 1 000 z 3 000 spraw"], seen  # held after two batches
    _, rest = interrupted(build, stop)
    said = [line for line in rest.splitlines() if line.strip()]
    assert len(said) == 1, rest
    assert said[0].startswith("przerwano: w bazie 1 000 z 3 000 spraw"), said
    assert "uruchom to samo polecenie ponownie" in said[0]
    kept = counted(store)
    # Two whole batches: every case with its name words and its number counted; no history yet.
    assert kept == {"cases": 1000, "numbers": 1000, "named": 1000, "with_history": 0, "filings": 0,
                    "last_serial": kept["last_serial"]}  # fmt: skip
    assert kept["last_serial"] > 500_000

    again = subprocess.run(build_args(store), cwd=ROOT, capture_output=True, text=True, env=builder_env(),
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "1,000 cases already there, adding 2,000" in again.stdout
    assert any(line.startswith("sprawy: 2 000 z 2 000 spraw (100 %)") for line in again.stderr.splitlines())
    complete = counted(store)
    assert complete["cases"] == complete["numbers"] == complete["named"] == CASES
    assert complete["with_history"] == complete["filings"] == CASES  # each case's filing once, none twice


def test_a_store_without_number_counters_is_topped_up_above_its_highest_number(tmp_path):
    """Builders before the counters were kept with each batch wrote them only at the end: a build
    stopped then left cases whose numbers no counter covers. Topping it up numbers above them."""
    store = tmp_path / "bench.sqlite3"
    first = subprocess.run(build_args(store, cases=1000), cwd=ROOT, capture_output=True,
                           text=True, env=builder_env(), timeout=120)  # fmt: skip
    assert first.returncode == 0, first.stderr
    storage.open_database(f"sqlite:///{store}")
    try:
        with unit_of_work():
            assert CaseNumberCounter.delete().execute() > 0
    finally:
        close_database()

    again = subprocess.run(build_args(store), cwd=ROOT, capture_output=True, text=True, env=builder_env(),
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    complete = counted(store)
    assert complete["cases"] == complete["numbers"] == complete["with_history"] == CASES


def stopped_after(store: Path, steps: int, pattern: re.Pattern[str], *, cases: int, batch: int) -> str:
    """Build until the `steps`-th committed batch, then Ctrl+C; the one line the builder said."""
    build = subprocess.Popen(
        build_args(store, cases, batch),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=builder_env(OKIENKO_PROGRESS_HOLD_AFTER=str(steps)),
        preexec_fn=ctrl_c_restored,
    )
    seen = read_until(build, pattern, steps)
    assert len([line for line in seen if pattern.match(line)]) == steps, seen
    _, rest = interrupted(build)
    said = [line for line in rest.splitlines() if line.strip()]
    assert len(said) == 1, rest
    return said[0]


def test_a_build_stopped_in_its_stage_history_keeps_whole_batches_and_completes_it(tmp_path):
    store = tmp_path / "bench.sqlite3"
    # Stopped right after its one batch of cases: 1000 cases, no history yet.
    stopped_after(store, 1, CASES_LINE_ANY, cases=1000, batch=1000)
    assert counted(store)["with_history"] == 0
    # Cases complete, so the rerun goes to the history: 500 cases' worth per batch, stopped after the first.
    said = stopped_after(store, 1, HISTORY_LINE, cases=1000, batch=125)
    assert said.startswith("przerwano: w bazie 1 000 spraw, historia etapów dla 500 z 1 000 bez niej"), said
    assert "uruchom to samo polecenie ponownie" in said
    kept = counted(store)
    assert kept["with_history"] == kept["filings"] == 500

    again = subprocess.run(build_args(store, cases=1000), cwd=ROOT, capture_output=True, text=True,
                           env=builder_env(), timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert any(line.startswith("historia etapów: 500 z 500 spraw (100 %)") for line in again.stderr.splitlines())
    complete = counted(store)
    assert complete["cases"] == complete["with_history"] == complete["filings"] == 1000  # no case's history twice


def test_building_on_a_terminal_shows_a_bar(tmp_path):
    code, screen = on_terminal(build_args(tmp_path / "bench.sqlite3"), builder_env(), cwd=ROOT)
    assert code == 0, screen
    assert "━" in screen and "100%" in screen, screen  # rich's bar, finished
    assert re.search(r"sprawy: .*3 000 z 3 000 spraw", screen) and "historia etapów:" in screen, screen
    assert "\x1b[" in screen  # drawn in place
    assert not any(CASES_LINE.match(line) for line in screen.splitlines()), screen
