"""The knowledge-gap report: what people ask that the articles don't answer, from the conversation log.

`python -m bot report [--since 7d] [--format md|json|csv]`, and the admin page's report (/admin, same token):

- **gaps**: abstained and low-confidence questions, clustered by meaning (the question vectors the log keeps,
  from the packaged embedder; paraphrases of one need form one row), ranked by how many asked (conversations)
  and how often, with example wordings and the nearest FAQ entry or section when one exists;
- **downvoted**: the 👎 answers, grouped the same way, with the answer that was given;
- **daily**: per day, questions, answered, abstained, 👍, 👎;
- **cited**: the most-cited documents and sections, and the documents never cited.

Clustering: identical wordings together, then average linkage on the e5 query vectors: the two groups whose
wordings are most similar on average (cosine) merge while that average is at least JOIN. Method and threshold were
chosen on labelled paraphrase groups (`python scripts/cluster_eval.py`: CLINC150's crowd-sourced requests by intent
in eval/paraphrases, covid-faq-en's and help-de's paraphrases by entry), each data set left out in turn, for the
best BCubed F1 (a wording's row is its need; its need is in its row). On 2026-12-06, with data sets weighted alike,
average linkage at 0.92 kept 0.369 of needs whole with 0.037 of rows mixing needs (BCubed F1 0.820); the leader
rule at 0.92 used before, 0.306 whole and 0.074 mixing (F1 0.784). Held out, average linkage was as good or
better on each data set (F1 0.742 / 0.839 / 0.815 against 0.728 / 0.809 / 0.815). No threshold keeps most needs
whole without mixing many rows with these vectors: CLINC's terse requests for neighbouring intents sit as close
as one intent's wordings (0.85-0.92).
With oss-faq's wordings added (2026-12-06, late night: two per entry of six open-source projects' FAQ pages),
average linkage's threshold chosen on the other data sets is 0.915-0.92 whichever is left out; oss-faq keeps 0.027
of its needs whole (0.014 of rows mixing): one need's wordings there share few words ("my fan goes crazy every
time syncthing runs" / "Why is the sync so slow?").
Since 2026-12-07 the vectors are centred first (`centred`): the mean of the generic questions' vectors
(bot/answers/offtopic.py: the weather, a recipe, a joke...) is taken off each, and the rest scaled to length 1.
The embedder's cosines run in a narrow band, all questions sharing one large common direction; without it, what
tells two needs apart weighs more. Each data set left out, BCubed F1 held out (`python scripts/cluster_eval.py`):
CLINC150 0.742 -> 0.760, covid-faq-en 0.839 -> 0.892, help-de 0.815 -> 0.815, oss-faq 0.675 -> 0.710; the
threshold chosen on the others is 0.63 whichever is left out (raw: 0.90-0.92).
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from bot.insights.convlog import read_rows

JOIN = 0.63  # average linkage's threshold, on centred vectors (centred)
JOIN_RAW = 0.92  # ... on raw vectors: no generic questions' mean in their embedder's space is at hand
LOW_CONFIDENCE = 0.5
NEAREST_FOR = 50  # clusters that get a nearest FAQ entry or section (each costs a retrieval)
MAX_DAYS = 400  # days the daily counts cover at most
# A nearest entry or section is named only this similar or more, else "nothing close". Measured on the packs of
# eval --all (`python scripts/nearest_eval.py`, 2026-12-06): the threshold that keeps 95% of the other packs'
# answerable questions' nearest shown, each pack left out, came out 0.820-0.841; at it, a held-out pack's
# answerable questions kept theirs 0.74-1.00 of the time (squad2 0.74, clinc-faq 0.89, the rest 0.99-1.00) and
# questions of another subject got one 0.00-0.15 of the time (before: always).
NEAREST_MIN = 0.82
NOTHING_CLOSE = "nothing close"


def parse_since(text: str | None, now: float | None = None) -> float:
    """'7d', '12h', '30m', '2w' or an ISO date -> a timestamp; None or '' -> everything."""
    now = time.time() if now is None else now
    if not text:
        return 0.0
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", text)
    if m:
        n, unit = float(m.group(1)), m.group(2)
        return now - n * {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}[unit]
    try:
        from datetime import datetime

        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise ValueError(
            f"--since {text!r}: give a duration such as 7d, 12h, 2w, or a date such as 2026-11-01"
        ) from None


def _norm(q: str) -> str:
    return " ".join(re.findall(r"\w+", q.lower()))


def _vectors(rows: list[dict], embed) -> np.ndarray:
    """The question vector of each row: the one the log keeps, else `embed`'s (batched)."""
    dim = 384
    out: list[np.ndarray | None] = []
    missing: list[int] = []
    for i, r in enumerate(rows):
        v = r.get("vector")
        if v:
            a = np.frombuffer(v, dtype=np.float16).astype(np.float32)
            dim = len(a)
            out.append(a)
        else:
            out.append(None)
            missing.append(i)
    if missing:
        got = embed([rows[i]["question"] for i in missing])
        for i, v in zip(missing, got):
            out[i] = np.asarray(v, dtype=np.float32)
            dim = len(out[i])
    return np.stack(out) if out else np.zeros((0, dim), dtype=np.float32)


