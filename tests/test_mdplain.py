"""Markdown read as its reader sees it (bot/ingest/mdplain.py): inline mark-up gone, hard-wrapped paragraphs whole,
the block structure and the FAQ parser's bold questions kept; and what that does for answers and the viewer."""

from __future__ import annotations

from pathlib import Path

from bot.ingest.corpus import read_document
from bot.ingest.lang import is_question
from bot.ingest.mdplain import plain


def _plain(text: str) -> str:
    return plain(text, lambda q: is_question(q, "en"))


WRAPPED = (
    "If you are moving abroad, e.g. as a visiting researcher, you keep the right to use our services as long\n"
    "as some connection to a Finnish institution remains. For more details, see the terms of use page for\n"
    "researchers.\n"
)


def test_a_hard_wrapped_paragraph_is_one_paragraph_again():
    assert _plain(WRAPPED) == (
        "If you are moving abroad, e.g. as a visiting researcher, you keep the right to use our services as long "
        "as some connection to a Finnish institution remains. For more details, see the terms of use page for "
        "researchers.\n"
    )


def test_lines_that_end_a_sentence_or_are_short_or_start_a_block_stay_lines():
    text = (
        "Whenever we release a new version of the browser, we write a blog post about it.\n"
        "If you started having issues after an update, check out the blog for a post on it.\n"
        "\n"
        "Opening hours\n"
        "Monday to Friday\n"
        "\n"
        "You can pay with any of the following cards or accounts, as long as they are\n"
        "- Visa or Mastercard\n"
        "- a bank account in the euro area that supports direct debits and transfers\n"
        "  made from abroad\n"
        "## Next heading\n"
        "Text with a hard line break at the end of this line, which must stay a break  \n"
        "here.\n"
    )
    out = _plain(text).split("\n")
    assert out[0].endswith("about it.") and out[1].startswith("If you started")  # closing punctuation: no run-on
    assert out[3:5] == ["Opening hours", "Monday to Friday"]  # short lines
    assert out[6].endswith("as long as they are") and out[7] == "- Visa or Mastercard"  # a list item starts
    # an item's continuation line runs on; a heading never does; a hard break (two spaces) stays
    assert out[8] == "- a bank account in the euro area that supports direct debits and transfers made from abroad"
    assert out[9] == "## Next heading"
    assert out[10].endswith("must stay a break  ") and out[11] == "here."


def test_inline_markup_keeps_only_its_text():
    text = (
        'Run **`pip cache dir`** to see the *cache* folder, then read [the guide](https://example.org/g "Guide") '
        "or [the FAQ][faq] ![logo](img/logo.png) and <https://example.org/help>.\n"
        "Keys <kbd>Ctrl</kbd>+<kbd>C</kbd> copy; a glob like `*.odt` or 2*3*4 and snake_case_names stay; \\*not\\* "
        "emphasis; ~~old~~ new; __strong__ and _em_.\n"
        "\n"
        "[faq]: https://example.org/faq\n"
    )
    out = _plain(text).split("\n")
    assert out[0] == (
        "Run pip cache dir to see the cache folder, then read the guide or the FAQ  and https://example.org/help."
    )
    assert out[1] == (
        "Keys Ctrl+C copy; a glob like *.odt or 2*3*4 and snake_case_names stay; *not* emphasis; old new; strong "
        "and em."
    )
    assert out[3] == ""  # the link reference definition


def test_fenced_code_keeps_its_lines_and_admonition_fences_go():
    text = (
        "Install it with the command below, which works on every Debian-based system we\n"
        "```bash\n"
        "sudo apt install gvfs-bin **not bold** and a very long line that does not end a sentence at all\n"
        "second line\n"
        "```\n"
        "::: tip\n"
        "A tip in **bold**.\n"
        ":::\n"
    )
    assert _plain(text).split("\n") == [
        "Install it with the command below, which works on every Debian-based system we",
        "",
        "    sudo apt install gvfs-bin **not bold** and a very long line that does not end a sentence at all",
        "    second line",
        "",
        "",
        "A tip in bold.",
        "",
        "",
    ]


