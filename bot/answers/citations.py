"""The citation check: does a passage support a sentence a model wrote, and which verbatim sentence says so.

Used on model-written answers (bot/answers/llm.py): every [n] is checked against the passage it names, re-pointed to
the passage that supports the sentence, or dropped (the sentence is then listed as unsupported). Quotes are
always verbatim sentences of the passages.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

from bot.answers.answering import Citation
from bot.answers.retrieval import Hit
from bot.ingest.text import INSTRUCTION, MARKER, NEGATION, STOPWORDS, content_stems, sentence_spans, stem, words

_MARK_SPACE = re.compile(r"\s*" + MARKER.pattern)  # a marker with the space before it (group 1: the number)
_LIST_MARK = re.compile(r"^(?:\(?\d{1,2}[.)]|[-*•–])\s*")  # "1." "2)" "(3)" "-" at the start of a line
_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of two letters or more
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
EXACT = 0.95  # overlap at which a passage says the sentence (nearly) word for word
SUPPORT = 0.5  # share of a sentence's content words one passage sentence must hold (word overlap alone)
RULE_FILE = Path(__file__).with_name("support.json")  # from scripts/calibrate_support.py (squad2 tune split)

# similarity(sentence, hit) -> (best cosine of the sentence against the passage's sentences, that sentence)
Similarity = Callable[[str, Hit], tuple[float, str]]


@functools.cache
def support_rule() -> dict:
    """The citation check's rule: weight, center and threshold, fitted for one embedder (named in it)."""
    return json.loads(RULE_FILE.read_text())


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def best_match(sentence: str, hit: Hit, idf: Callable[[str], float] | None = None) -> tuple[float, str, str]:
    """How well one passage supports a sentence by word overlap (0..1), the passage sentence to quote,
    and the passage text that matched (one sentence, or two adjacent ones). With `idf`, each word counts
    by its rarity (scripts/calibrate_support.py --idf compares; the bot counts words alike, see supports)."""
    want = content_stems(sentence)
    if not want:
        return 0.0, "", ""
    weight = {w: (idf(w) if idf else 1.0) for w in want}
    total = sum(weight.values()) or 1.0
    best, quote, matched = 0.0, "", ""
    ss = hit.chunk.sentences
    single = [sum(weight[w] for w in want & content_stems(s.text)) / total for s in ss]
    for i, s in enumerate(ss):
        if single[i] > best + 1e-9:
            best, quote, matched = single[i], s.text, s.text
        if i + 1 < len(ss):  # a claim may span two adjacent sentences
            text = f"{s.text} {ss[i + 1].text}"
            score = sum(weight[w] for w in want & content_stems(text)) / total
            if score > best + 1e-9:  # the quote is the one of the two that holds more of the claim (verbatim)
                best, matched = score, text
                quote = s.text if single[i] >= single[i + 1] else ss[i + 1].text
    return best, quote, matched


def best_support(sentence: str, hit: Hit) -> tuple[float, str]:
    """How well one passage supports a sentence (0..1), and the passage sentence that does."""
    ov, quote, _ = best_match(sentence, hit)
    return ov, quote


def _negatedcontent_stems(text: str) -> set[str]:
    """Stems of the words a negation governs: the two content words after "not", "no", "without"…"""
    out: set[str] = set()
    for m in NEGATION.finditer(text):
        if re.match(r"\s+(?:just|only|merely|simply)\b", text[m.end() :], re.I):
            continue  # "not just bilateral", "not merely a truce": a contrast, not a denial
        following = [w for w in words(text[m.end() :])[:3] if w not in STOPWORDS][:1]
        out |= {stem(w) for w in following}
    return out


def contradicted(sentence: str, hits: list[Hit], matches: list[tuple[float, str, str]] | None = None) -> bool:
    """Some passage holds most of the sentence's words and denies what it asserts (`matches`: the
    sentence's best_match against each hit, when the caller has them)."""
    for ov, _, matched in matches or [best_match(sentence, h) for h in hits]:
        if ov >= SUPPORT and polarity_clash(sentence, matched):
            return True
    return False


def polarity_clash(sentence: str, matched: str) -> bool:
    """The passage negates what the sentence asserts, or the other way round: "Ukraine formally joined
    NATO" against "... without formally integrating it into the alliance"."""
    s_neg, m_neg = bool(NEGATION.search(sentence)), bool(NEGATION.search(matched))
    if s_neg == m_neg:
        return False
    if m_neg:
        return bool(_negatedcontent_stems(matched) & content_stems(sentence))
    return bool(_negatedcontent_stems(sentence) & content_stems(matched))