AVERAGE_MOST = (
    1500  # distinct wordings clustered by average linkage (O(n^2): 36 MB, about 2 s); the rest by the leader rule
)


def _unit(vectors: np.ndarray) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _leader(v: np.ndarray, join: float, groups: list[list[int]] | None = None, offset: int = 0) -> list[list[int]]:
    """Each vector in order (numbered from `offset`) joins the first of `groups` whose first vector it is at least
    `join` similar to, else leads a group of its own."""
    groups = [list(g) for g in groups or []]
    lead = [v[g[0]] for g in groups]  # (the groups' first vectors are among v, by their numbers)
    mat = np.stack(lead) if lead else np.zeros((0, v.shape[1]), dtype=np.float32)
    for i in range(offset, len(v)):
        if len(mat):
            sims = mat @ v[i]
            k = int(np.argmax(sims))
            if sims[k] >= join:
                groups[k].append(i)
                continue
        mat = np.vstack([mat, v[i][None, :]])
        groups.append([i])
    return groups


def _average(v: np.ndarray, join: float) -> list[list[int]]:
    """Average linkage: the two groups whose wordings are most similar on average merge, while that average is at
    least `join`. Each group's wordings stay in their order, the groups in the order of their first wording."""
    n = len(v)
    sums = (v @ v.T).astype(np.float64)
    size = np.ones(n)
    avg = sums.copy()
    np.fill_diagonal(avg, -np.inf)
    members = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        i, j = divmod(int(np.argmax(avg)), n)
        if avg[i, j] < join:
            break
        i, j = min(i, j), max(i, j)
        sums[i, :] += sums[j, :]
        sums[:, i] += sums[:, j]
        size[i] += size[j]
        members[i] = sorted(members[i] + members[j])
        alive[j] = False
        row = sums[i, :] / (size[i] * size)
        row[~alive] = -np.inf
        row[i] = -np.inf
        avg[i, :] = row
        avg[:, i] = row
        avg[j, :] = -np.inf
        avg[:, j] = -np.inf
    return [members[i] for i in range(n) if alive[i]]


def cluster_vectors(vectors: np.ndarray, join: float, method: str = "average") -> list[list[int]]:
    """Groups of vectors (their indices) by meaning: `average` linkage (past AVERAGE_MOST vectors, the rest join
    a group by the leader rule), or `leader` (each in order joins the first group whose first vector it is at
    least `join` similar to)."""
    v = _unit(vectors)
    if method == "leader" or len(v) == 0:
        return _leader(v, join)
    head = _average(v[:AVERAGE_MOST], join)
    return head if len(v) <= AVERAGE_MOST else _leader(v, join, head, offset=AVERAGE_MOST)


def centred(vectors: np.ndarray, center: np.ndarray) -> np.ndarray:
    """The vectors less `center` (the generic questions' mean), each scaled to length 1."""
    return _unit(np.asarray(vectors, dtype=np.float32) - np.asarray(center, dtype=np.float32)[None, :])


def default_center(dim: int) -> np.ndarray | None:
    """The generic questions' mean by the shipped embedder (bot/answers/offtopic.npy), when the vectors are of its
    size; else None."""
    from bot.answers import offtopic

    v = np.load(Path(offtopic.__file__).with_name("offtopic.npy"))
    return v.mean(axis=0) if v.shape[1] == dim else None


def cluster(rows: list[dict], vectors: np.ndarray, join: float | None = None, center=None) -> list[list[int]]:
    """Rows grouped by meaning: identical wordings together, then average linkage on their vectors, centred on
    `center` (centred; default: the shipped embedder's generic questions' mean, when the vectors are its size) at
    JOIN, or raw at JOIN_RAW when there is no center."""
    if center is None and len(vectors):
        center = default_center(vectors.shape[1])
    if join is None:
        join = JOIN if center is not None else JOIN_RAW
    if center is not None and len(vectors):
        vectors = centred(vectors, center)
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_text[_norm(r["question"])].append(i)
    order = sorted(by_text.values(), key=lambda ix: (-len(ix), ix[0]))  # most asked first
    if not order:
        return []
    groups = cluster_vectors(np.stack([vectors[ix[0]] for ix in order]), join)
    return [[i for k in g for i in order[k]] for g in groups]


