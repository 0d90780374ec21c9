"""Hybrid retrieval: BM25 and dense rankings (plus FAQ-question matches) fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.index.store import Index
from bot.ingest.chunking import Chunk
from bot.ingest.text import terms

RRF_K = 60
DEPTH = 50


@dataclass
class Hit:
    row: int
    chunk: Chunk
    score: float  # fused RRF score
    dense: float  # cosine of question and chunk
    bm25: float
    faq: float  # cosine of question and the chunk's FAQ question (0 when not an FAQ chunk)
    rows: list[int] | None = None  # a whole FAQ entry made of several chunks: their rows, in order


class Retriever:
    def __init__(self, index: Index, embedder):
        self.index = index
        self.embedder = embedder
        self._faq_of_row = {int(r): i for i, r in enumerate(index.faq_rows)}
        from bot.answers.faq import load_params

        w = load_params()["score"]
        self._w_question, self._w_lead = float(w["question"]), float(w["lead"])

    def query_vector(self, question: str) -> np.ndarray:
        return self.embedder.embed_query_np(question)

    def nearness(self, q: np.ndarray) -> float:
        """How near the site comes to a question: the best cosine of its passages and its FAQ questions (-1 for an
        empty index). bot/answers/offtopic.py judges with it whether a question is about the site."""
        ix = self.index
        best = float((ix.vectors @ q).max()) if len(ix.chunks) else -1.0
        if len(ix.faq_vectors):
            best = max(best, float((ix.faq_vectors @ q).max()))
        return best

    def search(self, question: str, k: int = 5, qvec: np.ndarray | None = None) -> list[Hit]:
        ix = self.index
        if not ix.chunks:
            return []
        q = self.query_vector(question) if qvec is None else qvec
        dense = ix.vectors @ q
        bm = ix.bm25.scores(terms(question, ix.query_lang(question)))
        faq = ix.faq_vectors @ q if len(ix.faq_vectors) else np.zeros(0, dtype=np.float32)
        faq_sim = np.zeros(len(ix.chunks), dtype=np.float32)
        if len(faq):
            # an FAQ chunk is found through its entry's question and its lead as well (bot/answers/faq.py's score)
            faq_sim[ix.faq_rows] = np.maximum(faq, self._w_question * faq + self._w_lead * (ix.lead_vectors @ q))
        # An FAQ chunk is also found through its question: its dense score is the better of the two.
        dense_rank = np.maximum(dense, faq_sim)
        # A chunk is also as relevant as its best sentence (measured on the squad2 tune split:
        # top-5 recall 0.961 -> 0.973 with this third ranking).
        sent_best = np.maximum.reduceat(ix.sent_vectors @ q, ix.sent_offsets[:-1]) if len(ix.sent_vectors) else dense
        fused = np.zeros(len(ix.chunks), dtype=np.float64)
        depth = min(DEPTH, len(ix.chunks))
        by_bm25 = [r for r in np.argsort(-bm, kind="stable")[:depth] if bm[r] > 0]  # zero = no evidence
        for ranking in (np.argsort(-dense_rank)[:depth], by_bm25, np.argsort(-sent_best)[:depth]):
            for r, row in enumerate(ranking):
                fused[row] += 1.0 / (RRF_K + r + 1)
        top = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(int(r), ix.chunks[r], float(fused[r]), float(dense[r]), float(bm[r]), float(faq_sim[r])) for r in top
        ]


class ChromaRetriever(Retriever):
    """The same fusion over a large index (bot/index/diskindex.DiskIndex): each dense ranking is Chroma's nearest
    DEPTH (chunks, FAQ questions and leads, sentences), the keyword ranking the on-disk BM25's; the cosines of
    the chunks found are computed from their own vectors, as in Retriever."""

    SENTENCES_PER_CHUNK = 4  # sentences asked of Chroma per chunk wanted in the sentence ranking

    def nearness(self, q: np.ndarray) -> float:
        ix = self.index
        n, n_faq = len(ix.chunks), len(ix.faq_rows)
        rows = ix.chunk_rows(ix.nearest("chunks", q, 1, n) + ix.nearest("faq_questions", q, 1, n_faq))
        best = -1.0
        if rows:
            best = float((ix.vectors[sorted(rows.values())] @ q).max())
            fi = list(ix.faq_index_of_rows(sorted(rows.values())).values())
            if fi:
                best = max(best, float((ix.faq_vectors[sorted(fi)] @ q).max()))
        return best

    def search(self, question: str, k: int = 5, qvec: np.ndarray | None = None) -> list[Hit]:
        ix = self.index
        n = len(ix.chunks)
        if not n:
            return []
        q = self.query_vector(question) if qvec is None else qvec
        depth = min(DEPTH, n)
        n_faq, n_sent = len(ix.faq_rows), int(ix.sent_offsets[-1])
        chunk_ids = ix.nearest("chunks", q, depth, n)
        faq_ids = ix.nearest("faq_questions", q, depth, n_faq) + ix.nearest("faq_leads", q, depth, n_faq)
        sent_ids = ix.nearest("sentences", q, depth * self.SENTENCES_PER_CHUNK, n_sent)
        sent_chunks = list(dict.fromkeys(s.rsplit(":", 1)[0] for s in sent_ids))
        rows = ix.chunk_rows(list(dict.fromkeys(chunk_ids + faq_ids + sent_chunks)))  # ids of a newer ingest: none

        bm = ix.bm25.scores(terms(question, ix.query_lang(question)))
        nz = np.flatnonzero(bm > 0)  # zero = no evidence
        by_bm25 = [int(r) for r in nz[np.argsort(-bm[nz], kind="stable")][:depth]]

        dense_cands = list(dict.fromkeys(rows[i] for i in chunk_ids + faq_ids if i in rows))
        by_sentence = [rows[i] for i in sent_chunks if i in rows][:depth]
        cands = list(dict.fromkeys(dense_cands + by_bm25 + by_sentence))
        dense = dict(zip(cands, (ix.vectors[cands] @ q).tolist()))  # RowFile: rows read in file order
        faq_sim = dict.fromkeys(cands, 0.0)
        fi = ix.faq_index_of_rows(cands)
        if fi:
            frows = list(fi)
            f_idx = [fi[r] for r in frows]
            fq = ix.faq_vectors[f_idx] @ q
            fl = ix.lead_vectors[f_idx] @ q
            comb = np.maximum(fq, self._w_question * fq + self._w_lead * fl)
            faq_sim.update(zip(frows, comb.tolist()))
        by_dense = sorted(dense_cands, key=lambda r: (-max(dense[r], faq_sim[r]), r))[:depth]
        fused: dict[int, float] = {}
        for ranking in (by_dense, by_bm25, by_sentence):
            for r, row in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + r + 1)
        top = sorted(fused, key=lambda r: (-fused[r], r))[:k]
        return [Hit(r, ix.chunks[r], fused[r], dense[r], float(bm[r]), faq_sim[r]) for r in top]
