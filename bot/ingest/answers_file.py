"""The answers file the admin page writes into the corpus folder (bot/insights/answers.py), as the sync reads it:
other wordings for entries of other documents, "<!-- also asked for "Q" in "source": A | B -->" lines."""

from __future__ import annotations

import re
from pathlib import Path

ANSWERS_FILE = "answers.md"
_MAPPED = re.compile(r'<!--\s*also asked for "(.*?)" in "(.*?)"\s*:\s*(.*?)\s*-->')


def norm(q: str) -> str:
    """A question's words, lower-cased: how wordings and questions are compared."""
    return " ".join(re.findall(r"\w+", str(q).lower()))


def mappings(corpus_dir) -> dict[str, dict[str, list[str]]]:
    """source -> normalised question -> other wordings, from the corpus folder's answers file (none without it)."""
    path = Path(corpus_dir) / ANSWERS_FILE
    out: dict[str, dict[str, list[str]]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return out
    for m in _MAPPED.finditer(text):
        words = [" ".join(w.split()) for w in m.group(3).split("|") if w.strip()]
        out.setdefault(m.group(2), {}).setdefault(norm(m.group(1)), []).extend(words)
    return out
