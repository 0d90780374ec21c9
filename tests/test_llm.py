"""Generative answers: the real openai SDK and langchain-openai against a local OpenAI-protocol server."""

from __future__ import annotations

import json
import re
import time

import pytest
from _support import OFF_TOPIC, ON_TOPIC, ROOT
from openai_fake import FakeOpenAI

from bot.answers.answering import ABSTAIN_TEXT
from bot.answers.prompts import NAMES, PromptError, render, variables
from bot.engine import Bot


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
    "step",
    [
        {"status": 500},
        {"status": 429},
        {"raw": "{not json"},
        {"sleep": 3, "content": "late"},
        {"sse": "data: {not json\n\n"},  # the bot always asks for a stream: malformed events
        {"sse": 'data: {"id": "c", "object": "chat.completion.chunk", "choices": []}\n\ndata: [DONE]\n\n'},
        {"sse": 'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'},
    ],
    ids=["500", "429", "not-json", "timeout", "sse-not-json", "sse-no-content", "sse-error-event"],
)
def test_faults_fall_back_to_the_extractive_answer(shipped_bot, fake, step):
    fake.script.extend([step, step])
    b = llm_bot(shipped_bot, fake, llm_timeout_s=1, llm_retries=1)
    a = b.answer(ON_TOPIC)
    want = shipped_bot.answer(ON_TOPIC)
    assert a.grounded and a.text == want.text and a.note  # the quoted answer, with a short note
    slow = "took too long" if "sleep" in step else "could not be reached"
    assert a.note == f"The language model {slow}; this answer is quoted from the articles."
    assert 1 <= len(fake.chat_requests()) <= 2  # retries are bounded


def test_a_claim_matched_across_two_sentences_quotes_the_one_that_holds_it():
    """Found with a real small model: "... is German Chancellor Friedrich Merz" was quoted with the sentence
    before Merz's, because the two together matched best and the first of them was quoted."""
    from bot.answers.citations import best_support
    from bot.answers.retrieval import Hit
    from bot.ingest.chunking import Chunk, Sentence

    a = "Leaders met in London on Monday to discuss the talks."
    b = "German Chancellor Friedrich Merz attended the meeting."
    sents = [Sentence(0, len(a), a), Sentence(len(a) + 1, len(a) + 1 + len(b), b)]
    chunk = Chunk("c", "f.txt", "T", "Sec", "section", f"{a} {b}", f"{a} {b}", 0, len(a) + 1 + len(b), sents)
    score, quote = best_support(
        "German Chancellor Friedrich Merz attended the London meeting.", Hit(0, chunk, 0, 0, 0, 0)
    )
    assert score == 1.0 and quote == b
    assert best_support("Leaders met in London on Monday, with Merz.", Hit(0, chunk, 0, 0, 0, 0))[1] == a


def test_list_numbers_and_echoed_section_names_are_not_claims(shipped_bot, fake, article_text):
    """A small real model (benchmarks/real_model.py) answers in lists and echoes the passages' section names;
    those are neither cited nor reported as unsupported sentences. The list's sentences are checked as usual."""
    fake.script.append(
        {
            "content": "1. (Frequently Asked Questions)\n"
            "2. Security guarantees for Ukraine are being actively discussed among European leaders and the US [1].\n"
            "3. The moon is made of green cheese [1].\n"
            "Zelensky's Position:\n"
            "(Leyeltsi's Meeting with European Leaders)"
        }
    )
    a = llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    assert a.unsupported == ["The moon is made of green cheese."]
    assert len(a.citations) == 1 and a.citations[0].quote in article_text
    assert a.text.startswith("1. (Frequently Asked Questions) 2. Security guarantees") and "[1]" in a.text


