"""The web chat (Gradio, at /chat) in a real headless Chromium, against the real server.

Same conventions as test_widget_browser.py: `python3 -m bot serve` in a subprocess, a network guard on
every browser context (its record must stay empty), screenshots in reports/screenshots/.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time

import pytest
from _support import OFF_TOPIC, ON_TOPIC
from browser_support import (
    CHEESE,
    FALLBACK_Q,
    FIRST,
    FOLLOW,
    NOT_REACHED,
    SCREENSHOTS,
    UNSUPPORTED_HEAD,
    UNSUPPORTED_REPLY,
    BotServer,
    HostPage,
    NetworkGuard,
    browser_missing,
    http_json,
    logged_rows,
    model_server,
    norm,
    reset_script,
    stream_answer,
)

_MISSING = browser_missing()
if _MISSING and os.environ.get("BOT_TEST_REQUIRE_BROWSER", "").strip() == "1":
    raise RuntimeError(f"browser tests required (BOT_TEST_REQUIRE_BROWSER=1) but {_MISSING}")
pytestmark = pytest.mark.skipif(bool(_MISSING), reason=f"browser tests: {_MISSING}")

if not _MISSING:
    from playwright.sync_api import expect

ABSTAIN = "I couldn't find that in the articles."
INJECTION = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> [x](javascript:alert(1))'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = BotServer(tmp_path_factory.mktemp("chat-server"), BOT_RATE_LIMIT="1000").start()
    yield srv
    srv.stop()


@pytest.fixture
def chat(chromium, server):
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900})
    guard = NetworkGuard().install(ctx)
    page = ctx.new_page()
    page.goto(server.url + "/chat/")
    yield page
    ctx.close()
    assert guard.blocked == [], f"the page tried to leave the machine: {guard.blocked}"


def ask(page, question: str) -> None:
    box = page.get_by_role("textbox").first
    box.fill(question)
    box.press("Enter")


STREAM_COUNT = """() => {
  window.__lengths = new Set();
  new MutationObserver(() => {
    const bots = document.querySelectorAll('[data-testid="bot"]');
    if (bots.length) window.__lengths.add(bots[0].textContent.length);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_answer_streams_with_sources_and_quotes(chat, server):
    want = http_json(server.url + "/api/ask", {"question": ON_TOPIC})[1]
    chat.evaluate(STREAM_COUNT)
    ask(chat, ON_TOPIC)
    bot = chat.locator('[data-testid="bot"]').first
    expect(bot).to_contain_text(want["citations"][0]["quote"][:60], timeout=30_000)
    sources = chat.get_by_text(f"Sources ({len(want['citations'])})")
    expect(sources).to_be_visible(timeout=30_000)
    # the text arrived in pieces: the answer was seen at several lengths before it was whole
    assert chat.evaluate("window.__lengths.size") >= 3
    sources.click()
    for src in want["sources"]:  # each document once, by its title and file
        expect(chat.get_by_text(f"{src['title']} · {src['source']}")).to_have_count(1)
    from bot.answers.answering import quote_places

    places = {q["n"]: p for src in want["sources"] for q, p in zip(src["quotes"], quote_places(src["quotes"]))}
    assert places[want["citations"][0]["n"]] == want["citations"][0]["question"]  # an FAQ entry: its question
    for c in want["citations"]:  # the place once for a run of quotes from it
        said = f"[{c['n']}] {places[c['n']]}" if places[c["n"]] else f"[{c['n']}] “{c['quote']}”"
        expect(chat.get_by_text(said)).to_be_visible()
        expect(chat.get_by_text(f"“{c['quote']}”")).to_be_visible()
    assert len(want["citations"]) > 1 and not places[want["citations"][1]["n"]]
    # each citation in the Sources links to the source viewer at its quote, and that page marks the quote (the
    # answer's [n] markers stay text: the message's copy button and screen-reader label take its raw markup)
    links = chat.locator('[data-testid="bot"] a[href^="/source/"]')
    expect(links).to_have_count(len(want["citations"]))
    href = links.first.get_attribute("href")
    assert href == want["citations"][0]["url"]
    viewer = chat.context.new_page()
    viewer.goto(server.url + href)
    expect(viewer.locator("mark#q")).to_have_text(want["citations"][0]["quote"])
    viewer.close()
    # the question is in the conversation log as the chat's, with the chat session as its conversation
    rows = [r for r in logged_rows(server, ON_TOPIC) if r["surface"] == "chat"]
    assert rows and all(r["conversation"] for r in rows), rows
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chat.screenshot(path=str(SCREENSHOTS / "chat-answer.png"))


def test_abstention_with_clickable_suggestions(chat):
    ask(chat, OFF_TOPIC)
    expect(chat.get_by_text(ABSTAIN)).to_be_visible(timeout=30_000)
    buttons = chat.get_by_role("button", name="What are the potential outcomes")
    expect(buttons.first).to_be_visible()
    chat.screenshot(path=str(SCREENSHOTS / "chat-abstention.png"))
    buttons.first.click()
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    # an earlier abstention keeps its questions to try as text (Gradio's buttons go with the last message only)
    earlier = chat.locator('[data-testid="bot"]', has_text=ABSTAIN).first.inner_text()
    assert "• What are the potential outcomes" in earlier, earlier


def test_follow_up_uses_the_history(chat, server):
    first, follow = "Which leaders will Zelensky meet?", "What do they want from the US?"
    want = http_json(server.url + "/api/ask", {"question": follow, "history": [[first, "…"]]})[1]
    alone = http_json(server.url + "/api/ask", {"question": follow})[1]
    # the history matters here: alone, the question is answered differently (or not at all)
    assert want["grounded"] and [c["quote"] for c in want["citations"]] != [c["quote"] for c in alone["citations"]]
    ask(chat, first)
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    ask(chat, follow)
    expect(chat.locator('[data-testid="bot"]').filter(has_text=want["citations"][0]["quote"][:50])).to_have_count(
        1, timeout=30_000
    )


def test_html_injection_is_shown_as_text(chat):
    ask(chat, INJECTION)
    expect(chat.locator('[data-testid="user"]').first).to_contain_text(INJECTION, timeout=30_000)
    expect(chat.get_by_text(ABSTAIN)).to_be_visible(timeout=30_000)
    assert chat.evaluate("window.__pwned") is None
    assert chat.locator('[data-testid="user"] img').count() == 0


def test_visitors_see_no_use_via_api_footer(chat):
    """Gradio's "Use via API" footer is for developers: off under the public chat unless BOT_CHAT_API_LINK."""
    expect(chat.locator("textarea").first).to_be_visible(timeout=30_000)
    expect(chat.get_by_text("Use via API")).to_have_count(0)
    expect(chat.get_by_text("Built with Gradio")).to_have_count(0)


def test_the_chat_heading_is_drawn_in_one_font(chat):
    """A browser probe: the bold heading "Ask the articles" was drawn in two fonts (Gradio's default theme serves
    Source Sans Pro at 400 and 600 only; 3 glyphs came from it, the rest from another font). The chat uses the
    system's sans-serif, and every glyph of the heading comes from one font."""
    heading = chat.get_by_text("Ask the articles").first
    expect(heading).to_be_visible(timeout=30_000)
    cdp = chat.context.new_cdp_session(chat)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]["nodeId"]
    found = []
    for nid in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "h1, h2, h3"})["nodeIds"]:
        if "Ask the articles" in cdp.send("DOM.getOuterHTML", {"nodeId": nid})["outerHTML"]:
            found.append(cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nid})["fonts"])
    assert found, "no heading says 'Ask the articles'"
    assert all(len(fonts) == 1 for fonts in found), found


