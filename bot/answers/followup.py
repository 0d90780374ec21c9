"""Offline follow-ups: rewrite "What do they want?" into a standalone question by a cheap rule.

The pronoun is replaced by what it most likely points at in the previous question:
  they / them / their  -> the last plural noun there ("Which leaders will Zelensky meet?" -> "the leaders"),
                          else the names it mentions ("Macron and Merz")
  he / she / him / his -> the first person-like name ("Zelensky")
  it / its             -> the last named thing ("the Zaporizhzhia nuclear power plant", "NATO")
No part of speech tagger: nouns are told from their neighbours (a determiner before, a capital letter).
When nothing fits, the question is left as it is and the search folds in the previous question instead.
"""

from __future__ import annotations

import re

from bot.errors import BadQuestion
from bot.ingest.text import STOPWORDS, content_stems, has_lone_surrogate, sentence_spans

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9][\w’'\-]*")
_WH = frozenset(
    "what which who whom whose when where why how is are was were do does did will would can could should "
    "may might must shall has have had tell explain describe".split()
)
_DET = frozenset("the a an these those this that their his her its our your".split())
_VERBISH = re.compile(r"(ed|ing)$")
_PRONOUN = re.compile(r"\b(they|them|their|theirs|he|him|his|she|her|it|its)\b", re.IGNORECASE)
_PLURAL = {"they", "them", "their", "theirs"}
_PERSON = {"he", "him", "his", "she", "her"}


# a word that points back at the sentences before it: then the question needs them
_POINTS_BACK = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|there|he|she|him|his|her|such|es|sie|er|ihn|ihm|ihr|dies|diese|dieser|"
    r"dieses|dort|dorthin|dafür|dazu|davon|damit|darüber|dabei|darauf|daran|il|elle|ils|elles|ce|cela|là|"
    r"esto|eso|ello|allí|ahí|allá)\b",
    re.IGNORECASE,
)


def asked(message: str) -> str:
    """What a message asks: a message that tells something and then asks ("My daughter started at an agency
    three months ago. Can the agency refuse to pay her?") is answered for its questions; the telling is left out
    of the search and of the decision whether the articles answer. Kept whole when no sentence is a question,
    when the questions are all but empty ("Can you help me with that?") or point back at the sentences before
    them ("Can I claim this?").

    Measured across packs (python -m bot eval --all, 2026-12-06): conditionalqa (gov.uk, a situation then a
    question) right page cited 0.545 -> 0.727, answerable declined 0.455 -> 0.236; the other packs' messages
    are one sentence, or stay whole."""
    spans = sentence_spans(message)
    if len(spans) < 2:
        return message
    questions = [message[a:b].strip() for a, b in spans if message[a:b].rstrip().endswith(("?", "？"))]
    if not questions:
        return message
    text = " ".join(questions)
    if _POINTS_BACK.search(text) or len(content_stems(text)) < 2:
        return message
    return text


_QWORD = (
    r"(?:what|who|whom|whose|when|where|why|how|which|is|are|was|were|do|does|did|can|could|should|will|would|has|"
    r"have|wer|wen|wem|wessen|wann|wo|wohin|woher|warum|weshalb|wie|welche[rsnm]?|kann|muss|darf|gibt|ist|sind)"
)
# French and Spanish question words, joined by their own "and" / "or" ("Combien coûte un passeport et quel est le
# délai ?": a browser probe got the price alone)
_QWORD_FR = r"(?:quel|quelle|quels|quelles|qui|quand|où|pourquoi|comment|combien)"
_QWORD_ES = r"(?:qué|cuál|cuáles|quién|quiénes|cuándo|dónde|cómo|cuánto|cuánta|cuántos|cuántas)"
# "…, and who is wary of sending troops?": a conjunction, then a new question word
_JOIN = re.compile(
    rf",?\s+(?:(?:and|or|also|und|oder|sowie)\s+(?={_QWORD}\b)|(?:et|ou)\s+(?={_QWORD_FR}\b)|(?:y|o)\s+(?={_QWORD_ES}\b))",
    re.IGNORECASE,
)
# a sentence that opens as a question: only such a sentence is split at "and who…" (a doc2dial first turn: "I am age
# 60 and would like additional information about retirement benefits." was answered as "I am age 60?" and the rest)
_OPENS_QUESTION = re.compile(rf"\W*(?:{_QWORD}|{_QWORD_FR}|{_QWORD_ES})\b", re.IGNORECASE)


