"""Hostile files, built small here: a PDF page tree nested too deep, a PDF whose pages share one large text
stream, and a .docx zip bomb (tests/test_hostile.py; benchmarks/abuse.py rows 12-16)."""

from __future__ import annotations

import io


def _pdf(objs: list[bytes]) -> bytes:
    """A PDF file from its objects (1 is the catalog), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + o + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    out.write(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def deep_page_tree(depth: int = 150) -> bytes:
    """A page tree nested `depth` levels (pypdf stops at 100 with its own LimitReachedError)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for i in range(depth):
        me = 2 + i
        parent = f"/Parent {me - 1} 0 R " if i else ""
        objs.append(f"<< /Type /Pages {parent}/Kids [{me + 1} 0 R] /Count 1 >>".encode())
    last = 2 + depth
    objs.append(f"<< /Type /Page /Parent {last - 1} 0 R /MediaBox [0 0 612 792] /Contents {last + 1} 0 R >>".encode())
    s = b"BT /F1 12 Tf 72 720 Td (hello) Tj ET"
    objs.append(b"<< /Length %d >>\nstream\n" % len(s) + s + b"\nendstream")
    return _pdf(objs)


def docx_bomb(unpacked_mb: int = 150) -> bytes:
    """A valid .docx (made by python-docx) whose word/document.xml unpacks to `unpacked_mb` MB of short
    paragraphs; the file itself is a few hundred KB."""
    import zipfile

    import docx

    base = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("Bees dance.")
    d.save(base)
    out = io.BytesIO()
    para = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
                continue
            xml = src.read(info)
            head, tail = xml.split(b"<w:body>", 1)
            with dst.open("word/document.xml", "w") as f:
                f.write(head + b"<w:body>")
                for _ in range(unpacked_mb * 1_000_000 // len(para)):
                    f.write(para)
                f.write(tail)
    return out.getvalue()


def shared_stream_pdf(pages: int = 300, stream_kb: int = 1000) -> bytes:
    """`pages` pages that all draw one large text stream (the file stays small; reading it does not)."""
    line = b"BT /F1 12 Tf 72 720 Td (Bees dance to tell where the flowers are.) Tj ET\n"
    s = line * (stream_kb * 1000 // len(line))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    n0 = 5  # objects: 1 catalog, 2 pages, 3 font, 4 stream, then the pages
    kids = " ".join(f"{n0 + i} 0 R" for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        font,
        b"<< /Length %d >>\nstream\n" % len(s) + s + b"\nendstream",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    objs += [page] * pages
    return _pdf(objs)