def _group_rows(rows: list[dict], vectors: np.ndarray, nearest, center=None) -> list[dict]:
    out = []
    for g in cluster(rows, vectors, center=center):
        members = [rows[i] for i in g]
        wordings = Counter(r["question"].strip() for r in members)
        people = {r["conversation"] or f"row-{r['id']}" for r in members}
        out.append(
            {
                "asked": len(members),
                "people": len(people),
                "question": wordings.most_common(1)[0][0],
                "examples": [w for w, _ in wordings.most_common(5)],
                "abstained": sum(1 for r in members if not r["grounded"]),
                "first": min(r["ts"] for r in members),
                "last": max(r["ts"] for r in members),
                "answers": [a for a, _ in Counter(r["answer"] for r in members if r.get("answer")).most_common(2)],
            }
        )
    out.sort(key=lambda x: (-x["people"], -x["asked"], x["question"]))
    for x in out[:NEAREST_FOR]:
        near = nearest(x["question"]) if nearest else None
        # named only when near enough to be a plausible match (NEAREST_MIN; scripts/nearest_eval.py)
        x["nearest"] = near if near and near.get("similarity", 1.0) >= NEAREST_MIN else None
        x["nothing_close"] = near is not None and x["nearest"] is None
    return out


def build(
    log_path: Path,
    since: float = 0.0,
    *,
    embed=None,
    nearest=None,
    documents: list[str] | None = None,
    center: np.ndarray | None = None,
) -> dict:
    """The report as a dict (see the module's docstring). `embed(texts)` gives question vectors the log lacks;
    `nearest(question)` the nearest FAQ entry or section; `documents` every document of the index; `center` the
    generic questions' mean in the embedder's space (cluster)."""
    t0 = time.perf_counter()
    rows = read_rows(log_path, since)
    gap_rows = [  # small talk and requests for a person are no gap in the articles
        r
        for r in rows
        if not r.get("turn")
        and (not r["grounded"] or (r["confidence"] is not None and r["confidence"] < LOW_CONFIDENCE))
    ]
    down_rows = [r for r in rows if r["feedback"] == "down"]
    embed = embed or (lambda texts: np.zeros((len(texts), 384), dtype=np.float32))
    gaps = _group_rows(gap_rows, _vectors(gap_rows, embed), nearest, center) if gap_rows else []
    # what the operator did from the report (bot/insights/answers.py): dismissed rows left out, answered ones marked
    from bot.insights.answers import marks, norm

    answered, dismissed = marks(Path(log_path).parent)
    gaps = [g for g in gaps if not any(norm(w) in dismissed for w in [g["question"], *g["examples"]])]
    for g in gaps:
        when = [answered[norm(w)] for w in [g["question"], *g["examples"]] if norm(w) in answered]
        g["answered"] = time.strftime("%Y-%m-%d", time.gmtime(max(when))) if when else None
    down = _group_rows(down_rows, _vectors(down_rows, embed), None, center) if down_rows else []

    daily: dict[str, dict] = {}
    # every day of the period, a day without questions as zeros (at most MAX_DAYS, the latest)
    first = since or min((r["ts"] for r in rows), default=time.time())
    last = time.time()
    first = max(first, last - MAX_DAYS * 86400)
    for k in range(int((last - first) // 86400) + 2):
        day = time.strftime("%Y-%m-%d", time.gmtime(first + k * 86400))
        if day <= time.strftime("%Y-%m-%d", time.gmtime(last)):
            daily[day] = {"day": day, "questions": 0, "answered": 0, "abstained": 0, "up": 0, "down": 0}
    for r in rows:
        if r.get("turn"):  # a greeting, thanks, a person wanted: no question answered or not
            continue
        day = time.strftime("%Y-%m-%d", time.gmtime(r["ts"]))
        d = daily.setdefault(day, {"day": day, "questions": 0, "answered": 0, "abstained": 0, "up": 0, "down": 0})
        d["questions"] += 1
        d["answered" if r["grounded"] else "abstained"] += 1
        if r["feedback"] in ("up", "down"):
            d[r["feedback"]] += 1
    docs, sections = Counter(), Counter()
    for r in rows:
        try:
            cites = json.loads(r["citations"] or "[]")
        except ValueError:
            cites = []
        for src in {c[0] for c in cites if c}:
            docs[src] += 1
        for src, sec in {(c[0], c[1]) for c in cites if c}:
            sections[f"{src} — {sec}"] += 1
    never = sorted(set(documents or []) - set(docs))
    return {
        "since": since,
        "generated": time.time(),
        "questions": len(rows),
        "answered": sum(1 for r in rows if r["grounded"]),
        "gaps": gaps,
        "downvoted": down,
        "daily": [daily[k] for k in sorted(daily)],
        "cited_documents": [{"source": s, "answers": n} for s, n in docs.most_common(20)],
        "cited_sections": [{"section": s, "answers": n} for s, n in sections.most_common(20)],
        "never_cited": never,
        "seconds": round(time.perf_counter() - t0, 3),
    }


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell):
    """A cell a spreadsheet shows as text: one that starts like a formula (=, +, -, @, tab, CR) gets a leading
    apostrophe (OWASP's advice against CSV injection). Questions are typed by anyone."""
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_START) else cell


