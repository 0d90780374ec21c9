"""The bot from LangChain: its hybrid retriever as a `BaseRetriever`, the whole bot as a `Runnable`.

    from bot import ArticleRetriever, BotRunnable
    docs = ArticleRetriever(k=4).invoke("What security guarantees are being considered?")
    docs[0].metadata  # source, title, section, page, anchor, faq_question, kind, lang, score, url
    answer = BotRunnable().invoke("Which leaders will Zelensky meet?")  # an Answer, citations included
    answer = BotRunnable().invoke([("human", "Which leaders will Zelensky meet?"), ("ai", "…"), ("human", "Why?")])

Both open the index of the settings (BOT_CORPUS_DIR, BOT_INDEX_DIR, …; building it on first use), or use a `Bot`
you pass. Retrieval is the bot's own: BM25, chunk vectors and sentence vectors fused by rank, FAQ entries found
through their questions (bot/answers/retrieval.py).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.messages import convert_to_openai_messages
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableConfig, RunnableSerializable
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from bot.answers.answering import Answer
from bot.answers.retrieval import Hit
from bot.engine import Bot
from bot.serve.openai_api import conversation
from bot.settings import load_settings


def hit_document(hit: Hit, bot: Bot) -> Document:
    """A retrieved chunk as a LangChain document: its text, and where it is (source, section, page, anchor, the
    FAQ question it answers, the source viewer's address)."""
    c = hit.chunk
    page = c.page_at(c.start) if c.pages else None
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "source": c.source,
            "title": c.title,
            "section": c.section,
            "page": page,
            "anchor": c.anchor,
            "faq_question": c.question,
            "kind": c.kind,
            "lang": c.lang,
            "score": hit.score,
            "url": bot.index.link(c.source, c.anchor),
        },
    )


class _OwnsBot(BaseModel):
    """A Bot given as the first argument, or opened on first use from `settings` (Settings fields; without them
    the environment's, BOT_CORPUS_DIR, …)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: dict[str, Any] = Field(default_factory=dict)
    _bot: Bot | None = PrivateAttr(None)

    def __init__(self, bot: Bot | None = None, **data: Any):
        super().__init__(**data)
        self._bot = bot

    @property
    def bot(self) -> Bot:
        if self._bot is None:
            self._bot = Bot.from_settings(load_settings(**self.settings))
        return self._bot


class ArticleRetriever(_OwnsBot, BaseRetriever):
    """The bot's hybrid retrieval over the articles. `k` documents, best first (`invoke(q, k=…)` overrides it).

    Settings are `bot.settings.Settings` fields (`corpus_dir`, `index_dir`, `cache_dir`, …); without them the
    environment's (BOT_CORPUS_DIR, …) are used."""

    k: int = Field(4, ge=1, le=100)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        bot = self.bot
        return [hit_document(h, bot) for h in bot.retrieve(query, k or self.k)]


def _question_and_history(value: Any) -> tuple[str, list[list[str]]]:
    """A question string, a {"question", "history"} dict, or chat messages (LangChain messages, (role, text)
    tuples or role dicts), read as the OpenAI endpoint reads its messages (bot/serve/openai_api.conversation):
    the last user message is the question, earlier user/assistant pairs the history."""
    if isinstance(value, str):
        return value, []
    if isinstance(value, dict):
        return value["question"], list(value.get("history") or [])
    if isinstance(value, list | tuple):
        try:
            messages = convert_to_openai_messages(list(value))
        except (NotImplementedError, TypeError, ValueError) as e:
            raise TypeError(f"not chat messages: {str(e).splitlines()[0]}") from None
        return conversation(messages)
    raise TypeError(f"give a question, a dict with 'question', or chat messages, not {type(value).__name__}")


class BotRunnable(_OwnsBot, RunnableSerializable[Any, Answer]):
    """The whole bot as a LangChain Runnable: a question (or chat messages) in, an `Answer` out, with its cited
    quotes (`answer.citations`), `grounded` False when the articles don't say."""

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Answer:
        question, history = _question_and_history(input)
        return self._call_with_config(lambda q: self.bot.answer(q, history or None), question, config)
