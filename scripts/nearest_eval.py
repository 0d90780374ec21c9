"""When the knowledge-gap report should name a nearest entry: the similarity threshold, measured on the packs of
`python -m bot eval --all`. A question the pages answer has its page or entry near (show it); a question of
another subject entirely has nothing near (say "nothing close"). For each pack, the nearest passage's similarity
(the report's `nearest`: the best of the dense cosine and the FAQ-question cosine of retrieval's first hit) for its
answerable questions and for its 20 other-subject questions; then each pack left out in turn: the threshold that
keeps 95% of the other packs' answerable questions' nearest shown, and what it does on the one left out.

  python scripts/nearest_eval.py      # about 60 s here
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.evals import allpacks as ap  # noqa: E402
from bot.insights.report import NEAREST_MIN, for_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402

KEEP = 0.95


def main() -> None:
    t0 = time.perf_counter()
    s = Settings()
    cache = Path(s.cache_dir) / "eval"
    bench = ROOT.parent / "shared" / "bench"
    pairs = ap.faq_packs(bench, cache)
    packs = [full for full, _ in pairs] + ap.passage_packs(bench, cache)
    ap.add_other_subjects([p for pair in pairs for p in pair] + packs[len(pairs) :])
    sims: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for p in packs:
        nearest = for_bot(ap._bot(p, s, cache))["nearest"]

        def sim(q: str, nearest=nearest) -> float:
            n = nearest(q)
            return n["similarity"] if n else 0.0

        ans = np.array([sim(q["question"]) for q in p.answerable[:200] if not q["history"]])
        other = np.array([sim(u["question"]) for u in p.unanswerable if u["kind"] == "other_subject"])
        sims[p.name] = (ans, other)
        print(f"{p.name}: answerable p5/p50 {np.percentile(ans, 5):.3f}/{np.median(ans):.3f}, "
              f"other subject p50/p95 {np.median(other):.3f}/{np.percentile(other, 95):.3f}")  # fmt: skip
    print("\n| left out | threshold (on the others) | answerable shown | other subject shown |")
    print("| --- | --- | --- | --- |")
    for name in sims:
        rest = np.concatenate([a for n, (a, _) in sims.items() if n != name])
        t = float(np.quantile(rest, 1 - KEEP))
        a, o = sims[name]
        print(f"| {name} | {t:.3f} | {np.mean(a >= t):.3f} | {np.mean(o >= t):.3f} |")
    every = float(np.quantile(np.concatenate([a for a, _ in sims.values()]), 1 - KEEP))
    print(
        f"\nfitted on every pack: {every:.3f}; shipped NEAREST_MIN = {NEAREST_MIN}: answerable shown "
        f"{np.mean(np.concatenate([a for a, _ in sims.values()]) >= NEAREST_MIN):.3f}, other subject shown "
        f"{np.mean(np.concatenate([o for _, o in sims.values()]) >= NEAREST_MIN):.3f}"
    )
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