def test_like_is_stored_with_question_and_citations(chat, server):
    ask(chat, ON_TOPIC)
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    chat.get_by_role("button", name="Like").last.click()
    db = server.workdir / "data" / "feedback.sqlite"
    for _ in range(50):
        rows = sqlite3.connect(db).execute("SELECT question, rating, citations FROM feedback").fetchall()
        if rows:
            break
        chat.wait_for_timeout(100)
    assert rows and rows[-1][0] == ON_TOPIC and rows[-1][1] == "up" and "quote" in rows[-1][2]


def test_gradio_client_chat_endpoint(server):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gradio_client import Client

    c = Client(server.url + "/chat/", verbose=False)
    try:
        out = c.predict(message=ON_TOPIC, api_name="/chat")
    finally:
        c.close()
    assert out["grounded"] is True and out["citations"][0]["quote"]


EMBED_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Partner site</title>
<script type="module" src="{srv}/gradio.js"></script></head>
<body><h1>Partner site</h1>
<gradio-app id="wc" src="{srv}/chat/"></gradio-app>
<iframe id="frame" src="{srv}/chat/" width="900" height="700"></iframe>
</body></html>"""


def test_web_component_and_iframe_answer_from_another_origin(chromium, server, tmp_path):
    (tmp_path / "index.html").write_text(EMBED_PAGE.format(srv=server.url), encoding="utf-8")
    host = HostPage(tmp_path).start()
    assert host.url.split(":")[-1] != server.url.split(":")[-1]  # another origin
    ctx = chromium.new_context(viewport={"width": 1000, "height": 1800})
    guard = NetworkGuard().install(ctx)
    try:
        page = ctx.new_page()
        page.goto(host.url + "/index.html")
        wc = page.locator("#wc")
        box = wc.get_by_role("textbox").first
        box.fill("Who is the German chancellor?")
        box.press("Enter")
        expect(wc.locator('[data-testid="bot"]').first).to_contain_text("Friedrich Merz", timeout=30_000)
        expect(wc.get_by_text("Sources (1)")).to_be_visible(timeout=30_000)
        frame = page.frame_locator("#frame")
        fbox = frame.get_by_role("textbox").first
        fbox.fill(OFF_TOPIC)
        fbox.press("Enter")
        expect(frame.get_by_text(ABSTAIN)).to_be_visible(timeout=30_000)
        page.screenshot(path=str(SCREENSHOTS / "chat-embeds.png"), full_page=True)
    finally:
        ctx.close()
        host.stop()
    assert guard.blocked == [], f"the page tried to leave the machine: {guard.blocked}"


def test_too_long_question_gets_a_clear_message(chat):
    ask(chat, "x" * 2001)
    expect(chat.locator('[data-testid="bot"]').last).to_contain_text(
        "2,001 characters long; the limit is 2,000", timeout=30_000
    )


def test_chat_streams_a_models_words_then_the_checked_answer(chromium, tmp_path):
    """With a model configured (a local OpenAI-protocol server), its words appear as they arrive."""
    from openai_fake import FakeOpenAI

    fake = FakeOpenAI()
    reply = "Security guarantees for Ukraine are being actively discussed among European leaders and the US [4]."
    fake.default = {"content": reply, "gap": 0.15}
    srv = model_server(tmp_path, fake.url).start()
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900})
    guard = NetworkGuard().install(ctx)
    try:
        page = ctx.new_page()
        page.goto(srv.url + "/chat/")
        page.evaluate(STREAM_COUNT)
        page.evaluate("""() => { window.__sawRaw = false; new MutationObserver(() => {
            const b = document.querySelector('[data-testid="bot"]');
            if (b && b.textContent.includes('[4]')) window.__sawRaw = true;
          }).observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
        ask(page, ON_TOPIC)
        bot = page.locator('[data-testid="bot"]').first
        expect(page.get_by_text("Sources (1)")).to_be_visible(timeout=30_000)
        assert page.evaluate("window.__sawRaw")  # the model's raw words were shown as they streamed in
        expect(bot).to_contain_text("the US. [1]")  # then the checked answer, renumbered
        assert page.evaluate("window.__lengths.size") >= 4
        assert any(r["body"].get("stream") for r in fake.chat_requests())
    finally:
        ctx.close()
        srv.stop()
        fake.close()
    assert guard.blocked == []


# ------------------------------------------------------------------------------------ what a reader should know
# With a model configured (a local OpenAI-protocol server whose replies each test scripts): sentences no passage
# supports go into the "Sources (n)" message, a quoted fallback's note follows the answer in parentheses, and a
# follow-up's standalone question ("Understood as: …") goes into the "Sources (n)" message too. All as text.


@pytest.fixture(scope="module")
def llm_module(tmp_path_factory):
    """(fake, server): the bot's server with a model, a FakeOpenAI whose script each test sets."""
    from openai_fake import FakeOpenAI

    fake = FakeOpenAI()
    srv = model_server(tmp_path_factory.mktemp("chat-llm-server"), fake.url)
    try:
        srv.start()
        yield fake, srv
    finally:
        srv.stop()
        fake.close()


@pytest.fixture
def llm(llm_module):
    """A fresh script per test (the server's answer cache is keyed by question and history: each test asks its
    own questions)."""
    fake, _ = llm_module
    reset_script(fake)
    yield llm_module
    reset_script(fake)


@pytest.fixture
def llm_chat(chromium, llm):
    """The chat page of the model server, behind a network guard."""
    _, srv = llm
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900})
    guard = NetworkGuard().install(ctx)
    page = ctx.new_page()
    page.goto(srv.url + "/chat/")
    yield page
    ctx.close()
    assert guard.blocked == [], f"the page tried to leave the machine: {guard.blocked}"


