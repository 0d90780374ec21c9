"""Which page should an answer be quoted from? Every pack of `python -m bot eval --all`, its answerable questions:
the share whose right page comes first by each way of ranking pages, and whether the right page is among the 5
passages retrieved (what the reader and a language model read):

  python scripts/page_choice.py [--bench-root ../shared/bench]

Rankings: the shipped one (the page of the best fused passage, bot/answers/retrieval.py), BM25's best passage,
the best dense passage, the best sentence, and the reciprocal-rank fusion lifted to pages (in each of the three
rankings a page stands at the rank of its best passage among pages). Nothing is fitted. Prints only. Results of
2026-12-06 are in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.retrieval import RRF_K  # noqa: E402
from bot.evals import allpacks  # noqa: E402
from bot.evals.allpacks import _norm_q  # noqa: E402
from bot.ingest.text import terms  # noqa: E402
from bot.settings import load_settings  # noqa: E402


def best_page(srcs: list[str], scores: np.ndarray) -> str:
    return srcs[int(np.argmax(scores))]


def fused_page(srcs: list[str], rankings: list[np.ndarray]) -> str:
    total: dict[str, float] = {}
    for scores in rankings:
        seen: set[str] = set()
        for row in np.argsort(-scores, kind="stable"):
            s = srcs[int(row)]
            if s not in seen:
                total[s] = total.get(s, 0.0) + 1.0 / (RRF_K + len(seen) + 1)
                seen.add(s)
    return max(total, key=lambda s: (total[s], s))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "bench"))
    args = ap.parse_args()
    s = load_settings()
    cache = Path(s.cache_dir) / "eval"
    bench = Path(args.bench_root)
    packs = [full for full, _ in allpacks.faq_packs(bench, cache)] + allpacks.passage_packs(bench, cache)
    names = ["shipped: best fused passage", "BM25", "dense", "best sentence", "fusion lifted to pages"]
    print("| pack | " + " | ".join(names) + " | right page in 5 passages: shipped | …: pages' fusion first |")
    print("|" + " --- |" * (len(names) + 3))
    for pack in packs:
        bot = allpacks._bot(pack, s, cache)
        ix = bot.index
        srcs = [c.source for c in ix.chunks]
        entry_q = [_norm_q(c.question or "") for c in ix.chunks]
        right = np.zeros(len(names))
        in5 = np.zeros(2)
        for q in pack.answerable:
            if pack.style == "faq":
                gold = {srcs[i] for i, e in enumerate(entry_q) if e == _norm_q(q["gold"])}
            else:
                gold = {q["gold"]}
            v = bot.retriever.query_vector(q["question"])
            dense = ix.vectors @ v
            faq = np.zeros(len(srcs))
            if len(ix.faq_vectors):
                faq[ix.faq_rows] = ix.faq_vectors @ v
            bm = ix.bm25.scores(terms(q["question"], ix.query_lang(q["question"])))
            sent = np.maximum.reduceat(ix.sent_vectors @ v, ix.sent_offsets[:-1])
            hits = [h.chunk.source for h in bot.retriever.search(q["question"], 5, qvec=v)]
            pages = fused_page(srcs, [np.maximum(dense, faq), bm, sent])
            firsts = [hits[0], best_page(srcs, bm), best_page(srcs, np.maximum(dense, faq)), best_page(srcs, sent)]
            right += [p in gold for p in firsts + [pages]]
            in5 += [bool(set(hits) & gold), bool(({pages} | set(hits[:4])) & gold)]
        n = max(1, len(pack.answerable))
        cells = [f"{x / n:.3f}" for x in list(right) + list(in5)]
        print(f"| {pack.name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
