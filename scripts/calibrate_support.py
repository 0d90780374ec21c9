"""Calibrate the citation check (bot/answers/llm.py): when does a passage support a written sentence?

  python scripts/calibrate_support.py [--bench ../shared/bench/squad2-dev] [--index DIR] [--n 1500]

Data: answerable questions of the squad2-dev **tune** split (never test). Each becomes a claim such as a
model would write, "<question without ?>: <answer>" (SQuAD questions are crowd paraphrases of their
paragraph, so the claim's wording differs from the source the way a model's does). The claim is paired
with each of its top-4 retrieved passages, which is what the model is shown: the pair is supported when the
passage is the gold paragraph and holds a sentence with the answer; it is not when the passage is another
paragraph without the answer (a wrong [n]).

Features: word overlap (the share of the claim's content stems found in the passage's best sentence or
sentence pair; with --idf each stem weighted by its IDF in the index, to compare) and embedding cosine (the
claim as a query against the passage's stored sentence vectors, best sentence). Prints the overlap-only rule
against the combined rule at the same share of supported pairs kept, and writes the rule it picks to --out
(bot/answers/support.json). The pairs are kept in .cache/support_pairs2.npy; --reuse refits from them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.citations import best_match
from bot.answers.retrieval import Retriever
from bot.evals.evaluation import Gold, load_pack
from bot.index.embeddings import make_embeddings
from bot.index.store import Index
from bot.settings import load_settings

CENTER = 0.8  # cosines of this embedder sit between about 0.75 and 0.97


def claim_of(q: dict) -> str:
    return f"{q['question'].strip().rstrip('?').strip()}: {q['answers'][0]}."


def rates(pred: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    return float(pred[y == 1].mean()), float(pred[y == 0].mean())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench" / "squad2-dev"))
    ap.add_argument("--index", default=str(ROOT / ".cache" / "eval" / "squad2-dev" / "index"))
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--out", default=str(ROOT / "bot" / "answers" / "support.json"))
    ap.add_argument(
        "--idf", action="store_true", help="weight words by rarity (IDF), to compare; the bot counts them alike"
    )
    ap.add_argument("--reuse", action="store_true", help="refit from the pairs of the last run")
    args = ap.parse_args()

    settings = load_settings()
    emb = make_embeddings(settings)
    index = Index.load(Path(args.index), emb.name)
    retr = Retriever(index, emb)
    gold = Gold(Path(args.bench) / "corpus")
    questions, _ = load_pack(Path(args.bench), "tune")
    qs = [q for q in questions if q.get("answerable") and q.get("answers")]
    qs.sort(key=lambda q: hashlib.sha1(q["id"].encode()).hexdigest())
    qs = qs[: args.n]

    rows = []  # overlap, cosine, label
    cache = ROOT / ".cache" / "support_pairs2.npy"
    for i, q in enumerate([] if args.reuse and cache.exists() else qs):
        hits = retr.search(q["question"], 4)
        claim = claim_of(q)
        cv = emb.embed_query_np(claim)
        ans = q["answers"][0]
        for h in hits:
            ov = best_match(claim, h)[0]
            ov_idf = best_match(claim, h, index.bm25.idf)[0]
            off = int(index.sent_offsets[h.row])
            n = len(h.chunk.sentences)
            cos = float((index.sent_vectors[off : off + n] @ cv).max()) if n else 0.0
            is_gold = gold.matches(q, h.chunk)
            has_answer = any(ans in s.text for s in h.chunk.sentences)
            if is_gold != has_answer:
                # gold but this part lacks the answer, or another passage that also holds the answer
                # (it may well support the claim): no clean label
                continue
            rows.append((ov, cos, 1 if is_gold else 0, ov_idf))
        if (i + 1) % 250 == 0:
            print(f"{i + 1}/{len(qs)} claims", flush=True)
    if rows:
        X = np.array(rows)
        np.save(cache, X)
    else:
        X = np.load(cache)
    ov, cos, y = X[:, 0], X[:, 1], X[:, 2].astype(int)
    if args.idf:
        ov = X[:, 3]  # rare words count more
    print(f"\n{len(y)} claim-passage pairs: {int(y.sum())} supported, {int((1 - y).sum())} not")
    for name, v in (("overlap", ov), ("cosine", cos)):
        print(
            f"{name:8s} supported p10/p50/p90 {np.percentile(v[y == 1], [10, 50, 90]).round(3)}"
            f"   not p10/p50/p90 {np.percentile(v[y == 0], [10, 50, 90]).round(3)}"
        )

    base = ov >= 0.5
    tpr0, fpr0 = rates(base, y)
    print(f"\nword overlap >= 0.5 alone:             supported kept {tpr0:.3f}, wrong passage accepted {fpr0:.3f}")

    # Combined rule: supported when overlap + weight * (cosine - CENTER) >= threshold. The weight and the
    # threshold are the ones that accept the fewest wrong passages while keeping at least as many supported
    # pairs as word overlap alone; checked on two halves of the claims (fit on one, measured on the other).
    def fit(idx):
        best = None
        t0 = rates(base[idx], y[idx])[0]
        for w in np.arange(0.0, 6.01, 0.25):
            score = ov[idx] + w * (cos[idx] - CENTER)
            for th in np.arange(0.3, 1.2, 0.005):
                tpr, fpr = rates(score >= th, y[idx])
                if tpr >= t0 - 1e-9 and (best is None or fpr < best[1] - 1e-9):
                    best = (tpr, fpr, float(w), float(th))
        return best

    half = np.arange(len(y)) < len(y) // 2
    for name, a, b in (("first", half, ~half), ("second", ~half, half)):
        _, _, w, th = fit(a)
        tpr_o, fpr_o = rates(base[b], y[b])
        tpr, fpr = rates(ov[b] + w * (cos[b] - CENTER) >= th, y[b])
        print(
            f"fit on {name} half, measured on the other: overlap alone kept {tpr_o:.3f} / wrong {fpr_o:.3f};"
            f" combined kept {tpr:.3f} / wrong {fpr:.3f}"
        )
    tpr, fpr, w, th = fit(np.ones(len(y), dtype=bool))
    print(
        f"combined, all pairs (overlap + {w:.2f} * (cosine - {CENTER}) >= {th:.3f}): "
        f"supported kept {tpr:.3f}, wrong passage accepted {fpr:.3f}"
    )
    # Where overlap alone already gives the rule's answer on every pair, the cosine (an embedding of the
    # written sentence, ~15-40 ms) is skipped: the widest such band, at 0.05 steps.
    lin = ov + w * (cos - CENTER) >= th
    accept = min(a for a in np.arange(0.5, 1.051, 0.05) if lin[ov >= a].all())
    reject = max(r for r in np.arange(0.0, 0.51, 0.05) if not lin[ov < r].any())
    print(
        f"overlap alone decides at >= {accept:.2f} (supported) and < {reject:.2f} (not); "
        f"pairs that need the cosine: {((ov >= reject) & (ov < accept)).mean():.3f}"
    )
    out = {
        "overlap": "idf" if args.idf else "plain",
        "accept": round(float(accept), 2),
        "reject": round(float(reject), 2),
        "weight": round(w, 3),
        "center": CENTER,
        "threshold": round(th, 4),
        "embedder": emb.name,
        "fitted_on": f"squad2-dev tune split, {len(qs)} claims, {len(y)} claim-passage pairs",
        "overlap_only": {"supported_kept": round(tpr0, 4), "wrong_accepted": round(fpr0, 4)},
        "combined": {"supported_kept": round(tpr, 4), "wrong_accepted": round(fpr, 4)},
    }
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
