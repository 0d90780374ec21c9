"""A visitor asked for a person: tell the operator's webhook (BOT_HANDOFF_WEBHOOK).

The POST carries JSON: {"event": "handoff_requested", "conversation_id", "surface", "question", "conversation":
[[question, answer], ...] (the turns before, as the client sent them), "contact" (what the client gave, if
anything), "lang", "ts"}. It never slows an answer: requests wait on a bounded queue (past 100 they are dropped
and counted) and one background thread sends them, 5 s at most each, no retries. One conversation is sent once
in 10 minutes, so a visitor (or a script) repeating "talk to a human" does not flood the operator.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime

log = logging.getLogger(__name__)

MAX_TURNS = 20  # turns of the conversation sent
MAX_CHARS = 2000  # characters of each question or answer sent


def _clip(x) -> str:
    return x[:MAX_CHARS] if isinstance(x, str) else ""


class HandoffNotifier:
    def __init__(self, url: str | None, timeout: float = 5.0, max_queue: int = 100, once_per_s: float = 600.0):
        self.url = url
        self.timeout = timeout
        self.once_per_s = once_per_s
        self.sent = 0
        self.dropped = 0
        self.failed = 0
        self._q: queue.Queue = queue.Queue(maxsize=max_queue)
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        if url:
            self._thread = threading.Thread(target=self._run, name="handoff-webhook", daemon=True)
            self._thread.start()

    def after(self, surface: str, conversation: str | None, question: str, answer: dict, history=None, contact=None):
        """Called with every answer; sends the webhook when the visitor asked for a person."""
        if not self.url or answer.get("turn") != "person":
            return
        key = conversation or f"{surface}:{question}"
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(key, -1e18) < self.once_per_s:
                return
            self._last[key] = now
            if len(self._last) > 10_000:  # bounded: forget the oldest half
                for k in sorted(self._last, key=self._last.get)[:5000]:
                    del self._last[k]
        turns = [
            [_clip(t[0]), _clip(t[1])]
            for t in (history or [])[-MAX_TURNS:]
            if isinstance(t, (list, tuple)) and len(t) == 2
        ]
        payload = {
            "event": "handoff_requested",
            "conversation_id": conversation,
            "surface": surface,
            "question": _clip(question),
            "conversation": turns,
            "contact": _clip(contact)[:200] if contact else None,
            "lang": answer.get("lang"),
            "ts": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            self._idle.clear()
            self._q.put_nowait(payload)
        except queue.Full:
            self.dropped += 1

    def flush(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._q.empty() and self._idle.is_set():
                return True
            time.sleep(0.02)
        return False

    def _run(self) -> None:
        import httpx

        with httpx.Client(timeout=self.timeout, follow_redirects=False, trust_env=False) as client:
            while True:
                payload = self._q.get()
                try:
                    r = client.post(self.url, json=payload)
                    if r.status_code >= 400:
                        self.failed += 1
                        log.warning("the handoff webhook answered %s", r.status_code)
                    else:
                        self.sent += 1
                except httpx.HTTPError as e:
                    self.failed += 1
                    log.warning("the handoff webhook could not be reached: %s", e)
                finally:
                    if self._q.empty():
                        self._idle.set()


__all__ = ["HandoffNotifier"]
