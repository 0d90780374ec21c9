"""Article files -> Documents: title, sections, paragraphs, FAQ pairs and table rows; boilerplate removed.

Every block keeps the character spans of its citable text in the decoded source, so a quote taken
from a span is verbatim text of the file.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .errors import CorpusNotFound

log = logging.getLogger(__name__)

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}

BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^image\b.*\.(png|jpe?g|gif|webp|svg|avif)$",
        r"^\S+\.(png|jpe?g|gif|webp|svg|avif)$",
        r"^leave a (comment|reply)$",
        r"^your email address will not be published\b.*",
        r"^required fields are marked\b.*",
        r"^scroll to top$",
        r"^(subtotal|total|cart|menu|search|share|share this|skip to content|read more|related posts?)$",
        r"^[\d\s.,%$€£]{1,8}$",
        r"^(previous|next) (post|article)\b.*",
        r"^(copyright|©)\s.*",
        r"^post navigation$",
        r"^(facebook|twitter|linkedin|pinterest|whatsapp|email|print)(\s*[|/·,]\s*\w+)*$",
    )
]
FAQ_HEADING = re.compile(r"^(frequently asked questions|faqs?|questions and answers|q\s*&\s*a)\b", re.IGNORECASE)
_SMALL = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with", "vs"}


@dataclass
class Block:
    kind: str  # "paragraph" | "faq" | "row"
    section: str
    spans: list[tuple[int, int]]  # citable text, as offsets into Document.text
    question: str | None = None  # FAQ question
    key: str | None = None  # table row key


@dataclass
class Document:
    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    text: str  # decoded source text (for HTML: the extracted text)
    sha256: str
    blocks: list[Block] = field(default_factory=list)


def is_boilerplate(line: str) -> bool:
    s = line.strip()
    return not s or any(p.match(s) for p in BOILERPLATE)


def _heading_like(line: str) -> bool:
    s = line.strip()
    n = len(s.split())
    return 0 < n <= 14 and len(s) <= 110 and s[-1] not in '.,;:!"”|' and not s.endswith("...") and not s.startswith("|")


def _split_row(line: str) -> tuple[str, int] | None:
    """Split a flattened table row 'Key Phrase Detail sentence…' -> (key, offset of detail)."""
    toks = list(re.finditer(r"\S+", line))
    for k in range(2, min(6, len(toks) - 2)):
        key_last = toks[k - 1].group()
        nxt = toks[k].group()
        key_words = [t.group() for t in toks[:k]]
        if not all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL for w in key_words):
            return None
        if key_last.lower() in _SMALL or key_last[-1] in "’'":
            continue
        if nxt[:1].isupper() or nxt[:1].isdigit():
            return " ".join(key_words), toks[k].start()
    return None


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    for line in text[start:end].split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _paragraph_blocks(text: str) -> list[list[tuple[int, int]]]:
    """Blank-line separated blocks, each a list of its non-empty line spans."""
    blocks, pos = [], 0
    for m in re.finditer(r"\n[ \t\r]*\n|\Z", text):
        lines = _lines(text, pos, m.start())
        if lines:
            blocks.append(lines)
        pos = m.end()
    return blocks


def parse_text(source: str, text: str, sha: str, markdown: bool = False) -> Document:
    """Recover title, sections, FAQ pairs and tables from a plain-text (or markdown) article."""
    title = None
    section = ""
    doc = Document(source=source, title="", text=text, sha256=sha)
    in_faq = False
    pending_q: str | None = None
    for lines in _paragraph_blocks(text):
        lines = [(s, e) for s, e in lines if not is_boilerplate(text[s:e])]
        if not lines:
            continue
        first = text[lines[0][0] : lines[0][1]]
        md_heading = markdown and first.startswith("#")
        if len(lines) == 1 and (md_heading or (_heading_like(first) and not first.endswith("?"))):
            s, e = lines[0]
            if markdown:
                s += len(first) - len(first.lstrip("#"))
                while s < e and text[s].isspace():
                    s += 1
            heading = text[s:e].strip().strip("*").strip()
            if in_faq and heading.endswith("?"):
                pending_q = heading
                continue
            if title is None and not doc.blocks:
                title = heading
                section = heading
                continue
            section = heading
            in_faq = bool(FAQ_HEADING.match(heading))
            pending_q = None
            continue
        if len(lines) == 1 and first.rstrip().endswith("?") and len(first) < 300 and in_faq:
            pending_q = first.strip().strip("*").strip()
            continue
        if len(lines) >= 3 and _heading_like(first) and len(first.split()) <= 6:
            rows = [(s, e, _split_row(text[s:e])) for s, e in lines[1:]]
            if sum(r is not None for *_, r in rows) >= max(2, len(rows) - 1):
                table = first.strip()
                section = table.split("  ")[0]
                head = table.split()
                if len(head) >= 2:  # "Key Points Details" -> section "Key Points"
                    section = " ".join(head[:-1])
                in_faq = False
                for s, e, r in rows:
                    if r is None:
                        doc.blocks.append(Block("paragraph", section, [(s, e)]))
                    else:
                        key, off = r
                        doc.blocks.append(Block("row", section, [(s + off, e)], key=key))
                continue
        if markdown:
            lines = [_strip_md(text, s, e) for s, e in lines]
        if pending_q is not None:
            doc.blocks.append(Block("faq", section, lines, question=pending_q))
            pending_q = None
            continue
        doc.blocks.append(Block("paragraph", section, lines))
    doc.title = title or Path(source).stem.replace("_", " ").replace("-", " ")
    for b in doc.blocks:
        if not b.section:
            b.section = doc.title
    return doc


def _strip_md(text: str, s: int, e: int) -> tuple[int, int]:
    m = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*)", text[s:e])
    return (s + m.end(), e) if m and m.end() < e - s else (s, e)


class _HTMLText(HTMLParser):
    """Collects headings, paragraphs, list items and table rows as lines of text."""

    SKIP = {"nav", "footer", "script", "style", "noscript", "template", "svg", "form", "aside", "head"}
    BLOCK = {"p", "li", "dd", "dt", "blockquote", "pre", "figcaption", "caption", "div", "section", "article"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.buf: list[str] = []
        self.skip = 0
        self.heading = 0
        self.cells: list[str] | None = None
        self.rows: list[str] | None = None

    def _flush(self, prefix: str = "") -> None:
        s = " ".join("".join(self.buf).split())
        self.buf = []
        if s:
            self.out.append(prefix + s)

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif self.skip:
            return
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._flush()
            self.heading = int(tag[1])
        elif tag == "table":
            self._flush()
            self.rows = []
        elif tag == "tr":
            self._flush()
            self.cells = []
        elif tag in {"td", "th"} and self.cells is not None:
            self.buf = []
        elif tag == "br":
            self.buf.append(" ")
        elif tag in self.BLOCK:
            self._flush()

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(0, self.skip - 1)
        elif self.skip:
            return
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self._flush("#" * (self.heading or 1) + " ")
            self.heading = 0
        elif tag in {"td", "th"} and self.cells is not None:
            self.cells.append(" ".join("".join(self.buf).split()))
            self.buf = []
        elif tag == "tr" and self.cells is not None:
            cells = [c for c in self.cells if c]
            if cells:
                row = "| " + " | ".join(cells) + " |"
                (self.rows if self.rows is not None else self.out).append(row)
            self.cells = None
        elif tag == "table" and self.rows is not None:
            if self.rows:
                self.out.append("\n".join(self.rows))
            self.rows = None
        elif tag in self.BLOCK:
            self._flush()

    def handle_data(self, data):
        if not self.skip:
            self.buf.append(data)


def parse_html(source: str, raw: str, sha: str) -> Document:
    p = _HTMLText()
    p.feed(raw)
    p.close()
    p._flush()
    text = "\n\n".join(p.out) + "\n"
    return parse_markdown(source, text, sha)


def parse_markdown(source: str, text: str, sha: str) -> Document:
    """Markdown: '#' headings, lists, and pipe tables (one 'key: detail' row each)."""
    doc = parse_text(source, text, sha, markdown=True)
    blocks = []
    for b in doc.blocks:
        s, e = b.spans[0]
        line = text[s:e]
        if len(b.spans) == 1 and line.startswith("|") and line.endswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            if len(cells) >= 2:
                first = text.index(cells[1], s) if cells[1] else s
                blocks.append(Block("row", b.section, [(first, e - 1)], key=cells[0]))
                continue
        blocks.append(b)
    # pipe tables arrive as one block of many lines: split them into rows
    out = []
    for b in blocks:
        lines = [text[s:e] for s, e in b.spans]
        if len(lines) > 1 and all(ln.startswith("|") for ln in lines):
            header = None
            for s, e in b.spans:
                cells = [c.strip() for c in text[s:e].strip().strip("|").split("|")]
                if all(set(c) <= set("-: ") for c in cells):
                    continue
                if header is None:
                    header = cells
                    continue
                if len(cells) >= 2 and cells[1]:
                    first = text.index(cells[1], s)
                    last = text.rindex(cells[-1], s, e) + len(cells[-1])
                    out.append(Block("row", b.section, [(first, last)], key=cells[0]))
            continue
        out.append(b)
    doc.blocks = out
    return doc


def read_document(path: Path, root: Path) -> Document:
    """Read and parse one article. Raises ValueError (with the reason) when it can't be read."""
    raw = path.read_bytes()
    source = path.relative_to(root).as_posix()
    sha = hashlib.sha256(raw).hexdigest()
    if b"\x00" in raw[:8192]:
        raise ValueError("looks like a binary file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"is not valid UTF-8 ({e.reason} at byte {e.start}); save it as UTF-8") from None
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"}:
        doc = parse_html(source, text, sha)
    elif suffix in {".md", ".markdown"}:
        doc = parse_markdown(source, text, sha)
    else:
        doc = parse_text(source, text, sha)
    if not doc.blocks:
        raise ValueError("has no readable text")
    return doc


def list_files(root: Path) -> list[Path]:
    """Article files under root, recursively, sorted; hidden files and folders skipped."""
    if not root.is_dir():
        raise CorpusNotFound(
            f"Corpus folder {root} does not exist. Create it and put .txt, .md or .html articles in it, "
            "or pass --corpus DIR (setting BOT_CORPUS_DIR)."
        )
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
