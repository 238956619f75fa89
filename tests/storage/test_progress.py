"""Long admin work shows its progress: plain lines in a log, a bar on a terminal; Ctrl+C (a real
SIGINT) leaves nothing half-written, says in one line where things stand, exits 130, and the next
run finishes the work."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

import storage
from storage.db import close_database, unit_of_work
from storage.models import AuditEvent, Case
from tests import pg
from tests.helpers import CLERK, ctrl_c_restored, register
from tests.helpers import run_on_terminal as on_terminal
from tests.storage.test_previous_release_upgrade import _postgresql_store, _sqlite_store

PLAIN_LINE = re.compile(r"^kopia: \d+ z \d+ (stron|tabel) \(\d+ %\), \d[\d ]* (stron|tabel)/s")
PURGE_LINE = re.compile(r"^purge: \d+ z \d+ wierszy \(\d+ %\)")
DEMO_LINE = re.compile(r"^demo: \d+ z \d+ spraw \(\d+ %\)")
RESTORE_LINE = re.compile(r"^odtwarzanie: \d+ z \d+ stron \(\d+ %\)")


def cli_env(url: str, **extra: str) -> dict[str, str]:
    # Every step gets its line, so a test store of a few hundred pages prints many.
    return {**os.environ, "OKIENKO_DB": url, "OKIENKO_PROGRESS_EVERY_S": "0", **extra}


def start_cli(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "storage", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=ctrl_c_restored,
    )


def read_until(process: subprocess.Popen, pattern: re.Pattern[str], count: int) -> list[str]:
    """stderr lines up to the `count`-th that matches `pattern` (fewer if the program ends first)."""
    lines, matched = [], 0
    assert process.stderr is not None
    while matched < count:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        matched += bool(pattern.search(line))
    return lines


def interrupted(process: subprocess.Popen, stop: signal.Signals = signal.SIGINT) -> tuple[str, str]:
    """Send Ctrl+C's signal (or systemctl stop's), wait for the end; (stdout, the rest of stderr)."""
    process.send_signal(stop)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (process.returncode, err)
    assert "Traceback" not in err, err
    return out, err


def run_on_terminal(env: dict[str, str], *args: str) -> tuple[int, str]:
    """The CLI on a pseudo-terminal, as an administrator runs it."""
    return on_terminal([sys.executable, "-m", "storage", *args], env)


def test_backup_in_a_log_prints_plain_progress_lines(store, tmp_path):
    done = subprocess.run([sys.executable, "-m", "storage", "backup", "--to", str(tmp_path / "b")],
                          capture_output=True, text=True, env=cli_env(store.url), timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if PLAIN_LINE.match(line)]
    assert len(lines) >= 2, done.stderr
    assert "\x1b" not in done.stderr and "\r" not in done.stderr  # no bar's control characters in a log
    assert "sprawdzona" in done.stdout

    quiet = subprocess.run([sys.executable, "-m", "storage", "backup", "--quiet", "--to", str(tmp_path / "b")],
                           capture_output=True, text=True, env=cli_env(store.url), timeout=120)  # fmt: skip
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_backup_on_a_terminal_shows_a_bar(store, tmp_path):
    code, screen = run_on_terminal(cli_env(store.url), "backup", "--to", str(tmp_path / "b"))
    assert code == 0, screen
    assert "━" in screen and "100%" in screen, screen  # rich's bar, finished
    assert re.search(r"kopia: .*\d+ z \d+ (stron|tabel)", screen), screen
    assert "\x1b[" in screen  # drawn in place, not printed line after line
    assert not any(PLAIN_LINE.match(line) for line in screen.splitlines()), screen


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "systemctl-stop"])
def test_ctrl_c_during_a_backup_leaves_no_file_and_the_next_backup_works(store, tmp_path, stop):
    folder = tmp_path / "b"
    backup = start_cli(cli_env(store.url, OKIENKO_PROGRESS_HOLD_AFTER="2"), "backup", "--to", str(folder))
    seen = read_until(backup, PLAIN_LINE, 2)
    assert len([line for line in seen if PLAIN_LINE.match(line)]) == 2, seen  # in the middle: steps done, more to go
    out, rest = interrupted(backup, stop)
    said = [line for line in rest.splitlines() if line.strip()]
    assert said == [said[0]] and said[0].startswith("przerwano: kopii nie zrobiono"), rest
    assert "uruchom backup ponownie" in said[0]
    assert out == ""
    assert list(folder.iterdir()) == []  # neither a final name nor a partial file

    again = subprocess.run([sys.executable, "-m", "storage", "backup", "--quiet", "--to", str(folder)],
                           capture_output=True, text=True, env=cli_env(store.url), timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    (made,) = folder.iterdir()
    assert made.suffix in (".sqlite3", ".pgdump") and not made.name.startswith(".")


def purged_cases() -> int:
    with unit_of_work():
        return Case.select().where(Case.personal_data_purged_at.is_null(False)).count()


def purge_audit_rows() -> int:
    with unit_of_work():
        return AuditEvent.select().where(AuditEvent.action == "retention_purge").count()


def test_ctrl_c_during_a_purge_keeps_whole_batches_and_the_next_purge_finishes(store):
    batch, closed = 2, 7
    for i in range(closed):
        case = register(applicant_name=f"Zamknięta Sprawa {i}")
        storage.set_stage(case.number, "closed", clerk=CLERK)
    still_open = register(applicant_name="Otwarta Sprawa")
    env = cli_env(store.url, OKIENKO_RETAIN_CLOSED_DAYS="0", OKIENKO_PURGE_BATCH=str(batch),
                  OKIENKO_PROGRESS_HOLD_AFTER="2")  # fmt: skip

    purge = start_cli(env, "purge")
    seen = read_until(purge, PURGE_LINE, 2)
    assert len([line for line in seen if PURGE_LINE.match(line)]) == 2, seen
    _, rest = interrupted(purge)
    said = [line for line in rest.splitlines() if line.strip()]
    assert said == ["przerwano: usunięto 2 z 4 partii (4 wierszy), przerwana partia wycofana; "
                    "uruchom purge ponownie, by dokończyć"], rest  # fmt: skip
    # Two committed batches: their rows erased, each with its audit row; nothing of the third.
    assert purged_cases() == 2 * batch
    assert purge_audit_rows() == 2

    env.pop("OKIENKO_PROGRESS_HOLD_AFTER")
    again = subprocess.run([sys.executable, "-m", "storage", "purge"], capture_output=True, text=True, env=env,
                           timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "ponad 0 dni temu: 3;" in again.stdout
    assert purged_cases() == closed
    assert storage.case_detail(still_open.number).phone is not None


def test_purge_progress_lines_and_settings_are_checked(store):
    for i in range(3):
        case = register(applicant_name=f"Zamknięta Sprawa {i}")
        storage.set_stage(case.number, "closed", clerk=CLERK)
    env = cli_env(store.url, OKIENKO_RETAIN_CLOSED_DAYS="0", OKIENKO_PURGE_BATCH="1")
    done = subprocess.run([sys.executable, "-m", "storage", "purge"], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if PURGE_LINE.match(line)][-1].startswith(
        "purge: 3 z 3 wierszy (100 %)"
    ), done.stderr
    assert purge_audit_rows() == 4  # three batches of one, and the last with the outboxes

    bad = subprocess.run([sys.executable, "-m", "storage", "purge"], capture_output=True, text=True,
                         env={**env, "OKIENKO_PURGE_BATCH": "0"}, timeout=120)  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "OKIENKO_PURGE_BATCH" in bad.stderr, bad.stderr


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migrate_shows_progress_by_migration(backend, tmp_path):
    """The previous release's store is brought up with a line per migration applied."""
    if backend == "sqlite":
        url, name = _sqlite_store(tmp_path), None
    else:
        name, url = _postgresql_store()
    try:
        done = subprocess.run([sys.executable, "-m", "storage", "migrate"], capture_output=True, text=True,
                              env=cli_env(url), timeout=300)  # fmt: skip
    finally:
        if name:
            pg.drop_database(name)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^migracja: (\d+) z \1 migracji \(100 %\)", done.stderr, re.MULTILINE), done.stderr


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_demo_shows_cases_done_and_ctrl_c_keeps_whole_cases(empty_store_url):
    _, url = empty_store_url
    env = cli_env(url, OKIENKO_BCRYPT_COST="4", OKIENKO_PROGRESS_HOLD_AFTER="2")
    demo = start_cli(env, "demo", "--cases", "6")
    seen = read_until(demo, DEMO_LINE, 2)
    shown = [line.split(" (")[0] for line in seen if DEMO_LINE.match(line)]
    assert shown == ["demo: 1 z 6 spraw", "demo: 2 z 6 spraw"], seen
    _, rest = interrupted(demo)
    said = [line for line in rest.splitlines() if line.strip()]
    assert len(said) == 1 and said[0].startswith("przerwano: dodano 2 z 6 spraw demonstracyjnych"), rest
    storage.open_database(url)
    with unit_of_work():
        assert Case.select().count() == 2

    env.pop("OKIENKO_PROGRESS_HOLD_AFTER")
    again = subprocess.run([sys.executable, "-m", "storage", "demo", "--cases", "3"], capture_output=True, text=True,
                           env=env, timeout=300)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "demo: 3 z 3 spraw (100 %)" in again.stderr
    try:
        with unit_of_work():
            assert Case.select().count() == 5  # topped up
    finally:
        close_database()


