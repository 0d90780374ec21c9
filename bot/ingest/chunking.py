"""Documents -> Chunks, token-aware (cl100k). Pure functions."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, replace
from itertools import groupby

from bot.ingest.corpus import Block, Document
from bot.ingest.text import sentence_spans
from bot.ingest.tokens import count_tokens

MIN_TOKENS = 60  # paragraphs shorter than this are merged with a neighbour when a section is split


@dataclass
class Sentence:
    start: int
    end: int
    text: str  # verbatim: Document.text[start:end]
    block: int = 0  # the paragraph or list item it belongs to (numbered within the chunk)
    gap: str = ""  # the text between the previous sentence of its block and this one (verbatim; "" for the first)
    item: bool = False  # it is part of a list item
    # a table cell under a header row: its row and column ("Pier 1 to Saltmarsh — Last sailing"), what a reader
    # needs to know what the cell's text is; embedded and shown with it, never part of the quote
    label: str | None = None
    column: str | None = None  # that cell's column name alone ("Last sailing"); its row is its block
    ordered: bool = False  # an item of a numbered list ("1. Sign in…"): numbered where it is quoted
    code: bool = False  # a line of a code block: quoted with the sentence that introduces it, never as the answer


@dataclass
class Chunk:
    id: str
    source: str
    title: str
    section: str
    kind: str  # "section" | "part" | "faq" | "table"
    text: str  # what a reader sees: paragraphs, "Q\nA" for FAQ, "key: detail" lines for tables
    embed_text: str  # heading prepended: what gets embedded and keyword-indexed
    start: int
    end: int
    sentences: list[Sentence] = field(default_factory=list)
    question: str | None = None
    entry: str | None = None  # FAQ entry id, "<source>#<n>": the parts of one long answer share it
    anchor: str | None = None  # the page's own id for the entry or section, where it has one
    lang: str = "en"  # the document's language (bot/ingest/lang.py)
    lead: str | None = None  # FAQ chunks: the entry's question and the first words of its answer (embedded)
    pages: list[list[int]] | None = None  # PDF: [offset, page] at the start of each page the chunk is on
    also_asked: list[str] | None = None  # FAQ chunks: other wordings of the question, matched like it
    key_header: str | None = None  # table chunks: the name of the rows' key column ("CO2 emissions"), where it has one

    def page_at(self, offset: int) -> int | None:
        """The PDF page a character of the document is on."""
        if not self.pages:
            return None
        page = self.pages[0][1]
        for o, n in self.pages:
            if o > offset:
                break
            page = n
        return page

    def sentence_for(self, quote: str) -> Sentence | None:
        """The sentence a quote from this chunk is, or lies in (or, for a quote of several, its first)."""
        return next((s for s in self.sentences if s.text == quote), None) or next(
            (s for s in self.sentences if quote and (quote in s.text or s.text in quote)), None
        )

    def span_for(self, quote: str) -> tuple[int | None, int | None]:
        """Where a quote from this chunk is in the document's text: (start, end), or (None, None)."""
        s = self.sentence_for(quote)
        if s is None:
            return None, None
        if s.text == quote:
            return s.start, s.end
        i = s.text.find(quote)
        return (s.start + i, s.start + i + len(quote)) if i >= 0 else (s.start, s.end)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        d = dict(d)
        d["sentences"] = [Sentence(**s) for s in d["sentences"]]
        return cls(**d)

    def blocks(self) -> list[tuple[str, list[Sentence]]]:
        """The chunk's paragraphs and list items in order: (verbatim text, its sentences)."""
        out: list[tuple[str, list[Sentence]]] = []
        for s in self.sentences:
            if out and out[-1][1][-1].block == s.block:
                out[-1] = (out[-1][0] + s.gap + s.text, [*out[-1][1], s])
            else:
                out.append((s.text, [s]))
        return out


def cell_label(key: str | None, header: str) -> str:
    """A table cell's row and column: "Pier 1 to Saltmarsh — Last sailing" (the row key alone when its column
    has no name, the column alone when the row has no key)."""
    return " — ".join(x for x in ((key or "").strip(), header.strip()) if x)


_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+$")


def _sentences(doc: Document, block: Block, n: int = 0) -> list[Sentence]:
    """The block's sentences, all numbered `n` (their block within the chunk), with the verbatim gaps between.
    A table row under a header row: each cell's sentences carry its row and column (Sentence.label)."""
    out = []
    ordered = False
    if block.item and block.spans:  # "1. " or "2) " before the item on its line, or an HTML <ol>'s item
        s0 = block.spans[0][0]
        ordered = block.ordered or _NUMBERED.match(doc.text[doc.text.rfind("\n", 0, s0) + 1 : s0]) is not None
    for j, (s, e) in enumerate(block.spans):
        column = block.headers[j] if block.headers and j < len(block.headers) else None
        label = cell_label(block.key, column) if column is not None else None
        for a, b in sentence_spans(doc.text, s, e, doc.lang):
            gap = doc.text[out[-1].end : a] if out else ""
            out.append(Sentence(a, b, doc.text[a:b], n, gap, block.item, label or None, column, ordered, block.code))
    return out


