"""Load on the JSON API over loopback: N concurrent clients for T seconds, then memory over many questions.

    python3 benchmarks/api_load.py [--clients 20] [--seconds 30] [--questions 1000] [--json PATH]

Starts the real server (`python -m bot serve`) on a free 127.0.0.1 port with the shipped corpus, the
rate limits raised out of the way (BOT_RATE_LIMIT, BOT_POST_LIMIT = 10^9), this script as a trusted proxy
(BOT_TRUSTED_PROXIES) and each thread its own client address in X-Forwarded-For (one question in flight per
client is the server's rule), and distinct questions (our own set, then squad2 questions) so the query-embedding cache
does not make repeats free. Prints: single-client latency and throughput; with N clients: errors,
latency p50/p95 and throughput; then the server's RSS every 100 questions over --questions questions.
Only loopback is contacted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

import httpx
from _common import (
    CACHE_DIR,
    SHIPPED_CORPUS,
    SHIPPED_INDEX,
    bot_server,
    distinct_questions,
    header,
    machine,
    machine_line,
    rss_mb,
    stats_ms,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--single-seconds", type=float, default=10.0)
    ap.add_argument("--questions", type=int, default=1000, help="questions for the memory run")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header(f"API load: {args.clients} clients x {args.seconds:.0f} s, then RSS over {args.questions} questions")

    env = {
        "BOT_CORPUS_DIR": str(SHIPPED_CORPUS),
        "BOT_INDEX_DIR": str(SHIPPED_INDEX),
        "BOT_CACHE_DIR": str(CACHE_DIR),
        "BOT_RATE_LIMIT": str(10**9),
        "BOT_POST_LIMIT": str(10**9),
        "BOT_TRUSTED_PROXIES": '["127.0.0.1"]',
        "BOT_DATA_DIR": str(CACHE_DIR / "bench-data"),
    }
    with bot_server(env) as (url, proc):
        pool = distinct_questions()
        lock = threading.Lock()
        cursor = [0]

        def next_q() -> str:
            with lock:
                q = pool[cursor[0] % len(pool)]
                cursor[0] += 1
                return q

        def run(clients: int, seconds: float) -> dict:
            lat, errors, stop = [], [], time.monotonic() + seconds

            def worker(i):
                with httpx.Client(timeout=30, headers={"X-Forwarded-For": f"10.{i // 250}.{i % 250}.1"}) as c:
                    while time.monotonic() < stop:
                        t = time.perf_counter()
                        try:
                            r = c.post(f"{url}/api/ask", json={"question": next_q()})
                            ok = r.status_code == 200 and "answer" in r.json()
                        except httpx.HTTPError as e:
                            ok, r = False, e
                        with lock:
                            (lat.append(time.perf_counter() - t) if ok else errors.append(str(r)[:200]))

            t0 = time.perf_counter()
            ts = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            wall = time.perf_counter() - t0
            return {
                "clients": clients,
                "requests": len(lat),
                "errors": len(errors),
                "error_samples": errors[:5],
                "throughput_rps": round(len(lat) / wall, 2),
                "latency_ms": stats_ms(lat),
            }

        run(1, 2)  # warm-up
        single = run(1, args.single_seconds)
        many = run(args.clients, args.seconds)
        print(f"\n{'run':<22} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}")
        for name, r in (("1 client", single), (f"{args.clients} clients", many)):
            print(
                f"{name:<22} {r['requests']:>8} {r['errors']:>6} {r['throughput_rps']:>7} "
                f"{r['latency_ms']['p50']:>8.1f} {r['latency_ms']['p95']:>8.1f}"
            )
        print(
            f"   throughput ratio {args.clients} clients / 1 client: "
            f"{many['throughput_rps'] / max(single['throughput_rps'], 1e-9):.2f}x (2 cores)"
        )
        print(f"   TARGET zero errors with {args.clients} clients: {'MET' if many['errors'] == 0 else 'NOT MET'}")

        samples = [(0, rss_mb(proc.pid))]
        with httpx.Client(timeout=30) as c:
            for i in range(1, args.questions + 1):
                r = c.post(f"{url}/api/ask", json={"question": next_q()})
                if r.status_code != 200:
                    print("   error during memory run:", r.status_code, r.text[:200])
                if i % 100 == 0:
                    samples.append((i, rss_mb(proc.pid)))
        print("\nserver RSS (MB) after N more questions: " + ", ".join(f"{n}: {m:.0f}" for n, m in samples))
        last = samples[-1][1]
        growth = samples[-1][1] - samples[len(samples) // 2][1]
        print(
            f"   RSS at the end {last:.0f} MB; growth over the second half {growth:+.1f} MB; "
            f"TARGET <= 700 MB and not growing: {'MET' if last <= 700 and growth < 20 else 'CHECK'}"
        )
        end = machine()
        print("   " + machine_line("start", start))
        print("   " + machine_line("end", end))
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {"start": start, "end": end, "single": single, "many": many, "rss_samples": samples}, indent=1
                )
            )


if __name__ == "__main__":
    main()
