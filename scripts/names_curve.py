"""How often a who/which (person or place) question's answer holds a gold answer, by the share of the best
sentence's probability a name-rich sentence needs to be added (bot/answers/answering.py NAMES_MIN_RATIO).

    python scripts/names_curve.py                       # squad2-dev tune split (never the test split)
    python scripts/names_curve.py --articles 6          # the first 6 tune articles (quicker)

Prints, for each ratio, the share of answerable person/place questions whose answer contains a gold answer, the
sentences given per answer, and the same for all other answerable questions (unchanged by the rule: a check).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import answering
from bot.answers.qtypes import question_type
from bot.engine import Bot, ingest
from bot.evals.evaluation import _subset_corpus, load_pack, normalize_answer, plain
from bot.settings import load_settings

RATIOS = [0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 2.0]  # 2.0: never added


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench" / "squad2-dev"))
    ap.add_argument("--articles", type=int, default=None)
    args = ap.parse_args()
    bench = Path(args.bench)
    questions, arts = load_pack(bench, "tune")
    arts = sorted(arts)[: args.articles] if args.articles else sorted(arts)
    s = load_settings()
    cache = Path(s.cache_dir) / "eval" / bench.resolve().name
    corpus = _subset_corpus(bench, arts, cache)
    s = s.model_copy(update={"corpus_dir": corpus, "index_dir": cache / f"index-{corpus.name}"})
    t0 = time.perf_counter()
    ingest(s)
    print(f"index: {len(arts)} tune articles ({time.perf_counter() - t0:.0f} s)", flush=True)
    bot = Bot.from_settings(s, build=False)
    qs = [q for q in questions if q.get("article") in set(arts) and q.get("answers")]
    named = [q for q in qs if question_type(q["question"]) in ("person", "place")]
    others = [q for q in qs if question_type(q["question"]) not in ("person", "place")][:300]
    print(f"{len(named)} answerable person/place questions; {len(others)} others (a check)")
    print("| ratio | person/place: contains gold | sentences | others: contains gold |")
    print("| --- | --- | --- | --- |")
    for r in RATIOS:
        answering.NAMES_MIN_RATIO = r
        row = []
        for group in (named, others):
            hit, sents = 0, 0
            for q in group:
                a = bot.answer(q["question"])
                pred = normalize_answer(plain(a.text)) if a.grounded else ""
                hit += a.grounded and any(normalize_answer(g) in pred for g in q["answers"] if g)
                sents += len(a.citations)
            row.append((hit / max(1, len(group)), sents / max(1, len(group))))
        print(f"| {r} | {row[0][0]:.3f} | {row[0][1]:.2f} | {row[1][0]:.3f} |", flush=True)


if __name__ == "__main__":
    main()
