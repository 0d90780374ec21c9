"""cl100k token counting with no network."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap

import pytest
from _support import ROOT, bot_env

from bot.ingest import tokens

SAMPLE = "Zelensky’s London meeting: security guarantees, NATO and the Zaporizhzhia plant — 2025."

# Runs in a fresh interpreter with every socket call disabled, so a download attempt fails loudly.
PROBE = textwrap.dedent(
    """
    import json, socket, sys

    def no_network(*a, **k):
        raise OSError("network disabled by the test")

    socket.socket.connect = no_network
    socket.create_connection = no_network
    socket.getaddrinfo = no_network

    sys.path.insert(0, sys.argv[2])
    import tiktoken
    from bot.ingest import tokens

    if sys.argv[1] == "enable":
        tokens.enable_offline_cl100k()
    text = sys.argv[3]
    try:
        enc = tiktoken.get_encoding("cl100k_base")
    except Exception as e:
        print(json.dumps({"error": type(e).__name__ + ": " + str(e)}))
        sys.exit(0)
    print(json.dumps({
        "name": enc.name,
        "tokens": enc.encode(text),
        "offline": tokens.encoding().encode(text),
        "count": tokens.count_tokens(text),
    }))
    """
)


def probe(mode: str, cache_dir) -> dict:
    env = bot_env(TIKTOKEN_CACHE_DIR=cache_dir)
    env.pop("DATA_GYM_CACHE_DIR", None)
    r = subprocess.run(
        [sys.executable, "-c", PROBE, mode, str(ROOT), SAMPLE],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_count_tokens_offline_encoding():
    enc = tokens.encoding()
    ids = enc.encode(SAMPLE)
    assert tokens.count_tokens(SAMPLE) == len(ids) > 0
    assert enc.decode(ids) == SAMPLE
    assert enc.encode("hello world") == [15339, 1917]  # cl100k_base ids
    assert tokens.count_tokens("") == 0
    assert tokens.count_tokens(SAMPLE * 3) > tokens.count_tokens(SAMPLE)


def test_count_tokens_allows_special_token_text():
    # article text may contain '<|endoftext|>' literally; it must count, not raise
    assert tokens.count_tokens("before <|endoftext|> after") > 3


def test_get_encoding_cl100k_base_needs_the_offline_copy(tmp_path):
    """Control: with an empty tiktoken cache and no network, plain tiktoken cannot load cl100k_base."""
    got = probe("plain", tmp_path / "empty-cache")
    assert "network disabled by the test" in got.get("error", ""), got


def test_enable_offline_cl100k_makes_get_encoding_work(tmp_path):
    cache = tmp_path / "tiktoken-cache"
    got = probe("enable", cache)
    assert "error" not in got, got
    assert got["name"] == "cl100k_base"
    assert got["tokens"] == got["offline"]
    assert got["count"] == len(got["tokens"])
    # the packaged file was placed where tiktoken looks: sha1 of the download URL
    target = cache / hashlib.sha1(tokens.CL100K_URL.encode()).hexdigest()
    assert target.is_file()
    assert target.read_bytes() == tokens._packaged_bpe_file().read_bytes()


def test_enable_offline_cl100k_sets_env_and_is_idempotent(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    tokens.enable_offline_cl100k()
    tokens.enable_offline_cl100k()
    import os

    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path)
    files = [p.name for p in tmp_path.iterdir()]
    assert files == [hashlib.sha1(tokens.CL100K_URL.encode()).hexdigest()]  # no leftover temp files


@pytest.mark.parametrize("text", ["", "a", "Ünïcödé — “quotes” 🚀"])
def test_offline_encoding_round_trips(text):
    enc = tokens.encoding()
    assert enc.decode(enc.encode(text)) == text
