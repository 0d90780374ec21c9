"""Answer questions about a folder of articles, citing the sentences the answer came from.

from bot import answer
a = answer("What security guarantees are being considered?")
print(a.text, a.grounded, a.citations)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

# Retrieval multiplies one query vector by a few thousand rows: BLAS thread pools only add wake-up
# latency there (and spin on a busy 2-core machine). Set before numpy loads; an explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .answering import Answer, Citation
    from .engine import Bot

_default_bot = None


def answer(question: str, history=None) -> Answer:
    """Answer from the default corpus and index (settings from the environment); models load once."""
    global _default_bot
    if _default_bot is None:
        from .engine import Bot

        _default_bot = Bot.from_settings()
    return _default_bot.answer(question, history)


def __getattr__(name):
    if name in {"Answer", "Citation"}:
        from . import answering

        return getattr(answering, name)
    if name == "Bot":
        from .engine import Bot

        return Bot
    if name in {"BotError", "BadQuestion", "CorpusNotFound", "IndexMismatch", "IndexMissing"}:
        from . import errors

        return getattr(errors, name)
    if name == "load_settings":
        from .settings import load_settings

        return load_settings
    raise AttributeError(name)


__all__ = ["Answer", "BadQuestion", "Bot", "BotError", "Citation", "answer", "load_settings"]