def sources_messages(page):
    return page.locator('[data-testid="bot"]').filter(has_text="Sources (")


def test_chat_lists_sentences_no_passage_supports_in_the_sources(llm_chat, llm):
    fake, srv = llm
    fake.script = [{"content": UNSUPPORTED_REPLY}]
    ask(llm_chat, ON_TOPIC)
    sources = sources_messages(llm_chat)
    expect(sources).to_have_count(1, timeout=30_000)
    expect(sources.first).to_contain_text("Sources (1)")
    final = http_json(srv.url + "/api/ask", {"question": ON_TOPIC})[1]  # from the server's cache, no model call
    assert len(fake.chat_requests()) == 1, "the second ask was not answered from the cache"
    assert final["grounded"] is True and final["unsupported"] == [CHEESE] and len(final["citations"]) == 1, final

    # the answer: the cited sentence with [1], the invented one with no citation after it
    bots = llm_chat.locator('[data-testid="bot"]')
    expect(bots).to_have_count(2)
    answer = norm(bots.first.inner_text())
    assert answer == norm(final["answer"]), answer
    assert answer.endswith(CHEESE) and not re.search(r"cheese\.\s*\[\d+\]", answer), answer
    assert "[2]" not in answer and answer.count("[1]") == 1

    # the Sources message, opened: the citation, then the invented sentence under its heading, as text
    sources.first.get_by_text("Sources (1)").click()
    c = final["citations"][0]
    expect(llm_chat.get_by_text(f"[1] {c.get('question') or c['section']}")).to_be_visible()
    expect(llm_chat.get_by_text(f"“{c['quote']}”")).to_be_visible()
    expect(sources.first).to_contain_text(UNSUPPORTED_HEAD + "\n" + CHEESE, use_inner_text=True)
    shown = sources.first.inner_text()
    cited, _, rest = shown.partition(UNSUPPORTED_HEAD)
    assert "cheese" not in cited, shown  # in no citation or quote
    assert norm(rest) == CHEESE, shown  # nothing else: no "Understood as" for a first question
    assert "Understood as" not in shown and "(" + NOT_REACHED + ")" not in bots.first.inner_text()
    assert sources.first.locator("img, script").count() == 0
    hrefs = [a.get_attribute("href") for a in sources.first.locator("a").all()]
    assert hrefs == [c["url"]], hrefs  # our one link, to the source viewer; nothing from the model is markup
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    llm_chat.wait_for_timeout(1000)  # the opening animation, for the screenshot
    llm_chat.screenshot(path=str(SCREENSHOTS / "chat-unsupported.png"))


