"""A running server follows its index: `python -m bot ingest` in another process, while 20 clients keep asking,
and the new document is answered within 5 s, with no error to anyone; then it is deleted, and its answer goes."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from _support import ingest_in_another_process, small_index
from test_server import LiveServer

from bot.engine import Bot
from bot.index.store import snapshot_path
from bot.serve.live import LiveBot
from bot.serve.server import create_app

BASE = {
    "bees.md": "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n",
}
NEW = (
    "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year. "
    "Children get theirs for free.\n"
)
NEW_Q = "How much is a library card?"


@pytest.fixture
def corpus(tmp_path):
    return small_index(
        tmp_path,
        BASE,
        data_dir=tmp_path / "data",
        index_poll_s=0.25,
        rate_limit=100_000,
        post_limit=100_000,
        trusted_proxies=["127.0.0.1"],
    )


def _cites(d: dict, source: str) -> bool:
    return bool(d.get("grounded")) and any(c["source"] == source for c in d.get("citations", []))


def test_a_new_index_is_answered_within_5_s_and_nobody_sees_an_error(corpus):
    bot = Bot.from_settings(corpus, build=False)
    with LiveServer(create_app(bot)) as srv:
        assert not _cites(httpx.post(f"{srv.url}/api/ask", json={"question": NEW_Q}).json(), "cards.md")
        before = httpx.get(f"{srv.url}/api/health").json()
        stop, codes, lock = threading.Event(), [], threading.Lock()

        def client(i):
            with httpx.Client(timeout=30, headers={"X-Forwarded-For": f"10.20.0.{i}"}) as c:
                n = 0
                while not stop.is_set():
                    q = (NEW_Q, "How many eggs does a queen lay?")[n % 2] + f" ({i}.{n})"
                    try:
                        code = c.post(f"{srv.url}/api/ask", json={"question": q}).status_code
                    except httpx.HTTPError as e:
                        code = type(e).__name__
                    with lock:
                        codes.append(code)
                    n += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        try:
            (corpus.corpus_dir / "cards.md").write_text(NEW, encoding="utf-8")
            ingest_in_another_process(corpus)
            done = time.monotonic()
            seen = None
            while time.monotonic() - done < 10:
                d = httpx.post(
                    f"{srv.url}/api/ask", json={"question": NEW_Q}, headers={"X-Forwarded-For": "10.21.0.1"}
                ).json()
                if _cites(d, "cards.md"):
                    seen = time.monotonic() - done
                    break
                time.sleep(0.1)
        finally:
            stop.set()
            for t in threads:
                t.join()
        assert seen is not None and seen <= 5.0, seen
        assert "12 euros" in d["answer"]
        assert codes and set(codes) == {200}, {c: codes.count(c) for c in set(codes)}
        after = httpx.get(f"{srv.url}/api/health").json()
        assert after["corpus_version"] != before["corpus_version"] and after["documents"] == before["documents"] + 1

        (corpus.corpus_dir / "cards.md").unlink()
        ingest_in_another_process(corpus)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            d = httpx.post(
                f"{srv.url}/api/ask", json={"question": NEW_Q}, headers={"X-Forwarded-For": "10.21.0.2"}
            ).json()
            if not _cites(d, "cards.md"):
                break
            time.sleep(0.1)
        assert not _cites(d, "cards.md"), d  # a deleted document is no longer quoted


def test_a_broken_new_index_keeps_the_old_one_answering(corpus, caplog):
    bot = Bot.from_settings(corpus, build=False)
    live = LiveBot(bot, poll_s=0)
    m = corpus.index_dir / "manifest.json"
    gen = json.loads(m.read_text(encoding="utf-8"))["snapshot"]
    snapshot_path(corpus.index_dir, "vectors.npy", gen).write_bytes(b"not a numpy file")
    d = json.loads(m.read_text(encoding="utf-8"))
    m.write_text(json.dumps({**d, "version": "a-new-one"}), encoding="utf-8")  # a new version, its vectors broken
    assert live.check() is False and live.bot is bot and live.last_error
    assert live.bot.answer("How many eggs does a queen lay?").grounded