def test_a_model_that_trickles_its_words_is_cut_off_after_the_timeout(shipped_bot, fake):
    """Each word comes in time for the read timeout, but the whole answer would take 7 s: after 1 s of
    writing the bot stops waiting and quotes the articles, saying why."""
    words = " ".join(["Security guarantees for Ukraine are being discussed [1]."] * 4)
    fake.script.append({"content": words, "gap": 0.25})  # 28 words, one every 0.25 s
    b = llm_bot(shipped_bot, fake, llm_answer_timeout_s=1)
    t = time.perf_counter()
    a = b.answer(ON_TOPIC)
    took = time.perf_counter() - t
    assert a.grounded and a.text == shipped_bot.answer(ON_TOPIC).text
    assert a.note == "The language model took too long; this answer is quoted from the articles."
    assert took < 3.0, took  # not the 7 s the model would have taken


def test_tokens_are_counted_when_the_server_does_not_report_them(shipped_bot, fake):
    from bot.ingest.tokens import count_tokens

    fake.script.append({"content": GOOD, "no_usage": True})
    a = llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    assert a.grounded and a.citations and a.tokens["estimated"] is True
    assert a.tokens["completion"] == count_tokens(GOOD)
    sent = fake.chat_requests()[0]["body"]["messages"]
    words = sum(count_tokens(m["content"]) for m in sent)
    assert words < a.tokens["prompt"] <= words + 20  # the messages' tokens and a little framing


GOOD = "Security guarantees for Ukraine are being actively discussed among European leaders and the US [1]."


def test_answers_are_cached_until_the_corpus_changes(shipped_bot, fake):
    fake.script.extend([{"content": GOOD}, {"content": GOOD}])
    b = llm_bot(shipped_bot, fake)
    first = b.answer(ON_TOPIC)
    again = b.answer("  what SECURITY guarantees are being considered? ")  # same question, normalised
    assert len(fake.chat_requests()) == 1 and again.text == first.text
    assert first.tokens == {"prompt": 100, "completion": 20, "estimated": False}  # as the server reported them
    b.index.manifest["version"], old = "changed", b.index.manifest["version"]
    try:
        b.answer(ON_TOPIC)
        assert len(fake.chat_requests()) == 2  # a new corpus version is a cache miss
    finally:
        b.index.manifest["version"] = old


def test_a_question_of_its_own_is_not_condensed_and_small_talk_reaches_no_model(shipped_bot, fake):
    fake.script.extend([{"content": GOOD}])
    b = llm_bot(shipped_bot, fake)
    a = b.answer(ON_TOPIC, history=[["Which leaders will Zelensky meet?", "…"]])
    (only,) = fake.chat_requests()  # one call: the answer; no rewrite of a question that stands alone
    assert ON_TOPIC in only["body"]["messages"][-1]["content"] and a.standalone_question is None
    for msg in ("hi", "thanks!", "Can I talk to a human?"):
        assert b.answer(msg, history=[[ON_TOPIC, "…"]]).turn in ("smalltalk", "person")
    assert len(fake.chat_requests()) == 1


def test_follow_up_is_rewritten_by_the_model(shipped_bot, fake):
    fake.script.extend(
        [{"content": "What do European leaders want from the US in the peace talks?"}, {"content": GOOD}]
    )
    b = llm_bot(shipped_bot, fake)
    a = b.answer("What do they want from the US?", history=[["Which leaders will Zelensky meet?", "…"]])
    condense, answer = fake.chat_requests()
    assert "Which leaders will Zelensky meet?" in condense["body"]["messages"][-1]["content"]
    assert "What do they want from the US?" in condense["body"]["messages"][-1]["content"]
    # the answering model gets the standalone question, not the bare "they"
    assert "What do European leaders want from the US in the peace talks?" in answer["body"]["messages"][-1]["content"]
    assert a.question == "What do they want from the US?"
    assert a.to_dict()["standalone_question"] == "What do European leaders want from the US in the peace talks?"
    # asked again: the cached answer, and still how the follow-up was understood
    again = b.answer("What do they want from the US?", history=[["Which leaders will Zelensky meet?", "…"]])
    assert len(fake.chat_requests()) == 2 and again.text == a.text
    assert again.standalone_question == a.standalone_question


