"""Chroma in client-server mode: a real `chroma run` (from the chromadb package) started by the test. Ingest and
answer against it; the collections really live on the server (nothing in the index folder); an ingest SIGKILLed
part-way, then the next one converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest
from _support import CACHE_DIR, ROOT, bot_env, ingest_in_another_process, small_index
from browser_support import free_port

from bot.engine import Bot, ingest
from bot.settings import load_settings

DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    exe = [
        sys.executable,
        "-c",
        "import sys; from chromadb.cli.cli import app; sys.argv = ['chroma'] + sys.argv[1:]; app()",
    ]
    p = subprocess.Popen([*exe, "run", "--path", str(data), "--port", str(port)], env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert p.poll() is None and time.monotonic() < deadline, (
            p.stderr.read()[-2000:] if p.poll() is not None else "slow"
        )
        time.sleep(0.2)
    yield port
    p.terminate()
    p.wait(20)


def _server_ids(port: int, prefix: str) -> dict[str, set[str]]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    c = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
    return {n: set(c.get_collection(f"{prefix}-{n}").get(include=[])["ids"]) for n in ("chunks", "sentences", "faq_questions")}  # fmt: skip


def test_ingest_and_answer_with_the_collections_on_a_chroma_server(chroma_server, tmp_path):
    prefix = f"t{uuid.uuid4().hex[:8]}"
    s = small_index(
        tmp_path, {"bees.md": DOC}, chroma_host="127.0.0.1", chroma_port=chroma_server, chroma_prefix=prefix
    )
    assert not (s.index_dir / "chroma").exists()  # the store of record is the server
    ids = _server_ids(chroma_server, prefix)
    bot = Bot.from_settings(s, build=False)
    assert type(bot.index).__name__ == "DiskIndex"  # with a server, search runs there (bot/index/diskindex.py)
    assert ids["chunks"] == {c.id for c in bot.index.chunks} and ids["faq_questions"]
    a = bot.answer("How many eggs does a queen lay?")
    assert a.grounded and "2,000 eggs" in a.text

    # an ingest killed part-way (a long new article), then the next one converges on the server
    text = "Town notes\n\n" + "\n\n".join(
        f"Section {i}\n\nRun {prefix}, paragraph {i}: the ferry number {i * 3} sails at {i % 12 + 1} o'clock." for i in range(80)
    )  # fmt: skip
    (s.corpus_dir / "town.txt").write_text(text, encoding="utf-8")
    server = {"BOT_CHROMA_HOST": "127.0.0.1", "BOT_CHROMA_PORT": str(chroma_server), "BOT_CHROMA_PREFIX": prefix}
    env = bot_env(BOT_CORPUS_DIR=s.corpus_dir, BOT_INDEX_DIR=s.index_dir, **server)
    p = subprocess.Popen([sys.executable, "-m", "bot", "ingest"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(4)
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait(30)
    ingest_in_another_process(s, **server)
    bot = Bot.from_settings(s, build=False)
    ids = _server_ids(chroma_server, prefix)
    assert ids["chunks"] == {c.id for c in bot.index.chunks}
    assert ids["sentences"] == {f"{c.id}:{i}" for c in bot.index.chunks for i in range(len(c.sentences))}
    assert {c.source for c in bot.index.chunks} == {"bees.md", "town.txt"}
    a = bot.answer("When does ferry number 30 sail?")
    assert a.grounded and any(c.source == "town.txt" for c in a.citations), a.text


def test_a_missing_chroma_server_is_a_clear_error(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bees.md").write_text(DOC, encoding="utf-8")
    s = load_settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", cache_dir=CACHE_DIR,
                      chroma_host="127.0.0.1", chroma_port=free_port())  # fmt: skip
    from bot.errors import IndexMissing

    with pytest.raises(IndexMissing, match="chroma run"):
        ingest(s)
