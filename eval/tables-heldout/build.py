"""Build the held-out table pack's corpus: the 8 pipe tables (a header row and at least 2 data rows) of the gov.uk
pages in eval/conditionalqa/corpus that the table pack (eval/tables) does not render. Crown copyright, Open
Government Licence v3.0. Each table is written as a small document (the page's title and the table's section as
headings, the sentence that introduces the table, the table) by the table pack's own renderers, imported from
eval/tables/build.py, in one of four formats: Markdown, HTML, Word and PDF. Deterministic:

  python eval/tables-heldout/build.py

Needs python-docx and fpdf2 (both in requirements-test.lock)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("tables_build", HERE.parent / "tables" / "build.py")
tables_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tables_build)
SRC = tables_build.SRC

# (file name here, gov.uk page, which of its tables (0-based), format). Not taken: pay-psa's two tables (one
# data row each).
TABLES = [
    ("wine-duty", "tax-on-shopping", 4, "pdf"),
    ("septic-fees-surface-water", "permits-you-need-for-septic-tanks", 1, "docx"),
    ("directors-loan-tax", "directors-loans", 0, "html"),
    ("first-accounts-registered", "first-company-accounts-and-return", 1, "md"),
    ("first-accounts-not-registered", "first-company-accounts-and-return", 2, "docx"),
    ("corporation-tax-bank-uk", "pay-corporation-tax", 0, "html"),
    ("corporation-tax-bank-overseas", "pay-corporation-tax", 1, "pdf"),
    ("coastguard-areas", "volunteer-as-a-coastguard", 0, "md"),
]


def main() -> None:
    out = HERE / "corpus"
    out.mkdir(exist_ok=True)
    for name, page, n, fmt in TABLES:
        title, section, intro, rows = tables_build.tables_of((SRC / f"{page}.md").read_text(encoding="utf-8"))[n]
        intro = "" if intro.startswith("- ") else intro  # as the table pack: a list item is not an introduction
        width = len(rows[0])
        rows = [(r + [""] * width)[:width] for r in rows]
        # a column empty in every row, header included (the coastguard table's third), is dropped
        keep = [j for j in range(width) if any(r[j] for r in rows)]
        rows = [[r[j] for j in keep] for r in rows]
        getattr(tables_build, f"write_{fmt}")(out / name, title, section, intro, rows)
        print(f"{name}.{fmt}: {len(rows) - 1} rows, {len(keep)} columns")


if __name__ == "__main__":
    main()
