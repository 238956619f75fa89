"""A5 documents for the counter (fpdf2 + DejaVu), print jobs, and the print command that sends them."""

from counter_tui.printing.documents import render_credential_letter, render_filing_receipt
from counter_tui.printing.fonts import FontsMissing, find_fonts
from counter_tui.printing.jobs import JobKind, PrintJob, PrintResult, PrintTarget, run_job, save_job
from counter_tui.printing.printer import PrintFailed, save_pdf, send_to_printer

__all__ = [
    "FontsMissing",
    "JobKind",
    "PrintFailed",
    "PrintJob",
    "PrintResult",
    "PrintTarget",
    "find_fonts",
    "render_credential_letter",
    "render_filing_receipt",
    "run_job",
    "save_job",
    "save_pdf",
    "send_to_printer",
]
