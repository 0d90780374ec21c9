"""Checks eval/tables-blind4: every question names a corpus file, and every asked cell, row and column name is
verbatim in that file's text (or its tables' column names) as read by the product (bot.ingest.corpus.read_document,
which also reads the PDF and the Word file). Run from the repository root: python eval/tables-blind4/check.py"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from bot.ingest.corpus import read_document  # noqa: E402


def main(here: Path = HERE) -> int:
    """Checks the pack in folder `here` (this one, or a later pack that runs this check: blind 5 to 7)."""
    corpus = here / "corpus"
    texts: dict[str, str] = {}
    bad = []
    rows = [json.loads(x) for x in (here / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    for q in rows:
        f = corpus / q["file"]
        if not f.is_file():
            bad.append(f"{q['id']}: no file {q['file']}")
            continue
        if q["file"] not in texts:
            doc = read_document(f, corpus)  # (a table's column names are its rows' headers, not text of their own)
            names = " | ".join(h for b in doc.blocks for h in (b.headers or []))
            texts[q["file"]] = " ".join(f"{doc.text} {names}".split())
        text = texts[q["file"]]
        if q["kind"] == "unanswerable":
            continue
        for x in [*q["cells"], q["row"] or "", q["column"] or ""]:
            if " ".join(x.split()) not in text:
                bad.append(f"{q['id']}: {x!r} is not in {q['file']}")
    print("\n".join(bad) or f"ok: {len(rows)} questions")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
