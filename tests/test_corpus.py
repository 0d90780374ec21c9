"""Parsing articles into Documents: the shipped article, markdown, HTML, and unreadable files."""

from __future__ import annotations

import pytest

from bot.errors import CorpusNotFound
from bot.ingest.corpus import list_files, read_document

EXPECTED_TITLE = "Ukraine Peace Negotiations: Key Leaders Meet in London"
EXPECTED_SECTIONS = [
    "Zelensky’s London Meeting and Its Implications",
    "The Role of NATO in Supporting Ukraine",
    "Challenges in US-Ukraine Peace Talks",
    "Ukraine’s Path Forward Amidst Negotiation Pressures",
    "Regional Security Guarantees: A Necessity for Ukraine",
    "European Leaders Address Concerns Over US Involvement",
    "Zelensky’s Position on Territorial Concessions",
    "Implications of the Zaporizhzhia Nuclear Facility Negotiations",
    "Future Prospects for Ukraine’s Membership in NATO",
    "Summary",
]
KEY_POINTS = {
    "Zelensky’s Meeting": "President Zelensky will meet with European leaders",
    "US Involvement": "The US has been pushing for concessions from Ukraine",
    "Negotiation Challenges": "Tensions exist over territorial concessions",
    "Criticism from Trump": "Trump expressed disappointment",
    "European Leaders’ Role": "European leaders are advocating for a robust plan",
    "Zaporizhzhia Concerns": "Discussions regarding the control of the Zaporizhzhia",
    "Coalition Efforts": "The UK and France are leading discussions",
}
BOILERPLATE = [
    "image fcb39061",
    ".png",
    "Leave a Comment",
    "Your email address will not be published",
    "Required fields are marked",
    "Scroll to Top",
    "Subtotal",
]


def span_texts(doc, block):
    return [doc.text[s:e] for s, e in block.spans]


# --- the shipped article -------------------------------------------------------------------------


def test_title(article_doc):
    assert article_doc.title == EXPECTED_TITLE
    assert article_doc.source == "ukraine-peace-negotiations-london.txt"


def test_section_headings_in_order(article_doc):
    sections = list(dict.fromkeys(b.section for b in article_doc.blocks if b.kind == "paragraph"))
    # The opening paragraphs belong to the title; then every heading of the article, in order.
    assert sections[0] == EXPECTED_TITLE
    assert sections[1:] == EXPECTED_SECTIONS
    assert "The Role of NATO in Supporting Ukraine" in sections


def test_headings_are_not_blocks(article_doc):
    texts = {t for b in article_doc.blocks for t in span_texts(article_doc, b)}
    for heading in [EXPECTED_TITLE, *EXPECTED_SECTIONS, "Frequently Asked Questions", "Key Points Details"]:
        assert heading not in texts


def test_paragraphs_of_a_section(article_doc, article_text):
    nato = [b for b in article_doc.blocks if b.section == "The Role of NATO in Supporting Ukraine"]
    assert len(nato) == 2
    assert all(b.kind == "paragraph" for b in nato)
    assert span_texts(article_doc, nato[0])[0].startswith("As Europe’s largest military alliance, NATO")
    assert span_texts(article_doc, nato[1])[0].startswith("While NATO’s involvement is crucial")


def test_faq_blocks(article_doc, article_text):
    faqs = [b for b in article_doc.blocks if b.kind == "faq"]
    assert len(faqs) == 10
    questions = [b.question for b in faqs]
    assert len(set(questions)) == 10
    assert (
        "What security guarantees are being considered for Ukraine in the context of the peace negotiations?"
        in questions
    )
    assert questions[0] == (
        "What key topics will be discussed in the Ukraine peace negotiations during "
        "Zelensky’s London meeting with European leaders?"
    )
    assert questions[-1] == (
        "How does the ongoing Russia-Ukraine conflict affect international relations, particularly in Europe?"
    )
    for b in faqs:
        assert b.section == "Frequently Asked Questions"
        assert b.question.endswith("?")
        # the answer is the paragraph right after its question line in the file
        start = b.spans[0][0]
        before = article_text[:start].rstrip()
        assert before.endswith(b.question)
        answer = " ".join(span_texts(article_doc, b))
        assert not answer.endswith("?") and len(answer) > len(b.question)


