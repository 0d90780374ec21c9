"""The conversation log: every answered question, whatever surface it came from, in SQLite (BOT_DATA_DIR/log.sqlite).

A row holds the question and the standalone question, grounded or abstained and the confidence, the answer, its
kind when it was not a question for the articles ("smalltalk", "person": bot/answers/turns.py), its
citations (source, section), the latency, the surface ("chat", "widget", "api", "openai"), a conversation id,
and the 👍/👎 given to it later. No IP address or other client detail is stored. Rows older than
BOT_LOG_RETENTION_DAYS (90) are removed, and past BOT_LOG_MAX_ROWS (1,000,000) the oldest; BOT_LOG=off turns
the log off.

Writing never slows an answer: `record` puts the row on a queue (dropping it, and counting the drop, if a
stalled disk let 10,000 pile up), and one background thread writes them in batches.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SURFACES = ("chat", "widget", "api", "openai")
SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY, ts REAL NOT NULL, surface TEXT NOT NULL, conversation TEXT, question TEXT NOT NULL,
  standalone TEXT, grounded INTEGER NOT NULL, confidence REAL, answer TEXT, citations TEXT, latency_ms REAL,
  feedback TEXT, vector BLOB
);
CREATE INDEX IF NOT EXISTS log_ts ON log(ts);
CREATE INDEX IF NOT EXISTS log_question ON log(question);
"""


class ConversationLog:
    def __init__(
        self,
        path: Path,
        retention_days: float = 90,
        enabled: bool = True,
        max_queue: int = 10_000,
        max_rows: int = 1_000_000,
    ):
        self.path = Path(path)
        self.max_rows = max_rows  # past it the oldest rows go (hostile traffic must not fill the disk)
        self.enabled = enabled
        self.retention_s = retention_days * 86400
        self.dropped = 0
        self._written = 0
        self._q: queue.Queue = queue.Queue(maxsize=max_queue)
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.executescript(SCHEMA)
                cols = {r[1] for r in db.execute("PRAGMA table_info(log)")}
                if "vector" not in cols:
                    db.execute("ALTER TABLE log ADD COLUMN vector BLOB")
                if "turn" not in cols:  # small talk or a request for a person (not a question for the articles)
                    db.execute("ALTER TABLE log ADD COLUMN turn TEXT")
            self.purge()
            self._thread = threading.Thread(target=self._run, name="conversation-log", daemon=True)
            self._thread.start()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    # -- what the surfaces call ----------------------------------------------------------------------------
    def record(
        self, surface: str, conversation: str | None, question: str, answer: dict, latency_ms: float, vector=None
    ) -> None:
        """Log one answered question (`answer`: Answer.to_dict(); `vector`: the question's, as the answer used
        it, so the gap report needs not embed it again). Returns at once."""
        if not self.enabled:
            return
        cites = [[c.get("source"), c.get("section")] for c in answer.get("citations") or []]
        row = ("row", (time.time(), surface, (conversation or "")[:100] or None, question,
                       answer.get("standalone_question"), int(bool(answer.get("grounded"))), answer.get("confidence"),
                       answer.get("answer"), json.dumps(cites, ensure_ascii=False), round(latency_ms, 2),
                       _blob(vector), answer.get("turn")))  # fmt: skip
        self._put(row)

    def feedback(self, question: str, answer: str, rating: str) -> None:
        """👍/👎 on an answer: set on the latest row of that question and answer."""
        if self.enabled:
            self._put(("feedback", (rating, question, answer)))

    def _put(self, item) -> None:
        try:
            self._idle.clear()
            self._q.put_nowait(item)
        except queue.Full:
            self.dropped += 1

    def flush(self, timeout: float = 10) -> bool:
        """Wait until everything recorded so far is written (for tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._q.empty() and self._idle.is_set():
                return True
            time.sleep(0.01)
        return False

    def purge(self, now: float | None = None) -> int:
        """Remove rows past the retention; returns how many."""
        if not self.enabled:
            return 0
        cutoff = (time.time() if now is None else now) - self.retention_s
        with self._connect() as db:
            n = db.execute("DELETE FROM log WHERE ts < ?", (cutoff,)).rowcount
            top = db.execute("SELECT max(id) FROM log").fetchone()[0]
            if top is not None and top > self.max_rows:
                n += db.execute("DELETE FROM log WHERE id <= ?", (top - self.max_rows,)).rowcount
            return n

    def rows(self, since: float = 0.0) -> list[dict]:
        return read_rows(self.path, since) if self.enabled else []

    def close(self) -> None:
        self.flush(5)
        self._stop.set()

    # -- the writer ----------------------------------------------------------------------------------------
    def _run(self) -> None:
        db = self._connect()
        last_purge = time.monotonic()
        while not self._stop.is_set():
            try:
                first = self._q.get(timeout=0.5)
            except queue.Empty:
                self._idle.set()
                if time.monotonic() - last_purge > 3600:
                    self.purge()
                    last_purge = time.monotonic()
                continue
            batch = [first]
            while len(batch) < 500:
                try:
                    batch.append(self._q.get_nowait())
                except queue.Empty:
                    break
            self._written += sum(1 for kind, _ in batch if kind == "row")
            if self._written >= 10_000:
                self._written = 0
                self.purge()
            try:
                with db:
                    rows = [b for kind, b in batch if kind == "row"]
                    if rows:
                        db.executemany(
                            "INSERT INTO log (ts, surface, conversation, question, standalone, grounded, confidence,"
                            " answer, citations, latency_ms, vector, turn) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                            rows,
                        )
                    for kind, b in batch:
                        if kind == "feedback":
                            db.execute(
                                "UPDATE log SET feedback = ? WHERE id = (SELECT max(id) FROM log WHERE question = ?"
                                " AND answer = ?)",
                                b,
                            )
            except sqlite3.Error:
                log.exception("the conversation log could not be written (%d rows lost)", len(batch))
            if self._q.empty():
                self._idle.set()


def read_rows(path: Path, since: float = 0.0) -> list[dict]:
    """The log's rows from `since` on, oldest first, read without writing (none when there is no log yet)."""
    if not Path(path).exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM log WHERE ts >= ? ORDER BY id", (since,))]
    finally:
        db.close()


def _blob(vector) -> bytes | None:
    if vector is None:
        return None
    if isinstance(vector, bytes):
        return vector
    return np.asarray(vector, dtype=np.float16).tobytes()


__all__ = ["SURFACES", "ConversationLog", "read_rows"]
