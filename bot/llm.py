"""Generative answers through LangChain's ChatOpenAI (OpenAI or any OpenAI-compatible server),
with every [n] citation checked against the passage it names.

The abstention gate runs first: when the extractive engine finds no support, the model is not called.
After generation each sentence is checked: a wrong number is re-pointed to the passage that supports
the sentence, or the sentence is listed as unsupported and shown without a citation. Quotes are always
verbatim sentences of the passages. Any fault of the model or the network falls back to the extractive
answer, with a short note.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from .answering import ABSTAIN_TEXT, Answer, Citation
from .prompts import render
from .retrieval import Hit
from .text import STOPWORDS, sentence_spans, stem, words

log = logging.getLogger(__name__)

REFUSAL = re.compile(r"not in the articles", re.I)
_MARK = re.compile(r"\s*\[(\d+)\]")
_NEG = re.compile(r"\b(?:not|never|no|neither|nor|none|without)\b|n't\b", re.IGNORECASE)
_ENDED = re.compile(r"""[.!?]["'”’)\]]*(?:\s*\[\d+\])*\s*$""")  # text that ends a sentence, maybe cited after
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


@functools.lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    """Content-word stems; cached, since the check compares each written sentence with the same passage
    sentences several times (cited passages, every passage, denials)."""
    return frozenset(stem(w) for w in words(text) if w not in STOPWORDS)


@functools.lru_cache(maxsize=4096)
def _count(text: str) -> int:
    """Tokens of a passage or of the system prompt: the same texts come back question after question."""
    from .tokens import count_tokens

    return count_tokens(text)


class _Done:
    def result(self):
        return None


_DONE = _Done()


