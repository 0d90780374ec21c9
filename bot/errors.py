"""Exceptions whose messages say how to fix the problem."""


class BotError(Exception):
    """Base class for every error the bot raises on purpose."""


class BadQuestion(BotError, ValueError):
    """The question is empty, too long, or not text."""


class CorpusNotFound(BotError, ValueError):
    """The corpus folder does not exist or holds no readable article."""


class IndexMismatch(BotError, ValueError):
    """The index was built by another embedder (or another index format)."""


class IndexMissing(BotError, ValueError):
    """There is no index where one was expected."""


class SyncCancelled(BotError):
    """A sync stopped on request (the admin page's Cancel); the index it had is unchanged."""


class ConfigError(BotError, ValueError):
    """Settings that cannot work together."""
