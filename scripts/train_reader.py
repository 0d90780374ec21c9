"""Fit the reader's two small models on the squad2-dev `tune` split and write bot/answers/reader.json.

  python scripts/train_reader.py [--bench ../shared/bench/squad2-dev] [--index DIR] [--gate-only]

1. sentence model: a softmax over each question's candidate sentences (listwise logistic model);
   the label is "this sentence contains a gold answer".
2. abstention model: logistic regression over question-level features; label "unanswerable".
   Its threshold is the one that keeps abstention on answerable tune questions at --max-fpr.
Never run this on the test split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.answering import ABSTAIN_FEATURES, SENT_FEATURES, Reader
from bot.answers.retrieval import Retriever
from bot.evals.evaluation import load_pack, normalize_answer
from bot.index.embeddings import make_embeddings
from bot.index.store import Index
from bot.settings import load_settings


def dummy_weights(n_s: int, n_a: int) -> dict:
    z = lambda n: {"coef": [0.0] * n, "mean": [0.0] * n, "std": [1.0] * n}
    return {"sentence": z(n_s), "abstain": {**z(n_a), "threshold": 0.5}}


def fit_listwise(X, y, groups, l2=1e-3, iters=600, lr=0.05):
    """Softmax over candidates of each question; maximise the probability of gold sentences."""
    mu, sd = X.mean(0), X.std(0) + 1e-6
    mu[0], sd[0] = 0.0, 1.0
    Z = (X - mu) / sd
    w = np.zeros(X.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    starts = np.r_[0, np.flatnonzero(np.diff(groups)) + 1]
    for t in range(1, iters + 1):
        s = Z @ w
        mx = np.maximum.reduceat(s, starts)
        e = np.exp(s - np.repeat(mx, np.diff(np.r_[starts, len(s)])))
        tot = np.add.reduceat(e, starts)
        p = e / np.repeat(tot, np.diff(np.r_[starts, len(s)]))
        ey = e * y
        toty = np.add.reduceat(ey, starts)
        q = ey / np.repeat(np.maximum(toty, 1e-30), np.diff(np.r_[starts, len(s)]))
        g = Z.T @ (p - q) / len(starts) + l2 * w
        g[0] = 0.0
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w, mu, sd


def fit_logistic(X, y, l2=1e-2, iters=50):
    mu, sd = X.mean(0), X.std(0) + 1e-6
    mu[0], sd[0] = 0.0, 1.0
    Z = (X - mu) / sd
    w = np.zeros(X.shape[1])
    for _ in range(iters):  # Newton / IRLS
        p = 1 / (1 + np.exp(-(Z @ w)))
        g = Z.T @ (p - y) / len(y) + l2 * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z / len(y) + l2 * np.eye(len(w))
        w -= np.linalg.solve(H, g)
    return w, mu, sd


def fit_sentence_model(index, questions, hits_of, qvecs) -> dict:
    """1. The sentence model, on answerable questions."""
    reader = Reader(index, dummy_weights(len(SENT_FEATURES), len(ABSTAIN_FEATURES)))
    X, Y, G = [], [], []
    for i, q in enumerate(questions):
        if not q["answerable"]:
            continue
        golds = [normalize_answer(a) for a in q["answers"] if normalize_answer(a)]
        cands = reader.candidates(reader.question(q["question"].strip()), hits_of(i), qvecs[i])
        ys = [float(any(g in normalize_answer(c.sentence.text) for g in golds)) for c in cands]
        if not any(ys):
            continue
        for c, yv in zip(cands, ys):
            X.append(c.x)
            Y.append(yv)
            G.append(i)
    X, Y, G = np.array(X), np.array(Y), np.array(G)
    w, mu, sd = fit_listwise(X, Y, G)
    print("sentence model:", dict(zip(SENT_FEATURES, np.round(w, 3))))
    return {"coef": w.tolist(), "mean": mu.tolist(), "std": sd.tolist()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench" / "squad2-dev"))
    ap.add_argument("--index", default=str(ROOT / ".cache" / "eval" / "squad2-dev" / "index"))
    ap.add_argument("--max-fpr", type=float, default=0.08)
    ap.add_argument("--out", default=str(ROOT / "bot" / "answers" / "reader.json"))
    ap.add_argument(
        "--gate-only",
        action="store_true",
        help="keep the sentence model stored in --out; refit only the abstention model (on that model's output)",
    )
    args = ap.parse_args()

    settings = load_settings()
    emb = make_embeddings(settings)
    index = Index.load(Path(args.index), emb.name)
    retr = Retriever(index, emb)
    questions, _ = load_pack(Path(args.bench), "tune")
    qcache = ROOT / ".cache" / "tune_query_vectors.npy"
    texts = [q["question"].strip() for q in questions]
    if qcache.exists() and len(np.load(qcache)) == len(texts):
        qvecs = np.load(qcache)
    else:
        from tqdm import tqdm

        qvecs = np.stack([emb.embed_query_np(t) for t in tqdm(texts, mininterval=10)])
        np.save(qcache, qvecs)
    t = time.time()
    all_hits = [retr.search(text, 5, qvec=qv) for text, qv in zip(texts, qvecs)]
    print(f"retrieved {len(texts)} questions in {time.time() - t:.0f} s")

    def hits_of(i):
        return all_hits[i]

    weights = dummy_weights(len(SENT_FEATURES), len(ABSTAIN_FEATURES))
    if args.gate_only:
        old = json.loads(Path(args.out).read_text())
        if old["features"]["sentence"] != SENT_FEATURES:
            raise SystemExit("--gate-only: the stored sentence model has other features; refit both")
        weights["sentence"] = old["sentence"]
        print("sentence model: kept from", args.out)
    else:
        weights["sentence"] = fit_sentence_model(index, questions, hits_of, qvecs)
    reader = Reader(index, weights)

    # 2. abstention model, on all tune questions
    A, L, contains, full_rows = [], [], [], []
    for i, q in enumerate(questions):
        qi = reader.question(q["question"].strip())
        hs = hits_of(i)
        cands = reader.candidates(qi, hs, qvecs[i])
        if not cands:
            continue
        feats = reader.abstain_features(qi, hs, cands)
        A.append([feats[n] for n in ABSTAIN_FEATURES])
        full_rows.append(Reader.fully_supported(feats))
        L.append(0.0 if q["answerable"] else 1.0)
        best = max(cands, key=lambda c: c.score)
        golds = [normalize_answer(a) for a in q["answers"] if normalize_answer(a)]
        contains.append(q["answerable"] and any(g in normalize_answer(best.sentence.text) for g in golds))
    A, L = np.array(A), np.array(L)
    np.savez(ROOT / ".cache" / "tune_abstain_features.npz", A=A, L=L, contains=np.array(contains))
    aw, amu, asd = fit_logistic(A, L)
    p = 1 / (1 + np.exp(-(((A - amu) / asd) @ aw)))
    # the final decision also answers when the chosen sentence fully supports the question
    # (Reader.fully_supported); pick the lowest threshold that keeps answerable abstention at max_fpr
    full = np.array(full_rows)
    thr = 1.0
    for t_ in np.unique(np.round(p, 4))[::-1]:
        if np.mean((p[L == 0] >= t_) & ~full[L == 0]) > args.max_fpr:
            break
        thr = float(t_)
    for fpr in (0.06, 0.08, 0.09, 0.10):
        t_ = float(np.quantile(p[L == 0], 1 - fpr))
        print(f"  at {fpr:.2f} answerable abstention: {np.mean(p[L == 1] >= t_):.3f} of unanswerable abstain")
    print("abstain model:", dict(zip(ABSTAIN_FEATURES, np.round(aw, 3))))
    ab = (p >= thr) & ~full
    print(
        f"tune: threshold {thr:.3f}; abstain on unanswerable {np.mean(ab[L == 1]):.3f}, "
        f"on answerable {np.mean(ab[L == 0]):.3f}; best sentence contains gold "
        f"{np.mean(np.array(contains)[L == 0]):.3f}"
    )
    weights["abstain"] = {"coef": aw.tolist(), "mean": amu.tolist(), "std": asd.tolist(), "threshold": thr}
    old = json.loads(Path(args.out).read_text()) if Path(args.out).exists() else {}
    for k in ("max_sentences", "second_ratio"):
        if k in old:
            weights[k] = old[k]
    weights["features"] = {"sentence": SENT_FEATURES, "abstain": ABSTAIN_FEATURES}
    weights["trained_on"] = "squad2-dev tune split"
    Path(args.out).write_text(json.dumps(weights, indent=1))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
