"""The conversation log (bot/insights/convlog.py) on a real server: 40 questions through the chat (its API, over HTTP),
the widget's route, the JSON API and the OpenAI endpoint all land in the log with the right surface, the
conversation id and no client address; feedback marks its row; retention removes old rows; BOT_LOG=off logs
nothing."""

from __future__ import annotations

import sqlite3
import time

import httpx
from _support import OFF_TOPIC, ON_TOPIC
from test_server import LiveServer

from bot.engine import Bot
from bot.insights.convlog import ConversationLog
from bot.serve.server import create_app

QUESTIONS = [
    ON_TOPIC,
    OFF_TOPIC,
    "Which leaders will Zelensky meet?",
    "What is NATO's role?",
    "What is the Multinational Force Ukraine?",
]


def _settings(shipped_settings, tmp_path, **kw):
    return shipped_settings.model_copy(
        update={
            "data_dir": tmp_path / "data",
            "rate_limit": 10_000,
            "post_limit": 10_000,
            "trusted_proxies": ["127.0.0.1"],
            **kw,
        }
    )


def test_every_surface_lands_in_the_log(shipped_settings, tmp_path):
    from gradio_client import Client
    from openai import OpenAI

    s = _settings(shipped_settings, tmp_path)
    app = create_app(Bot.from_settings(s, build=False), with_chat=True)
    sent: dict[str, int] = {}
    with LiveServer(app) as srv:
        h = {"X-Forwarded-For": "203.0.113.77"}
        for i in range(10):
            q = QUESTIONS[i % 5]
            assert (
                httpx.post(
                    f"{srv.url}/api/ask", json={"question": q, "conversation_id": "api-conv"}, headers=h, timeout=60
                ).status_code
                == 200
            )
            r = httpx.post(
                f"{srv.url}/api/ask/stream?via=widget",
                json={"question": q, "conversation_id": "w-abc"},
                headers=h,
                timeout=60,
            )
            assert r.status_code == 200 and "event: done" in r.text
        sent["api"] = sent["widget"] = 10
        oa = OpenAI(base_url=srv.url + "/v1", api_key="none", max_retries=0, timeout=60)
        for i in range(10):
            oa.chat.completions.create(model="articlebot", messages=[{"role": "user", "content": QUESTIONS[i % 5]}],
                                       user="oa-user", stream=bool(i % 2))  # fmt: skip
        sent["openai"] = 10
        chat = Client(srv.url + "/chat/", verbose=False)
        for i in range(10):
            chat.predict(message=QUESTIONS[i % 5], api_name="/chat")
        sent["chat"] = 10
        # feedback on one answer marks its row
        d = httpx.post(f"{srv.url}/api/ask", json={"question": "What is NATO's role?"}, headers=h, timeout=60).json()
        sent["api"] += 1
        assert httpx.post(f"{srv.url}/api/feedback", json={"question": "What is NATO's role?", "answer": d["answer"], "rating": "down"},
                          headers=h, timeout=30).status_code == 200  # fmt: skip
        assert app.state.convlog.flush()
        rows = app.state.convlog.rows()
    by = {}
    for r in rows:
        by[r["surface"]] = by.get(r["surface"], 0) + 1
    assert by == sent, by
    assert {r["conversation"] for r in rows if r["surface"] == "api"} == {"api-conv", None}
    assert {r["conversation"] for r in rows if r["surface"] == "widget"} == {"w-abc"}
    assert {r["conversation"] for r in rows if r["surface"] == "openai"} == {"oa-user"}
    assert all(r["conversation"] for r in rows if r["surface"] == "chat")  # the chat session
    on = [r for r in rows if r["question"] == ON_TOPIC]
    assert all(r["grounded"] == 1 and r["citations"] != "[]" and r["confidence"] > 0 for r in on)
    assert all(r["grounded"] == 0 for r in rows if r["question"] == OFF_TOPIC)
    assert all(r["latency_ms"] > 0 for r in rows)
    assert all(r["vector"] and len(r["vector"]) == 384 * 2 for r in rows)  # the answer's own question vector
    assert [r["feedback"] for r in rows if r["feedback"]] == ["down"] and rows[-1]["feedback"] == "down"
    # no client address anywhere in the log
    raw = (s.data_dir / "log.sqlite").read_bytes() + b"".join(p.read_bytes() for p in s.data_dir.glob("log.sqlite-*"))
    assert b"203.0.113.77" not in raw and b"127.0.0.1" not in raw


def test_retention_removes_old_rows(tmp_path):
    log = ConversationLog(tmp_path / "log.sqlite", retention_days=90)
    log.record("api", None, "old question", {"answer": "a", "grounded": True}, 10)
    log.record("api", None, "new question", {"answer": "b", "grounded": False}, 12)
    assert log.flush()
    with sqlite3.connect(tmp_path / "log.sqlite") as db:
        db.execute("UPDATE log SET ts = ? WHERE question = 'old question'", (time.time() - 91 * 86400,))
    assert log.purge() == 1
    assert [r["question"] for r in log.rows()] == ["new question"]
    log.close()


def test_the_log_is_bounded_in_rows(tmp_path):
    log = ConversationLog(tmp_path / "log.sqlite", max_rows=100)
    for i in range(250):
        log.record("api", None, f"question {i}", {"answer": "a", "grounded": False}, 1)
    assert log.flush()
    log.purge()
    kept = [r["question"] for r in log.rows()]
    assert len(kept) == 100 and kept[0] == "question 150" and kept[-1] == "question 249"
    log.close()


def test_log_off_logs_nothing(shipped_settings, tmp_path):
    s = _settings(shipped_settings, tmp_path, log="off")
    app = create_app(Bot.from_settings(s, build=False))
    with LiveServer(app) as srv:
        assert httpx.post(f"{srv.url}/api/ask", json={"question": ON_TOPIC}, timeout=60).status_code == 200
    assert app.state.convlog.rows() == [] and not (s.data_dir / "log.sqlite").exists()
