"""Pure text helpers, one home for each: sentence spans, word tokens, stems, stopwords, negation, [n] markers."""

from __future__ import annotations

import functools
import re

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he'd",
        "he'll",
        "he's",
        "her",
        "here",
        "here's",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "how's",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "let's",
        "me",
        "more",
        "most",
        "mustn't",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "ought",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "shan't",
        "she",
        "she'd",
        "she'll",
        "she's",
        "should",
        "shouldn't",
        "so",
        "some",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they'd",
        "they'll",
        "they're",
        "they've",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "wasn't",
        "we",
        "we'd",
        "we'll",
        "we're",
        "we've",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "when's",
        "where",
        "where's",
        "which",
        "while",
        "who",
        "who's",
        "whom",
        "why",
        "why's",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you'd",
        "you'll",
        "you're",
        "you've",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "o",
        "re",
        "ve",
        "y",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "just",
    ]
)

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
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes folded to ')."""
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    word = word.removesuffix("'s")
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content terms for keyword search (stopwords removed), in order, repeats kept."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


@functools.lru_cache(maxsize=16384)
def content_stems(text: str) -> frozenset[str]:
    """The set of content-word stems of a text; cached (the same passage sentences are compared again and
    again: by the reader, the citation check, and the abstention features)."""
    return frozenset(terms(text))


# A negation: "not", "never", "no", "neither", "nor", "none", "without", and any "n't".
NEGATION = re.compile(r"\b(?:not|never|no|neither|nor|none|without)\b|n't\b", re.IGNORECASE)

# A citation marker "[3]" (group 1: the number), with the space before it when stripped.
MARKER = re.compile(r"\[(\d+)\]")
_MARKER_WITH_SPACE = re.compile(r"\s*\[\d+\]")


def strip_markers(text: str) -> str:
    """The text without its [n] citation markers."""
    return _MARKER_WITH_SPACE.sub("", text).strip()


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Split text[start:end] into sentences; return (start, end) offsets into `text`, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cut = start
    for m in _BOUNDARY.finditer(text, start, end):
        nxt = text[m.end() : m.end() + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘(["):
            continue
        before = text[cut : m.start()].split()
        last = before[-1].lower().strip("(\"'“") if before else ""
        if text[m.start()] == "." and (last in _ABBREV or (len(last) == 1 and last.isalpha())):
            continue
        if text[m.start()] == "." and re.fullmatch(r"(?:[a-z]\.)+[a-z]", last):
            continue  # U.S. / e.g.
        spans.append((cut, m.end()))
        cut = m.end()
    spans.append((cut, end))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def pieces(text: str, words_per_piece: int = 4) -> list[str]:
    """Text in small consecutive pieces (a few words each), for streaming a ready answer."""
    ws = re.findall(r"\S+\s*", text)
    return ["".join(ws[i : i + words_per_piece]) for i in range(0, len(ws), words_per_piece)] or [text]


def normalize_question(q: str) -> str:
    return " ".join(q.split())