def _block_text(doc: Document, block: Block) -> str:
    if block.headers:  # a table row (also in an FAQ entry's answer): a line per cell, with its row and column
        return "\n".join(
            f"{cell_label(block.key, h)}: {doc.text[s:e]}" for (s, e), h in zip(block.spans, block.headers)
        )
    body = " ".join(doc.text[s:e] for s, e in block.spans)
    if block.kind == "row":
        return f"{block.key}: {body}"
    if block.item:
        return f"- {body}"
    return body


def _make(doc: Document, kind: str, section: str, blocks: list[Block], text: str, question=None) -> Chunk:
    heading = _heading(doc, section)
    sentences = []
    for n, b in enumerate(blocks):
        sentences.extend(_sentences(doc, b, n))
    spans = [sp for b in blocks for sp in b.spans]
    first = blocks[0]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    pages = None
    if doc.pages:
        before = [i for i, (o, _) in enumerate(doc.pages) if o <= start]
        pages = [[o, n] for o, n in doc.pages[before[-1] if before else 0 :] if o <= end]
    return Chunk(
        id="",
        source=doc.source,
        title=doc.title,
        section=section,
        kind=kind,
        text=text,
        embed_text=f"{heading}\n{text}",
        start=start,
        end=end,
        sentences=sentences,
        question=question,
        entry=f"{doc.source}#{first.entry}" if first.entry is not None else None,
        anchor=first.anchor,
        lang=doc.lang,
        pages=pages,
        key_header=next((b.key_header for b in blocks if b.key_header), None),
    )


def _fitting_pieces(text: str, span: tuple[int, int], max_tokens: int, lang: str = "en") -> list[tuple[int, int]]:
    """Sentences of the span; a sentence longer than max_tokens is cut at word boundaries."""
    out = []
    for s, e in sentence_spans(text, *span, lang):
        if count_tokens(text[s:e]) <= max_tokens:
            out.append((s, e))
            continue
        start = s
        last_ok = None
        for m in re.finditer(r"\S+", text[s:e]):
            end = s + m.end()
            if count_tokens(text[start:end]) > max_tokens and last_ok is not None:
                out.append((start, last_ok))
                start = s + m.start()
            last_ok = end
        out.append((start, e))
    return out


def _split_long(doc: Document, block: Block, max_tokens: int) -> list[Block]:
    """A paragraph longer than max_tokens -> consecutive sentence windows that fit."""
    parts: list[Block] = []
    cur: list[tuple[int, int]] = []
    size = 0
    for s, e in (sp for span in block.spans for sp in _fitting_pieces(doc.text, span, max_tokens, doc.lang)):
        n = count_tokens(doc.text[s:e])
        if cur and size + n > max_tokens:
            parts.append(replace(block, spans=cur))
            cur, size = [], 0
        cur.append((s, e))
        size += n
    if cur:
        parts.append(replace(block, spans=cur))  # like the others: its entry, question and list marks kept
    return parts


def _pack(doc: Document, blocks: list[Block], budget: int) -> list[list[Block]]:
    """Consecutive blocks in groups of at most `budget` tokens (one line each); a longer block is split."""
    parts: list[list[Block]] = []
    cur: list[Block] = []
    size = 0
    for b in blocks:
        n = count_tokens(_block_text(doc, b))
        pieces = [b] if n <= budget else _split_long(doc, b, budget)
        for p in pieces:
            m = n if p is b else count_tokens(_block_text(doc, p))
            if cur and size + 1 + m > budget:
                parts.append(cur)
                cur, size = [], 0
            cur.append(p)
            size += m + (1 if len(cur) > 1 else 0)
    if cur:
        parts.append(cur)
    return parts


def _heading(doc: Document, section: str) -> str:
    return doc.title if section == doc.title else f"{doc.title} — {section}"


def faq_text(c: Chunk) -> str:
    """What an FAQ chunk's question vector is made from: its question, and its other wordings when it has some."""
    return "\n".join([c.question or "", *(c.also_asked or [])])


def _norm_question(q: str) -> str:
    return " ".join(re.findall(r"\w+", (q or "").lower()))