def test_passages_are_trimmed_to_the_token_budget(shipped_bot, fake):
    fake.script.append({"content": GOOD})
    llm_bot(shipped_bot, fake, llm_context_tokens=200).answer(ON_TOPIC)
    prompt = fake.chat_requests()[0]["body"]["messages"][-1]["content"]
    assert "[1]" in prompt and "[2]" not in prompt


def test_passages_fit_the_model_window(shipped_bot, fake):
    from bot.ingest.tokens import count_tokens

    fake.script.extend([{"content": GOOD}, {"content": GOOD}])
    llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    b = llm_bot(shipped_bot, fake, llm_window_tokens=800, llm_max_tokens=300)
    b.answer(ON_TOPIC)
    wide, narrow = (r["body"]["messages"] for r in fake.chat_requests())
    n_passages = lambda msgs: len(re.findall(r"^\[\d+\] \(", msgs[-1]["content"], re.M))  # noqa: E731
    assert n_passages(wide) == 4 and 1 <= n_passages(narrow) < 4
    assert sum(count_tokens(m["content"]) for m in narrow) + 300 <= 800
    assert b.llm.window() == 800
    assert llm_bot(shipped_bot, fake).llm.window() == 128_000  # gpt-4o-mini
    assert llm_bot(shipped_bot, fake, llm_model="llama3.2").llm.window() == 8192  # unknown: a safe default


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

    from bot.serve.server import create_app

    b = llm_bot(shipped_bot, fake, data_dir=tmp_path)
    fake.script.append({"content": GOOD})
    with LiveServer(create_app(b)) as srv:
        with httpx.stream("POST", f"{srv.url}/api/ask/stream", json={"question": ON_TOPIC}, timeout=30) as r:
            ev = _events("".join(r.iter_text()))
    deltas = [d["text"] for k, d in ev if k == "delta"]
    assert "".join(deltas) == GOOD and ev[-1][0] == "done" and ev[-1][1]["citations"][0]["n"] == 1


def test_the_citation_check_uses_embeddings_with_the_packaged_embedder(shipped_bot, fake):
    b = llm_bot(shipped_bot, fake)
    assert b.llm.similarity is not None and b.llm.prefetch is not None


def test_a_number_or_a_denial_the_passage_does_not_have_is_unsupported(shipped_bot, fake):
    fake.script.append(
        {
            "content": "Security guarantees for Ukraine are being actively discussed among European "
            "leaders and the US [1]. The US peace plan for Ukraine has 28 points [1]."
        }
    )
    a = llm_bot(shipped_bot, fake).answer(ON_TOPIC)
    assert len(fake.chat_requests()) == 1
    assert a.unsupported == ["The US peace plan for Ukraine has 28 points."]
    assert "28 points. [" not in a.text and len(a.citations) == 1
    # every word in the passage but the number: still not supported
    from bot.answers.citations import best_support, supports

    row = next(
        h for h in shipped_bot.retrieve("Which leaders will Zelensky meet?", 5) if h.chunk.section == "Key Points"
    )
    claim = "President Zelensky will meet with 12 European leaders to discuss peace negotiations."
    assert best_support(claim, row)[0] >= 0.8 and supports(claim, row, shipped_bot.similarity)[0] is False
    assert supports(claim.replace("12 ", ""), row, shipped_bot.similarity)[0] is True
    # nor is a sentence that the passage's own words deny
    denied = "President Zelensky will not meet with European leaders to discuss peace negotiations."
    assert supports(denied, row, shipped_bot.similarity)[0] is False