def test_key_points_table_rows(article_doc, article_text):
    rows = [b for b in article_doc.blocks if b.kind == "row"]
    assert [b.key for b in rows] == list(KEY_POINTS)
    lines = article_text.splitlines()
    for b in rows:
        assert b.section == "Key Points"
        ((s, e),) = b.spans
        detail = article_doc.text[s:e]
        assert detail.startswith(KEY_POINTS[b.key])
        assert not detail.startswith(b.key)
        # key + detail is exactly one line of the table in the file
        assert f"{b.key} {detail}" in lines


def test_boilerplate_never_in_blocks(article_doc, article_text):
    for marker in BOILERPLATE:
        assert marker in article_text  # the fixture really contains it...
    for b in article_doc.blocks:
        for t in span_texts(article_doc, b):
            for marker in BOILERPLATE:
                assert marker not in t, (marker, t)
            assert t.strip() != "0"
    # ...and the last real paragraph is the summary
    last = article_doc.blocks[-1]
    assert last.section == "Summary"
    assert span_texts(article_doc, last)[0].startswith("Ukraine peace negotiations are at a critical juncture")


def test_every_span_is_verbatim_text_of_the_file(article_doc, article_text):
    assert article_doc.text == article_text
    n = 0
    for b in article_doc.blocks:
        assert b.spans
        for s, e in b.spans:
            assert 0 <= s < e <= len(article_text)
            t = article_text[s:e]
            assert t == t.strip() and "\n" not in t
            n += 1
    assert n == len(article_doc.blocks)  # the .txt article has one line per block


def test_sha256_of_raw_bytes(article_doc):
    import hashlib

    from _support import ARTICLE

    assert article_doc.sha256 == hashlib.sha256(ARTICLE.read_bytes()).hexdigest()


# --- markdown --------------------------------------------------------------------------------------

MARKDOWN = """# Solar Power Basics

Solar panels turn sunlight into electricity. They work best in direct sun.

## How Panels Work

- Photovoltaic cells absorb photons.
- Electrons flow as a current.

## Costs

| Item | Price |
|------|-------|
| Panel | Two hundred dollars per square metre |
| Inverter | Nine hundred dollars per house |

Leave a Comment
"""


@pytest.fixture
def md_doc(tmp_path):
    (tmp_path / "solar.md").write_text(MARKDOWN, encoding="utf-8")
    return read_document(tmp_path / "solar.md", tmp_path)


def test_markdown_headings(md_doc):
    assert md_doc.title == "Solar Power Basics"
    assert [b.section for b in md_doc.blocks] == [
        "Solar Power Basics",
        "How Panels Work",
        "How Panels Work",
        "Costs",
        "Costs",
    ]
    texts = [t for b in md_doc.blocks for t in span_texts(md_doc, b)]
    assert not any(t.startswith("#") for t in texts)
    assert "Leave a Comment" not in texts


def test_markdown_list_items_lose_their_bullets_and_are_blocks_of_their_own(md_doc):
    items = [b for b in md_doc.blocks if b.section == "How Panels Work"]
    assert [span_texts(md_doc, b) for b in items] == [
        ["Photovoltaic cells absorb photons."],
        ["Electrons flow as a current."],
    ]
    assert all(b.item for b in items)


def test_markdown_pipe_table_becomes_rows(md_doc):
    rows = [b for b in md_doc.blocks if b.kind == "row"]
    assert [b.key for b in rows] == ["Panel", "Inverter"]  # header and separator are not rows
    assert [span_texts(md_doc, b) for b in rows] == [
        ["Two hundred dollars per square metre"],
        ["Nine hundred dollars per house"],
    ]
    assert all(b.section == "Costs" for b in rows)


def test_markdown_faq(tmp_path):
    text = (
        "# Robins\n\nRobins sing.\n\n## FAQ\n\n### Do robins migrate?\n\nMost stay all year.\n\n"
        "**Do robins eat worms?**\n\nYes, they eat worms.\n"
    )
    (tmp_path / "robins.md").write_text(text, encoding="utf-8")
    doc = read_document(tmp_path / "robins.md", tmp_path)
    faqs = [b for b in doc.blocks if b.kind == "faq"]
    assert [(b.question, span_texts(doc, b)) for b in faqs] == [
        ("Do robins migrate?", ["Most stay all year."]),
        ("Do robins eat worms?", ["Yes, they eat worms."]),
    ]
    assert all(b.section == "FAQ" for b in faqs)


