"""How long from "Save the answer" on the admin page to a visitor's answer from it: the operator's loop.

A real server (uvicorn, the app of `python -m bot serve`) on a copy of the shipped corpus, over real HTTP: the
admin API saves an answer for a question the articles don't answer (POST /api/admin/answers, as the admin page
does), then a visitor asks in other words every 100 ms until the answer cites answers.md. Repeated with a new
question each time; prints the seconds from saving to the first cited answer (median, each run) beside the sync's
own duration.

  python benchmarks/answer_loop.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from _common import CACHE_DIR, SHIPPED_CORPUS, machine

from bot.engine import Bot, ingest  # noqa: E402
from bot.serve.server import create_app, uvicorn_config  # noqa: E402
from bot.settings import load_settings  # noqa: E402

TOKEN = "bench-admin-token"
NEEDS = [
    ("Do you offer a student discount?", "Is there a cheaper price for students?", "Students pay half price."),
    ("Where can visitors park?", "Is there a car park nearby?", "Visitors park free on Mill Street."),
    ("Can I bring my dog?", "Are pets allowed inside?", "Only assistance dogs may come inside."),
    ("Is there free wifi?", "Do you have internet access for guests?", "Guests get free wifi: ask at the desk."),
    ("Do you sell gift cards?", "Can I buy a voucher as a present?", "Gift cards are sold at the front desk."),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="answer-loop-"))
    shutil.copytree(SHIPPED_CORPUS, root / "corpus")
    s = load_settings(corpus_dir=root / "corpus", index_dir=root / "index", cache_dir=CACHE_DIR,
                      data_dir=root / "data", admin_token=TOKEN, rate_limit=100_000, post_limit=100_000)  # fmt: skip
    ingest(s)
    app = create_app(Bot.from_settings(s, build=False))
    port = 8765
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    url, auth = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {TOKEN}"}
    print(f"machine: {machine()}")
    took, syncs = [], []
    try:
        for q, other, answer in NEEDS[: args.runs]:
            before = httpx.post(f"{url}/api/ask", json={"question": other}, timeout=60).json()
            t0 = time.perf_counter()
            r = httpx.post(f"{url}/api/admin/answers", json={"question": q, "answer": answer}, headers=auth, timeout=60)
            r.raise_for_status()
            cited = None
            while cited is None and time.perf_counter() - t0 < 30:
                d = httpx.post(f"{url}/api/ask", json={"question": other}, timeout=60).json()
                if any(c["source"] == "answers.md" for c in d["citations"]):
                    cited = time.perf_counter() - t0
                else:
                    time.sleep(0.1)
            st = httpx.get(f"{url}/api/admin/sync", headers=auth, timeout=30).json()
            syncs.append((st.get("finished") or 0) - (st.get("started") or 0))
            was = "answered" if before["grounded"] else "declined"
            if cited is None:  # the new entry is there, but this wording does not reach it
                print(f"{other!r}: before {was}; NOT cited from answers.md within 30 s; got: {d['answer'][:80]!r}")
                continue
            took.append(cited)
            print(f"{other!r}: before {was}; from saving to cited {cited:.2f} s (that sync {syncs[-1]:.2f} s)")
    finally:
        server.should_exit = True
    print(f"cited from the new entry: {len(took)} of {len(syncs)}; median from saving to a cited answer "
          f"{statistics.median(took):.2f} s (max {max(took):.2f} s); median sync {statistics.median(syncs):.2f} s; "
          f"load {machine()['loadavg']}")  # fmt: skip


if __name__ == "__main__":
    main()
