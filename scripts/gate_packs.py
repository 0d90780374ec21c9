"""What the reader's gate (bot/answers/reader.json, fitted on SQuAD 2.0's tune split alone) costs and buys on every
pack of `python -m bot eval --all`, and whether a gate refitted across packs would do better held out:

  python scripts/gate_packs.py [--bench-root ../shared/bench]

1. Every question of every pack (and 20 other-subject questions each, allpacks.add_other_subjects) is answered
   with the gate switched off; the gate's features and its decision are recorded at the reader, and whether the
   answer cites the right page or entry. Printed: right / answerable declined / declined by kind, with the
   shipped gate and without it.
2. Leave one data set out: a logistic gate over a set of the features (the shipped gate's log-odds among them),
   each pack weighted alike, labelled by whether the answer is right; its threshold chosen on the other packs for
   the most utility (a right answer +1, a decline 0, a wrong answer or an answered unanswerable question -1), and
   scored on the pack left out.
3. The curve: for gate thresholds from 0.40 to 0.95, each pack's answerable questions declined, unanswerable ones
   declined, and right entry or page cited (the shipped threshold marked *). Questions an FAQ entry answers do
   not pass the gate and do not move.
4. With --polar: yes/no questions (qtypes.polar) that the gate alone (without Reader.polar_near) declines, and,
   each data set left out in turn, the nearness at which overruling the gate does best on the others (the range
   of equally good values), with its utility on the one left out (bot/answers/answering.py POLAR_NEAR).
Prints only: nothing is written. Results of 2026-12-06 are in docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers.answering import Reader, load_weights  # noqa: E402
from bot.evals import allpacks  # noqa: E402
from bot.settings import load_settings  # noqa: E402

SETS = {
    "shipped log-odds only": ["lp"],
    "log-odds, best sentence cosine, question length": ["lp", "sdense_max", "n_terms"],
    "8 plain features": [
        "p_best",
        "sdense_max",
        "sdense_best",
        "cov_best",
        "max_missing_window",
        "n_terms",
        "dense1",
        "bm25n1",
    ],  # fmt: skip
    "all 28": None,
}


def collect(bench: Path) -> dict[str, list[dict]]:
    s = load_settings()
    cache = Path(s.cache_dir) / "eval"
    pairs = allpacks.faq_packs(bench, cache)
    packs = [p for pair in pairs for p in pair] + allpacks.passage_packs(bench, cache) + allpacks.table_packs()
    allpacks.add_other_subjects(packs)
    rec: list = []
    orig = Reader.should_abstain

    def record(self, feats):
        p = self.p_unanswerable(feats)
        rec.append((dict(feats), p, orig(self, feats)[0]))
        return False, p

    Reader.should_abstain = record
    data = {}
    try:
        for p in packs:
            bot = allpacks._bot(p, s, cache)
            rows = []
            items = [("ans", q) for q in p.answerable] + [(u["kind"], u) for u in p.unanswerable]
            for kind, q in items:
                rec.clear()
                a = bot.answer(q["question"], q.get("history"))
                ok = kind == "ans" and allpacks.answer_right(p, a, q)
                rows.append({"kind": kind, "grounded": a.grounded, "ok": bool(ok), "rec": list(rec)})
            data[p.name] = rows
            print(f"collected {p.name}: {len(rows)}", flush=True)
    finally:
        Reader.should_abstain = orig
    return data


def _final(r, decline) -> tuple[bool, bool]:
    if len(r["rec"]) == 1 and decline(r):  # one reader decision (not a compound question, not an entry answer)
        return False, False
    return r["grounded"], r["ok"]


def utility(rows, decline) -> float:
    u = []
    for r in rows:
        g, ok = _final(r, decline)
        u.append((1 if ok else 0 if not g else -1) if r["kind"] == "ans" else (1 if not g else -1))
    return float(np.mean(u))


def summary(rows, decline) -> str:
    ans = [r for r in rows if r["kind"] == "ans"]
    kinds: dict[str, list[bool]] = {}
    for r in rows:
        if r["kind"] != "ans":
            kinds.setdefault(r["kind"], []).append(not _final(r, decline)[0])
    right = np.mean([_final(r, decline)[1] for r in ans])
    declined = np.mean([not _final(r, decline)[0] for r in ans])
    return f"right {right:.3f}, answerable declined {declined:.3f}; " + ", ".join(
        f"{k} {np.mean(v):.2f}" for k, v in kinds.items()
    )


def _x(r, names):
    f, p, _ = r["rec"][0]
    return np.array([1.0] + [math.log(max(1e-6, 1 - p) / max(1e-6, p)) if n == "lp" else f[n] for n in names])


def fit(packs: dict[str, list[dict]], names, l2: float = 1.0):
    xs, ys, ws = [], [], []
    for rows in packs.values():
        rr = [r for r in rows if len(r["rec"]) == 1]
        for r in rr:
            xs.append(_x(r, names))
            ys.append(float(r["kind"] == "ans" and r["ok"]))
            ws.append(1.0 / len(rr))
    X, y, w = np.array(xs), np.array(ys), np.array(ws)
    w = w / w.sum() * len(w)
    mu, sd = X.mean(0), X.std(0)
    sd[sd == 0], mu[0], sd[0] = 1, 0, 1
    Z = (X - mu) / sd
    b = np.zeros(Z.shape[1])
    R = l2 * np.diag(np.r_[0, np.ones(len(b) - 1)])
    for _ in range(50):  # Newton steps
        p = 1 / (1 + np.exp(-Z @ b))
        b -= np.linalg.solve((Z * (w * p * (1 - p))[:, None]).T @ Z + R, Z.T @ (w * (p - y)) + R @ b)
    return lambda r: float(1 / (1 + np.exp(-((_x(r, names) - mu) / sd) @ b)))


def below(model, t: float):
    """The decision "decline when the refitted gate's probability of a right answer is below t"."""
    return lambda r: model(r) < t


def at_threshold(t: float):
    """The shipped gate's decision with its threshold moved to t."""
    return lambda r: r["rec"][0][1] >= t and not Reader.fully_supported(r["rec"][0][0])


