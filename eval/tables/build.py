"""Build the table pack's corpus: 15 tables from gov.uk pages (the ConditionalQA pack's copies in
eval/conditionalqa/corpus, themselves from gov.uk; Crown copyright, Open Government Licence v3.0), each written
as a small document (the page's title and the table's section as headings, the sentence that introduces the
table, the table) in one of four formats: Markdown, HTML, Word and PDF. Deterministic:

  python eval/tables/build.py

Needs python-docx and fpdf2 (both in requirements-test.lock)."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED = datetime(2026, 12, 6, tzinfo=UTC)
SRC = HERE.parent / "conditionalqa" / "corpus"

# (file name here, gov.uk page, which of its tables (0-based), format)
TABLES = [
    ("redundancy-notification", "staff-redundant", 0, "md"),
    ("redundancy-consultation", "staff-redundant", 1, "html"),
    ("redundancy-notice", "staff-redundant", 2, "docx"),
    ("septic-fees-ground", "permits-you-need-for-septic-tanks", 0, "pdf"),
    ("septic-annual-fees", "permits-you-need-for-septic-tanks", 2, "md"),
    ("foster-allowance", "support-for-foster-parents", 0, "html"),
    ("foster-tax-relief", "support-for-foster-parents", 1, "pdf"),
    ("vat-rates", "tax-on-shopping", 0, "md"),
    ("tobacco-duty", "tax-on-shopping", 1, "pdf"),
    ("beer-duty", "tax-on-shopping", 2, "docx"),
    ("cider-duty", "tax-on-shopping", 3, "html"),
    ("fuel-duty", "tax-on-shopping", 5, "docx"),
    ("honours-orders", "honours", 0, "pdf"),
    ("customs-duty-parcels", "goods-sent-from-abroad", 0, "html"),
    ("first-accounts-example", "first-company-accounts-and-return", 0, "md"),
]


def tables_of(text: str):
    """(title, section, intro sentence, rows) of each pipe table of a page, in order."""
    lines = text.splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    out, section, para, i = [], title, "", 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith("#"):
            section, para = ln.lstrip("#").strip(), ""
        elif ln.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            out.append((title, section, para, rows))
            continue
        elif ln.strip():
            para = ln.strip()
        i += 1
    return out


def write_md(path, title, section, intro, rows):
    body = [f"# {title}", "", f"## {section}", "", intro, ""] if intro else [f"# {title}", "", f"## {section}", ""]
    body += ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    body += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    path.with_suffix(".md").write_text("\n".join(body) + "\n", encoding="utf-8")


def write_html(path, title, section, intro, rows):
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + f'<th scope="row">{e(r[0])}</th>' + "".join(f"<td>{e(c)}</td>" for c in r[1:]) + "</tr>"
        for r in rows[1:]
    )
    doc = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title></head><body><main>'
        f"<h1>{e(title)}</h1><h2>{e(section)}</h2>"
        + (f"<p>{e(intro)}</p>" if intro else "")
        + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></main></body></html>\n"
    )
    path.with_suffix(".html").write_text(doc, encoding="utf-8")


def write_docx(path, title, section, intro, rows):
    import docx

    d = docx.Document()
    d.core_properties.created = d.core_properties.modified = FIXED  # the same file on every build
    d.add_heading(title, 0)
    d.add_heading(section, 1)
    if intro:
        d.add_paragraph(intro)
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            t.cell(i, j).text = c
    buf = io.BytesIO()
    d.save(buf)
    # the zip's entries with a fixed time too: the same bytes on every build
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path.with_suffix(".docx"), "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 12, 6, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, zin.read(info.filename))


def _latin(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")


def write_pdf(path, title, section, intro, rows):
    import fpdf

    pdf = fpdf.FPDF()
    pdf.set_creation_date(FIXED)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 10, _latin(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin(section), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    if intro:
        pdf.multi_cell(0, 6, _latin(intro), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table() as t:
        for r in rows:
            row = t.row()
            for c in r:
                row.cell(_latin(c))
    pdf.output(str(path.with_suffix(".pdf")))


def main() -> None:
    out = HERE / "corpus"
    out.mkdir(exist_ok=True)
    for name, page, n, fmt in TABLES:
        title, section, intro, rows = tables_of((SRC / f"{page}.md").read_text(encoding="utf-8"))[n]
        intro = "" if intro.startswith("- ") else intro  # a list item above the table is not its introduction
        width = len(rows[0])
        rows = [(r + [""] * width)[:width] for r in rows]
        globals()[f"write_{fmt}"](out / name, title, section, intro, rows)
        print(f"{name}.{fmt}: {len(rows) - 1} rows, {width} columns")


if __name__ == "__main__":
    main()