def test_chat_quotes_the_articles_with_a_note_when_the_model_fails(llm_chat, llm):
    fake, srv = llm
    fake.default = {"status": 500}
    ask(llm_chat, FALLBACK_Q)
    sources = sources_messages(llm_chat)
    expect(sources).to_have_count(1, timeout=30_000)
    assert len(fake.chat_requests()) == 1  # tried once, BOT_LLM_RETRIES=0
    want = http_json(srv.url + "/api/ask", {"question": FALLBACK_Q})[1]  # a fallback is not cached: fails alike
    assert want["grounded"] is True and want["citations"] and want["note"] == NOT_REACHED, want

    answer = llm_chat.locator('[data-testid="bot"]').first
    expect(answer).to_contain_text(f"({NOT_REACHED})")
    assert norm(answer.inner_text()) == norm(f"{want['answer']} ({NOT_REACHED})")
    expect(sources.first).to_contain_text(f"Sources ({len(want['citations'])})")
    sources.first.get_by_text("Sources (").click()
    for c in want["citations"]:
        expect(llm_chat.get_by_text(f"[{c['n']}] {c.get('question') or c['section']}")).to_be_visible()
        expect(llm_chat.get_by_text(f"“{c['quote']}”")).to_be_visible()
        assert c["quote"] in want["answer"]  # quoted verbatim
    assert UNSUPPORTED_HEAD not in sources.first.inner_text()
    llm_chat.wait_for_timeout(1000)  # the opening animation, for the screenshot
    llm_chat.screenshot(path=str(SCREENSHOTS / "chat-fallback-note.png"))