def test_ctrl_c_during_a_sqlite_restore_leaves_the_store_empty_and_the_next_restore_works(tmp_path):
    """SQLite copies a backup in steps inside one write transaction of the store: a stopped copy rolls back.
    (PostgreSQL's restore is one transaction too; its client program cannot be held in the middle.)"""
    source = tmp_path / "source.sqlite3"
    prepared = subprocess.run([sys.executable, "-m", "storage", "demo", "--cases", "3"],
                              capture_output=True, text=True, timeout=300,
                              env=cli_env(f"sqlite:///{source}", OKIENKO_BCRYPT_COST="4"))  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    made = subprocess.run([sys.executable, "-m", "storage", "backup", "--to", str(tmp_path / "b")],
                          capture_output=True, text=True, env=cli_env(f"sqlite:///{source}"), timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    (file,) = (tmp_path / "b").iterdir()
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"

    restore = start_cli(cli_env(target, OKIENKO_PROGRESS_HOLD_AFTER="2"), "restore", str(file))
    seen = read_until(restore, RESTORE_LINE, 2)
    assert len([line for line in seen if RESTORE_LINE.match(line)]) == 2, seen
    _, rest = interrupted(restore)
    said = [line for line in rest.splitlines() if line.strip()]
    assert len(said) == 1 and said[0].startswith("przerwano: nic nie odtworzono"), rest
    stats = subprocess.run([sys.executable, "-m", "storage", "stats"], capture_output=True, text=True,
                           env=cli_env(target), timeout=120)  # fmt: skip
    assert stats.returncode == 2 and "nie ma jeszcze schematu" in stats.stderr, stats.stderr  # still empty

    again = subprocess.run([sys.executable, "-m", "storage", "restore", "--quiet", str(file)], capture_output=True,
                           text=True, env=cli_env(target), timeout=120)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "odtworzono kopię" in again.stdout
