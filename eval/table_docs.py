"""The PDF and Word tables the blind table packs' make_docs.py scripts write (eval/tables-blind5..7): a title, a
heading, an introducing sentence, then the table (fpdf2 with DejaVu fonts; python-docx)."""

from docx import Document
from fpdf import FPDF

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_B = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def pdf_table(path, title, heading, intro, head, rows, widths, size=10):
    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", FONT)
    pdf.add_font("DejaVu", "B", FONT_B)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, intro, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", size)
    for h, w in zip(head, widths):
        pdf.cell(w, 7, h, border=1)
    pdf.ln()
    pdf.set_font("DejaVu", "", size)
    for r in rows:
        for c, w in zip(r, widths):
            pdf.cell(w, 6, c, border=1)
        pdf.ln()
    pdf.output(str(path))


def docx_table(path, title, heading, intro, head, rows):
    d = Document()
    d.add_heading(title, 0)
    d.add_heading(heading, 1)
    d.add_paragraph(intro)
    t = d.add_table(rows=1, cols=len(head))
    t.style = "Table Grid"
    for i, h in enumerate(head):
        t.rows[0].cells[i].text = h
    for r in rows:
        cells = t.add_row().cells
        for i, c in enumerate(r):
            cells[i].text = c
    d.save(str(path))