def chunk_document(doc: Document, max_tokens: int = 400, also: dict[str, list[str]] | None = None) -> list[Chunk]:
    """Sections stay whole when they fit; otherwise one chunk per paragraph (tiny ones merged,
    long ones split by sentence). The heading prepended to the embedded text counts towards the limit. `also`:
    other wordings for this document's FAQ questions (by question, lower-cased words), from the answers file the
    admin page writes (bot/insights/answers.py), given to those entries like their own "also asked"."""
    chunks: list[Chunk] = []
    for (kind, section, _), group in groupby(doc.blocks, key=lambda b: (b.kind, b.section, b.entry)):
        blocks = list(group)
        budget = max(20, max_tokens - count_tokens(_heading(doc, section)) - 1)
        if kind == "faq":  # one FAQ entry: whole when it fits, else in parts that each carry its question
            q = blocks[0].question or ""
            room = max(20, budget - count_tokens(q) - 1)
            for part in _pack(doc, blocks, room):
                text = q + "\n" + "\n".join(_block_text(doc, b) for b in part)
                c = _make(doc, "faq", section, part, text, question=q)
                more = list(blocks[0].also or []) + list((also or {}).get(_norm_question(q), []))
                if more:  # searched and matched by its other wordings too; never quoted
                    c.also_asked = list(dict.fromkeys(more))
                    c.embed_text += "\n" + "\n".join(c.also_asked)
                chunks.append(c)
            continue
        sep = "\n" if kind == "row" else "\n\n"
        sep_n = 1
        sized = [(b, count_tokens(_block_text(doc, b))) for b in blocks]
        if sum(n for _, n in sized) + sep_n * (len(sized) - 1) <= budget:
            whole = sep.join(_block_text(doc, b) for b in blocks)
            chunks.append(_make(doc, "table" if kind == "row" else "section", section, blocks, whole))
            continue
        units: list[list[Block]] = []
        pending: list[Block] = []
        size = 0
        for b, n in sized:
            if n > budget:
                if pending:
                    units.append(pending)
                    pending, size = [], 0
                units.extend([p] for p in _split_long(doc, b, budget))
                continue
            if pending and size + sep_n + n > budget:
                units.append(pending)
                pending, size = [], 0
            pending.append(b)
            size += n + (sep_n if len(pending) > 1 else 0)
            target = budget // 2 if kind == "row" else MIN_TOKENS
            if size >= target:
                units.append(pending)
                pending, size = [], 0
        if pending:
            last = units[-1] if units else None
            if last is not None and sum(count_tokens(_block_text(doc, x)) + sep_n for x in last) + size <= budget:
                units[-1] = last + pending
            else:
                units.append(pending)
        for unit in units:
            text = sep.join(_block_text(doc, b) for b in unit)
            chunks.append(_make(doc, "table" if kind == "row" else "part", section, unit, text))
    _assign_leads(chunks)
    _assign_ids(chunks)
    return chunks


def merge_parts(parts: list[Chunk]) -> Chunk:
    """The parts of one long FAQ entry as one chunk: its question once, then every part's answer in order."""
    first = parts[0]
    if len(parts) == 1:
        return first
    sentences, lines, base = [], [first.question or ""], 0
    for p in parts:
        for s in p.sentences:
            sentences.append(replace(s, block=s.block + base))
        base = (sentences[-1].block + 1) if sentences else base
        lines.append(p.text.split("\n", 1)[1] if "\n" in p.text else p.text)
    text = "\n".join(lines)
    pages = sorted({tuple(x) for p in parts for x in (p.pages or [])}) or None
    return replace(
        first,
        text=text,
        embed_text=text,
        end=parts[-1].end,
        sentences=sentences,
        pages=[list(x) for x in pages] if pages else None,
    )


LEAD_WORDS = 40  # how much of an answer the entry's "lead" embedding sees (bot/answers/faq.json was fitted with it)


def lead_text(question: str, sentences: list[Sentence]) -> str:
    """An entry as its question and the opening words of its answer: what users' paraphrases match best
    (scripts/fit_faq.py compares it with the question alone and the whole entry)."""
    words = " ".join(s.text for s in sentences).split()[:LEAD_WORDS]
    return f"{question}\n{' '.join(words)}"


def _assign_leads(chunks: list[Chunk]) -> None:
    first: dict[str, Chunk] = {}
    for c in chunks:
        if c.entry:
            head = first.setdefault(c.entry, c)
            c.lead = lead_text(c.question or "", head.sentences)


def _assign_ids(chunks: list[Chunk]) -> None:
    """Stable ids: a hash of the whole chunk, its source, text, offsets, language and every other field (+ an
    ordinal for repeated identical chunks). A chunk whose text is the same but whose record is not gets a new id,
    and so its new record: a sentence added at a document's start had left the later chunks' offsets stale (the
    source viewer highlighted other words), and a document's language read anew was not applied. Its vectors come
    from the embedding cache: the texts are the same."""
    seen: dict[str, int] = {}
    for c in chunks:
        record = json.dumps({**asdict(c), "id": ""}, sort_keys=True, ensure_ascii=False)
        h = hashlib.sha1(f"{c.source}\0{record}".encode()).hexdigest()[:20]
        n = seen.get(h, 0)
        seen[h] = n + 1
        c.id = h if n == 0 else f"{h}-{n}"
