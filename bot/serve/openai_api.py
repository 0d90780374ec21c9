"""The bot as an OpenAI-compatible model: `POST /v1/chat/completions` and `GET /v1/models`.

Tools that speak OpenAI's API (Open WebUI, LibreChat, the `openai` client, LangChain's ChatOpenAI) can use the bot
as a model named "articlebot". The messages' history becomes the conversation (the last user message is the
question, earlier user/assistant pairs the history). The answer is the one `/api/ask` gives:

- its text, then its citations as numbered footnotes in the content, grouped by document ("Title — file", then
  "[1] section: “quote”" for each quote of it);
- the same citations as `/api/ask` returns them in an extra field of the response, `citations` (streamed: on the
  last chunk), with `grounded` and `suggestions`;
- an abstention is a normal assistant message that lists questions the articles can answer.

`stream: true` sends OpenAI's server-sent chunks (`chat.completion.chunk`, then `data: [DONE]`). The streamed text
is the checked answer (with a language model configured, it comes once its citations are checked), so a stream
and a plain call give the same answer. Keys: BOT_API_KEYS (bot/serve/guard.py checks them, in OpenAI's error format).
"""

from __future__ import annotations

import json
import time
import uuid

MODEL = "articlebot"


def openai_error(message: str, code: str = "invalid_request_error", kind: str = "invalid_request_error") -> dict:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _text(content) -> str:
    """A message's text: a string, or OpenAI's list of content parts (the text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def conversation(messages) -> tuple[str, list[list[str]]]:
    """(question, history as [question, answer] pairs) from OpenAI messages. Raises ValueError with what to fix."""
    if not isinstance(messages, list) or not messages:
        raise ValueError("`messages` must be a non-empty list of {role, content}.")
    pairs: list[list[str]] = []
    pending: str | None = None
    last_user: str | None = None
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "developer", "user", "assistant", "tool"):
            raise ValueError(f"messages[{i}] needs a role of system, user or assistant.")
        role, text = m["role"], _text(m.get("content"))
        if role == "user":
            pending = text
            last_user = text if i == len(messages) - 1 else None
        elif role == "assistant" and pending is not None:
            pairs.append([pending, _strip_footnotes(text)])
            pending = None
    if last_user is None:
        raise ValueError("The last message must be the user's question.")
    return last_user, pairs[-20:]


def _strip_footnotes(text: str) -> str:
    """An earlier answer of ours without its footnotes (they are not part of what was said)."""
    return text.split("\n\nSources:\n", 1)[0]


def content_of(d: dict) -> str:
    """The assistant message: the answer, then its citations as footnotes, or the questions the articles answer."""
    from bot.answers.answering import quote_places, shown_quote

    out = d.get("answer", "")
    sources = d.get("sources") or []
    if sources:  # each document once, its title and file, then its quotes: "[2] Section, page 3: “…”"
        lines = []
        for src in sources:
            lines.append(f"{src['title']} — {src['source']}")
            for q, where in zip(src["quotes"], quote_places(src["quotes"])):
                lines.append(f"[{q['n']}] {where}: {shown_quote(q)}" if where else f"[{q['n']}] {shown_quote(q)}")
        out += "\n\nSources:\n" + "\n".join(lines)
    elif not d.get("grounded") and d.get("suggestions"):
        from bot.answers import messages

        # in the answer's language; a greeting that already leads in to them ("You could ask, for example:") is
        # not given a second lead-in (a probe: "hi" got both)
        lead = "" if out.rstrip().endswith(":") else messages.text("ui_can_answer", d.get("lang") or "en") + "\n"
        out += "\n\n" + lead + "\n".join(f"- {s}" for s in d["suggestions"])
    return out


def _usage(question: str, history, content: str) -> dict:
    from bot.ingest.tokens import count_tokens

    prompt = count_tokens(question + " ".join(a + b for a, b in history))
    completion = count_tokens(content)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def completion(d: dict, question: str, history) -> dict:
    content = content_of(d)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": _usage(question, history, content),
        "citations": d.get("citations", []),
        "grounded": d.get("grounded", False),
        "suggestions": d.get("suggestions", []),
    }


def chunks(d: dict, question: str, history):
    """The same answer as OpenAI's streamed chunks (SSE lines)."""
    from bot.ingest.text import pieces

    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

    def chunk(delta: dict, finish=None, **extra) -> str:
        body = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    content = content_of(d)
    for piece in pieces(content):
        yield chunk({"content": piece})
    yield chunk(
        {},
        "stop",
        citations=d.get("citations", []),
        grounded=d.get("grounded", False),
        suggestions=d.get("suggestions", []),
        usage=_usage(question, history, content),
    )
    yield "data: [DONE]\n\n"


def models() -> dict:
    return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "articlebot"}]}


__all__ = ["MODEL", "chunks", "completion", "content_of", "conversation", "models", "openai_error"]
