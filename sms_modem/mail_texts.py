"""What the applicant's inbox shows: the same news as the SMS – the stage changed, or the office
left a message – with the office that holds the case and the portal address. Nothing else.

Never the applicant's name, the case number, the password, the message's text or a request to
pay: an e-mail is easy to forge, so the letter the applicant got at the counter says the office
never asks for anything by e-mail, and these texts repeat it.
"""

from __future__ import annotations

import dataclasses

# Subjects name the office in general terms; the body names the one that holds the case.
SUBJECTS = {
    "stage": {
        "pl": "Pomorski Urząd Wojewódzki: zmienił się etap Twojej sprawy",
        "en": "Pomeranian Voivodeship Office: the stage of your case has changed",
        "ru": "Поморское воеводское управление: этап вашего дела изменился",
        "uk": "Поморське воєводське управління: етап вашої справи змінився",
    },
    "message": {
        "pl": "Pomorski Urząd Wojewódzki: nowa wiadomość z urzędu",
        "en": "Pomeranian Voivodeship Office: a new message from the office",
        "ru": "Поморское воеводское управление: новое сообщение от управления",
        "uk": "Поморське воєводське управління: нове повідомлення від управління",
    },
}

NEWS = {
    "stage": {
        "pl": "zmienił się etap Twojej sprawy prowadzonej przez: {office}.",
        "en": "the stage of your case handled by {office} has changed.",
        "ru": "изменился этап вашего дела, которое ведёт {office}.",
        "uk": "змінився етап вашої справи, яку веде {office}.",
    },
    "message": {
        "pl": "w sprawie prowadzonej przez: {office} czeka na Ciebie nowa wiadomość z urzędu.",
        "en": "a new message from the office is waiting for you about your case handled by {office}.",
        "ru": "вас ждёт новое сообщение от управления по делу, которое ведёт {office}.",
        "uk": "на вас чекає нове повідомлення від управління щодо справи, яку веде {office}.",
    },
}

BODY = {
    "pl": (
        "Dzień dobry,\n\n{news}\n\n"
        "Szczegóły zobaczysz na stronie {url} po zalogowaniu numerem sprawy i hasłem z pisma otrzymanego "
        "w urzędzie.\n\n"
        "Ta wiadomość tylko informuje: pisma i wezwania urzędowe przychodzą pocztą. Urząd nigdy nie prosi e-mailem "
        "o hasło ani o płatność. Prosimy nie odpowiadać na tę wiadomość.\n\n{office}\n"
    ),
    "en": (
        "Hello,\n\n{news}\n\n"
        "You will find the details at {url} after logging in with your case number and the password from the "
        "letter you received at the office.\n\n"
        "This e-mail is for information only: formal letters and summons come by post. The office never asks for "
        "your password or for a payment by e-mail. Please do not reply to this message.\n\n{office}\n"
    ),
    "ru": (
        "Здравствуйте!\n\n{news}\n\n"
        "Подробности на странице {url} после входа с номером дела и паролем из письма, полученного в управлении.\n\n"
        "Это письмо носит только информационный характер: официальные письма и вызовы приходят по почте. "
        "Управление никогда не просит по электронной почте пароль или оплату. Пожалуйста, не отвечайте на это "
        "письмо.\n\n{office}\n"
    ),
    "uk": (
        "Добрий день!\n\n{news}\n\n"
        "Подробиці на сторінці {url} після входу з номером справи та паролем із листа, отриманого в управлінні.\n\n"
        "Цей лист має лише інформаційний характер: офіційні листи та виклики надходять поштою. Управління ніколи "
        "не просить електронною поштою пароль чи оплату. Будь ласка, не відповідайте на цей лист.\n\n{office}\n"
    ),
}


@dataclasses.dataclass(frozen=True)
class MailText:
    subject: str
    body: str


def mail_text(kind: str, language: str, office: str, portal_url: str) -> MailText:
    """The subject and plain-text body of one kind ("stage" or "message") in a language (Polish
    for a language it does not know)."""
    lang = language if language in BODY else "pl"
    news = NEWS[kind][lang].format(office=office)
    news = news[:1].upper() + news[1:]
    return MailText(SUBJECTS[kind][lang], BODY[lang].format(news=news, url=portal_url, office=office))
