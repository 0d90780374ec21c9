"""Answering in N processes (`python -m bot serve --workers N`): one web process, N answer processes.

The web process keeps everything that holds state (the HTTP routes, the Gradio chat and its sessions, the rate
limits, who has a question in flight); the CPU work of a quoted answer (embedding the question, retrieval, the
reader) runs in one of N worker processes, each with its own copy of the index and its own embedder, so N
questions are embedded at once. Each worker follows a new index version by itself (bot/serve/live.py), as the web
process does. With a language model configured, answers stay in the web process: they wait on the model, not
on the CPU, and stream its words.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor

_LIVE = None  # in a worker process: its LiveBot


def _init(settings_json: str, threads: int) -> None:
    global _LIVE
    import os

    # before the embedder's OpenMP runtime loads: N processes that each spin a thread per core on the same
    # cores slow each other down many times over; each gets its share of the cores instead
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    from bot.engine import Bot
    from bot.serve.live import LiveBot
    from bot.settings import Settings

    s = Settings.model_validate_json(settings_json)
    _LIVE = LiveBot(Bot.from_settings(s, build=False), s.index_poll_s).start()
    _exit_with_parent()


def _exit_with_parent() -> None:
    """An answer process ends when the web process is gone (even SIGKILLed): no orphans holding an index."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _answer(question: str, history, lang: str | None = None) -> dict:
    import os

    a = _LIVE.bot.answer(question, history, lang)
    d = a.to_dict()
    if a.qvec is not None:  # for the web process's conversation log: not embedded there again
        import numpy as np

        d["_qvec"] = np.asarray(a.qvec, dtype=np.float16).tobytes()
    d["_worker"] = os.getpid()
    return d


def _warm() -> int:
    import os
    import time

    _LIVE.bot.answer("warm up")
    time.sleep(0.3)  # busy for a moment, so that the other warm-ups go to the other processes
    return os.getpid()


class AnswerPool:
    def __init__(self, settings, n: int):
        self.n = n
        self._ex = ProcessPoolExecutor(
            n,
            mp_context=mp.get_context("spawn"),
            initializer=_init,
            initargs=(settings.model_dump_json(), max(1, (os.cpu_count() or 1) // n)),
        )
        # start every worker now (each loads the model and the index), not on the first questions
        self.pids: set[int] = set()
        for _ in range(10):
            self.pids |= {f.result(timeout=300) for f in [self._ex.submit(_warm) for _ in range(n)]}
            if len(self.pids) >= n:
                break

    @property
    def executor(self) -> ProcessPoolExecutor:
        return self._ex

    @staticmethod
    def takes(bot) -> bool:
        """Quoted answers go to the answer processes; a language model's stay here (they stream its words)."""
        return bot.llm is None

    def answer(self, question: str, history=None, lang: str | None = None) -> tuple[dict, bytes | None]:
        """The answer (Answer.to_dict()) from one of the answer processes, and the question's vector (for the
        conversation log); BotError as raised there."""
        return self._split(self._ex.submit(_answer, question, history, lang).result())

    async def answer_async(self, question: str, history=None, lang: str | None = None) -> tuple[dict, bytes | None]:
        import asyncio

        return self._split(await asyncio.wrap_future(self._ex.submit(_answer, question, history, lang)))

    @staticmethod
    def _split(d: dict) -> tuple[dict, bytes | None]:
        d.pop("_worker", None)
        return d, d.pop("_qvec", None)

    def shutdown(self) -> None:
        self._ex.shutdown(wait=False, cancel_futures=True)
