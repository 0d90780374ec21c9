"""Rate limits across hosts: BOT_RATE_LIMIT_STORAGE=redis://... against a real redis-server (Debian's, started
here; scripts/test.sh installs it). Two app servers (as on two hosts) share one budget per client; when Redis
goes away each process counts by itself instead of failing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import httpx
import pytest
from _support import small_index
from browser_support import free_port
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.guard import RedisRateLimiter, make_limiter
from bot.serve.server import create_app

DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as so:
            so.sendall(b"PING\r\n")
            return so.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def redis_url(tmp_path):
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server; scripts/test.sh does it)")
    port = free_port()
    p = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                          "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 20
    while not _ping(port):
        assert p.poll() is None and time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0", p
    p.terminate()
    p.wait(10)


def test_two_hosts_share_one_budget_per_client(redis_url):
    url, _ = redis_url
    a = make_limiter(url, None, "questions", 5, 60)
    b = make_limiter(url, None, "questions", 5, 60)  # another host's server
    assert isinstance(a, RedisRateLimiter)
    allowed = [(a if i % 2 else b).check("198.51.100.7") == 0 for i in range(8)]
    assert sum(allowed) == 5 and allowed[:5] == [True] * 5
    wait = a.check("198.51.100.7")
    assert 0 < wait <= 60
    assert b.check("203.0.113.9") == 0  # another client has its own budget
    assert make_limiter(url, None, "feedback", 5, 60).check("198.51.100.7") == 0  # and each budget is its own
    assert make_limiter(url, None, "questions", 5, 60, prefix="other-site").check("198.51.100.7") == 0


def test_two_app_servers_on_one_redis_refuse_past_the_shared_limit(redis_url, tmp_path):
    url, _ = redis_url
    s = small_index(tmp_path, {"bees.md": DOC}, data_dir=tmp_path / "data", rate_limit=4, rate_limit_storage=url)
    bot = Bot.from_settings(s, build=False)
    with LiveServer(create_app(bot)) as one, LiveServer(create_app(bot)) as two:
        codes, bodies = [], []
        for i in range(7):
            srv = one if i % 2 else two
            r = httpx.post(
                f"{srv.url}/api/ask", json={"question": f"How many eggs does a queen lay? ({i})"}, timeout=60
            )
            codes.append(r.status_code)
            bodies.append(r.json())
    assert codes[:4] == [200] * 4 and codes[4:] == [429] * 3, codes
    assert all(set(b) == {"error"} and "too many" in b["error"].lower() for b in bodies[4:]), bodies[4:]


def test_without_redis_each_process_counts_by_itself(redis_url):
    url, proc = redis_url
    lim = make_limiter(url, None, "questions", 3, 60)
    assert lim.check("c") == 0
    proc.terminate()
    proc.wait(10)
    t = time.monotonic()
    got = [lim.check("c") == 0 for _ in range(5)]  # Redis is gone: counted here, the limit still holds
    assert got == [True, True, True, False, False], got
    assert time.monotonic() - t < 5  # one timeout, then no waiting on a dead Redis for each request


def test_one_question_in_flight_per_client_across_hosts(redis_url):
    from bot.serve.guard import InFlight, RedisSlots

    url, proc = redis_url
    a, b = InFlight(shared=RedisSlots(url)), InFlight(shared=RedisSlots(url))  # two hosts' servers
    assert a.enter("198.51.100.7") is None
    assert b.enter("198.51.100.7") == "client"  # its question is being answered on the other host
    assert b.enter("203.0.113.9") is None
    a.leave("198.51.100.7")
    assert b.enter("198.51.100.7") is None
    b.leave("198.51.100.7")
    b.leave("203.0.113.9")
    proc.terminate()
    proc.wait(10)
    assert a.enter("198.51.100.7") is None and a.enter("198.51.100.7") == "client"  # Redis gone: per server
