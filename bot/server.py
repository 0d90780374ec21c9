"""The web server: JSON API (plain and streaming), feedback, health, and the embeddable widget.

`create_app(bot)` builds the FastAPI application; `serve()` runs it with uvicorn. Only this module turns
exceptions into HTTP status codes; no stack trace ever reaches the browser.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sqlite3
import threading
import time
from collections import deque
from pathlib import Path
from typing import Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field

from . import __version__
from .engine import Bot, validate_question
from .followup import last_user_turn
from .text import pieces
from .errors import BotError

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


class AskRequest(BaseModel):
    question: str = Field(description="The question, at most 2,000 characters.")
    history: list[list[str | None]] | None = Field(
        None, description="Earlier turns, oldest first, as [question, answer] pairs."
    )


class CitationOut(BaseModel):
    n: int
    source: str = Field(description="File, relative to the corpus folder.")
    section: str
    quote: str = Field(description="Verbatim text of the source that supports the sentence marked [n].")
    score: float
    question: str | None = Field(None, description="The FAQ entry the quote belongs to, when it is from one.")
    anchor: str | None = Field(None, description="The page's id for that entry: `source#anchor` opens it.")


class AnswerOut(BaseModel):
    answer: str = Field(description="The answer with [n] citation markers, as plain text: show it as text.")
    answer_markdown: str = Field(
        description="The same, for a markdown renderer: article text escaped (no HTML, no links); [n] kept."
    )
    grounded: bool = Field(description="False when the articles don't answer the question.")
    citations: list[CitationOut]
    suggestions: list[str] = Field(description="Questions the articles can answer (given when not grounded).")
    unsupported: list[str] = Field(
        default_factory=list, description="Generated sentences no passage supports (shown without a citation)."
    )
    note: str | None = Field(None, description="Why the answer is quoted rather than written (model unreachable).")
    standalone_question: str | None = Field(
        None, description="How a follow-up was understood: the standalone question searched and answered."
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
    timings_ms: dict[str, float]


class FeedbackIn(BaseModel):
    question: str = Field(max_length=10_000)
    answer: str = Field(max_length=50_000)
    citations: list[dict] = Field(default_factory=list, max_length=20)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2_000)


class ErrorOut(BaseModel):
    error: str


class RateLimiter:
    """At most `limit` requests per client in any `window` seconds (sliding window, in memory)."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> float:
        """0 when allowed (and counted); otherwise the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            q = self._hits.setdefault(client, deque())
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(0.001, q[0] + self.window - now)
            q.append(now)
            if len(self._hits) > 10_000:  # forget idle clients
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]
            return 0.0


class FeedbackStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self._lock = threading.Lock()
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, ts REAL, question TEXT, answer TEXT,"
                " citations TEXT, rating TEXT, comment TEXT)"
            )

    def add(self, fb: FeedbackIn) -> int:
        with self._lock, self._db:
            cur = self._db.execute(
                "INSERT INTO feedback (ts, question, answer, citations, rating, comment) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    fb.question,
                    fb.answer,
                    json.dumps(fb.citations, ensure_ascii=False),
                    fb.rating,
                    fb.comment,
                ),
            )
            return int(cur.lastrowid)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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


def create_app(bot: Bot, with_chat: bool = False) -> FastAPI:
    """The FastAPI app; with_chat also mounts the Gradio chat at /chat (importing gradio takes seconds)."""
    settings = bot.settings
    app = FastAPI(
        title="articlebot",
        version=__version__,
        description="Answers from the articles, with the verbatim sentence each claim came from.",
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
    limiter = RateLimiter(settings.rate_limit, settings.rate_window_s)
    feedback = FeedbackStore(Path(settings.data_dir) / "feedback.sqlite")
    app.state.bot, app.state.limiter, app.state.feedback = bot, limiter, feedback

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_body(request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body")
        msg = f"Invalid request: {where or 'body'}: {first.get('msg', 'malformed')}."
        return JSONResponse({"error": msg}, status_code=422)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("error serving %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "Something went wrong on our side. It has been logged; please try again."}, status_code=500
        )

    def limited(request: Request) -> JSONResponse | None:
        wait = limiter.check(_client(request))
        if wait:
            return JSONResponse(
                {"error": f"Too many questions from you; try again in {wait:.0f} s."},
                status_code=429,
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        return None

    errors = {400: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}}

    @app.post("/api/ask", response_model=AnswerOut, responses=errors, summary="Answer a question")
    async def ask(req: AskRequest, request: Request):
        if (r := limited(request)) is not None:
            return r
        try:
            a = await asyncio.to_thread(bot.answer, req.question, req.history)
        except BotError as e:
            return JSONResponse({"error": str(e)}, status_code=400)
        return a.to_dict()

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
        if (r := limited(request)) is not None:
            return r
        try:  # a bad question is a plain 400, before any stream starts
            validate_question(req.question, settings.max_question_chars)
            last_user_turn(req.history)
        except BotError as e:
            return JSONResponse({"error": str(e)}, status_code=400)

        async def events():
            from starlette.concurrency import iterate_in_threadpool

            streamed, a = False, None
            try:  # a model's text is forwarded as it arrives; the final answer (checked citations) comes last
                async for ev in iterate_in_threadpool(bot.answer_stream(req.question, req.history)):
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
            if not streamed:  # a quoted answer is ready at once: send it in pieces all the same
                for piece in pieces(a.text):
                    yield _sse("delta", {"text": piece})
            yield _sse("done", a.to_dict())

        return StreamingResponse(
            events(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )

    @app.post("/api/feedback", responses=errors, summary="Record 👍/👎 on an answer")
    async def post_feedback(fb: FeedbackIn) -> dict:
        return {"ok": True, "id": await asyncio.to_thread(feedback.add, fb)}

    @app.get("/api/health", summary="Corpus size, chunk count, embedder, version")
    async def health() -> dict:
        ix = bot.index
        return {
            "status": "ok",
            "version": __version__,
            "embedder": ix.embedder,
            "documents": len(ix.manifest.get("files", {})),
            "chunks": len(ix.chunks),
            "corpus_version": ix.version,
        }

    @app.get("/widget.js", include_in_schema=False)
    async def widget():
        path = STATIC / "widget.js"
        if not path.exists():
            return JSONResponse({"error": "widget.js is not built into this version."}, status_code=404)
        return FileResponse(path, media_type="application/javascript", headers={"Cache-Control": "public, max-age=300"})

    @app.get("/", include_in_schema=False)
    async def index():
        return HTMLResponse(INDEX_HTML)

    if with_chat:
        from .webchat import quiet_gradio

        quiet_gradio()  # before gradio is imported: no analytics, no hub lookups
        import gradio as gr
        from fastapi import Response
        from fastapi.staticfiles import StaticFiles

        from .webchat import build_chat

        # The <gradio-app> web component: Gradio's bundle name carries a hash, so /gradio.js is a stable
        # module that imports it; the component also fetches its CSS from the root /assets/.
        frontend = Path(gr.__file__).resolve().parent / "templates" / "frontend"
        bundle = re.search(r"assets/(index-[\w-]+\.js)", (frontend / "gradio.js").read_text()).group(1)
        loader = f'import(new URL("/assets/{bundle}", import.meta.url).href);\n'
        app.mount("/assets", StaticFiles(directory=frontend / "assets"), name="gradio-assets")

        @app.get("/gradio.js", include_in_schema=False)
        async def gradio_js():
            return Response(loader, media_type="application/javascript", headers={"Cache-Control": "no-cache"})

        app = gr.mount_gradio_app(app, build_chat(bot, feedback), path="/chat", footer_links=["api"], show_error=False)
    return app


def serve(settings, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    bot = Bot.from_settings(settings)
    app = create_app(bot, with_chat=True)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port if port is not None else settings.port,
        log_level="info",
        timeout_graceful_shutdown=2,
    )
