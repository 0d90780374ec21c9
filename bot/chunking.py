"""Documents -> Chunks, token-aware (cl100k). Pure functions."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from itertools import groupby

from .corpus import Block, Document
from .text import sentence_spans
from .tokens import count_tokens

MIN_TOKENS = 60  # paragraphs shorter than this are merged with a neighbour when a section is split


@dataclass
class Sentence:
    start: int
    end: int
    text: str  # verbatim: Document.text[start:end]


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

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Chunk:
        d = dict(d)
        d["sentences"] = [Sentence(**s) for s in d["sentences"]]
        return cls(**d)


def _sentences(doc: Document, block: Block) -> list[Sentence]:
    out = []
    for s, e in block.spans:
        for a, b in sentence_spans(doc.text, s, e):
            out.append(Sentence(a, b, doc.text[a:b]))
    return out


def _block_text(doc: Document, block: Block) -> str:
    body = " ".join(doc.text[s:e] for s, e in block.spans)
    if block.kind == "row":
        return f"{block.key}: {body}"
    return body


def _make(doc: Document, kind: str, section: str, blocks: list[Block], text: str, question=None) -> Chunk:
    heading = doc.title if section == doc.title else f"{doc.title} — {section}"
    sentences = []
    for b in blocks:
        sentences.extend(_sentences(doc, b))
    spans = [sp for b in blocks for sp in b.spans]
    return Chunk(
        id="",
        source=doc.source,
        title=doc.title,
        section=section,
        kind=kind,
        text=text,
        embed_text=f"{heading}\n{text}",
        start=min(s for s, _ in spans),
        end=max(e for _, e in spans),
        sentences=sentences,
        question=question,
    )


def _split_long(doc: Document, block: Block, max_tokens: int) -> list[Block]:
    """A paragraph longer than max_tokens -> consecutive sentence windows that fit."""
    parts: list[Block] = []
    cur: list[tuple[int, int]] = []
    size = 0
    for s, e in (sp for span in block.spans for sp in sentence_spans(doc.text, *span)):
        n = count_tokens(doc.text[s:e])
        if cur and size + n > max_tokens:
            parts.append(Block(block.kind, block.section, cur))
            cur, size = [], 0
        cur.append((s, e))
        size += n
    if cur:
        parts.append(Block(block.kind, block.section, cur))
    return parts


def chunk_document(doc: Document, max_tokens: int = 400) -> list[Chunk]:
    chunks: list[Chunk] = []
    for (kind, section), group in groupby(doc.blocks, key=lambda b: (b.kind, b.section)):
        blocks = list(group)
        if kind == "faq":
            for b in blocks:
                answer = _block_text(doc, b)
                chunks.append(_make(doc, "faq", section, [b], f"{b.question}\n{answer}", question=b.question))
            continue
        texts = [_block_text(doc, b) for b in blocks]
        sep = "\n" if kind == "row" else "\n\n"
        whole = sep.join(texts)
        if count_tokens(whole) <= max_tokens:
            chunks.append(_make(doc, "table" if kind == "row" else "section", section, blocks, whole))
            continue
        # Too big: one chunk per paragraph (tiny ones merged forward), long paragraphs split by sentence.
        units: list[list[Block]] = []
        pending: list[Block] = []
        for b, t in zip(blocks, texts):
            n = count_tokens(t)
            if n > max_tokens:
                if pending:
                    units.append(pending)
                    pending = []
                units.extend([p] for p in _split_long(doc, b, max_tokens))
                continue
            pending.append(b)
            size = sum(count_tokens(_block_text(doc, x)) for x in pending)
            if kind == "row" and size < max_tokens // 2:
                continue
            if size >= MIN_TOKENS:
                units.append(pending)
                pending = []
        if pending:
            if units and sum(count_tokens(_block_text(doc, x)) for x in units[-1] + pending) <= max_tokens:
                units[-1] = units[-1] + pending
            else:
                units.append(pending)
        for unit in units:
            text = sep.join(_block_text(doc, b) for b in unit)
            chunks.append(_make(doc, "table" if kind == "row" else "part", section, unit, text))
    _assign_ids(chunks)
    return chunks


def _assign_ids(chunks: list[Chunk]) -> None:
    """Stable ids: source path + content hash (+ an ordinal for repeated identical chunks)."""
    seen: dict[str, int] = {}
    for c in chunks:
        h = hashlib.sha1(f"{c.source}\0{c.embed_text}".encode()).hexdigest()[:20]
        n = seen.get(h, 0)
        seen[h] = n + 1
        c.id = h if n == 0 else f"{h}-{n}"
