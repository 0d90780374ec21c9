"""Issue 10's load and abuse table, re-run against the real server on loopback, with today's outcome per row.

    python3 benchmarks/abuse.py [--clients 200] [--seconds 20] [--json PATH]

Starts `python -m bot serve` twice on free 127.0.0.1 ports with the shipped corpus: once as configured by
default (for the X-Forwarded-For row), once with this script as a trusted proxy (BOT_TRUSTED_PROXIES), so that
it can pose as many clients by X-Forwarded-For. Every loop is bounded in count and time; only loopback is
contacted. Rows:

 1. 8 questions of 2,000 random CJK characters from one client (and from 8 clients), then one normal question
    from another: the normal question's time, against the same question alone (median of 5 rounds);
 2. a 50 MB upload to the chat's Gradio upload route;
 3. 1,000 feedback posts of 80 KB; and 300 small ones from one client;
 4. 100 calls to the chat's API (/chat/gradio_api/call/chat) while /api/ask answers 429;
 5. made-up X-Forwarded-For values, server as configured by default;
 6. the rate limiter after 30,000 distinct clients: time per check and memory (in process);
 7. a lone surrogate in the question;
 8. a file added and `python -m bot ingest` run in another process: how soon the running server answers from it;
 9. a 100 MB body: status, time to the answer, server RSS before and after;
10. who may frame /chat/;
11. 200 concurrent clients (one asyncio process, raw HTTP/1.1 keep-alive, little CPU), unique questions:
    status counts, connection errors, p50/p95 of the answers, throughput.
12. hostile files uploaded on the admin page of a running server, one at a time, each followed by a sync (the
    bombs of tests/bombs.py): a .docx zip bomb (150 MB unpacked), the same let past the zip check
    (BOT_MAX_UNPACKED_MB raised; the child reading it has BOT_READ_MEMORY_MB=400), a PDF page tree 150 deep, a
    PDF whose 300 pages share one 1 MB text stream, and a symbolic link to /etc/passwd, five of each, the sync's
    state polled every 0.5 s as the admin page does: for each, seconds from the upload to the sync's end (target
    <= 5), the server's peak RSS over its RSS before (target <= +300 MB), another client's answer p50 while the
    syncs run against idle (target <= 2x), and the reason the admin page gives.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import threading
import time
import tracemalloc
from pathlib import Path

import httpx
from _common import (
    CACHE_DIR,
    ROOT,
    SHIPPED_CORPUS,
    SHIPPED_INDEX,
    bot_server,
    distinct_questions,
    header,
    machine,
    machine_line,
    rss_mb,
)


def cjk(n: int, rng: random.Random) -> str:
    return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(n))


def as_client(ip: str) -> dict:
    return {"X-Forwarded-For": ip}


def row1(url: str, rng: random.Random) -> dict:
    """Attack texts made and connections opened beforehand, so that the probe's own work is not timed; the
    server's own figure for the normal question (timings_ms.total) is kept beside the client's."""
    normal = [
        "Who will Zelensky meet in London?",
        "What security guarantees are being considered?",
        "What is NATO's role?",
        "Which European leaders are involved?",
        "What does the US want?",
    ]
    alone, attacked, attacked8, server_ms, outcomes = [], [], [], {"alone": [], "1": [], "8": []}, []
    with httpx.Client(timeout=120) as c:
        c.post(f"{url}/api/ask", json={"question": "warm up"}, headers=as_client("10.1.1.1"))
        for i, q in enumerate(normal):
            t = time.perf_counter()
            r = c.post(f"{url}/api/ask", json={"question": q + " (alone)"}, headers=as_client(f"10.1.0.{i}"))
            alone.append(time.perf_counter() - t)
            server_ms["alone"].append(r.json()["timings_ms"]["total"])
    for many_ips, out in ((False, attacked), (True, attacked8)):
        for i, q in enumerate(normal):
            texts = [cjk(2000, rng) for _ in range(8)]
            ips = [f"10.{66 + many_ips}.{i}.{k if many_ips else 0}" for k in range(8)]
            clients = [httpx.Client(timeout=120, headers=as_client(ip)) for ip in ips]
            for c in clients:  # open each connection first
                c.get(f"{url}/api/health")
            probe = httpx.Client(timeout=120, headers=as_client(f"10.2.{int(many_ips)}.{i}"))
            probe.get(f"{url}/api/health")
            go = threading.Barrier(9)
            codes = []

            def attack(k, go=go, codes=codes, clients=clients, texts=texts):
                go.wait()
                codes.append(clients[k].post(f"{url}/api/ask", json={"question": texts[k]}).status_code)

            ts = [threading.Thread(target=attack, args=(k,)) for k in range(8)]
            for t in ts:
                t.start()
            go.wait()
            time.sleep(0.02)  # the attack first, then the normal question
            t0 = time.perf_counter()
            r = probe.post(f"{url}/api/ask", json={"question": f"{q} ({'8 ips' if many_ips else 'one ip'})"})
            out.append(time.perf_counter() - t0)
            server_ms["8" if many_ips else "1"].append(r.json()["timings_ms"]["total"])
            for t in ts:
                t.join()
            for c in [*clients, probe]:
                c.close()
            outcomes.append({"attackers": 8 if many_ips else 1, "codes": sorted(codes)})
    a, b, b8 = (statistics.median(x) * 1000 for x in (alone, attacked, attacked8))
    return {
        "normal_alone_ms": round(a, 1),
        "normal_during_attack_one_client_ms": round(b, 1),
        "normal_during_attack_8_clients_ms": round(b8, 1),
        "added_ms_one_client": round(b - a, 1),
        "added_ms_8_clients": round(b8 - a, 1),
        "server_total_ms_median_alone_1_8": [round(statistics.median(v), 1) for v in server_ms.values()],
        "attack_status_codes": outcomes[:2] + outcomes[5:7],
    }


def row2(url: str, proc) -> dict:
    before = rss_mb(proc.pid)
    big = b"\0" * (50 * 1024 * 1024)
    t = time.perf_counter()
    try:
        r = httpx.post(f"{url}/chat/gradio_api/upload", files={"files": ("big.bin", big)}, timeout=60)
        status, body = r.status_code, r.text[:120]
    except httpx.HTTPError as e:  # the server may close the connection once it has refused
        status, body = "closed", str(e)[:120]
    small = httpx.post(f"{url}/chat/gradio_api/upload", files={"files": ("a.txt", b"hello")}, timeout=30)
    return {"status_50mb": status, "body": body, "ms": round((time.perf_counter() - t) * 1000, 1),
            "status_small_file": small.status_code, "rss_mb_before_after": [round(before), round(rss_mb(proc.pid))]}  # fmt: skip


def row3(url: str, data_dir: Path) -> dict:
    fb = {"question": "q", "answer": "a", "rating": "up", "citations": [{"n": 1, "quote": "x" * 80_000}]}
    codes: dict = {}
    t = time.perf_counter()
    with httpx.Client(timeout=30, headers=as_client("10.3.0.1")) as c:
        for _ in range(1000):
            s = c.post(f"{url}/api/feedback", json=fb).status_code
            codes[s] = codes.get(s, 0) + 1
    big_s = time.perf_counter() - t
    small = {"question": "q", "answer": "a", "rating": "down"}
    codes_small: dict = {}
    with httpx.Client(timeout=30, headers=as_client("10.3.0.2")) as c:
        for _ in range(300):
            s = c.post(f"{url}/api/feedback", json=small).status_code
            codes_small[s] = codes_small.get(s, 0) + 1
    db = data_dir / "feedback.sqlite"
    return {"codes_80kb": codes, "seconds_80kb": round(big_s, 2), "codes_small_one_client": codes_small,
            "feedback_db_kb": round(db.stat().st_size / 1024, 1) if db.exists() else 0}  # fmt: skip


def row4(url: str) -> dict:
    h = as_client("10.4.0.1")
    with httpx.Client(timeout=60, headers=h) as c:
        ask = [c.post(f"{url}/api/ask", json={"question": f"What is NATO's role? {i}"}).status_code for i in range(31)]
        calls: dict = {}
        for i in range(100):
            s = c.post(f"{url}/chat/gradio_api/call/chat", json={"data": [f"What is NATO? {i}"]}).status_code
            calls[s] = calls.get(s, 0) + 1
    return {"api_ask_last_status": ask[-1], "chat_api_calls": calls}


def row5(url: str) -> dict:
    codes: dict = {}
    with httpx.Client(timeout=60) as c:
        for i in range(35):
            r = c.post(f"{url}/api/ask", json={"question": f"Who is meeting in London? {i}"},
                       headers={"X-Forwarded-For": f"198.51.100.{i}"})  # fmt: skip
            codes[r.status_code] = codes.get(r.status_code, 0) + 1
    return {"35_questions_with_made_up_xff": codes}


def row6() -> dict:
    from bot.serve.guard import RateLimiter

    lim = RateLimiter(30, 60.0)
    t0 = 1000.0

    def median_check_us(n=2000, base=0.0):
        xs = []
        for i in range(n):
            t = time.perf_counter()
            lim.check(f"probe{i % 10}", now=t0 + base + i * 1e-4)
            xs.append(time.perf_counter() - t)
        return statistics.median(xs) * 1e6

    def fill(limiter, base):
        for i in range(30_000):
            limiter.check(f"203.0.{i // 250}.{i % 250}", now=t0 + base + i * 1e-3)

    before = median_check_us()
    fill(lim, 1)
    during = median_check_us(base=31)
    later = median_check_us(base=200)  # a window after the 30,000 went idle
    lim2 = RateLimiter(30, 60.0)  # memory, measured apart (tracemalloc slows every allocation)
    tracemalloc.start()
    m0 = tracemalloc.get_traced_memory()[0]
    fill(lim2, 1)
    m1 = tracemalloc.get_traced_memory()[0]
    lim2.check("probe", now=t0 + 200)
    m2 = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {"check_us_median_before": round(before, 2), "with_30000_clients": round(during, 2),
            "a_window_later": round(later, 2), "clients_remembered_later": len(lim),
            "memory_kb_30000_clients": round((m1 - m0) / 1024), "memory_kb_a_window_later": round((m2 - m0) / 1024)}  # fmt: skip


def row7(url: str) -> dict:
    r = httpx.post(f"{url}/api/ask", content=b'{"question": "What is NATO \\ud800 role?"}',
                   headers={"Content-Type": "application/json", **as_client("10.7.0.1")})  # fmt: skip
    return {"status": r.status_code, "body": r.text[:160]}


def row8(base: dict) -> dict:
    """A copy of the shipped corpus in a temporary folder, served; a file added and `python -m bot ingest` run
    in another process: seconds from the ingest's end until the server answers from the new file."""
    import shutil
    import subprocess
    import sys
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="bot-abuse-row8-"))
    try:
        shutil.copytree(SHIPPED_CORPUS, tmp / "corpus")
        env = {**base, "BOT_CORPUS_DIR": str(tmp / "corpus"), "BOT_INDEX_DIR": str(tmp / "index")}
        with bot_server(env, timeout=300) as (url, proc):
            before = httpx.get(url + "/api/health").json()
            (tmp / "corpus" / "cards.md").write_text(
                "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n",
                encoding="utf-8",
            )
            t = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "bot", "ingest"], cwd=ROOT, env={**__import__("os").environ, **env},
                               capture_output=True, text=True, timeout=600)  # fmt: skip
            ingest_s = time.perf_counter() - t
            t = time.perf_counter()
            seen = None
            while time.perf_counter() - t < 30:
                d = httpx.post(url + "/api/ask", json={"question": "How much does a library card cost?"}).json()
                if any(c.get("source") == "cards.md" for c in d.get("citations", [])):
                    seen = time.perf_counter() - t
                    break
                time.sleep(0.1)
            after = httpx.get(url + "/api/health").json()
        return {"ingest_rc": r.returncode, "ingest_s": round(ingest_s, 1),
                "answered_from_new_file_after_s": round(seen, 2) if seen is not None else None,
                "documents_before_after": [before["documents"], after["documents"]]}  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def row9(url: str, proc) -> dict:
    import socket

    port = int(url.rsplit(":", 1)[1])
    before = rss_mb(proc.pid)
    t = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(
            b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"
        )
        first = s.recv(4096)
        took = time.perf_counter() - t
    # and a chunked 100 MB body with no Content-Length
    big = b'{"question": "' + b"x" * (100 * 1024 * 1024) + b'"}'
    t2 = time.perf_counter()
    try:
        chunked = httpx.post(url + "/api/ask", content=iter([big[i : i + (1 << 20)] for i in range(0, len(big), 1 << 20)]),
                             headers={"Content-Type": "application/json"}, timeout=60).status_code  # fmt: skip
    except httpx.HTTPError as e:
        chunked = f"closed ({type(e).__name__})"
    return {"status_declared_100mb": first.split(b"\r\n", 1)[0].decode(), "ms_to_answer": round(took * 1000, 1),
            "status_chunked_100mb": chunked, "chunked_ms": round((time.perf_counter() - t2) * 1000, 1),
            "rss_mb_before_after": [round(before), round(rss_mb(proc.pid))]}  # fmt: skip


