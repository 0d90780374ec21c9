"""The web server: JSON API (plain and streaming), feedback, health, and the embeddable widget.

`create_app(bot)` builds the FastAPI application; `serve()` runs it with uvicorn. Only this module turns
exceptions into HTTP status codes; no stack trace ever reaches the browser.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from bot.answers.followup import last_user_turn
from bot.engine import Bot, validate_question
from bot.errors import BotError, ConfigError
from bot.ingest.corpus import SUFFIXES
from bot.ingest.text import pieces
from bot.serve.admin import tokens as adm_tokens
from bot.serve.feedback import FeedbackIn, FeedbackStore
from bot.serve.guard import (
    REFUSED,
    Guard,
    InFlight,
    client_host,
    gradio_classifier,
    is_redis,
    make_limiter,
    parse_networks,
)
from bot.serve.live import LiveBot
from bot.serve.viewer import CSP as VIEW_CSP
from bot.serve.viewer import NotShown, Viewer
from bot.version import __version__

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
ADMIN_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# the admin page's widget preview: the widget alone, framed by the admin page only (its <style> is inline)
PREVIEW_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
    "img-src 'self' https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)


LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


class AskRequest(BaseModel):
    question: str = Field(description="The question, at most 2,000 characters.")
    history: list[list[str | None]] | None = Field(
        None, description="Earlier turns, oldest first, as [question, answer] pairs."
    )
    conversation_id: str | None = Field(
        None, max_length=100, description="Your id for the conversation, kept with its questions in the log."
    )
    lang: str | None = Field(
        None,
        max_length=35,
        description="The visitor's language as the page tells it (`de`, `fr-CH`): the bot's own words follow it when "
        'the question is too short to tell ("hi"). Default: the request\'s Accept-Language.',
    )
    contact: str | None = Field(
        None,
        max_length=200,
        description="How the visitor can be reached (an email, a phone number), if they gave it: sent to the "
        "operator's BOT_HANDOFF_WEBHOOK when they ask for a person. Not stored in the log.",
    )


class CitationOut(BaseModel):
    n: int
    source: str = Field(description="File, relative to the corpus folder.")
    section: str
    quote: str = Field(description="Verbatim text of the source that supports the sentence marked [n].")
    score: float
    question: str | None = Field(None, description="The FAQ entry the quote belongs to, when it is from one.")
    anchor: str | None = Field(None, description="The page's id for that entry: `source#anchor` opens it.")
    page: int | None = Field(None, description="PDF files: the page the quote is on (from 1).")
    url: str | None = Field(
        None, description="The document at the quote, highlighted (the source viewer), relative to this server."
    )
    source_url: str | None = Field(None, description="A page fetched from a website: its address (and anchor).")
    title: str | None = Field(None, description="The document's title.")
    cell: str | None = Field(None, description="A table cell: its row and column (what the quoted value is).")


class QuoteOut(BaseModel):
    n: int = Field(description="The [n] marker in the answer.")
    quote: str = Field(description="Verbatim text of the document.")
    section: str
    page: int | None = Field(None, description="PDF files: the page the quote is on (from 1).")
    url: str | None = Field(None, description="The document at the quote (the source viewer), relative to this server.")
    cell: str | None = Field(None, description="A table cell: its row and column (what the quoted value is).")


class SourceOut(BaseModel):
    source: str = Field(description="File, relative to the corpus folder.")
    title: str = Field(description="The document's title (its heading), else a readable form of its file name.")
    source_url: str | None = Field(None, description="A page fetched from a website: its address.")
    quotes: list[QuoteOut] = Field(description="What the answer cites from this document, in the answer's order.")


class AnswerOut(BaseModel):
    answer: str = Field(description="The answer with [n] citation markers, as plain text: show it as text.")
    answer_markdown: str = Field(
        description="The same, for a markdown renderer: article text escaped (no HTML, no links); [n] kept."
    )
    grounded: bool = Field(description="False when the articles don't answer the question.")
    confidence: float = Field(0.0, description="How sure the bot is that the answer answers the question (0-1).")
    citations: list[CitationOut]
    sources: list[SourceOut] = Field(
        default_factory=list,
        description="The cited documents, each once, in the order first cited, with their quotes: what to show "
        "a reader (`citations` has the same quotes as a flat list, one per [n]).",
    )
    suggestions: list[str] = Field(description="Questions the articles can answer (given when not grounded).")
    unsupported: list[str] = Field(
        default_factory=list, description="Generated sentences no passage supports (shown without a citation)."
    )
    note: str | None = Field(None, description="Why the answer is quoted rather than written (model unreachable).")
    standalone_question: str | None = Field(
        None, description="How a follow-up was understood: the standalone question searched and answered."
    )
    follows_up: str | None = Field(
        None,
        description='The earlier question a follow-up ("And for adults?", "Why?") or a reply was read with, '
        "when the message named nothing of its own to search for.",
    )
    entry: dict | None = Field(
        None,
        description="The FAQ entry the answer is: its question, source, anchor, and `whole` (false: the answer "
        "gives its most relevant sentences, and the rest is at source#anchor); `also`: another page's entry for "
        "the same question, given after it, in the same shape.",
    )
    tokens: dict[str, int | bool] | None = Field(
        None,
        description="Prompt and completion tokens, when a language model wrote the answer; `estimated` is true "
        "when the model's server did not report them and they were counted here (tiktoken's cl100k_base).",
    )
    turn: str | None = Field(
        None,
        description='Not a question for the articles: `smalltalk` (a greeting, thanks, goodbye, "ok", a question '
        'announced but not asked, or a first message with nothing to ask yet such as "why?": answered with a '
        "short reply) or `person` (the visitor asked for a person). Null for questions. Neither is a knowledge gap.",
    )
    handoff: dict | None = Field(
        None,
        description="Where a person can be reached, as the operator set it (`url`, `email`): given when the "
        "visitor asks for a person and with every answer the articles don't give. Null when none is set.",
    )
    lang: str | None = Field(None, description="The language of the bot's own words in the answer (en, de, fr, es).")
    timings_ms: dict[str, float]


class ErrorOut(BaseModel):
    error: str


WIDGET_KEYS = (
    "title",
    "name",
    "welcome",
    "subtitle",
    "placeholder",
    "starters",
    "logo",
    "color",
    "theme",
    "position",
    "launcher",
    "open",
    "lang",
)


def _widget_js(defaults: dict | None = None) -> bytes | None:
    """widget.js with its words and the server's defaults for its options (BOT_WIDGET) filled in."""
    given = {k: str(v)[:2000] for k, v in (defaults or {}).items() if k in WIDGET_KEYS and v is not None}
    # JSON in a script: "</" would end it; the widget reads these as text like its data-* attributes
    return _widget_js_for(json.dumps(given, sort_keys=True).replace("</", "<\\/"))