def parts(question: str) -> list[str]:
    """The questions a message asks at once: "What security guarantees are being considered, and who is wary
    of sending troops?" -> two; "What is X? Who pays for Y?" -> two. One part when there is one question, or
    when a part would be all but empty ("What and why?"). Each part is answered and cited on its own."""
    spans = sentence_spans(question)
    sentences = [question[a:b].strip() for a, b in spans] if len(spans) > 1 else [question.strip()]
    if len(sentences) > 1 and not all(s.endswith(("?", "？")) for s in sentences):
        sentences = [question.strip()]  # a telling sentence among them: one message (see asked())
    out: list[str] = []
    for s in sentences:
        if not _OPENS_QUESTION.match(s):  # "I am age 60 and would like information…": told, not two questions
            out.append(s)
            continue
        out.extend(p.strip(" ,;") for p in _JOIN.split(s) if p.strip(" ,;"))
    out = [p[:1].upper() + p[1:] for p in out]
    out = [p if p.endswith(("?", "？", ".")) else p + "?" for p in out]
    if out and out[0].startswith("¿"):  # a Spanish question's parts each open as one
        out = [p if p.startswith("¿") else "¿" + p for p in out]
    from bot.ingest.lang import detect

    lang = detect(question, default="en")  # ("Qui et quand ?": no part has a word of its own, in French)
    if len(out) < 2 or any(not content_stems(p) or not content_stems(p, lang) for p in out):
        return [question]
    for i in range(1, len(out)):  # "…, and where do I get it?": the pronoun resolved against the part before
        if _POINTS_BACK.search(out[i]):
            out[i] = rewrite(out[i], out[i - 1])
            if _POINTS_BACK.search(out[i]):
                return [question]  # not resolved: the message is answered whole
    return out


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).replace("’", "'"), m.start(), m.end()) for m in _TOKEN.finditer(text)]


# capitalised words that are never what a pronoun stands for
_NOT_NAMES = frozenset("i i'm i've i'd i'll oh ok okay hi hello hey yes no please thanks thank dear".split())


def _is_name(tok: str, first: bool) -> bool:
    """A capitalised word that may name something: not "I", "Oh", "Hello", "Yes", not a question word, and not
    a function word capitalised because it opens a sentence ("Is", "The", "Can")."""
    lt = tok.lower()
    if not tok[:1].isupper() or lt in _WH or lt in _NOT_NAMES:
        return False
    return not (first and lt in STOPWORDS)


def _sentence_starts(text: str, toks: list[tuple[str, int, int]]) -> set[int]:
    """The tokens that open a sentence: the first, and each after a full stop, "?" or "!" (or a line break)."""
    out = {0}
    for k in range(1, len(toks)):
        if re.search(r"[.?!\n]", text[toks[k - 1][2] : toks[k][1]]):
            out.add(k)
    return out


def _names(toks: list[tuple[str, int, int]], text: str = "") -> list[tuple[int, int]]:
    """Runs of capitalised words (token index ranges); a sentence's first word counts unless it is a function
    word or question word capitalised because it opens the sentence."""
    starts = _sentence_starts(text, toks) if text else {0}
    runs, i = [], 0
    while i < len(toks):
        first = i in starts
        if _is_name(toks[i][0], first):
            j = i
            while j + 1 < len(toks) and (
                _is_name(toks[j + 1][0], False)
                or (toks[j + 1][0] in ("of", "de", "von") and j + 2 < len(toks) and _is_name(toks[j + 2][0], False))
            ):
                j += 1
            runs.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return runs


def _noun_after(toks, i: int, text: str = "") -> tuple[int, int] | None:
    """The noun phrase starting at token i: names and content words up to the next function word, verb or
    punctuation ("the form. Oh, where…" is "the form")."""
    j = i
    while j < len(toks):
        w = toks[j][0]
        lw = w.lower()
        if lw in STOPWORDS or lw in _WH:
            break
        if j > i and text and re.search(r"[.,;:?!()]", text[toks[j - 1][2] : toks[j][1]]):
            break
        # "-ing"/"-ed" ends the phrase when an object follows ("the US influencing the talks"), not at the
        # end ("the London meeting")
        if j > i and _VERBISH.search(lw) and not w[:1].isupper() and j + 1 < len(toks):
            break
        j += 1
    return (i, j) if j > i else None


def _plural_noun(toks) -> tuple[int, int] | None:
    """The last plural common noun, with the adjectives or names right before it ("European leaders")."""
    for k in range(len(toks) - 1, -1, -1):
        w = toks[k][0]
        lw = w.lower()
        if (
            lw.endswith("s")
            and not lw.endswith(("ss", "us", "is", "'s"))
            and len(lw) > 3
            and lw not in STOPWORDS
            and lw not in _WH
            and not w[:1].isupper()
        ):
            s = k
            while s > 0:
                prev = toks[s - 1][0]
                if prev.lower() in STOPWORDS or prev.lower() in _WH or _VERBISH.search(prev.lower()):
                    break
                s -= 1
            return s, k + 1
    return None