def test_a_paraphrase_is_checked_by_embedding_similarity(shipped_bot, fake, article_text):
    """Word overlap alone (0.43 here) would list this sentence as unsupported; with the sentence's embedding
    against the passage's sentences it is accepted, and quoted verbatim from the Key Points row."""
    from bot.answers.citations import best_support, supports

    claim = "Trump voiced frustration over Zelensky’s grasp of the proposed agreement."
    b = llm_bot(shipped_bot, fake)
    row = next(h for h in b.retrieve("What did Trump say about Zelensky?", 5) if h.chunk.section == "Key Points")
    assert 0.3 <= best_support(claim, row)[0] < 0.5
    assert supports(claim, row)[0] is False  # overlap alone
    assert supports(claim, row, b.similarity)[0] is True  # overlap and embedding
    fake.script.append({"content": claim + " [1]"})
    a = b.answer("What did Trump say about Zelensky?")
    assert a.unsupported == [] and len(a.citations) == 1
    assert a.citations[0].quote in article_text and "Trump" in a.citations[0].quote


@pytest.mark.parametrize("whole", [False, True], ids=["streamed", "whole-answer"])
@pytest.mark.parametrize("paraphrase_last", [False, True], ids=["paraphrase-first", "paraphrase-last"])
def test_sentences_are_embedded_while_the_model_writes(shipped_bot, fake, whole, paraphrase_last):
    """A paraphrased sentence that needs its embedding for the check is embedded during the stream, once: also
    when it is the last sentence (as soon as its full stop arrives), and also for a caller that wants the whole
    answer at once (the model is asked to stream all the same)."""
    claim = "Trump voiced frustration over Zelensky’s grasp of the proposed agreement."
    close = "Security guarantees for Ukraine are being actively discussed among European leaders and the US."
    reply = f"{close[:-1]} [2]. {claim} [1]" if paraphrase_last else f"{claim} [1] {close[:-1]} [2]."
    fake.script.append({"content": reply, "gap": 0.02})
    b = llm_bot(shipped_bot, fake)
    calls = []
    inner = b.llm.prefetch
    b.llm.prefetch = lambda text: calls.append((text, time.perf_counter())) or inner(text)
    b.embedder.embed_query_np.cache_clear()
    question = "What did Trump say about Zelensky and about security guarantees?"
    if whole:
        final = b.answer(question)
        done_at = time.perf_counter()
    else:
        for ev in b.answer_stream(question):
            if not isinstance(ev, str):
                done_at = time.perf_counter()
                final = ev
    assert fake.chat_requests()[-1]["body"]["stream"] is True
    assert [c for c, _ in calls] == [claim]  # the close sentence needs no embedding
    stream_end = fake.timings[-1]["end"]
    assert calls[0][1] < stream_end < done_at  # started before the model had finished
    assert final.unsupported == [] and len(final.citations) == 2


def test_labelled_claims_about_the_shipped_article(shipped_bot):
    """eval/claims/shipped.jsonl: 25 claims the article supports (in other words) and 25 it does not. Each is
    checked against every passage of the article, as a model's sentence would be against its passages."""
    from bot.answers.citations import supports
    from bot.answers.retrieval import Hit

    rows = [json.loads(x) for x in (ROOT / "eval/claims/shipped.jsonl").read_text().splitlines() if x.strip()]
    hits = [Hit(i, c, 0, 0, 0, 0) for i, c in enumerate(shipped_bot.index.chunks)]
    b_sim = shipped_bot.similarity
    result = {}
    for mode, sim in (("overlap", None), ("combined", b_sim)):
        acc = [any(supports(r["claim"], h, sim)[0] for h in hits) for r in rows]
        result[mode] = (
            sum(a for a, r in zip(acc, rows) if r["supported"]),
            sum(a for a, r in zip(acc, rows) if not r["supported"]),
        )
    kept, wrong = result["combined"]
    assert kept >= 23 and wrong <= 2, result
    assert kept >= result["overlap"][0] and wrong <= result["overlap"][1], result