def supports(
    sentence: str, hit: Hit, similarity: Similarity | None = None, match: tuple[float, str, str] | None = None
) -> tuple[bool, float, str]:
    """Does the passage support the sentence? Returns (supported, word overlap, the verbatim quote that does).

    Two signals: word overlap (the share of the sentence's content words found in one passage sentence, or
    two adjacent ones) and the embedding cosine of the sentence against the passage's stored sentence
    vectors. Supported when overlap + weight * (cosine - center) >= threshold, a rule fitted on the squad2
    tune split (scripts/calibrate_support.py, bot/answers/support.json): at the share of supported claim-passage
    pairs that overlap >= 0.5 alone keeps (0.974), it accepts 0.104 of wrong passages instead of 0.153
    (0.100-0.101 on held-out halves). Where overlap alone gave the rule's answer on every calibration pair,
    the sentence is not embedded. A number in the sentence must be in the passage, and a passage that
    negates what the sentence asserts ("will not meet" against "will meet") does not support it (verify
    also drops a sentence any given passage denies). These two rules cost some true sentences: of 1,497
    supported SQuAD tune claims checked against their gold passages, the fitted rule keeps 0.962, with the
    number rule 0.956, with the denial rules 0.939. Without embeddings for the check (another embedder),
    overlap alone decides at SUPPORT.
    (Weighting words by rarity did better on SQuAD claims but kept only 18 of 25 paraphrases of the shipped
    article, eval/claims/shipped.jsonl, against 24: a model's paraphrase changes exactly the rare words.)
    """
    ov, quote, matched = match or best_match(sentence, hit)  # `match`: computed by the caller already
    if not _numbers(sentence) <= _numbers(hit.chunk.text):  # "28 points" needs a 28 in the passage
        return False, ov, quote
    if polarity_clash(sentence, matched):
        return False, ov, quote
    if INSTRUCTION.search(matched):  # an article's order to the model supports nothing the model says
        return False, ov, quote
    if similarity is None:
        return ov >= SUPPORT, ov, quote
    rule = support_rule()
    if ov >= rule["accept"] or ov < rule["reject"]:  # where the rule's answer never depended on the cosine
        return ov >= rule["accept"], ov, quote
    cos, cquote = similarity(sentence, hit)
    ok = ov + rule["weight"] * (cos - rule["center"]) >= rule["threshold"]
    return ok, ov, quote if ov >= SUPPORT or not cquote else cquote


def sentences(text: str, hits: list[Hit]) -> list[tuple[str, str, list[int]]]:
    """The model's sentences, line by line: (as shown without its [n], the claim to check, the [n] numbers).
    The claim drops a list marker ("1.", "-") and an echo of a passage's section name ("(Frequently Asked
    Questions)"); it is "" when nothing is left to check: a list number alone on its line, a short heading
    that ends in a colon, a heading in parentheses."""
    sections = {h.chunk.section for h in hits if h.chunk.section}
    out = []
    for line in text.split("\n"):
        for s, e in sentence_spans(line):
            raw = line[s:e]
            shown = _MARK_SPACE.sub("", raw).strip()
            if not shown:
                continue
            claim = _LIST_MARK.sub("", shown)
            for sec in sections:
                claim = claim.replace(f"({sec})", "")
            claim = claim.strip()
            if claim.endswith(":") and len(claim.split()) <= 4:  # a heading ("Zelensky's Position:"), not a claim
                claim = ""
            if claim.startswith("(") and claim.endswith(")") and claim.count("(") == 1:  # "(The London Meeting)"
                claim = ""
            out.append((shown, claim if _WORD.search(claim) else "", [int(n) for n in _MARK_SPACE.findall(raw)]))
    return out


def verify(
    text: str, hits: list[Hit], similarity: Similarity | None = None
) -> tuple[str, list[Citation], list[str], dict]:
    """Check every [n]: returns the renumbered text, citations, unsupported sentences and counts."""
    out, cites, unsupported = [], [], []
    accept = support_rule()["accept"] if similarity is not None else SUPPORT
    by_quote: dict[tuple[str, str], int] = {}
    stats = {"out_of_range": 0, "repointed": 0, "unsupported": 0}
    for shown, clean, nums in sentences(text.strip(), hits):
        stats["out_of_range"] += sum(1 for n in nums if not 1 <= n <= len(hits))
        if not clean:  # a list number or a section name alone: nothing to check, nothing to cite
            out.append(shown)
            continue
        cited_rows = [n - 1 for n in dict.fromkeys(nums) if 1 <= n <= len(hits)]
        # 1. words alone settle it when a passage holds nearly all of the sentence's words (no embedding):
        #    a cited one, else the one that holds them (the model's number was wrong or missing)
        matches = [best_match(clean, h) for h in hits]  # word overlap with each passage, computed once
        by_words = [(supports(clean, h, match=m), i) for i, (h, m) in enumerate(zip(hits, matches))]
        ok = [c for c in by_words if c[0][0] and c[0][1] >= accept]
        if contradicted(clean, hits, matches):  # a passage the model was given denies it: cite none
            stats["unsupported"] += 1
            unsupported.append(clean)
            out.append(shown)
            continue
        exact = [c for c in ok if c[0][1] >= EXACT]
        # a passage that says it (nearly) word for word beats a cited one that only shares most words
        ok = (
            [c for c in ok if c[1] in cited_rows and c in exact] or exact or [c for c in ok if c[1] in cited_rows] or ok
        )
        # 2. otherwise both signals: the cited passages first, then any passage
        if not ok:
            ok = [c for c in ((supports(clean, hits[i], similarity, matches[i]), i) for i in cited_rows) if c[0][0]]
        if not ok:
            ok = [c for c in ((supports(clean, h, similarity, matches[i]), i) for i, h in enumerate(hits)) if c[0][0]]
        if ok and nums and not any(c[1] in cited_rows for c in ok):
            stats["repointed"] += 1
        if not ok:
            stats["unsupported"] += 1
            unsupported.append(clean)
            out.append(shown)
            continue
        (_, score, quote), i = max(ok, key=lambda c: c[0][1])
        h = hits[i]
        key = (h.chunk.source, quote)
        if key not in by_quote:
            by_quote[key] = len(cites) + 1
            c = h.chunk
            cites.append(Citation.of(by_quote[key], c, quote, score))
        out.append(f"{shown} [{by_quote[key]}]")
    return " ".join(out), cites, unsupported, stats


__all__ = [
    "EXACT",
    "SUPPORT",
    "Similarity",
    "best_match",
    "best_support",
    "contradicted",
    "polarity_clash",
    "sentences",
    "support_rule",
    "supports",
    "verify",
]
