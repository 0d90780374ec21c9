"""Token-aware chunking of Documents."""

from __future__ import annotations

import pytest

from bot.ingest.chunking import chunk_document
from bot.ingest.corpus import parse_text
from bot.ingest.text import sentence_spans
from bot.ingest.tokens import count_tokens

TITLE = "Bridges of Alderby"
SECTION = "History of the Stone Bridge"
SENTENCES = [
    "The river town of Alderby built its first stone bridge in the spring of that year.",
    "Merchants crossed it daily with carts of wool, grain and salted fish.",
    "A flood in the autumn damaged two of the arches near the western bank.",
    "The council raised a small tax on every cart to pay for the repairs.",
    "Masons from the north arrived within a month and finished the work by winter.",
    "Today the bridge still carries foot traffic and a weekly market.",
    "Children race paper boats under the middle arch every summer.",
    "An old toll house at the eastern end is now a small museum.",
]
PARAGRAPHS = [" ".join(SENTENCES[i : i + 2]) for i in range(0, len(SENTENCES), 2)]
LONG_TEXT = (
    f"{TITLE}\n\n{SECTION}\n\n"
    + "\n\n".join(PARAGRAPHS)
    + "\n\nVisiting Hours\n\nThe museum opens at ten on weekdays.\n"
)


def doc_of(text: str, source: str = "alderby.txt"):
    return parse_text(source, text, "sha")


def heading_of(doc, section: str) -> str:
    return doc.title if section == doc.title else f"{doc.title} — {section}"


def test_long_section_is_split_and_keeps_every_sentence_once():
    doc = doc_of(LONG_TEXT)
    assert count_tokens("\n\n".join(PARAGRAPHS)) > 60  # the section does not fit in one chunk
    chunks = chunk_document(doc, max_tokens=60)
    parts = [c for c in chunks if c.section == SECTION]
    assert len(parts) >= 2
    assert all(c.kind == "part" for c in parts)
    got = [s.text for c in parts for s in c.sentences]
    assert got == SENTENCES  # nothing lost, nothing repeated, source order kept
    for c in parts:
        assert c.text == "\n\n".join(p for p in PARAGRAPHS if p in c.text)


def test_every_chunk_within_token_limit():
    doc = doc_of(LONG_TEXT)
    for max_tokens in (60, 80):
        for c in chunk_document(doc, max_tokens=max_tokens):
            assert count_tokens(c.embed_text) <= max_tokens, (max_tokens, c.kind, c.text)


def test_short_paragraph_merge_stays_within_default_limit():
    filler = (
        "Engineers inspected the northern span of the bridge and recorded the width of every crack in the old stone. "
    )
    long = (filler * 19).strip()
    short = (
        "The survey began early on a cold Monday morning in March, led by the county engineer and two "
        "assistants from the university."
    )
    text = f"Bridge Survey Report\n\nInspection Findings\n\n{short}\n\n{long}\n\n{short.replace('Monday', 'Tuesday')}\n"
    chunks = chunk_document(doc_of(text, "survey.txt"), max_tokens=400)
    assert len(chunks) >= 2
    for c in chunks:
        assert count_tokens(c.text) <= 400


def test_heading_counts_towards_the_limit():
    max_tokens = 60
    words = ["Stone", "arches", "carry", "the", "road", "across", "the", "river", "near", "the", "old", "mill"]
    body, i = words[0], 1
    while count_tokens(f"{body} {words[i % len(words)]}.") <= max_tokens:
        body = f"{body} {words[i % len(words)]}"
        i += 1
    body += "."
    assert count_tokens(body) <= max_tokens < count_tokens(f"{TITLE} — {SECTION}\n{body}")
    doc = doc_of(f"{TITLE}\n\n{SECTION}\n\n{body}\n")
    chunks = chunk_document(doc, max_tokens=max_tokens)
    # the sentence fits alone but not behind its heading: it is cut at word boundaries
    assert len(chunks) >= 2
    assert " ".join(c.text for c in chunks) == body
    for c in chunks:
        assert count_tokens(c.embed_text) <= max_tokens


def test_long_paragraph_is_split_by_sentences_within_limit():
    sentence = (
        "Engineers inspected the northern span of the bridge and recorded the width of every crack in the old stone."
    )
    para = " ".join(f"{sentence[:-1]} number {i}." for i in range(30))
    assert count_tokens(para) > 400
    doc = doc_of(f"Bridge Survey Report\n\nInspection Findings\n\n{para}\n")
    chunks = chunk_document(doc, max_tokens=400)
    assert len(chunks) >= 2
    for c in chunks:
        assert count_tokens(c.text) <= 400
        assert c.section == "Inspection Findings"
    assert " ".join(c.text for c in chunks) == para


def test_section_that_fits_stays_whole():
    doc = doc_of(LONG_TEXT)
    chunks = chunk_document(doc, max_tokens=400)
    whole = [c for c in chunks if c.section == SECTION]
    assert len(whole) == 1
    (c,) = whole
    assert c.kind == "section"
    assert c.text == "\n\n".join(PARAGRAPHS)
    assert [s.text for s in c.sentences] == SENTENCES