def test_a_question_waits_for_the_conversation_to_be_restored(chromium, server):
    """The page's load event brings back this browser's conversation. Held back here (a slow connection), the box
    takes no question meanwhile; once it has returned, a question and its follow-up keep their history (a question
    asked before it returned was wiped with its answer when it came back, and the follow-up lost its history)."""
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900})
    guard = NetworkGuard().install(ctx)
    page = ctx.new_page()
    held = []

    def hold(route):
        if route.request.method == "POST" and not held:
            held.append(route)  # the first POST of the page: its load event; left pending
        else:
            route.continue_()

    page.route("**/gradio_api/run/predict", hold)
    page.goto(server.url + "/chat/")
    box = page.get_by_role("textbox").first
    expect(box).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    assert len(held) == 1 and '"messages":[]' in (held[0].request.post_data or "")
    expect(box).not_to_be_editable()
    held[0].continue_()
    expect(box).to_be_editable(timeout=30_000)
    expect(box).to_be_focused()
    ask(page, FIRST)
    sources = sources_messages(page)
    expect(sources).to_have_count(1, timeout=30_000)
    ask(page, FOLLOW)
    expect(sources).to_have_count(2, timeout=30_000)
    ctx.close()
    assert guard.blocked == [], f"the page tried to leave the machine: {guard.blocked}"