def test_a_markdown_heading_needs_no_blank_line_around_it(tmp_path):
    """A browser probe's FAQ page had each answer on the line right under its "## Question?" (as CommonMark allows):
    it got no FAQ entries, and "## Can I take a bike on the train?" was quoted as an answer, its "##" shown. A
    heading right under a paragraph is a heading too; a "#" line of indented code is code."""
    md = (
        "# BikeShare FAQ\n\n## How do I unlock a bike?\nScan the QR code on the handlebar.\nThe lock opens.\n\n"
        "## Can I take a bike on the train?\nYes, outside the rush hours.\n## Is there a helmet?\nNo.\n\n"
        "Some closing words.\n## Contact\nWrite to us.\n\n    # not a heading\n    run this\n"
    )
    (tmp_path / "faq.md").write_text(md, encoding="utf-8")
    doc = read_document(tmp_path / "faq.md", tmp_path)
    faqs = [(b.question, span_texts(doc, b)) for b in doc.blocks if b.kind == "faq"]
    assert faqs[:2] == [
        ("How do I unlock a bike?", ["Scan the QR code on the handlebar.", "The lock opens."]),
        ("Can I take a bike on the train?", ["Yes, outside the rush hours."]),
    ]
    assert faqs[2][0] == "Is there a helmet?" and faqs[2][1][0] == "No."
    assert "Write to us." not in faqs[2][1]  # "## Contact", right under a paragraph, ends that entry
    assert not any("##" in t for b in doc.blocks for t in span_texts(doc, b))
    assert any("# not a heading" in t for b in doc.blocks for t in span_texts(doc, b))


def test_a_short_line_is_text_in_markdown_with_headings_and_after_a_colon(tmp_path):
    """A browser probe: "brew update", on a line of its own after "First update all package definitions and
    Homebrew itself:", became a section heading, and the FAQ entry lost its command ("…itself:" was the answer). In
    Markdown that marks its headings with "#" a short line is text; in plain text a short line after a paragraph
    that ends with ":" is text, and other short lines are still headings."""
    md = (
        "# Homebrew FAQ\n\n## How do I update my local packages?\n\nFirst update all package definitions and "
        "Homebrew itself:\n\nbrew update\n\nUpgrade everything with:\n\nbrew upgrade\n"
    )
    (tmp_path / "brew.md").write_text(md, encoding="utf-8")
    doc = read_document(tmp_path / "brew.md", tmp_path)
    faq = [b for b in doc.blocks if b.kind == "faq"]
    assert [t for b in faq for t in span_texts(doc, b)] == [
        "First update all package definitions and Homebrew itself:",
        "brew update",
        "Upgrade everything with:",
        "brew upgrade",
    ], [(b.kind, b.section, span_texts(doc, b)) for b in doc.blocks]
    txt = "Renewals\n\nTo renew a card, send this line:\n\nRENEW CARD 1234\n\nOpening hours\n\nWe open at nine.\n"
    (tmp_path / "renew.txt").write_text(txt, encoding="utf-8")
    doc = read_document(tmp_path / "renew.txt", tmp_path)
    assert [b.section for b in doc.blocks] == ["Renewals", "Renewals", "Opening hours"], doc.blocks