def _date(ts) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts)) if ts else ""


def to_csv(rep: dict) -> str:
    """One row per cluster: the gaps, then the 👎 answers. Every text cell is inert in a spreadsheet."""
    f = io.StringIO()
    w = csv.writer(f)
    w.writerow(["kind", "people", "asked", "abstained", "question", "examples", "nearest", "answer_given",
                "first_asked", "last_asked", "answered_on"])  # fmt: skip
    for kind, items in (("gap", rep["gaps"]), ("downvoted", rep["downvoted"])):
        for x in items:
            near = x.get("nearest") or {"label": NOTHING_CLOSE if x.get("nothing_close") else ""}
            row = [kind, x["people"], x["asked"], x["abstained"], x["question"], " | ".join(x["examples"]),
                   near.get("label", ""), (x["answers"] or [""])[0] if kind == "downvoted" else "",
                   _date(x.get("first")), _date(x.get("last")), x.get("answered") or ""]  # fmt: skip
            w.writerow([inert(c) for c in row])
    return f.getvalue()


def to_markdown(rep: dict) -> str:
    def cell(s) -> str:
        return str(s).replace("|", "\\|").replace("\n", " ")

    lines = [f"# Knowledge gaps ({rep['questions']} questions, {rep['answered']} answered)", ""]
    lines += ["## What the articles don't answer", "", "| people | asked | question | other wordings | nearest |",
              "| ---: | ---: | --- | --- | --- |"]  # fmt: skip
    for x in rep["gaps"]:
        near = (x.get("nearest") or {}).get("label", NOTHING_CLOSE if x.get("nothing_close") else "")
        others = cell("; ".join(x["examples"][1:4]))
        lines.append(f"| {x['people']} | {x['asked']} | {cell(x['question'])} | {others} | {cell(near)} |")
    lines += ["", "## 👎 answers", "", "| people | asked | question | answer given |", "| ---: | ---: | --- | --- |"]
    for x in rep["downvoted"]:
        lines.append(
            f"| {x['people']} | {x['asked']} | {cell(x['question'])} | {cell((x['answers'] or [''])[0][:200])} |"
        )
    lines += [
        "",
        "## Per day",
        "",
        "| day | questions | answered | abstained | 👍 | 👎 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for d in rep["daily"]:
        lines.append(
            f"| {d['day']} | {d['questions']} | {d['answered']} | {d['abstained']} | {d['up']} | {d['down']} |"
        )
    lines += ["", "## Most cited", ""]
    lines += [f"- {cell(x['source'])}: {x['answers']}" for x in rep["cited_documents"]]
    lines += ["", "## Never cited", ""] + [f"- {cell(s)}" for s in rep["never_cited"]]
    return "\n".join(lines) + "\n"


def for_bot(bot) -> dict:
    """build()'s keyword arguments from a Bot: `embed` (its embedder's query vectors; batched), `nearest`,
    `documents` (its index's) and `center` (the generic questions' mean by its embedder: bot/answers/offtopic.py)."""

    def embed(texts: list[str]) -> np.ndarray:
        # through the embedder's own queue (its C engine takes one call at a time), 64 questions a call
        many = getattr(bot.embedder, "embed_queries_np", None)
        if many is not None:
            return np.concatenate([many(texts[i : i + 64]) for i in range(0, len(texts), 64)])
        return np.stack([bot.embedder.embed_query_np(t) for t in texts])

    def nearest(question: str) -> dict | None:
        try:
            hits = bot.retrieve(question, 1)
        except Exception:  # noqa: BLE001 - an odd logged question: no nearest entry
            return None
        if not hits:
            return None
        c = hits[0].chunk
        label = f"FAQ: {c.question} ({c.source})" if c.question else f"{c.section} ({c.source})"
        return {"label": label, "source": c.source, "section": c.section, "question": c.question,
                "similarity": round(max(hits[0].dense, hits[0].faq), 3)}  # fmt: skip

    from bot.answers import offtopic

    center = offtopic.vectors(bot.embedder).mean(axis=0)
    return {
        "embed": embed,
        "nearest": nearest,
        "documents": sorted(bot.index.manifest.get("files", {})),
        "center": center,
    }


__all__ = ["JOIN", "JOIN_RAW", "build", "centred", "cluster", "for_bot", "parse_since", "to_csv", "to_markdown"]
