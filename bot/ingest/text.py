"""Pure text helpers, one home for each: sentence spans, word tokens, stems, stopwords, negation, [n] markers."""

from __future__ import annotations

import functools
import re

from bot.ingest.lang import ABBREVIATIONS as _LANG_ABBREV
from bot.ingest.lang import DEFAULT
from bot.ingest.lang import STOPWORDS as _LANG_STOPWORDS
from bot.ingest.lang import stem as _lang_stem

STOPWORDS = _LANG_STOPWORDS["en"]  # English: the default language

_WORD = re.compile(r"\w+(?:[’']\w+)*", re.UNICODE)
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.n",
        "no",
        "fig",
        "al",
        "approx",
        "est",
        "inc",
        "ltd",
        "co",
        "corp",
        "gen",
        "gov",
        "sen",
        "rep",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes folded to ')."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def stem(word: str, lang: str = DEFAULT) -> str:
    """The Snowball stem of a lower-cased word in the given language (English drops a possessive 's)."""
    return _lang_stem(word, lang)


def terms(text: str, lang: str = DEFAULT) -> list[str]:
    """Stemmed content terms for keyword search (the language's stop words removed), in order, repeats kept."""
    sw = _LANG_STOPWORDS.get(lang, STOPWORDS)
    return [_lang_stem(w, lang) for w in words(text) if w not in sw]


@functools.lru_cache(maxsize=16384)
def content_stems(text: str, lang: str = DEFAULT) -> frozenset[str]:
    """The set of content-word stems of a text; cached (the same passage sentences are compared again and
    again: by the reader, the citation check, and the abstention features)."""
    return frozenset(terms(text, lang))


# A negation: "not", "never", "no", "neither", "nor", "none", "without", and any "n't"; and the same in the
# other languages of bot/ingest/lang.py ("nicht", "kein", "ne … pas", "sin", "nunca", …).
NEGATION = re.compile(
    r"\b(?:not|never|no|neither|nor|none|without|nicht|kein|keine|keinen|keinem|keiner|nie|niemals|ohne|weder|"
    r"ne|pas|jamais|aucun|aucune|sans|ni|nunca|jamás|ningún|ninguna|ninguno|sin|tampoco|non|mai|nessun|nessuna|"
    r"senza|não|nunca|nenhum|nenhuma|sem|niet|geen|nooit|zonder)\b|n't\b",
    re.IGNORECASE,
)

# A citation marker "[3]" (group 1: the number), with the space before it when stripped.
MARKER = re.compile(r"\[(\d+)\]")
_PAGE_MARK = re.compile(r"\[(\s*\d{1,3}\s*)\]")


def unmarked(text: str) -> str:
    """A quoted sentence as the answer's text shows it: a page's own bracketed numbers (link or footnote numbers:
    "surrender your plates to the DMV [4]", "transfer ownership [7 ]") get an invisible word joiner after their "[",
    so that neither a client nor a reader takes them for the answer's citation markers. The citation's quote stays
    the page's text, character for character."""
    return _PAGE_MARK.sub(lambda m: "[\u2060" + m.group(1) + "]", text) if "[" in text else text


_MARKER_WITH_SPACE = re.compile(r"\s*\[\d+\]")


def strip_markers(text: str) -> str:
    """The text without its [n] citation markers."""
    return _MARKER_WITH_SPACE.sub("", text).strip()


def sentence_spans(text: str, start: int = 0, end: int | None = None, lang: str = DEFAULT) -> list[tuple[int, int]]:
    """Split text[start:end] into sentences; return (start, end) offsets into `text`, whitespace trimmed.
    Abbreviations of the language ("z.B.", "p.ex.", "Sra.") and, in German and Dutch, ordinal numbers
    ("am 3. März") do not end a sentence."""
    end = len(text) if end is None else end
    abbrev = _ABBREV | _LANG_ABBREV.get(lang, frozenset())
    spans: list[tuple[int, int]] = []
    cut = start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = text[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([¿¡«„"):
            continue
        before = text[cut : m.start()].split()
        last = before[-1].lower().strip("(\"'“«„¿¡") if before else ""
        if text[m.start()] == "." and (last in abbrev or (len(last) == 1 and last.isalpha())):
            continue
        if text[m.start()] == "." and re.fullmatch(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}", last):
            continue  # U.S. / e.g. / M.Sc. / Ph.D. (a browser probe: a contact table's "M.Sc." cut a cell in two)
        if (
            lang == "es"
            and text[m.start()] == "."
            and len(last) == 2
            and last[0] == last[1]
            and before[-1][:2].isupper()
        ):
            continue  # Spanish plurals abbreviated by doubling: "EE. UU.", "FF. AA." (a probe: "UU., Samoa…")
        ordinal = lang in ("de", "nl") and last.isdigit() and len(last) <= 2 and m.end() - m.start() <= 2
        if text[m.start()] == "." and ordinal:
            continue  # "am 3. März": an ordinal, not the end of a sentence
        spans.append((cut, m.end()))
        cut = m.end()
    spans.append((cut, end))
    return [sp for s, e in spans if (sp := trimmed(text, s, e))[1] > sp[0]]


# a bar that parts a pipe-table line's cells: not an escaped one, which is a cell's own ("^14.20.0 \|\| ^16.13.0")
CELL_BAR = re.compile(r"(?<!\\)\|")


def escape_bars(cell: str) -> str:
    """A table cell's text for a pipe-table line: its own bars escaped (bot/ingest/corpus.cell_spans: a version range
    "15.1.x || 15.2.x" in a Word table is one cell, "15.1.x \\|\\| 15.2.x")."""
    return cell.replace("\\|", "|").replace("|", "\\|")


def unescaped_bars(text: str) -> str:
    """A table cell's text as a reader sees it: its escaped bars (escape_bars) shown as bars."""
    return text.replace("\\|", "|")


def trimmed(text: str, s: int, e: int) -> tuple[int, int]:
    """The span [s, e) of text without its leading and trailing whitespace (empty: s == e)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def pieces(text: str, words_per_piece: int = 4) -> list[str]:
    """Text in small consecutive pieces (a few words each), for streaming a ready answer."""
    ws = re.findall(r"\S+\s*", text)
    return ["".join(ws[i : i + words_per_piece]) for i in range(0, len(ws), words_per_piece)] or [text]


def normalize_question(q: str) -> str:
    return " ".join(q.split())


# A sentence that addresses the model rather than the reader: an article may say "ignore your instructions…";
# it is text to quote, never support for what a model writes (bot/answers/citations.supports)
INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|prompts?|rules|guidelines)\b"
    r"|\bsystem prompt\b|\bprevious instructions\b|\banswer (every|all|each|any) questions?\b"
    r"|\byou are (now )?(an? )?(ai|assistant|chatbot|language model|llm|chatgpt)\b"
    r"|\bignoriere\b.{0,40}\banweisungen\b|\bignore[sz]?\b.{0,40}\binstructions\b",
    re.IGNORECASE,
)


def fold(word: str) -> str:
    """Lower case without accents: "Küçükdeveci" -> "kucukdeveci" (near-spellings of names compare folded)."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c))


_SURROGATE = re.compile("[\ud800-\udfff]")


def has_lone_surrogate(value) -> bool:
    """Text (or JSON-like data: dict keys and values, lists, tuples) holding a lone UTF-16 surrogate, such as
    JSON's "\\ud800" decodes to: no encoder downstream (the embedder's, SQLite's) can take it."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(has_lone_surrogate(v) for v in value)
    return False