# --- HTML ------------------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head><title>Page title in head</title><style>.x { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us menu</a></nav>
<h1>Tidal Energy Guide</h1>
<p>Tidal turbines use the rise and fall of the sea. Their output is <b>predictable</b>.</p>
<script>var tracking = "secret script text";</script>
<h2>Advantages</h2>
<ul><li>Tides are predictable for decades.</li><li>Turbines last many years.</li></ul>
<h2>Sites</h2>
<table>
<tr><th>Site</th><th>Capacity</th></tr>
<tr><td>MeyGen</td><td>Six megawatts in Scotland</td></tr>
<tr><td>Sihwa</td><td>Two hundred fifty megawatts in Korea</td></tr>
</table>
<p>Both sites feed the national grid.</p>
<footer>Copyright footer text here</footer>
</body></html>
"""


@pytest.fixture
def html_doc(tmp_path):
    (tmp_path / "tidal.html").write_text(HTML, encoding="utf-8")
    return read_document(tmp_path / "tidal.html", tmp_path)


def test_html_keeps_headings_paragraphs_and_list_items(html_doc):
    assert html_doc.title == "Tidal Energy Guide"
    by_section = {}
    for b in html_doc.blocks:
        by_section.setdefault(b.section, []).extend(span_texts(html_doc, b))
    assert by_section["Tidal Energy Guide"] == [
        "Tidal turbines use the rise and fall of the sea. Their output is predictable."
    ]
    assert by_section["Advantages"] == ["Tides are predictable for decades.", "Turbines last many years."]


def test_html_drops_nav_footer_script_style(html_doc):
    for junk in ("About us menu", "Home", "secret script text", "color: red", "Copyright footer", "Page title in head"):
        assert junk not in html_doc.text


def test_html_table_rows(html_doc):
    rows = [b for b in html_doc.blocks if b.kind == "row"]
    assert [b.key for b in rows] == ["MeyGen", "Sihwa"]
    assert [span_texts(html_doc, b) for b in rows] == [
        ["Six megawatts in Scotland"],
        ["Two hundred fifty megawatts in Korea"],
    ]
    (after,) = [b for b in html_doc.blocks if "national grid" in span_texts(html_doc, b)[0]]
    assert after.section == "Sites"


# --- unreadable files and folders ------------------------------------------------------------------


def test_binary_file_raises_value_error(tmp_path):
    p = tmp_path / "photo.txt"
    p.write_bytes(b"Title\n\nSome text\x00\x01\x02 more")
    with pytest.raises(ValueError, match="binary"):
        read_document(p, tmp_path)


def test_non_utf8_file_raises_value_error(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Café Culture\n\nThe café serves crème brûlée every day.\n".encode("latin-1"))
    with pytest.raises(ValueError, match="UTF-8"):
        read_document(p, tmp_path)


def test_file_with_only_boilerplate_raises_value_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("Leave a Comment\n\nScroll to Top\n0\n\nSubtotal\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_document(p, tmp_path)


def test_utf8_bom_and_crlf(tmp_path):
    p = tmp_path / "birds.txt"
    p.write_bytes("\ufeffGarden Birds\r\n\r\nRobins sing through the winter.\r\nThey defend territories.\r\n".encode())
    doc = read_document(p, tmp_path)
    assert doc.title == "Garden Birds"
    assert [span_texts(doc, b) for b in doc.blocks] == [["Robins sing through the winter.", "They defend territories."]]


def test_list_files_missing_folder(tmp_path):
    missing = tmp_path / "no-such-corpus"
    with pytest.raises(CorpusNotFound) as e:
        list_files(missing)
    assert isinstance(e.value, ValueError)
    assert str(missing) in str(e.value)


def test_list_files_recursive_hidden_and_suffixes(tmp_path):
    for name in [
        "a.txt",
        "sub/b.md",
        "sub/deeper/c.html",
        "sub/D.HTM",
        ".hidden.txt",
        ".git/e.txt",
        "sub/.secret/f.md",
        "notes.pdf",
        "report.DOCX",
        "data.json",
        "old.doc",
    ]:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("Title\n\nText.\n", encoding="utf-8")
    got = [p.relative_to(tmp_path).as_posix() for p in list_files(tmp_path)]
    assert got == ["a.txt", "notes.pdf", "report.DOCX", "sub/D.HTM", "sub/b.md", "sub/deeper/c.html"]


def test_source_is_relative_posix_path(tmp_path):
    p = tmp_path / "sub" / "deeper" / "c.txt"
    p.parent.mkdir(parents=True)
    p.write_text("Title Here\n\nSome text in a nested file.\n", encoding="utf-8")
    assert read_document(p, tmp_path).source == "sub/deeper/c.txt"


def test_a_links_screen_reader_label_for_its_icon_is_left_out(tmp_path):
    """CDC pages: <a>best practice<span class="sr-only">external icon</span></a> read "best practiceexternal icon".
    The label inside a link goes; screen-reader text outside links (a hidden heading) stays."""
    (tmp_path / "p.html").write_text(
        "<html><body><main><h1>Naming</h1><p>Follow the <a href='https://who.int/x'>best practice"
        "<span class='sr-only'>external icon</span></a> for names.</p>"
        "<h2 class='visually-hidden'>Contact</h2><p>Write to the <a href='/f.pdf'>form<span class='visually-hidden'>"
        " (PDF, opens in a new window)</span></a> desk.</p></main></body></html>",
        encoding="utf-8",
    )
    doc = read_document(tmp_path / "p.html", tmp_path)
    assert "Follow the best practice for names." in doc.text
    assert "Write to the form desk." in doc.text
    assert "icon" not in doc.text and "PDF" not in doc.text
    assert "Contact" in doc.text


def test_labels_side_by_side_are_not_glued_into_one_word(tmp_path):
    """A browser probe on a German makerspace's MkDocs page: its tabs' labels, side by side with nothing between
    them, were read "Über michKontaktHintergrund"."""
    (tmp_path / "p.html").write_text(
        "<html lang='de'><body><main><h1>Digitallabor</h1><p>Hier findest Du alles zum Löten.</p>"
        "<div class='tabbed-set'><input id='t1' name='t' type='radio'><input id='t2' name='t' type='radio'>"
        "<div class='tabbed-labels'><label for='t1'>Über mich</label><label for='t2'>Kontakt</label></div>"
        "<div class='tabbed-content'><div class='tabbed-block'><p>Ich bin Tim.</p></div>"
        "<div class='tabbed-block'><p>Schreib uns eine E-Mail.</p></div></div></div></main></body></html>",
        encoding="utf-8",
    )
    doc = read_document(tmp_path / "p.html", tmp_path)
    assert "michKontakt" not in doc.text and "Über mich" in doc.text and "Kontakt" in doc.text, doc.text


def test_a_statement_heading_among_question_headings_is_an_entry(tmp_path):
    """A new-visitor probe on two real help-center FAQs (2026-12-07): "### Disk quota exceeded" among question
    headings of its level closed the entry before it, its answer was no entry, and it became the section of the
    questions after it (their citations were labelled with it)."""
    faq = (
        "# Service desk FAQ\n\n## General\n\n### How do I get started?\n\nRead the getting started guide first.\n\n"
        "### How to cite us in a paper\n\nUse the acknowledgement text from our website.\n\n"
        "### Disk quota exceeded\n\nDelete old files or ask for more quota in the customer portal.\n\n"
        "### Can I use the service from abroad?\n\nYes, as long as you work with a Finnish university.\n\n"
        "### Why is my batch job queuing so long?\n\nThe queue depends on the resources you ask for.\n\n"
        "## Accounts\n\n### Password reset\n\nUse the portal's reset link.\n"
    )
    (tmp_path / "faq.md").write_text(faq, encoding="utf-8")
    doc = read_document(tmp_path / "faq.md", tmp_path)
    questions = {b.question: b.section for b in doc.blocks if b.question}
    assert "Disk quota exceeded" in questions and "How to cite us in a paper" in questions, questions
    assert questions["Can I use the service from abroad?"] == "General"
    # one heading under "Accounts": a group of one statement, no entry
    assert "Password reset" not in questions
    # an article whose headings are mostly statements keeps them as sections
    article = (
        "# Annual report\n\n## Our year\n\nWe grew.\n\n## What changed?\n\nThe board.\n\n## Finances\n\nStable.\n\n"
        "## Who are we?\n\nA team.\n\n## Outlook\n\nGood.\n\n## Why it matters?\n\nBecause.\n"
    )
    (tmp_path / "report.md").write_text(article, encoding="utf-8")
    doc = read_document(tmp_path / "report.md", tmp_path)
    assert not any(b.question in ("Our year", "Finances", "Outlook") for b in doc.blocks)


def test_a_title_from_a_file_name_opens_with_a_capital(tmp_path):
    """A browser probe (2026-12-07): a page without a heading was offered as "What do the articles say about
    protospace member dues?"."""
    (tmp_path / "protospace-member-dues.md").write_text("Dues are $55 a month for regular members.\n", encoding="utf-8")
    assert read_document(tmp_path / "protospace-member-dues.md", tmp_path).title == "Protospace member dues"


