"""Help centers in German, French and Spanish: language per document, sentence splitting, keyword matching with the
language's stemmer and stop words, question types, and a German help center answered like an English one."""

from __future__ import annotations

from pathlib import Path

import pytest
from _support import small_index

from bot.answers.qtypes import asks_name, question_type, question_word
from bot.engine import Bot
from bot.evals.faqeval import evaluate_faq
from bot.ingest.corpus import parse_html, parse_text
from bot.ingest.lang import detect, is_question
from bot.ingest.text import sentence_spans, terms
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
HELP_DE = ROOT / "eval" / "help-de"


def split(text: str, lang: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, lang=lang)]


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Die Ausleihe ist kostenlos, aber eine Vormerkung kostet einen Euro.", "de"),
        ("Le prêt est gratuit, mais une réservation coûte un euro.", "fr"),
        ("El préstamo es gratuito, pero una reserva cuesta un euro.", "es"),
        ("Lending is free, but a reservation costs one euro.", "en"),
    ],
)
def test_the_language_of_a_text(text, lang):
    assert detect(text) == lang


def test_a_documents_language_is_told_from_its_prose_not_its_table():
    """A browser probe: an English timetable's place names ("Sutton-on-Sea", "Scopwick & Timberland", "Road") were
    read as Dutch, and its quotes marked "from a page in nl". The prose around the table tells the language."""
    from bot.ingest.corpus import read_document

    folder = ROOT / "eval" / "tables-blind2" / "corpus"
    assert read_document(folder / "sleaford-departures-1922.docx", folder).lang == "en"
    assert parse_text("de.md", "# Öffnungszeiten\n\nDie Bibliothek ist montags bis freitags geöffnet, samstags nur "
                      "vormittags und an Feiertagen nicht.\n", "y", markdown=True).lang == "de"  # fmt: skip


def test_sentences_split_by_the_rules_of_each_language():
    assert split("Am 3. März öffnen wir z.B. schon um 9 Uhr. Bitte kommen Sie pünktlich.", "de") == [
        "Am 3. März öffnen wir z.B. schon um 9 Uhr.",
        "Bitte kommen Sie pünktlich.",
    ]
    assert split("¿Puedo pagar con tarjeta? Sí, la Sra. Pérez lo confirma. ¡Gracias!", "es") == [
        "¿Puedo pagar con tarjeta?",
        "Sí, la Sra. Pérez lo confirma.",
        "¡Gracias!",
    ]
    assert split("Voir p.ex. la page d'aide. Elle est à jour.", "fr") == [
        "Voir p.ex. la page d'aide.",
        "Elle est à jour.",
    ]
    # a browser probe (2026-12-07): a contact table's cells were cut at "stellv." and "M.Sc."
    assert split(
        "Designlabor + stellv. Leitung: Florian Krohm, M.Sc. Sprechstunde im Keller. Bitte anmelden.", "de"
    ) == [
        "Designlabor + stellv. Leitung: Florian Krohm, M.Sc. Sprechstunde im Keller.",
        "Bitte anmelden.",
    ]
    # a probe (2026-12-07, fifth session): a Spanish sentence was cut at "EE. UU.", a quote began "UU., Samoa…"
    assert split("Está disponible en EE. UU., Samoa Americana y Guam. Luego vaya.", "es") == [
        "Está disponible en EE. UU., Samoa Americana y Guam.",
        "Luego vaya.",
    ]
    assert split("She has a Ph.D. From 2019 on she led it. We use node.js. Then we deploy.", "en") == [
        "She has a Ph.D. From 2019 on she led it.",
        "We use node.js.",
        "Then we deploy.",
    ]


def test_keyword_terms_use_the_language_s_stemmer_and_stop_words():
    assert terms("Die Bücher werden verlängert", "de") == ["buch", "verlangert"]
    assert terms("Les livres sont prolongés", "fr") == ["livr", "prolong"]
    assert terms("Los libros se prolongan", "es") == ["libr", "prolong"]
    assert "die" in terms("Can I die from it?", "en")  # an English word, not a German article


