"""`--workers N`: quoted answers computed in N answer processes (bot/serve/pool.py) behind one web process. Both
processes answer, the limits are the web process's own, a new index (an ingest in another process) reaches every
answer process within 5 s, and the chat answers (tests/test_chat_browser.py runs it in a browser)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import wait

import httpx
import pytest
from _support import CACHE_DIR, ROOT, ingest_in_another_process, small_index
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.guard import SharedRateLimiter
from bot.serve.pool import _answer
from bot.serve.server import create_app

DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"
NEW = "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n"


@pytest.fixture
def two_workers(tmp_path):
    s = small_index(
        tmp_path,
        {"bees.md": DOC},
        data_dir=tmp_path / "data",
        rate_limit=6,
        index_poll_s=0.5,
        workers=2,
        trusted_proxies=["127.0.0.1"],
    )
    app = create_app(Bot.from_settings(s, build=False))
    with LiveServer(app) as srv:
        yield srv, s, app.state.procs
    app.state.procs.shutdown()


def _from_every_worker(procs, question: str, n: int = 12) -> dict[int, dict]:
    futs = [procs.executor.submit(_answer, f"{question} ({i})", None) for i in range(n)]
    wait(futs, timeout=60)
    return {f.result()["_worker"]: f.result() for f in futs}


def test_two_answer_processes_answer_share_the_limits_and_follow_a_new_index(two_workers):
    srv, s, procs = two_workers
    assert len(procs.pids) == 2 and os.getpid() not in procs.pids
    codes = [
        httpx.post(f"{srv.url}/api/ask", json={"question": f"How many eggs does a queen lay? ({i})"}, timeout=30)
        for i in range(8)
    ]
    assert [r.status_code for r in codes] == [200] * 6 + [429] * 2  # one budget, whichever process answered
    assert "2,000 eggs" in codes[0].json()["answer"] and "_worker" not in codes[0].json()
    assert set(_from_every_worker(procs, "How many eggs does a queen lay?")) == procs.pids  # both answer

    (s.corpus_dir / "cards.md").write_text(NEW, encoding="utf-8")
    ingest_in_another_process(s)
    done = time.monotonic()
    while True:
        got = _from_every_worker(procs, "How much does a library card cost?")
        if set(got) == procs.pids and all("12 euros" in d["answer"] for d in got.values()):
            break
        assert time.monotonic() - done < 5, {w: d["answer"][:80] for w, d in got.items()}
        time.sleep(0.2)
    a = httpx.post(f"{srv.url}/api/ask/stream", json={"question": "How much does a library card cost?"},
                   headers={"X-Forwarded-For": "10.0.0.2"}, timeout=30)  # fmt: skip
    assert a.status_code == 200 and "12 euros" in a.text and "event: done" in a.text
    # the log keeps each question with the vector its answer process used: nothing embedded again here
    app_log = srv.app.state.convlog
    assert app_log.flush()
    rows = app_log.rows()
    assert len(rows) >= 7 and all(r["vector"] and len(r["vector"]) == 384 * 2 for r in rows)
    assert "_qvec" not in codes[0].json() and "_qvec" not in a.text


def test_the_shared_limiter_counts_across_processes(tmp_path):
    """BOT_RATE_LIMIT_STORAGE=sqlite: several `serve` processes on one host (behind one proxy) share counts."""
    path = tmp_path / "rl.sqlite"
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bot.serve.guard import SharedRateLimiter; "
        f"l = SharedRateLimiter({str(path)!r}, 'q', 10, 60); print(sum(l.check('c') == 0 for _ in range(8)))"
    )
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60) for _ in range(2)]
    assert [int(o.stdout.strip()) for o in outs] == [8, 2], [o.stderr[-500:] for o in outs]
    lim = SharedRateLimiter(path, "q", 10, 60)
    assert lim.check("c") > 0 and lim.check("other") == 0.0
    t = 1_000_020.0  # a window starts here; 10 questions in the window before it
    w = SharedRateLimiter(tmp_path / "w.sqlite", "q", 10, 60)
    assert all(w.check("c", now=t - 60 + i * 0.01) == 0 for i in range(10))
    assert w.check("c", now=t) > 0  # all 10 of the previous window still count
    # half-way through, half of them do: 5 more fit, the 6th waits until more has slid out
    assert [w.check("c", now=t + 30) == 0 for _ in range(6)] == [True] * 5 + [False]
    assert 0 < w.check("c", now=t + 30) <= 30


def test_answer_processes_end_when_the_web_process_is_killed(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bees.md").write_text(DOC, encoding="utf-8")
    code = (
        "import sys, time; sys.path.insert(0, {root!r}); from bot.settings import load_settings; "
        "from bot.serve.pool import AnswerPool; "
        "s = load_settings(corpus_dir={c!r}, index_dir={i!r}, cache_dir={k!r}); "
        "from bot.engine import ingest; ingest(s); p = AnswerPool(s, 2); print(*p.pids, flush=True); time.sleep(600)"
    ).format(root=str(ROOT), c=str(tmp_path / "corpus"), i=str(tmp_path / "index"), k=str(CACHE_DIR))
    web = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pids = [int(x) for x in web.stdout.readline().split()]
    assert len(pids) == 2 and all(os.path.exists(f"/proc/{p}") for p in pids)
    web.kill()
    web.wait(10)
    deadline = time.monotonic() + 10

    def alive(pid: int) -> bool:
        try:
            return "zombie" not in open(f"/proc/{pid}/status").read()
        except OSError:
            return False

    while any(alive(p) for p in pids):
        assert time.monotonic() < deadline, "answer processes outlived the web process"
        time.sleep(0.2)
