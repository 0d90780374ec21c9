"""Check the held-out table questions: every line parses and has the table pack's fields (plus "corpus"); every
asked cell occurs verbatim in its rendered file's text; the row and column name a row key and a header of that
file's table, and a row or column question lists all that row's (column's) cells. Run after build.py:

  python eval/tables-heldout/check.py"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ["id", "question", "file", "kind", "row", "column", "cells", "corpus"]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


tables_build = _load("tables_build", HERE.parent / "tables" / "build.py")
heldout_build = _load("heldout_build", HERE / "build.py")
PACKS = {
    "tables": (tables_build.TABLES, HERE.parent / "tables" / "corpus"),
    "tables-heldout": (heldout_build.TABLES, HERE / "corpus"),
}


def file_text(path: Path) -> str:
    if path.suffix == ".md":
        return path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return html.unescape(path.read_text(encoding="utf-8"))
    if path.suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        parts = [p.text for p in d.paragraphs]
        parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
        return "\n".join(parts)
    if path.suffix == ".pdf":
        import pypdf

        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(str(path)).pages)
        return re.sub(r"\s+", " ", text)
    raise ValueError(path)


def table_rows(pack: str, file: str):
    """The rendered table's rows (header first), from the source page as the pack's build renders it."""
    specs, _ = PACKS[pack]
    name, page, n, fmt = next(t for t in specs if f"{t[0]}.{t[3]}" == file)
    _, _, _, rows = tables_build.tables_of((tables_build.SRC / f"{page}.md").read_text(encoding="utf-8"))[n]
    width = len(rows[0])
    rows = [(r + [""] * width)[:width] for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in rows)]
    rows = [[r[j] for j in keep] for r in rows]
    return [[tables_build._latin(c) for c in r] for r in rows] if fmt == "pdf" else rows


def main() -> int:
    problems, kinds, seen = [], Counter(), set()
    lines = (HERE / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    texts = {}
    for i, line in enumerate(lines):
        q = json.loads(line)
        qid = q.get("id")
        if list(q) != FIELDS:
            problems.append(f"{qid}: fields {list(q)}")
        if qid != f"h{i:02d}" or qid in seen:
            problems.append(f"{qid}: id out of order or repeated")
        seen.add(qid)
        kinds[(q["corpus"], q["kind"])] += 1
        path = PACKS[q["corpus"]][1] / q["file"]
        if not path.exists():
            problems.append(f"{qid}: no file {path}")
            continue
        text = texts.setdefault(path, file_text(path))
        norm = (lambda s: re.sub(r"\s+", " ", s)) if path.suffix == ".pdf" else (lambda s: s)
        for c in q["cells"]:
            if norm(c) not in text:
                problems.append(f"{qid}: cell not in {q['file']}: {c!r}")
        rows = table_rows(q["corpus"], q["file"])
        kind, row, col, cells = q["kind"], q["row"], q["column"], q["cells"]
        if kind == "unanswerable":
            if row is not None or col is not None or cells:
                problems.append(f"{qid}: unanswerable with row/column/cells")
            continue
        if not cells:
            problems.append(f"{qid}: no cells")
        if row is not None and norm(row) not in text:
            problems.append(f"{qid}: row name not in file: {row!r}")
        if col is not None and norm(col) not in text:
            problems.append(f"{qid}: column name not in file: {col!r}")
        if kind == "cell":
            j = rows[0].index(col) if col in rows[0] else None
            if j is None or not any(r[0] == row and r[j] == c for r in rows[1:] for c in cells):
                problems.append(f"{qid}: cell not at row {row!r}, column {col!r}")
        elif kind == "row":
            if col is not None or not any(r[0] == row and r[1:] == cells for r in rows[1:]):
                problems.append(f"{qid}: cells are not row {row!r}'s non-key cells")
        elif kind == "column":
            if row is not None or col not in rows[0] or [r[rows[0].index(col)] for r in rows[1:]] != cells:
                problems.append(f"{qid}: cells are not column {col!r}'s cells")
        else:
            problems.append(f"{qid}: unknown kind {kind!r}")
    print(f"{len(lines)} questions, {sum(len(json.loads(ln)['cells']) for ln in lines)} cells checked")
    for (corpus, kind), n in sorted(kinds.items()):
        print(f"  {corpus:15} {kind:13} {n}")
    for p in problems:
        print("PROBLEM", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
