"""Generative answers: the real openai SDK and langchain-openai against a local OpenAI-protocol server."""

from __future__ import annotations

import pytest
from _support import OFF_TOPIC, ON_TOPIC
from openai_fake import FakeOpenAI

from bot.answering import ABSTAIN_TEXT
from bot.engine import Bot
from bot.prompts import NAMES, PromptError, render, variables


@pytest.fixture
def fake():
    f = FakeOpenAI()
    yield f
    f.close()


def llm_bot(shipped_bot, fake, **kw) -> Bot:
    s = shipped_bot.settings.model_copy(
        update={"openai_base_url": fake.url, "openai_api_key": "test-key", "llm_retries": 0, "llm_timeout_s": 5, **kw}
    )
    return Bot(s, shipped_bot.index, shipped_bot.embedder, shipped_bot.reader)


def test_every_prompt_renders_and_a_missing_variable_is_an_error():
    for name in NAMES:
        text = render(name, **{v: f"<{v}>" for v in variables(name)})
        assert all(f"<{v}>" in text for v in variables(name)) and "$" not in text
    with pytest.raises(PromptError):
        render("answer", question="q")


def test_correct_citation_is_kept_with_a_verbatim_quote(shipped_bot, fake, article_text):
    fake.script.append(
        {
            "content": "Security guarantees for Ukraine are being actively discussed among European "
            "leaders and the US [1]."
        }
    )
    b = llm_bot(shipped_bot, fake)
    a = b.answer(ON_TOPIC)
    assert a.grounded and a.unsupported == [] and len(fake.chat_requests()) == 1
    assert a.text.endswith("[1]") and a.citations[0].n == 1
    assert a.citations[0].quote in article_text and "security guarantees" in a.citations[0].quote.lower()
    sent = fake.chat_requests()[0]["body"]["messages"]
    assert sent[0]["role"] == "system" and ON_TOPIC in sent[-1]["content"] and "[1]" in sent[-1]["content"]


def test_out_of_range_and_wrong_citations_are_repointed_or_removed(shipped_bot, fake, article_text):
    fake.script.append(
        {
            "content": "Security guarantees for Ukraine are being actively discussed among European "
            "leaders and the US [9]. The moon is made of green cheese [1]."
        }
    )
    a = llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    assert a.checks["out_of_range"] == 1
    assert a.unsupported == ["The moon is made of green cheese."]
    assert "cheese. [" not in a.text and "cheese." in a.text  # shown, but not as cited
    assert [c.n for c in a.citations] == [1] and a.citations[0].quote in article_text
    assert "[9]" not in a.text


def test_refusal_becomes_an_abstention(shipped_bot, fake):
    fake.script.append({"content": "NOT IN THE ARTICLES"})
    a = llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    assert a.grounded is False and a.text == ABSTAIN_TEXT and a.suggestions


def test_the_gate_spends_no_tokens_on_off_topic_questions(shipped_bot, fake):
    a = llm_bot(shipped_bot, fake).answer(OFF_TOPIC)
    assert a.grounded is False and fake.chat_requests() == []


@pytest.mark.parametrize(
    "step", [{"status": 500}, {"status": 429}, {"raw": "{not json"}, {"sleep": 3, "content": "late"}]
)
def test_faults_fall_back_to_the_extractive_answer(shipped_bot, fake, step):
    fake.script.extend([step, step])
    b = llm_bot(shipped_bot, fake, llm_timeout_s=1, llm_retries=1)
    a = b.answer(ON_TOPIC)
    want = shipped_bot.answer(ON_TOPIC)
    assert a.grounded and a.text == want.text and a.note  # the quoted answer, with a short note
    assert 1 <= len(fake.chat_requests()) <= 2  # retries are bounded


GOOD = "Security guarantees for Ukraine are being actively discussed among European leaders and the US [1]."


def test_answers_are_cached_until_the_corpus_changes(shipped_bot, fake):
    fake.script.extend([{"content": GOOD}, {"content": GOOD}])
    b = llm_bot(shipped_bot, fake)
    first = b.answer(ON_TOPIC)
    again = b.answer("  what SECURITY guarantees are being considered? ")  # same question, normalised
    assert len(fake.chat_requests()) == 1 and again.text == first.text
    assert first.tokens == {"prompt": 100, "completion": 20}
    b.index.manifest["version"], old = "changed", b.index.manifest["version"]
    try:
        b.answer(ON_TOPIC)
        assert len(fake.chat_requests()) == 2  # a new corpus version is a cache miss
    finally:
        b.index.manifest["version"] = old


def test_follow_up_is_rewritten_by_the_model(shipped_bot, fake):
    fake.script.extend(
        [{"content": "What do European leaders want from the US in the peace talks?"}, {"content": GOOD}]
    )
    b = llm_bot(shipped_bot, fake)
    b.answer("What do they want from the US?", history=[["Which leaders will Zelensky meet?", "…"]])
    condense, answer = fake.chat_requests()
    assert "Which leaders will Zelensky meet?" in condense["body"]["messages"][-1]["content"]
    assert "What do they want from the US?" in answer["body"]["messages"][-1]["content"]


def test_passages_are_trimmed_to_the_token_budget(shipped_bot, fake):
    fake.script.append({"content": GOOD})
    llm_bot(shipped_bot, fake, llm_context_tokens=200).answer(ON_TOPIC)
    prompt = fake.chat_requests()[0]["body"]["messages"][-1]["content"]
    assert "[1]" in prompt and "[2]" not in prompt


def test_llm_off_never_calls_the_model(shipped_bot, fake):
    a = llm_bot(shipped_bot, fake, llm="off").answer(ON_TOPIC)
    assert a.grounded and fake.chat_requests() == []


def test_stream_forwards_the_model_text_then_the_checked_answer(shipped_bot, fake, article_text):
    fake.script.append({"content": GOOD.replace("[1]", "[3]")})  # a wrong number, fixed at the end
    events = list(llm_bot(shipped_bot, fake).answer_stream(ON_TOPIC))
    *deltas, final = events
    assert len(deltas) > 3 and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas) == GOOD.replace("[1]", "[3]")  # forwarded as it arrived
    assert fake.chat_requests()[0]["body"]["stream"] is True
    assert final.grounded and final.text.endswith("[1]") and final.citations[0].quote in article_text


def test_a_stream_cut_in_the_middle_falls_back(shipped_bot, fake):
    fake.script.append({"content": GOOD, "cut": 3})
    *deltas, final = list(llm_bot(shipped_bot, fake).answer_stream(ON_TOPIC))
    assert final.grounded and final.note and final.text == shipped_bot.answer(ON_TOPIC).text
    assert len(deltas) <= 3


def test_api_stream_sends_model_tokens_over_http(shipped_bot, fake, tmp_path):
    import httpx
    from test_server import LiveServer, _events

    from bot.server import create_app

    b = llm_bot(shipped_bot, fake, data_dir=tmp_path)
    fake.script.append({"content": GOOD})
    with LiveServer(create_app(b)) as srv:
        with httpx.stream("POST", f"{srv.url}/api/ask/stream", json={"question": ON_TOPIC}, timeout=30) as r:
            ev = _events("".join(r.iter_text()))
    deltas = [d["text"] for k, d in ev if k == "delta"]
    assert "".join(deltas) == GOOD and ev[-1][0] == "done" and ev[-1][1]["citations"][0]["n"] == 1
