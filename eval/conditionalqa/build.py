#!/usr/bin/env python3
"""Rebuild the ConditionalQA passage pack (corpus/ + questions.jsonl) deterministically.

Inputs (paths as arguments):
  --dev        ConditionalQA v1_0/dev.json (haitian-sun/ConditionalQA)
  --documents  ConditionalQA v1_0/documents.json (original format: list of
               {"title", "url", "contents": [html snippets]}), OR
  --docs-dir   a folder of per-document .txt files in the layout used by
               AI-Researchers/KGCaRe HybridContextQA/data/docs_dev/ (first line =
               title, then one HTML snippet per line; a snippet may span lines).
               Those files carry no URL, so each is matched to its dev URL by the
               number of the URL's dev evidence snippets it contains verbatim.
  --out        output folder (default: the folder of this script)

Selection (seed 7, dev split only):
  1. all dev questions marked not_answerable are kept (their documents enter the corpus);
  2. the other dev documents are shuffled and added until the corpus has --pages documents;
  3. answerable dev questions of corpus documents are shuffled and added until
     --questions questions in total;
  4. documents holding picked questions are sorted (documents with an unanswerable
     question first, then by file name) and alternately assigned tune / test.
"""

import argparse
import collections
import json
import os
import random
import re
from urllib.parse import urlparse

SEED = 7
SNIPPET = re.compile(r"^<(\w+)>(.*)</\1>$", re.S)
TAG = re.compile(r"<[^>]+>")


def load_documents_json(path):
    docs = {}
    for d in json.load(open(path, encoding="utf-8")):
        docs[d["url"]] = (d["title"], list(d["contents"]))
    return docs


def parse_txt(path):
    raw = open(path, encoding="utf-8").read()
    lines = raw.split("\n")
    title, snippets, buf = lines[0].strip(), [], None
    for line in lines[1:]:
        if buf is None:
            if line == "":
                continue
            buf = line
        else:
            buf += "\n" + line
        if SNIPPET.match(buf):
            snippets.append(buf)
            buf = None
    if buf is not None:
        raise ValueError(f"unterminated snippet in {path}: {buf[:80]!r}")
    return title, snippets


def load_docs_dir(path, dev):
    files = {f: parse_txt(os.path.join(path, f)) for f in sorted(os.listdir(path)) if f.endswith(".txt")}
    votes = collections.defaultdict(collections.Counter)
    for q in dev:
        for f, (_, snips) in files.items():
            s = set(snips)
            votes[q["url"]][f] += sum(e in s for e in q["evidences"])
    docs, used = {}, {}
    for url in sorted(votes):
        best = sorted(votes[url].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        if best[1] == 0:
            continue
        if best[0] in used:
            raise ValueError(f"{best[0]} matched both {used[best[0]]} and {url}")
        used[best[0]] = url
        docs[url] = files[best[0]]
    return docs


def slug(url):
    p = urlparse(url).path.strip("/")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", p.replace("/", "--")) or "index"


def strip_tags(s):
    return TAG.sub("", s)


def to_markdown(title, snippets):
    blocks, group, group_kind = [f"# {title}"], [], None

    def flush():
        nonlocal group, group_kind
        if group:
            blocks.append("\n".join(group))
        group, group_kind = [], None

    for sn in snippets:
        m = SNIPPET.match(sn)
        tag, inner = (m.group(1).lower(), m.group(2)) if m else ("p", sn)
        text = strip_tags(inner).strip()
        if not text:
            continue
        if tag in ("li", "tr"):
            if group_kind != tag:
                flush()
                group_kind = tag
            if tag == "li":
                group.append(f"- {text}")
            else:
                cells = [c.strip() for c in text.split(" | ")]
                group.append("| " + " | ".join(cells) + " |")
            continue
        flush()
        if tag in ("h1", "h2", "h3", "h4"):
            level = {"h1": 1, "h2": 2, "h3": 3, "h4": 3}[tag]
            blocks.append("#" * level + " " + text)
        else:
            blocks.append(text)
    flush()
    return "\n\n".join(blocks) + "\n"


def norm(s):
    return " ".join(strip_tags(s).split())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--documents")
    g.add_argument("--docs-dir")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--pages", type=int, default=40)
    ap.add_argument("--questions", type=int, default=120)
    a = ap.parse_args()

    dev = json.load(open(a.dev, encoding="utf-8"))
    docs = load_documents_json(a.documents) if a.documents else load_docs_dir(a.docs_dir, dev)
    dev = [q for q in dev if q["url"] in docs]
    rng = random.Random(SEED)

    unans = [q for q in dev if q["not_answerable"]][: a.questions]
    chosen = []
    for q in unans:
        if q["url"] not in chosen:
            chosen.append(q["url"])
    others = sorted({q["url"] for q in dev} - set(chosen))
    rng.shuffle(others)
    chosen += others[: max(0, a.pages - len(chosen))]
    chosen_set = set(chosen)

    ans = [q for q in dev if not q["not_answerable"] and q["url"] in chosen_set]
    rng.shuffle(ans)
    picked = unans + ans[: max(0, a.questions - len(unans))]

    # tune/test alternation by document
    has_unans = {q["url"] for q in unans}
    qdocs = sorted({q["url"] for q in picked}, key=lambda u: (u not in has_unans, slug(u)))
    split_of = {u: ("tune" if i % 2 == 0 else "test") for i, u in enumerate(qdocs)}

    corpus = os.path.join(a.out, "corpus")
    os.makedirs(corpus, exist_ok=True)
    for f in os.listdir(corpus):
        if f.endswith(".md"):
            os.remove(os.path.join(corpus, f))
    texts = {}
    for url in sorted(chosen_set):
        title, snippets = docs[url]
        md = to_markdown(title, snippets)
        fn = slug(url) + ".md"
        with open(os.path.join(corpus, fn), "w", encoding="utf-8") as fh:
            fh.write(md)
        texts[fn] = norm(md)

    def idnum(q):
        return int(q["id"].split("-")[-1])

    rows = []
    for q in sorted(picked, key=lambda q: (slug(q["url"]), idnum(q))):
        rows.append(
            {
                "id": q["id"],
                "question": q["question"],
                "scenario": q["scenario"],
                "file": slug(q["url"]) + ".md",
                "answerable": not q["not_answerable"],
                "answers": [ans_[0] for ans_ in q["answers"]],
                "evidence": list(q["evidences"]),
                "split": split_of[q["url"]],
                "conditions": [ans_[1] for ans_ in q["answers"]],
                "url": q["url"],
            }
        )
    with open(os.path.join(a.out, "questions.jsonl"), "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    # checks
    found = total = 0
    missing_files = [r["file"] for r in rows if r["file"] not in texts]
    for r in rows:
        if r["answerable"]:
            for e in r["evidence"]:
                total += 1
                found += norm(e) in texts.get(r["file"], "")
    c = collections.Counter((r["split"], r["answerable"]) for r in rows)
    print(
        json.dumps(
            {
                "pages": len(texts),
                "pages_with_questions": len(qdocs),
                "questions": len(rows),
                "by_split": {s: {"answerable": c[(s, True)], "unanswerable": c[(s, False)]} for s in ("tune", "test")},
                "docs_per_split": dict(collections.Counter(split_of.values())),
                "missing_files": missing_files,
                "evidence_found": f"{found}/{total}",
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
