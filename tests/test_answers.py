"""Answers that name what was asked, and honest abstention when the articles cover the topic but not the thing.

Questions of our own (eval/specifics/questions.jsonl): who/which, why, where, summary and describe questions
that must be answered with the sentence that says it, and questions for a statement, a number, a date or a
name the articles don't give, which must be declined.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from test_faq import CACHE, PACK, _pack

from bot.engine import Bot
from bot.evals.faqeval import corpus_for
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    json.loads(x) for x in (ROOT / "eval" / "specifics" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
]


def _ok(q: dict, a) -> bool:
    if q["answerable"]:
        return a.grounded and any(e in a.text for e in q["expect"])
    return not a.grounded


def test_every_kind_of_question_is_covered():
    kinds = Counter(q["kind"] for q in QUESTIONS)
    for k in ("who/which", "why", "summary", "describe", "statement not quoted", "number not given",
              "date not given", "name not given"):  # fmt: skip
        assert kinds[k] >= 1, k


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q["corpus"] == "shipped"], ids=lambda q: q["id"])
def test_questions_on_the_shipped_article(shipped_bot, article_text, q):
    a = shipped_bot.answer(q["question"])
    assert _ok(q, a), (q["question"], a.text)
    assert all(c.quote in article_text for c in a.citations)  # every quote verbatim


@pytest.fixture(scope="module")
def cdc_bot():
    pack = _pack()
    files = sorted(p.name for p in (pack / "corpus").iterdir() if p.name.startswith("center"))
    corpus = corpus_for(PACK, files, "h2", CACHE / "eval" / PACK.name)
    s = load_settings(cache_dir=CACHE, corpus_dir=corpus, index_dir=CACHE / "eval" / PACK.name / f"index-{corpus.name}")
    return Bot.from_settings(s)


def test_questions_on_the_cdc_pages(cdc_bot):
    qs = [q for q in QUESTIONS if q["corpus"] == "covid-cdc"]
    answers = {q["id"]: cdc_bot.answer(q["question"]) for q in qs}
    answerable_missed = [
        (q["question"], answers[q["id"]].text) for q in qs if q["answerable"] and not _ok(q, answers[q["id"]])
    ]
    assert not answerable_missed
    declined = [q for q in qs if not q["answerable"]]
    wrongly = [(q["question"], answers[q["id"]].text) for q in declined if not _ok(q, answers[q["id"]])]
    assert not wrongly


def test_the_issue_examples_on_the_shipped_article(shipped_bot):
    leaders = shipped_bot.answer("Which European leaders does Zelensky see in London?")
    assert "Macron" in leaders.text and "Merz" in leaders.text
    nato = shipped_bot.answer("How does the article describe NATO?")
    assert "Europe’s largest military alliance" in nato.text
    summary = shipped_bot.answer("Summarise this article in a paragraph.")
    assert summary.grounded and {c.section for c in summary.citations} == {"Summary"}
    putin = shipped_bot.answer("What did Putin say in response to the London talks?")
    assert not putin.grounded and putin.suggestions


@pytest.mark.parametrize(
    "question",
    [
        "How does the article describe NATO?",
        "What is NATO described as in the article?",
        "How is NATO described?",
        "What does the article say about NATO?",
    ],
)
def test_a_describe_question_in_any_of_its_forms(shipped_bot, question):
    """The kind of answer comes from the question's form: the passive with "as", "say about", and a trailing
    "in the article" are the same question as "How does the article describe NATO?"."""
    a = shipped_bot.answer(question)
    assert "Europe’s largest military alliance" in a.text, a.text


def test_what_the_article_says_with_nothing_after_is_its_summary(shipped_bot):
    a = shipped_bot.answer("What does the article say?")
    assert a.grounded and {c.section for c in a.citations} == {"Summary"}


LIST_DOC = """# Library help

## Renewing a loan

You can renew a loan online up to twice. To renew a book:

1. Sign in to your library account.
2. Open the list of your loans.
3. Tick the book and choose Renew.

A reserved book cannot be renewed.

## What you can borrow

Members can borrow these items:

- books, for three weeks
- DVDs, for one week
- magazines, for one week

