"""👍/👎 on answers: what the chat, the widget and POST /api/feedback send, kept in SQLite."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class FeedbackCitation(BaseModel):
    """A citation as the answer gave it; only these fields are kept, each capped."""

    model_config = {"extra": "ignore"}
    n: int | None = None
    source: str | None = Field(None, max_length=500)
    section: str | None = Field(None, max_length=500)
    quote: str | None = Field(None, max_length=2_000)
    score: float | None = None
    question: str | None = Field(None, max_length=2_000)
    anchor: str | None = Field(None, max_length=500)


class FeedbackIn(BaseModel):
    question: str = Field(max_length=2_000)
    answer: str = Field(max_length=20_000)
    citations: list[FeedbackCitation] = Field(default_factory=list, max_length=20)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2_000)


class FeedbackStore:
    """👍/👎 with the question, answer and citations, in SQLite; at most `max_rows` kept (the oldest go)."""

    def __init__(self, path: Path, max_rows: int = 100_000):
        self.max_rows = max_rows
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
                    json.dumps([c.model_dump(exclude_none=True) for c in fb.citations], ensure_ascii=False),
                    fb.rating,
                    fb.comment,
                ),
            )
            row = int(cur.lastrowid)
            self._db.execute("DELETE FROM feedback WHERE id <= ?", (row - self.max_rows,))
            return row
