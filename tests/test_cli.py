"""`python3 -m bot ...` as a user runs it: real subprocesses against the session index."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from _support import ARTICLE_NAME, ON_TOPIC, bot_env, run_bot

FOLLOW_UP_HISTORY = [["Which leaders will Zelensky meet?", "Leaders of France, Germany and the UK."]]


@pytest.fixture(scope="module")
def env(shipped_settings):
    return bot_env(
        BOT_CORPUS_DIR=shipped_settings.corpus_dir,
        BOT_INDEX_DIR=shipped_settings.index_dir,
        BOT_CACHE_DIR=shipped_settings.cache_dir,
    )


@pytest.fixture(scope="module")
def runs(env, tmp_path_factory):
    """Every read-only command, started together (each process loads Python and the model: ~2 s)."""
    new_index = tmp_path_factory.mktemp("cli") / "new-index"
    jsonl = (
        "\n".join(
            [
                json.dumps({"question": ON_TOPIC}),
                json.dumps({"question": "What will they discuss?", "history": FOLLOW_UP_HISTORY}),
            ]
        )
        + "\n"
    )
    commands = {
        "human": (["ask", ON_TOPIC], None),
        "json": (["ask", "--json", ON_TOPIC], None),
        "retrieved": (["ask", "--retrieved", ON_TOPIC], None),
        "jsonl": (["ask", "--jsonl"], jsonl),
        "jsonl_bad": (["ask", "--jsonl"], json.dumps({"question": "  "}) + "\n[1, 2]\n"),
        "jsonl_bad_history": (
            ["ask", "--jsonl"],
            "\n".join(
                [
                    json.dumps({"question": "What will they discuss?", "history": [[]]}),
                    json.dumps({"question": ON_TOPIC}),
                ]
            )
            + "\n",
        ),
        "empty": (["ask", ""], None),
        "no_question": (["ask"], None),
        "no_corpus": (["ask", "--corpus", "/nonexistent-corpus-folder", "--index", str(new_index), ON_TOPIC], None),
    }
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {k: pool.submit(run_bot, args, env, stdin) for k, (args, stdin) in commands.items()}
        out = {k: f.result() for k, f in futures.items()}
    out["new_index"] = new_index
    return out


def check_schema(d: dict) -> None:
    assert {"answer", "grounded", "citations", "timings_ms"} <= set(d)
    assert isinstance(d["answer"], str) and isinstance(d["grounded"], bool)
    assert set(d["timings_ms"]) == {"retrieve", "answer", "total"}
    for c in d["citations"]:
        assert set(c) == {
            "n", "source", "section", "quote", "score", "question", "anchor", "page", "url", "source_url", "title",
            "cell",
        }  # fmt: skip
        assert isinstance(c["n"], int) and isinstance(c["score"], float)
        assert isinstance(c["section"], str) and c["section"]


def test_ask_prints_answer_and_sources(runs, article_text):
    r = runs["human"]
    assert r.returncode == 0, r.stderr
    body, sep, sources = r.stdout.partition("\nSources:\n")
    assert sep, r.stdout
    assert "[1]" in body
    assert sources.count(f"({ARTICLE_NAME})") == 1  # the document once, then each of its quotes
    assert "[1] " in sources
    # each source line quotes verbatim text of the article
    quotes = [line.strip()[1:-1] for line in sources.splitlines() if line.strip().startswith("“")]
    assert quotes and all(q in article_text for q in quotes)
    assert all(q in body for q in quotes)


def test_ask_json(runs, article_text):
    r = runs["json"]
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    check_schema(d)
    assert d["grounded"] is True and d["citations"]
    assert "retrieved" not in d
    for c in d["citations"]:
        assert c["source"] == ARTICLE_NAME and c["quote"] in article_text
        assert f"{c['quote']} [{c['n']}]" in d["answer"]


def test_ask_retrieved(runs):
    r = runs["retrieved"]
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    check_schema(d)
    assert d["retrieved"]
    for h in d["retrieved"]:
        assert set(h) == {"source", "section", "score", "text"}
        assert h["source"] == ARTICLE_NAME and h["text"] and isinstance(h["score"], float)
    # the cited sentences come from the retrieved chunks
    texts = " ".join(h["text"] for h in d["retrieved"])
    assert all(c["quote"] in texts for c in d["citations"])


def test_ask_jsonl(runs):
    r = runs["jsonl"]
    assert r.returncode == 0, r.stderr
    lines = [ln for ln in r.stdout.splitlines() if ln.strip()]
    assert len(lines) == 2
    first, second = (json.loads(ln) for ln in lines)
    check_schema(first)
    check_schema(second)
    assert first["grounded"] is True
    # the follow-up is answered, from the history: "they" are the leaders, and the answer names them
    assert second["grounded"] is True and second["citations"], second
    assert second["standalone_question"] and "leaders" in second["standalone_question"].lower(), second
    assert all(f"{c['quote']} [{c['n']}]" in second["answer"] for c in second["citations"])


def test_ask_jsonl_bad_lines_report_errors_and_continue(runs):
    r = runs["jsonl_bad"]
    assert r.returncode != 0
    lines = [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip()]
    assert [d.get("line") for d in lines] == [1, 2]
    assert all("error" in d for d in lines)


def test_ask_jsonl_malformed_history_does_not_stop_the_batch(runs):
    r = runs["jsonl_bad_history"]
    assert "Traceback" not in r.stderr
    lines = [json.loads(ln) for ln in r.stdout.splitlines() if ln.strip()]
    assert len(lines) == 2
    assert lines[0].get("line") == 1 and "error" in lines[0]
    check_schema(lines[1])


def test_ask_empty_question(runs):
    for key in ("empty", "no_question"):
        r = runs[key]
        assert r.returncode != 0, key
        assert "error:" in r.stderr, (key, r.stderr)
        assert "Traceback" not in r.stderr
        assert r.stdout.strip() == ""


def test_ask_missing_corpus(runs):
    r = runs["no_corpus"]
    assert r.returncode != 0
    assert "/nonexistent-corpus-folder" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (runs["new_index"] / "manifest.json").exists()


def test_ingest_unchanged_corpus(env, runs, shipped_settings):
    # runs after the read-only commands (fixture `runs`), since it rewrites the snapshot
    before = (shipped_settings.index_dir / "manifest.json").read_text(encoding="utf-8")
    r = run_bot(["ingest"], env)
    assert r.returncode == 0, r.stderr
    assert "embedded 0" in r.stdout
    assert "added 0, updated 0, removed 0, skipped 1 unchanged" in r.stdout
    after = json.loads((shipped_settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert after["files"] == json.loads(before)["files"]


def test_help_lists_commands(env):
    r = run_bot(["--help"], env)
    assert r.returncode == 0
    for cmd in ("ingest", "ask", "eval"):
        assert cmd in r.stdout