def test_a_line_that_is_one_inline_code_span_is_a_code_block_of_its_own():
    """Jellyfin's docs: "`cp /PATH/TO/jellyfin.db /PATH/TO/jellyfin.db.bck`" on its own line under a sentence that
    introduces it was read as a sentence of prose, and quoted as the answer to "¿Jellyfin tiene versiones de pago?".
    Inline code inside a sentence, or opening a list item, stays prose."""
    text = (
        "Create a copy of your database before executing:\n"
        "`cp /data/app.db  /data/app.db.bck`\n"
        "Then run `sqlite3` on it.\n"
        "- `docker stop app`\n"
    )
    assert _plain(text).split("\n") == [
        "Create a copy of your database before executing:",
        "",
        "    cp /data/app.db  /data/app.db.bck",
        "",
        "Then run sqlite3 on it.",
        "- docker stop app",
        "",
    ]


def test_a_line_opening_with_a_bold_question_keeps_it_for_the_faq_parser(tmp_path: Path):
    text = (
        "# Help\n\n"
        "**How do I reset my password?** Use the *Forgot password?* link on the\n"
        "[login page](https://example.org/login) and follow the steps in the e-mail.\n\n"
        "- **Windows:** `C:\\Users\\you\\AppData`\n"
    )
    assert _plain(text).split("\n")[2] == (
        "**How do I reset my password?** Use the Forgot password? link on the login page and follow the steps in "
        "the e-mail."
    )
    assert _plain(text).split("\n")[4] == "- Windows: C:\\Users\\you\\AppData"
    f = tmp_path / "help.md"
    f.write_text(text, encoding="utf-8")
    doc = read_document(f, tmp_path)
    entry = [b for b in doc.blocks if b.question]
    assert entry and entry[0].question == "How do I reset my password?"
    said = " ".join(doc.text[s:e] for b in entry for s, e in b.spans)
    assert "Use the Forgot password? link on the login page and follow the steps in the e-mail." in said
    assert "**" not in said and "](" not in said


def test_a_wrapped_faq_answer_is_quoted_whole_without_markup(tmp_path: Path):
    from _support import small_index

    from bot.engine import Bot

    files = {
        "desk.md": (
            "# Service desk FAQ\n\n"
            "## How should I acknowledge the service in a publication?\n\n"
            "A good place is the acknowledgements at the end of the manuscript. A typical\n"
            "statement is: The authors wish to acknowledge the **IT Center for Science**, Finland, for\n"
            "computational resources.\n\n"
            "## How do I change my password?\n\n"
            "Open the [customer portal](https://example.org/portal) and choose `Change password`\n"
            "in the menu of your profile page. The new password works within one hour.\n"
        )
    }
    bot = Bot.from_settings(small_index(tmp_path, files), build=False)
    a = bot.answer("how do i acknowledge the center in my paper")
    assert a.grounded, a.text
    quotes = [c.quote for c in a.citations]
    assert (
        "A typical statement is: The authors wish to acknowledge the IT Center for Science, Finland, for "
        "computational resources."
    ) in quotes, quotes
    b = bot.answer("How can I change my password?")
    assert b.grounded, b.text
    text = " ".join(c.quote for c in b.citations)
    assert "Open the customer portal and choose Change password in the menu of your profile page." in text
    assert "`" not in text and "](" not in text and "**" not in text


def test_front_matter_wiki_links_mail_and_admonitions_as_a_reader_sees_them(tmp_path: Path):
    """A browser probe (2026-12-07) on a makerspace's Obsidian guide and a MkDocs FAQ: "[[Vetting|vetted]]",
    "<directors@protospace.ca>", "Category: recommended / Date: 2000-01-01" and '??? question "Warum…?"' were shown
    raw, and the answer under the admonition was never reached."""
    text = (
        "Category: recommended\nDate: 2000-05-01\n\n"
        "New members get a card once [[Vetting|vetted]]; ask a [[Directors]] or write to <directors@example.org>. "
        "![[card.png]]\n\n"
        '??? question "Warum kann ich nicht zu anderen Zeiten kommen?"\n'
        "    Die Werkstatt ist nur mit Aufsicht geöffnet.\n\n"
        "    Außerhalb der Zeiten ist niemand da.\n\n"
        '!!! info "Hinweis"\n\tBitte Schutzbrille tragen.\n\n'
        "Normaler Text.\n"
    )
    out = _plain(text).split("\n")
    assert out[:3] == ["", "", ""]  # the metadata lines (as many, blank)
    assert out[3] == "New members get a card once vetted; ask a Directors or write to directors@example.org. "
    assert out[5:10] == [
        "**Warum kann ich nicht zu anderen Zeiten kommen?**",
        "Die Werkstatt ist nur mit Aufsicht geöffnet.",
        "",
        "Außerhalb der Zeiten ist niemand da.",
        "",
    ]
    assert out[10:12] == ["Hinweis", "Bitte Schutzbrille tragen."]
    assert _plain("---\ntitle: Member dues\nlayout: page\n---\nDues are $55 a month.\n").split("\n") == [
        "# Member dues",
        "",
        "",
        "",
        "Dues are $55 a month.",
        "",
    ]
    f = tmp_path / "faq.md"
    f.write_text("# FAQ\n\n" + text.split("\n\n", 1)[1], encoding="utf-8")
    doc = read_document(f, tmp_path)
    entry = [b for b in doc.blocks if b.question == "Warum kann ich nicht zu anderen Zeiten kommen?"]
    said = " ".join(doc.text[s:e] for b in entry for s, e in b.spans)
    assert "Die Werkstatt ist nur mit Aufsicht geöffnet." in said and "niemand da" in said, said