def row10(url: str) -> dict:
    r = httpx.get(url + "/chat/")
    return {"content-security-policy": r.headers.get("content-security-policy")}


async def _client(url: str, ip: str, questions, stop: float, out: dict) -> None:
    host, port = url.split("//")[1].split(":")
    reader = writer = None
    while time.monotonic() < stop:
        q = questions()
        body = json.dumps({"question": q}).encode()
        req = (f"POST /api/ask HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nX-Forwarded-For: {ip}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body  # fmt: skip
        t = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(req)
            await writer.drain()
            status_line = await asyncio.wait_for(reader.readline(), 60)
            status = int(status_line.split()[1])
            length, retry = 0, None
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                k, _, v = line.decode("latin-1").partition(":")
                if k.lower() == "content-length":
                    length = int(v)
                elif k.lower() == "retry-after":
                    retry = float(v)
            await reader.readexactly(length)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError) as e:
            out["conn_errors"].append(type(e).__name__)
            writer = None
            await asyncio.sleep(0.1)
            continue
        took = time.perf_counter() - t
        out["codes"][status] = out["codes"].get(status, 0) + 1
        if status == 200:
            out["ok"].append(took)
        else:
            out["refused"].append(took)
            await asyncio.sleep(min(retry or 1.0, 2.0))  # a polite client waits as told (at most 2 s here)
    if writer is not None:
        writer.close()


