"""Texts of the credential letter in each applicant language (our own wording)."""

from __future__ import annotations

LETTER = {
    "pl": {
        "issued": "Data wydania: {date}. To hasło zastępuje każde wcześniejsze hasło do tej sprawy.",
        "title": "Dane logowania do portalu sprawy",
        "intro": "Na portalu sprawdzisz, na jakim etapie jest Twoja sprawa i jakich dokumentów brakuje.",
        "case_type": "Rodzaj sprawy",
        "number": "Numer sprawy",
        "password": "Hasło",
        "how": "Jak się zalogować: otwórz {url}, wpisz numer sprawy i hasło (wielkość liter i myślniki nie mają "
        "znaczenia).",
        "no_email": "Urząd nigdy nie wysyła danych logowania e-mailem i nie przekazuje ich osobom "
        "nieupoważnionym. Chroń ten list.",
        "no_payment": "Urząd nigdy nie prosi SMS-em o zapłatę. Na taką wiadomość nie odpowiadaj.",
        "informational": "Portal ma charakter informacyjny; formalne wezwania przychodzą pocztą.",
        "validity": "Hasło działa, dopóki urząd nie wyda nowego; nowe hasło unieważnia poprzednie.",
    },
    "en": {
        "issued": "Date of issue: {date}. This password replaces any earlier password for this case.",
        "title": "Login details for your case portal",
        "intro": "On the portal you can check the stage of your case and which documents are missing.",
        "case_type": "Kind of case",
        "number": "Case number",
        "password": "Password",
        "how": "How to log in: open {url} and enter the case number and password (capital letters and dashes "
        "do not matter).",
        "no_email": "The office never sends login details by e-mail and never gives them to anyone not "
        "entitled. Keep this letter safe.",
        "no_payment": "The office never asks for payment by SMS. Do not answer such a message.",
        "informational": "The portal is for information only; formal requests come by post.",
        "validity": "The password works until the office issues a new one; a new password cancels the old one.",
    },
    "ru": {
        "issued": "Дата выдачи: {date}. Этот пароль заменяет любой прежний пароль к этому делу.",
        "title": "Данные для входа на портал дела",
        "intro": "На портале вы увидите, на каком этапе ваше дело и каких документов не хватает.",
        "case_type": "Вид дела",
        "number": "Номер дела",
        "password": "Пароль",
        "how": "Как войти: откройте {url} и введите номер дела и пароль (регистр букв и дефисы не важны).",
        "no_email": "Ведомство никогда не присылает данные для входа по электронной почте и не передаёт их "
        "посторонним. Берегите это письмо.",
        "no_payment": "Ведомство никогда не просит оплаты по SMS. Не отвечайте на такие сообщения.",
        "informational": "Портал носит только информационный характер; официальные требования приходят по почте.",
        "validity": "Пароль действует, пока ведомство не выдаст новый; новый пароль отменяет прежний.",
    },
    "uk": {
        "issued": "Дата видачі: {date}. Цей пароль замінює будь-який попередній пароль до цієї справи.",
        "title": "Дані для входу на портал справи",
        "intro": "На порталі ви побачите, на якому етапі ваша справа і яких документів бракує.",
        "case_type": "Вид справи",
        "number": "Номер справи",
        "password": "Пароль",
        "how": "Як увійти: відкрийте {url} і введіть номер справи та пароль (регістр літер і дефіси не мають "
        "значення).",
        "no_email": "Установа ніколи не надсилає дані для входу електронною поштою і не передає їх стороннім "
        "особам. Бережіть цей лист.",
        "no_payment": "Установа ніколи не просить оплати через SMS. Не відповідайте на такі повідомлення.",
        "informational": "Портал має лише інформаційний характер; офіційні вимоги надходять поштою.",
        "validity": "Пароль діє, доки установа не видасть новий; новий пароль скасовує попередній.",
    },
}
