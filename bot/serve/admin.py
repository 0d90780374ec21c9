"""The admin page and its JSON API: upload, list, delete and re-ingest documents, run a sync and watch it.

On only when BOT_ADMIN_TOKEN is set (otherwise /admin and /api/admin/* answer 404). Every call carries the
token (`Authorization: Bearer <token>`); a missing or wrong one is a 401, and every attempt, refused or not, is
logged with the client's address. Repeated wrong tokens from one client are refused with 429 for a while
(bot/serve/guard.py checks the token before it reads a body, so an unauthenticated upload is never read).

A sync runs in a background thread of the web process, one at a time (asked for again while one runs, it runs
once more after it); the running app swaps the new index in as soon as it is written (bot/serve/live.py), and every
other process within BOT_INDEX_POLL_S.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path

from bot.ingest.corpus import SUFFIXES, list_files

log = logging.getLogger("bot.admin")

NAME_OK = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def tokens(settings) -> dict[str, str]:
    """Every admin token by its name: BOT_ADMIN_TOKENS's, and BOT_ADMIN_TOKEN as "admin"."""
    out = {str(k): str(v) for k, v in (settings.admin_tokens or {}).items() if v}
    if settings.admin_token:
        out.setdefault("admin", settings.admin_token)
    return out


def who(settings, header: str | None) -> str | None:
    """The name of the admin token an `Authorization: Bearer <token>` header holds, or None."""
    from bot.serve.guard import bearer_matches

    return next((name for name, t in tokens(settings).items() if bearer_matches(header, [t])), None)


def token_ok(token: str | None, header: str | None) -> bool:
    """The admin token, as `Authorization: Bearer <token>` (False when no token is set)."""
    from bot.serve.guard import bearer_matches

    return bool(token) and bearer_matches(header, [token])


def corpus_files(settings) -> dict[str, Path]:
    """The corpus folder's documents by source name (none when the folder is missing)."""
    corpus = Path(settings.corpus_dir)
    try:
        return {p.relative_to(corpus).as_posix(): p for p in list_files(corpus, settings.follow_symlinks)}
    except Exception:  # noqa: BLE001 - a missing corpus folder
        return {}


