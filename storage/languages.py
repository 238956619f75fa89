"""The applicants' languages: the one list every part of Okienko uses (letters, texts, the
portal, the clerk app's choices), with each language's name as a clerk and as its reader says it."""

LANGUAGES = ("pl", "en", "ru", "uk")
NAMES_PL = {"pl": "polski", "en": "angielski", "ru": "rosyjski", "uk": "ukraiński"}
NATIVE_NAMES = {"pl": "Polski", "en": "English", "ru": "Русский", "uk": "Українська"}
