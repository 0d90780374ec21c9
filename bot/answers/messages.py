"""The bot's own words in English, German, French and Spanish (bot/answers/messages.json): one catalogue, a
message chosen by the user's language, English for any other."""

from __future__ import annotations

import functools
import json
from importlib import resources


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    with resources.files(__package__).joinpath("messages.json").open(encoding="utf-8") as f:
        return json.load(f)


def text(key: str, lang: str = "en", **values: str) -> str:
    """The message `key` in `lang` (English when the catalogue has no such language), with {values} filled in."""
    cat = catalogue()
    msg = cat.get(lang, cat["en"]).get(key) or cat["en"][key]
    return msg.format(**values) if values else msg


_NAMES = {
    "en": {"en": "English", "de": "German", "fr": "French", "es": "Spanish"},
    "de": {"en": "Englisch", "de": "Deutsch", "fr": "Französisch", "es": "Spanisch"},
    "fr": {"en": "anglais", "de": "allemand", "fr": "français", "es": "espagnol"},
    "es": {"en": "inglés", "de": "alemán", "fr": "francés", "es": "español"},
}


def language_name(code: str, lang: str = "en") -> str:
    """The name of language `code`, in language `lang` ("de" in English: "German")."""
    return _NAMES.get(lang, _NAMES["en"]).get(code, code)


__all__ = ["catalogue", "language_name", "text"]