def row11(url: str, clients: int, seconds: float) -> dict:
    pool = distinct_questions()
    cursor = [0]

    def next_q():
        cursor[0] += 1
        return pool[cursor[0] % len(pool)] + ("" if cursor[0] < len(pool) else f" {cursor[0]}")

    out = {"codes": {}, "ok": [], "refused": [], "conn_errors": []}

    async def main():
        stop = time.monotonic() + seconds
        await asyncio.gather(*[_client(url, f"10.11.{i // 250}.{i % 250}", next_q, stop, out) for i in range(clients)])

    t0 = time.perf_counter()
    asyncio.run(main())
    wall = time.perf_counter() - t0
    ok = sorted(out["ok"])

    def pct(p):
        return round(ok[min(len(ok) - 1, int(p * len(ok)))] * 1000, 1) if ok else None

    return {"clients": clients, "seconds": round(wall, 1), "status_counts": out["codes"],
            "connection_errors": len(out["conn_errors"]), "answered_per_s": round(len(ok) / wall, 1),
            "answer_p50_ms": pct(0.5), "answer_p95_ms": pct(0.95),
            "refusal_p50_ms": round(statistics.median(out["refused"]) * 1000, 1) if out["refused"] else None}  # fmt: skip


def _bomb_round(url: str, proc, upload, corpus: Path, token: str, repeats: int = 5) -> dict:
    """One kind of hostile file through the admin page, `repeats` times (each under a new name, each its own
    sync): seconds to refusal, the server's RSS, and another client's answers while the syncs run."""
    auth = {"Authorization": f"Bearer {token}"}
    asked: list[float] = []
    peak = [rss_mb(proc.pid)]
    before = peak[0]
    stop, syncing = threading.Event(), threading.Event()
    questions = distinct_questions()[40:]  # others than the idle round's, none asked twice (no cache helps)

    def sample() -> None:
        while not stop.is_set():
            peak.append(rss_mb(proc.pid))
            time.sleep(0.02)

    def ask() -> None:
        with httpx.Client(timeout=60) as c:
            for q in questions:
                if stop.is_set():
                    break
                t = time.perf_counter()
                r = c.post(url + "/api/ask", json={"question": q}, headers=as_client("10.9.9.9"))
                if r.status_code == 200 and syncing.is_set():
                    asked.append((time.perf_counter() - t) * 1000)

    threads = [threading.Thread(target=sample, daemon=True), threading.Thread(target=ask, daemon=True)]
    for th in threads:
        th.start()
    took, reasons = [], []
    # one admin client for the whole round: a new httpx client per call builds an SSL context (tens of ms of
    # this process's CPU), which slowed the other client's timings here, not the server's answers
    admin = httpx.Client(headers=auth, timeout=120)
    for i in range(repeats):
        name = f"{i}-{upload[1]}"
        runs = admin.get(url + "/api/admin/sync").json().get("runs", 0)
        syncing.set()
        t0, wall0 = time.perf_counter(), time.time()
        if upload[0] == "link":
            (corpus / name).symlink_to(upload[2])
            admin.post(url + "/api/admin/sync")
        else:
            admin.post(url + "/api/admin/documents", files=[("files", (name, upload[2], "application/octet-stream"))])
        while True:  # as the admin page does: every 0.5 s
            st = admin.get(url + "/api/admin/sync").json()
            if st.get("runs", 0) > runs and not st["running"] and not st.get("queued"):
                break
            time.sleep(0.5)
        # the sync's own end (the server's clock, this machine's): not rounded up to the polling interval
        took.append(st["finished"] - wall0 if st.get("finished") else time.perf_counter() - t0)
        syncing.clear()
        docs = admin.get(url + "/api/admin/documents").json()["documents"]
        d = next((x for x in docs if x["source"] == name), {})
        reasons.append(d.get("error") if d.get("status") == "error" else None)
        time.sleep(0.3)
    stop.set()
    admin.close()
    for th in threads:
        th.join(10)
    return {"refused": f"{sum(r is not None for r in reasons)} of {repeats}", "reason": (reasons[0] or "")[:160],
            "seconds_median_max": [round(statistics.median(took), 2), round(max(took), 2)],
            "rss_mb_before": round(before), "peak_rss_over_before_mb": round(max(peak) - before),
            "other_client_p50_ms_during": round(statistics.median(asked), 1) if asked else None,
            "answers_during": len(asked)}  # fmt: skip


