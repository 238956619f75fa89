"""Texts of the filing receipt in each applicant language (our own wording).

The receipt prints every sentence in Polish and, below it, in the applicant's language."""

from __future__ import annotations

RECEIPT = {
    "pl": {
        "title": "Potwierdzenie złożenia wniosku",
        "case_type": "Rodzaj wniosku",
        "filed_on": "Data złożenia",
        "channel": "Sposób złożenia",
        "applicant": "Wnioskodawca",
        "number": "Numer sprawy",
        "clerk": "Przyjął(-ęła)",
        "ref": "nr",
        "missing": "Braki stwierdzone przy przyjęciu wniosku:",
        "none_missing": "Przy przyjęciu nie odnotowano braków w wymaganych dokumentach.",
        "fees": "Nie przedstawiono dowodu wniesienia opłaty. Opłaty w tym rodzaju sprawy – wnieś te, które "
        "Cię dotyczą, i dostarcz dowód wpłaty z numerem sprawy:",
        "informational": "Potwierdzenie ma charakter wyłącznie informacyjny i nie oznacza, że złożono komplet "
        "dokumentów. Urząd przyjmuje każdy wniosek, także niekompletny; o brakach formalnych zawiadamia pisemnie.",
        "portal": "Etap sprawy i braki: {url} (dane logowania w osobnym liście).",
        "phone": "tel.",
        "hours": "Godziny obsługi",
        "signature": "podpis pracownika przyjmującego wniosek",
        "printed": "Wydrukowano",
    },
    "en": {
        "title": "Confirmation that the application was filed",
        "case_type": "Kind of application",
        "filed_on": "Date filed",
        "channel": "How filed",
        "applicant": "Applicant",
        "number": "Case number",
        "clerk": "Received by",
        "ref": "ref.",
        "missing": "Documents missing when the application was received:",
        "none_missing": "No required document was recorded as missing when the application was received.",
        "fees": "No proof of payment was shown. Fees for this kind of case – pay those that apply to you and "
        "bring or send the proof of payment with the case number:",
        "informational": "This confirmation is for information only and does not mean that the file is complete. "
        "The office accepts every application, even an incomplete one, and tells you in writing about formal gaps.",
        "portal": "Stage of your case and missing documents: {url} (login details come in a separate letter).",
        "phone": "phone",
        "hours": "Opening hours",
        "signature": "signature of the receiving clerk",
        "printed": "Printed",
    },
    "ru": {
        "title": "Подтверждение подачи заявления",
        "case_type": "Вид заявления",
        "filed_on": "Дата подачи",
        "channel": "Способ подачи",
        "applicant": "Заявитель",
        "number": "Номер дела",
        "clerk": "Принял(а)",
        "ref": "№",
        "missing": "Недостающие документы, отмеченные при приёме заявления:",
        "none_missing": "При приёме заявления недостающих обязательных документов не отмечено.",
        "fees": "Подтверждение оплаты не представлено. Сборы по этому виду дела – оплатите те, которые "
        "относятся к вам, и доставьте подтверждение оплаты с номером дела:",
        "informational": "Это подтверждение носит только информационный характер и не означает, что подан полный "
        "комплект документов. Ведомство принимает каждое заявление, даже неполное, и о формальных недостатках "
        "сообщает письменно.",
        "portal": "Этап дела и недостающие документы: {url} (данные для входа – в отдельном письме).",
        "phone": "тел.",
        "hours": "Часы приёма",
        "signature": "подпись принявшего сотрудника",
        "printed": "Напечатано",
    },
    "uk": {
        "title": "Підтвердження подання заяви",
        "case_type": "Вид заяви",
        "filed_on": "Дата подання",
        "channel": "Спосіб подання",
        "applicant": "Заявник",
        "number": "Номер справи",
        "clerk": "Прийняв(-ла)",
        "ref": "№",
        "missing": "Відсутні документи, зазначені під час прийому заяви:",
        "none_missing": "Під час прийому заяви відсутніх обов’язкових документів не зазначено.",
        "fees": "Підтвердження оплати не надано. Збори за цим видом справи – сплатіть ті, що стосуються вас, "
        "і доставте підтвердження оплати з номером справи:",
        "informational": "Це підтвердження має лише інформаційний характер і не означає, що подано повний комплект "
        "документів. Установа приймає кожну заяву, навіть неповну, і про формальні недоліки повідомляє письмово.",
        "portal": "Етап справи та відсутні документи: {url} (дані для входу – в окремому листі).",
        "phone": "тел.",
        "hours": "Години прийому",
        "signature": "підпис працівника, який прийняв заяву",
        "printed": "Надруковано",
    },
}

CHANNEL = {
    "pl": {"in_person": "osobiście", "post": "pocztą", "electronic": "elektronicznie (MOS)"},
    "en": {"in_person": "in person", "post": "by post", "electronic": "electronically (MOS)"},
    "ru": {"in_person": "лично", "post": "по почте", "electronic": "электронно (MOS)"},
    "uk": {"in_person": "особисто", "post": "поштою", "electronic": "електронно (MOS)"},
}

# Monday first, as the catalogue numbers them (1 = Monday).
WEEKDAYS = {
    "pl": ("pon.", "wt.", "śr.", "czw.", "pt.", "sob.", "niedz."),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
}


def opening_hours(hours: list[tuple[int, str, str]], lang: str) -> str:
    """The office's hours on one line: days with the same hours together, runs of three or more
    days shortened ("pon., śr.–pt. 09:00–14:00; wt. 11:00–18:00")."""
    names = WEEKDAYS[lang]
    by_time: dict[tuple[str, str], list[int]] = {}
    for day, opens, closes in sorted(hours):
        by_time.setdefault((opens, closes), []).append(day)
    parts = []
    for (opens, closes), days in by_time.items():
        runs: list[list[int]] = []
        for day in days:
            if runs and day == runs[-1][-1] + 1:
                runs[-1].append(day)
            else:
                runs.append([day])
        spans = []
        for run in runs:
            if len(run) >= 3:
                spans.append(f"{names[run[0] - 1]}–{names[run[-1] - 1]}")
            else:
                spans.extend(names[d - 1] for d in run)
        parts.append(f"{', '.join(spans)} {opens}–{closes}")
    return "; ".join(parts)
