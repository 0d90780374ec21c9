"""The abstention gate's trade-off for the whole answer pipeline on the squad2-dev **tune** split, and the threshold.

  python scripts/gate_curve.py [--bench ../shared/bench/squad2-dev] [--index DIR] [--target 0.091] [--write]

scripts/train_reader.py fits the gate's logistic model and picks a threshold for the model alone. Around it the
bot also declines for reasons of its own (bot/answers/compose.py: a number, date or statement asked for and not given;
a name the articles never mention), and adds neighbouring sentences. This script answers every tune question
once with the model's decision recorded instead of applied, then prints, for thresholds 0.60-0.75, the share of
answerable questions whose answer contains a gold answer and the abstention on unanswerable and answerable
questions. With --write it stores in bot/answers/reader.json the lowest threshold whose abstention on answerable tune
questions is at most --target. Never run it on the test split. (The shipped threshold is train_reader.py's: on
the tune split the curve around it is flat enough that moving it only trades one bar against the other.)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import answering
from bot.engine import Bot
from bot.evals.evaluation import load_pack, normalize_answer, plain
from bot.settings import load_settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", default=str(ROOT.parent / "shared" / "bench" / "squad2-dev"))
    ap.add_argument("--index", default=str(ROOT / ".cache" / "eval" / "squad2-dev" / "index"))
    ap.add_argument("--target", type=float, default=0.091, help="most abstention on answerable tune questions")
    ap.add_argument("--write", action="store_true", help="store the threshold in bot/answers/reader.json")
    args = ap.parse_args()

    s = load_settings().model_copy(update={"index_dir": Path(args.index), "corpus_dir": Path(args.bench) / "corpus"})
    bot = Bot.from_settings(s, build=False)
    seen: dict = {}

    def record(self, feats):  # the model's verdict, kept instead of applied
        p = self.p_unanswerable(feats)
        seen["p"], seen["full"] = p, self.fully_supported(feats)
        return False, p

    answering.Reader.should_abstain = record
    questions, _ = load_pack(Path(args.bench), "tune")
    rows = []
    for q in questions:
        seen.clear()
        a = bot.answer(q["question"].strip())
        pred = normalize_answer(plain(a.text)) if a.grounded else ""
        gold = [normalize_answer(g) for g in q.get("answers") or [] if normalize_answer(g)]
        contains = q["answerable"] and a.grounded and any(g in pred for g in gold)
        rows.append((q["answerable"], a.grounded, contains, seen.get("p", 1.0), seen.get("full", False)))
    R = np.array(rows, dtype=float)
    ans = R[:, 0] == 1
    chosen = None
    print(f"{len(R)} tune questions ({int(ans.sum())} answerable)")
    for t in np.round(np.arange(0.60, 0.751, 0.005), 3):
        abstain = (R[:, 1] == 0) | ((R[:, 3] >= t) & (R[:, 4] == 0))
        contains = (R[:, 2] == 1) & ~abstain
        a_rate = abstain[ans].mean()
        print(f"threshold {t:.3f}: contains gold {contains[ans].mean():.4f}  abstained: unanswerable "
              f"{abstain[~ans].mean():.4f}, answerable {a_rate:.4f}")  # fmt: skip
        if chosen is None and a_rate <= args.target:
            chosen = float(t)
    print("chosen:", chosen)
    if args.write and chosen is not None:
        p = ROOT / "bot" / "answers" / "reader.json"
        w = json.loads(p.read_text())
        w["abstain"]["threshold"] = chosen
        w["abstain"]["threshold_from"] = f"scripts/gate_curve.py --target {args.target} (whole pipeline, tune split)"
        p.write_text(json.dumps(w, indent=1))
        print("wrote", p)


if __name__ == "__main__":
    main()