def test_a_long_front_matter_goes_too(tmp_path: Path):
    """A blind probe: endoflife.date's pages open with a YAML block of a few hundred lines (their release list);
    past 80 lines it was kept, and "latest: 4.5.5.1" was quoted as an answer."""
    releases = "".join(f'  - releaseCycle: "5.{i}"\n    latest: "5.{i}.4"\n    eol: false\n\n' for i in range(60))
    (tmp_path / "p.md").write_text(
        f"---\ntitle: phpMyAdmin\nreleases:\n{releases}---\n\n> phpMyAdmin is a web tool for MySQL.\n",
        encoding="utf-8",
    )
    doc = read_document(tmp_path / "p.md", tmp_path)
    assert doc.title == "phpMyAdmin" and "releaseCycle" not in doc.text and "latest" not in doc.text, doc.text[:300]
    assert "phpMyAdmin is a web tool for MySQL." in doc.text


JEKYLL = """---
layout: help
title: How do I add or change the authentication method on my account?
---

An authentication method is an additional layer of security for your account.

{: .number-list}

1. Enter your email address at <https://secure.login.gov>.

2. Enter your password.

{% include components/icon-list.html items=page.bring_list size='md' %}

<div class="usa-accordion usa-accordion--bordered margin-y-4">
  <h2 class="usa-accordion__heading">
    <button
      type="button"
      class="usa-accordion__button"
      aria-expanded="false"
      aria-controls="b-a1"
    >
      Can I turn off the second authentication method?
    </button>
  </h2>
  <div id="b-a1" class="usa-accordion__content usa-prose">
    <p>Login.gov does not allow you to turn off two-factor authentication, but you can set up the &ldquo;remember
    browser&rdquo; feature on your browser.</p>
    <ol class="number-list">
      <li>Enter email and password to begin the sign in process.</li>
      <li>Enter the security code and select <strong>Remember this browser</strong>.</li>
    </ol>
  </div>
</div>

<table><tr><th>Method</th><th>Works offline</th></tr><tr><td>Security key</td><td>Yes</td></tr></table>
"""


def test_raw_html_template_tags_and_attribute_lists_read_as_rendered(tmp_path: Path):
    """A browser probe on a Jekyll help centre (Login.gov): answers quoted "<p>", "</button>", 'aria-expanded="false"',
    "{: .number-list}" and a whole "{% include … %}" tag, and the accordions' questions were no FAQ entries. Raw HTML
    blocks read as the Markdown they render as; template tags and attribute lists go."""
    (tmp_path / "auth.md").write_text(JEKYLL, encoding="utf-8")
    doc = read_document(tmp_path / "auth.md", tmp_path)
    for junk in ("<", ">", "{%", "{:", "aria-", "class=", "number-list"):
        assert junk not in doc.text, (junk, doc.text)
    assert "“remember browser” feature on your browser." in doc.text
    entry = [b for b in doc.blocks if b.question == "Can I turn off the second authentication method?"]
    assert entry and "Enter the security code and select Remember this browser." in [
        doc.text[s:e] for b in entry for s, e in b.spans
    ], [(b.kind, b.question, [doc.text[s:e] for s, e in b.spans]) for b in doc.blocks]
    rows = [b for b in doc.blocks if b.headers]  # (the table under the accordion's heading is in its entry)
    assert rows and rows[0].key == "Security key" and rows[0].headers == ["Works offline"], rows