def test_an_answer_in_another_language_than_the_articles_falls_back_to_quotes(shipped_bot, fake, article_text):
    """Word overlap cannot check a French sentence against English passages, and cross-language cosines
    separate supported from unsupported sentences too thinly to trust: such an answer is not shown as
    cited; the reader gets the quoted answer and a note saying so."""
    fake.script.append(
        {"content": "Zelensky rencontrera à Londres les dirigeants de la France, de l'Allemagne et du Royaume-Uni [1]."}
    )
    a = llm_bot(shipped_bot, fake).answer("Quels dirigeants Zelensky va-t-il rencontrer à Londres ?")
    assert len(fake.chat_requests()) == 1
    assert a.grounded and a.citations and a.note and "quoting" in a.note
    assert all(c.quote in article_text for c in a.citations) and "rencontrera" not in a.text


def test_a_sentence_another_given_passage_denies_is_not_cited(shipped_bot):
    """ "Ukraine formally joined NATO" shares most words with several passages, and one of them says
    "without formally integrating it into the alliance": it is not shown as cited to any of them."""
    from bot.answers.citations import supports, verify
    from bot.answers.retrieval import Hit

    chunks = shipped_bot.index.chunks
    hits = [Hit(i, c, 0, 0, 0, 0) for i, c in enumerate(chunks)]
    claim = "Ukraine formally joined NATO at the London meeting."
    assert any(supports(claim, h, shipped_bot.similarity)[0] for h in hits)  # topic words alone would pass
    text, cites, unsupported, _ = verify(claim + " [1]", hits, shipped_bot.similarity)
    assert unsupported == [claim] and cites == [] and "[" not in text


LONG_FAQ = (
    "# Warranty\n\n"
    "## What does the warranty cover? {#cover}\n\n"
    + "\n\n".join(
        f"Clause {i}: the warranty covers part number {i} of the machine against defects in material and "
        f"workmanship for two years after the date of purchase."
        for i in range(1, 9)
    )
    + "\n\n## How do I register my product?\n\nRegister it online within 30 days of purchase.\n"
)


@pytest.fixture(scope="module")
def long_entry_bot(tmp_path_factory, cache_dir):
    from bot.engine import ingest
    from bot.settings import load_settings

    root = tmp_path_factory.mktemp("long-faq")
    (root / "corpus").mkdir()
    (root / "corpus" / "warranty.md").write_text(LONG_FAQ, encoding="utf-8")
    s = load_settings(corpus_dir=root / "corpus", index_dir=root / "index", cache_dir=cache_dir, chunk_tokens=120)
    ingest(s)
    b = Bot.from_settings(s, build=False)
    assert len(b.index.entries["warranty.md#1"]) >= 3  # the entry is split into parts
    return b


def test_a_long_faq_entry_reaches_the_model_whole_and_its_citations_name_the_entry(long_entry_bot, fake):
    fake.script.append(
        {"content": "The warranty covers part number 8 of the machine for two years after the date of purchase [1]."}
    )
    b = llm_bot(long_entry_bot, fake)
    a = b.answer("Which parts are covered by the warranty?")
    prompt = fake.chat_requests()[0]["body"]["messages"][-1]["content"]
    first = prompt.split("[2]")[0]
    assert first.count("What does the warranty cover?") == 1  # one passage, its question once
    assert all(f"Clause {i}:" in first for i in range(1, 9))  # every part of the entry, in that passage
    assert a.grounded and a.citations and a.unsupported == []
    c = a.citations[0]
    assert "part number 8" in c.quote and c.question == "What does the warranty cover?" and c.anchor == "cover"


def test_the_prompts_ship_inside_the_wheel(tmp_path):
    """A non-editable install has them: they are package data (bot/answers/prompts/), and the wheel holds them."""
    import subprocess
    import sys
    import zipfile

    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"bot/answers/prompts/{n}.txt" for n in NAMES} <= names, sorted(n for n in names if "prompt" in n)


def test_a_prompt_folder_of_your_own_replaces_the_packaged_prompt(shipped_bot, fake, tmp_path):
    from bot.answers import prompts

    (tmp_path / "system.txt").write_text("You are the library's helper. Quote the passages.", encoding="utf-8")
    try:
        b = llm_bot(shipped_bot, fake, prompts_dir=tmp_path)
        b.answer(ON_TOPIC)
        sent = fake.chat_requests()[-1]["body"]["messages"]
        assert sent[0]["content"] == "You are the library's helper. Quote the passages."
        assert "$" not in sent[1]["content"]  # answer.txt: the packaged one (the folder has none)
    finally:
        prompts.use_folder(None)


