"""The two A5 documents a counter prints: the filing receipt and the credential letter."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from counter_tui.printing.fonts import find_fonts
from counter_tui.printing.letter_texts import CHANNEL_PL, LETTER
from storage.desk import CredentialLetterData, FilingReceiptData, today_in_warsaw

MARGIN = 12


class _A5(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format=(148, 210))
        fonts = find_fonts()
        self.add_font("DejaVu", "", str(fonts.regular))
        self.add_font("DejaVu", "B", str(fonts.bold))
        self.add_font("DejaVuMono", "", str(fonts.mono))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN)
        self.add_page()

    def heading(self, text: str, size: int = 13) -> None:
        self.set_font("DejaVu", "B", size)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def para(self, text: str, size: int = 9, bold: bool = False) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.multi_cell(0, 4.6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.2)

    def barcode(self, case_number: str) -> None:
        """The case number as Code 39 (digits and dashes, as typed in the worklist's search):
        a scanner at the counter types it with Enter and the case opens."""
        self.code39(f"*{case_number}*", x=self.l_margin, y=self.get_y(), w=0.75, h=9)
        self.set_y(self.get_y() + 10)
        self.set_font("DejaVuMono", "", 8)
        self.cell(0, 4, case_number, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def field(self, label: str, value: str) -> None:
        self.set_font("DejaVu", "", 8)
        self.cell(0, 4, label, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def render_filing_receipt(data: FilingReceiptData, printed_at: dt.datetime, portal_url: str | None = None) -> bytes:
    pdf = _A5()
    pdf.set_title(f"Potwierdzenie złożenia wniosku {data.case_number}")
    pdf.para(f"{data.office_name}\n{data.office_address}", size=8)
    pdf.barcode(data.case_number)
    pdf.heading("Potwierdzenie złożenia wniosku")
    pdf.field("Rodzaj wniosku", data.case_type_label)
    pdf.field("Data złożenia", data.filed_on.strftime("%d.%m.%Y"))
    channel = CHANNEL_PL.get(data.channel, data.channel)
    if data.external_ref:
        channel += f", nr {data.external_ref}"
    pdf.field("Sposób złożenia", channel)
    pdf.field("Wnioskodawca", data.applicant_name)
    pdf.field("Numer sprawy", data.case_number)
    pdf.field("Przyjął(-ęła)", data.clerk_name)
    if data.missing_at_intake:
        pdf.para("Braki stwierdzone przy przyjęciu wniosku:", bold=True)
        for label in data.missing_at_intake:
            pdf.para(f"• {label}")
    else:
        pdf.para("Przy przyjęciu nie odnotowano braków w wymaganych dokumentach.")
    pdf.ln(2)
    pdf.para(
        "Potwierdzenie ma charakter wyłącznie informacyjny i nie oznacza, że złożono komplet dokumentów. "
        "Urząd przyjmuje każdy wniosek, także niekompletny; o brakach formalnych zawiadamia pisemnie.",
        size=8,
    )
    if portal_url:
        pdf.para(f"Etap sprawy i braki: {portal_url} (dane logowania w osobnym liście).", size=8)
    pdf.ln(10)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(60, 5, "." * 48, new_x="RIGHT")
    pdf.cell(0, 5, "", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(60, 4, "podpis pracownika przyjmującego wniosek", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.para(f"Wydrukowano {printed_at.strftime('%d.%m.%Y %H:%M')}", size=7)
    return bytes(pdf.output())


def _letter_block(
    pdf: _A5, lang: str, data: CredentialLetterData, password: str, portal_url: str, issued_on: dt.date
) -> None:
    text = LETTER[lang]
    pdf.heading(text["title"], size=12)
    pdf.para(text["issued"].format(date=issued_on.strftime("%d.%m.%Y")), bold=True)
    pdf.para(text["intro"])
    pdf.para(f"{text['case_type']}: {data.case_type_label if lang != 'pl' else data.case_type_label_pl}")
    for label, value in ((text["number"], data.case_number), (text["password"], password)):
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(32, 9, label, new_x="RIGHT")
        pdf.set_font("DejaVuMono", "", 17)
        pdf.cell(0, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.para(text["how"].format(url=portal_url))
    pdf.para(text["no_email"])
    pdf.para(text["no_payment"], bold=True)
    pdf.para(text["informational"])
    pdf.para(text["validity"], size=8)


def render_credential_letter(
    data: CredentialLetterData, password: str, portal_url: str, issued_on: dt.date | None = None
) -> bytes:
    """The letter in the applicant's language, followed by the Polish text (once if Polish).
    `issued_on` (default: today in Warsaw) is printed with the note that it replaces any earlier password."""
    issued_on = issued_on or today_in_warsaw()
    pdf = _A5()
    pdf.set_title(f"Dane logowania – sprawa {data.case_number}")
    pdf.para(f"{data.office_name}\n{data.office_address}", size=8)
    pdf.barcode(data.case_number)
    languages = [data.language] if data.language == "pl" else [data.language, "pl"]
    for i, lang in enumerate(languages):
        if i:
            pdf.add_page()
        _letter_block(pdf, lang, data, password, portal_url, issued_on)
    return bytes(pdf.output())