@pytest.mark.parametrize(
    "q, kind",
    [
        ("Wie viele Bücher darf ich ausleihen?", "num"),
        ("Wann hat die Bibliothek geöffnet?", "date"),
        ("Wer darf einen Ausweis beantragen?", "person"),
        ("Warum brauche ich einen Ausweis?", "why"),
        ("Combien de livres puis-je emprunter ?", "num"),
        ("Pourquoi faut-il une carte ?", "why"),
        ("¿Cuántos libros puedo tomar prestados?", "num"),
        ("¿Por qué necesito una tarjeta?", "why"),
        ("¿Cuándo abre la biblioteca?", "date"),
        ("Fasse den Artikel zusammen.", "overview"),
        ("Was hat der Bürgermeister dazu gesagt?", "quote"),
    ],
)
def test_question_types_in_other_languages(q, kind):
    assert question_type(q) == kind


@pytest.mark.parametrize(
    "q, lang, word",
    [
        ("In which year did it open?", "en", "which"),
        ("Whose idea was it?", "en", "who"),
        ("Was the treaty signed?", "en", "none"),  # "was" asks nothing in English
        ("Was kostet der Ausweis?", "de", "what"),
        ("Wie lange darf ich ein Buch behalten?", "de", "how"),
        ("Kann ich die Leihfrist verlängern?", "de", "none"),
        ("Qu’est-ce qu’une carte de lecteur ?", "fr", "what"),
        ("Pourquoi faut-il une carte ?", "fr", "why"),
        ("¿Por qué necesito una tarjeta?", "es", "why"),
        ("¿Dónde está la biblioteca?", "es", "where"),
    ],
)
def test_the_question_word_the_abstention_model_reads_in_each_language(q, lang, word):
    assert question_word(q, lang) == word


@pytest.mark.parametrize(
    "q, yes",
    [
        ("What is the name of the CDC Director?", True),
        ("What is the new virus called?", True),
        ("Wie heißt die Leiterin der Bibliothek?", True),
        ("Quel est le nom du directeur ?", True),
        ("¿Cómo se llama el virus?", True),
        ("What was called off?", False),
        ("What is the risk for children?", False),
    ],
)
def test_questions_that_ask_what_something_is_called(q, yes):
    assert asks_name(q) == yes


def test_headings_are_questions_in_every_language():
    assert is_question("Combien coûte la carte ?", "fr") and is_question("¿Cuánto cuesta la tarjeta?", "es")
    assert is_question("Wie bekomme ich einen Ausweis?", "de") and not is_question("Öffnungszeiten", "de")


def test_a_page_that_declares_english_but_is_german_is_read_as_german():
    body = "".join(f"<h2>Frage {i}: Wie lange darf ich Medien ausleihen?</h2><p>Bücher leihen Sie für vier Wochen "
                   "aus. Die Leihfrist kann online verlängert werden, solange niemand das Buch vorgemerkt hat.</p>"
                   for i in range(6))  # fmt: skip
    doc = parse_html("x.html", f"<html lang='en'><body><h1>Hilfe</h1>{body}</body></html>", "x")
    assert doc.lang == "de"


@pytest.fixture(scope="module")
def spanish_bot(tmp_path_factory):
    files = {
        "ayuda.md": "# Ayuda\n\n## ¿Cuánto cuesta el carné de la biblioteca?\n\nEl carné anual cuesta 18 euros. Los "
        "niños no pagan.\n\n## ¿Puedo renovar los préstamos?\n\nSí, puede renovar cada libro tres veces en su "
        "cuenta.\n\n## ¿Hay wifi en la biblioteca?\n\nSí, la red se llama Biblioteca-Invitados y no tiene "
        "contraseña.\n"
    }
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("es"), files), build=False)


def test_a_spanish_help_center_is_indexed_and_answered_in_spanish(spanish_bot):
    assert spanish_bot.index.langs == ["es"]
    hits = spanish_bot.retriever.search("¿renovar préstamos?", 3)
    assert hits[0].bm25 > 0 and "renovar" in hits[0].chunk.text  # Spanish stems: "renovar" matches "renovar"
    a = spanish_bot.answer("¿Cuánto vale el carné?")
    assert a.grounded and "18 euros" in a.text and a.entry["question"] == "¿Cuánto cuesta el carné de la biblioteca?"