# context windows of OpenAI chat models (tokens), longest prefix first
WINDOWS = (
    ("gpt-4.1", 1_047_576),
    ("gpt-4o", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4-32k", 32_768),
    ("gpt-4", 8_192),
    ("gpt-3.5-turbo", 16_385),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4", 200_000),
    ("gpt-5", 400_000),
)


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def passages_text(hits: list[Hit]) -> str:
    return "\n\n".join(f"[{i}] ({h.chunk.section})\n{h.chunk.text}" for i, h in enumerate(hits, 1))


def _best_match(sentence: str, hit: Hit, idf: Callable[[str], float] | None = None) -> tuple[float, str, str]:
    """How well one passage supports a sentence by word overlap (0..1), the passage sentence to quote,
    and the passage text that matched (one sentence, or two adjacent ones). With `idf`, each word counts
    by its rarity (scripts/calibrate_support.py --idf compares; the bot counts words alike, see supports)."""
    want = _stems(sentence)
    if not want:
        return 0.0, "", ""
    weight = {w: (idf(w) if idf else 1.0) for w in want}
    total = sum(weight.values()) or 1.0
    best, quote, matched = 0.0, "", ""
    ss = hit.chunk.sentences
    single = [sum(weight[w] for w in want & _stems(s.text)) / total for s in ss]
    for i, s in enumerate(ss):
        if single[i] > best + 1e-9:
            best, quote, matched = single[i], s.text, s.text
        if i + 1 < len(ss):  # a claim may span two adjacent sentences
            text = f"{s.text} {ss[i + 1].text}"
            score = sum(weight[w] for w in want & _stems(text)) / total
            if score > best + 1e-9:  # the quote is the one of the two that holds more of the claim (verbatim)
                best, matched = score, text
                quote = s.text if single[i] >= single[i + 1] else ss[i + 1].text
    return best, quote, matched


def best_support(sentence: str, hit: Hit) -> tuple[float, str]:
    """How well one passage supports a sentence (0..1), and the passage sentence that does."""
    ov, quote, _ = _best_match(sentence, hit)
    return ov, quote


def _negated_stems(text: str) -> set[str]:
    """Stems of the words a negation governs: the two content words after "not", "no", "without"…"""
    out: set[str] = set()
    for m in _NEG.finditer(text):
        if re.match(r"\s+(?:just|only|merely|simply)\b", text[m.end() :], re.I):
            continue  # "not just bilateral", "not merely a truce": a contrast, not a denial
        following = [w for w in words(text[m.end() :])[:3] if w not in STOPWORDS][:1]
        out |= {stem(w) for w in following}
    return out


def contradicted(sentence: str, hits: list[Hit], matches: list[tuple[float, str, str]] | None = None) -> bool:
    """Some passage holds most of the sentence's words and denies what it asserts (`matches`: the
    sentence's _best_match against each hit, when the caller has them)."""
    for ov, _, matched in matches or [_best_match(sentence, h) for h in hits]:
        if ov >= SUPPORT and polarity_clash(sentence, matched):
            return True
    return False


def polarity_clash(sentence: str, matched: str) -> bool:
    """The passage negates what the sentence asserts, or the other way round: "Ukraine formally joined
    NATO" against "... without formally integrating it into the alliance"."""
    s_neg, m_neg = bool(_NEG.search(sentence)), bool(_NEG.search(matched))
    if s_neg == m_neg:
        return False
    if m_neg:
        return bool(_negated_stems(matched) & _stems(sentence))
    return bool(_negated_stems(sentence) & _stems(matched))


def supports(
    sentence: str, hit: Hit, similarity: Similarity | None = None, match: tuple[float, str, str] | None = None
) -> tuple[bool, float, str]:
    """Does the passage support the sentence? Returns (supported, word overlap, the verbatim quote that does).

    Two signals: word overlap (the share of the sentence's content words found in one passage sentence, or
    two adjacent ones) and the embedding cosine of the sentence against the passage's stored sentence
    vectors. Supported when overlap + weight * (cosine - center) >= threshold, a rule fitted on the squad2
    tune split (scripts/calibrate_support.py, bot/support.json): at the share of supported claim-passage
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
    ov, quote, matched = match or _best_match(sentence, hit)  # `match`: computed by the caller already
    if not _numbers(sentence) <= _numbers(hit.chunk.text):  # "28 points" needs a 28 in the passage
        return False, ov, quote
    if polarity_clash(sentence, matched):
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
            shown = _MARK.sub("", raw).strip()
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
            out.append((shown, claim if _WORD.search(claim) else "", [int(n) for n in _MARK.findall(raw)]))
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
        matches = [_best_match(clean, h) for h in hits]  # word overlap with each passage, computed once
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
            cites.append(Citation(by_quote[key], h.chunk.source, h.chunk.section, quote, score))
        out.append(f"{shown} [{by_quote[key]}]")
    return " ".join(out), cites, unsupported, stats


class LLMAnswerer:
    """LCEL: messages from the prompt files -> ChatOpenAI -> text; then citations are verified."""

    def __init__(self, settings):
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda
        from langchain_openai import ChatOpenAI

        from .transport import model_http_client

        self.settings = settings
        self.model = ChatOpenAI(
            model=settings.llm_model,
            api_key=settings.openai_api_key or "not-needed",
            base_url=settings.openai_base_url,
            timeout=settings.llm_timeout_s,
            max_retries=settings.llm_retries,
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            stream_usage=True,
            http_client=model_http_client(),  # keeps the connection to the model server between questions
        )
        self.chain = RunnableLambda(self._messages) | self.model  # -> AIMessage (text + token usage)
        self._parse = StrOutputParser()
        self._cache: OrderedDict[str, Answer] = OrderedDict()
        self.similarity: Similarity | None = None  # set by the Bot when its embedder is the calibrated one
        self.prefetch: Callable[[str], object] | None = None  # embeds a written sentence (cached) ahead of the check
        self._pool = None

    @staticmethod
    def _messages(inp: dict) -> list:
        from langchain_core.messages import HumanMessage, SystemMessage

        return [
            SystemMessage(render("system")),
            HumanMessage(render("answer", passages=passages_text(inp["hits"]), question=inp["question"])),
        ]

    def window(self) -> int:
        """The model's context window in tokens: the setting, else known OpenAI models, else 8192."""
        if self.settings.llm_window_tokens:
            return self.settings.llm_window_tokens
        m = self.settings.llm_model.lower()
        for prefix, n in WINDOWS:
            if m.startswith(prefix):
                return n
        return 8192

    def budget(self, hits: list[Hit], question: str = "") -> list[Hit]:
        """The passages that fit (at least one), best first: at most llm_context_tokens of them, and no more
        than the model's window leaves after the prompt's own words, the question and the answer's room."""
        from .tokens import count_tokens

        fixed = _count(render("system")) + count_tokens(render("answer", passages="", question=question))
        room = self.window() - fixed - self.settings.llm_max_tokens - 50  # 50: message framing
        limit = min(self.settings.llm_context_tokens, room)
        out, used = [], 0
        for h in hits[: self.settings.llm_passages]:
            n = _count(h.chunk.text) + 12
            if out and used + n > limit:
                break
            out.append(h)
            used += n
        return out

    def condense(self, question: str, history) -> str | None:
        """A follow-up rewritten into a standalone question by the model (None: use the offline rule)."""
        from .engine import Bot

        prev = Bot.last_user_turn(history)
        if not prev:
            return None
        turns = "\n".join(f"User: {u}" for u, *_ in (history or []) if isinstance(u, str))[-2000:]
        try:
            from langchain_core.messages import HumanMessage

            msg = self.model.invoke(
                [HumanMessage(render("condense", history=turns or f"User: {prev}", question=question))]
            )
            text = self._parse.invoke(msg).strip()
        except Exception as e:  # noqa: BLE001 - the offline rule takes over
            log.warning("condensing failed (%s)", type(e).__name__)
            return None
        return text if 0 < len(text) <= 500 else None

    def _prefetch_written(self, text: str, passages: list[Hit], pending: dict) -> None:
        """While the model writes, embed each finished sentence that the check will need an embedding for
        (no passage holds nearly all its words), so the check waits at most for the last sentence's."""
        if self.prefetch is None or self.similarity is None:
            return
        written = sentences(text, passages)
        if written and not _ENDED.search(text):
            written = written[:-1]  # the last sentence is still being written
        # (one that ends in . ! or ? is embedded already: it is usually the answer's last, and the model's next
        # words are its finish; when the model goes on, that embedding is wasted on the check's own thread)
        for _, clean, _ in written:
            if not clean or clean in pending:
                continue
            accept = support_rule()["accept"]
            if any(ok and ov >= accept for ok, ov, _ in (supports(clean, h) for h in passages)):
                pending[clean] = _DONE  # words alone will settle it
                continue
            if self._pool is None:
                from concurrent.futures import ThreadPoolExecutor

                self._pool = ThreadPoolExecutor(1, thread_name_prefix="bot-check")
            pending[clean] = self._pool.submit(self.prefetch, clean)

    def _key(self, question: str, history, version: str) -> str:
        norm = " ".join(question.lower().split())
        return json.dumps([norm, history or [], version, self.settings.llm_model, self.settings.openai_base_url])

    def cached(self, question: str, history, version: str) -> Answer | None:
        """A model answer given before to the same normalised question, history, corpus and model."""
        key = self._key(question, history, version)
        if key not in self._cache:
            return None
        self._cache.move_to_end(key)
        return copy.deepcopy(self._cache[key])

    def answer(
        self, question: str, hits: list[Hit], extractive: Answer, suggestions, history=None, version: str = ""
    ) -> Answer:
        """The whole answer at once."""
        for ev in self.answer_stream(question, hits, extractive, suggestions, history, version, stream=False):
            if isinstance(ev, Answer):
                return ev
        return extractive

    def answer_stream(
        self,
        question: str,
        hits: list[Hit],
        extractive: Answer,
        suggestions,
        history=None,
        version: str = "",
        stream: bool = True,
        standalone: str | None = None,
    ):
        """Yields the model's text as it arrives (str), then the checked Answer. A fault at any point, a
        dropped stream included, ends with the quoted answer and a note; the UI replaces what it showed."""
        if not extractive.grounded:  # the gate: no support, no tokens spent
            yield extractive
            return
        passages = self.budget(hits, standalone or question)
        inp = {"question": standalone or question, "hits": passages}  # the model sees the resolved follow-up
        parts: list[str] = []
        pending: dict[str, object] = {}  # written sentence -> its embedding, computed while the model writes
        usage: dict = {}
        try:
            # The model is always asked to stream, also when the caller wants the whole answer at once: the
            # sentences that need an embedding for the check are embedded while the model still writes.
            finished = False
            deadline = None  # once the model writes, it has llm_answer_timeout_s to finish (each read: llm_timeout_s)
            for chunk in self.chain.stream(inp):
                deadline = deadline or time.perf_counter() + self.settings.llm_answer_timeout_s
                if time.perf_counter() > deadline:  # a model that trickles its words: stop waiting
                    raise TimeoutError(f"the model's answer took more than {self.settings.llm_answer_timeout_s:g} s")
                usage = getattr(chunk, "usage_metadata", None) or usage
                finished = finished or bool((getattr(chunk, "response_metadata", None) or {}).get("finish_reason"))
                piece = chunk.content if isinstance(chunk.content, str) else ""
                if piece:
                    parts.append(piece)
                    if stream:
                        yield piece
                    if any(c.isspace() or c in ".!?" for c in piece):
                        self._prefetch_written("".join(parts), passages, pending)
            if not finished:  # the connection closed before the model said it was done
                raise ConnectionError("the model's stream ended without finishing")
        except Exception as e:  # noqa: BLE001 - any model or network fault: fall back, say so
            log.warning("LLM failed (%s): answering extractively", type(e).__name__)
            from openai import APITimeoutError

            slow = isinstance(e, (TimeoutError, APITimeoutError))  # ours (the whole answer), or a read's
            extractive.note = (
                "The language model took too long; this answer is quoted from the articles."
                if slow
                else "The language model could not be reached; this answer is quoted from the articles."
            )
            yield extractive
            return
        text = "".join(parts)
        if not text.strip():
            extractive.note = "The language model gave an empty answer; this answer is quoted from the articles."
            yield extractive
            return
        if REFUSAL.search(text):
            yield Answer(question, ABSTAIN_TEXT, False, suggestions=suggestions(question, hits), retrieved=hits)
            return
        for fut in pending.values():  # embeddings started during the stream: done (and cached) before the check
            fut.result()
        body, cites, unsupported, stats = verify(text, passages, self.similarity)
        if not cites:
            extractive.note = "The model's answer could not be checked against the articles; quoting them instead."
            yield extractive
            return
        a = Answer(question, body, True, cites, retrieved=hits, confidence=extractive.confidence)
        a.unsupported = unsupported
        a.checks = stats
        if usage:
            a.tokens = {"prompt": usage["input_tokens"], "completion": usage["output_tokens"], "estimated": False}
        else:  # the server sent no usage with its stream (some ignore stream_options): count with tiktoken
            from .tokens import count_tokens

            system, human = self._messages(inp)
            prompt = _count(system.content) + count_tokens(human.content) + 2 * 4 + 3  # OpenAI's message framing
            a.tokens = {"prompt": prompt, "completion": count_tokens(text), "estimated": True}
        a.standalone_question = standalone if standalone and standalone != question else None  # kept in the cache
        if self.settings.llm_cache_size:
            key = self._key(question, history, version)
            self._cache[key] = copy.deepcopy(a)
            while len(self._cache) > self.settings.llm_cache_size:
                self._cache.popitem(last=False)
        yield a