def test_a_broken_prompt_falls_back_to_the_quoted_answer_not_an_error(shipped_bot, fake, tmp_path):
    from bot.answers import prompts

    (tmp_path / "answer.txt").write_text("Passages: $passages\nQuestion: $question\nTone: $tone\n", encoding="utf-8")
    try:
        b = llm_bot(shipped_bot, fake, prompts_dir=tmp_path)
        a = b.answer(ON_TOPIC)
        assert a.grounded and a.text == shipped_bot.answer(ON_TOPIC).text and a.note
        assert not fake.chat_requests()  # the model was never called with a half-rendered prompt
    finally:
        prompts.use_folder(None)


COMPOUND = "What security guarantees are being considered, and who is wary of sending troops?"


def test_a_compound_question_offline_gets_a_cited_sentence_for_each_part(shipped_bot):
    a = shipped_bot.answer(COMPOUND)
    assert a.grounded, a.text
    first, second = a.text.split("\n\n")
    assert "security guarantees" in first.lower() and "[1]" in first
    assert "wary of sending ground troops" in second and "Germany and Italy" in second
    ns = [int(n) for n in re.findall(r"\[(\d+)\]", a.text)]
    assert ns == list(range(1, len(a.citations) + 1)) == [c.n for c in a.citations]  # renumbered across parts
    assert all(c.quote in (ROOT / "corpus" / c.source).read_text(encoding="utf-8") for c in a.citations)  # verbatim
    # a part the articles don't answer is named as such, the other still answered
    b = shipped_bot.answer("Who is wary of sending troops, and who won the 1998 football world cup?")
    assert b.grounded and "wary of sending ground troops" in b.text
    assert "“Who won the 1998 football world cup?”: I couldn't find that in the articles." in b.text


def test_a_compound_question_reaches_the_model_with_the_passages_of_each_part(shipped_bot, fake):
    fake.script.append({"content": "NOT IN THE ARTICLES"})
    b = llm_bot(shipped_bot, fake)
    b.answer(COMPOUND)
    reqs = fake.chat_requests()
    assert len(reqs) == 1  # the gate let it through: both parts are covered
    prompt = json.dumps(reqs[0])
    assert "wary of sending ground troops" in prompt and "security guarantees" in prompt


def test_the_gate_lets_the_model_read_what_no_single_sentence_answers(shipped_bot, fake, article_text):
    """Declined offline (no one sentence answers it), but the gate was unsure: the model reads the passages.
    Off-topic questions of our own set stay below the bar: no tokens spent on any of them."""
    q = "How would the power plant's electricity be divided?"
    offline = shipped_bot.answer(q)
    assert not offline.grounded and offline.confidence > 0.2
    quote = (
        "The US-led peace plan includes proposals for sharing energy produced by the plant between Ukraine and Russia."
    )
    assert quote in article_text
    fake.script.append({"content": f"{quote} [1]"})
    b = llm_bot(shipped_bot, fake)
    a = b.answer(q)
    assert len(fake.chat_requests()) == 1
    assert a.grounded and a.citations, a.text
    off = [
        json.loads(x) for x in (ROOT / "eval" / "articles" / "questions.jsonl").read_text().splitlines() if x.strip()
    ]
    for row in off:
        if not row["answerable"]:
            assert not b.answer(row["question"]).grounded
    assert len(fake.chat_requests()) == 1  # none of the 12 off-topic questions reached the model
    # a model fault on a declined question: the abstention, with a note that does not claim a quote
    fake.script.extend([{"status": 500}, {"status": 500}])
    a = llm_bot(shipped_bot, fake, llm_cache_size=0).answer(q)
    assert not a.grounded and a.note == "The language model could not be reached."
