"""Evaluation harness for any pack laid out like squad2-dev: corpus/, questions.jsonl, splits.json.

Question lines: {"id", "question", "answers", "answerable"} plus where the answer lives, either
SQuAD-style {"article", "paragraph_index"} or {"source", "sections": [...]} for hand-written sets.
"""

from __future__ import annotations

import collections
import hashlib
import json
import re
import shutil
import string
import time
from pathlib import Path

import numpy as np

from bot.engine import Bot, ingest
from bot.index.store import Index
from bot.ingest.corpus import is_boilerplate
from bot.settings import Settings

_MARK = re.compile(r"\s*\[\d+\]")


def normalize_answer(s: str) -> str:
    """SQuAD's normalisation: lower case, no punctuation, no articles, single spaces."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation) | {"’", "‘", "“", "”"})
    s = re.sub(r"\b(a|an|the)\b", " ", s)
    return " ".join(s.split())


def f1_score(pred: str, gold: str) -> float:
    p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
    if not p or not g:
        return float(p == g)
    common = collections.Counter(p) & collections.Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    prec, rec = same / len(p), same / len(g)
    return 2 * prec * rec / (prec + rec)


def plain(answer_text: str) -> str:
    return _MARK.sub("", answer_text).strip()


def _paragraph_ranges(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    body = text.removesuffix("\n")
    for p in body.split("\n\n"):
        out.append((pos, pos + len(p)))
        pos += len(p) + 2
    return out


def load_pack(bench: Path, split: str | None):
    bench = Path(bench)
    questions = [
        json.loads(line)
        for line in (bench / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    articles = None
    sp = bench / "splits.json"
    if split and split != "all" and sp.exists():
        splits = json.loads(sp.read_text())
        if split not in splits:
            raise ValueError(f"Split {split!r} not in {sp}; choose one of {sorted(k for k in splits if k != 'rule')}.")
        articles = list(splits[split])
        keep = set(articles)
        questions = [q for q in questions if q.get("article") in keep]
    return questions, articles


def _subset_corpus(bench: Path, articles: list[str], cache: Path) -> Path:
    """A corpus folder holding only the named articles (hard links or copies), for quick CI runs."""
    key = hashlib.sha1(json.dumps(sorted(articles)).encode()).hexdigest()[:10]
    out = cache / f"corpus-{key}"
    if not out.exists():
        tmp = out.with_suffix(".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for a in articles:
            shutil.copyfile(bench / "corpus" / f"{a}.txt", tmp / f"{a}.txt")
        tmp.replace(out)
    return out


def _sample(questions: list[dict], limit: int | None) -> list[dict]:
    """A deterministic sample (by id hash), so a limit keeps the answerable/unanswerable mix."""
    if not limit or limit >= len(questions):
        return questions
    ranked = sorted(questions, key=lambda q: hashlib.sha1(str(q["id"]).encode()).hexdigest())
    return ranked[:limit]


class Gold:
    """Which retrieved chunks count as the gold passage of a question."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self._ranges: dict[str, list[tuple[int, int]]] = {}
        self._texts: dict[str, str] = {}

    def text(self, source: str) -> str:
        if source not in self._texts:
            self._texts[source] = (self.corpus / source).read_bytes().decode("utf-8-sig")
        return self._texts[source]

    def matches(self, q: dict, chunk) -> bool:
        if "article" in q and "paragraph_index" in q:
            src = f"{q['article']}.txt"
            if chunk.source != src:
                return False
            if src not in self._ranges:
                self._ranges[src] = _paragraph_ranges(self.text(src))
            s, e = self._ranges[src][q["paragraph_index"]]
            return chunk.start < e and chunk.end > s
        if "source" in q:
            return chunk.source == q["source"] and (not q.get("sections") or chunk.section in q["sections"])
        return False


def evaluate(
    bench: Path,
    settings: Settings,
    *,
    split: str | None = "test",
    limit: int | None = None,
    articles: int | None = None,
    progress: bool = False,
) -> dict:
    bench = Path(bench)
    questions, split_articles = load_pack(bench, split)
    corpus = bench / "corpus" if (bench / "corpus").is_dir() else Path(settings.corpus_dir)
    cache = Path(settings.cache_dir) / "eval" / bench.resolve().name
    if articles:
        chosen = sorted(split_articles or [p.stem for p in corpus.glob("*.txt")])[:articles]
        corpus = _subset_corpus(bench, chosen, cache)
        questions = [q for q in questions if q.get("article") in set(chosen)]
        index_dir = cache / f"index-{corpus.name}"
    else:
        index_dir = cache / "index"
    questions = _sample(questions, limit)
    s = settings.model_copy(update={"corpus_dir": corpus, "index_dir": index_dir})
    t0 = time.perf_counter()
    rep = ingest(s, progress=progress)
    ingest_s = time.perf_counter() - t0
    bot = Bot.from_settings(s, build=False)
    gold = Gold(corpus)
    rows = []
    it = questions
    if progress:
        from tqdm import tqdm

        it = tqdm(questions, unit="q", desc="answering")
    for q in it:
        text = q["question"].strip()
        a = bot.answer(text)
        hits = bot.retriever.search(text, 10)
        rank = next((i + 1 for i, h in enumerate(hits) if gold.matches(q, h.chunk)), None)
        pred = plain(a.text) if a.grounded else ""
        answers = q.get("answers") or []
        answerable = bool(q.get("answerable", bool(answers)))
        golds = (answers or [""]) if answerable else [""]
        norm_pred = normalize_answer(pred)
        row = {
            "id": q["id"],
            "question": text,
            "answerable": answerable,
            "grounded": a.grounded,
            "rank": rank,
            "answer": a.text,
            "ms": a.timings_ms["total"],
            "contains": answerable and a.grounded and any(normalize_answer(g) in norm_pred for g in answers if g),
            "em": max(float(normalize_answer(pred) == normalize_answer(g)) for g in golds),
            "f1": max(f1_score(pred, g) for g in golds),
            "cited_gold": answerable
            and a.grounded
            and any(
                any(
                    gold.matches(q, h.chunk)
                    for h in a.retrieved
                    if h.chunk.source == c.source and c.quote in h.chunk.text
                )
                for c in a.citations
            ),
            "bad_quotes": [c.quote for c in a.citations if c.quote not in gold.text(c.source)],
            "boilerplate": [c.quote for c in a.citations if is_boilerplate(c.quote)],
        }
        rows.append(row)
    return summarize(rows, bench, split, limit, articles, rep, ingest_s, index_dir, bot)


