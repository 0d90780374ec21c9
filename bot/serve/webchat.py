"""The web chat: Gradio Blocks over the Bot, mounted in the FastAPI app at /chat.

Thin by design: it adapts `Bot.answer` to chat events and renders the Answer. Gradio's chatbot renders
HTML, so everything that came from a question or an article is HTML-escaped first: it shows as text.
"""

# no `from __future__ import annotations` here: Gradio finds gr.SelectData / gr.LikeData parameters by
# their (evaluated) annotations.
import html
import logging
import os
import re
import time
from collections import OrderedDict

from bot.answers import messages as words
from bot.errors import BotError
from bot.ingest.text import pieces

log = logging.getLogger(__name__)


def quiet_gradio() -> None:
    """Gradio and huggingface_hub phone home unless told not to; call before importing gradio."""
    for k, v in {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_OFFLINE": "1"}.items():
        os.environ.setdefault(k, v)


quiet_gradio()


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def sources_html(answer) -> str:
    """The Sources box: each cited document once (its title and file), then each of its quotes with its number,
    section and page, and a link that opens the document at it (bot/serve/viewer.py). Everything from the
    articles is escaped; the only markup is our own link."""
    from bot.answers.answering import grouped_sources, quote_places, shown_quote

    lang = answer.lang or "en"
    parts = []
    label = esc(words.text("ui_open_doc", lang))
    for src in grouped_sources(answer.citations):
        lines = [esc(f"{src['title']} · {src['source']}")]
        for q, place in zip(src["quotes"], quote_places(src["quotes"])):
            line = esc(f"[{q['n']}] {place}\n{shown_quote(q)}" if place else f"[{q['n']}] {shown_quote(q)}")
            if q["url"]:
                href = html.escape(q["url"], quote=True)
                line += f' <a href="{href}" target="_blank" rel="noopener noreferrer">{label}</a>'
            lines.append(line)
        parts.append("\n".join(lines))
    if answer.unsupported:
        parts.append(esc(words.text("ui_unsupported", lang) + "\n" + "\n".join(answer.unsupported)))
    if answer.standalone_question:
        parts.append(esc(words.text("ui_understood", lang) + answer.standalone_question))
    if answer.follows_up:
        parts.append(esc(words.text("ui_follow_up", lang) + words.text("ui_quoted", lang, text=answer.follows_up)))
    return "\n\n".join(parts)


def sources_message(answer, lang: str) -> dict:
    """The chat message under an answer that lists its sources (a collapsible box titled "Sources (n)")."""
    return {
        "role": "assistant",
        "content": sources_html(answer),
        "metadata": {"title": f"{words.text('ui_sources', lang)} ({len(answer.citations)})", "status": "done"},
    }


def shown_text(answer) -> str:
    """The answer's text as the chat shows it (escaped): list items as bullets, and without the line that
    spells out where a person can be reached when handoff_html gives the link to it."""
    text = answer.text
    h = answer.handoff or {}
    route = " · ".join(x for x in (h.get("url"), h.get("email")) if isinstance(x, str) and x)
    if route and handoff_html(answer):
        paras = text.split("\n\n")
        if len(paras) > 1 and route in paras[-1]:
            text = "\n\n".join(paras[:-1])
    text = re.sub(r"(?m)^- ", "• ", text)
    return esc(text + (f"\n\n({answer.note})" if answer.note else ""))


def handoff_html(answer) -> str:
    """A link to where a person can be reached (the operator's BOT_HANDOFF_URL, else _EMAIL), or ""."""
    h = answer.handoff or {}
    url = h.get("url") if isinstance(h.get("url"), str) and h["url"].startswith(("http://", "https://")) else None
    if url is None and isinstance(h.get("email"), str) and "@" in h["email"]:
        url = "mailto:" + h["email"]
    if not url:
        return ""
    label = esc(words.text("ui_contact", answer.lang or "en"))
    return f'\n\n<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">{label}</a>'


KEEP_HOURS = 12  # a conversation kept in the browser is continued this long after its last message
MAX_MESSAGES = 80  # messages (and history pairs) kept in the browser
RESUME_WAITS = 12  # a question asked again after a reload waits up to 3 s for the cut-off one to close
EMPTY = {"id": "", "t": 0, "messages": [], "pairs": []}


def browser_lang(request) -> str:
    """The browser's language among the bot's (Accept-Language), English when none."""
    from bot.answers.turns import language_tag

    headers = getattr(request, "headers", None)
    return language_tag(headers.get("accept-language") if headers else None) or "en"


# the box was not editable when the page opened (see build_chat), so its autofocus came to nothing: focus it once
# the conversation is back, unless the reader has already put the focus somewhere
FOCUS_BOX = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) document.querySelector('textarea')?.focus();
}"""


def _new_id() -> str:
    import secrets

    return "c-" + secrets.token_hex(8)


def build_chat(live, feedback, inflight, procs=None, convlog=None, handoff=None):
    """The Blocks. `inflight` (bot/serve/guard.InFlight) is shared with the JSON API: one question in flight per
    client, and a busy server says so at once. (Rate limits and body caps for these routes: bot/serve/guard.py.)
    `live` is a bot/serve/live.LiveBot: each answer is given by the index current when it was asked; `procs` a
    bot/serve/pool.AnswerPool (--workers N) or None."""
    import gradio as gr

    from bot.serve.guard import REFUSED, client_host

    recent: OrderedDict[str, dict] = OrderedDict()  # shown answer -> what feedback stores with it

    def add_user(message: str, messages: list, pairs: list):
        message = message or ""
        return "", [*messages, {"role": "user", "content": esc(message)}], message

    def respond(raw: str, messages: list, pairs: list, conv: str, request: gr.Request, patient: bool = False):
        client = client_host(request)
        refused = inflight.enter(client)
        # a question asked again after a reload: this browser's previous request (the same question, cut off)
        # may still be closing on the server, so a short wait for it before "one at a time"
        for _ in range(RESUME_WAITS if patient else 0):
            if refused != "client":
                break
            time.sleep(0.25)
            refused = inflight.enter(client)
        if refused is not None:
            yield [*messages, {"role": "assistant", "content": esc(REFUSED[refused])}], pairs
            return
        t0 = time.perf_counter()
        try:
            lang = request.headers.get("accept-language") if getattr(request, "headers", None) else None
            yield from _respond(raw, messages, pairs, conv or getattr(request, "session_hash", None), t0, lang)
        finally:
            inflight.leave(client, time.perf_counter() - t0)

    def _respond(raw: str, messages: list, pairs: list, session=None, t0: float = 0.0, hint: str | None = None):
        try:
            shown, a = "", None
            bot = live.bot
            if procs is not None and procs.takes(bot):  # a quoted answer, computed in an answer process
                from bot.answers.answering import Answer

                d, vec = procs.answer(raw, pairs, hint)
                a = Answer.from_dict(d)
                a.qvec = vec
            else:
                for ev in bot.answer_stream(
                    raw, pairs, lang=hint
                ):  # a model's words as they arrive, then the checked answer
                    if isinstance(ev, str):
                        shown += ev
                        yield [*messages, {"role": "assistant", "content": esc(shown)}], pairs
                    else:
                        a = ev
        except BotError as e:
            yield [*messages, {"role": "assistant", "content": esc(str(e))}], pairs
            return
        except Exception:  # noqa: BLE001 - the edge: log it, tell the reader plainly, no stack trace
            log.exception("error answering in the chat")
            msg = "Something went wrong on our side. It has been logged; please try again."
            yield [*messages, {"role": "assistant", "content": msg}], pairs
            return
        if not shown:
            for piece in pieces(a.text):
                shown += piece
                yield [*messages, {"role": "assistant", "content": esc(shown)}], pairs
        if convlog is not None:
            convlog.record("chat", session, raw, a.to_dict(), (time.perf_counter() - t0) * 1000, a.qvec)
        if handoff is not None:
            handoff.after("chat", session, raw, a.to_dict(), pairs)
        # (its [n] markers stay text: as links, the message's copy button and its screen-reader label gave the
        # raw <a> markup, a browser probe found; the Sources box under it links each quote)
        body = shown_text(a)
        recent[body] = {"question": raw, "answer": a.text, "citations": [c.to_dict() for c in a.citations]}
        while len(recent) > 500:
            recent.popitem(last=False)
        pairs = [*pairs, [raw, a.text]]
        lang = a.lang or "en"
        if a.turn:  # small talk, or a person wanted: the reply, and questions to try
            # the questions as text too: Gradio drops the buttons once the next message is in, and a welcome that
            # ends "You could ask, for example:" was left hanging (a browser probe)
            said = shown_text(a)
            tried = "".join(f"\n• {s}" for s in a.suggestions)
            if tried and not said.rstrip().endswith(":"):
                tried = f"\n\n{words.text('ui_can_answer', lang)}{tried}"
            final = [
                {
                    "role": "assistant",
                    "content": said + esc(tried) + handoff_html(a),
                    **({"options": [{"value": s, "label": esc(s)} for s in a.suggestions]} if a.suggestions else {}),
                }
            ]
            if a.citations:  # a person wanted: the site's own contact sentence, quoted, and its source under it
                final.append(sources_message(a, lang))
        elif a.grounded:
            final = [{"role": "assistant", "content": body}, sources_message(a, lang)]
        else:
            # the questions to try as text as well: Gradio shows the clickable ones under the last message only
            tried = "".join(f"\n• {s}" for s in a.suggestions)
            read = (
                words.text("ui_follow_up", lang) + words.text("ui_quoted", lang, text=a.follows_up)
                if a.follows_up
                else ""
            )
            final = [
                {
                    "role": "assistant",
                    "content": shown_text(a)
                    + handoff_html(a)
                    + esc(
                        (f"\n\n({read})" if read else "")
                        + (f"\n\n{words.text('ui_can_answer', lang)}{tried}" if tried else "")
                    ),
                    "options": [{"value": s, "label": esc(s)} for s in a.suggestions],
                }
            ]
        yield [*messages, *final], pairs

    def picked(evt: gr.SelectData, messages: list, pairs: list):
        value = evt.value["value"] if isinstance(evt.value, dict) else evt.value
        value = value.get("text", "") if isinstance(value, dict) else str(value)
        return [*messages, {"role": "user", "content": esc(value)}], value

    def on_like(evt: gr.LikeData):
        value = evt.value[0] if isinstance(evt.value, list) and evt.value else evt.value
        info = recent.get(value if isinstance(value, str) else "", {})
        if not info:
            return
        from bot.serve.feedback import FeedbackIn

        if convlog is not None:
            convlog.feedback(info["question"], info["answer"], "up" if evt.liked else "down")
        feedback.add(
            FeedbackIn(
                question=info["question"],
                answer=info["answer"],
                citations=info["citations"],
                rating="up" if evt.liked else "down",
            )
        )

    def chat(message: str, request: gr.Request) -> dict:
        """Answer one question; returns the same object as POST /api/ask."""
        client = client_host(request)
        refused = inflight.enter(client)
        if refused is not None:
            return {"error": REFUSED[refused]}
        t0 = time.perf_counter()
        try:
            bot = live.bot
            if procs is not None and procs.takes(bot):
                d, vec = procs.answer(message)
            else:
                a = bot.answer(message)
                d, vec = a.to_dict(), a.qvec
            if convlog is not None:
                ms = (time.perf_counter() - t0) * 1000
                convlog.record("chat", getattr(request, "session_hash", None), message, d, ms, vec)
            return d
        except BotError as e:
            return {"error": str(e)}
        finally:
            inflight.leave(client, time.perf_counter() - t0)

    with gr.Blocks(title="Ask the articles", analytics_enabled=False) as demo:
        heading = gr.Markdown(words.text("ui_chat_heading", "en"))
        chatbot = gr.Chatbot(
            render_markdown=False,
            sanitize_html=True,
            feedback_options=("Like", "Dislike"),
            placeholder=words.text("ui_chat_placeholder", "en"),
            # no questions to try until the page's load event has run (restore, below): one clicked earlier
            # would be wiped by the conversation the load brings back
            height=540,
            label=words.text("ui_chat_label", "en"),
            # no label or toolbar over the messages: on a phone, when the conversation scrolls, they covered the
            # first line (a browser probe); a copy button on each message, "New conversation" below
            show_label=False,
            buttons=["copy"],
        )
        # no max_length: a pasted question would be cut silently; the engine's message states the limit
        # not editable until the load event has brought back this browser's conversation: on a slow connection a
        # question asked before it returned was wiped, with its answer and the history its follow-up needed (CI saw
        # it once); restore() turns the box on
        box = gr.Textbox(
            placeholder=words.text("ui_ask", "en"),
            show_label=False,
            submit_btn=True,
            autofocus=True,
            interactive=False,
        )
        new = gr.Button(words.text("ui_new", "en"), size="sm", variant="secondary")
        pairs = gr.State([])
        raw = gr.State("")
        conv = gr.State("")  # the conversation's id: the log sees one conversation across reloads
        # the conversation in this browser (its messages, the history sent with follow-ups, its id), so a reload
        # goes on with it; kept KEEP_HOURS after its last message, cleared by "New conversation"
        saved = gr.BrowserState(EMPTY, storage_key="articlebot-chat")

        def store(messages: list, pairs: list, conv: str):
            return {"id": conv, "t": time.time(), "messages": messages[-MAX_MESSAGES:], "pairs": pairs[-MAX_MESSAGES:]}

        def store_pending(messages: list, pairs: list, conv: str, raw: str):
            """Kept before the answer comes: a reload while it is written asks the question again (resume)."""
            return {**store(messages, pairs, conv), "pending": raw}

        def resume(raw: str, messages: list, pairs: list, conv: str, request: gr.Request):
            """The question that was being answered when the page was reloaded, answered now (its message is
            already shown: restore kept it). Nothing when there is none."""
            if not raw:
                yield gr.skip(), gr.skip()
                return
            yield from respond(raw, messages, pairs, conv, request, patient=True)

        box.submit(add_user, [box, chatbot, pairs], [box, chatbot, raw], queue=False, api_visibility="private").then(
            store_pending, [chatbot, pairs, conv, raw], saved, queue=False, api_visibility="private"
        ).then(
            respond, [raw, chatbot, pairs, conv], [chatbot, pairs], api_visibility="private", concurrency_limit=16
        ).then(store, [chatbot, pairs, conv], saved, queue=False, api_visibility="private")
        for event in (chatbot.option_select, chatbot.example_select):
            event(picked, [chatbot, pairs], [chatbot, raw], queue=False, api_visibility="private").then(
                store_pending, [chatbot, pairs, conv, raw], saved, queue=False, api_visibility="private"
            ).then(
                respond, [raw, chatbot, pairs, conv], [chatbot, pairs], api_visibility="private", concurrency_limit=16
            ).then(store, [chatbot, pairs, conv], saved, queue=False, api_visibility="private")
        chatbot.like(on_like, None, None, api_visibility="private")

        def examples(lang: str = "en"):
            return [{"text": q} for q in live.bot.starter_questions(4, lang)] or None

        def restore(state, request: gr.Request):
            """On every page load: the conversation kept in this browser, if any and recent, else a new one; the
            current index's starter questions (a new index brings its own); the page's words in the browser's
            language (Accept-Language: en, de, fr, es)."""
            lang = browser_lang(request)
            chrome = (
                gr.Markdown(words.text("ui_chat_heading", lang)),
                gr.Textbox(placeholder=words.text("ui_ask", lang), interactive=True),
                gr.Button(words.text("ui_new", lang)),
            )
            look = {"placeholder": words.text("ui_chat_placeholder", lang), "label": words.text("ui_chat_label", lang)}
            ok = (
                isinstance(state, dict)
                and isinstance(state.get("id"), str)
                and state["id"].startswith("c-")
                and isinstance(state.get("messages"), list)
                and isinstance(state.get("pairs"), list)
                and time.time() - float(state.get("t") or 0) < KEEP_HOURS * 3600
            )
            if not ok:
                return gr.Chatbot(value=[], examples=examples(lang), **look), [], _new_id(), *chrome, ""
            pending = state.get("pending")
            last = state["messages"][-1] if state["messages"] else None
            # a question cut off by the reload, its message the last shown: asked again (resume)
            ok = isinstance(pending, str) and isinstance(last, dict) and last.get("role") == "user"
            return (
                gr.Chatbot(value=state["messages"], examples=examples(lang), **look),
                state["pairs"],
                state["id"],
                *chrome,
                pending if ok else "",
            )

        def store_resumed(raw: str, messages: list, pairs: list, conv: str):
            return store(messages, pairs, conv) if raw else gr.skip()

        def restart(request: gr.Request):
            return gr.Chatbot(value=[], examples=examples(browser_lang(request))), [], _new_id(), dict(EMPTY)

        demo.load(
            restore, saved, [chatbot, pairs, conv, heading, box, new, raw], queue=False, api_visibility="private"
        ).then(None, js=FOCUS_BOX, queue=False, api_visibility="private").then(
            resume, [raw, chatbot, pairs, conv], [chatbot, pairs], api_visibility="private", concurrency_limit=16
        ).then(store_resumed, [raw, chatbot, pairs, conv], saved, queue=False, api_visibility="private")
        new.click(restart, None, [chatbot, pairs, conv, saved], queue=False, api_visibility="private")
        # Gradio's own trash button over the messages starts a new conversation too: it emptied the screen only, and
        # the next question was read as a follow-up of the hidden one, which a reload brought back (a browser probe)
        chatbot.clear(restart, None, [chatbot, pairs, conv, saved], queue=False, api_visibility="private")
        gr.api(chat, api_name="chat", concurrency_limit=16)
    return demo
