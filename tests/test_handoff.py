"""A visitor asks for a person (bot/serve/handoff.py): the operator's webhook gets the conversation, the question
and the contact the client gave, over real HTTP, once per conversation; the answer says where a person is."""

from __future__ import annotations

import http.server
import json
import threading
import time

import httpx
import pytest
from test_server import LiveServer, _bot

from bot.serve.server import create_app


class Receiver:
    """A webhook endpoint on localhost that keeps what it is sent."""

    def __init__(self, status: int = 200):
        got = self.got = []

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("Content-Length", "0"))
                got.append((self.path, self.headers.get("Content-Type"), json.loads(self.rfile.read(n))))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/handoff"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, n: int, timeout: float = 10.0) -> list:
        deadline = time.monotonic() + timeout
        while len(self.got) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.got

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_asking_for_a_person_tells_the_operators_webhook(shipped_bot, tmp_path, receiver):
    b = _bot(shipped_bot, tmp_path, handoff_webhook=receiver.url, rate_limit=1000)
    app = create_app(b)
    with LiveServer(app) as srv:
        hist = [["What security guarantees are being considered?", "European leaders are discussing… [1]"]]
        r = httpx.post(
            f"{srv.url}/api/ask",
            json={
                "question": "Can I talk to a human?",
                "history": hist,
                "conversation_id": "conv-7",
                "contact": "ana@example.org",
            },  # fmt: skip
            timeout=30,
        )
        assert r.status_code == 200, r.text
        d = r.json()
        assert d["turn"] == "person" and "let the team know" in d["answer"]
        (path, ctype, body), *_ = receiver.wait(1)
        assert path == "/hooks/handoff" and ctype == "application/json"
        assert body["event"] == "handoff_requested" and body["conversation_id"] == "conv-7"
        assert body["question"] == "Can I talk to a human?" and body["contact"] == "ana@example.org"
        assert body["conversation"] == hist and body["surface"] == "api" and body["lang"] == "en"
        # the same conversation asking again, and ordinary questions: no more calls
        httpx.post(f"{srv.url}/api/ask", json={"question": "I want to speak to someone", "conversation_id": "conv-7"}, timeout=30)  # fmt: skip
        httpx.post(f"{srv.url}/api/ask", json={"question": "What is NATO?", "conversation_id": "conv-8"}, timeout=30)
        # another conversation, in German, through the widget's stream
        with httpx.stream(
            "POST",
            f"{srv.url}/api/ask/stream?via=widget",
            json={"question": "Kann ich mit einem Menschen sprechen?", "conversation_id": "conv-9"},
            timeout=30,  # fmt: skip
        ) as s:
            assert s.status_code == 200 and "handoff" not in s.read().decode()  # no url or email route set
        got = receiver.wait(2)
        time.sleep(0.3)
        assert len(receiver.got) == 2, receiver.got
        assert (
            got[1][2]["conversation_id"] == "conv-9" and got[1][2]["surface"] == "widget" and got[1][2]["lang"] == "de"
        )
        assert app.state.handoff.sent == 2


def test_a_webhook_that_fails_costs_the_visitor_nothing(shipped_bot, tmp_path):
    down = Receiver(status=500)
    try:
        b = _bot(shipped_bot, tmp_path, handoff_webhook=down.url, rate_limit=1000)
        app = create_app(b)
        with LiveServer(app) as srv:
            t0 = time.perf_counter()
            r = httpx.post(f"{srv.url}/api/ask", json={"question": "connect me with an agent please"}, timeout=30)
            assert r.status_code == 200 and r.json()["turn"] == "person"
            assert time.perf_counter() - t0 < 5
            down.wait(1)
            assert app.state.handoff.flush()
            assert app.state.handoff.failed == 1 and app.state.handoff.sent == 0
    finally:
        down.close()


def test_without_a_webhook_nothing_is_sent_and_the_bot_says_what_it_can_do(shipped_bot, tmp_path, receiver):
    app = create_app(_bot(shipped_bot, tmp_path, rate_limit=1000))
    with LiveServer(app) as srv:
        d = httpx.post(f"{srv.url}/api/ask", json={"question": "Can I talk to a human?"}, timeout=30).json()
        assert d["turn"] == "person" and "only answer from this site's articles" in d["answer"]
        assert d["suggestions"]  # questions it can answer
    assert receiver.got == [] and app.state.handoff.url is None