def test_the_german_help_center_answers_like_an_english_one(cache_dir):
    r = evaluate_faq(HELP_DE, load_settings(cache_dir=cache_dir), sites=("cdc",), layouts=("details", "markdown"))
    runs = r["runs"]
    # measured: 0.875 of the 24 paraphrases answered from their entry, 0.81 of each entry given
    assert runs["cdc"]["entry_cited"] >= 0.83 and runs["cdc"]["share_given"] >= 0.75, r
    assert abs(runs["cdc-details"]["entry_cited"] - runs["cdc"]["entry_cited"]) <= 0.03
    assert abs(runs["cdc-markdown"]["entry_cited"] - runs["cdc"]["entry_cited"]) <= 0.03


def test_boilerplate_stays_out_of_the_german_page():
    doc = parse_html("x.html", (HELP_DE / "corpus" / "stadtbibliothek-faq.html").read_text(encoding="utf-8"), "x")
    for junk in ("Cookies", "akzeptieren", "Impressum", "teilen", "Veranstaltungen"):
        assert junk not in doc.text, junk


def test_plain_german_text_keeps_its_ordinals_inside_sentences():
    doc = parse_text("t.txt", "Öffnungszeiten\n\nAm 24. Dezember bleibt die Bibliothek geschlossen. Ab dem 2. Januar "
                     "gelten wieder die normalen Zeiten.\n", "x")  # fmt: skip
    assert doc.lang == "de"
    s, e = doc.blocks[0].spans[0]
    assert split(doc.text[s:e], "de")[0] == "Am 24. Dezember bleibt die Bibliothek geschlossen."


def test_when_the_reader_and_the_matcher_name_different_entries_both_are_offered_and_neither_given(tmp_path):
    # the matcher is unsure of its first entry, and the reader quotes a sentence of another one (how to protect a
    # loaned book from damage): two signals, two entries, neither sure. Declined, with both offered
    # (compose.entry_disagrees); the meant entry, "Was passiert, wenn ich ein Buch beschädige oder verliere?",
    # is among them
    page = (HELP_DE / "corpus" / "stadtbibliothek-faq.html").read_bytes()
    bot = Bot.from_settings(small_index(tmp_path, {"stadtbibliothek-faq.html": page}), build=False)
    q = "Mir ist Kaffee über ein Buch gelaufen, was muss ich zahlen?"
    m = bot.composer.matcher.match(bot.retriever.query_vector(q))
    assert m.p < bot.composer.matcher.threshold, m.p  # the matcher alone is unsure
    a = bot.answer(q)
    assert not a.grounded, a.text
    assert m.entry.question in a.suggestions[:2], a.suggestions
    assert "Was passiert, wenn ich ein Buch beschädige oder verliere?" in a.suggestions, a.suggestions
    # with the rule off the reader's sentence is given: the rule is what declines it
    from bot.answers.compose import Composer

    orig = Composer.entry_disagrees
    try:
        Composer.entry_disagrees = lambda self, a, m: None
        b = bot.answer(q)
    finally:
        Composer.entry_disagrees = orig
    assert b.grounded, b.text


def test_a_question_for_a_fact_is_answered_by_the_sentence_that_gives_it_in_whichever_entry(tmp_path):
    # "How many weeks…" asks for a number: any sentence that gives it answers, whichever entry it sits in; the
    # matcher's unsure first entry does not overrule it
    page = (HELP_DE / "corpus" / "stadtbibliothek-faq.html").read_bytes()
    bot = Bot.from_settings(small_index(tmp_path, {"stadtbibliothek-faq.html": page}), build=False)
    a = bot.answer("Wie viele Wochen kann ich ein Buch behalten?")
    assert a.grounded and "Wochen" in a.text, a.text