def test_chat_shows_how_a_follow_up_was_understood(chat, server):
    """Without a model (the offline rule): the follow-up's standalone question from the answer object is shown as
    "Understood as: …" in its Sources message; the first answer's Sources message has none."""
    a1 = http_json(server.url + "/api/ask", {"question": FIRST})[1]["answer"]
    want = stream_answer(server, FOLLOW, [[FIRST, a1]])  # the history the chat keeps: [question, answer text]
    assert want["grounded"] and want["standalone_question"] == "What do the leaders want from the US?", want
    ask(chat, FIRST)
    sources = sources_messages(chat)
    expect(sources).to_have_count(1, timeout=30_000)
    ask(chat, FOLLOW)
    expect(sources).to_have_count(2, timeout=30_000)
    second = sources.nth(1)
    expect(chat.locator('[data-testid="bot"]').filter(has_text=want["citations"][0]["quote"][:50])).to_have_count(1)
    second.get_by_text("Sources (").click()
    line = "Understood as: " + want["standalone_question"]
    expect(second).to_contain_text(line, use_inner_text=True)
    expect(second.get_by_text(line)).to_be_visible()  # the opened Sources message, as text
    assert norm(second.inner_text()).endswith(line)
    sources.first.get_by_text("Sources (").click()
    expect(sources.first.get_by_text(a1.split(" [")[0][:50])).to_be_visible()  # opened
    assert "Understood as" not in sources.first.inner_text()
    expect(second.get_by_text(line)).to_be_visible()  # both opened
    chat.wait_for_timeout(1000)  # the opening animation, for the screenshot
    second.get_by_text(line).scroll_into_view_if_needed()
    chat.screenshot(path=str(SCREENSHOTS / "chat-understood-as.png"))


def test_the_chat_answers_with_two_workers(chromium, tmp_path):
    """`serve --workers 2`: a chat session's requests may reach either worker; each question is answered."""
    srv = BotServer(tmp_path / "two", BOT_RATE_LIMIT="1000", BOT_WORKERS="2").start()
    try:
        questions = [ON_TOPIC, "What is NATO's role?", "Which leaders will Zelensky meet?"]
        for q in questions:
            for _ in range(20):  # one question in flight per client: the chat's last one may still be closing
                status, want = http_json(srv.url + "/api/ask", {"question": q})
                if status != 429:
                    break
                time.sleep(0.5)
            assert status == 200 and want.get("citations"), (status, want)
            ctx = chromium.new_context()
            page = ctx.new_page()
            page.goto(srv.url + "/chat/")
            ask(page, q)
            expect(page.locator('[data-testid="bot"]').first).to_contain_text(
                want["citations"][0]["quote"][:50], timeout=30_000
            )
            ctx.close()
    finally:
        srv.stop()


def test_the_chat_starter_questions_follow_a_new_index(chromium, tmp_path):
    """Another process ingests a changed corpus; a reader who opens the chat afterwards gets the new index's
    questions to start with (the running server swapped it in; no restart)."""
    from _support import bot_env, run_bot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "bees.md").write_text(
        "# Bees\n\n## How many eggs does a queen lay?\n\nUp to 2,000 a day in spring.\n", encoding="utf-8"
    )
    srv = BotServer(tmp_path / "srv", corpus=corpus, BOT_INDEX_POLL_S="0.5").start()
    try:
        page = chromium.new_page()
        page.goto(srv.url + "/chat/")
        expect(page.get_by_text("How many eggs does a queen lay?")).to_be_visible(timeout=30_000)
        (corpus / "bees.md").unlink()
        (corpus / "cards.md").write_text(
            "# Cards\n\n## How much does a library card cost?\n\nA card costs 12 euros a year.\n", encoding="utf-8"
        )
        r = run_bot(["ingest"], bot_env(BOT_CORPUS_DIR=corpus, BOT_INDEX_DIR=srv.workdir / "index"))
        assert r.returncode == 0, r.stderr
        deadline = time.monotonic() + 30
        while http_json(srv.url + "/api/health")[1]["documents"] != 1 or "cards" not in str(
            http_json(srv.url + "/api/ask", {"question": "How much does a library card cost?"})[1]["citations"]
        ):
            assert time.monotonic() < deadline, "the server did not swap the new index in"
            time.sleep(0.3)
        page.reload()
        expect(page.get_by_text("How much does a library card cost?")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("How many eggs does a queen lay?")).to_have_count(0)
        page.close()
    finally:
        srv.stop()


