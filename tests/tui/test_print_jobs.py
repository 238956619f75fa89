"""A print job is one value: kind and case number, and the rendered PDF only while a failed job
waits for a retry. A letter (it holds the password) is never saved and never drawn twice."""

from __future__ import annotations

import pytest

from counter_tui.printing import JobKind, PrintJob, PrintTarget, run_job, save_job
from tests.helpers import register
from tests.tui.conftest import pdf_text


def target(command: str) -> PrintTarget:
    return PrintTarget(command=command, printer="test", portal_url="https://okienko.example/status")


def test_a_job_names_what_it_prints_and_what_may_be_done_after_a_failure():
    receipt, letter = PrintJob.receipt("260000019"), PrintJob.letter("260000019")
    assert receipt.kind is JobKind.RECEIPT and receipt.label == "potwierdzenie złożenia wniosku 26-000001-9"
    assert letter.label == "list z danymi logowania 26-000001-9"
    assert not receipt.sensitive and letter.sensitive
    assert receipt.can_retry and not letter.can_retry  # a letter is resent only from its kept PDF
    assert "pdf" not in repr(PrintJob(JobKind.LETTER, "260000019", pdf=b"%PDF-secret"))


def test_a_failed_receipt_keeps_its_pdf_and_a_retry_sends_those_bytes(store, printer, tmp_path):
    filing = register(applicant_name="Maria Santos Reyes")
    failed = run_job(PrintJob.receipt(filing.number), target("false {file}"))
    assert not failed.ok and failed.error == "drukarka odmówiła: kod wyjścia 1"
    assert failed.job.pdf is not None and "Potwierdzenie złożenia" in pdf_text(failed.job.pdf)

    retried = run_job(failed.job, target(f"cp {{file}} {printer.directory}/"))
    assert retried.ok and retried.job.pdf is None  # nothing printed stays in memory
    assert [job.read_bytes() for job in printer.jobs()] == [failed.job.pdf]

    saved = save_job(failed.job, tmp_path / "saved")
    assert saved.name.startswith("receipt-") and saved.read_bytes() == failed.job.pdf


def test_a_letter_is_drawn_only_with_the_password_and_never_saved(store, printer, tmp_path):
    filing = register()
    with pytest.raises(ValueError, match="password"):
        run_job(PrintJob.letter(filing.number), target(f"cp {{file}} {printer.directory}/"))
    failed = run_job(PrintJob.letter(filing.number), target("false {file}"), password=filing.password)
    assert not failed.ok and failed.job.can_retry and filing.password in pdf_text(failed.job.pdf)
    with pytest.raises(ValueError):
        save_job(failed.job, tmp_path / "saved")
    assert not (tmp_path / "saved").exists()
