"""The two A5 documents a counter prints: the filing receipt and the credential letter."""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

from counter_tui.printing.fonts import find_fonts
from counter_tui.printing.letter_texts import LETTER
from counter_tui.printing.receipt_texts import CHANNEL, RECEIPT, opening_hours
from counter_tui.widgets.literal import REPLACEMENT, visible
from storage.desk import CredentialLetterData, FilingReceiptData, today_in_warsaw

MARGIN = 12
BAR_WIDE = 0.75  # mm; fpdf2's Code 39 draws narrow bars a third of that


def barcode_width(case_number: str) -> float:
    # Each character (and the two start/stop stars) is three wide and six narrow bars plus a narrow gap.
    return (len(case_number) + 2) * (3 * BAR_WIDE + 7 * BAR_WIDE / 3)


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

    def normalize_text(self, text: str) -> str:
        """Every text fpdf2 puts on the page passes here: names, references and catalogue labels
        are printed as written, a control character as "�" (the rule of widgets/literal.py), and
        so is a letter the font cannot draw – fpdf2 would leave it out, and a name on a receipt
        must not lose a letter unseen."""
        text = visible(text)
        drawable = getattr(self.current_font, "cmap", None)
        if drawable:
            text = "".join(ch if ch == "\n" or ord(ch) in drawable else REPLACEMENT for ch in text)
        return super().normalize_text(text)

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
        x = self.get_x()
        self.code39(f"*{case_number}*", x=x, y=self.get_y(), w=BAR_WIDE, h=9)
        self.set_xy(x, self.get_y() + 10)
        self.set_font("DejaVuMono", "", 8)
        self.cell(0, 4, case_number, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def field(self, label: str, value: str) -> None:
        self.set_font("DejaVu", "", 8)
        self.cell(0, 4, label, new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVu", "B", 10)
        self.multi_cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


LOCAL_GREY = 70  # the translation under each Polish line: readable, yet told apart at a glance
LINE = 0.45  # line height in mm per point of font size
SIGNATURE_SPACE = 6  # mm left blank above the signature line for the clerk to sign
AMOUNT_WIDTH = 16  # mm of the fee table's amount column
FEE_COLUMN = (148 - 2 * MARGIN - AMOUNT_WIDTH) / 2 - 2


class _Receipt(_A5):
    """The receipt; a long list of missing documents may push it onto a second page, which then
    starts with the case number so the sheets stay together."""

    def __init__(self, case_number: str) -> None:
        self.case_number = case_number
        super().__init__()

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("DejaVu", "", 7)
            self.cell(0, 4, f"{self.case_number} · {self.page_no()}/{{nb}}", align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    def say(self, text: str, size: float, local: bool = False, bold: bool = False, w: float = 0) -> None:
        self.set_font("DejaVu", "B" if bold else "", size)
        self.set_text_color(LOCAL_GREY if local else 0)
        x = self.get_x()
        self.multi_cell(w, size * LINE, text, align="L", new_x="LEFT", new_y="NEXT")
        self.set_x(x)
        self.set_text_color(0)

    def height(self, texts: dict[str, str], size: float, bold: bool = False, w: float = 0) -> float:
        self.set_font("DejaVu", "B" if bold else "", size)
        return sum(
            self.multi_cell(w, size * LINE, t, dry_run=True, output=MethodReturnValue.HEIGHT) for t in texts.values()
        )

    def keep(self, height: float) -> None:
        """Start a new page unless the next `height` mm fit on this one: a sentence and its
        translation, or a fee and its amount, never part on different sheets."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def side_by_side(self, texts: dict[str, str], size: float, indent: float = 0, gap: float = 0.5) -> None:
        """Short catalogue labels: Polish on the left, the applicant's language on the right, one row each."""
        width = (self.epw - indent) / len(texts)
        heights = [self.height({k: t}, size, w=width - 2) for k, t in texts.items()]
        self.keep(max(heights))
        top = self.get_y()
        for i, (lang, text) in enumerate(texts.items()):
            self.set_xy(self.l_margin + indent + i * width, top)
            self.say(text, size, local=lang != "pl", w=width - 2)
        self.set_xy(self.l_margin, top + max(heights) + gap)

    def pair(self, texts: dict[str, str], size: float, bold: bool = False, w: float = 0, gap: float = 1.2) -> None:
        """A sentence in Polish and, when the applicant reads another language, below it in that one."""
        self.keep(self.height(texts, size, bold, w))
        for lang, text in texts.items():
            self.say(text, size, local=lang != "pl", bold=bold, w=w)
        self.ln(gap)


def _both(data: FilingReceiptData, key: str, **fmt: str) -> dict[str, str]:
    languages = ["pl"] if data.language == "pl" else ["pl", data.language]
    return {lang: RECEIPT[lang][key].format(**fmt) for lang in languages}


def _channel(data: FilingReceiptData, lang: str) -> str:
    text = CHANNEL[lang].get(data.channel, data.channel)
    return f"{text}, {RECEIPT[lang]['ref']} {data.external_ref}" if data.external_ref else text


def _grid(pdf: _Receipt, data: FilingReceiptData, cells: list[tuple[float, str, dict[str, str]]]) -> None:
    """One row of labelled values side by side; the row is as tall as its tallest cell."""
    top, x, bottom = pdf.get_y(), pdf.l_margin, pdf.get_y()
    for width, key, values in cells:
        pdf.set_xy(x, top)
        label = " / ".join(_both(data, key).values())
        pdf.say(label, 6.5, w=width - 2)
        for lang, value in values.items():
            pdf.say(value, 9 if lang == "pl" else 8, local=lang != "pl", bold=lang == "pl", w=width - 2)
        bottom = max(bottom, pdf.get_y())
        x += width
    pdf.set_xy(pdf.l_margin, bottom + 1.2)


def render_filing_receipt(data: FilingReceiptData, printed_at: dt.datetime, portal_url: str | None = None) -> bytes:
    """The applicant's copy of the filing: each sentence in Polish and in the applicant's language
    (once when that is Polish), with the office's contact details and, when the proof of payment is
    missing, the fees of this kind of case as the catalogue gives them."""
    local = data.language != "pl"
    pdf = _Receipt(data.display_number)
    pdf.set_title(f"Potwierdzenie złożenia wniosku {data.display_number}")

    # The office and how to reach it: where the applicant brings what is missing.
    pdf.say(data.office_name, 7.5, bold=True)
    contact = data.office_address
    if data.office_phone:
        contact += f" · {RECEIPT['pl']['phone']} {data.office_phone}"
    pdf.say(contact, 7)
    if data.office_hours:
        for lang in _both(data, "hours"):
            pdf.say(f"{RECEIPT[lang]['hours']}: {opening_hours(data.office_hours, lang)}", 7, local=lang != "pl")
    pdf.ln(3)

    # The title on the left, the scannable number on the right.
    barcode_w = barcode_width(data.display_number)
    top = pdf.get_y()
    for lang, title in _both(data, "title").items():
        pdf.say(title, 10.5 if lang == "pl" else 9, local=lang != "pl", bold=True, w=pdf.epw - barcode_w - 3)
    after_title = pdf.get_y()
    pdf.set_xy(pdf.l_margin + pdf.epw - barcode_w, top)
    pdf.barcode(data.display_number)
    pdf.set_xy(pdf.l_margin, max(after_title, top + 15) + 1)

    case_type = {"pl": data.case_type_label} | ({data.language: data.case_type_label_local} if local else {})
    channel = {lang: _channel(data, lang) for lang in _both(data, "channel")}
    short, wide = 34, pdf.epw - 68  # the channel and its reference number get the room
    _grid(pdf, data, [(pdf.epw, "case_type", case_type)])
    _grid(
        pdf,
        data,
        [
            (short, "number", {"pl": data.display_number}),
            (short, "filed_on", {"pl": data.filed_on.strftime("%d.%m.%Y")}),
            (wide, "channel", channel),
        ],
    )
    _grid(pdf, data, [(2 * short, "applicant", {"pl": data.applicant_name}), (wide, "clerk", {"pl": data.clerk_name})])

    if data.missing_at_intake:
        pdf.pair(_both(data, "missing"), 8, bold=True, gap=0.6)
        for i, label in enumerate(data.missing_at_intake):
            item = {"pl": label} | ({data.language: data.missing_at_intake_local[i]} if local else {})
            pdf.keep(pdf.height({"pl": label}, 7.5, w=pdf.epw / len(item) - 5))
            pdf.set_font("DejaVu", "", 7.5)
            pdf.cell(3, 7.5 * LINE, "•")
            pdf.set_x(pdf.l_margin)
            pdf.side_by_side(item, 7.5, indent=3)  # wrapped lines hang under the text, not the bullet
    else:
        pdf.pair(_both(data, "none_missing"), 7.5)
    pdf.ln(1.5)

    if data.fees_due:
        fees = [{"pl": f.label_pl} | ({data.language: f.label(data.language)} if local else {}) for f in data.fees_due]
        heading = _both(data, "fees")
        # The heading with the first fee at least; the rest may follow on the next sheet.
        pdf.keep(pdf.height(heading, 7.5, bold=True) + 2 * pdf.height({"pl": fees[0]["pl"]}, 7.5, w=FEE_COLUMN))
        pdf.pair(heading, 7.5, bold=True, gap=0.6)
        for fee, labels in zip(data.fees_due, fees, strict=True):
            pdf.keep(pdf.height({"pl": labels["pl"]}, 7.5, w=FEE_COLUMN))
            top = pdf.get_y()
            pdf.set_font("DejaVu", "B", 8)
            pdf.cell(AMOUNT_WIDTH - 2, 7.5 * LINE, fee.amount_zl, align="R")
            pdf.set_xy(pdf.l_margin, top)
            pdf.side_by_side(labels, 7.5, indent=AMOUNT_WIDTH)
        pdf.ln(1.5)

    pdf.pair(_both(data, "informational"), 7)
    if portal_url:
        pdf.pair(_both(data, "portal", url=portal_url), 7)

    # The printing time on the left, the clerk's signature on the right.
    pdf.keep(SIGNATURE_SPACE + 4 + pdf.height(_both(data, "signature"), 6.5, w=pdf.epw / 2))
    pdf.ln(SIGNATURE_SPACE)
    top = pdf.get_y()
    half = pdf.epw / 2
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(half, 4, "." * 44, new_x="LEFT", new_y="NEXT")
    pdf.pair(_both(data, "signature"), 6.5, w=half, gap=0)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top + 4)
    printed = printed_at.strftime("%d.%m.%Y %H:%M")
    for lang, word in _both(data, "printed").items():
        pdf.say(f"{word} {printed}", 6.5, local=lang != "pl", w=half - 4)
    pdf.set_y(max(bottom, pdf.get_y()))
    return bytes(pdf.output())


def _letter_block(
    pdf: _A5, lang: str, data: CredentialLetterData, password: str, portal_url: str, issued_on: dt.date
) -> None:
    text = LETTER[lang]
    pdf.heading(text["title"], size=12)
    pdf.para(text["issued"].format(date=issued_on.strftime("%d.%m.%Y")), bold=True)
    pdf.para(text["intro"])
    pdf.para(f"{text['case_type']}: {data.case_type_label if lang != 'pl' else data.case_type_label_pl}")
    for label, value in ((text["number"], data.display_number), (text["password"], password)):
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
    pdf.set_title(f"Dane logowania – sprawa {data.display_number}")
    pdf.para(f"{data.office_name}\n{data.office_address}", size=8)
    pdf.barcode(data.display_number)
    languages = [data.language] if data.language == "pl" else [data.language, "pl"]
    for i, lang in enumerate(languages):
        if i:
            pdf.add_page()
        _letter_block(pdf, lang, data, password, portal_url, issued_on)
    return bytes(pdf.output())
