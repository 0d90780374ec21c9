"""BM25 (Lucene variant) over stemmed terms; small enough to persist as JSON and load in milliseconds."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from bot.ingest.text import terms


class BM25:
    def __init__(
        self,
        n: int,
        dl: np.ndarray,
        postings: dict[str, tuple[np.ndarray, np.ndarray]],
        k1: float = 1.5,
        b: float = 0.75,
    ):
        self.n = n
        self.dl = dl.astype(np.float32)
        self.avgdl = float(dl.mean()) if n else 1.0
        self.postings = postings
        self.k1, self.b = k1, b
        self._norm = (k1 * (1 - b + b * self.dl / max(self.avgdl, 1e-9))).astype(np.float32)
        self._by_prefix: dict[str, list[str]] | None = None

    @classmethod
    def build(cls, texts: list[str], langs: list[str] | None = None) -> BM25:
        """Index the texts, each stemmed with its own language's stemmer and stop words (default English)."""
        langs = langs or ["en"] * len(texts)
        docs = [Counter(terms(t, lang)) for t, lang in zip(texts, langs)]
        post: dict[str, tuple[list[int], list[int]]] = {}
        for i, d in enumerate(docs):
            for t, tf in d.items():
                ids, tfs = post.setdefault(t, ([], []))
                ids.append(i)
                tfs.append(tf)
        postings = {t: (np.array(i, dtype=np.int32), np.array(f, dtype=np.float32)) for t, (i, f) in post.items()}
        dl = np.array([sum(d.values()) for d in docs], dtype=np.float32)
        return cls(len(texts), dl, postings)

    def has(self, term: str) -> bool:
        return term in self.postings

    def rows(self, term: str) -> np.ndarray:
        """The rows (chunks) whose text has the term."""
        p = self.postings.get(term)
        return p[0] if p is not None else np.zeros(0, dtype=np.int32)

    def near(self, prefix: str) -> list[str]:
        """Terms whose folded first three letters are `prefix` (for near-spellings of a name)."""
        if self._by_prefix is None:
            from bot.index.diskindex import fold3

            by: dict[str, list[str]] = {}
            for t in self.postings:
                by.setdefault(fold3(t), []).append(t)
            self._by_prefix = by
        return self._by_prefix.get(prefix, [])

    def idf(self, term: str) -> float:
        p = self.postings.get(term)
        df = 0 if p is None else len(p[0])
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for t in set(query_terms):
            p = self.postings.get(t)
            if p is None:
                continue
            ids, tf = p
            out[ids] += self.idf(t) * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out

    def to_json(self) -> dict:
        return {
            "n": self.n,
            "dl": self.dl.astype(int).tolist(),
            "postings": {t: [i.tolist(), f.astype(int).tolist()] for t, (i, f) in self.postings.items()},
        }

    @classmethod
    def from_json(cls, d: dict) -> BM25:
        postings = {
            t: (np.array(i, dtype=np.int32), np.array(f, dtype=np.float32)) for t, (i, f) in d["postings"].items()
        }
        return cls(d["n"], np.array(d["dl"], dtype=np.float32), postings)