def test_markdown_inside_an_html_block_stays_markdown_and_link_items_go(tmp_path: Path):
    """Hugo's pages wrap Markdown in "<div class="boxed">" … "</div>" with blank lines around it: that Markdown is
    Markdown (its heading a heading, its table a table); a Jekyll accordion's panel with a blank line inside it stays
    one block of HTML; a list item that is one link ("Related articles") is a way elsewhere, not text."""
    page = (
        '# Limits\n\n<div class="boxed">\n\n## New registrations\n\n| Endpoint | Burst |\n| --- | --- |\n'
        '| /acme/new-nonce | 10 |\n\n</div>\n\n<div class="panel">\n  <p>When you reset your password, keep your '
        "key.</p>\n\n    <ol>\n      <li>Sign in.</li>\n    </ol>\n</div>\n\n## Related articles\n\n"
        "* [How do I change my password?](/help/password/)\n* [Authentication methods](/help/auth/)\n"
    )
    (tmp_path / "l.md").write_text(page, encoding="utf-8")
    doc = read_document(tmp_path / "l.md", tmp_path)
    rows = [b for b in doc.blocks if b.headers]
    assert rows and rows[0].key == "/acme/new-nonce" and rows[0].section == "New registrations", doc.text
    assert "1. Sign in." in doc.text or "Sign in." in [doc.text[s:e] for b in doc.blocks for s, e in b.spans]
    assert "<" not in doc.text and "How do I change my password?" not in doc.text, doc.text


def test_inline_html_tags_go_and_their_text_stays(tmp_path: Path):
    """A probe on F-Droid's FAQ: "### Can I run my own F-Droid package repository?<a name="Can_I_run_my_own_app_repo">
    </a>" kept its anchor tag in the entry's question; the tag's words ("Can I run my own app repo") drew unrelated
    "Can I … app" questions to that entry, and the related questions offered showed the tag. Inline HTML goes, its
    text stays; code keeps its angle brackets."""
    text = plain(
        '### Can I run my own repository?<a name="Can_I_run_my_own_app_repo"></a>\n\n'
        'Run `brew pin <formula>` and read <a href="/docs">the docs</a> <img src="i.png" alt="icon">now.'
    )
    assert text.splitlines()[0] == "### Can I run my own repository?", text
    assert "Run brew pin <formula> and read the docs now." in " ".join(text.split()), text


def test_a_pipe_table_without_its_outer_bars_gets_them():
    """GitHub's Markdown reads a pipe table whose lines have no outer bars (gRPC's release schedule: "Release
    |Scheduled Branch Cut|Scheduled Release Date" over "--------|----|----"); it was read as one paragraph of bars
    and dashes. Its lines get the bars; a line with a bar that no rule line follows, and fenced code, stay."""
    text = (
        "# Schedule\n\nRelease |Branch Cut|Release Date\n--------|----|----\nv1.17.0 |Nov 19, 2018 |Dec 4, 2018\n\n"
        "a | b is text\n\n```\nx|y\n--|--\n```\n"
    )
    got = plain(text).splitlines()
    assert "| Release |Branch Cut|Release Date |" in got and "| v1.17.0 |Nov 19, 2018 |Dec 4, 2018 |" in got, got
    assert "| --------|----|---- |" in got and "a | b is text" in got, got
    assert "    x|y" in got and "    --|--" in got, got


def test_underlined_headings_are_headings_and_a_rule_is_no_text(tmp_path: Path):
    """Markdown's other way of writing a heading, a line underlined with "=" or "-", had its underline quoted as a
    sentence and gave no heading (so no FAQ entry for an underlined question); a rule ("---", "* * *") was quoted as
    a sentence of the entry above it. Neither moves inside fenced code, and a table's "---|---" stays its rule."""
    md = (
        "Bike FAQ\n========\n\nHow do I unlock a bike?\n-----------------------\n\nScan the code.\n\n---\n\n"
        "Can I take it on the train?\n---------------------------\n\nYes, outside rush hours.\n\n* * *\n\n"
        "| Plan | Price |\n|---|---|\n| Day | 5 |\n\n```\nTitle\n-----\n***\n```\n"
    )
    assert _plain(md).split("\n")[:2] == ["# Bike FAQ", ""]
    (tmp_path / "bikes.md").write_text(md, encoding="utf-8")
    doc = read_document(tmp_path / "bikes.md", tmp_path)
    texts = [(b.question, doc.text[s:e]) for b in doc.blocks for s, e in b.spans]
    assert ("How do I unlock a bike?", "Scan the code.") in texts
    assert ("Can I take it on the train?", "Yes, outside rush hours.") in texts
    assert not any(t in ("---", "* * *", "========") or t.startswith("----") for _, t in texts[:3]), texts
    assert {"Title", "-----", "***"} <= {t for _, t in texts}, texts  # the code as it was
    assert any(b.kind == "faq" and b.section == "Bike FAQ" for b in doc.blocks)