@functools.cache
def _widget_js_for(defaults_json: str) -> bytes | None:
    """widget.js with its words filled in: the "ui_" entries (and the abstention) of bot/answers/messages.json in
    each language, so the widget and the bot's answers speak from one catalogue."""
    path = STATIC / "widget.js"
    if not path.exists():
        return None
    from bot.answers.messages import catalogue

    words = {
        lang: {k: v for k, v in msgs.items() if k.startswith("ui_") or k == "abstain"}
        for lang, msgs in catalogue().items()
    }
    text = path.read_text(encoding="utf-8").replace("/*@CATALOGUE@*/ null", json.dumps(words))
    return text.replace("/*@DEFAULTS@*/ null", defaults_json).encode("utf-8")


def _shaped(d: dict) -> dict:
    """An answer as AnswerOut documents it, every optional field present (null when absent), without
    validating it again field by field (the dict comes from Answer.to_dict)."""
    for k in AnswerOut.model_fields:
        d.setdefault(k, None)
    return d


def _sse(event: str, data) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


INDEX_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ask the articles</title>
<style>body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
code{background:#f1f3f5;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Ask the articles</h1>
<p>Use the chat button in the corner. Every answer cites the sentences it came from, or says plainly that
the articles don't cover it.</p>
<p>API: <a href="/docs">/docs</a>. Embed the chat on your site with
<code>&lt;script src="ORIGIN/widget.js" defer&gt;&lt;/script&gt;</code>.</p>
<script src="/widget.js" data-open="true" defer></script>
</body></html>"""


def _watch_state(w) -> dict | None:
    """serve --watch: how many syncs ran, the last one's summary and any error."""
    if w is None:
        return None
    r = w.last_report
    return {
        "syncs": w.syncs,
        "last": r.summary() if r else None,
        "failed": dict(r.failed) if r else {},
        "error": w.last_error,
    }


def create_app(bot: Bot, with_chat: bool = False) -> FastAPI:
    """The FastAPI app; with_chat also mounts the Gradio chat at /chat (importing gradio takes seconds)."""
    settings = bot.settings
    live = LiveBot(bot, settings.index_poll_s)  # a new index version (an ingest from any process) is swapped in
    app = FastAPI(
        title="articlebot",
        version=__version__,
        description="Answers from the articles, with the verbatim sentence each claim came from.",
    )
    storage, w, d = settings.rate_limit_storage, settings.rate_window_s, settings.data_dir
    questions = make_limiter(storage, d, "questions", settings.rate_limit, w, settings.chroma_prefix)
    posts = make_limiter(storage, d, "posts", settings.post_limit, w, settings.chroma_prefix)
    feedback_limit = make_limiter(storage, d, "feedback", settings.feedback_limit, w, settings.chroma_prefix)
    views = make_limiter(storage, d, "views", settings.view_limit, w, settings.chroma_prefix)
    slots = None
    if is_redis(storage):  # one question per client across hosts too
        from bot.serve.guard import RedisSlots

        slots = RedisSlots(storage, settings.chroma_prefix)
    inflight = InFlight(settings.queue_target_s, floor=settings.queue_min, shared=slots)
    # a thread for every question admitted: a short question must not wait for a thread behind long ones (the
    # embedder, which they share, takes the cheapest waiting first: bot/index/embeddings.ShortestFirst)
    answer_pool = ThreadPoolExecutor(max(8, min(256, settings.queue_min * 2)), thread_name_prefix="answer")
    procs = None
    if settings.workers > 1:  # --workers N: quoted answers computed in N processes (bot/serve/pool.py)
        from bot.serve.pool import AnswerPool

        if bot.index.dense_in_chroma and not settings.chroma_host:
            raise ConfigError(
                f"--workers {settings.workers} with this index: it is large enough that search runs in Chroma "
                f"({len(bot.index.chunks):,} chunks, BOT_CHROMA_QUERY_OVER={settings.chroma_query_over:,}), and "
                "Chroma on disk serves one process. Start a Chroma server (`chroma run --path DIR`) and set "
                "BOT_CHROMA_HOST, or keep one worker, or set BOT_DENSE_SEARCH=memory."
            )

        procs = AnswerPool(settings, settings.workers)
    feedback = FeedbackStore(Path(settings.data_dir) / "feedback.sqlite", settings.feedback_max_rows)
    from bot.insights.convlog import ConversationLog

    convlog = ConversationLog(
        Path(settings.data_dir) / "log.sqlite",
        settings.log_retention_days,
        enabled=settings.log == "on",
        max_rows=settings.log_max_rows,
    )
    app.state.convlog = convlog
    from bot.serve.handoff import HandoffNotifier

    handoff = HandoffNotifier(settings.handoff_webhook)
    app.state.handoff = handoff

    def surface_of(request: Request) -> str:
        return "widget" if request.query_params.get("via") == "widget" else "api"

    app.state.bot, app.state.limiter, app.state.feedback, app.state.inflight = bot, questions, feedback, inflight
    app.state.live = live.start()
    app.state.watcher = None
    if settings.watch:  # serve --watch: a change in the corpus folder is ingested here, then swapped in by live
        from bot.serve.live import CorpusWatcher

        app.state.watcher = CorpusWatcher(settings, bot.embedder, settings.index_poll_s).start()
    app.state.procs = procs
    classify_chat = {"fn": gradio_classifier("/chat", set(), set(), set())}  # the chat's events, once built
    origins = " ".join(["'self'", *settings.allowed_origins, "http://localhost:*", "http://127.0.0.1:*"])
    # inside CORS (added after it, so outside in the stack is CORS): a 429 from the guard carries CORS headers
    app.add_middleware(
        Guard,
        trusted=parse_networks(settings.trusted_proxies),
        max_body=settings.max_body_bytes,
        posts=posts,
        questions=questions,
        feedback=feedback_limit,
        classify=lambda path, body: classify_chat["fn"](path, body),
        frame_ancestors=origins,
        views=views,
        admin_token=list(adm_tokens(settings).values()),
        api_keys=settings.api_keys,
        allowed_origins=settings.allowed_origins,
        admin_max_body=settings.admin_max_upload_mb * 1_000_000 * 5 + 65_536,  # several files a request
    )
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.allowed_origins),
        allow_origin_regex=LOCAL_ORIGINS,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=["Retry-After"],
        max_age=600,
    )

    @app.exception_handler(RequestValidationError)
    async def bad_body(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        msg = f"Invalid request: {where or 'body'}: {first.get('msg', 'malformed')}."
        return JSONResponse({"error": msg}, status_code=422)

    @app.exception_handler(RecursionError)
    async def too_deep(request: Request, exc: RecursionError):  # the guard refuses deep JSON first; this is a net
        log.info("%s %s from %s: nested too deep, refused", request.method, request.url.path, client_host(request))
        return JSONResponse({"error": "The request is nested too deep; send a flatter body."}, status_code=400)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("error serving %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "Something went wrong on our side. It has been logged; please try again."}, status_code=500
        )

    def admit(request: Request) -> tuple[str, JSONResponse | None]:
        """One question in flight per client, and none past what the server can answer in time."""
        client = client_host(request)
        refused = inflight.enter(client)
        if refused is None:
            return client, None
        status, wait = (429, "1") if refused == "client" else (503, str(inflight.retry_after()))
        return client, JSONResponse({"error": REFUSED[refused]}, status_code=status, headers={"Retry-After": wait})

    errors = {400: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}}

    async def answered(question: str, history, lang: str | None = None) -> tuple[dict, object]:
        """The answer (every AnswerOut field) and its question's vector, from an answer process or this one."""
        if procs is not None and procs.takes(live.bot):  # the CPU work in one of the answer processes
            d, vec = await procs.answer_async(question, history, lang)
            return _shaped(d), vec
        a = await asyncio.get_running_loop().run_in_executor(answer_pool, live.bot.answer, question, history, lang)
        return _shaped(a.to_dict()), a.qvec

    def visitor_lang(req, request: Request) -> str | None:
        """The page's language as the client sent it, else the browser's (Accept-Language)."""
        return (req.lang if req is not None else None) or request.headers.get("accept-language")

    @app.post("/api/ask", response_model=AnswerOut, responses=errors, summary="Answer a question")
    async def ask(req: AskRequest, request: Request):
        client, refused = admit(request)
        if refused is not None:
            return refused
        t0 = time.perf_counter()
        try:
            d, vec = await answered(req.question, req.history, visitor_lang(req, request))
        except BotError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        finally:
            inflight.leave(client, time.perf_counter() - t0)
        convlog.record(
            surface_of(request), req.conversation_id, req.question, d, (time.perf_counter() - t0) * 1000, vec
        )
        handoff.after(surface_of(request), req.conversation_id, req.question, d, req.history, req.contact)
        return JSONResponse(d)

    @app.post(
        "/api/ask/stream",
        responses={
            **errors,
            200: {
                "content": {"text/event-stream": {}},
                "description": "Server-sent events: `delta` {text}…, then `done` (the answer "
                "object of /api/ask), or `error` {error}.",
            },
        },
        summary="Answer a question, streamed",
    )
    async def ask_stream(req: AskRequest, request: Request):
        try:  # a bad question is a plain 400, before any stream starts
            validate_question(req.question, settings.max_question_chars)
            last_user_turn(req.history)
        except BotError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        client, refused = admit(request)
        if refused is not None:
            return refused

        current = live.bot  # the whole answer from one index, also when a new one is swapped in meanwhile
        surface = surface_of(request)

        async def events():
            from starlette.concurrency import iterate_in_threadpool

            streamed, a = False, None
            t0 = time.perf_counter()
            try:  # a model's text is forwarded as it arrives; the final answer (checked citations) comes last
                if procs is not None and procs.takes(current):  # quoted: computed in an answer process
                    d, vec = await procs.answer_async(req.question, req.history, visitor_lang(req, request))
                    for piece in pieces(d["answer"]):
                        yield _sse("delta", {"text": piece})
                    ms = (time.perf_counter() - t0) * 1000
                    convlog.record(surface, req.conversation_id, req.question, d, ms, vec)
                    handoff.after(surface, req.conversation_id, req.question, d, req.history, req.contact)
                    yield _sse("done", d)
                    return
                stream = current.answer_stream(req.question, req.history, lang=visitor_lang(req, request))
                async for ev in iterate_in_threadpool(stream):
                    if isinstance(ev, str):
                        streamed = True
                        yield _sse("delta", {"text": ev})
                    else:
                        a = ev
            except BotError as e:
                yield _sse("error", {"error": str(e)})
                return
            except Exception:  # noqa: BLE001 - the edge: log it, tell the browser plainly
                log.exception("error answering in a stream")
                yield _sse("error", {"error": "Something went wrong on our side. It has been logged."})
                return
            finally:
                inflight.leave(client, time.perf_counter() - t0)
            if not streamed:  # a quoted answer is ready at once: send it in pieces all the same
                for piece in pieces(a.text):
                    yield _sse("delta", {"text": piece})
            d = a.to_dict()
            convlog.record(surface, req.conversation_id, req.question, d, (time.perf_counter() - t0) * 1000, a.qvec)
            handoff.after(surface, req.conversation_id, req.question, d, req.history, req.contact)
            yield _sse("done", d)

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    # -- the OpenAI-compatible endpoint (bot/serve/openai_api.py) ---------------------------------------------------
    from bot.serve import openai_api as oa

    @app.get("/v1/models", summary="OpenAI-compatible: the one model, the bot")
    async def v1_models() -> dict:
        return oa.models()

    @app.post("/v1/chat/completions", summary="OpenAI-compatible chat completion: the bot's answer, with citations")
    async def v1_chat(request: Request):
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise ValueError("the body must be a JSON object")
            question, history = oa.conversation(body.get("messages"))
            question = validate_question(question, settings.max_question_chars)
        except (ValueError, BotError) as e:
            return JSONResponse(oa.openai_error(str(e)), status_code=400)
        client, refused = admit(request)
        if refused is not None:
            status = refused.status_code
            return JSONResponse(
                oa.openai_error(json.loads(refused.body)["error"], "rate_limit_exceeded", "rate_limit_error"),
                status_code=status,
                headers={"Retry-After": refused.headers.get("Retry-After", "1")},
            )
        t0 = time.perf_counter()
        try:
            d, vec = await answered(question, history, visitor_lang(None, request))
        except BotError as e:
            return JSONResponse(oa.openai_error(str(e)), status_code=400)
        finally:
            inflight.leave(client, time.perf_counter() - t0)
        user = body.get("user")
        ms = (time.perf_counter() - t0) * 1000
        convlog.record("openai", user if isinstance(user, str) else None, question, d, ms, vec)
        handoff.after("openai", user if isinstance(user, str) else None, question, d, history)
        if body.get("stream"):
            return StreamingResponse(
                oa.chunks(d, question, history),
                media_type="text/event-stream",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )
        return JSONResponse(oa.completion(d, question, history))

    @app.post("/api/feedback", responses=errors, summary="Record 👍/👎 on an answer")
    async def post_feedback(fb: FeedbackIn) -> dict:
        convlog.feedback(fb.question, fb.answer, fb.rating)
        return {"ok": True, "id": await asyncio.to_thread(feedback.add, fb)}

    # -- the admin page and API (bot/serve/admin.py): on only with BOT_ADMIN_TOKEN; the guard checks the token --------
    from bot.serve import admin as adm

    sync_job = adm.SyncJob(settings, bot.embedder, after=live.check)
    app.state.sync_job = sync_job
    admin_errors = {
        401: {"model": ErrorOut},
        404: {"model": ErrorOut},
        413: {"model": ErrorOut},
        429: {"model": ErrorOut},
    }

    def admin_gate(request: Request) -> None:
        """Every /api/admin route, behind the guard's own check of the token (bot/serve/guard.py), checks it again."""
        if not adm.tokens(settings):
            raise HTTPException(404, "Not found.")
        if adm.who(settings, request.headers.get("authorization")) is None:
            raise HTTPException(401, "The admin token is missing or wrong.")

    admin_api = APIRouter(prefix="/api/admin", dependencies=[Depends(admin_gate)], responses=admin_errors)

    def _listing() -> dict:
        return {
            "documents": adm.documents(settings, live.bot.index, sync_job.last_failed),
            "sync": sync_job.snapshot(),
            "types": sorted(SUFFIXES),
            "max_upload_mb": settings.admin_max_upload_mb,
        }

    @app.get("/admin", include_in_schema=False)
    async def admin_page():
        if not adm_tokens(settings):
            return JSONResponse({"error": "Not found."}, status_code=404)
        return FileResponse(
            STATIC / "admin.html",
            media_type="text/html",
            headers={"Content-Security-Policy": ADMIN_CSP, "Cache-Control": "no-store"},
        )

    @app.get("/static/{name}", include_in_schema=False)
    async def admin_static(name: str):
        kinds = {"admin.js": "application/javascript; charset=utf-8", "admin.css": "text/css; charset=utf-8"}
        if not adm_tokens(settings) or name not in kinds:
            return JSONResponse({"error": "Not found."}, status_code=404)
        return FileResponse(STATIC / name, media_type=kinds[name], headers={"Cache-Control": "no-cache"})

    @admin_api.get("/documents", summary="Admin: every document, its counts, last ingest and error")
    async def admin_documents() -> dict:
        return await asyncio.to_thread(_listing)

    @admin_api.post("/documents", summary="Admin: upload files (multipart, field `files`), then sync")
    async def admin_upload(request: Request) -> dict:
        try:
            form = await request.form(
                max_files=50, max_fields=10, max_part_size=settings.admin_max_upload_mb * 1_000_000 + 1
            )
        except Exception as e:  # noqa: BLE001 - a malformed or oversized multipart body
            return JSONResponse(
                {
                    "error": f"The upload could not be read ({str(e)[:200]}); send multipart/form-data with "
                    "the files in `files`."
                },
                status_code=400,
            )
        items = []
        for f in form.getlist("files"):
            if hasattr(f, "read"):
                items.append((f.filename or "", await f.read()))
        if not items:
            return JSONResponse(
                {"error": "No files in the upload: send them in the form field `files`."}, status_code=400
            )
        saved, rejected = await asyncio.to_thread(adm.save_uploads, settings, items)
        log.info(
            "admin upload from %s: saved %s, rejected %s",
            client_host(request),
            [s["name"] for s in saved],
            [r["name"] for r in rejected],
        )
        state = sync_job.start() if saved else sync_job.snapshot()
        return {"saved": saved, "rejected": rejected, "sync": state}

    @admin_api.delete("/documents/{source:path}", summary="Admin: delete a document, then sync")
    async def admin_delete(source: str, request: Request) -> dict:
        if not await asyncio.to_thread(adm.delete_document, settings, source):
            return JSONResponse({"error": f"No document {source!r} in the corpus folder."}, status_code=404)
        log.info("admin delete from %s: %s", client_host(request), source)
        return {"deleted": source, "sync": sync_job.start()}

    @admin_api.post("/documents/{source:path}/reingest", summary="Admin: read a document again")
    async def admin_reingest(source: str) -> dict:
        if source not in adm.corpus_files(settings):
            return JSONResponse({"error": f"No document {source!r} in the corpus folder."}, status_code=404)
        return {"reingest": source, "sync": sync_job.start(force={source})}

    @admin_api.post("/sync", summary="Admin: sync the index with the corpus folder")
    async def admin_sync() -> dict:
        return {"sync": sync_job.start()}

    @admin_api.post("/sync/cancel", summary="Admin: stop the running sync; the index it had keeps answering")
    async def admin_sync_cancel(request: Request) -> dict:
        log.info("admin sync cancel from %s", client_host(request))
        return {"sync": sync_job.cancel()}

    @admin_api.get("/sync", summary="Admin: the running or last sync's progress")
    async def admin_sync_state() -> dict:
        return sync_job.snapshot()

    @admin_api.post("/answers", summary="Admin: answer a gap: an FAQ entry in the corpus's answers.md, then sync")
    async def admin_answer(request: Request) -> dict:
        from bot.insights import answers as ans

        body = await _admin_json(request)
        if isinstance(body, JSONResponse):
            return body
        saved = await _change(ans.add_answer, body.get("question"), body.get("answer"), body.get("wordings"), request)
        if isinstance(saved, JSONResponse):
            return saved
        log.info("admin answer from %s: %s", client_host(request), saved["question"])
        return {"saved": saved, "sync": sync_job.start()}

    @admin_api.post("/answers/map", summary="Admin: a gap's wordings become other wordings of an existing entry")
    async def admin_map(request: Request) -> dict:
        from bot.insights import answers as ans

        body = await _admin_json(request)
        if isinstance(body, JSONResponse):
            return body
        source, question = body.get("source"), body.get("entry_question")
        entries = {(c.source, ans.norm(c.question)) for c in live.bot.index.chunks if c.question}
        if (str(source), ans.norm(question or "")) not in entries:
            return JSONResponse(
                {"error": f"No FAQ entry {question!r} in {source!r}: map to an entry the index has."}, status_code=404
            )
        item = await _change(ans.map_to_entry, source, question, body.get("wordings"), request)
        if isinstance(item, JSONResponse):
            return item
        log.info("admin map from %s: %d wordings to %s in %s", client_host(request), len(item["wordings"]),
                 item["question"], item["source"])  # fmt: skip
        return {"mapped": item, "sync": sync_job.start()}

    @admin_api.post("/gaps/dismiss", summary="Admin: leave a gap out of later reports (spam, out of scope)")
    async def admin_dismiss(request: Request) -> dict:
        from bot.insights import answers as ans

        body = await _admin_json(request)
        if isinstance(body, JSONResponse):
            return body
        item = await _change(ans.dismiss, body.get("question"), body.get("wordings"), request)
        return item if isinstance(item, JSONResponse) else {"dismissed": item}

    async def _change(fn, *args):
        """A change made from the report (bot/insights/answers.py): fn(settings, *args, wordings, who) in a
        thread; its refusal as a 400 saying what to do."""
        from bot.insights import answers as ans

        *given, wordings, request = args
        try:
            return await asyncio.to_thread(fn, settings, *given, wordings or [], _who(request))
        except ans.AnswerError as e:
            return JSONResponse({"error": str(e)}, status_code=400)

    def _who(request: Request) -> str:
        """Who made an admin change: the admin token's name, and the client's address."""
        return f"{adm.who(settings, request.headers.get('authorization')) or '?'} ({client_host(request)})"

    async def _admin_json(request: Request):
        raw = await request.body()
        if len(raw) > 64_000:
            return JSONResponse({"error": "The request is over 64 kB: send a shorter answer."}, status_code=413)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return JSONResponse({"error": 'Send a JSON object: {"question": …, "answer": …}.'}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": 'Send a JSON object: {"question": …, "answer": …}.'}, status_code=400)
        return body

    @admin_api.get("/report", summary="Admin: the knowledge-gap report (format=json|csv|md, since=7d)")
    async def admin_report(since: str = "7d", format: str = "json"):
        from bot.insights import report as rp

        try:
            t = rp.parse_since(since)
        except ValueError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        if format not in ("json", "csv", "md"):
            return JSONResponse({"error": "format is json, csv or md."}, status_code=400)
        bot_now = live.bot
        rep = await asyncio.to_thread(rp.build, convlog.path, t, **rp.for_bot(bot_now))
        if format == "csv":
            return Response(rp.to_csv(rep), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="knowledge-gaps.csv"'})  # fmt: skip
        if format == "md":
            return Response(rp.to_markdown(rep), media_type="text/markdown; charset=utf-8")
        return JSONResponse(rep)

    app.include_router(admin_api)

    viewer = Viewer()

    @app.get(
        "/source/{source:path}",
        summary="The source viewer: a document at a quote (a citation's `url`)",
        response_class=HTMLResponse,
        responses=errors,
    )
    async def view_source(source: str, s: int | None = None, e: int | None = None, page: int | None = None):
        try:
            page = await asyncio.to_thread(viewer.render, live.bot.index, source, s, e, page)
        except NotShown as x:
            return JSONResponse({"error": str(x)}, status_code=x.status)
        return HTMLResponse(page, headers={"Content-Security-Policy": VIEW_CSP, "Cache-Control": "no-store"})

    @app.get("/api/health", summary="Corpus size, chunk count, embedder, version")
    async def health() -> dict:
        ix = live.bot.index
        return {
            "status": "ok",
            "version": __version__,
            "embedder": ix.embedder,
            "documents": len(ix.manifest.get("files", {})),
            "chunks": len(ix.chunks),
            "corpus_version": ix.version,
            "worker": os.getpid(),  # which server process answered (several with --workers N)
            "watch": _watch_state(app.state.watcher),
        }

    @app.get("/api/starters", summary="Questions to try: FAQ questions from across the site, in the visitor's language")
    async def starters(request: Request, lang: str | None = None, n: int = 4) -> dict:
        from bot.answers.turns import language_tag

        tag = language_tag(lang or request.headers.get("accept-language"))
        n = max(1, min(int(n), 10))
        return {"questions": live.bot.starter_questions(n, tag), "lang": tag}

    @app.get("/widget.js", include_in_schema=False)
    async def widget():
        body = _widget_js(settings.widget)
        if body is None:
            return JSONResponse({"error": "widget.js is not built into this version."}, status_code=404)
        return Response(  # the charset: a host page without one would read "▸" as "â–¸"
            body, media_type="application/javascript; charset=utf-8", headers={"Cache-Control": "public, max-age=300"}
        )

    @app.get("/", include_in_schema=False)
    async def index():
        return HTMLResponse(INDEX_HTML)

    @app.get("/widget-preview", include_in_schema=False)
    async def widget_preview(request: Request):
        """The admin page's live preview of the widget with the options it is given (query parameters of
        WIDGET_KEYS, each escaped into the tag's data-* attributes); on only with the admin page."""
        if not adm_tokens(settings):
            return JSONResponse({"error": "Not found."}, status_code=404)
        attrs = "".join(
            f' data-{k}="{html.escape(str(request.query_params[k])[:2000], quote=True)}"'
            for k in WIDGET_KEYS
            if k in request.query_params and k != "open"
        )
        body = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget preview</title></head>'
            '<body style="margin:0;background:#f3f4f6"><p style="font:14px system-ui;margin:12px">Your site</p>'
            f'<script src="/widget.js" defer data-open="true"{attrs}></script></body></html>'
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": PREVIEW_CSP, "Cache-Control": "no-store"})

    if with_chat:
        from bot.serve.webchat import quiet_gradio

        quiet_gradio()  # before gradio is imported: no analytics, no hub lookups
        import gradio as gr
        from fastapi.staticfiles import StaticFiles

        from bot.serve.webchat import build_chat

        # The <gradio-app> web component: Gradio's bundle name carries a hash, so /gradio.js is a stable
        # module that imports it; the component also fetches its CSS from the root /assets/.
        frontend = Path(gr.__file__).resolve().parent / "templates" / "frontend"
        bundle = re.search(r"assets/(index-[\w-]+\.js)", (frontend / "gradio.js").read_text()).group(1)
        loader = f'import(new URL("/assets/{bundle}", import.meta.url).href);\n'
        app.mount("/assets", StaticFiles(directory=frontend / "assets"), name="gradio-assets")

        @app.get("/gradio.js", include_in_schema=False)
        async def gradio_js():
            return Response(loader, media_type="application/javascript", headers={"Cache-Control": "no-cache"})

        demo = build_chat(live, feedback, inflight, procs, convlog, handoff)
        fns = {"respond": set(), "chat": set(), "on_like": set()}
        for fid, fn in demo.fns.items():
            if fn.name in fns:
                fns[fn.name].add(fid)
        classify_chat["fn"] = gradio_classifier(
            "/chat", fns["respond"] | fns["chat"], fns["on_like"], {"chat"}, set(demo.fns)
        )
        links = ["api"] if settings.chat_api_link else []  # "Use via API" only when the operator turns it on
        app = gr.mount_gradio_app(
            app, demo, path="/chat", footer_links=links, show_error=False, css=CHAT_CSS, theme=chat_theme()
        )
    return app


# Gradio's "scroll to the latest message" arrow sits mid-width over the messages, on a phone over a line of text
# (a browser probe: "How can my fa↓ly"): moved to the right edge
CHAT_CSS = ".scroll-down-button-container{left:auto!important;right:8px!important;transform:none!important}"
# the system's own sans-serif, as the widget and the other pages use: Gradio's default theme serves Source Sans Pro at
# weights 400 and 600 only, and a bold heading ("Ask the articles") was drawn in two fonts (a browser probe)
SYSTEM_FONTS = (
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "Noto Sans",
    "sans-serif",
)


def chat_theme():
    import gradio as gr

    return gr.themes.Default(font=list(SYSTEM_FONTS))


class NoQueryStrings(logging.Filter):
    """The access log records paths without their query strings (a question, a quote's place, a report's period
    are nobody's business in a log file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def quiet_logs() -> None:
    """Admin attempts (logger bot.admin) are logged at INFO, visible whatever the root level; query strings never
    reach the access log."""
    logging.getLogger("bot.admin").setLevel(logging.INFO)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, NoQueryStrings) for f in access.filters):
        access.addFilter(NoQueryStrings())


def uvicorn_config(
    app, host: str, port: int, *, header_timeout_s: float = 10.0, per_client: int = 100, trusted=(), **kw
):
    """The server's uvicorn settings: uvicorn's own X-Forwarded-For handling is off (it trusts 127.0.0.1 by
    default); bot/serve/guard.py reads it, from BOT_TRUSTED_PROXIES only. Connections have deadlines
    (bot/serve/deadlines.py): request headers within `header_timeout_s`, at most `per_client` at once from one
    address (a trusted proxy's are not counted)."""
    import uvicorn

    from bot.serve.deadlines import protocol

    quiet_logs()
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        http=protocol(header_timeout_s, per_client, trusted),
        **kw,
    )


def serve(
    settings, host: str | None = None, port: int | None = None, workers: int | None = None, watch: bool = False
) -> None:
    import uvicorn

    workers = workers or settings.workers
    host, port = host or settings.host, port if port is not None else settings.port
    settings = settings.model_copy(update={"workers": workers, "watch": watch or settings.watch})
    bot = Bot.from_settings(settings)
    app = create_app(bot, with_chat=True)
    uvicorn.Server(
        uvicorn_config(
            app,
            host,
            port,
            header_timeout_s=settings.header_timeout_s,
            per_client=settings.max_connections_per_client,
            trusted=settings.trusted_proxies,
            log_level="info",
            timeout_graceful_shutdown=2,
        )
    ).run()