def test_a_contents_list_goes_and_source_newlines_are_white_space(tmp_path):
    """A probe on a help centre published as one HTML page (Delta Chat's): its contents list (items that are nothing
    but links to the page's own headings) was quoted as answers ("- Create a channel [1]" for "how do I create a
    group"), a paragraph written over several source lines was cited line by line ("change the group name or avatar,
    [1] add or remove members, [2]"), and a table cell's "C=US,<br>O=ISRG" read "C=US,O=ISRG"."""
    (tmp_path / "help.html").write_text(
        "<html lang='en'><body><ul id='top'><li><a href='#groups'>Groups</a><ul><li><a href='#create'>Create a "
        "group</a></li><li><a href='#leave'>Leave a group</a></li></ul></li><li><a href='#calls'>Calls</a></li>"
        "<li><a href='#faq'>FAQ</a></li></ul><h1>Help</h1><h2 id='groups'>Groups</h2><p>Anyone can\nchange the "
        "group name or avatar,\n<a href='#add'>add or remove members</a>,\nand delete their own messages.</p>"
        "<p>First line<br>second line.</p><table><tr><th>CA</th><th>Name</th></tr><tr><td>Root</td>"
        "<td>C=US,<br>O=ISRG</td></tr></table><ul><li><a href='#a'>Not</a> a contents item, a sentence.</li>"
        "<li>Two</li><li>Three</li></ul></body></html>",
        encoding="utf-8",
    )
    doc = read_document(tmp_path / "help.html", tmp_path)
    spans = [doc.text[s:e] for b in doc.blocks for s, e in b.spans]
    assert "Create a group" not in doc.text and "Leave a group" not in doc.text, doc.text
    assert (
        "Anyone can change the group name or avatar, add or remove members, and delete their own messages." in spans
    ), spans
    assert "First line" in spans and "second line." in spans, spans  # a <br> still breaks the line
    assert "C=US, O=ISRG" in spans, spans
    assert "Not a contents item, a sentence." in spans, spans