Rare books stay in the reading room.
"""


LIST_HTML = """<!doctype html><html lang="en"><head><title>Library help</title></head><body><main>
<h1>Library help</h1><h2>Renewing a loan</h2><p>You can renew a loan online up to twice. To renew a book:</p>
<ol><li>Sign in to your library account.</li><li>Open the list of your loans.</li>
<li>Tick the book and choose Renew.</li></ol><p>A reserved book cannot be renewed.</p>
<h2>What you can borrow</h2><p>Members can borrow these items:</p>
<ul><li>books, for three weeks</li><li>DVDs, for one week</li><li>magazines, for one week</li></ul>
<p>Rare books stay in the reading room.</p></main></body></html>"""


def _list_docx() -> bytes:
    import io

    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_heading("Library help", 0)
    d.add_heading("Renewing a loan", 1)
    d.add_paragraph("You can renew a loan online up to twice. To renew a book:")
    for t in ["Sign in to your library account.", "Open the list of your loans.", "Tick the book and choose Renew."]:
        d.add_paragraph(t, style="List Number")
    d.add_paragraph("A reserved book cannot be renewed.")
    d.add_heading("What you can borrow", 1)
    d.add_paragraph("Members can borrow these items:")
    for t in ["books, for three weeks", "DVDs, for one week", "magazines, for one week"]:
        d.add_paragraph(t, style="List Bullet")
    d.add_paragraph("Rare books stay in the reading room.")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_a_list_stays_with_the_sentence_that_introduces_it(tmp_path, fmt):
    """ "To renew a book:" was the whole answer, without its steps; a list item came without what it is a list of.
    Now the lead-in brings its items, in order, numbered steps numbered, and an item brings its lead-in: in
    Markdown, in HTML (<ol>, <ul>) and in Word ("List Number", "List Bullet")."""
    from _support import small_index

    doc = {"md": LIST_DOC, "html": LIST_HTML, "docx": _list_docx() if fmt == "docx" else b""}[fmt]
    bot = Bot.from_settings(small_index(tmp_path, {f"help.{fmt}": doc}), build=False)
    a = bot.answer("How do I renew a book?")
    assert a.text.split("\n\n")[-1].splitlines() == [
        "1. Sign in to your library account. [2]",
        "2. Open the list of your loans. [3]",
        "3. Tick the book and choose Renew. [4]",
    ], a.text
    assert a.text.startswith("To renew a book: [1]") and [c.quote for c in a.citations][0] == "To renew a book:"
    b = bot.answer("What can I borrow?")
    assert b.text.startswith("Members can borrow these items: [1]\n\n- books, for three weeks [2]\n"), b.text
    assert "- magazines, for one week [4]" in b.text


def test_a_question_a_page_asks_twice_is_offered_once(tmp_path):
    """The CDC water page asks "Should wastewater workers take extra precautions…?" twice: a declined question's
    suggestions offered it twice (a browser probe)."""
    from _support import small_index

    page = (
        "# Water FAQ\n\n## Should wastewater workers wear gloves?\n\nYes, they should wear gloves at work.\n\n"
        "## Is tap water safe to drink?\n\nYes, tap water is treated and safe.\n\n"
        "## Should wastewater workers wear gloves?\n\nGloves and goggles protect them from splashes.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"water.md": page}), build=False)
    a = bot.answer("Who won the football world cup in 1954?")
    assert not a.grounded and a.suggestions
    assert len(a.suggestions) == len(set(a.suggestions)), a.suggestions
    assert "Should wastewater workers wear gloves?" in a.suggestions


def test_a_lone_yes_from_another_entry_does_not_answer_a_yes_no_question(tmp_path):
    """A browser probe: after the owner answered "Do students get a discount?" with "Yes. Students … pay half price",
    "Is there parking?" got that "Yes." and its entry. A bare "Yes." / "No." is never the sentence the gate judges;
    the entry it belongs to still gives it to its own question."""
    from _support import small_index

    page = (
        "# Library\n\n## Do students get a discount?\n\nYes. Students with a valid student card pay half price on all "
        "fees.\n\n## When is the library open?\n\nThe library opens at nine on weekdays and at ten on Saturdays.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"library.md": page}), build=False)
    for q in ["Is there parking?", "Is there a cafe?", "Do you have a car park?"]:
        a = bot.answer(q)
        assert not a.grounded, (q, a.text)
    a = bot.answer("Do students get a discount?")
    assert a.grounded and a.text.startswith("Yes. [1] Students with a valid student card"), a.text


def test_a_run_of_link_titles_is_never_quoted_as_an_answer(tmp_path):
    """A browser probe: a follow-up about working while getting benefits was answered "Get Your Social Security
    Benefit Verification Letter Online Your Right To Question The Decision Made On Your Claim", a page's links."""
    from _support import small_index

    from bot.answers.answering import link_labels
    from bot.engine import Bot

    links = "Get Your Social Security Benefit Verification Letter Online Your Right To Question The Decision Made On Your Claim"
    assert link_labels(links)
    assert not link_labels("You can question the decision made on your claim.")
    assert not link_labels("Der Jahresausweis kostet 18 Euro und gilt ein Jahr lang")  # German nouns: prose
    page = (
        "# Retirement\n\nYou can apply for retirement benefits online.\n\n## Additional Information\n\n"
        f"{links}\n\n## Working\n\nYou can work while you receive retirement benefits.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"retirement.md": page}), build=False)
    a = bot.answer("Can I question the decision made on my claim?")
    assert all(c.quote != links for c in a.citations), a.text


def test_a_line_that_is_only_a_web_address_is_never_the_answer(tmp_path):
    """A browser probe on a German library's Markdown page that opens with "<en_url>https://…/en/opening-hours/
    </en_url>" (not HTML to a Markdown reader: its tag name has an underscore): "What's the weather tomorrow?" got
    that line, cited. A line that is a web address and nothing else (a tag around it aside) is no statement to quote."""
    from _support import small_index

    from bot.answers.answering import address_only
    from bot.engine import Bot

    assert address_only("<en_url>https://www.bib.uni-mannheim.de/en/opening-hours/</en_url>")
    assert address_only("www.gov.uk/vehicle-tax") and not address_only("Pay online at https://www.gov.uk/vehicle-tax.")
    page = (
        "<en_url>https://www.bib.uni-mannheim.de/en/opening-hours/</en_url>\n\n# Öffnungszeiten\n\n"
        "Die Bibliothek ist montags bis freitags von 8 bis 23 Uhr geöffnet. Am Wochenende öffnet sie um 10 Uhr.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"zeiten.md": page}), build=False)
    for q in ("What's the weather tomorrow?", "What is the web address?"):
        a = bot.answer(q)
        assert not any("en_url" in c.quote or c.quote.startswith("http") for c in a.citations), (q, a.text)


def test_a_question_for_a_numbered_step_gets_that_step(tmp_path):
    """A browser probe: "Was ist der dritte Schritt bei der Anmeldung aus dem Ausland?" beside a Word procedure of
    five numbered steps got the document's introduction, and "Was ist Schritt 3 im Ablauf?" was declined. A question
    for step n by its number or ordinal (en, de, fr, es) gets the n-th item of the numbered list on the page
    retrieval ranks first, numbered and cited; a step the list doesn't have is not made up."""
    from _support import small_index

    from bot.answers import qtypes
    from bot.engine import Bot

    assert [qtypes.step_asked(t) for t in ("What is the third step?", "Schritt 3", "la deuxième étape",
                                            "el tercer paso", "What was the third album?")] == [3, 3, 2, 3, None]  # fmt: skip
    md = (
        "# Renewing your card\n\nThe card is renewed at the front desk.\n\n1. Fill in the renewal form.\n"
        "2. Bring a photo and your old card.\n3. Pay the fee of 10 euros at the desk.\n4. Collect the card a week "
        "later.\n\nCards expire after five years.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"renew.md": md}), build=False)
    a = bot.answer("What is the third step to renew my card?")
    assert a.text == "3. Pay the fee of 10 euros at the desk. [1]", a.text
    assert a.citations[0].quote == "Pay the fee of 10 euros at the desk."
    b = bot.answer("What is step 2 of renewing the card?")
    assert b.text.startswith("2. Bring a photo and your old card."), b.text
    c = bot.answer("What is the ninth step to renew my card?")
    assert "ninth" not in c.text and not c.text.startswith("9."), c.text


def test_a_pdfs_numbered_steps_keep_their_numbers_and_the_next_one_follows(tmp_path):
    """A browser probe (2026-12-07, tenth session): a PDF's steps "1." to "6." were read as bullets, so "¿cuál es el
    tercer paso…?" got the fourth, and "¿y el siguiente?" was declined. A PDF's numbered item keeps its number, and
    "and the next one?" after a step gets the step after it."""
    import fpdf
    from _support import small_index

    from bot.engine import Bot
    from bot.ingest.documents import read_pdf

    steps = ["Open the browser and go to vpn.example.edu.", "Download the installer for Windows.",
             "Run the installer and accept the defaults.", "Enter vpn.example.edu in the Portal field.",
             "Sign in with your university account.", "Check that the icon shows Connected."]  # fmt: skip
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, "Setting up the VPN on Windows", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "You need the VPN to reach the library databases from home. Follow these steps:")
    for i, step in enumerate(steps, 1):
        pdf.cell(0, 7, f"{i}. {step}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, "The VPN disconnects after eight hours without traffic.")
    raw = bytes(pdf.output())
    assert "3. Run the installer and accept the defaults." in read_pdf(raw).text
    bot = Bot.from_settings(small_index(tmp_path, {"vpn.pdf": raw}), build=False)
    q = "What is the third step to set up the VPN on Windows?"
    a = bot.answer(q)
    assert a.text == "3. Run the installer and accept the defaults. [1]", a.text
    history = [(q, a.text)]
    for n in (4, 5, 6):
        b = bot.answer("and the next one?", history)
        assert b.text == f"{n}. {steps[n - 1]} [1]", (n, b.text)
        history.append(("and the next one?", b.text))


def test_a_code_no_article_has_is_not_answered_with_a_number_beside_it(tmp_path):
    """A browser probe: "¿Cuánto cuesta imprimir en A5?" beside the A4 and A3 prices got "El saldo se recarga… con un
    mínimo de 5 euros". A code the question names (letters, then up to three digits) that no article has is
    something the articles don't cover; one they have is answered."""
    from _support import small_index

    from bot.engine import Bot

    md = (
        "# Printing\n\nPrinting costs 0,05 € for an A4 page and 0,10 € for an A3 page in black and white. Colour "
        "costs three times as much.\n\n## Credit\n\nYou top up your printing credit online, with a minimum of 5 "
        "euros.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"print.md": md}), build=False)
    assert bot.answer("How much does an A3 page cost?").grounded
    a = bot.answer("How much does an A5 page cost?")
    assert not a.grounded, a.text


def test_a_numbered_item_keeps_its_number_and_a_rule_is_asked_by_its_place(tmp_path):
    """A browser probe (a Word document's market rules): "Peut-on vendre des animaux vivants au marché ?" got "1. La
    vente d'animaux vivants est interdite.", the viewer showing it as rule 6; "Quelle est la deuxième règle du
    marché ?" got the introduction. A numbered item is quoted with its place in its list, and "the second rule" is
    asked as "the second step" is."""
    from _support import small_index

    from bot.engine import Bot

    rules = ["Les stands ouvrent à 7 h.", "Les emplacements sont attribués par le placier.",
             "Chaque commerçant présente sa carte.", "Les véhicules quittent la place avant 8 h.",
             "Chaque commerçant nettoie son emplacement.", "La vente d'animaux vivants est interdite."]  # fmt: skip
    md = "# Règlement du marché\n\nLe marché se tient chaque samedi matin.\n\n" + "".join(
        f"{i}. {r}\n" for i, r in enumerate(rules, 1)
    )
    bot = Bot.from_settings(small_index(tmp_path, {"marche.md": md}), build=False)
    a = bot.answer("Peut-on vendre des animaux vivants au marché ?")
    assert a.text == "6. La vente d'animaux vivants est interdite. [1]", a.text
    b = bot.answer("Quelle est la deuxième règle du marché ?")
    assert b.text == "2. Les emplacements sont attribués par le placier. [1]", b.text


NEWSROOM = ROOT / "tests" / "newsroom"


@pytest.fixture(scope="module")
def newsroom_bot(tmp_path_factory):
    from _support import small_index

    files = {p.name: p.read_bytes() for p in NEWSROOM.iterdir() if p.suffix in (".md", ".html")}
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("news"), files), build=False)


@pytest.mark.parametrize(
    "question, source, says",
    [
        # retrieval's first page was the budget article, thick with "said", not the strike article that quotes him
        ("What did Gareth Lloyd say?", "transport-strike-december.md", "Our members kept this city moving"),
        ("What did Nadia Kowalski say?", "transport-strike-december.md", "fair and affordable"),
        # "Dr" was taken for the whole name, which then matched no capitalised word of the quote
        ("What did Dr Albrecht say?", "climate-report-2026.html", "too much water in February"),
        # the speaker named in one sentence ("…defended the increase."), the statement in the next ("…," he said.)
        ("What did Daniel Whitcombe say about the tax increase?", "council-budget-2027.md", "he said"),
    ],
)
def test_what_somebody_said_is_answered_with_their_statement(newsroom_bot, question, source, says):
    """A newsroom probe: "What did X say?" was declined for 7 of 14 people the articles quote."""
    a = newsroom_bot.answer(question)
    assert a.grounded, a.text
    assert a.citations[0].source == source, a.citations
    assert says in a.text, a.text


def test_a_quotation_over_several_sentences_is_given_whole(newsroom_bot):
    """'"These are not abstract numbers. Behind every week of waiting there is somebody in pain…," said Dr Aisha
    Rahman' is indexed as two sentences: the answer gives both, its speaker named at its end."""
    a = newsroom_bot.answer("What did Dr Aisha Rahman say?")
    assert a.grounded, a.text
    assert '"These are not abstract numbers.' in a.text and "said Dr Aisha Rahman" in a.text, a.text


def test_quotations_are_followed_across_sentences():
    from bot.answers.answering import quotations
    from bot.ingest.chunking import Sentence

    def run(*texts, blocks=None):
        return quotations([Sentence(0, 0, t, block=(blocks or [0] * len(texts))[i]) for i, t in enumerate(texts)])

    assert run('"We have too much water.', 'That is the pattern," she said.', "Next.") == [0, 0, 2]
    assert run("„Wir haben verstanden.", "Das ist klar“, sagte sie.") == [0, 0]
    assert run("« Nous avons compris.", "C'est clair », a-t-elle dit.") == [0, 0]
    assert run("“One.", "Two.", "Three,” he said.") == [0, 0, 0]
    assert run('He said "yes".', "Then he left.") == [0, 1]  # closed within its sentence
    assert run('The screen is 15" wide.', "It weighs 2 kg.") == [0, 1]  # never closed: no quotation
    assert run('"Open.', "Other paragraph.", blocks=[0, 1]) == [0, 1]  # a paragraph ends it


def test_a_yes_from_another_entry_names_the_question_it_answers(tmp_path):
    """A probe on a phone operator's help center: "Can I use an eSIM on my Apple Watch?" got "Yes. [1] On most
    iPhones… you can transfer the eSIM…", the entry "Can I move my eSIM to a new phone?", read as a yes to the
    visitor's question. An entry's answer that opens with yes or no names the entry's question when the visitor
    asked in other words; asked in its own words, it does not."""
    from _support import small_index

    md = (
        "# Help\n\n## Can I move my eSIM to a new phone?\n\nYes. On most iPhones and recent Android phones you can "
        "transfer the eSIM directly when you set up the new phone. If that option is not shown, request a new eSIM "
        "QR code in the app.\n\n## How do I pay my bill?\n\nPay by direct debit, card or bank transfer in the app."
        "\n\n## Can I keep my number when I switch to you?\n\nYes. Text PAC to 65075 from your old phone to get a "
        "PAC code, then enter it when you order your SIM.\n\n## What is the annual price rise?\n\nPrices rise by "
        "3.9 percent every April.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"help.md": md}), build=False)
    own = bot.answer("Can I move my eSIM to a new phone?")
    assert own.grounded and own.text.startswith("Yes."), own.text
    a = bot.answer("Can I use an eSIM on my Apple Watch?")
    assert a.grounded, a.text  # (answered: the entry is this corpus's nearest; the lead-in is what is tested)
    assert a.text.startswith("The answer to “Can I move my eSIM to a new phone?”:"), a.text
    de = Bot.from_settings(small_index(tmp_path / "de", {"hilfe.md": md.replace("Yes.", "Ja.")}), build=False)
    b = de.answer("Kann ich meine eSIM auf der Apple Watch nutzen?")
    assert not b.grounded or b.text.startswith("Die Antwort auf „Can I move my eSIM to a new phone?“:"), b.text