def summarize(rows, bench, split, limit, articles, rep, ingest_s, index_dir, bot) -> dict:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]
    abst = [r for r in rows if not r["grounded"]]

    def mean(xs):
        return round(float(np.mean(xs)), 4) if len(xs) else None

    ms = [r["ms"] for r in rows]
    return {
        "bench": str(bench),
        "split": split,
        "limit": limit,
        "articles": articles,
        "questions": len(rows),
        "answerable": len(ans),
        "unanswerable": len(una),
        "index": {
            "dir": str(index_dir),
            "chunks": len(bot.index.chunks),
            "embedder": bot.index.embedder,
            "ingest_seconds": round(ingest_s, 2),
            "embedded_now": rep.texts_embedded,
        },
        "retrieval": {
            "recall@1": mean([r["rank"] is not None and r["rank"] <= 1 for r in ans]),
            "recall@3": mean([r["rank"] is not None and r["rank"] <= 3 for r in ans]),
            "recall@5": mean([r["rank"] is not None and r["rank"] <= 5 for r in ans]),
            "mrr@10": mean([1 / r["rank"] if r["rank"] else 0.0 for r in ans]),
        },
        "answers": {
            "contains_gold": mean([r["contains"] for r in ans]),
            "cited_gold_passage": mean([r["cited_gold"] for r in ans]),
            "exact_match": mean([r["em"] for r in rows]),
            "f1": mean([r["f1"] for r in rows]),
            "non_verbatim_quotes": sum(len(r["bad_quotes"]) for r in rows),
            "boilerplate_quotes": sum(len(r["boilerplate"]) for r in rows),
        },
        "abstention": {
            "recall_unanswerable": mean([not r["grounded"] for r in una]),
            "precision": mean([not r["answerable"] for r in abst]),
            "rate_answerable": mean([not r["grounded"] for r in ans]),
        },
        "latency_ms": {
            "p50": round(float(np.percentile(ms, 50)), 2) if ms else None,
            "p95": round(float(np.percentile(ms, 95)), 2) if ms else None,
        },
        "rows": rows,
    }


def to_markdown(r: dict) -> str:
    ret, a, ab, lat = r["retrieval"], r["answers"], r["abstention"], r["latency_ms"]
    lines = [
        f"# Evaluation: {Path(r['bench']).name} (split {r['split']}, {r['questions']} questions)",
        "",
        f"Index: {r['index']['chunks']} chunks, embedder `{r['index']['embedder']}`.",
        f"Questions: {r['answerable']} answerable, {r['unanswerable']} unanswerable.",
        "",
        "| metric | value |",
        "| --- | --- |",
        *(f"| retrieval {k} (answerable) | {v} |" for k, v in ret.items()),
        f"| answer contains a gold answer (answerable) | {a['contains_gold']} |",
        f"| answer cites the gold passage (answerable) | {a['cited_gold_passage']} |",
        f"| SQuAD-v2 EM / F1 (all) | {a['exact_match']} / {a['f1']} |",
        f"| abstained on unanswerable (recall) | {ab['recall_unanswerable']} |",
        f"| abstention precision | {ab['precision']} |",
        f"| abstained on answerable | {ab['rate_answerable']} |",
        f"| quotes not verbatim in their source | {a['non_verbatim_quotes']} |",
        f"| boilerplate quotes | {a['boilerplate_quotes']} |",
        f"| answer latency p50 / p95 (ms) | {lat['p50']} / {lat['p95']} |",
    ]
    return "\n".join(lines) + "\n"


def write_reports(r: dict, out_dir: Path, name: str) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    j, m = out_dir / f"{name}.json", out_dir / f"{name}.md"
    j.write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
    m.write_text(to_markdown(r), encoding="utf-8")
    return j, m


__all__ = ["Index", "evaluate", "f1_score", "normalize_answer", "to_markdown", "write_reports"]
