"""The model's HTTP connection is kept between questions (bot/answers/transport.py), against a local server speaking
OpenAI's protocol over HTTP/1.1 with keep-alive and chunked streams (tests/openai_fake.py)."""

from __future__ import annotations

import threading
import time

import pytest
from _support import ON_TOPIC
from openai_fake import FakeOpenAI
from test_llm import llm_bot

REPLY = "Security guarantees for Ukraine are being actively discussed among European leaders and the US [1]."


@pytest.fixture
def fake():
    f = FakeOpenAI()
    yield f
    f.close()


def drained(timeout: float = 5.0) -> None:
    """Wait for the background reads of bodies past [DONE] (the connection goes back to the pool when one ends:
    a question asked while it still runs takes another connection, which is fine, but not what is counted here;
    on a loaded machine CI once saw 2 connections for that reason)."""
    for t in [t for t in threading.enumerate() if t.name == "bot-http-drain"]:
        t.join(timeout)


def test_one_connection_serves_many_streamed_answers(shipped_bot, fake):
    """The openai SDK's sync stream closes the response at [DONE] without reading the chunked body's end, which
    makes httpcore drop the connection: without the transport, each of these answers opened a new one."""
    b = llm_bot(shipped_bot, fake, llm_cache_size=0)  # every question goes to the model
    fake.default = {"content": REPLY}
    for _ in range(4):
        *_, final = list(b.answer_stream(ON_TOPIC))  # streamed, as in the chat
        assert final.grounded and final.citations and final.note is None
        drained()
        assert b.answer(ON_TOPIC).grounded  # whole, as from Python (the model still streams)
        drained()
    assert len(fake.chat_requests()) == 8
    assert fake.connections == 1


def test_a_server_that_keeps_the_body_open_after_done_does_not_delay_the_answer(shipped_bot, fake):
    b = llm_bot(shipped_bot, fake)
    fake.script.append({"content": REPLY, "hold": 3.0})
    t = time.perf_counter()
    a = b.answer(ON_TOPIC)
    took = time.perf_counter() - t
    assert a.grounded and a.citations and a.note is None
    assert took < 2.0, took  # the 3 s the server holds the body are not waited for
    draining = [t for t in threading.enumerate() if t.name == "bot-http-drain"]
    assert draining and all(t.daemon for t in draining)  # a process may exit without waiting for the server
    fake.script.append({"content": REPLY})
    assert b.answer(ON_TOPIC + "?").grounded  # the next question works (on another connection meanwhile)
    assert fake.connections == 2


def test_a_plain_json_reply_keeps_the_connection_too(shipped_bot, fake):
    b = llm_bot(shipped_bot, fake)
    fake.default = {"content": "Who leads the talks?"}
    for _ in range(3):
        b.llm.model.invoke("hi")  # not streamed, as when condensing a follow-up
    assert fake.connections == 1


def test_concurrent_answers_share_a_few_connections(shipped_bot, fake):
    """As from the web server's threads: 6 threads, 4 streamed answers each, all checked and cited; the
    connections are reused (each thread has at most one in use and one whose end is still being read)."""
    from concurrent.futures import ThreadPoolExecutor

    b = llm_bot(shipped_bot, fake, llm_cache_size=0)
    fake.default = {"content": REPLY, "gap": 0.005}

    def ask(_):
        *_, final = list(b.answer_stream(ON_TOPIC))
        return bool(final.grounded and final.citations and final.note is None)

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(ask, range(24)))
    assert all(results) and len(fake.chat_requests()) == 24
    assert fake.connections <= 12  # without reuse: 24