def test_the_chat_keeps_its_conversation_across_a_reload_until_a_new_one(chat, server):
    ask(chat, "hi")  # small talk: a welcome and questions to try, not "I couldn't find that"
    expect(chat.get_by_text("I answer questions from this site's articles")).to_be_visible(timeout=30_000)
    assert chat.get_by_text(ABSTAIN).count() == 0
    ask(chat, ON_TOPIC)
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    # the welcome's questions to try stay in its text once the next answer is in (Gradio drops its buttons then;
    # a browser probe saw "You could ask, for example:" left hanging)
    welcome = chat.locator('[data-testid="bot"]').first
    expect(welcome).to_contain_text("for example:")
    assert welcome.inner_text().count("•") >= 2, welcome.inner_text()
    chat.wait_for_timeout(500)  # the conversation is stored after the answer (a chained event)
    rows = [r for r in logged_rows(server, ON_TOPIC) if r["surface"] == "chat"]
    conv = rows[-1]["conversation"]
    assert conv.startswith("c-"), rows
    chat.reload()
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)  # shown again
    expect(chat.locator('[data-testid="user"]')).to_have_count(2)
    chat.screenshot(path=str(SCREENSHOTS / "chat-after-reload.png"))
    follow = "Who is wary of sending troops?"
    ask(chat, follow)
    expect(chat.locator('[data-testid="user"]')).to_have_count(3)
    expect(chat.get_by_text("Sources (")).to_have_count(2, timeout=30_000)
    rows = [r for r in logged_rows(server, follow) if r["surface"] == "chat"]
    assert rows and rows[-1]["conversation"] == conv  # one conversation for the log, across the reload
    chat.get_by_role("button", name="New conversation").click()
    expect(chat.locator('[data-testid="user"]')).to_have_count(0)
    chat.wait_for_timeout(500)
    chat.reload()
    chat.wait_for_timeout(1500)
    expect(chat.locator('[data-testid="user"]')).to_have_count(0)


def test_the_trash_button_starts_a_new_conversation(chat, server):
    """Gradio's trash button over the messages emptied the screen only: a reload brought the conversation back, and
    the next question was a follow-up of the hidden one. It starts a new conversation, as "New conversation" does."""
    ask(chat, ON_TOPIC)
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    chat.wait_for_timeout(500)  # stored after the answer (a chained event)
    before = {r["conversation"] for r in logged_rows(server, ON_TOPIC) if r["surface"] == "chat"}
    chat.get_by_role("button", name="Clear").first.click()
    expect(chat.locator('[data-testid="user"]')).to_have_count(0)
    chat.wait_for_timeout(500)
    chat.reload()
    chat.wait_for_timeout(1500)
    expect(chat.locator('[data-testid="user"]')).to_have_count(0)  # not brought back
    follow = "Who is wary of sending them?"
    ask(chat, follow)
    expect(chat.locator('[data-testid="user"]')).to_have_count(1)
    expect(chat.locator('[data-testid="bot"]').last).not_to_be_empty(timeout=30_000)
    chat.wait_for_timeout(500)
    rows = [r for r in logged_rows(server, follow) if r["surface"] == "chat"]
    assert rows and rows[-1]["conversation"] not in before, (rows, before)


