"""Check the second blind table pack's questions: every line parses and has the held-out pack's fields; ids run b00,
b01, ...; every asked cell occurs verbatim in its rendered file's text; the row and column name a row key and a
header of that file's table; a cell question's cells sit at that row and column; a row or column question lists
all that row's non-key cells (that column's cells); an unanswerable one has no row, column or cells. Reads the
files the way eval/tables-heldout/check.py does (its file_text, imported by path). Run after build.py:

  python eval/tables-blind2/check.py"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ["id", "question", "file", "kind", "row", "column", "cells", "corpus"]
CORPUS = "tables-blind2"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


heldout_check = _load("heldout_check", HERE.parent / "tables-heldout" / "check.py")
file_text = heldout_check.file_text


def main(here: Path = HERE, corpus: str = CORPUS, prefix: str = "b") -> int:
    """Checks the pack in `here` (its build.py's tables, questions.jsonl and corpus/), whose questions' "corpus" is
    `corpus` and whose ids are `prefix` and two digits (eval/tables-blind3/check.py calls it for its own)."""
    blind_build = _load(f"{here.name}_build", here / "build.py")
    problems, kinds, seen, texts = [], Counter(), set(), {}
    lines = (here / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    files = {f"{t[0]}.{t[1]}" for t in blind_build.TABLES}
    asked = Counter()
    for i, line in enumerate(lines):
        try:
            q = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {i + 1}: does not parse: {e}")
            continue
        qid = q.get("id")
        if list(q) != FIELDS:
            problems.append(f"{qid}: fields {list(q)}")
            continue
        if qid != f"{prefix}{i:02d}" or qid in seen:
            problems.append(f"{qid}: id out of order or repeated")
        seen.add(qid)
        if q["corpus"] != corpus:
            problems.append(f"{qid}: corpus {q['corpus']!r}")
        if not q["question"].strip():
            problems.append(f"{qid}: empty question")
        kinds[q["kind"]] += 1
        if q["file"] not in files:
            problems.append(f"{qid}: {q['file']} is not one of build.py's tables")
            continue
        asked[q["file"]] += 1
        path = here / "corpus" / q["file"]
        if not path.exists():
            problems.append(f"{qid}: no file {path} (run build.py)")
            continue
        text = texts.setdefault(path, file_text(path))
        norm = (lambda s: re.sub(r"\s+", " ", s)) if path.suffix == ".pdf" else (lambda s: s)
        kind, row, col, cells = q["kind"], q["row"], q["column"], q["cells"]
        for c in cells:
            if not c or norm(c) not in text:
                problems.append(f"{qid}: cell empty or not in {q['file']}: {c!r}")
        if kind == "unanswerable":
            if row is not None or col is not None or cells:
                problems.append(f"{qid}: unanswerable with row/column/cells")
            continue
        rows = blind_build.rendered_rows(q["file"])
        head, body = rows[0], rows[1:]
        if not cells:
            problems.append(f"{qid}: no cells")
        if row is not None and (row not in [r[0] for r in body] or norm(row) not in text):
            problems.append(f"{qid}: row {row!r} is not a row key of {q['file']}")
        if col is not None and (col not in head or norm(col) not in text):
            problems.append(f"{qid}: column {col!r} is not a header of {q['file']}")
        if kind == "cell":
            if row is None or col not in head:
                problems.append(f"{qid}: a cell question needs a row and a column")
                continue
            j = head.index(col)
            if not all(any(r[0] == row and r[j] == c for r in body) for c in cells):
                problems.append(f"{qid}: cells not at row {row!r}, column {col!r}")
        elif kind == "row":
            if col is not None or not any(r[0] == row and r[1:] == cells for r in body):
                problems.append(f"{qid}: cells are not row {row!r}'s non-key cells")
        elif kind == "column":
            if row is not None or col not in head or [r[head.index(col)] for r in body] != cells:
                problems.append(f"{qid}: cells are not column {col!r}'s cells")
        else:
            problems.append(f"{qid}: unknown kind {kind!r}")
    for f in sorted(files - set(asked)):
        problems.append(f"no question on {f}")
    n_cells = sum(len(json.loads(ln)["cells"]) for ln in lines)
    print(f"{len(lines)} questions on {len(asked)} files, {n_cells} cells checked")
    for kind, n in sorted(kinds.items()):
        print(f"  {kind:13} {n}")
    for p in problems:
        print("PROBLEM", p)
    print("OK" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