def test_the_chat_shows_the_route_once_list_items_as_bullets_and_its_links_in_the_answers_language():
    from bot.answers.answering import Answer, Citation
    from bot.serve.webchat import handoff_html, shown_text, sources_html

    url = "https://help.example.org/contact"
    a = Answer("q", f"I couldn't find that in the articles.\n\nIf you'd rather ask a person: {url}", False)
    a.handoff = {"url": url}
    assert url not in shown_text(a) and f'href="{url}"' in handoff_html(a)  # the link, not the address twice
    a.handoff = None  # no link to show: the line stays
    assert url in shown_text(a)
    listed = Answer("q", "Do this: [1]\n\n- Clean hands often. [2]\n- Avoid <b>close</b> contact. [3]", True)
    assert (
        shown_text(listed) == "Do this: [1]\n\n• Clean hands often. [2]\n• Avoid &lt;b&gt;close&lt;/b&gt; contact. [3]"
    )
    c = Citation(1, "a.md", "Ausleihe", "Bücher leihen Sie für vier Wochen aus.", 0.9, start=0, end=38)
    de = Answer("q", "Bücher leihen Sie für vier Wochen aus. [1]", True, [c])
    de.lang = "de"
    assert ">Im Dokument öffnen</a>" in sources_html(de) and ">open<" not in sources_html(de)
    de.follows_up = "Was kostet ein <Ausweis>?"  # German quotation marks, the question escaped (a browser probe)
    assert "Verstanden als Nachfrage zu „Was kostet ein &lt;Ausweis&gt;?“" in sources_html(de), sources_html(de)


def test_without_a_route_set_the_sites_own_contact_is_quoted_in_the_visitors_language(tmp_path):
    """A browser probe: "Can I talk to a person?" got "I can't pass you to a person here" while the site's prices
    page gave its customer service's phone number. With no route set by the operator, the site's own sentence that
    gives a phone number or an e-mail address is quoted and cited (its German page's for a German visitor), and the
    message is still a request for a person, no gap; a site that gives none gets the plain message."""
    from _support import small_index

    from bot.engine import Bot

    pages = {
        "prices.md": "# Prices\n\nA day pass costs 9 euros. All prices include VAT.\n\n## Help\n\nRide safely. "
        "The customer service phone number is +49 30 5550 1200. Outside these hours you can write to "
        "help@bikes.example.\n",
        "hilfe.md": "# Hilfe\n\nEine Tageskarte kostet 9 Euro.\n\n## Kontakt\n\nSie erreichen unseren Kundenservice "
        "telefonisch unter 030 5550 1200.\n",
    }
    bot = Bot.from_settings(small_index(tmp_path / "a", pages), build=False)
    a = bot.answer("Can I talk to a person?")
    assert a.turn == "person" and a.grounded, a.text
    assert a.text.endswith("The customer service phone number is +49 30 5550 1200. [1]"), a.text
    assert a.citations[0].source == "prices.md" and a.citations[0].quote.endswith("+49 30 5550 1200.")
    de = bot.answer("Kann ich mit einem Menschen sprechen?")
    assert de.turn == "person" and de.citations[0].source == "hilfe.md", de.text
    assert de.text.startswith("Ich bin ein automatischer Assistent"), de.text
    # in a conversation on a page, that page's own contact first (a site of several teams: the one asked about)
    pages["loans.md"] = "# Loans\n\nA loan runs for ten years.\n\nFor loans, call the loan desk at 0800 123 4567.\n"
    two = Bot.from_settings(small_index(tmp_path / "c", pages), build=False)
    first = "How long does a loan run?"
    said = two.answer(first)
    assert said.citations and said.citations[0].source == "loans.md", said.text
    desk = two.answer("Is there someone I can call?", [(first, said.text)])
    assert desk.turn == "person" and desk.citations[0].source == "loans.md", desk.text
    from bot.engine import gives_contact

    assert gives_contact("Call 032 555 12 40.") and gives_contact("Write to help@bikes.example.")
    assert not any(gives_contact(t) for t in ("Contact us before 2025-01-14.", "Open 08:00-11:30.", "Call us 1 2 3."))
    plain = Bot.from_settings(small_index(tmp_path / "b", {"p.md": "# Prices\n\nA day pass costs 9 euros.\n"}))
    none = plain.answer("Can I talk to a person?")
    assert none.turn == "person" and not none.grounded and "can't pass you to a person" in none.text
