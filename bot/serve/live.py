"""A running server follows its index: when `python -m bot ingest` (from any process) writes a new version,
every app process loads it within a few seconds and swaps it in, without a restart.

Questions read `LiveBot.bot` once and keep that Bot to the end, so a question asked during the swap is answered
wholly from the old index or wholly from the new one. The manifest is written last by an ingest, so a changed
manifest means a complete index; a load that still fails (an ingest started again meanwhile, a damaged file) is
logged, the old index keeps answering, and the next poll tries again.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from bot.engine import load_index

log = logging.getLogger(__name__)


class _Poller:
    """Calls `check()` every `poll_s` seconds on a daemon thread, from start() until stop(); a failing check
    is logged and the next one runs (the watcher must not die)."""

    NAME = "poller"

    def __init__(self, poll_s: float):
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        raise NotImplementedError

    def start(self):
        if self._thread is None and self.poll_s > 0:
            self._thread = threading.Thread(target=self._run, name=self.NAME, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.check()
            except Exception:  # noqa: BLE001 - the watcher must not die
                log.exception("%s failed", self.NAME)


class LiveBot(_Poller):
    NAME = "index-watch"

    def __init__(self, bot, poll_s: float = 2.0):
        super().__init__(poll_s)
        self._bot = bot
        self.last_error: str | None = None
        self._seen = self._stamp()

    @property
    def bot(self):
        return self._bot

    def _manifest(self) -> Path:
        return Path(self._bot.settings.index_dir) / "manifest.json"

    def _stamp(self):
        try:
            st = os.stat(self._manifest())
            return (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return None

    def check(self) -> bool:
        """Load and swap in the index if its manifest changed; True when a new version was swapped in."""
        stamp = self._stamp()
        if stamp is None or stamp == self._seen:
            return False
        old = self._bot
        try:
            m = json.loads(self._manifest().read_text(encoding="utf-8"))
            if m.get("version") == old.index.version and m.get("chunks") == len(old.index.chunks):
                self._seen = stamp  # the same content (a sync that changed nothing, or only what failed): no load
                return False
        except (OSError, ValueError):
            pass  # being replaced: load_index below says what is there
        try:
            index = load_index(old.settings, old.embedder.name)
            if index.version == old.index.version and len(index.chunks) == len(old.index.chunks):
                self._seen = stamp  # rewritten with the same content
                return False
            new = type(old)(old.settings, index, old.embedder)
        except Exception as e:  # noqa: BLE001 - keep answering from the old index; the next poll retries
            self.last_error = f"{type(e).__name__}: {e}"
            log.warning("could not load the new index (%s); still answering from version %s", e, old.index.version)
            return False
        self._seen = stamp
        self._bot = new
        self.last_error = None
        log.info("index version %s loaded (%d chunks), was %s", index.version, len(index.chunks), old.index.version)
        return True


class CorpusWatcher(_Poller):
    """`python -m bot serve --watch`: the corpus folder is looked at every `poll_s` seconds, and when its files
    changed (added, edited, removed) and then stayed the same for one more look, an ingest runs in this process.
    The LiveBot of every app process then swaps the new index in, as after any ingest."""

    NAME = "corpus-watch"

    def __init__(self, settings, embedder=None, poll_s: float = 2.0):
        super().__init__(poll_s)
        self.settings = settings
        self.embedder = embedder
        self.last_report = None
        self.last_error: str | None = None
        self.syncs = 0
        self._seen = self._stamp()
        self._pending = None

    def _stamp(self):
        from bot.ingest.corpus import list_files

        try:
            return tuple(
                (p.as_posix(), st.st_size, st.st_mtime_ns)
                for p in list_files(Path(self.settings.corpus_dir), self.settings.follow_symlinks)
                if (st := _stat(p)) is not None
            )
        except Exception:  # noqa: BLE001 - a missing corpus folder: nothing to sync until it is back
            return None

    def check(self) -> bool:
        """Sync when the corpus changed and has settled; True when an ingest ran."""
        now = self._stamp()
        if now is None or now == self._seen:
            self._pending = None
            return False
        if now != self._pending:  # changed since the last look: wait until it holds still (a copy under way)
            self._pending = now
            return False
        from bot.engine import ingest

        try:
            self.last_report = ingest(self.settings, embedder=self.embedder)
            self.last_error = None
            self.syncs += 1
            log.info("corpus changed: %s", self.last_report.summary())
        except Exception as e:  # noqa: BLE001 - log it; the next change tries again
            self.last_error = f"{type(e).__name__}: {e}"
            log.warning("corpus sync failed: %s", self.last_error)
        self._seen, self._pending = now, None
        return True


def _stat(p: Path):
    try:
        return p.stat()
    except OSError:
        return None
