"""One print job from the counter as one value: what is printed, for which case, and — once
rendered — the PDF, kept in memory only so that a failed job can be sent again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from pathlib import Path

from counter_tui.printing.documents import render_credential_letter, render_filing_receipt
from counter_tui.printing.fonts import FontsMissing
from counter_tui.printing.printer import PrintFailed, save_pdf, send_to_printer
from storage import desk as store


class JobKind(enum.StrEnum):
    RECEIPT = "receipt"
    LETTER = "letter"


@dataclasses.dataclass(frozen=True)
class PrintTarget:
    """Where jobs go: the desk's print command and printer, and the portal address printed on them."""

    command: str
    printer: str
    portal_url: str


@dataclasses.dataclass(frozen=True)
class PrintJob:
    kind: JobKind
    number: str
    pdf: bytes | None = dataclasses.field(default=None, repr=False)

    @classmethod
    def receipt(cls, number: str) -> PrintJob:
        return cls(JobKind.RECEIPT, number)

    @classmethod
    def letter(cls, number: str) -> PrintJob:
        return cls(JobKind.LETTER, number)

    @property
    def label(self) -> str:
        what = "potwierdzenie złożenia wniosku" if self.kind is JobKind.RECEIPT else "list z danymi logowania"
        return f"{what} {store.format_number(self.number)}"

    @property
    def sensitive(self) -> bool:
        """A credential letter holds the password: never saved to disk, never rendered twice."""
        return self.kind is JobKind.LETTER

    @property
    def can_retry(self) -> bool:
        # A receipt can be drawn again from the store; a letter only resent from its kept PDF.
        return self.pdf is not None or self.kind is JobKind.RECEIPT


@dataclasses.dataclass(frozen=True)
class PrintResult:
    job: PrintJob
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_job(job: PrintJob, target: PrintTarget, *, password: str | None = None) -> PrintResult:
    """Render the job unless its PDF is kept from an earlier try, then send it to the printer.
    Runs in a worker thread (it reads the store and waits for the print command)."""
    if job.pdf is None:
        try:
            job = dataclasses.replace(job, pdf=_render(job, target, password))
        except (store.DomainError, store.StoreUnavailable, FontsMissing) as exc:
            return PrintResult(job, str(exc))
    try:
        send_to_printer(job.pdf, command=target.command, printer=target.printer)
    except PrintFailed as exc:
        return PrintResult(job, str(exc))
    return PrintResult(dataclasses.replace(job, pdf=None))


def _render(job: PrintJob, target: PrintTarget, password: str | None) -> bytes:
    if job.kind is JobKind.RECEIPT:
        now: dt.datetime = store.to_warsaw(store.utcnow())
        return render_filing_receipt(store.filing_receipt(job.number), now, target.portal_url)
    if password is None:
        raise ValueError("a credential letter is rendered only with the password just issued")
    return render_credential_letter(store.credential_letter(job.number), password, target.portal_url)


def save_job(job: PrintJob, directory: Path) -> Path:
    """Keep a receipt the printer refused as a PDF file (never a credential letter)."""
    if job.sensitive or job.pdf is None:
        raise ValueError(f"{job.label}: nothing that may be saved")
    return save_pdf(job.pdf, directory, job.kind)
