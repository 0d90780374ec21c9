"""FAQ entries in every common page layout, each from a small page written for the test; boilerplate left out."""

from __future__ import annotations

import json

import pytest

from bot.ingest.chunking import chunk_document
from bot.ingest.corpus import parse_html, parse_markdown, parse_text, read_document


def entries(doc) -> list[dict]:
    """The document's FAQ entries: question, answer lines (verbatim), anchor, section."""
    out: dict[int, dict] = {}
    for b in doc.blocks:
        if b.entry is None:
            continue
        e = out.setdefault(b.entry, {"q": b.question, "a": [], "anchor": b.anchor, "section": b.section})
        e["a"].append(" ".join(doc.text[s:e2] for s, e2 in b.spans))
    return list(out.values())


def html(body: str, head: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><title>Help centre</title>{head}</head><body>{body}</body></html>'


def assert_verbatim(doc):
    for b in doc.blocks:
        for s, e in b.spans:
            assert doc.text[s:e].strip() == doc.text[s:e] and doc.text[s:e]


def test_question_headings_with_their_whole_answer_lists_and_anchors():
    page = html(
        "<h1>Help centre</h1>"
        "<h2>Accounts</h2>"
        '<h3 id="reset">How do I reset my password?</h3>'
        "<p>Open the sign-in page and choose <a href='/forgot'>Forgot password</a>.</p>"
        "<ul><li>Enter your e-mail address.</li><li>Follow the link we send you.<ul><li>It expires after 24 hours.</li>"
        "</ul></li></ul>"
        "<h4>If the e-mail does not arrive</h4><p>Check your spam folder first.</p>"
        '<section id="delete"><h3>Can I delete my account?</h3><p>Yes. Write to support and we delete it in 30 days.</p>'
        "</section>"
        "<h2>Billing</h2><p>Invoices are sent monthly.</p>"
    )
    doc = parse_html("help.html", page, "x")
    got = entries(doc)
    assert [e["q"] for e in got] == ["How do I reset my password?", "Can I delete my account?"]
    reset = got[0]
    assert reset["anchor"] == "reset" and reset["section"] == "Accounts"
    assert reset["a"] == [
        "Open the sign-in page and choose Forgot password.",
        "Enter your e-mail address.",
        "Follow the link we send you.",
        "It expires after 24 hours.",
        "If the e-mail does not arrive",  # a sub-heading inside the answer stays in it
        "Check your spam folder first.",
    ]
    assert got[1]["anchor"] == "delete"  # the id of the section the heading opens
    billing = [b for b in doc.blocks if b.section == "Billing"]
    assert billing and all(b.entry is None for b in billing)  # a topic heading is a section, not an entry
    items = [b.item for b in doc.blocks if b.entry == 1]
    assert items == [False, True, True, True, False, False]
    assert_verbatim(doc)


def test_details_summary_accordions():
    page = html(
        "<h1>Help centre</h1>"
        '<details id="q-ship"><summary>When will my order ship?</summary><p>Within <b>two</b> working days.</p>'
        "<p>You get a tracking number by e-mail.</p></details>"
        "<details><summary>Shipping costs</summary>Orders over 50 euros ship free.</details>"
    )
    got = entries(parse_html("d.html", page, "x"))
    assert got[0] == {
        "q": "When will my order ship?",
        "a": ["Within two working days.", "You get a tracking number by e-mail."],
        "anchor": "q-ship",
        "section": "Help centre",
    }
    assert got[1]["q"] == "Shipping costs" and got[1]["a"] == ["Orders over 50 euros ship free."]


def test_definition_lists_of_questions_and_glossaries():
    page = html(
        "<h1>Help centre</h1><dl>"
        '<dt id="pay">Which cards do you accept?</dt><dd>Visa and Mastercard.</dd><dd>PayPal too.</dd>'
        "<div><dt>Can I pay by invoice?</dt><dd>Only business customers can.</dd></div>"
        "</dl>"
        "<h2>Glossary</h2><dl><dt>SKU</dt><dd>A stock keeping unit.</dd><dt>RMA</dt><dd>A return number.</dd></dl>"
    )
    doc = parse_html("dl.html", page, "x")
    got = entries(doc)
    assert [(e["q"], e["a"], e["anchor"]) for e in got] == [
        ("Which cards do you accept?", ["Visa and Mastercard.", "PayPal too."], "pay"),
        ("Can I pay by invoice?", ["Only business customers can."], None),
    ]
    rows = [(b.key, doc.text[b.spans[0][0] : b.spans[0][1]]) for b in doc.blocks if b.kind == "row"]
    assert rows == [("SKU", "A stock keeping unit."), ("RMA", "A return number.")]


def test_button_and_panel_accordions():
    page = html(
        "<h1>Help centre</h1>"
        '<div class="accordion">'
        '<h3><button aria-expanded="false" aria-controls="p1" id="b1">How long does delivery take?</button></h3>'
        '<div id="p1" role="region" hidden><p>Three to five days.</p><ul><li>Express: one day.</li></ul></div>'
        '<button aria-controls="p2">Do you ship abroad?</button>'
        '<div id="p2" class="panel" style="display:none">Yes, to the whole EU.</div>'
        '<a href="#p3" data-toggle="collapse">Where is my parcel?</a>'
        '<div id="p3" class="collapse"><p>Use the tracking link in your e-mail.</p></div>'
        "</div>"
    )
    doc = parse_html("acc.html", page, "x")
    got = entries(doc)
    assert [(e["q"], e["a"], e["anchor"]) for e in got] == [
        ("How long does delivery take?", ["Three to five days.", "Express: one day."], "b1"),
        ("Do you ship abroad?", ["Yes, to the whole EU."], "p2"),
        ("Where is my parcel?", ["Use the tracking link in your e-mail."], "p3"),
    ]
    assert doc.text.count("Three to five days.") == 1  # the panel is read once, as its answer


FAQ_LD = {
    "@context": "https://schema.org",
    "@type": "FAQPage",
    "mainEntity": [
        {
            "@type": "Question",
            "name": "How long does delivery take?",
            "acceptedAnswer": {
                "@type": "Answer",
                "text": "<p>Three to five days.</p><ul><li>Express: one day.</li></ul>",
            },
        },
        {
            "@type": "Question",
            "name": "Can I return an item?",
            "url": "https://shop.example/help#returns",
            "acceptedAnswer": {"@type": "Answer", "text": "Yes, within 30 days. Keep the receipt."},
        },
    ],
}


def test_json_ld_faqpage_alone():
    ld = f'<script type="application/ld+json">{json.dumps(FAQ_LD)}</script>'
    doc = parse_html("ld.html", html("<h1>Help centre</h1><p>Questions about your order.</p>", head=ld), "x")
    got = entries(doc)
    assert [(e["q"], e["a"], e["anchor"]) for e in got] == [
        ("How long does delivery take?", ["Three to five days.", "Express: one day."], None),
        ("Can I return an item?", ["Yes, within 30 days. Keep the receipt."], "returns"),
    ]
    assert_verbatim(doc)


def test_json_ld_beside_the_visible_accordion_is_not_doubled():
    ld = f'<script type="application/ld+json">{json.dumps({"@graph": [FAQ_LD]})}</script>'
    body = (
        "<h1>Help centre</h1>"
        '<button aria-controls="a1">How long does delivery take?</button>'
        '<div id="a1" hidden><p>Three to five days.</p><ul><li>Express: one day.</li></ul></div>'
    )
    doc = parse_html("both.html", html(body, head=ld), "x")
    got = entries(doc)
    assert [e["q"] for e in got] == ["How long does delivery take?", "Can I return an item?"]
    assert doc.text.count("Three to five days.") == 1
    # a broken JSON-LD block is skipped, the page still reads
    broken = parse_html("b.html", html(body, head='<script type="application/ld+json">{oops</script>'), "x")
    assert [e["q"] for e in entries(broken)] == ["How long does delivery take?"]


def test_schema_org_microdata():
    body = (
        '<h1>Help centre</h1><div itemscope itemtype="https://schema.org/FAQPage">'
        '<div itemscope itemprop="mainEntity" itemtype="https://schema.org/Question" id="m1">'
        '<h3 itemprop="name">Is there a student discount?</h3>'
        '<div itemscope itemprop="acceptedAnswer" itemtype="https://schema.org/Answer">'
        '<div itemprop="text"><p>Yes: 20 percent with a valid student card.</p></div></div></div></div>'
    )
    got = entries(parse_html("md.html", html(body), "x"))
    assert got == [
        {
            "q": "Is there a student discount?",
            "a": ["Yes: 20 percent with a valid student card."],
            "anchor": "m1",
            "section": "Help centre",
        }
    ]


def test_bold_question_paragraphs():
    body = (
        "<h1>Help centre</h1>"
        "<p><strong>Can I change my order?</strong></p><p>Yes, until it ships.</p><p>Call us to do it.</p>"
        "<p><b>Do you gift-wrap?</b> Only at Christmas.</p>"
        "<p><strong>Note:</strong> prices include VAT.</p>"
    )
    doc = parse_html("bold.html", html(body), "x")
    got = entries(doc)
    assert [(e["q"], e["a"]) for e in got] == [
        ("Can I change my order?", ["Yes, until it ships.", "Call us to do it."]),
        ("Do you gift-wrap?", ["Only at Christmas.", "Note: prices include VAT."]),
    ]


def test_markdown_question_headings_bold_questions_and_q_a_lines():
    md = (
        "# Help centre\n\n"
        "## Orders\n\n"
        "### How do I cancel an order? {#cancel}\n\n"
        "Open *My orders* and press Cancel.\n\n"
        "- It is free before shipping.\n"
        "- After that, send it back.\n\n"
        "### Where is my invoice?\n\n"
        "In your account, under Invoices.\n\n"
        "## Other questions\n\n"
        "**Do you have a shop in Berlin?**\n"
        "Yes, in Mitte.\n\n"
        "Q: Can I pay cash?\n"
        "A: Only in the shop.\n\n"
        "## About us\n\n"
        "We sell books.\n"
    )
    doc = parse_markdown("help.md", md, "x")
    got = entries(doc)
    assert [(e["q"], e["a"], e["anchor"], e["section"]) for e in got] == [
        (
            "How do I cancel an order?",
            ["Open *My orders* and press Cancel.", "It is free before shipping.", "After that, send it back."],
            "cancel",
            "Orders",
        ),
        ("Where is my invoice?", ["In your account, under Invoices."], "where-is-my-invoice", "Orders"),
        ("Do you have a shop in Berlin?", ["Yes, in Mitte."], None, "Other questions"),
        ("Can I pay cash?", ["Only in the shop."], None, "Other questions"),
    ]
    assert [b.entry for b in doc.blocks if b.section == "About us"] == [None]
    assert_verbatim(doc)


def test_plain_text_q_and_a_lines_in_other_languages():
    txt = "Hilfe\n\nFrage: Wie lange dauert der Versand?\nAntwort: Drei bis fünf Werktage.\n\nF: Kann ich bar zahlen?\nA: Nur im Laden.\n"
    doc = parse_text("hilfe.txt", txt, "x")
    assert doc.lang == "de"
    assert [(e["q"], e["a"]) for e in entries(doc)] == [
        ("Wie lange dauert der Versand?", ["Drei bis fünf Werktage."]),
        ("Kann ich bar zahlen?", ["Nur im Laden."]),
    ]


def test_the_shipped_article_keeps_its_ten_faq_entries(article_doc):
    got = entries(article_doc)
    assert len(got) == 10
    assert all(e["section"] == "Frequently Asked Questions" and len(e["a"]) == 1 for e in got)
    assert (
        got[5]["q"]
        == "What security guarantees are being considered for Ukraine in the context of the peace negotiations?"
    )


BOILERPLATE_PAGE = html(
    '<header class="site-header"><a href="/">Logo</a><ul class="menu"><li>Home</li><li>Shop</li></ul></header>'
    '<nav aria-label="Breadcrumb"><a href="/">Home</a> › Help</nav>'
    '<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience.</p>'
    "<button>Accept all</button></div>"
    '<div role="navigation"><a href="/a">Skip to content</a></div>'
    "<main><h1>Help centre</h1>"
    "<h2>How do I track my parcel?</h2><p>Use the link in your shipping e-mail.</p>"
    '<div class="share-buttons"><a>Share on Facebook</a><a>Tweet this</a></div>'
    "<p>Share this page</p>"
    "</main>"
    '<aside class="sidebar"><p>Related articles: Returns, Refunds</p></aside>'
    "<footer><p>© 2026 Example Shop. All rights reserved.</p><p>Imprint | Privacy</p></footer>"
    '<script>var tracking = "do not index me";</script>'
)


def test_navigation_footers_share_and_cookie_text_stay_out():
    doc = parse_html("b.html", BOILERPLATE_PAGE, "x")
    for junk in ("Logo", "Shop", "Breadcrumb", "cookies", "Accept all", "Skip to content", "Facebook", "Tweet",
                 "Share this page", "Related articles", "rights reserved", "Imprint", "tracking"):  # fmt: skip
        assert junk not in doc.text, junk
    assert [(e["q"], e["a"]) for e in entries(doc)] == [
        ("How do I track my parcel?", ["Use the link in your shipping e-mail."])
    ]


def test_a_source_attribution_line_is_not_answer_text():
    page = html("<h1>FAQ</h1><h2>Is there a vaccine?</h2><p>Not yet.</p><p>Source: World Health Organization (WHO)</p>")
    doc = parse_html("s.html", page, "x")
    assert entries(doc) == [{"q": "Is there a vaccine?", "a": ["Not yet."], "anchor": None, "section": "FAQ"}]
    assert "Source:" not in doc.text


def test_a_wrapper_whose_class_sounds_like_boilerplate_is_kept_when_it_holds_the_page():
    body = '<div class="layout has-sidebar"><h1>Help centre</h1>' + "<p>Real content here.</p>" * 20 + "</div>"
    doc = parse_html("w.html", html(body), "x")
    assert "Real content here." in doc.text


def test_the_page_language_comes_from_its_lang_attribute_or_its_words():
    de = html("<h1>Hilfe</h1><h2>Wie lange dauert der Versand?</h2><p>Drei bis fünf Tage.</p>", lang="de-CH")
    assert parse_html("de.html", de, "x").lang == "de"
    fr = "<html><body><h1>Aide</h1><h2>Combien de temps dure la livraison ?</h2><p>Il faut compter trois à cinq jours pour la livraison de votre commande.</p></body></html>"
    doc = parse_html("fr.html", fr, "x")
    assert doc.lang == "fr" and entries(doc)[0]["q"] == "Combien de temps dure la livraison ?"


def test_a_long_entry_is_chunked_in_parts_that_keep_its_question_and_anchor():
    body = "<h1>Help centre</h1><h2 id='long'>What does the warranty cover?</h2>" + "".join(
        f"<p>Clause {i}: the warranty covers part number {i} against defects in material and workmanship for two years.</p>"
        for i in range(40)
    )
    doc = parse_html("w.html", html(body), "x")
    chunks = chunk_document(doc, 200)
    faq = [c for c in chunks if c.kind == "faq"]
    assert len(faq) >= 3
    assert {c.entry for c in faq} == {"w.html#1"} and {c.anchor for c in faq} == {"long"}
    assert all(c.text.startswith("What does the warranty cover?\n") for c in faq)
    text = " ".join(b for c in faq for b, _ in c.blocks())
    assert all(f"Clause {i}:" in text for i in range(40))


def test_hostile_html_is_read_as_text(tmp_path):
    nasty = html(
        "<h1>Help</h1><h2>Is <script>alert(1)</script> safe?</h2><p>&lt;img src=x onerror=alert(1)&gt; is text.</p>"
        + "<div>" * 3000
        + "deep"
        + "</div>" * 3000
    )
    p = tmp_path / "nasty.html"
    p.write_text(nasty, encoding="utf-8")
    doc = read_document(p, tmp_path)
    assert "<img src=x onerror=alert(1)> is text." in doc.text and "alert(1)</script>" not in doc.text


@pytest.mark.parametrize("raw", ["", "   ", "<html></html>", "<!-- only a comment -->"])
def test_an_empty_page_is_refused_by_name(tmp_path, raw):
    p = tmp_path / "empty.html"
    p.write_text(raw, encoding="utf-8")
    with pytest.raises(ValueError, match="no readable text"):
        read_document(p, tmp_path)


def test_labelled_bold_questions_lose_their_q_and_a_labels():
    page = html("<h1>FAQ</h1><p><b>Q: Can I bring my dog?</b><br>A: Only guide dogs are allowed.</p>")
    assert entries(parse_html("p.html", page, "x")) == [
        {"q": "Can I bring my dog?", "a": ["Only guide dogs are allowed."], "anchor": None, "section": "FAQ"}
    ]
    md = parse_markdown("p.md", "# FAQ\n\n**Q: How long does delivery take?**\n\nA: Three to five days.\n", "x")
    assert [(e["q"], e["a"]) for e in entries(md)] == [("How long does delivery take?", ["Three to five days."])]


def test_a_numbered_markdown_list_of_bold_questions():
    md = "# FAQ\n\n1. **How do I pay?**\n   We accept cards.\n2. **Can I cancel?**\n   Yes, before shipping.\n"
    doc = parse_markdown("n.md", md, "x")
    assert [(e["q"], e["a"]) for e in entries(doc)] == [
        ("How do I pay?", ["We accept cards."]),
        ("Can I cancel?", ["Yes, before shipping."]),
    ]
    assert_verbatim(doc)


def test_question_and_answer_tables_become_entries_and_other_tables_stay_rows():
    page = html(
        "<h1>FAQ</h1><table><tr><th>Question</th><th>Answer</th></tr>"
        "<tr><td>When are you open?</td><td>From 9 to 5 on weekdays.</td></tr>"
        "<tr><td>Where are you?</td><td>At 1 Main Street.</td></tr></table><p>Call us any time.</p>"
    )
    got = entries(parse_html("t.html", page, "x"))
    assert [(e["q"], e["a"]) for e in got] == [
        ("When are you open?", ["From 9 to 5 on weekdays."]),
        ("Where are you?", ["At 1 Main Street."]),
    ]  # the paragraph after the table is no part of the last answer
    md = parse_markdown(
        "t.md", "# FAQ\n\n| Question | Answer |\n| --- | --- |\n| Where are you? | At 1 Main Street. |\n", "x"
    )
    assert [(e["q"], e["a"]) for e in entries(md)] == [("Where are you?", ["At 1 Main Street."])]
    prices = parse_markdown("p.md", "# Prices\n\n| Item | Price |\n| --- | --- |\n| Card | 12 euros |\n", "x")
    assert entries(prices) == [] and [b.kind for b in prices.blocks] == ["row"]


def test_a_loose_list_of_short_items_stays_in_its_entry():
    """Short list items with blank lines between them ("- Avoid people who are sick") are items of the answer,
    not headings that would end it."""
    md = (
        "# FAQ\n\n## How can I protect my child?\n\nTeach them what everyone should do.\n\n"
        "- Clean hands often\n\n- Avoid people who are sick\n\nMore on the prevention page.\n\n"
        "## Are children at higher risk?\n\nNo.\n"
    )
    got = entries(parse_markdown("l.md", md, "x"))
    assert got[0]["a"] == [
        "Teach them what everyone should do.",
        "Clean hands often",
        "Avoid people who are sick",
        "More on the prevention page.",
    ]
    plain = parse_text("l.txt", md.replace("## ", "").replace("# ", ""), "x")
    assert [e["a"][1:3] for e in entries(plain)][0] == ["- Clean hands often", "- Avoid people who are sick"]
