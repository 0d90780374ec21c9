"""The OpenAI-compatible endpoint (bot/serve/openai_api.py) over real HTTP, driven by the official `openai` client (plain
and streamed) and LangChain's ChatOpenAI: the same answer and citations as /api/ask, footnotes in the content,
abstention as a message with suggestions, history as the conversation; BOT_API_KEYS: a bad key is a 401 in
OpenAI's error format, /api/* needs a key too, the widget's allowed origin does not."""

from __future__ import annotations

import httpx
import pytest
from _support import OFF_TOPIC, ON_TOPIC
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.server import create_app

KEY = "sk-test-articlebot-0123456789"


@pytest.fixture(scope="module")
def server(shipped_settings, tmp_path_factory):
    s = shipped_settings.model_copy(
        update={
            "data_dir": tmp_path_factory.mktemp("oa-data"),
            "api_keys": [KEY],
            "allowed_origins": ["https://news.example"],
            "rate_limit": 10_000,
            "post_limit": 10_000,
        }
    )
    with LiveServer(create_app(Bot.from_settings(s, build=False))) as srv:
        yield srv


def _client(srv, key=KEY):
    from openai import OpenAI

    return OpenAI(base_url=srv.url + "/v1", api_key=key, max_retries=0, timeout=60)


def _api(srv, question, history=None):
    r = httpx.post(srv.url + "/api/ask", json={"question": question, "history": history},
                   headers={"Authorization": f"Bearer {KEY}"}, timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()


def test_models_and_a_plain_completion_match_the_api(server):
    c = _client(server)
    assert [m.id for m in c.models.list().data] == ["articlebot"]
    r = c.chat.completions.create(model="articlebot", messages=[{"role": "user", "content": ON_TOPIC}])
    want = _api(server, ON_TOPIC)
    content = r.choices[0].message.content
    assert r.choices[0].finish_reason == "stop" and r.choices[0].message.role == "assistant"
    assert content.startswith(want["answer"])
    extra = r.model_extra
    assert extra["citations"] == want["citations"] and extra["grounded"] is True
    from bot.answers.answering import quote_places

    # the footnotes: where (an FAQ entry's question, once for a run of quotes from it), the verbatim quote
    places = {q["n"]: p for src in want["sources"] for q, p in zip(src["quotes"], quote_places(src["quotes"]))}
    assert places[1] == want["citations"][0]["question"]
    for cite in want["citations"]:
        where = f"{places[cite['n']]}: " if places[cite["n"]] else ""
        assert f"[{cite['n']}] {where}“{cite['quote']}”" in content
    for src in want["sources"]:  # each document named once, by its title and file
        assert content.count(f"{src['title']} — {src['source']}") == 1
    assert r.usage.total_tokens > 0


def test_a_stream_gives_the_same_answer_and_citations(server):
    c = _client(server)
    stream = c.chat.completions.create(
        model="articlebot", messages=[{"role": "user", "content": ON_TOPIC}], stream=True
    )
    parts, last = [], None
    for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
        last = chunk
    plain = c.chat.completions.create(model="articlebot", messages=[{"role": "user", "content": ON_TOPIC}])
    assert len(parts) >= 3 and "".join(parts) == plain.choices[0].message.content
    assert last.choices[0].finish_reason == "stop"
    assert last.model_extra["citations"] == _api(server, ON_TOPIC)["citations"]


def test_abstention_is_a_message_with_suggestions(server):
    r = _client(server).chat.completions.create(model="articlebot", messages=[{"role": "user", "content": OFF_TOPIC}])
    want = _api(server, OFF_TOPIC)
    assert want["grounded"] is False and want["suggestions"]
    content = r.choices[0].message.content
    assert content.startswith(want["answer"]) and all(f"- {s}" in content for s in want["suggestions"])
    assert r.model_extra["citations"] == [] and r.model_extra["suggestions"] == want["suggestions"]
    assert content.count("for example:") == 1, content


def test_a_greeting_leads_in_to_its_questions_once(server):
    """A probe: "hi" over the OpenAI endpoint got "…You could ask, for example:" then "The articles can answer, for
    example:" before the questions."""
    r = _client(server).chat.completions.create(model="articlebot", messages=[{"role": "user", "content": "hi"}])
    content = r.choices[0].message.content
    assert content.count("for example:") == 1 and "\n- " in content, content


def test_the_history_is_the_conversation(server):
    first = "Which leaders will Zelensky meet?"
    c = _client(server)
    a1 = c.chat.completions.create(model="articlebot", messages=[{"role": "user", "content": first}])
    msgs = [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": first},
        {"role": "assistant", "content": a1.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "What do they want from the US?"}]},
    ]
    r = c.chat.completions.create(model="articlebot", messages=msgs)
    want = _api(server, "What do they want from the US?", [[first, _api(server, first)["answer"]]])
    assert r.model_extra["citations"] == want["citations"]


def test_langchain_chatopenai_pointed_at_the_bot(server):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(base_url=server.url + "/v1", api_key=KEY, model="articlebot", max_retries=0, timeout=60)
    msg = llm.invoke(ON_TOPIC)
    assert msg.content.startswith(_api(server, ON_TOPIC)["answer"]) and "Sources:" in msg.content
    streamed = "".join(ch.content for ch in llm.stream(ON_TOPIC))
    assert streamed == msg.content


def test_keys(server):
    from openai import AuthenticationError

    with pytest.raises(AuthenticationError) as e:
        _client(server, key="sk-wrong").chat.completions.create(
            model="articlebot", messages=[{"role": "user", "content": ON_TOPIC}]
        )
    body = e.value.response.json()
    assert e.value.status_code == 401 and body["error"]["code"] == "invalid_api_key" and body["error"]["message"]
    # /api/* needs a key too, except for the widget on an allowed site
    r = httpx.post(server.url + "/api/ask", json={"question": ON_TOPIC}, timeout=60)
    assert r.status_code == 401 and set(r.json()) == {"error"}
    r = httpx.post(server.url + "/api/ask", json={"question": ON_TOPIC}, headers={"Origin": "https://news.example"},
                   timeout=60)  # fmt: skip
    assert r.status_code == 200
    r = httpx.post(server.url + "/api/ask", json={"question": ON_TOPIC}, headers={"Origin": "https://evil.example"},
                   timeout=60)  # fmt: skip
    assert r.status_code == 401
    assert httpx.get(server.url + "/api/health", timeout=30).status_code == 200


def test_bad_requests_get_openai_errors(server):
    h = {"Authorization": f"Bearer {KEY}"}
    for body in ({"messages": []}, {"messages": [{"role": "assistant", "content": "hi"}]}, {"model": "x"},
                 {"messages": [{"role": "user", "content": ""}]}):  # fmt: skip
        r = httpx.post(server.url + "/v1/chat/completions", json=body, headers=h, timeout=30)
        assert r.status_code == 400 and r.json()["error"]["message"], (body, r.text)
    r = httpx.post(server.url + "/v1/chat/completions", content=b"[1,2", headers={**h, "Content-Type": "application/json"},
                   timeout=30)  # fmt: skip
    assert r.status_code == 400 and "error" in r.json()