def safe_name(name: str) -> str | None:
    """A file name for the corpus folder from an upload's name: its last part only, odd characters replaced;
    None when nothing usable is left."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = NAME_OK.sub("_", base).strip(" .")
    if not base or base.startswith(".") or len(base) > 150:
        return None
    return base


class SyncJob:
    """One sync at a time in a background thread, with its progress for the admin page."""

    def __init__(self, settings, embedder, after=None):
        self.settings = settings
        self.embedder = embedder
        self.after = after  # called when an index was written (the app swaps it in at once)
        self._lock = threading.Lock()
        self._again: set[str] | None = None
        self.state: dict = {"running": False, "runs": 0}
        self.last_failed: dict[str, str] = {}
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()

    def snapshot(self) -> dict:
        with self._lock:
            return dict(self.state)

    def start(self, force: set[str] | None = None) -> dict:
        """Start a sync (or, while one runs, ask for one more after it)."""
        with self._lock:
            if self.state.get("running"):
                self._again = (self._again or set()) | set(force or ())
                self.state["queued"] = True
                return dict(self.state)
            self.state = {
                "running": True,
                "runs": self.state.get("runs", 0),
                "stage": "starting",
                "files_done": 0,
                "files_total": 0,
                "texts_done": 0,
                "texts_total": 0,
                "started": time.time(),
                "finished": None,
                "queued": False,
            }
            self._thread = threading.Thread(target=self._run, args=(set(force or ()),), name="admin-sync", daemon=True)
            self._thread.start()
            return dict(self.state)

    def cancel(self) -> dict:
        """Stop the running sync (and any asked for after it) before it writes a new index; the old index keeps
        answering. A reader child busy with a file is stopped at once; embedding stops after its batch."""
        with self._lock:
            if self.state.get("running"):
                self._again = None
                self.state["queued"] = False
                self.state["cancelling"] = True
                self._cancel.set()
            return dict(self.state)

    def wait(self, timeout: float = 600) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = self._thread
            if t is None or (not t.is_alive() and not self.snapshot().get("running")):
                break
            t.join(0.1)
        return self.snapshot()

    def _progress(self, stage: str, done: int, total: int) -> None:
        with self._lock:
            self.state["stage"] = stage
            if stage == "files":
                self.state["files_done"], self.state["files_total"] = done, total
            elif stage == "embedding":
                self.state["texts_done"], self.state["texts_total"] = done, total

    def _run(self, force: set[str]) -> None:
        from bot.engine import ingest
        from bot.errors import SyncCancelled

        while True:
            report, error, cancelled = None, None, False
            try:
                report = ingest(
                    self.settings, embedder=self.embedder, force=force, on_progress=self._progress, cancel=self._cancel
                )
            except SyncCancelled:
                cancelled = True
                log.info("admin sync cancelled; the index it had keeps answering")
            except Exception as e:  # noqa: BLE001 - shown on the admin page; the old index keeps answering
                error = f"{type(e).__name__}: {e}"
                log.warning("admin sync failed: %s", error)
            if report is not None and self.after is not None:
                try:
                    self.after()
                except Exception:  # noqa: BLE001 - the poller will pick the index up anyway
                    log.exception("swapping in the new index failed")
            with self._lock:
                if report is not None:
                    self.last_failed = dict(report.failed)
                self._cancel.clear()
                self.state.update(
                    running=False,
                    cancelling=False,
                    cancelled=cancelled,
                    stage="cancelled" if cancelled else "done" if error is None else "failed",
                    finished=time.time(),
                    runs=self.state.get("runs", 0) + 1,
                    summary=report.summary() if report else None,
                    failed=dict(report.failed) if report else {},
                    error=error,
                    texts_embedded=report.texts_embedded if report else 0,
                )
                again, self._again = self._again, None
                if again is None:
                    return
                force = again
                self.state.update(running=True, stage="starting", queued=False, started=time.time(), finished=None)


def documents(settings, index, last_failed: dict[str, str]) -> list[dict]:
    """Every document of the corpus folder and the index: its counts, when it was last ingested, any error."""
    files = index.manifest.get("files", {})
    counts = index.source_counts()
    present = corpus_files(settings)  # a missing corpus folder: only the index's files are listed
    out = []
    for source in sorted(set(files) | set(present) | set(index.manifest.get("failed", {})) | set(last_failed)):
        info = files.get(source)
        p = present.get(source)
        chunks, entries = counts.get(source, (0, 0))
        try:
            size = p.stat().st_size if p is not None else None
        except OSError:
            size = None
        error = last_failed.get(source) or (index.manifest.get("failed", {}).get(source) or {}).get("reason")
        status = (
            "error" if error else ("indexed" if info and p is not None else "pending" if p is not None else "removed")
        )
        out.append(
            {
                "source": source,
                "type": Path(source).suffix.lower().lstrip("."),
                "bytes": size,
                "chunks": chunks,
                "faq_entries": entries,
                "ingested": (info or {}).get("ingested"),
                "status": status,
                "error": error,
            }
        )
    return out


def save_uploads(settings, files: list[tuple[str, bytes]]) -> tuple[list[dict], list[dict]]:
    """Write uploaded files into the corpus folder (each whole, then renamed into place). Returns (saved,
    rejected), each item naming the file; a rejected one says why."""
    corpus = Path(settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    cap = settings.admin_max_upload_mb * 1_000_000
    saved, rejected = [], []
    for name, data in files:
        safe = safe_name(name)
        if safe is None:
            rejected.append({"name": name[:200], "reason": "The file name is not usable; rename the file."})
            continue
        suffix = Path(safe).suffix.lower()
        if suffix not in SUFFIXES:
            kinds = ", ".join(sorted(SUFFIXES))
            rejected.append({"name": safe, "reason": f"Files of type {suffix or '(none)'} are not read; use {kinds}."})
            continue
        if len(data) > cap:
            rejected.append(
                {
                    "name": safe,
                    "reason": f"The file is {len(data) / 1e6:.1f} MB; the limit is {settings.admin_max_upload_mb} MB.",
                }
            )
            continue
        if not data:
            rejected.append({"name": safe, "reason": "The file is empty."})
            continue
        dest = corpus / safe
        existed = dest.exists()
        tmp = corpus / f".{safe}.upload"
        tmp.unlink(missing_ok=True)  # never written through a link: a new file, then renamed over the name
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        tmp.replace(dest)
        saved.append({"name": safe, "bytes": len(data), "replaced": existed})
    return saved, rejected


def delete_document(settings, source: str) -> bool:
    p = corpus_files(settings).get(source)
    if p is None:
        return False
    p.unlink()
    return True


__all__ = ["SyncJob", "corpus_files", "delete_document", "documents", "safe_name", "save_uploads", "token_ok"]
