"""Generative answers through LangChain's ChatOpenAI (OpenAI or any OpenAI-compatible server),
with every [n] citation checked against the passage it names (bot/answers/citations.py).

The abstention gate runs first: when the passages don't support an answer, the model is not called. "Support"
is the offline gate's judgement, with a looser bar than for a quoted answer (GATE_MIN_CONFIDENCE): the model
reads all the passages, so a question no single sentence answers may still reach it.
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
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.answers.answering import ABSTAIN_TEXT, Answer
from bot.answers.citations import Similarity, sentences, support_rule, supports, verify
from bot.answers.followup import last_user_turn
from bot.answers.prompts import render, use_folder
from bot.answers.retrieval import Hit

log = logging.getLogger(__name__)

REFUSAL = re.compile(r"not in the articles", re.I)
_ENDED = re.compile(r"""[.!?]["'”’)\]]*(?:\s*\[\d+\])*\s*$""")  # text that ends a sentence, maybe cited after


@functools.lru_cache(maxsize=4096)
def _count(text: str) -> int:
    """Tokens of a passage or of the system prompt: the same texts come back question after question."""
    from bot.ingest.tokens import count_tokens

    return count_tokens(text)


# A question the offline gate declined still reaches the model when the gate was not sure (its confidence, 1 -
# p_unanswerable, above this): the model reads every passage, and its citations are checked. Measured on the tune
# packs (python -m bot eval --all questions, 2026-12-06), of the questions the offline gate declines: answerable
# ones that reach the model clinc-faq 12 of 16, conditionalqa 8 of 13, squad2 11 of 20; off-topic ones clinc-faq
# 5 of 18, doc2dial's COVID-19 turns 6 of 14 (the model then says it is not in the articles). At 0.3: 1 of 16,
# 0 of 13, 3 of 20, and 1 of 18, 0 of 14.
GATE_MIN_CONFIDENCE = 0.2


def _fallback(extractive: Answer, what: str) -> Answer:
    """The quoted answer (or the abstention) when the model fails, with a note that says so."""
    extractive.note = f"The language model {what}" + (
        "; this answer is quoted from the articles." if extractive.grounded else "."
    )
    return extractive


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


def passages_text(hits: list[Hit]) -> str:
    return "\n\n".join(f"[{i}] ({h.chunk.section})\n{h.chunk.text}" for i, h in enumerate(hits, 1))


class LLMAnswerer:
    """LCEL: messages from the prompt files -> ChatOpenAI -> text; then citations are verified."""

    def __init__(self, settings):
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.runnables import RunnableLambda
        from langchain_openai import ChatOpenAI

        from bot.answers.transport import model_http_client

        self.settings = settings
        use_folder(settings.prompts_dir)
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
        self._cache_lock = threading.Lock()  # answers are cached from the server's worker threads
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
        from bot.ingest.tokens import count_tokens

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
        prev = last_user_turn(history)
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
        with self._cache_lock:
            got = self._cache.get(key)
            if got is None:
                return None
            self._cache.move_to_end(key)
        return copy.deepcopy(got)

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
        if not extractive.grounded and extractive.confidence <= GATE_MIN_CONFIDENCE:
            yield extractive  # the gate: no support, no tokens spent
            return
        parts: list[str] = []
        pending: dict[str, object] = {}  # written sentence -> its embedding, computed while the model writes
        usage: dict = {}
        passages: list[Hit] = []
        try:
            passages = self.budget(hits, standalone or question)  # a missing or broken prompt falls back too
            inp = {"question": standalone or question, "hits": passages}  # the model sees the resolved follow-up
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
            yield _fallback(extractive, "took too long" if slow else "could not be reached")
            return
        text = "".join(parts)
        if not text.strip():
            yield _fallback(extractive, "gave an empty answer")
            return
        if REFUSAL.search(text):
            yield Answer(question, ABSTAIN_TEXT, False, suggestions=suggestions(question, hits), retrieved=hits)
            return
        for fut in pending.values():  # embeddings started during the stream: done (and cached) before the check
            fut.result()
        body, cites, unsupported, stats = verify(text, passages, self.similarity)
        if not cites:
            extractive.note = (
                "The model's answer could not be checked against the articles; quoting them instead."
                if extractive.grounded
                else "The model's answer could not be checked against the articles."
            )
            yield extractive
            return
        a = Answer(question, body, True, cites, retrieved=hits, confidence=extractive.confidence)
        a.unsupported = unsupported
        a.checks = stats
        if usage:
            a.tokens = {"prompt": usage["input_tokens"], "completion": usage["output_tokens"], "estimated": False}
        else:  # the server sent no usage with its stream (some ignore stream_options): count with tiktoken
            from bot.ingest.tokens import count_tokens

            system, human = self._messages(inp)
            prompt = _count(system.content) + count_tokens(human.content) + 2 * 4 + 3  # OpenAI's message framing
            a.tokens = {"prompt": prompt, "completion": count_tokens(text), "estimated": True}
        a.standalone_question = standalone if standalone and standalone != question else None  # kept in the cache
        if self.settings.llm_cache_size:
            key = self._key(question, history, version)
            kept = copy.deepcopy(a)
            with self._cache_lock:
                self._cache[key] = kept
                while len(self._cache) > self.settings.llm_cache_size:
                    self._cache.popitem(last=False)
        yield a
