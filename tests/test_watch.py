"""`serve --watch`: a file added to (or removed from) the corpus folder is ingested by the running server and
answered from, without a restart, while 20 clients keep asking and none of them gets an error."""

from __future__ import annotations

import time

import httpx
from _support import cites, clients_asking, small_index
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.server import create_app

DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"
NEW = "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n"
ASK_NEW = "How much does a library card cost?"


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
    with LiveServer(app) as srv, clients_asking(srv.url, "How many eggs does a queen lay?") as load:
        time.sleep(1.0)
        assert not cites(srv.url, ASK_NEW, "cards.md", client="10.9.9.9")
        (s.corpus_dir / "cards.md").write_text(NEW, encoding="utf-8")
        t0 = time.monotonic()
        while not cites(srv.url, ASK_NEW, "cards.md", client="10.9.9.9"):
            assert time.monotonic() - t0 < 60, "the new file was not answered from"
            time.sleep(0.2)
        added_s = time.monotonic() - t0
        health = httpx.get(f"{srv.url}/api/health", timeout=30).json()
        assert health["documents"] == 2 and health["watch"]["syncs"] >= 1, health

        (s.corpus_dir / "cards.md").unlink()
        t0 = time.monotonic()
        while cites(srv.url, ASK_NEW, "cards.md", client="10.9.9.9"):
            assert time.monotonic() - t0 < 60, "the removed file is still quoted"
            time.sleep(0.2)
    assert load.bad == [], load.bad[:5]
    assert load.asked > 40
    print(f"new file answered {added_s:.1f} s after it was written ({load.asked} questions from 20 clients meanwhile)")