def _phrase(text: str, toks, span: tuple[int, int]) -> str:
    return re.sub(r"['’]s$", "", text[toks[span[0]][1] : toks[span[1] - 1][2]])


_PLACE_BEFORE = frozenset("to in into at from near nach im aus bei à au aux dans en".split())
_AFTER_NO_NAME = frozenset("to for about with zu für über mit à pour avec sur a para con sobre".split())


def referent(pronoun: str, previous: str) -> str | None:
    """What the pronoun most likely stands for in the previous question (None: no good guess)."""
    toks = _tokens(previous)
    if not toks:
        return None
    p = pronoun.lower()
    names = _names(toks, previous)
    if p in _PLURAL:
        span = _plural_noun(toks)
        if span is not None:
            phrase = _phrase(previous, toks, span)
            return phrase if phrase[:1].isupper() else f"the {phrase}"
        if len(names) >= 2:
            return " and ".join(_phrase(previous, toks, n) for n in names[-2:])
        return None
    if p in _PERSON:
        return _phrase(previous, toks, names[0]) if names else None
    # it / its: the first singular thing named, which is most often the subject ("Does Russia oppose ...")
    found: list[tuple[int, str]] = []
    aux = _AUX_LED.match(previous)
    for k, (w, _, _) in enumerate(toks[:-1]):
        if w.lower() in ("the", "a", "an"):
            span = _noun_after(toks, k + 1, previous)
            if (
                span is not None
                and aux is not None
                and toks[k][1] >= aux.end()
                and k > 0
                and toks[k - 1][2] == aux.end()  # the article right after the auxiliary: the subject
                and span[1] == len(toks)
                and 2 <= span[1] - span[0] <= 3
                and toks[span[1] - 1][0].islower()
            ):
                span = (span[0], span[1] - 1)  # "How does the virus spread?": the last word is the verb
            if span is not None:
                found.append((k, "the " + _phrase(previous, toks, span)))
        elif w.lower() in ("about", "regarding", "concerning") and toks[k + 1][0].lower() not in ("the", "a", "an"):
            # what a question is about, named bare ("to know more about coronavirus and if it spreads")
            span = _noun_after(toks, k + 1, previous)
            if span is not None:
                found.append((k + 1, _phrase(previous, toks, span)))
    covered = {i for k, ph in found for i in range(k, k + len(ph.split()))}
    # (a name after a preposition of place is where the visitor is or goes, not the thing "it" is: "I just moved to
    # Lindenau, how do I register?" then "how much does it cost?" was read as "how much does Lindenau cost?", a probe)
    found += [
        (n[0], _phrase(previous, toks, n))
        for n in names
        if n[0] not in covered and not (n[0] > 0 and toks[n[0] - 1][0].lower() in _PLACE_BEFORE)
    ]
    # a lone capitalised word that opens a sentence, a preposition after it, is no name ("Back to the budget: how much
    # will the property tax rise?": the budget, not "Back"; a newsroom probe): a phrase an article marks comes first
    starts = _sentence_starts(previous, toks)
    weak = {
        n[0]
        for n in names
        if n[1] - n[0] == 1 and n[0] in starts and n[1] < len(toks) and toks[n[1]][0].lower() in _AFTER_NO_NAME
    }
    for _, _, phrase in sorted((k in weak, k, ph) for k, ph in found):
        last = phrase.split()[-1]
        if not (last.endswith("s") and not last.endswith(("ss", "us", "is")) and last.islower()):
            return phrase
    return None


# a question led by an auxiliary, after a question word or not ("How does the virus spread?", "Is the office
# open?"): its subject comes right after the auxiliary, and its last word is the verb or what is said of it
_AUX_LED = re.compile(
    r"^\s*(?:(?:how|why|when|where|what|which|who)\s+)?(?:does|do|did|is|are|was|were|will|would|can|could|should|"
    r"may|might|must|has|have|had)\b",
    re.IGNORECASE,
)
_BARE_WH = re.compile(r"^\s*(?:and\s+|but\s+)?(why|how|when|where)(?:\s+(?:so|not|exactly))?\s*\?*\s*$", re.IGNORECASE)
_AUX_START = re.compile(
    r"^\s*(does|do|did|is|are|was|were|will|would|can|could|should|has|have|had)\b\s+(.+?)\s*\?*\s*$",
    re.IGNORECASE,
)