def row12(base: dict) -> dict:
    import shutil
    import sys
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from bombs import deep_page_tree, docx_bomb, shared_stream_pdf

    token = "abuse-admin-token"
    out = {}
    rounds = [
        ({}, "zip bomb .docx, 150 MB unpacked", ("file", "bomb.docx", docx_bomb(150))),
        ({"BOT_MAX_UNPACKED_MB": "2000", "BOT_READ_MEMORY_MB": "400"}, "the same past the zip check (child: 400 MB)",
         ("file", "bomb2.docx", docx_bomb(150))),
        ({}, "PDF page tree 150 deep", ("file", "deep.pdf", deep_page_tree())),
        ({}, "PDF, 300 pages sharing one 1 MB stream", ("file", "slow.pdf", shared_stream_pdf())),
        ({}, "symbolic link to /etc/passwd", ("link", "passwd.txt", Path("/etc/passwd"))),
    ]  # fmt: skip
    for extra, name, upload in rounds:
        tmp = Path(tempfile.mkdtemp(prefix="bot-abuse-row12-"))
        try:
            shutil.copytree(SHIPPED_CORPUS, tmp / "corpus")
            env = {**base, "BOT_CORPUS_DIR": str(tmp / "corpus"), "BOT_INDEX_DIR": str(tmp / "index"),
                   "BOT_DATA_DIR": str(tmp / "data"), "BOT_ADMIN_TOKEN": token, "BOT_TRUSTED_PROXIES": '["127.0.0.1"]',
                   "BOT_RATE_LIMIT": "1000000", "BOT_POST_LIMIT": "1000000", **extra}  # fmt: skip
            with bot_server(env, timeout=300) as (url, proc), httpx.Client(timeout=60) as c:
                idle = []
                for q in distinct_questions()[:40]:
                    t = time.perf_counter()
                    c.post(url + "/api/ask", json={"question": q}, headers=as_client("10.9.9.9"))
                    idle.append((time.perf_counter() - t) * 1000)
                r = _bomb_round(url, proc, upload, tmp / "corpus", token)
                r["other_client_p50_ms_idle"] = round(statistics.median(idle), 1)
                out[name] = r
                print(f"   12 {name}: {json.dumps(r)}", flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--rows", default="all", choices=("all", "12"), help="'12': only the hostile files")
    args = ap.parse_args()
    start = header("abuse and load probe (issue 10's table)")
    rng = random.Random(0)
    data = CACHE_DIR / "bench-abuse-data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "feedback.sqlite").unlink(missing_ok=True)
    base = {"BOT_CORPUS_DIR": str(SHIPPED_CORPUS), "BOT_INDEX_DIR": str(SHIPPED_INDEX), "BOT_CACHE_DIR": str(CACHE_DIR),
            "BOT_DATA_DIR": str(data)}  # fmt: skip
    res = {}
    if args.rows == "12":  # the hostile files alone
        res["12 hostile files on the admin page"] = row12(base)
        return _finish(start, res, args.json)
    with bot_server(base) as (url, proc):
        res["5 made-up X-Forwarded-For (default settings)"] = row5(url)
        print(f"-- 5 made-up X-Forwarded-For: {json.dumps(res['5 made-up X-Forwarded-For (default settings)'])}")
    with bot_server({**base, "BOT_TRUSTED_PROXIES": '["127.0.0.1"]'}) as (url, proc):
        for name, fn in (
            ("1 long questions stall others", lambda: row1(url, rng)),
            ("2 Gradio upload", lambda: row2(url, proc)),
            ("3 feedback flood", lambda: row3(url, data)),
            ("4 chat API past the limit", lambda: row4(url)),
            ("7 lone surrogate", lambda: row7(url)),
            ("9 100 MB body", lambda: row9(url, proc)),
            ("10 framing", lambda: row10(url)),
            (f"11 load: {args.clients} clients", lambda: row11(url, args.clients, args.seconds)),
        ):
            res[name] = fn()
            print(f"-- {name}: {json.dumps(res[name], ensure_ascii=False)}", flush=True)
    with bot_server({**base, "BOT_TRUSTED_PROXIES": '["127.0.0.1"]', "BOT_WORKERS": "2"}, timeout=300) as (url, proc):
        name = f"11b load: {args.clients} clients, --workers 2"
        res[name] = row11(url, args.clients, args.seconds)
        print(f"-- {name}: {json.dumps(res[name])}", flush=True)
    one, two = res[f"11 load: {args.clients} clients"], res[f"11b load: {args.clients} clients, --workers 2"]
    ratio = two["answered_per_s"] / max(one["answered_per_s"], 1e-9)
    res["11c throughput ratio, 2 workers / 1"] = round(ratio, 2)
    print(f"-- 11c answered/s with 2 answer processes / 1: {ratio:.2f}x (target >= 1.5x)")
    res["6 limiter after 30,000 clients (in process)"] = row6()
    print(f"-- 6 limiter: {json.dumps(res['6 limiter after 30,000 clients (in process)'])}")
    res["8 new index in a running server"] = row8(base)
    print(f"-- 8 new index in a running server: {json.dumps(res['8 new index in a running server'])}")
    res["12 hostile files on the admin page"] = row12(base)
    _finish(start, res, args.json)


def _finish(start, res: dict, json_path: str | None) -> None:
    end = machine()
    print("   " + machine_line("start", start))
    print("   " + machine_line("end", end))
    if json_path:
        Path(json_path).write_text(json.dumps({"machine": [start, end], "rows": res}, indent=1))


if __name__ == "__main__":
    main()
