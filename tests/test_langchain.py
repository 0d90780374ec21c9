"""The bot from LangChain: `bot.ArticleRetriever` passes LangChain's own standard retriever tests, and
`bot.BotRunnable` takes a question or chat messages and gives the bot's Answer."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableLambda
from langchain_tests.integration_tests import RetrieversIntegrationTests

from bot import Answer, ArticleRetriever, BotRunnable


def _params(settings) -> dict:
    return {
        "settings": {
            "corpus_dir": settings.corpus_dir,
            "index_dir": settings.index_dir,
            "cache_dir": settings.cache_dir,
        }
    }


class TestArticleRetrieverStandard(RetrieversIntegrationTests):
    params: dict = {}

    @pytest.fixture(autouse=True)
    def _index(self, shipped_settings):
        type(self).params = _params(shipped_settings)

    @property
    def retriever_constructor(self) -> type[ArticleRetriever]:
        return ArticleRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return self.params

    @property
    def retriever_query_example(self) -> str:
        return "What security guarantees are being considered?"


def test_documents_carry_where_they_are_from(shipped_bot):
    docs = ArticleRetriever(shipped_bot, k=3).invoke("Which European leaders does Zelensky see in London?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    for d in docs:
        assert d.metadata["source"] == "ukraine-peace-negotiations-london.txt"
        assert (
            d.page_content
            and d.page_content in shipped_bot.index.chunks[[c.id for c in shipped_bot.index.chunks].index(d.id)].text
        )
        assert {"section", "page", "anchor", "faq_question", "kind", "score", "url"} <= set(d.metadata)
    faq = [
        d
        for d in ArticleRetriever(shipped_bot, k=10).invoke("What are the potential outcomes of the meeting?")
        if d.metadata["kind"] == "faq"
    ]
    assert faq and all(d.metadata["faq_question"].endswith("?") for d in faq)
    # the same ranking as the bot's own retrieval, best first
    hits = shipped_bot.retrieve("Which European leaders does Zelensky see in London?", 3)
    assert [d.id for d in docs] == [h.chunk.id for h in hits]


def test_the_runnable_answers_a_question_and_chat_messages(shipped_bot):
    r = BotRunnable(shipped_bot)
    a = r.invoke("How does the article describe NATO?")
    assert isinstance(a, Answer) and a.grounded and "Europe’s largest military alliance" in a.text
    assert a.citations and all(c.quote in shipped_bot.index.chunks[0].text or c.quote for c in a.citations)
    msgs = [
        HumanMessage("Which leaders will Zelensky meet?"),
        AIMessage("The leaders of France and Germany."),
        HumanMessage("What do they want from the US?"),
    ]
    follow = r.invoke(msgs)
    assert follow.grounded and follow.question == "What do they want from the US?"
    assert follow.standalone_question and follow.standalone_question != follow.question  # the history was used
    declined = r.invoke({"question": "What did Putin say in response to the London talks?"})
    assert not declined.grounded and declined.suggestions
    # composes like any runnable
    chain = RunnableLambda(lambda x: x["q"]) | r | RunnableLambda(lambda a: a.grounded)
    assert chain.invoke({"q": "How does the article describe NATO?"}) is True
    assert (
        r.batch(["How does the article describe NATO?", "What did Putin say in response to the London talks?"])[
            1
        ].grounded
        is False
    )


@pytest.mark.parametrize(
    "bad", [[], [AIMessage("hello")], 42, [object()]], ids=["no messages", "no question", "a number", "not a message"]
)
def test_the_runnable_says_what_it_takes(shipped_bot, bad):
    with pytest.raises((TypeError, ValueError), match="question|message"):
        BotRunnable(shipped_bot).invoke(bad)
