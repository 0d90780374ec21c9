# Builds a PDF and a Word file from endoflife.date's release data (MIT), cell text verbatim.
from docx import Document
from fpdf import FPDF

py_rows = [
    ("3.14", "2025-10-07", "2027-10-01", "2030-10-31", "3.14.7"),
    ("3.13", "2024-10-07", "2026-10-01", "2029-10-31", "3.13.15"),
    ("3.12", "2023-10-02", "2025-04-02", "2028-10-31", "3.12.14"),
    ("3.11", "2022-10-24", "2024-04-01", "2027-10-31", "3.11.16"),
    ("3.10", "2021-10-04", "2023-04-05", "2026-10-31", "3.10.21"),
    ("3.9", "2020-10-05", "2022-05-17", "2025-10-31", "3.9.25"),
    ("3.8", "2019-10-14", "2021-05-03", "2024-10-07", "3.8.20"),
    ("3.7", "2018-06-27", "2020-06-27", "2023-06-27", "3.7.17"),
    ("3.6", "2016-12-23", "2018-12-24", "2021-12-23", "3.6.15"),
]
py_head = ("Release", "Released", "Active support until", "Security support until", "Latest")

pdf = FPDF()
pdf.add_page()
pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
pdf.add_font("DejaVu", "B", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
pdf.set_font("DejaVu", "B", 18)
pdf.cell(0, 12, "Python release support", new_x="LMARGIN", new_y="NEXT")
pdf.set_font("DejaVu", "", 10)
pdf.multi_cell(
    0,
    5,
    "Python versions, the date each was first released, the end of active support "
    "(bug fixes) and of security support, and the latest patch release. "
    "Source: endoflife.date, products/python.md (MIT licence).",
)
pdf.ln(4)
w = (22, 32, 42, 46, 26)
pdf.set_font("DejaVu", "B", 10)
for h, ww in zip(py_head, w):
    pdf.cell(ww, 8, h, border=1)
pdf.ln()
pdf.set_font("DejaVu", "", 10)
for r in py_rows:
    for c, ww in zip(r, w):
        pdf.cell(ww, 7, c, border=1)
    pdf.ln()
pdf.ln(4)
pdf.multi_cell(0, 5, "Versions older than 3.6 are no longer supported.")
pdf.output("/tmp/probe16/corpus/python-release-support.pdf")

node_rows = [
    ("26", "2026-05-05", "2026-10-28", "2027-10-27", "2029-04-30", "26.7.0"),
    ("25", "2025-10-15", "", "2026-04-01", "2026-06-01", "25.9.0"),
    ("24", "2025-05-06", "2025-10-28", "2026-10-20", "2028-04-30", "24.19.0"),
    ("23", "2024-10-16", "", "2025-04-01", "2025-06-01", "23.11.1"),
    ("22", "2024-04-24", "2024-10-29", "2025-10-21", "2027-04-30", "22.23.2"),
    ("21", "2023-10-17", "", "2024-04-01", "2024-06-01", "21.7.3"),
    ("20", "2023-04-18", "2023-10-24", "2024-10-22", "2026-04-30", "20.20.2"),
    ("19", "2022-10-18", "", "2023-04-01", "2023-06-01", "19.9.0"),
    ("18", "2022-04-19", "2022-10-25", "2023-10-18", "2025-04-30", "18.20.8"),
    ("17", "2021-10-19", "", "2022-04-01", "2022-06-01", "17.9.1"),
    ("16", "2021-04-20", "2021-10-26", "2022-10-18", "2023-09-11", "16.20.2"),
    ("15", "2020-10-20", "", "2021-04-01", "2021-06-01", "15.14.0"),
    ("14", "2020-04-21", "2020-10-27", "2021-10-19", "2023-04-30", "14.21.3"),
]
node_head = ("Release", "Released", "LTS from", "Active support until", "Security support until", "Latest")
d = Document()
d.add_heading("Node.js release schedule", 0)
d.add_paragraph(
    "Each Node.js major release, the date it came out, the date it became a long-term "
    "support (LTS) release where it did, and when active and security support end. "
    "Source: endoflife.date, products/nodejs.md (MIT licence)."
)
d.add_heading("Releases", 1)
t = d.add_table(rows=1, cols=len(node_head))
t.style = "Table Grid"
for i, h in enumerate(node_head):
    t.rows[0].cells[i].text = h
for r in node_rows:
    cells = t.add_row().cells
    for i, c in enumerate(r):
        cells[i].text = c
d.add_paragraph("Odd-numbered releases never become LTS releases.")
d.save("/tmp/probe16/corpus/nodejs-release-schedule.docx")
