"""PDF and Word files in the corpus (bot/ingest/documents.py): real files made for the test (fpdf2, python-docx), read
in reading order with headings as sections and table rows as rows; a PDF citation names its page. A scanned,
an encrypted and a corrupt file are each reported by name with the reason, and nothing else is affected."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from _support import CACHE_DIR

from bot.engine import Bot, ingest
from bot.ingest.corpus import read_document
from bot.settings import load_settings

fpdf = pytest.importorskip("fpdf")
docx = pytest.importorskip("docx")

BORROW = (
    "Members may borrow up to twelve books at a time. Loans last three weeks and can be renewed twice, online "
    "or at the front desk, unless another member has reserved the book."
)
FINES = "Overdue books cost 20 cents a day. The fine for one book is capped at five euros."
HOURS = "The library opens at nine on weekdays and at ten on Saturdays. It is closed on Sundays and public holidays."
WIFI = "Visitors can use the wireless network for free. The password is printed on every library card."


def make_pdf(path: Path, encrypt: str | None = None) -> Path:
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(True, 20)

    def footer():
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(0, 10, f"City Library handbook - page {pdf.page_no()}", align="C")

    pdf.footer = footer
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.cell(0, 14, "City Library Handbook", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, "Borrowing", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, BORROW)
    pdf.ln(4)
    pdf.multi_cell(0, 6, FINES)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, "Loan periods", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    with pdf.table() as t:
        for row in [
            ("Item", "Loan period"),
            ("Books", "Three weeks"),
            ("Audio books", "Two weeks"),
            ("DVDs", "Seven days"),
        ]:
            r = t.row()
            for c in row:
                r.cell(c)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, "Opening hours", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, HOURS)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 10, "Internet access", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, WIFI)
    if encrypt is not None:
        pdf.set_encryption(owner_password="owner", user_password=encrypt)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path) -> Path:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 300), "white")
    ImageDraw.Draw(img).text((20, 20), "Parking costs two euros an hour.", fill="black")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=180)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_heading("Swimming Pool Guide", 0)
    d.add_heading("Courses", level=1)
    d.add_paragraph("The pool runs swimming courses for children from the age of four, every Saturday morning.")
    d.add_paragraph("Bring a towel and a padlock for the lockers.", style="List Bullet")
    d.add_paragraph("Swimming caps are required for long hair.", style="List Bullet")
    d.add_heading("Prices", level=1)
    t = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate(
        [("Ticket", "Price"), ("Adult ticket", "Six euros per visit"), ("Child ticket", "Three euros per visit")]
    ):
        t.cell(r, 0).text, t.cell(r, 1).text = a, b
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs")
    corpus = root / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "handbook.pdf")
    make_pdf(corpus / "locked.pdf", encrypt="secret")
    make_pdf(corpus / "owner-only.pdf", encrypt="")  # "encrypted" with an empty user password: readable
    make_scanned_pdf(corpus / "scanned.pdf")
    make_docx(corpus / "pool.docx")
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20)
    (corpus / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip archive" * 10)
    (corpus / "notes.md").write_text("# Notes\n\nThe reading room is on the second floor.\n", encoding="utf-8")
    s = load_settings(corpus_dir=corpus, index_dir=root / "index", cache_dir=CACHE_DIR)
    report = ingest(s)
    return s, report, Bot.from_settings(s, build=False)


def test_pdf_text_in_reading_order_with_headings_tables_and_pages(library, tmp_path):
    s, *_ = library
    doc = read_document(s.corpus_dir / "handbook.pdf", s.corpus_dir)
    assert doc.title == "City Library Handbook"
    assert [p for _, p in doc.pages] == [1, 2, 3]
    assert "page 1" not in doc.text.lower() and "handbook - page" not in doc.text  # the running footer is out
    sections = {b.section for b in doc.blocks}
    assert {"Borrowing", "Loan periods", "Opening hours", "Internet access"} <= sections
    rows = {b.key: doc.text[b.spans[0][0] : b.spans[0][1]] for b in doc.blocks if b.kind == "row"}
    assert rows == {"Books": "Three weeks", "Audio books": "Two weeks", "DVDs": "Seven days"}
    assert doc.text.index("Members may borrow") < doc.text.index("Overdue books") < doc.text.index("opens at nine")
    assert BORROW in doc.text and FINES in doc.text  # wrapped lines joined back into their paragraph


@pytest.mark.parametrize(
    ("question", "quote_has", "page", "section"),
    [
        ("How much does an overdue book cost?", "20 cents a day", 1, "Borrowing"),
        ("When does the library open on Saturdays?", "ten on Saturdays", 2, "Opening hours"),
        ("Can visitors use the wireless network?", "wireless network", 3, "Internet access"),
        ("How long can I borrow an audio book?", "Two weeks", 1, "Loan periods"),
    ],
)
def test_pdf_answers_cite_page_and_section(library, question, quote_has, page, section):
    _, _, bot = library
    a = bot.answer(question)
    assert a.grounded, a.text
    hits = [c for c in a.citations if quote_has in c.quote]
    assert hits, (a.text, a.citations)
    c = hits[0]
    assert c.source in ("handbook.pdf", "owner-only.pdf") and c.page == page and c.section == section, c
    assert json.loads(json.dumps(a.to_dict()))["citations"][0]["page"] in (1, 2, 3)


def test_word_document_headings_lists_and_tables(library):
    s, _, bot = library
    doc = read_document(s.corpus_dir / "pool.docx", s.corpus_dir)
    assert doc.title == "Swimming Pool Guide" and doc.pages is None
    assert {b.section for b in doc.blocks} == {"Courses", "Prices"}
    items = [doc.text[b.spans[0][0] : b.spans[0][1]] for b in doc.blocks if b.item]
    assert items == ["Bring a towel and a padlock for the lockers.", "Swimming caps are required for long hair."]
    rows = {b.key: doc.text[b.spans[0][0] : b.spans[0][1]] for b in doc.blocks if b.kind == "row"}
    assert rows == {"Adult ticket": "Six euros per visit", "Child ticket": "Three euros per visit"}
    a = bot.answer("How much is a child ticket for the pool?")
    assert a.grounded and any("Three euros" in c.quote and c.source == "pool.docx" for c in a.citations), a.text
    assert all(c.page is None for c in a.citations if c.source == "pool.docx")


def test_scanned_encrypted_and_corrupt_files_are_named_with_the_reason(library):
    _, report, bot = library
    failed = report.failed
    assert set(failed) == {"locked.pdf", "scanned.pdf", "broken.pdf", "broken.docx"}, failed
    assert "no text layer" in failed["scanned.pdf"] and "OCR" in failed["scanned.pdf"]
    assert "encrypted" in failed["locked.pdf"] and "password" in failed["locked.pdf"]
    assert "not a readable PDF" in failed["broken.pdf"]
    assert "not a readable Word document" in failed["broken.docx"]
    # nothing else was affected
    assert {c.source for c in bot.index.chunks} == {"handbook.pdf", "owner-only.pdf", "pool.docx", "notes.md"}
    assert bot.retrieve("Where is the reading room?")[0].chunk.source == "notes.md"


def test_a_two_column_pdf_is_read_column_by_column(tmp_path):
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    cols = pdf.text_columns(ncols=2, gutter=10)
    with cols:
        for i in range(40):
            cols.write(
                f"Paragraph {i} begins here and tells of ferry number {i}, which sails at {i % 12 + 1} o'clock. "
            )
            cols.ln()
            cols.ln()
    pdf.output(str(tmp_path / "cols.pdf"))
    doc = read_document(tmp_path / "cols.pdf", tmp_path)
    paras = [doc.text[b.spans[0][0] : b.spans[-1][1]] for b in doc.blocks]
    numbers = [int(n) for p in paras for n in re.findall(r"Paragraph (\d+)", p)]
    assert numbers == list(range(40)), numbers  # the left column, then the right one, not line by line across
    assert sum(1 for p in paras if p.startswith("Paragraph")) >= 35  # and paragraph by paragraph
    assert any(p == "Paragraph 30 begins here and tells of ferry number 30, which sails at 7 o'clock." for p in paras)


def test_a_pdf_heading_that_wraps_is_one_heading():
    """A newsroom probe: a PDF article's title over two lines ("Court annuls Millbrook quarry permit over groundwater"
    / "risk") became a title and a section "risk", cited as "§risk". A heading's next line at the same size, right
    under it, goes on with it."""
    from bot.ingest.documents import read_pdf

    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 22)
    pdf.multi_cell(100, 10, "Court annuls Millbrook quarry permit over groundwater risk")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "The Regional Administrative Court has annulled the permit. " * 6)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "What happens next", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, "The company may appeal within 30 days. " * 4)
    text = read_pdf(bytes(pdf.output())).text
    assert "# Court annuls Millbrook quarry permit over groundwater risk\n" in text, text[:300]
    assert "## What happens next\n" in text or "# What happens next\n" in text, text
