"""Backups taken while the desks register, restored into fresh stores and compared row by row;
bad files, full stores and unreachable servers refused with one line."""

import os
import re
import stat
import subprocess
import sys
import threading
import time

import pytest

import storage
from storage.admin import backup
from storage.db import close_database, unit_of_work
from storage.models import AuditEvent, Case, CaseNumberCounter, StageHistory
from tests import pg
from tests.helpers import every_row, ok, refused, register, run_cli


def refused_with(code: int, result: subprocess.CompletedProcess, *words: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    return refused(result, *words)


def cli_with(env: dict[str, str], url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storage", "--db", url, *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)  # fmt: skip


NAME = re.compile(r"^(okienko|okienko_t_[0-9a-f]{12})-\d{8}T\d{6}Z\.(sqlite3|pgdump)$")


class Registrations(threading.Thread):
    """A desk registering filings one after another until told to stop."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.done = 0
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                register(applicant_name=f"Tło Rejestracja {self.done}", missing=["photos"])
                self.done += 1
            except Exception as exc:  # reported by the test
                self.errors.append(repr(exc))
                return

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.done < count and not self.errors and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.done >= count and not self.errors, self.errors


@pytest.fixture
def fresh_url(store, tmp_path):
    """An empty database on the same backend as `store`."""
    if store.backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name, url = pg.create_database()
    yield url
    pg.drop_database(name)


def test_backup_during_registrations_restores_to_an_equal_snapshot(store, fresh_url, tmp_path):
    for i in range(40):
        filing = register(applicant_name=f"Pierwsza Sprawa {i}")
        if i % 3 == 0:
            storage.set_stage(filing.number, "formal_check", clerk="anna")
    desk = Registrations()
    desk.start()
    try:
        desk.wait_for(5)
        made = backup.backup(store.url, tmp_path / "kopie", keep=3)
        during = desk.done
        desk.wait_for(during + 5)  # still registering after the backup finished
    finally:
        desk.stop.set()
        desk.join(timeout=60)
    assert not desk.errors
    source = every_row()

    assert NAME.match(made.path.name), made.path.name
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert [p.name for p in made.path.parent.iterdir()] == [made.path.name]  # no temporary leftovers

    ok(run_cli(fresh_url, "restore", str(made.path)))
    storage.open_database(fresh_url)
    try:
        restored = every_row()
        # Rows of the snapshot are the source's rows, unchanged (the counter row moves on after it).
        for table, rows in restored.items():
            assert set(rows) <= set(source[table]), table
            if table != "CaseNumberCounter":
                assert all(rows[key] == source[table][key] for key in rows), table
        counts = {table: len(rows) for table, rows in restored.items()}
        assert 45 <= counts["Case"] < len(source["Case"])
        for static in ("Office", "Clerk", "CaseType", "Fee", "DeficiencyKind", "RequiredDocument", "Stage"):
            assert counts[static] == len(source[static]), static
        # One consistent moment: every case with its history and audit row, the counter at the last number.
        with unit_of_work():
            assert StageHistory.select(StageHistory.case).distinct().count() == counts["Case"]
            assert AuditEvent.select().where(AuditEvent.action == "filing_registered").count() == counts["Case"]
            serials = [int(n[2:-1]) for (n,) in Case.select(Case.number).tuples()]
            assert CaseNumberCounter.get().last_serial == max(serials) == len(serials)
    finally:
        close_database()
        storage.open_database(store.url)
    assert "schemat jest aktualny" in ok(run_cli(fresh_url, "migrate"))


def test_rotation_keeps_the_newest_by_count_and_age(store, tmp_path):
    folder = tmp_path / "kopie"
    first = backup.backup(store.url, folder)
    target = backup.target_of(store.url)

    def name(stamp: str) -> str:
        return f"{target.label}-{stamp}.{target.suffix}"

    for stamp in ("20240101T010000Z", "20250101T010000Z", "20250601T010000Z"):
        os.link(first.path, folder / name(stamp))
    foreign = folder / f"other-20200101T010000Z.{target.suffix}"
    foreign.write_bytes(b"another store's backup")
    second = backup.backup(store.url, folder, keep=3)
    assert [p.name for p in second.removed] == [name("20250101T010000Z"), name("20240101T010000Z")]
    assert {p.name for p in folder.iterdir()} == {
        first.path.name,
        second.path.name,
        name("20250601T010000Z"),
        foreign.name,
    }
    # By age: older than 30 days goes; another store's files are never touched.
    third = backup.backup(store.url, folder, keep=10, keep_days=30)
    assert [p.name for p in third.removed] == [name("20250601T010000Z")]
    assert {p.name for p in folder.iterdir()} == {first.path.name, second.path.name, third.path.name, foreign.name}
    # Two backups in one second get distinct names, and --keep 1 leaves just the newest.
    last = backup.backup(store.url, folder, keep=1)
    assert {p.name for p in folder.iterdir()} == {last.path.name, foreign.name}


def test_restore_checks_the_file_and_refuses_a_store_in_use(store, fresh_url, tmp_path):
    made = backup.backup(store.url, tmp_path / "kopie")
    damaged = tmp_path / f"damaged.{made.path.suffix}"
    data = made.path.read_bytes()
    if store.backend == "sqlite":
        middle = len(data) // 2
        damaged.write_bytes(data[:middle] + bytes(4096) * 2 + data[middle + 8192 :])
    else:
        damaged.write_bytes(data[:300])
    refused_with(2, run_cli(fresh_url, "restore", str(damaged)), "plik kopii")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("zakupy: chleb, mleko\n")
    refused_with(2, run_cli(fresh_url, "restore", str(not_a_backup)), "plik kopii", "to nie kopia")
    refused_with(2, run_cli(fresh_url, "restore", str(tmp_path / "missing.sqlite3")), "nie ma pliku")

    # Nothing was written by the refused attempts: the real restore still finds an empty store.
    ok(run_cli(fresh_url, "restore", str(made.path)))
    register(applicant_name="Po Kopii Zapasowej")  # the source moves on
    later = backup.backup(store.url, tmp_path / "kopie")
    refused_with(2, run_cli(fresh_url, "restore", str(later.path)), "nie jest pusta", "--force")
    assert "zastąpiono" in ok(run_cli(fresh_url, "restore", "--force", str(later.path)))
    close_database()
    storage.open_database(fresh_url)
    try:
        assert storage.store_stats()["cases"] == 1
        assert storage.search_by_surname("Zapasowej")
    finally:
        close_database()
        storage.open_database(store.url)


@pytest.mark.parametrize(
    "empty_store_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_backup_errors_are_one_line_with_exit_codes(empty_store_url, tmp_path):
    backend, url = empty_store_url
    ok(run_cli(url, "init"))
    kopie = str(tmp_path / "kopie")
    secret = "postgresql://okienko:TOPSECRET@127.0.0.1:1/okienko"
    result = run_cli(secret, "backup", "--to", kopie)
    assert "TOPSECRET" not in result.stderr
    refused_with(3, result, "niedostępna", "Connection refused")
    result = run_cli("postgres-ql://okienko:TOPSECRET@db/okienko", "backup", "--to", kopie)
    assert "TOPSECRET" not in result.stderr and "okienko:***@db" in result.stderr
    refused_with(2, result, "postgres-ql")  # a malformed address is a usage error, like any bad option
    refused_with(2, run_cli(secret, "restore", str(tmp_path / "x")), "nie ma pliku")  # the file is checked first
    refused_with(3, run_cli("sqlite:////nonexistent/dir/okienko.sqlite3", "backup", "--to", kopie), "nie ma pliku")
    refused_with(2, run_cli(url, "backup", "--to", kopie, "--keep", "0"), "--keep")
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    refused_with(2, run_cli(url, "backup", "--to", str(blocked / "sub")), "--to")
    if backend == "postgresql":
        refused_with(2, cli_with({"OKIENKO_PG_BIN": str(tmp_path)}, url, "backup", "--to", kopie), "OKIENKO_PG_BIN")
    assert not list(tmp_path.glob("**/*.partial"))
    assert not (tmp_path / "kopie").exists() or not list((tmp_path / "kopie").iterdir())
