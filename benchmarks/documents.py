"""PDF and Word text extraction: pages (paragraphs) per second through bot/ingest/documents.py, and the ingest of those
files beside it (bounded by the embedder, as for any article).

    python3 benchmarks/documents.py [--pages 120] [--repeat 3] [--json PATH]

The files are made here (fpdf2, python-docx, both test dependencies): a handbook of `--pages` pages with
headings, wrapped paragraphs, a table on every fifth page and a running footer; a .docx with the same text.
Extraction is timed alone (median of --repeat runs), then one ingest of both into a fresh index with the
packaged embedder (a fresh embedding cache, so every text is embedded).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import _common as C

WORDS = (
    "library member loan book card renew reserve desk opening hours weekday holiday fine overdue return shelf "
    "catalogue reading room quiet study group print copy scan wireless network password account online form"
).split()


def sentence(rng: random.Random) -> str:
    w = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(w).capitalize() + "."


def make_files(folder: Path, pages: int, seed: int = 0) -> tuple[Path, Path]:
    import docx
    import fpdf

    rng = random.Random(seed)
    pdf = fpdf.FPDF()
    pdf.set_auto_page_break(True, 20)

    def footer():
        pdf.set_y(-15)
        pdf.set_font("Helvetica", "", 8)
        pdf.cell(0, 10, f"Handbook - page {pdf.page_no()}", align="C")

    pdf.footer = footer
    d = docx.Document()
    for p in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 15)
        title = f"Chapter {p + 1}: " + " ".join(rng.choice(WORDS) for _ in range(3))
        pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        d.add_heading(title, level=1)
        pdf.set_font("Helvetica", "", 11)
        for _ in range(4):
            para = " ".join(sentence(rng) for _ in range(4))
            pdf.multi_cell(0, 6, para)
            pdf.ln(3)
            d.add_paragraph(para)
        if p % 5 == 4:
            rows = [("Item", "Detail")] + [(rng.choice(WORDS).title(), sentence(rng)) for _ in range(4)]
            with pdf.table() as t:
                for row in rows:
                    r = t.row()
                    for c in row:
                        r.cell(c)
            tb = d.add_table(rows=len(rows), cols=2)
            for i, (a, b) in enumerate(rows):
                tb.cell(i, 0).text, tb.cell(i, 1).text = a, b
    pdf_path, docx_path = folder / "handbook.pdf", folder / "handbook.docx"
    pdf.output(str(pdf_path))
    d.save(str(docx_path))
    return pdf_path, docx_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = C.header("documents: PDF and Word text extraction, and their ingest")
    from bot.engine import ingest
    from bot.index.embeddings import make_embeddings
    from bot.ingest.documents import read_docx, read_pdf
    from bot.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        corpus.mkdir()
        pdf_path, docx_path = make_files(corpus, args.pages)
        raw_pdf, raw_docx = pdf_path.read_bytes(), docx_path.read_bytes()
        t_pdf, t_docx = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ex = read_pdf(raw_pdf)
            t_pdf.append(time.perf_counter() - t)
            t = time.perf_counter()
            exd = read_docx(raw_docx)
            t_docx.append(time.perf_counter() - t)
        pdf_s, docx_s = statistics.median(t_pdf), statistics.median(t_docx)
        paragraphs = exd.text.count("\n\n") + 1
        print(f"   PDF: {ex.page_count} pages, {len(raw_pdf) / 1e6:.1f} MB: {pdf_s:.2f} s median of {args.repeat} -> "
              f"{ex.page_count / pdf_s:.1f} pages/s (target >= 20)")  # fmt: skip
        print(
            f"   Word: {paragraphs} blocks, {len(raw_docx) / 1e6:.2f} MB: {docx_s:.2f} s -> {paragraphs / docx_s:.0f} blocks/s"
        )
        s = load_settings(corpus_dir=corpus, index_dir=tmp / "index", cache_dir=tmp / "cache", llm="off")
        emb = make_embeddings(s)
        t = time.perf_counter()
        rep = ingest(s, embedder=emb)
        ingest_s = time.perf_counter() - t
        print(f"   ingest of both: {ingest_s:.1f} s, of it embedding {rep.embed_seconds:.1f} s "
              f"({rep.texts_embedded} texts, {rep.chunks_total} chunks): {rep.embed_seconds / ingest_s:.0%} embedding")  # fmt: skip
    end = C.machine()
    print("   " + C.machine_line("start", start))
    print("   " + C.machine_line("end", end))
    C.write_json(args.json, {"machine": [start, end], "pdf_pages": ex.page_count, "pdf_s": pdf_s,
                             "pdf_pages_per_s": ex.page_count / pdf_s, "docx_blocks": paragraphs, "docx_s": docx_s,
                             "ingest_s": ingest_s, "embed_s": rep.embed_seconds, "texts_embedded": rep.texts_embedded})  # fmt: skip


if __name__ == "__main__":
    main()