def test_a_question_in_flight_when_the_chat_reloads_is_asked_again(chat, server):
    ask(chat, "hi")
    expect(chat.get_by_text("I answer questions from this site's articles")).to_be_visible(timeout=30_000)
    q = "Which European leaders is Zelensky meeting in London?"
    # the server is slow: the answer has not started when the visitor reloads
    chat.route("**/queue/join*", lambda route: None)  # held, never sent
    ask(chat, q)
    expect(chat.locator('[data-testid="user"]')).to_have_count(2)
    chat.wait_for_timeout(800)  # the question is stored before it is answered (a chained event)
    chat.unroute("**/queue/join*")
    chat.reload()
    # the question is shown once, asked again, answered, in the same conversation
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    expect(chat.locator('[data-testid="user"]')).to_have_count(2)
    assert chat.locator('[data-testid="user"]').nth(1).inner_text().strip() == q
    convs = {r["conversation"] for r in logged_rows(server, "hi") + logged_rows(server, q) if r["surface"] == "chat"}
    # (the answer shown after the reload can only come from asking again: the page lost the first request; the
    # held request may still have reached the server, so the log holds one or two)
    asked = [r for r in logged_rows(server, q) if r["surface"] == "chat"]
    assert asked and {r["conversation"] for r in asked} <= convs, asked
    chat.wait_for_timeout(500)  # stored once answered: a second reload asks nothing again
    chat.reload()
    expect(chat.get_by_text("Sources (")).to_be_visible(timeout=30_000)
    chat.wait_for_timeout(1500)
    assert len([r for r in logged_rows(server, q) if r["surface"] == "chat"]) == len(asked)
    expect(chat.locator('[data-testid="user"]')).to_have_count(2)


def test_the_chat_speaks_the_browsers_language(chromium, server):
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900}, locale="de-DE")
    guard = NetworkGuard().install(ctx)
    page = ctx.new_page()
    page.goto(server.url + "/chat/")
    expect(page.get_by_text("Fragen Sie die Artikel")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Neues Gespräch")).to_be_visible()
    expect(page.get_by_placeholder("Stellen Sie eine Frage…")).to_be_visible()
    ask(page, "Hallo")
    expect(page.get_by_text("Ich beantworte Fragen aus den Artikeln")).to_be_visible(timeout=30_000)
    ask(page, "Wie backe ich ein Sauerteigbrot?")
    expect(page.get_by_text("Dazu habe ich in den Artikeln nichts gefunden.")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Die Artikel beantworten zum Beispiel:")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "chat-german.png"))
    ctx.close()
    assert guard.blocked == []


def test_a_person_wanted_gets_the_sites_contact_with_its_source(chromium, tmp_path):
    """A probe on a town's site: "Kann ich mit einem Mitarbeiter sprechen?" got the site's own contact sentence with
    its "[1]", and no Sources box under it to say where it came from (the widget and the API gave its citation)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "kontakt.md").write_text(
        "# Kontakt\n\nSo erreichen Sie das Team des Bürgeramts: E-Mail buergeramt@lindenau.example, Telefon 0341 "
        "123 4567.\n\n# Öffnungszeiten\n\nDas Bürgeramt ist montags bis freitags von 8 bis 16 Uhr geöffnet.\n",
        encoding="utf-8",
    )
    srv = BotServer(tmp_path / "srv", corpus=corpus, BOT_RATE_LIMIT="1000").start()
    ctx = chromium.new_context(viewport={"width": 1100, "height": 900}, locale="de-DE")
    guard = NetworkGuard().install(ctx)
    try:
        want = http_json(srv.url + "/api/ask", {"question": "Kann ich mit einem Mitarbeiter sprechen?"})[1]
        assert want["citations"] and "buergeramt@lindenau.example" in want["citations"][0]["quote"], want
        page = ctx.new_page()
        page.goto(srv.url + "/chat/")
        expect(page.get_by_text("Fragen Sie die Artikel")).to_be_visible(timeout=30_000)
        ask(page, "Kann ich mit einem Mitarbeiter sprechen?")
        sources = page.get_by_text(f"Quellen ({len(want['citations'])})")
        expect(sources).to_be_visible(timeout=30_000)
        sources.click()
        expect(page.get_by_text(f"“{want['citations'][0]['quote']}”")).to_be_visible()
    finally:
        ctx.close()
        srv.stop()
    assert guard.blocked == []