def test_heading_in_metadata_and_prepended(article_doc):
    chunks = chunk_document(article_doc)
    sections = {b.section for b in article_doc.blocks}
    assert {c.section for c in chunks} == sections
    for c in chunks:
        assert c.title == article_doc.title
        assert c.source == article_doc.source
        assert c.embed_text == f"{heading_of(article_doc, c.section)}\n{c.text}"
    nato = [c for c in chunks if c.section == "The Role of NATO in Supporting Ukraine"]
    assert len(nato) == 1
    assert nato[0].embed_text.startswith(
        "Ukraine Peace Negotiations: Key Leaders Meet in London — The Role of NATO in Supporting Ukraine\n"
    )


def test_shipped_article_chunks_fit_default_limit(article_doc):
    for c in chunk_document(article_doc, max_tokens=400):
        assert count_tokens(c.embed_text) <= 400


def test_faq_pairs_one_chunk_each(article_doc):
    faq_blocks = [b for b in article_doc.blocks if b.kind == "faq"]
    chunks = [c for c in chunk_document(article_doc) if c.kind == "faq"]
    assert len(chunks) == len(faq_blocks) == 10
    for c, b in zip(chunks, faq_blocks):
        answer = " ".join(article_doc.text[s:e] for s, e in b.spans)
        assert c.question == b.question
        assert c.text == f"{b.question}\n{answer}"
        assert c.text.startswith(c.question + "\n")
        # the citable sentences are the answer's, never the question
        assert " ".join(s.text for s in c.sentences) == answer


def test_table_chunk_has_one_key_detail_line_per_row(article_doc):
    rows = [b for b in article_doc.blocks if b.kind == "row"]
    (table,) = [c for c in chunk_document(article_doc) if c.kind == "table"]
    assert table.section == "Key Points"
    lines = table.text.split("\n")
    assert lines == [f"{b.key}: {article_doc.text[b.spans[0][0] : b.spans[0][1]]}" for b in rows]
    assert lines[1] == "US Involvement: The US has been pushing for concessions from Ukraine in ongoing peace talks."


def test_ids_stable_unique_and_content_addressed(article_text):
    a = chunk_document(doc_of(article_text, "article.txt"))
    b = chunk_document(doc_of(article_text, "article.txt"))
    assert [c.id for c in a] == [c.id for c in b]
    assert len({c.id for c in a}) == len(a)
    # the same text under another path gets other ids
    other = chunk_document(doc_of(article_text, "copy/article.txt"))
    assert not {c.id for c in a} & {c.id for c in other}
    # editing one paragraph changes that chunk's id only
    old = "European leaders, including those from Germany and Italy, are wary of sending ground troops"
    assert old in article_text
    edited = chunk_document(doc_of(article_text.replace(old, old.replace("Italy", "Spain")), "article.txt"))
    changed = [(x.section, x.id, y.id) for x, y in zip(a, edited) if x.id != y.id]
    assert len(edited) == len(a)
    assert [s for s, *_ in changed] == ["The Role of NATO in Supporting Ukraine"]


def test_ids_are_the_same_in_another_process(article_doc):
    import json
    import subprocess
    import sys

    from _support import ARTICLE, ROOT

    code = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
        "from bot.ingest.corpus import read_document; from bot.ingest.chunking import chunk_document;"
        "p = Path(sys.argv[2]); print(json.dumps([c.id for c in chunk_document(read_document(p, p.parent))]))"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(ARTICLE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [c.id for c in chunk_document(article_doc)]


def test_duplicate_chunks_get_distinct_ids():
    text = "Title Line\n\nFirst Part\n\nSame words here.\n\nSecond Part\n\nOther words.\n\nFirst Part\n\nSame words here.\n"
    chunks = chunk_document(doc_of(text))
    assert len(chunks) == 3
    assert len({c.id for c in chunks}) == 3


@pytest.mark.parametrize("which", ["article", "synthetic"])
def test_sentences_are_verbatim(which, article_doc):
    doc = article_doc if which == "article" else doc_of(LONG_TEXT)
    chunks = chunk_document(doc, max_tokens=400 if which == "article" else 60)
    n = 0
    for c in chunks:
        assert c.sentences
        assert doc.text[c.start : c.end].startswith(c.sentences[0].text)
        for s in c.sentences:
            assert s.text == doc.text[s.start : s.end]
            assert s.text in c.text
            assert c.start <= s.start < s.end <= c.end
            n += 1
    assert n >= len(chunks)


def test_sentence_spans_do_not_split_abbreviations():
    text = "The U.S. envoy met Mr. Smith in London. Talks resumed on Monday."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "The U.S. envoy met Mr. Smith in London.",
        "Talks resumed on Monday.",
    ]


def test_chunk_round_trips_through_dict(article_doc):
    from bot.ingest.chunking import Chunk

    for c in chunk_document(article_doc):
        assert Chunk.from_dict(c.to_dict()) == c