UNINSTALL = """# Troubleshooting

## Uninstalling on macOS

To fully remove all data from macOS, run these commands:

```bash
rm -Rfv ~/.config/player
rm -Rfv ~/.cache/player
```

## Live TV

Live TV needs a tuner card or a network tuner. Add the tuner in the dashboard under Live TV.

1. Stop the server first.

       sudo systemctl stop player

2. Copy the data folder.
"""


def test_a_code_blocks_lines_are_code_not_prose(tmp_path):
    """A fenced (or indented) code block's lines are marked as code (chunking.Sentence.code): kept and quotable,
    but not sentences of prose; prose around them, and a list item's text, is not code."""
    from bot.ingest.chunking import chunk_document

    (tmp_path / "t.md").write_text(UNINSTALL, encoding="utf-8")
    doc = read_document(tmp_path / "t.md", tmp_path)
    sents = [s for c in chunk_document(doc) for s in c.sentences]
    code = {s.text for s in sents if s.code}
    assert code == {"rm -Rfv ~/.config/player", "rm -Rfv ~/.cache/player", "sudo systemctl stop player"}
    prose = {s.text for s in sents if not s.code}
    assert "To fully remove all data from macOS, run these commands:" in prose
    assert "Stop the server first." in prose and "Copy the data folder." in prose


def test_a_line_of_code_is_never_the_answer_but_comes_with_its_introduction(tmp_path):
    """The reader never picks a code line as the sentence that answers (a probe on Jellyfin's docs: "Can I watch
    live TV with a TV tuner?" got "rm -Rfv ~/.cache/jellyfin"); asked how to do what it does, the sentence that
    introduces it is the answer and brings it."""
    from _support import small_index

    from bot.engine import Bot

    bot = Bot.from_settings(small_index(tmp_path, {"t.md": UNINSTALL}), build=False)
    a = bot.answer("How do I remove all data on my Mac?")
    assert a.grounded and a.text.startswith("To fully remove all data from macOS, run these commands:"), a.text
    assert "rm -Rfv ~/.cache/player" in a.text
    for q in ("Can I watch live TV with a TV tuner?", "Which folder holds the cache?"):
        a = bot.answer(q)
        assert not (a.citations and a.citations[0].quote.startswith("rm -Rfv")), (q, a.text)
