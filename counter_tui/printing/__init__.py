"""A5 documents for the counter (fpdf2 + DejaVu) and the print command that sends them."""

from counter_tui.printing.documents import render_credential_letter, render_filing_receipt
from counter_tui.printing.fonts import FontsMissing, find_fonts
from counter_tui.printing.printer import PrintFailed, save_pdf, send_to_printer

__all__ = [
    "FontsMissing",
    "PrintFailed",
    "find_fonts",
    "render_credential_letter",
    "render_filing_receipt",
    "save_pdf",
    "send_to_printer",
]
