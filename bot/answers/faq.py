"""FAQ entries: find the entry a user's question means, and answer with that entry's own answer.

An entry is scored by two cosines of the question's embedding: with the entry's question, and with its "lead"
(the question and the first words of its answer, bot/ingest/chunking.lead_text), and ranked by those plus a small
share of keyword evidence (EntryMatcher.keyword: its best chunk's BM25 score; weight and evidence across packs in
docs/evaluation.md, 2026-12-07). The weights and the decision to
answer with the best entry (a small logistic model over the best score, its margin over the next entry that
asks something else, and the question cosine) come from bot/answers/faq.json, fitted by scripts/fit_faq.py on the
tune paraphrases of covid-faq-en (grouped by entry) with off-topic and leave-the-entry-out negatives.

The answer is the entry's answer, every paragraph and list item cited verbatim: whole up to WHOLE_WORDS words;
beyond that its most relevant sentences in order, with the entry's question and anchor so the reader can open
the rest.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from bot.ingest.chunking import Chunk, Sentence
from bot.ingest.lang import LANGS, scores
from bot.ingest.text import terms


@dataclass
class Entry:
    id: str  # "<source>#<n>"
    question: str
    source: str
    section: str
    anchor: str | None
    rows: list[int]  # chunk rows of its parts, in order

    @property
    def link(self) -> str:
        """Where the entry is: the file, and its anchor when the page has one."""
        return f"{self.source}#{self.anchor}" if self.anchor else self.source


@dataclass
class Match:
    entry: Entry
    score: float
    p: float  # probability that this is the entry the user means (the decision model)
    features: dict[str, float]
    runner_up: Entry | None
    # entries of other pages that answer (nearly) the same question about as well: several agencies often
    # answer one question, and nothing in the question says which page the user means
    also: list[tuple[Entry, float]] = field(default_factory=list)
    # the entry first by the embeddings alone (without keyword evidence): a signal independent of the reader's,
    # which weighs the question's words itself (bot/answers/compose.py compares the two)
    dense_entry: Entry | None = None

    @property
    def dense_first(self) -> bool:
        return self.dense_entry is None or self.dense_entry is self.entry


@functools.cache
def load_params() -> dict:
    with resources.files(__package__).joinpath("faq.json").open(encoding="utf-8") as f:
        return json.load(f)


def _norm_q(q: str) -> str:
    return " ".join(re.findall(r"\w+", q.lower()))


# entries not to match (their ids): those the bot's last answer quoted, while a follow-up that only brought that
# answer back is read again for something new (set by Bot.quote_in_conversation)
SKIP_ENTRIES: ContextVar[frozenset[str]] = ContextVar("skip_entries", default=frozenset())


# A question in another language than the entry's comes less near it: the decision reads its cosines OTHER_LANGUAGE
# higher. Measured on eval/crosslang (the same wordings asked in the site's language and translated: English on
# help-de's German page, German, French and Spanish on the CDC pages; and 16 questions the pages don't answer, in
# those languages): the matched entry's combined score is 0.027 and 0.043 lower (median 0.025 and 0.040), its
# question cosine 0.009 and 0.040. `python -m bot eval --all`, rows "asked in" (2026-12-07), right entry cited /
# unanswerable answered: at 0.01 help-de in English 13 -> 15 of 24 / 0 of 8, the CDC pages in de/fr/es 18 -> 19 of
# 26 / 1 of 8 (as without); at 0.02 15 and 20, but 2 more of the CDC's unanswerable questions answered ("Où puis-je
# me faire vacciner à Paris ?" got the testing-sites entry); at 0.03-0.05 help-de's wrong entries rise to 5-6. Chosen
# as the largest value that answers no question more wrongly on either site (two sites: no held-out choice).
# Questions in the site's own language do not move (every other row of eval --all the same).
OTHER_LANGUAGE = 0.01


def asked_in(text: str) -> str | None:
    """The question's language when its words tell (a share of them are a language's function words), else None."""
    sc = scores(text, LANGS)
    best = max(sc, key=sc.get) if sc else None
    return best if best is not None and sc[best] >= 0.3 else None


class EntryMatcher:
    """Scores every FAQ entry of an index against a question vector."""

    FEATURES = ("score", "margin", "question")

    def __init__(self, index, params: dict | None = None):
        self.index = index
        p = params or load_params()
        self.params = p
        self.w_question = float(p["score"]["question"])
        self.w_lead = float(p["score"]["lead"])
        self.w_keyword = float(p["score"].get("keyword", 0.0))
        d = p["decision"]
        stored = list(d["features"])
        unknown = [n for n in stored if n not in self.FEATURES]
        if unknown:
            raise ValueError(f"bot/answers/faq.json names features this code does not compute: {unknown}; refit it")
        self.decision_names = stored
        self.decision_coef = np.array(d["coef"], dtype=np.float64)
        self.decision_bias = float(d["bias"])
        self.threshold = float(d["threshold"])
        self.whole_words = int(p["whole_words"])
        also = p.get("also", {})
        self.also_margin = float(also.get("margin", 0.0))
        self.also_max = int(also.get("max", 0))
        self.also_words = int(also.get("words", 60))
        self.entries: list[Entry] = []
        if index.dense_in_chroma:
            return  # ChromaEntryMatcher: entries read as questions find them
        faq_of_row = {int(r): i for i, r in enumerate(index.faq_rows)}
        idx = []
        for eid, rows in index.entries.items():
            c = index.chunks[rows[0]]
            if rows[0] not in faq_of_row:
                continue
            self.entries.append(Entry(eid, c.question or "", c.source, c.section, c.anchor, rows))
            idx.append(faq_of_row[rows[0]])
        dim = index.faq_vectors.shape[1] if len(index.faq_vectors) else 0
        self.qv = index.faq_vectors[idx] if idx else np.zeros((0, dim), dtype=np.float32)
        self.lv = index.lead_vectors[idx] if idx else np.zeros((0, dim), dtype=np.float32)
        self._norm = [_norm_q(e.question) for e in self.entries]
        self._text = [" ".join(index.chunks[r].text for r in e.rows) for e in self.entries]
        self.by_row = {r: i for i, e in enumerate(self.entries) for r in e.rows}

    def scores(self, qvec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(combined score, question cosine) of every entry."""
        qq = self.qv @ qvec
        return self.w_question * qq + self.w_lead * (self.lv @ qvec), qq

    def pool(self, qvec: np.ndarray) -> tuple[list[Entry], np.ndarray, np.ndarray, list[str], list[str]]:
        """The entries a question is matched against (here all of them): the entries, their combined scores and
        question cosines, their normalised questions and their answer texts."""
        if not self.entries:
            return [], np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32), [], []
        s, qq = self.scores(qvec)
        return self.entries, s, qq, self._norm, self._text

    def keyword(self, text: str, entries: list[Entry]) -> np.ndarray:
        """Each entry's keyword evidence for the question `text`: the BM25 score of its best chunk over the best
        chunk's of the whole index (0 to 1; 0 when no word of the question is indexed)."""
        ix = self.index
        bm = ix.bm25.scores(terms(text, ix.query_lang(text)))
        top = float(bm.max()) if len(bm) else 0.0
        if top <= 0:
            return np.zeros(len(entries), dtype=np.float64)
        return np.array([max(float(bm[r]) for r in e.rows) for e in entries], dtype=np.float64) / top

    def match(
        self, qvec: np.ndarray, source: str | None = None, lang: str | None = None, text: str | None = None
    ) -> Match | None:
        """The entry the question most likely means, of all pages, or of page `source` alone (a conversation
        about that page), or of the pages in language `lang`. With the question's `text`, the entries are ranked
        by the combined score plus KEYWORD times their keyword evidence (EntryMatcher.keyword); the decision and
        the other pages' entries that answer as well are judged on the combined score alone, as fitted."""
        entries, s, qq, norm, text_of = self.pool(qvec)
        skip = SKIP_ENTRIES.get()
        if (source is not None or lang is not None or skip) and entries:
            chunks = self.index.chunks
            keep = [
                i
                for i, e in enumerate(entries)
                if (source is None or e.source == source)
                and (lang is None or chunks[e.rows[0]].lang == lang)
                and e.id not in skip
            ]
            entries, s, qq = [entries[i] for i in keep], s[keep], qq[keep]
            norm, text_of = [norm[i] for i in keep], [text_of[i] for i in keep]
        if not entries:
            return None
        rank = s + self.w_keyword * self.keyword(text, entries) if text and self.w_keyword else s
        order = np.argsort(-rank, kind="stable")
        top = int(order[0])
        # the runner-up asks something else (the same question on two pages is not a rival)
        rival = next((int(i) for i in order[1:] if norm[int(i)] != norm[top]), None)
        margin = float(s[top] - s[rival]) if rival is not None else 1.0
        f = {"score": float(s[top]), "margin": margin, "question": float(qq[top])}
        qlang = asked_in(text) if text else None

        def shift(e: Entry) -> float:  # a question in another language than the entry's (OTHER_LANGUAGE)
            return OTHER_LANGUAGE if qlang and qlang != self.index.chunks[e.rows[0]].lang else 0.0

        p = self._p(f, shift(entries[top]))
        also: list[tuple[Entry, float]] = []
        pages, texts = {entries[top].source}, {text_of[top]}
        for i in order[1:]:
            i = int(i)
            if len(also) >= self.also_max or s[top] - s[i] > self.also_margin:
                break
            e = entries[i]
            if e.source in pages or text_of[i] in texts:
                continue  # one entry per page; the same answer copied on two pages is given once
            pi = self._p({"score": float(s[i]), "margin": 0.0, "question": float(qq[i])}, shift(e))
            if pi < self.threshold:
                continue
            also.append((e, pi))
            pages.add(e.source)
            texts.add(text_of[i])
        runner = entries[rival] if rival is not None else None
        return Match(entries[top], float(s[top]), p, f, runner, also, entries[int(np.argmax(s))])

    def _p(self, f: dict[str, float], shift: float = 0.0) -> float:
        """The decision's probability; `shift` is added to the cosines (OTHER_LANGUAGE)."""
        x = [f[n] + (shift if n in ("score", "question") else 0.0) for n in self.decision_names]
        z = self.decision_bias + float(self.decision_coef @ np.array(x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


class ChromaEntryMatcher(EntryMatcher):
    """The matcher for a large index (bot/index/diskindex.py): the entries a question is scored against are those
    whose question or lead is among the POOL nearest in Chroma, read as needed; scoring and the decision are
    EntryMatcher's. (The combined score is a weighted sum of the two cosines, so an entry that is best by it is
    near the top of one of the two lists.)"""

    POOL = 50

    def __init__(self, index, params: dict | None = None):
        super().__init__(index, params)
        self._entries: dict[str, tuple[Entry, int, str, str]] = {}  # entry id -> (entry, FAQ row, norm, text)
        self._lock = threading.Lock()

    def _entry(self, eid: str) -> tuple[Entry, int, str, str] | None:
        with self._lock:
            got = self._entries.get(eid)
        if got is not None:
            return got
        ix = self.index
        rows = ix.entries.get(eid)
        if not rows:
            return None
        fi = ix.faq_index_of_rows([rows[0]]).get(rows[0])
        if fi is None:
            return None
        c = ix.chunks[rows[0]]
        got = (
            Entry(eid, c.question or "", c.source, c.section, c.anchor, rows),
            int(fi),
            _norm_q(c.question or ""),
            " ".join(ix.chunks[r].text for r in rows),
        )
        with self._lock:
            if len(self._entries) > 4096:
                self._entries.clear()
            self._entries[eid] = got
        return got

    def pool(self, qvec: np.ndarray):
        ix = self.index
        n = len(ix.faq_rows)
        empty = np.zeros(0, dtype=np.float32)
        if not n:
            return [], empty, empty, [], []
        ids = ix.nearest("faq_questions", qvec, self.POOL, n) + ix.nearest("faq_leads", qvec, self.POOL, n)
        rows = ix.chunk_rows(list(dict.fromkeys(ids)))
        seen, picked = set(), []
        for i in dict.fromkeys(ids):
            r = rows.get(i)
            if r is None:  # Chroma ahead of this generation's records: an ingest is under way
                continue
            eid = ix.chunks[r].entry
            if eid is None or eid in seen:
                continue
            seen.add(eid)
            got = self._entry(eid)
            if got is not None:
                picked.append(got)
        if not picked:
            return [], empty, empty, [], []
        fi = [g[1] for g in picked]
        qq = ix.faq_vectors[fi] @ qvec  # RowFile: rows read in file order
        s = self.w_question * qq + self.w_lead * (ix.lead_vectors[fi] @ qvec)
        return [g[0] for g in picked], s, qq, [g[2] for g in picked], [g[3] for g in picked]


@dataclass
class Piece:
    """A run of consecutive sentences of one paragraph or list item, as it will be quoted."""

    text: str  # verbatim
    item: bool
    chunk: Chunk
    words: int
    sentences: list[Sentence]


def _pieces(chunk: Chunk, keep: set[int] | None = None, offset: int = 0) -> list[Piece]:
    """The chunk's blocks as pieces; with `keep` (sentence numbers, counted from `offset`), only the kept
    sentences, a block's consecutive kept sentences joined verbatim."""
    out: list[Piece] = []
    n = offset
    for _, sents in chunk.blocks():
        run: list[Sentence] = []
        for s in sents:
            if keep is None or n in keep:
                run.append(s)
            elif run:
                out.append(_piece(run, chunk))
                run = []
            n += 1
        if run:
            out.append(_piece(run, chunk))
    return out


def _piece(run: list[Sentence], chunk: Chunk) -> Piece:
    text = run[0].text + "".join(s.gap + s.text for s in run[1:])
    return Piece(text, run[0].item, chunk, len(text.split()), run)


# a paragraph that a sentence ending in ":" introduces is given with it up to this many words: a command ("First
# update all package definitions (formulae) and Homebrew itself:" / "brew update"), an address, a short step (a
# browser probe got the colon and not the command)
ANNOUNCED_WORDS = 40


def announced(chunks: list[Chunk], keep: set[int], lengths: list[int]) -> set[int]:
    """The sentences (numbered across the chunks) of the short paragraph right after each kept sentence that ends
    with ":" and is no list item (a list after such a sentence is bot/answers/answering._with_list's)."""
    flat = [(ci, s) for ci, c in enumerate(chunks) for s in c.sentences]
    more: set[int] = set()
    for i in sorted(keep):
        ci, s = flat[i]
        if s.item or not s.text.rstrip().endswith(":") or i + 1 >= len(flat):
            continue
        cj, nxt = flat[i + 1]
        if cj != ci or nxt.block == s.block or nxt.item:
            continue
        block = [j for j in range(i + 1, len(flat)) if flat[j][0] == ci and flat[j][1].block == nxt.block]
        if sum(lengths[j] for j in block) <= ANNOUNCED_WORDS:
            more.update(block)
    return more - keep


def lead_ins(chunks: list[Chunk], keep: set[int]) -> set[int]:
    """The sentence that introduces each kept list item: the nearest one before it that ends with ":" with only list
    items between ("Your password must have 12 or more characters and avoid combinations such as:" before "Parts of
    your email address or personal dates, like your birthday": a probe got that item alone, read as advice to use
    one's birthday)."""
    flat = [s for c in chunks for s in c.sentences]
    more: set[int] = set()
    for i in sorted(keep):
        if not flat[i].item:
            continue
        j = i - 1
        while j >= 0 and flat[j].item and not flat[j].text.rstrip().endswith(":"):
            j -= 1
        if j >= 0 and flat[j].text.rstrip().endswith(":"):
            more.add(j)
    return more - keep


def select(entry: Entry, index, qvec: np.ndarray, whole_words: int) -> tuple[list[Piece], bool]:
    """The pieces of the entry's answer to show, and whether that is the whole answer."""
    chunks = [index.chunks[r] for r in entry.rows]
    whole = [p for c in chunks for p in _pieces(c)]
    if sum(p.words for p in whole) <= whole_words:
        return whole, True
    # the most relevant sentences, in order, within the whole-answer budget; the opening sentence always (it
    # usually states the answer the rest explains)
    sims, lengths = [], []
    for r, c in zip(entry.rows, chunks):
        off = int(index.sent_offsets[r])
        sims.extend((index.sent_vectors[off : off + len(c.sentences)] @ qvec).tolist())
        lengths.extend(len(s.text.split()) for s in c.sentences)
    keep = {0}
    budget = whole_words - lengths[0]
    for i in np.argsort(-np.array(sims)):
        i = int(i)
        if i in keep:
            continue
        if lengths[i] > budget:
            continue
        keep.add(i)
        budget -= lengths[i]
        if budget < 8:
            break
    keep |= announced(chunks, keep, lengths)
    keep |= lead_ins(chunks, keep)
    out, offset = [], 0
    for c in chunks:
        out.extend(_pieces(c, keep, offset))
        offset += len(c.sentences)
    return out, False


__all__ = ["ChromaEntryMatcher", "Entry", "EntryMatcher", "Match", "announced", "lead_ins", "load_params", "select"]