# "what about my cat, can she catch it from me?": a new subject for the same question; its pronouns are not the
# previous question's things (a browser probe: "can Italy catch Italy from me?")
_NEW_SUBJECT = re.compile(
    r"^\s*¿?\s*(?:(?:and|but|und|aber|et|mais|y|pero)\s+)?(?:what about|how about|was ist mit|wie ist es mit|"
    r"qu'en est-il d|et pour|qué tal|qué pasa con)\b",
    re.IGNORECASE,
)
# "do" as the verb of an action, not the auxiliary of "How much does it cost?", "Did it arrive?"
_DO_BEFORE = re.compile(
    r"\b(?:(?:can|could|should|must|will|would|may|might|to|i|we|you|they)"
    r"(?:\s+(?:still|also|just|even|really|not|never|always|then))?\s+do|doing|done)\s+$",
    re.IGNORECASE,
)


def rewrite(question: str, previous: str, known=None) -> str:
    """The question with its pronouns resolved against the previous question; unchanged when unsure, and (with
    `known`, a test of a phrase) where what a pronoun would stand for is nothing the articles mention ("how much
    does it cost?" after "I fly from JFK to Florida…": not "JFK").
    A bare "Why?" after a yes/no question asks why of that question: "Does Russia oppose Ukraine joining
    NATO?" then "Why?" -> "Why does Russia oppose Ukraine joining NATO?"."""
    if not previous or _NEW_SUBJECT.match(question):
        return question  # "what about my cat, can she catch it?": the subject is the message's own
    wh, yn = _BARE_WH.match(question), _AUX_START.match(previous)
    if wh and yn:
        return f"{wh.group(1).capitalize()} {yn.group(1).lower()} {yn.group(2)}?"
    cache: dict[str, str | None] = {}

    def sub(m: re.Match) -> str:
        p = m.group(0)
        lp = p.lower()
        if lp == "it" and (_DO_BEFORE.search(question[: m.start()]) or question[m.end() :].startswith(" done")):
            return p  # "Can I do it online?": "do it" is the action asked about, not a thing (read with it whole)
        key = "plural" if lp in _PLURAL else "person" if lp in _PERSON else "thing"
        if key not in cache:
            cache[key] = referent(lp, previous)
        ref = cache[key]
        if ref is not None and known is not None and not known(ref):
            return p
        if ref is None or re.sub(r"^(the|a|an) ", "", ref.lower()) in question.lower():
            return p  # "Is it mandatory to obtain a REAL ID?": what it would stand for is in the question already
        if lp in ("their", "theirs", "its", "his"):  # "her" is left as an object: possessive or not is unclear
            ref = ref + ("'" if ref.endswith("s") else "'s")
        if m.start() == 0 and ref[:1].islower():
            ref = ref[0].upper() + ref[1:]
        return ref

    return _PRONOUN.sub(sub, question)


def last_user_turn(history) -> str:
    """The previous user question from [[user, bot], ...] or [{"role", "content"}, ...] history."""
    if history is None:
        return ""
    if not isinstance(history, (list, tuple)):
        raise BadQuestion("history must be a list of [question, answer] pairs (or role/content messages).")
    if has_lone_surrogate(history):
        raise BadQuestion("history has invalid text (a lone UTF-16 surrogate); send valid Unicode.")
    for turn in reversed(history):
        if isinstance(turn, dict):
            if not isinstance(turn.get("content", ""), str):
                raise BadQuestion("each history message needs text in 'content'.")
            if turn.get("role") == "user":
                return turn.get("content", "")
        elif isinstance(turn, (list, tuple)) and len(turn) == 2 and all(x is None or isinstance(x, str) for x in turn):
            if turn[0]:
                return turn[0]
        else:
            raise BadQuestion("history must be a list of [question, answer] pairs (or role/content messages).")
    return ""


def exchanges(history) -> list[tuple[str, str]]:
    """The history as (user message, reply) pairs, in order, from [[user, bot], ...] or role/content messages (a
    user message not yet answered has the reply ""; history already checked by last_user_turn)."""
    pairs: list[tuple[str, str]] = []
    for turn in history or []:
        if isinstance(turn, dict):
            text = turn.get("content") if isinstance(turn.get("content"), str) else ""
            if turn.get("role") == "user":
                pairs.append((text, ""))
            elif turn.get("role") == "assistant" and pairs and not pairs[-1][1]:
                pairs[-1] = (pairs[-1][0], text)
        elif isinstance(turn, (list, tuple)) and len(turn) == 2:
            pairs.append(tuple(x if isinstance(x, str) else "" for x in turn))
    return pairs


def last_bot_turn(history) -> str:
    """The bot's (or the agent's) last reply in the history, "" when there is none (history already checked by
    last_user_turn)."""
    for turn in reversed(history or []):
        if isinstance(turn, dict):
            if turn.get("role") == "assistant" and isinstance(turn.get("content"), str):
                return turn["content"]
        elif isinstance(turn, (list, tuple)) and len(turn) == 2 and isinstance(turn[1], str) and turn[1]:
            return turn[1]
    return ""


__all__ = ["exchanges", "last_bot_turn", "last_user_turn", "referent", "rewrite"]
