"""The off-topic bar (bot/answers/offtopic.py) on every pack of `python -m bot eval --all`, each data set left out
in turn:

  python scripts/offtopic_packs.py [--bench-root ../shared/bench]

Every question of every pack (with its 20 other-subject questions, allpacks.add_other_subjects) is answered with the
bar switched off, and recorded: the answer (given, right, an FAQ entry or a table cell), how near the site comes to
the question, whether it has a word no page has, and the site's nearness to each generic question. Then for each
quantile Q of 0.5-0.95 (the bar: the Q-quantile of the generic questions' nearness), the answers the rule would
withdraw: an answer that is neither an FAQ entry nor a table cell, to a question with a word no page has that comes
no nearer than the bar. Printed per Q: right answers lost, wrong answers withdrawn, off-subject and other
unanswerable questions newly declined; then, each data set left out, the Q chosen on the others (the most utility
with at most 0.1% of any pack's right answers lost; utility: right +1, wrong or answered unanswerable -1) and its
effect held out. Prints only. Results of 2026-12-07 are in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import offtopic  # noqa: E402
from bot.evals import allpacks  # noqa: E402
from bot.settings import load_settings  # noqa: E402

QS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
OFF = ("other_subject", "out_of_scope", "out_of_corpus")
MOST_LOST = 0.001


def collect(bench: Path) -> list[dict]:
    s = load_settings()
    cache = Path(s.cache_dir) / "eval"
    pairs = allpacks.faq_packs(bench, cache)
    passages = allpacks.passage_packs(bench, cache)
    allpacks.add_other_subjects([p for pair in pairs for p in pair] + passages)
    rows = []
    for pack in [p for pair in pairs for p in pair] + passages + allpacks.table_packs():
        bot = allpacks._bot(pack, s, cache)
        site, bot.composer.site = bot.composer.site, None  # the bar off: what it would withdraw is recorded
        near = [bot.retriever.nearness(v) for v in offtopic.vectors(bot.embedder)]
        bars = {q: float(np.quantile(near, q)) for q in QS}
        for q in pack.answerable + pack.unanswerable:
            a = bot.answer(q["question"], q["history"])
            answerable = q in pack.answerable
            hit = answerable and allpacks.answer_right(pack, a, q)
            info = bot.reader.question(a.standalone_question or q["question"])
            rows.append(
                {
                    "pack": pack.name,
                    "family": allpacks.family(pack.name),
                    "kind": "answerable" if answerable else q["kind"],
                    "given": a.grounded,
                    "hit": hit,
                    "exempt": bool(a.entry) or bool(getattr(a, "cells", False)) or bool(q["history"]),
                    "unknown": any(not bot.index.bm25.has(t) for t in info.terms),
                    "near": bot.retriever.nearness(a.qvec) if a.qvec is not None else 1.0,
                    "bars": bars,
                }
            )
        bot.composer.site = site
        print(f"  {pack.name}: {sum(r['pack'] == pack.name for r in rows)} questions", file=sys.stderr)
    return rows


def withdrawn(r: dict, q: float | None) -> bool:
    return q is not None and r["given"] and not r["exempt"] and r["unknown"] and r["near"] < r["bars"][q]


def utility(rows: list[dict], q: float | None) -> float:
    u = 0
    for r in rows:
        given = r["given"] and not withdrawn(r, q)
        if r["kind"] == "answerable":
            u += (1 if r["hit"] else -1) if given else 0
        else:
            u -= 1 if given else 0
    return u / max(1, len(rows))


def lost_share(rows: list[dict], q: float) -> float:
    a = [r for r in rows if r["kind"] == "answerable"]
    return sum(r["hit"] and withdrawn(r, q) for r in a) / max(1, len(a))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "bench"))
    rows = collect(Path(ap.parse_args().bench_root))
    packs = list(dict.fromkeys(r["pack"] for r in rows))
    by_pack = {p: [r for r in rows if r["pack"] == p] for p in packs}
    print("| Q | right answers lost | wrong answers withdrawn | other subject declined | other unanswerable declined |")
    print("| --- | --- | --- | --- | --- |")
    for q in QS:
        lost = sum(r["kind"] == "answerable" and r["hit"] and withdrawn(r, q) for r in rows)
        wrong = sum(r["kind"] == "answerable" and not r["hit"] and withdrawn(r, q) for r in rows)
        off = sum(r["kind"] in OFF and withdrawn(r, q) for r in rows)
        un = sum(r["kind"] not in OFF and r["kind"] != "answerable" and withdrawn(r, q) for r in rows)
        print(f"| {q} | {lost} | {wrong} | +{off} | +{un} |")
    print()
    print("| left out | Q chosen on the others | utility held out, without -> with | right answers lost held out |")
    print("| --- | --- | --- | --- |")
    for fam in dict.fromkeys(r["family"] for r in rows):
        train = [p for p in packs if by_pack[p][0]["family"] != fam]
        test = [p for p in packs if by_pack[p][0]["family"] == fam]
        ok = [q for q in QS if all(lost_share(by_pack[p], q) <= MOST_LOST for p in train)]
        best = max(ok, key=lambda q: (np.mean([utility(by_pack[p], q) for p in train]), -q)) if ok else None
        before = np.mean([utility(by_pack[p], None) for p in test])
        after = np.mean([utility(by_pack[p], best) for p in test])
        lost = sum(sum(r["kind"] == "answerable" and r["hit"] and withdrawn(r, best) for r in by_pack[p]) for p in test)
        print(f"| {fam} | {best} | {before:.4f} -> {after:.4f} | {lost} |")


if __name__ == "__main__":
    main()