@pytest.mark.parametrize(
    "q, kind",
    [
        ("and how do I limit how many people join?", "other"),  # a way to limit: a browser probe
        ("How can I check how many days of leave I have?", "other"),
        ("How do I know when my loan is due?", "other"),
        ("Wie kann ich sehen, wie viel ich bezahlt habe?", "other"),
        ("how many people can join?", "num"),
        ("How much does it cost?", "num"),
        ("Can I see how much I paid last year?", "num"),  # the amount, not a way
        ("when is my loan due?", "date"),
    ],
)
def test_a_question_for_a_way_to_do_something_asks_for_the_way(q, kind):
    assert question_type(q) == kind


def test_an_entry_for_a_way_is_given_to_a_question_that_embeds_a_number(tmp_path):
    page = (
        "# Meetings FAQ\n\n## How to limit the number of participants?\n\nSet a maximum in the room settings; "
        "further guests wait in the lobby.\n\n## Can I mute other participants?\n\nThe moderator can mute everyone.\n"
        "\n## How do I record a meeting?\n\nStart the recording from the menu.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"meetings.md": page}), build=False)
    a = bot.answer("how do I limit how many people join?")
    assert a.grounded and "room settings" in a.text, a.text


@pytest.fixture(scope="module")
def library_de(tmp_path_factory):
    from _support import small_index

    from bot.engine import Bot

    page = (HELP_DE / "corpus" / "stadtbibliothek-faq.html").read_text(encoding="utf-8")
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("library_de"), {"faq.html": page}), build=False)


def test_a_question_in_another_language_than_the_page_gets_its_entry(library_de, monkeypatch):
    """An English question on a German FAQ page comes less near its entry than the German wording does (eval/crosslang:
    0.027 lower); the matcher's decision allows for it (faq.OTHER_LANGUAGE). Without the allowance these were
    declined; a German question's decision is the same either way, and a question the page doesn't answer, in
    English, is still declined."""
    from bot.answers import faq

    cases = {
        "What documents do I need to register at the library?": "Personalausweis",
        "Can I return books in the evening when you're closed?": "Rückgabe",
    }
    for q, word in cases.items():
        a = library_de.answer(q)
        assert a.grounded and a.entry and word in a.text, (q, a.text)
    assert not library_de.answer("Can I bring my dog into the library?").grounded
    v = library_de.retriever.query_vector("Wie lange darf ich eine DVD mitnehmen?")
    same = library_de.matcher.match(v, text="Wie lange darf ich eine DVD mitnehmen?").p
    monkeypatch.setattr(faq, "OTHER_LANGUAGE", 0.0)
    for q in cases:
        assert not library_de.answer(q).grounded, q
    assert library_de.matcher.match(v, text="Wie lange darf ich eine DVD mitnehmen?").p == same


def test_an_entry_in_another_language_is_not_overruled_by_prose_that_shares_the_words(tmp_path, monkeypatch):
    """A German library FAQ beside an English page about student loans: "How much does a library card cost?" comes
    nearest the German entry, while keyword search, which can only match English words, ranks the loan page's prose
    first. That prose is no evidence against the entry (Composer.across): the entry's answer is given. Without the
    exemption the loan page was read and the question declined (a browser probe)."""
    from _support import small_index

    from bot.answers.compose import Composer
    from bot.engine import Bot

    page = (HELP_DE / "corpus" / "stadtbibliothek-faq.html").read_text(encoding="utf-8")
    loans = (
        "# Paying for college\n\nHow much a loan costs depends on its interest rate and its fees. A card from your "
        "school may cover some costs, such as books and fees. You can repay your loan over ten years, and you may "
        "change your repayment plan at any time. Contact your loan servicer if you have trouble making payments.\n"
    )
    bot = Bot.from_settings(small_index(tmp_path, {"faq.html": page, "loans.md": loans}), build=False)
    q = "How much does a library card cost?"
    assert bot.retriever.search(q, 5)[0].chunk.source == "loans.md"  # what the rule is about
    a = bot.answer(q)
    assert a.grounded and a.entry and "18 Euro" in a.text, a.text
    monkeypatch.setattr(Composer, "across", lambda self, query, entry: False)
    assert "18 Euro" not in bot.answer(q).text
