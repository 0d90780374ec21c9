"""A dialogue pack (doc2dial's shared tune half: real user / agent conversations on ssa.gov, va.gov,
studentaid.gov and NY DMV pages): `python -m bot eval ../shared/bench/doc2dial`.

Each user turn is asked with the conversation before it (the user's turns and the agent's replies, as a widget
would send them), and again without it. Reported for first turns, follow-ups, replies to the agent (follow-ups
that open with yes / no, bot/answers/turns.py) and the turns about COVID-19 that no page covers:
- **passage**: a citation overlaps a passage the human agent used (doc2dial's gold spans; turns without one are
  left out of this figure);
- **page**: a citation is from the page the conversation is on;
- **topic changes**: every first turn asked again after the conversation of another page (the history of a
  follow-up on another page): its own page should be cited as when asked first, and the COVID-19 turns asked
  after such a conversation should be declined as when asked first;
- **declined**, and **bare yes/no quotes** (an answer that quotes a lone "Yes." or "No.").
Beside them, the plain baseline of the same run: the top 3 sentences by cosine of the turn with the previous
user turn (passage or page among them).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import numpy as np

from bot.answers import turns
from bot.engine import Bot, ingest
from bot.settings import Settings

_BARE = re.compile(r"^\s*(yes|no|ja|nein|oui|non|sí|si)\W*$", re.IGNORECASE)


def is_dialogue_pack(bench: Path) -> bool:
    from bot.evals.faqeval import first_fields

    return {"dial_id", "history", "question"} <= first_fields(bench)


def _n(s: str) -> str:
    return " ".join(re.findall(r"\w+", s.lower()))


def passage_hit(quotes: list[str], gold: list[str]) -> bool:
    """A quote and a gold span overlap: one holds the other (doc2dial's spans are often parts of a sentence)."""
    gs = [_n(g) for g in gold if _n(g)]
    qs = [_n(q) for q in quotes if _n(q)]
    return any(g in q or (len(q.split()) >= 4 and q in g) for g in gs for q in qs)


def _prev_user(history) -> str:
    for t in reversed(history or []):
        if isinstance(t, (list, tuple)) and t and t[0]:
            return t[0]
    return ""


def evaluate_dialogues(bench: Path, settings: Settings, log=None) -> dict:
    bench = Path(bench)
    rows = [json.loads(x) for x in (bench / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    key = hashlib.sha1(str((bench / "corpus").resolve()).encode()).hexdigest()[:10]
    s = settings.model_copy(
        update={"corpus_dir": bench / "corpus", "index_dir": Path(settings.cache_dir) / "eval" / f"index-dlg-{key}"}
    )
    ingest(s)
    bot = Bot.from_settings(s, build=False)
    ix = bot.index
    t0 = time.perf_counter()
    groups: dict[str, list[dict]] = {
        name: []
        for name in (
            "first turns",
            "follow-ups",
            "replies to the agent",
            "COVID-19 turns (no page covers them)",
            "topic change: a first turn after another page's conversation",
            "topic change: a COVID-19 turn after a conversation",
        )
    }
    ms = []
    # topic changes: a first turn (or a COVID-19 turn) after another page's conversation
    convs = [r for r in rows if r["kind"] == "followup" and r.get("history")]
    changes = []
    for i, r in enumerate(x for x in rows if x["kind"] in ("first", "out_of_corpus") and not x.get("history")):
        other = [c for c in convs if c["file"] != r.get("file")]
        if other:
            c = other[i % len(other)]
            changes.append({**r, "history": c["history"], "kind": "change:" + r["kind"]})
    for r in rows + changes:
        hist = [list(t) for t in (r.get("history") or [])] or None
        prev = _prev_user(hist)
        out = {}
        for label, h in (("with", hist), ("without", None)):
            t = time.perf_counter()
            a = bot.answer(r["question"], h)
            if label == "with":
                ms.append((time.perf_counter() - t) * 1000)
            quotes = [c.quote for c in a.citations]
            out[label] = {
                "passage": passage_hit(quotes, r.get("gold_spans") or []),
                "page": any(c.source == r["file"] for c in a.citations),
                "declined": not a.grounded,
                "bare": any(_BARE.match(q) for q in quotes),
            }
        v = bot.retriever.query_vector(f"{r['question']} {prev}".strip())
        top = (ix.sent_vectors @ v).argsort()[::-1][:3]
        base_rows = [int(ix.sent_offsets.searchsorted(t, side="right") - 1) for t in top]
        sents = []
        for t, br in zip(top, base_rows):
            c = ix.chunks[br]
            sents.append((c.source, c.sentences[int(t - ix.sent_offsets[br])].text))
        out["baseline"] = {
            "passage": passage_hit([x for _, x in sents], r.get("gold_spans") or []),
            "page": any(src == r["file"] for src, _ in sents),
        }
        out["has_gold"] = bool([g for g in (r.get("gold_spans") or []) if g.strip()])
        if r["kind"] == "change:first":
            groups["topic change: a first turn after another page's conversation"].append(out)
        elif r["kind"] == "change:out_of_corpus":
            groups["topic change: a COVID-19 turn after a conversation"].append(out)
        elif r["kind"] == "out_of_corpus":
            groups["COVID-19 turns (no page covers them)"].append(out)
        elif r["kind"] == "first":
            groups["first turns"].append(out)
        else:
            groups["follow-ups"].append(out)
            if turns.classify(r["question"], prev).kind == turns.REPLY:
                groups["replies to the agent"].append(out)
    table = []
    for name, xs in groups.items():
        if not xs:
            continue
        g = [x for x in xs if x["has_gold"]]

        def share(key, label, xs=xs, g=g):
            pool = g if key == "passage" else xs
            return round(float(np.mean([x[label][key] for x in pool])), 3) if pool else None

        table.append(
            {
                "turns": name,
                "n": len(xs),
                "with a gold passage": len(g),
                "passage, with history": share("passage", "with"),
                "passage, without": share("passage", "without"),
                "passage, baseline (top 3 sentences of turn + previous turn)": share("passage", "baseline"),
                "page, with history": share("page", "with"),
                "page, without": share("page", "without"),
                "page, baseline": share("page", "baseline"),
                "declined, with history": share("declined", "with"),
                "declined, without": share("declined", "without"),
                "bare yes/no quotes": sum(x["with"]["bare"] for x in xs),
            }
        )
        if log:
            log(json.dumps(table[-1], ensure_ascii=False))
    return {
        "pack": bench.name,
        "rows": table,
        "answer_p50_ms": round(float(np.median(ms)), 1) if ms else None,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def to_markdown(r: dict) -> str:
    keys = list(r["rows"][0]) if r["rows"] else []
    out = [f"Dialogue pack {r['pack']} (answer p50 {r['answer_p50_ms']} ms, {r['seconds']} s):", ""]
    out += ["| " + " | ".join(keys) + " |", "|" + " --- |" * len(keys)]
    out += ["| " + " | ".join("–" if x.get(k) is None else str(x.get(k)) for k in keys) + " |" for x in r["rows"]]
    return "\n".join(out) + "\n"


__all__ = ["evaluate_dialogues", "is_dialogue_pack", "passage_hit", "to_markdown"]
