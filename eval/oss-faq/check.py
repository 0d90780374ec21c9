#!/usr/bin/env python3
"""Check the oss-faq evaluation pack (stdlib only).

Run from the repository root:  python3 eval/oss-faq/check.py
Exits with status 1 and prints the problems if any check fails.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
errors = []


def err(msg):
    errors.append(msg)


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def read_text(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        err("%s: not UTF-8 (%s)" % (path, exc))
        text = raw.decode("utf-8", "replace")
    for i, line in enumerate(text.split("\n"), 1):
        if line != line.rstrip():
            err("%s:%d: trailing whitespace" % (os.path.relpath(path, HERE), i))
    return text


def parse_page(path):
    """Return (title, {heading: answer}) where answer = paragraphs joined by one space."""
    lines = read_text(path).split("\n")
    title = lines[0] if lines else ""
    entries = collections.OrderedDict()
    heading, paras, cur = None, [], []

    def close():
        if cur:
            paras.append(" ".join(x.strip() for x in cur))
            cur.clear()
        if heading is not None:
            if heading in entries:
                err("%s: duplicate heading %r" % (os.path.basename(path), heading))
            entries[heading] = norm(" ".join(paras))

    for line in lines[1:]:
        if line.startswith("## "):
            close()
            heading, paras = line[3:].strip(), []
        elif line.startswith("#"):
            err("%s: unexpected heading line %r" % (os.path.basename(path), line))
        elif not line.strip():
            if cur:
                paras.append(" ".join(x.strip() for x in cur))
                cur.clear()
        elif heading is None:
            err("%s: text before the first entry: %r" % (os.path.basename(path), line))
        else:
            cur.append(line)
    close()
    return title, entries


def read_jsonl(path):
    rows = []
    for i, line in enumerate(read_text(path).split("\n"), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError as exc:
            err("%s:%d: bad JSON (%s)" % (os.path.basename(path), i, exc))
    return rows


# --- corpus pages -----------------------------------------------------------
pages = {}
for name in sorted(os.listdir(CORPUS)):
    if not name.endswith("-faq.md"):
        err("corpus/%s: unexpected file name" % name)
        continue
    title, entries = parse_page(os.path.join(CORPUS, name))
    if not re.fullmatch(r"# .+ FAQ", title):
        err("corpus/%s: first line must be '# <Project> FAQ', got %r" % (name, title))
    if not 10 <= len(entries) <= 25:
        err("corpus/%s: %d entries (expected 10 to 25)" % (name, len(entries)))
    for h, a in entries.items():
        if not a:
            err("corpus/%s: entry %r has no answer" % (name, h))
        if re.search(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>", a) and re.search(r"</[a-z]+>|<(a|img|br|div|p|span|code)\b", a):
            err("corpus/%s: entry %r looks like it contains HTML" % (name, h))
        if re.search(r"!\[|\]\(|```", a):
            err("corpus/%s: entry %r still contains Markdown link/image/code syntax" % (name, h))
    pages[name] = entries

# --- answerable questions ---------------------------------------------------
questions = read_jsonl(os.path.join(HERE, "questions.jsonl"))
unans = read_jsonl(os.path.join(HERE, "unanswerable.jsonl"))

ids = collections.Counter(r.get("id") for r in questions + unans)
for i, c in ids.items():
    if c > 1:
        err("duplicate id %r (%d times)" % (i, c))

entry_splits = collections.defaultdict(set)
per_split = collections.Counter()
per_source = collections.Counter()
per_file = collections.Counter()
for r in questions:
    rid = r.get("id")
    for key in ("id", "question", "faq_question", "file", "answer", "split", "source"):
        if not isinstance(r.get(key), str) or not r.get(key):
            err("%s: missing or empty field %r" % (rid, key))
    f, h = r.get("file"), r.get("faq_question")
    if f not in pages:
        err("%s: file %r is not a corpus page" % (rid, f))
        continue
    if h not in pages[f]:
        err("%s: faq_question %r is not a '## ' heading of %s" % (rid, h, f))
        continue
    if norm(r.get("answer", "")) != pages[f][h] or r.get("answer") != norm(r.get("answer", "")):
        err("%s: answer differs from the text under %r in %s" % (rid, h, f))
    if r.get("split") not in ("tune", "test"):
        err("%s: bad split %r" % (rid, r.get("split")))
    src = r.get("source", "")
    if src != "written" and not re.match(r"https?://", src):
        err("%s: source must be 'written' or a URL, got %r" % (rid, src))
    if norm(r.get("question", "")).lower() == h.lower():
        err("%s: question is a copy of its heading" % rid)
    entry_splits[(f, h)].add(r.get("split"))
    per_split[r.get("split")] += 1
    per_source["written" if src == "written" else "real"] += 1
    per_file[f] += 1

for (f, h), s in entry_splits.items():
    if len(s) > 1:
        err("entry %r of %s has questions in both splits" % (h, f))

# --- unanswerable -----------------------------------------------------------
per_kind = collections.Counter()
for r in unans:
    rid = r.get("id")
    if r.get("kind") not in ("missing_entry", "out_of_scope"):
        err("%s: bad kind %r" % (rid, r.get("kind")))
    if r.get("split") not in ("tune", "test"):
        err("%s: bad split %r" % (rid, r.get("split")))
    if not isinstance(r.get("question"), str) or not r["question"].strip():
        err("%s: empty question" % rid)
    per_kind[(r.get("kind"), r.get("split"))] += 1

# --- report -----------------------------------------------------------------
n_entries = sum(len(e) for e in pages.values())
print("pages: %d, entries: %d" % (len(pages), n_entries))
for name, entries in pages.items():
    print("  %-22s %2d entries, %3d questions" % (name, len(entries), per_file[name]))
print("entries with questions: %d (tune %d, test %d)" % (
    len(entry_splits),
    sum(1 for s in entry_splits.values() if s == {"tune"}),
    sum(1 for s in entry_splits.values() if s == {"test"})))
print("questions: %d (tune %d, test %d; real %d, written %d)" % (
    len(questions), per_split["tune"], per_split["test"], per_source["real"], per_source["written"]))
for kind in ("missing_entry", "out_of_scope"):
    print("unanswerable %-13s %d (tune %d, test %d)" % (
        kind, per_kind[(kind, "tune")] + per_kind[(kind, "test")], per_kind[(kind, "tune")], per_kind[(kind, "test")]))

if errors:
    print("\n%d problem(s):" % len(errors))
    for e in errors:
        print("  - " + e)
    sys.exit(1)
print("OK")