def curve(data: dict[str, list[dict]], shipped_t: float) -> None:
    grid = sorted({round(x, 2) for x in np.arange(0.40, 0.951, 0.05)} | {round(shipped_t, 4)})
    print("\nthe curve (threshold: answerable declined / unanswerable declined / right):")
    for n, rows in data.items():
        cells = []
        for t in grid:
            dec = at_threshold(t)
            ans = [r for r in rows if r["kind"] == "ans"]
            un = [r for r in rows if r["kind"] != "ans"]
            da = np.mean([not _final(r, dec)[0] for r in ans]) if ans else float("nan")
            du = np.mean([not _final(r, dec)[0] for r in un]) if un else float("nan")
            ok = np.mean([_final(r, dec)[1] for r in ans]) if ans else float("nan")
            cells.append(f"{t:g}{'*' if t == round(shipped_t, 4) else ''}: {da:.2f}/{du:.2f}/{ok:.2f}")
        print(f"  {n}: " + "; ".join(cells))


def gate_alone(r) -> bool:
    """The gate's own decision, without the yes/no rule (Reader.polar_near)."""
    f, p, _ = r["rec"][0]
    return p >= float(load_weights()["abstain"]["threshold"]) and not Reader.fully_supported(f)


def polar(data: dict[str, list[dict]], shipped: float) -> None:
    grid = [round(x, 3) for x in np.arange(0.80, 0.9201, 0.005)]
    rows = {n: [r for r in rr if len(r["rec"]) == 1 and r["rec"][0][0].get("_polar")] for n, rr in data.items()}

    def util(rr, t):  # the gate overruled at nearness >= t
        return sum(
            (1 if r["kind"] == "ans" and r["ok"] else -1)
            for r in rr
            if not gate_alone(r) or r["rec"][0][0]["sdense_max"] >= t
        )

    print("\nyes/no questions the gate alone declines (pack, right answer or kind, nearness):")
    for n, rr in rows.items():
        for r in rr:
            if gate_alone(r):
                lab = ("right" if r["ok"] else "wrong") if r["kind"] == "ans" else r["kind"]
                print(f"  {n}: {lab}, {r['rec'][0][0]['sdense_max']:.3f}")
    print("\noverruling the gate for yes/no questions at a nearness, each data set left out:")
    for fam in dict.fromkeys(allpacks.family(n) for n in rows):
        others = [r for n, rr in rows.items() if allpacks.family(n) != fam for r in rr]
        held = [r for n, rr in rows.items() if n.startswith(fam) and "removed" not in n for r in rr]
        best = max(util(others, t) for t in grid)
        good = [t for t in grid if util(others, t) == best]
        mid = good[len(good) // 2]
        print(f"  {fam}: best on the others {good[0]:.3f}-{good[-1]:.3f} (middle {mid:.3f}); held out: utility"
              f" {util(held, mid):+d} at the middle, {util(held, shipped):+d} at the shipped {shipped},"
              f" {util(held, 9.0):+d} with the gate alone ({len(held)} yes/no questions)")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "bench"))
    ap.add_argument("--polar", action="store_true", help="only the yes/no rule's evidence (step 4)")
    args = ap.parse_args()
    data = collect(Path(args.bench_root))
    if args.polar:
        from bot.answers.answering import POLAR_NEAR

        polar(data, POLAR_NEAR)
        return
    shipped = lambda r: r["rec"][0][2]  # noqa: E731
    curve(data, float(load_weights()["abstain"]["threshold"]))
    print("\nthe shipped gate / no gate:")
    for n, rows in data.items():
        print(f"  {n}: {summary(rows, shipped)}  |  without: {summary(rows, lambda r: False)}")
    names_all = [n for n in load_weights()["features"]["abstain"] if n != "bias"]
    grid = np.round(np.arange(0.05, 0.95, 0.05), 2)
    for label, names in SETS.items():
        names = names or names_all
        print(f"\nrefitted across packs, left out in turn ({label}):")
        us, ush = [], []
        for held in data:
            others = {n: r for n, r in data.items() if allpacks.family(n) != allpacks.family(held)}
            m = fit(others, names)
            t = max(grid, key=lambda t, m=m, others=others: np.mean([utility(r, below(m, t)) for r in others.values()]))
            us.append(utility(data[held], below(m, t)))
            ush.append(utility(data[held], shipped))
            print(f"  {held}: threshold {t:.2f}, utility {us[-1]:+.3f} (shipped {ush[-1]:+.3f}); "
                  f"{summary(data[held], below(m, t))}")  # fmt: skip
        print(f"  mean utility {np.mean(us):+.3f} (shipped {np.mean(ush):+.3f})")


if __name__ == "__main__":
    main()
