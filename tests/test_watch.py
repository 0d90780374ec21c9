"""`serve --watch`: a file added to (or removed from) the corpus folder is ingested by the running server and
answered from, without a restart, while 20 clients keep asking and none of them gets an error."""

from __future__ import annotations

import threading
import time

import httpx
from _support import small_index
from test_server import LiveServer

from bot.engine import Bot
from bot.server import create_app

DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"
NEW = "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n"
ASK_NEW = "How much does a library card cost?"


def _cites(url: str, question: str, source: str) -> bool:
    r = httpx.post(f"{url}/api/ask", json={"question": question}, headers={"X-Forwarded-For": "10.9.9.9"}, timeout=60)
    r.raise_for_status()
    d = r.json()
    return d["grounded"] and any(c["source"] == source for c in d["citations"])


def test_watch_ingests_changes_while_clients_keep_asking(tmp_path):
    s = small_index(
        tmp_path,
        {"bees.md": DOC},
        data_dir=tmp_path / "data",
        index_poll_s=0.5,
        watch=True,
        rate_limit=100_000,
        post_limit=100_000,
        trusted_proxies=["127.0.0.1"],
    )
    app = create_app(Bot.from_settings(s, build=False))
    stop = threading.Event()
    bad: list = []
    asked = [0]

    def client(i: int) -> None:
        with httpx.Client(timeout=60) as c:
            while not stop.is_set():
                try:
                    r = c.post(f"{srv.url}/api/ask", json={"question": f"How many eggs does a queen lay? ({i})"},
                               headers={"X-Forwarded-For": f"10.0.{i}.1"})  # fmt: skip
                    asked[0] += 1
                    if r.status_code != 200 or not r.json()["grounded"]:
                        bad.append((r.status_code, r.text[:200]))
                except httpx.HTTPError as e:
                    bad.append(repr(e))

    with LiveServer(app) as srv:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            assert not _cites(srv.url, ASK_NEW, "cards.md")
            (s.corpus_dir / "cards.md").write_text(NEW, encoding="utf-8")
            t0 = time.monotonic()
            while not _cites(srv.url, ASK_NEW, "cards.md"):
                assert time.monotonic() - t0 < 60, "the new file was not answered from"
                time.sleep(0.2)
            added_s = time.monotonic() - t0
            health = httpx.get(f"{srv.url}/api/health", timeout=30).json()
            assert health["documents"] == 2 and health["watch"]["syncs"] >= 1, health

            (s.corpus_dir / "cards.md").unlink()
            t0 = time.monotonic()
            while _cites(srv.url, ASK_NEW, "cards.md"):
                assert time.monotonic() - t0 < 60, "the removed file is still quoted"
                time.sleep(0.2)
        finally:
            stop.set()
            for t in threads:
                t.join(60)
    assert bad == [], bad[:5]
    assert asked[0] > 40
    print(f"new file answered {added_s:.1f} s after it was written ({asked[0]} questions from 20 clients meanwhile)")
