"""The FAQ bot's own job, on real help-center pages (covid-faq-en): find the entry a user means and give it.

CI runs the 5 CDC pages in their own layout and in 4 others; `--run-slow` adds all 9 pages, where other
agencies' near-duplicate entries compete. A missing pack skips with the reason, or fails where
BOT_TEST_REQUIRE_BENCH=1 (scripts/test.sh sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _support import bench_required, small_index

from bot.evals.faqeval import LAYOUTS, evaluate_faq, render_layout, to_markdown
from bot.ingest.corpus import read_document
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
PACK = Path(os.environ.get("BOT_FAQ_BENCH_DIR", ROOT.parent / "shared" / "bench" / "covid-faq-en"))
CACHE = Path(os.environ.get("BOT_TEST_CACHE", ROOT / ".cache"))
REPORTS = ROOT / "reports"


def _pack():
    if not (PACK / "questions.jsonl").exists():
        msg = f"covid-faq-en pack not found at {PACK} (set BOT_FAQ_BENCH_DIR)"
        if bench_required():
            pytest.fail(msg)
        pytest.skip(msg)
    return PACK


@pytest.fixture(scope="module")
def cdc():
    r = evaluate_faq(_pack(), load_settings(cache_dir=CACHE), sites=("cdc",), layouts=LAYOUTS)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "eval-covid-faq-en-cdc.md").write_text(to_markdown(r), encoding="utf-8")
    return r


def test_the_paraphrased_entry_is_cited_and_given_on_the_cdc_pages(cdc):
    x = cdc["runs"]["cdc"]
    assert x["questions"] == 76 and x["entries"] >= 80
    # measured: 0.895 (0.947 with the pack's markup spaces ignored); share 0.71 (0.85)
    assert x["entry_cited"] >= 0.86, to_markdown(cdc)
    assert x["entry_cited_bare"] >= 0.92, to_markdown(cdc)
    assert x["share_given_bare"] >= 0.80, to_markdown(cdc)
    assert x["nearest_question"] <= x["entry_cited_bare"]  # better than the plain nearest-question match


@pytest.mark.parametrize("layout", [lay for lay in LAYOUTS if lay != "h2"])
def test_other_layouts_of_the_same_pages_score_within_003(cdc, layout):
    h2, other = cdc["runs"]["cdc"], cdc["runs"][f"cdc-{layout}"]
    assert other["entries"] == h2["entries"]
    assert abs(other["entry_cited"] - h2["entry_cited"]) <= 0.03, to_markdown(cdc)
    assert abs(other["share_given"] - h2["share_given"]) <= 0.05, to_markdown(cdc)


def test_every_quote_is_verbatim_text_of_its_page(cdc, tmp_path):
    from bot.evals.faqeval import corpus_for

    for name, x in cdc["runs"].items():
        corpus = corpus_for(PACK, sorted(p.name for p in (PACK / "corpus").iterdir() if p.name.startswith("center")),
                            x["layout"], CACHE / "eval" / PACK.name)  # fmt: skip
        texts = {p.name: read_document(p, corpus).text for p in corpus.iterdir()}
        for row in x["rows"]:
            for q in row["quotes"]:
                assert any(q["quote"] in t for n, t in texts.items() if n == q["source"]), (name, q)


def test_a_page_rendered_in_another_layout_keeps_every_entry():
    raw = next((_pack() / "corpus").glob("center-*prepare-faq*.html")).read_text(encoding="utf-8")
    for layout in LAYOUTS[1:]:
        suffix, text = render_layout(raw, layout)
        assert text.count("How can my family and I prepare for COVID-19?") >= 1, layout


@pytest.mark.slow
def test_all_nine_pages_where_other_agencies_compete():
    r = evaluate_faq(_pack(), load_settings(cache_dir=CACHE), sites=("all",), layouts=())
    x = r["runs"]["all"]
    # measured 0.816 (0.855 with markup spaces ignored): another page's entry for the same question is given
    # too when the matcher can't tell the two apart (bot/answers/faq.json "also")
    assert x["entry_cited_bare"] >= 0.82, to_markdown(r)
    assert x["entry_cited_bare"] >= x["nearest_question"], to_markdown(r)


@pytest.fixture(scope="module")
def two_sites_bot(tmp_path_factory):
    from bot.engine import Bot

    files = {
        "city-library.md": "# City library help\n\n## How do I renew a book?\n\nLog in to your account and press Renew "
        "next to the book. Each book can be renewed three times.\n\n## Is there wifi in the library?\n\nYes. The "
        "network is called Library-Guest and needs no password.\n",
        "university-library.md": "# University library FAQ\n\n## How can I renew a book?\n\nBooks are renewed "
        "automatically for students unless someone has reserved them. Staff renew at the loans desk.\n\n## Where "
        "can I print?\n\nPrinters are on the second floor next to the group rooms.\n",
    }
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("two-sites"), files), build=False)


def test_when_two_pages_answer_the_same_question_both_answers_are_given(two_sites_bot):
    a = two_sites_bot.answer("How do I renew my book?")
    assert a.grounded and a.entry is not None
    pages = {a.entry["source"]} | {x["source"] for x in a.entry.get("also", [])}
    assert pages == {"city-library.md", "university-library.md"}, a.text
    assert "three times" in a.text and "renewed automatically" in a.text
    other = a.entry["also"][0]
    assert f"“{other['question']}”" in a.text  # under the other entry's question, and its page named
    assert any(c.source == other["source"] and c.question == other["question"] for c in a.citations)


def test_a_question_only_one_page_answers_gets_that_page_alone(two_sites_bot):
    a = two_sites_bot.answer("Is there wifi?")
    assert a.grounded and a.entry["source"] == "city-library.md"
    assert "also" not in a.entry and all(c.source == "city-library.md" for c in a.citations), a.text


@pytest.fixture(scope="module")
def prose_and_faq_bot(tmp_path_factory):
    from bot.engine import Bot

    files = {
        "vehicle-insurance.md": "# Vehicle insurance requirements\n\nEvery vehicle registered in the state must have "
        "liability insurance coverage. To get insurance, contact an insurance company licensed in the state; it "
        "sends the insurance card you need to register the vehicle. If your insurance lapses, your registration is "
        "suspended.\n\nThe insurance card must show the vehicle identification number.\n",
        "health-faq.md": "# Health coverage FAQ\n\n## What must I do if I don't have health coverage?\n\nApply for "
        "coverage through the marketplace during open enrollment.\n\n## Can I get coverage for my children?\n\nYes. "
        "Children can be covered under your plan until they are 26.\n\n## When is open enrollment?\n\nOpen "
        "enrollment runs from November 1 to January 15.\n",
    }
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("prose-and-faq"), files), build=False)


def test_an_entry_of_another_page_does_not_override_the_prose_page_retrieval_finds(prose_and_faq_bot):
    """doc2dial's "I need help getting insurance" got the entry of another agency's page: the nearest question
    heading, while retrieval found the page about it."""
    b = prose_and_faq_bot
    q = "I need help getting insurance"
    v = b.retriever.query_vector(q)
    hits = b.retriever.search(q, 5, qvec=v)
    m = b.matcher.match(v)
    assert hits[0].chunk.source == "vehicle-insurance.md" and hits[0].chunk.kind != "faq"
    assert m is not None and m.entry.source == "health-faq.md" and m.p >= b.matcher.threshold  # the matcher alone
    a = b.answer(q)
    assert a.entry is None and a.citations and {c.source for c in a.citations} == {"vehicle-insurance.md"}, a.text
    assert "contact an insurance company" in a.text


def test_an_entry_is_given_when_retrieval_finds_an_entry_first(prose_and_faq_bot):
    a = prose_and_faq_bot.answer("What if I have no coverage?")
    assert a.grounded and a.entry is not None and a.entry["source"] == "health-faq.md", a.text
    assert "marketplace" in a.text


def test_a_paragraph_a_kept_sentence_announces_with_a_colon_is_kept_with_it(tmp_path):
    """A long entry's most relevant sentences (faq.select) or the reader's (answering._with_list): "To stop
    something from being updated:" is no answer without the command after it, "brew pin <formula>" (a browser
    probe). The short paragraph after a kept sentence that ends with ":" is kept with it; a long one is not."""
    from bot.answers.faq import ANNOUNCED_WORDS, announced
    from bot.ingest.chunking import chunk_document
    from bot.ingest.corpus import read_document

    long = " ".join(["This paragraph goes on about other things."] * (ANNOUNCED_WORDS // 6 + 1))
    md = f"# FAQ\n\n## How do I pin?\n\nTo stop something from being updated:\n\nbrew pin <formula>\n\nOr set this:\n\n{long}\n"
    (tmp_path / "f.md").write_text(md, encoding="utf-8")
    chunks = chunk_document(read_document(tmp_path / "f.md", tmp_path), 400)
    sents = [s.text for c in chunks for s in c.sentences]
    lengths = [len(t.split()) for t in sents]
    colon, other = sents.index("To stop something from being updated:"), sents.index("Or set this:")
    assert [sents[i] for i in announced(chunks, {colon}, lengths)] == ["brew pin <formula>"]
    assert announced(chunks, {other}, lengths) == set()  # too long to give whole


def test_a_how_much_question_about_a_price_is_answered_by_the_entry_on_the_price(tmp_path):
    """A new-visitor probe on two real help-center FAQs (2026-12-07): "how much does pouta cost" was declined with
    the right entry ("What does Pouta cost?") found, being a "how much" question the entry's question is not; and
    "how much does tor browser cost" got a network-speed sentence whose "2018" passed for a price. "Free" is a
    price, and an entry about the price is the entry of a question about it."""
    from bot.answers import qtypes
    from bot.engine import Bot

    assert qtypes.asks_price("How much does Pouta cost?") and qtypes.asks_price("¿Cuánto cuesta el carné?")
    assert qtypes.asks_price("Was kostet der Ausweis?") and not qtypes.asks_price("How much memory do I need?")
    assert qtypes.FREE.search("It is free of charge.") and not qtypes.FREE.search("Feel free to ask us.")
    files = {
        "faq.md": "# Cloud FAQ\n\n## What does the cloud service cost?\n\nThe cloud service is free for academic "
        "use when your project application is accepted.\n\n## Is the cloud service backed up?\n\nNo, you must keep "
        "your own backups of important data.\n\n## How fast is the network?\n\nThe network was upgraded in 2018 and "
        "runs at 10 gigabits per second between the data centres.\n"
    }
    bot = Bot.from_settings(small_index(tmp_path, files), build=False)
    a = bot.answer("how much does the cloud service cost")
    assert a.grounded and a.citations[0].quote.startswith("The cloud service is free for academic use"), a.text
    # a number is no price: "10 gigabits" and "2018" do not answer what the network costs (a browser probe got
    # "ne nécessite qu'une étape" for "Combien coûte Zettlr ?")
    assert qtypes.MONEY.search("A day ticket is 5 Euro.") and not qtypes.MONEY.search("It needs one step.")
    # a currency's code before the sum, as Swiss and many European price lists write it (a browser probe: "Combien
    # coûte un passeport ?" was declined beside a fee table of "CHF 145.–")
    assert all(qtypes.MONEY.search(t) for t in ("Passeport: CHF 145.–", "EUR 12,50", "sFr. 5"))
    assert not any(qtypes.MONEY.search(t) for t in ("Chapter 5", "FRA 2", "Mo.–Fr. 8:00–12:00"))  # (Fr.: Friday)
    b = bot.answer("How much does the network upgrade cost?")
    assert not b.grounded or "gigabits" not in b.text, b.text


def test_a_yes_no_question_whether_it_costs_is_answered_by_a_price_or_not_at_all(tmp_path):
    """A new-visitor probe on a Jekyll help centre: "does it cost anything to use login.gov" got "Here are solutions
    to the issues you may run into when creating a Login.gov account". A yes/no question about a price is answered
    by a sum, "free" or "no charge" (as a "how much" question is), not by any sentence close to it; a what-question
    that asks what must be paid is not one ("What taxes will I have to pay on this vehicle?")."""
    from bot.answers import qtypes
    from bot.engine import Bot

    for q in ("does it cost anything to use login.gov", "Is Tor Browser free?", "Do I have to pay for the card?",
              "Kostet das etwas?", "Ist die Mitgliedschaft kostenlos?", "Est-ce payant ?", "¿Es gratis?"):  # fmt: skip
        assert qtypes.asks_price_yes_no(q), q
    for q in ("What taxes will I have to pay on this vehicle?", "Is it open on Sunday?", "How much will I pay?"):
        assert not qtypes.asks_price_yes_no(q), q
    files = {
        "account.md": "# Creating an account\n\nHere are solutions to the issues you may run into when creating an "
        "account:\n\n## I'm not receiving a confirmation email\n\nCheck your spam folder for an email from us.\n\n"
        "## My phone number is not accepted\n\nDo not use web-based (VOIP) phone services.\n",
        "card.md": "# Library card\n\n## Can I get a library card?\n\nAnyone who lives in the city can get a card. "
        "The card is free of charge for children.\n",
    }
    bot = Bot.from_settings(small_index(tmp_path, files), build=False)
    a = bot.answer("does it cost anything to create an account")
    assert not a.grounded, a.text
    b = bot.answer("Is the library card free for children?")
    assert b.grounded and "free of charge" in b.text, b.text


def test_a_list_item_given_from_a_long_entry_comes_with_the_sentence_that_introduces_it(tmp_path):
    """A probe on a Jekyll help centre: "can i use my birthday in my password?" got the item "Parts of your email
    address or personal dates, like your birthday" from a long entry, without "…avoid combinations such as:": read
    as advice to use one's birthday. A page titled by a question is titled so (its sources named the file)."""
    from bot.engine import Bot

    steps = "\n".join(
        f"{n}. Step {n} of resetting: open the page and press button number {n} to go on." for n in range(1, 9)
    )
    page = (
        "---\ntitle: Why isn't my password working?\n---\n\n## How to reset your password\n\n"
        f"{steps}\n\n"
        "   * Your password must have 12 or more characters and avoid combinations such as:\n"
        "     * Common phrases or repeated characters, like abc or 111\n"
        "     * Parts of your email address or personal dates, like your birthday\n\n"
        "9. Click the Change password button.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"password.md": page}), build=False)
    assert bot.index.chunks[0].title == "Why isn't my password working?"
    a = bot.answer("can i use my birthday in my password?")
    lines = a.text.splitlines()
    item = next(i for i, x in enumerate(lines) if "like your birthday" in x)
    lead = next(i for i, x in enumerate(lines) if "avoid combinations such as:" in x)
    assert a.grounded and lead < item, a.text
