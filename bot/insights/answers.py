"""Answers written from the knowledge-gap report: the operator closes a gap without editing the pages.

- **Write an answer**: saved as an FAQ entry in a Markdown file the bot manages in the corpus folder
  (`answers.md`), the row's most common wording as the question and its other wordings as "also asked"
  (`<!-- also asked: A | B -->`, which the Markdown reader gives the entry as other wordings of its question:
  matched and searched like it, never quoted). The file is plain Markdown, to review and edit as text; a sync
  starts at once, and the next visitor who asks gets the entry, cited like any other.
- **Map** a row to an existing entry of any document: its wordings become that entry's other wordings (a line
  `<!-- also asked for "Q" in "source": A | B -->` in the same file; the sync reads that document again with them).
- **Dismiss** a row (spam, out of scope): remembered in the data folder, left out of later reports.

Every change is logged, one JSON line each, in the data folder's `admin-actions.jsonl`, with who made it (the
client's address; there is one admin token) and when; the report reads it to mark rows answered since.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from bot.ingest.answers_file import ANSWERS_FILE, mappings, norm  # noqa: F401 - the file's name and its reader

HEADER = (
    "# Answers from the help desk\n\n"
    '<!-- Written from the admin page\'s knowledge-gap report. Each "## question" below is an FAQ entry; the\n'
    '"also asked" line under it lists other wordings people used. Edit freely; the bot reads this file like\n'
    "any other. -->\n"
)
MAX_QUESTION = 300
MAX_ANSWER = 5000
MAX_WORDINGS = 20
_lock = threading.Lock()


class AnswerError(ValueError):
    """Bad input for an answer or a dismissal: the message says what to do."""


def _line(text: str, what: str, most: int) -> str:
    t = " ".join(str(text or "").split())
    if not t:
        raise AnswerError(f"The {what} is empty: type it in.")
    if len(t) > most:
        raise AnswerError(f"The {what} is {len(t)} characters long; keep it under {most}.")
    return t.replace("<!--", "<!-").replace("-->", "->")  # nothing that would end or start a comment


def _wordings(wordings, question: str) -> list[str]:
    """Other wordings of `question`, each on one line, without "|" or '"' (the file's separators), once each."""
    out: list[str] = []
    for w in wordings[:MAX_WORDINGS] if isinstance(wordings, list) else []:
        try:
            w = _line(w, "wording", MAX_QUESTION).replace("|", "/").replace('"', "'")
        except AnswerError:
            continue
        if norm(w) != norm(question) and norm(w) not in {norm(x) for x in out}:
            out.append(w)
    return out


def entry_text(question: str, answer: str, wordings: list[str]) -> str:
    """The Markdown of one entry: its question as a heading, its other wordings, its answer's paragraphs."""
    q = _line(question, "question", MAX_QUESTION)
    if not q.endswith(("?", "？")):
        q += "?"  # a heading phrased as a question is an FAQ entry
    body = str(answer or "").replace("\r\n", "\n").strip()
    if not body:
        raise AnswerError("The answer is empty: type what visitors should be told.")
    if len(body) > MAX_ANSWER:
        raise AnswerError(f"The answer is {len(body)} characters long; keep it under {MAX_ANSWER}.")
    # the answer's lines as paragraphs of this entry: a line that would start a heading or a comment is escaped
    lines = []
    for ln in body.split("\n"):
        ln = ln.rstrip().replace("<!--", "<!-").replace("-->", "->")
        lines.append("\\" + ln if ln.lstrip().startswith("#") else ln)
    others = _wordings(wordings, q)
    also = f"<!-- also asked: {' | '.join(others)} -->\n\n" if others else ""
    return f"\n## {q}\n\n{also}" + "\n".join(lines) + "\n"


def add_answer(settings, question: str, answer: str, wordings: list[str], who: str) -> dict:
    """Append an entry to the corpus folder's answers file (made when missing); log it."""
    text = entry_text(question, answer, wordings)
    path = Path(settings.corpus_dir) / ANSWERS_FILE
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text(encoding="utf-8") if path.exists() else HEADER
        path.write_text(old.rstrip("\n") + "\n" + text, encoding="utf-8")
    q = text.split("\n", 3)[1][3:]
    item = {"question": q, "wordings": [question, *(wordings if isinstance(wordings, list) else [])]}
    log_action(settings, "answer", who, item)
    return {"file": ANSWERS_FILE, **item}


def map_to_entry(settings, source: str, entry_question: str, wordings: list[str], who: str) -> dict:
    """The row's wordings become other wordings of an existing entry (of any document): a line in the answers
    file; the sync reads that entry's document again with them."""
    src = _line(source, "entry's document", 500).replace('"', "'")
    q = _line(entry_question, "entry's question", MAX_QUESTION).replace('"', "'")
    ws = _wordings(wordings, q)
    if not ws:
        raise AnswerError("No wordings to add: the row's wordings are the entry's own question.")
    path = Path(settings.corpus_dir) / ANSWERS_FILE
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text(encoding="utf-8") if path.exists() else HEADER
        line = f'<!-- also asked for "{q}" in "{src}": {" | ".join(ws)} -->'
        path.write_text(old.rstrip("\n") + "\n\n" + line + "\n", encoding="utf-8")
    item = {"question": q, "source": src, "wordings": ws}
    log_action(settings, "map", who, item)
    return item


def dismiss(settings, question: str, wordings: list[str], who: str) -> dict:
    q = _line(question, "question", MAX_QUESTION)
    item = {"question": q, "wordings": [q, *[str(w) for w in (wordings if isinstance(wordings, list) else [])]]}
    log_action(settings, "dismiss", who, item)
    return item


def log_action(settings, action: str, who: str, item: dict) -> None:
    path = Path(settings.data_dir) / "admin-actions.jsonl"
    with _lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"ts": time.time(), "action": action, "who": who, **item}, ensure_ascii=False) + "\n")


def actions(data_dir) -> list[dict]:
    """The logged changes, oldest first (a damaged line is skipped)."""
    path = Path(data_dir) / "admin-actions.jsonl"
    out = []
    if path.exists():
        for ln in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(ln))
            except ValueError:
                continue
    return out


def marks(data_dir) -> tuple[dict[str, float], set[str]]:
    """(normalised wording -> when it was answered, dismissed normalised wordings)."""
    answered: dict[str, float] = {}
    dismissed: set[str] = set()
    for a in actions(data_dir):
        for w in a.get("wordings") or []:
            if a.get("action") in ("answer", "map"):
                answered[norm(w)] = a.get("ts", 0.0)
            elif a.get("action") == "dismiss":
                dismissed.add(norm(w))
    return answered, dismissed
