"""Article files -> Documents: title, sections, paragraphs, FAQ pairs and table rows; boilerplate removed.

Every block keeps the character spans of its citable text in the document's text, so a quote taken
from a span is verbatim text of the file as its reader sees it: a text file's own characters, an HTML page's
visible text, a Markdown file without its inline mark-up and with its hard-wrapped paragraphs whole
(bot/ingest/mdplain.py), a PDF's or Word file's extracted text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CorpusNotFound
from bot.ingest.lang import is_question
from bot.ingest.text import CELL_BAR, trimmed

log = logging.getLogger(__name__)

SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
MAX_FILE_BYTES = 50_000_000  # a larger file is skipped, by name (BOT_MAX_FILE_MB)


@dataclass(frozen=True)
class ReadLimits:
    """What one document may cost to read (settings BOT_MAX_FILE_MB, BOT_MAX_UNPACKED_MB, and for PDF and Word
    files, read in a child process: BOT_READ_MEMORY_MB, BOT_READ_TIMEOUT_S)."""

    max_file_bytes: int = MAX_FILE_BYTES
    max_unpacked_bytes: int = 100_000_000
    memory_mb: int = 1024
    timeout_s: float = 60.0

    @classmethod
    def of(cls, settings) -> ReadLimits:
        return cls(
            settings.max_file_mb * 1_000_000,
            settings.max_unpacked_mb * 1_000_000,
            settings.read_memory_mb,
            settings.read_timeout_s,
        )

    def key(self) -> str:
        """What a failure met: a file that failed is read again when any of these is raised."""
        return f"{self.max_file_bytes}/{self.max_unpacked_bytes}/{self.memory_mb}/{self.timeout_s:g}"


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
        r"^share (this|on|via)\b.{0,60}$",
        r"^(print|email|e-mail) this (page|article)$",
        r"^(back to top|top of page|on this page|table of contents|contents)$",
        r"^(we|this (web)?site|our (web)?site) uses? cookies\b.*",
        r"^(accept|reject|decline|manage|allow)( all)?( cookies)?$",
        r"^cookie (settings|preferences|policy|notice)$",
        r"^(was this (page|answer|article) (helpful|useful)\??|yes\s*/?\s*no)$",
        r"^(sources?|quellen?|fuentes?)\s*:\s*[^.!?]{0,80}$",  # "Source: World Health Organization (WHO)"
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
    # a table row under a header row: the column name of each span (one span per cell), "" where it has none
    headers: list[str] | None = None
    key_header: str | None = None  # such a row: the name of its key's column ("CO2 emissions"), where it has one
    entry: int | None = None  # FAQ entry number in the document (the blocks of one answer share it)
    anchor: str | None = None  # the page's id for the entry ("#how-does-it-spread"), where it has one
    item: bool = False  # a list item
    ordered: bool = False  # an item of a numbered list whose number is not in the text (an HTML <ol>)
    also: list[str] | None = None  # FAQ blocks: other wordings of the question ("<!-- also asked: … -->")
    code: bool = False  # a block of code: its lines are no sentences of prose (chunking.Sentence.code)


@dataclass
class Document:
    source: str  # path relative to the corpus folder, with forward slashes
    title: str
    text: str  # decoded source text (for HTML: the extracted text)
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    lang: str = "en"  # language code (bot/ingest/lang.py), detected per document
    pages: list[tuple[int, int]] | None = None  # PDF: (offset into text, page number) where each page starts
    url: str | None = None  # a page fetched from a website (bot/ingest/crawl.py): its URL


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
        s, e = trimmed(text, pos, pos + len(line))
        pos += len(line) + 1
        if e > s:
            out.append((s, e))
    return out


def _indented(text: str, s: int) -> bool:
    """The line holding offset `s` starts with four spaces or a tab before it (Markdown's code)."""
    lead = text[text.rfind("\n", 0, s) + 1 : s]
    return not lead.strip() and (len(lead) >= 4 or "\t" in lead)


def _paragraph_blocks(text: str) -> list[list[tuple[int, int]]]:
    """Blank-line separated blocks, each a list of its non-empty line spans."""
    blocks, pos = [], 0
    for m in re.finditer(r"\n[ \t\r]*\n|\Z", text):
        lines = _lines(text, pos, m.start())
        if lines:
            blocks.append(lines)
        pos = m.end()
    return blocks


@dataclass
class Piece:
    """One step of a document in reading order, before sections and FAQ entries are assembled."""

    kind: str  # "heading" | "text" | "row" | "question" (a bold or "Q:" question) | "entry" | "end" (of an entry)
    # | "also" (other wordings of the entry's question, in `label`, a line each)
    spans: list[tuple[int, int]] = field(default_factory=list)
    level: int = 2  # headings: 1-6
    label: str | None = None  # a heading's text when it is not its span's text ("Key Points" of a table)
    anchor: str | None = None
    item: bool = False  # a list item
    ordered: bool = False  # an item of a numbered list (an HTML <ol>)
    key: str | None = None  # rows: the first cell
    line: tuple[int, int] | None = None  # rows: the whole "key: detail" line
    headers: list[str] | None = None  # rows under a header row: each span's column name (spans: one per cell)
    key_header: str | None = None  # such rows: the key's column name
    strict: bool = False  # headings: a question only when it ends with "?" (plain-text heading lines)
    code: bool = False  # text: a block of code (Markdown's fenced or indented code: every line indented)


_Q_PREFIX = re.compile(
    r"^\s*(?:(?:Q|F|P)\s*[:.)]|(?:Question|Frage|Pregunta|Domanda|Pergunta|Vraag)\s*:)\s*(?=\S)", re.IGNORECASE
)
_A_PREFIX = re.compile(
    r"^\s*(?:(?:A|R)\s*[:.)]|(?:Answer|Antwort|Réponse|Respuesta|Risposta|Resposta|Antwoord)\s*:)\s*(?=\S)",
    re.IGNORECASE,
)
# The parser's version: bumped when the same file parses into other blocks (2: question-and-answer tables, labelled
# bold questions, loose Markdown lists kept in their entry; 3: "Source: …" attribution lines left out; 4: table
# rows under a header row cell by cell, each with its column's name; 5: a PDF table's row whose cells wrap onto
# several printed lines read as one row; 6: a link's screen-reader label for its icon left out; 7: a numbered
# list's items known as numbered; 8: a PDF table that goes on over a page break keeps its header row; 9: a PDF table
# of three columns or more is not taken for a page set in two columns; 10: HTML <ol> and Word numbered lists'
# items known as numbered, an HTML table's caption kept, and the last part of a long paragraph keeps its FAQ
# entry; 11: a Markdown comment is not text, and "<!-- also asked: … -->" gives an entry other wordings; 12: a
# Word table's neighbouring cells that say the same are both kept, only a merged cell is read once; 13: a loosely
# set PDF table's key that wraps at its rows' pitch stays one row with its value; 14: a PDF table's header row whose
# first cell is empty is its header; 15: a document's language told from its prose, not its table rows; 16: a
# chunk's id hashes its whole record, so a record changed with the same text is stored anew; 17: in Markdown with
# "#" headings a short line is text, and nowhere a short line after a paragraph ending in ":"; 18: a Markdown file
# read as its reader sees it, inline mark-up gone and hard-wrapped paragraphs whole, bot/ingest/mdplain.py; 19: a
# statement heading among question headings of its level is an entry too, and Markdown's fenced code is indented;
# 20: Markdown's front matter, wiki links, e-mail autolinks and MkDocs admonitions read as their reader sees them;
# 21: a title from a file name opens with a capital; 22: an HTML label stands apart from its neighbours;
# 23: a table in an FAQ entry's answer keeps its cells' rows and columns; 24: a pipe table right under a paragraph
# line, a one-row pipe table, and one whose first row states values are read as tables, the last two without
# column names; a long YAML front matter goes too; 25: a short line right above a pipe table is its heading;
# 26: Markdown's raw HTML blocks read as rendered, its template tags and kramdown attribute lists gone; 27: such a
# block runs to the end of its first element, and a list item that is one link goes; 28: Spanish "EE. UU." ends no
# sentence; 29: a first "#" heading that asks is the page's title too; 30: Markdown's inline HTML tags (an anchor
# "<a name=…></a>") go, their text stays; 31: an HTML page's contents list (items that are only links to its own
# anchors) is left out; 32: an HTML paragraph's source newlines are white space, a <br> in a table cell a space;
# 33: a Markdown file's HTML blocks read by the HTML pages' reader; 34: a Markdown code block's lines are code, not
# sentences of prose); 35: a Markdown line that is one inline code span and nothing else is a code block too; 36: a
# table cell's own bar ("15.1.x || 15.2.x") stays in its cell: escaped in the table line, as GitHub's Markdown does
# (the Word and PDF readers wrote "/" for it, and a Markdown cell's escaped bars parted cells); 37: a table's rows
# keep the name of their key's column (Block.key_header, Chunk.key_header: "CO2 emissions" over "0", "1-50"); 38: a
# PDF table's row with empty cells stays a row of its table (documents._within), not a paragraph; 39: a Markdown pipe
# table without its outer bars ("Release |Branch Cut" over "--------|----") is a table (mdplain._outer_bars); 40: a
# Markdown heading is a block of its own with no blank line around it ("## Question?" and its answer on the next
# line: an FAQ entry; _heading_apart); 41: a Markdown heading underlined with "=" or "-" is a heading, and a rule
# ("---", "* * *") no text (mdplain._setext, mdplain._rules); 42: an HTML table's neighbouring cells that say the same
# are both kept, only a cell the markup spans is read once (as Word's since 12); 43: a Markdown line's leading "\#"
# keeps its backslash (text, not a heading: the answers file's escaped "#" lines; with 40 they had become headings);
# 44: an HTML cell across columns whose names share no word is named by all of them ("Adultes / Enfants"); 45: a
# PDF's numbered item keeps its number ("3. Open…", not "- Open…"), and a line that starts a sentence after an item
# that ends one, no further right than the item's marker, starts the paragraph after the list; 46: a PDF heading's
# next line at its size, right under it, goes on with it (a title over two lines is one heading).
# An index made by another version reads every file again at its next sync (bot/index/store.py); only texts never
# embedded before are embedded.
PARSER = 46
_LIST_ITEM = re.compile(r"\s*(?:[-*+]\s+|\d+[.)]\s+)")
_BULLET = re.compile(r"\s*[-*+•]\s+")
_BOLD = re.compile(r"(\*\*|__)(.+?)\1\s*")  # a Markdown line opening in bold: "**How do I pay?** …"
_MD_ANCHOR = re.compile(r"\s*\{#([\w:.-]+)\}\s*$")  # pandoc / kramdown heading id: "## Title {#title}"
# A Markdown comment, which a reader never sees; "<!-- also asked: A | B -->" under an FAQ question lists other
# wordings of it (the answers file the admin page writes, bot/insights/answers.py): matched, never quoted
_MD_COMMENT = re.compile(r"\s*<!--(.*?)-->\s*", re.DOTALL)
_ALSO_ASKED = re.compile(r"\s*also asked\s*:\s*(.*)", re.IGNORECASE | re.DOTALL)


_ATX = re.compile(r"#{1,6}(?:[ \t]|$)")  # a Markdown heading line: "## How do I pay?"


def _heading_apart(text: str, lines: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """A Markdown block's lines parted at its heading lines, each heading a block of its own: a heading needs no
    blank line around it ("## How do I unlock a bike?" with its answer on the very next line; a heading right
    under a paragraph), as CommonMark reads it. A browser probe's FAQ page written so had no entries at all."""

    def heading(span: tuple[int, int]) -> bool:  # (not a line of indented code: "    # a comment")
        return _ATX.match(text, *span) is not None and not _indented(text, span[0])

    out: list[list[tuple[int, int]]] = []
    for span in lines:
        if not out or heading(span) or heading(out[-1][0]):
            out.append([])
        out[-1].append(span)
    return out


def slug(heading: str) -> str:
    """The anchor GitHub and most Markdown renderers give a heading: lower case, punctuation dropped, spaces -> -."""
    s = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return re.sub(r" ", "-", s)


def _text_pieces(text: str, markdown: bool, lang: str) -> list[Piece]:
    """Plain text or Markdown -> pieces: headings, paragraphs (list markers dropped), tables, questions."""
    out: list[Piece] = []
    # a Markdown document that marks its headings with "#" has no other headings: a short line there is text ("brew
    # update" after "First update all package definitions and Homebrew itself:" had become a section heading, and
    # the FAQ entry it belongs to lost it: a browser probe); nor is a short line right after a paragraph that ends
    # with ":" a heading anywhere
    marked = markdown and re.search(r"(?m)^#{1,6}\s", text) is not None
    announced = False
    blocks = _paragraph_blocks(text)
    if marked:
        blocks = [part for b in blocks for part in _heading_apart(text, b)]
    for lines in blocks:
        lines = [(s, e) for s, e in lines if not is_boilerplate(text[s:e])]
        if not lines:
            continue
        after_colon, announced = announced, text[lines[-1][0] : lines[-1][1]].rstrip().endswith(":")
        whole = text[lines[0][0] : lines[-1][1]]
        if markdown and (comment := _MD_COMMENT.fullmatch(whole)):
            also = _ALSO_ASKED.match(comment.group(1))
            if also:
                wordings = [" ".join(w.split()) for w in also.group(1).split("|")]
                out.append(Piece("also", [], label="\n".join(w for w in wordings if w)))
            continue
        first = text[lines[0][0] : lines[0][1]]
        if markdown and all(_indented(text, s) for s, _ in lines):
            # code (bot/ingest/mdplain.py indents a fence's lines): its lines are kept, and never read as prose
            out.append(Piece("text", [trimmed(text, s, e) for s, e in lines], code=True))
            continue
        md_heading = markdown and re.match(r"#{1,6}\s", first) is not None
        # a short line is a heading, unless it is a list item: "- Wash your hands" (in plain text, "1. Background"
        # may still be a numbered heading; in Markdown it is a list item, headings there have "#")
        listed = (_LIST_ITEM if markdown else _BULLET).match(first) is not None
        bare = not marked and not after_colon and _heading_like(first) and not first.endswith("?") and not listed
        if len(lines) == 1 and (md_heading or bare):
            s, e = lines[0]
            level, anchor = 2, None
            if md_heading:
                level = len(first) - len(first.lstrip("#"))
                s += level
                m = _MD_ANCHOR.search(text, s, e)
                if m:
                    anchor, e = m.group(1), m.start()
                while s < e and (text[s].isspace() or text[s] == "*"):
                    s += 1
                while e > s and (text[e - 1].isspace() or text[e - 1] in "*#"):
                    e -= 1
                anchor = anchor or slug(text[s:e])
            out.append(Piece("heading", [(s, e)], level=level, anchor=anchor, strict=not markdown))
            continue
        if len(lines) >= 3 and _heading_like(first) and len(first.split()) <= 6:
            rows = [(s, e, _split_row(text[s:e])) for s, e in lines[1:]]
            if sum(r is not None for *_, r in rows) >= max(2, len(rows) - 1):
                head = first.strip().split()
                label = " ".join(head[:-1]) if len(head) >= 2 else first.strip()  # "Key Points Details"
                out.append(Piece("heading", [lines[0]], label=label, strict=True))
                for s, e, r in rows:
                    if r is None:
                        out.append(Piece("text", [(s, e)]))
                    else:
                        key, off = r
                        out.append(Piece("row", [(s + off, e)], key=key, line=(s, e)))
                continue
        if markdown and all(text[s:e].startswith("|") for s, e in lines):
            out.extend(_pipe_rows(text, lines))
            continue
        k = _table_after_text(text, lines) if markdown else None
        if k is not None:  # a paragraph, and a table right under it with no blank line between (GFM reads both)
            s0, e0 = _strip_md(text, *lines[k - 1])
            caption = _heading_like(text[s0:e0]) and len(text[s0:e0].split()) <= 6 and not text[s0:e0].endswith("?")
            before = [_strip_md(text, s, e) for s, e in lines[: k - 1 if caption else k]]
            if before:
                out.extend(_question_split(text, before, markdown, lang, False))
            if caption:
                # a short line right above its table names it, as a caption does ("A4" over the A4 prices, "A3"
                # over the A3 ones: the same rows "farbig", "schwarz-weiß"): the table's heading
                out.append(Piece("heading", [(s0, e0)], level=6, anchor=slug(text[s0:e0]), strict=True))
            out.extend(_pipe_rows(text, lines[k:]))
            continue
        if markdown and _LIST_ITEM.match(first):  # a list: each item its own piece (continuation lines join it)
            items: list[list[tuple[int, int]]] = []
            for s, e in lines:
                if _LIST_ITEM.match(text[s:e]) or not items:
                    items.append([])
                items[-1].append(_strip_md(text, s, e))
            for it in items:
                s0, e0 = it[0]
                bold = _BOLD.match(text[s0:e0])
                if bold and is_question(bold.group(2), lang):  # "1. **How do I pay?**" and its answer below
                    out.extend(_question_split(text, it, markdown, lang, False))
                else:
                    out.append(Piece("text", it, item=True))
            continue
        if markdown:
            lines = [_strip_md(text, s, e) for s, e in lines]
        out.extend(_question_split(text, lines, markdown, lang, False))
    return out


def cell_spans(text: str, s: int, e: int) -> list[tuple[int, int]]:
    r"""The spans of a pipe-table line's cells (trimmed; an empty cell is an empty span). A bar escaped with a
    backslash is a cell's text, as in GitHub's Markdown (a version range "15.1.x \|\| 15.2.x"; the Word, PDF and
    HTML readers write a cell's own bars so)."""
    line = text[s:e]
    bars = [m.start() for m in CELL_BAR.finditer(line)]
    a, b = (bars[0], bars[-1]) if bars else (-1, -1)
    inner = (s + a + 1, s + b) if 0 <= a < b and not line[:a].strip() and not line[b + 1 :].strip() else (s, e)
    out, pos = [], inner[0]
    for m in CELL_BAR.finditer(text, inner[0], inner[1]):
        out.append(trimmed(text, pos, m.start()))
        pos = m.end()
    out.append(trimmed(text, pos, inner[1]))
    return out


def _is_separator(cells: list[str]) -> bool:
    return all(set(c) <= set("-: ") for c in cells)


def _table_after_text(text: str, lines: list[tuple[int, int]]) -> int | None:
    """Where a pipe table (a row, then a separator row) starts under the text lines of the same block."""
    k = next((i for i, (s, e) in enumerate(lines) if text[s:e].startswith("|")), None)
    if not k or len(lines) - k < 2 or not all(text[s:e].startswith("|") for s, e in lines[k:]):
        return None
    return k if _is_separator([text[a:b] for a, b in cell_spans(text, *lines[k + 1])]) else None


# a cell that states a value (an amount, a price, a time, a share), not a column's name: "1,50 Euro", "9–16 Uhr"
# (a bare number, time or year may name a column: "| Station | 07:25 | 08:10 |", "| Country | 2019 | 2020 |")
_VALUE = re.compile(
    r"[€$£¥]\s*\d|\d\s*(?:[€$£¥%]|ct\b|cents?\b|euros?\b|eur\b|usd\b|gbp\b|chf\b|uhr\b|pence\b|p\b)", re.IGNORECASE
)


def _header_is_data(rows: list[list[str]]) -> bool:
    """A pipe table's first row is a row of data, not the columns' names: the table has no other row (a one-row
    table of opening hours), or a cell of it states a value as the cells under it do ("| 1. Mahnung | 1,50 Euro |"
    over "| Verlust | 20,00 Euro |": a blind probe got "Verlust — 1,50 Euro: 20,00 Euro")."""
    if len(rows) == 1:
        return True
    head, body = rows[0], rows[1:]
    for j in range(1, len(head)):
        col = [r[j] for r in body if j < len(r) and r[j].strip()]
        if _VALUE.search(head[j]) and col and sum(bool(_VALUE.search(c)) for c in col) * 2 > len(col):
            return True
    return False


def _pipe_rows(text: str, lines: list[tuple[int, int]]) -> list[Piece]:
    """A Markdown pipe table (also what a PDF's column runs and a Word table become): its first line names the
    columns (unless it is a row of data: _header_is_data), a separator line is skipped, and each other line is a
    row piece: its first cell the row's key, each other cell a span of its own with its column's name (the header
    row's cell above it)."""
    out, header = [], None
    data = [[text[a:b] for a, b in cell_spans(text, s, e)] for s, e in lines]
    data = [c for c in data if not _is_separator(c)]
    no_header = not data or _header_is_data(data)
    for s, e in lines:
        spans = cell_spans(text, s, e)
        cells = [text[a:b] for a, b in spans]
        if _is_separator(cells):
            continue
        if header is None and len(lines) > 1 and not no_header:
            header = cells
            continue
        if len(cells) < 2 or not any(cells[1:]):
            continue
        filled = [(i, sp) for i, sp in enumerate(spans[1:]) if sp[1] > sp[0]]
        if header and any(h.strip() for h in header[1:]):
            names = [h.strip() for h in header[1:]] + [""] * len(cells)
            out.append(
                Piece(
                    "row",
                    [sp for _, sp in filled],
                    key=cells[0],
                    line=(s, e),
                    headers=[names[i] for i, _ in filled],
                    key_header=header[0].strip() or None,
                )
            )
        else:  # no column names: each cell with its row alone ("1. Mahnung (je Einheit): 1,50 Euro")
            out.append(Piece("row", [sp for _, sp in filled], key=cells[0], line=(s, e), headers=[""] * len(filled)))
    return out


def _question_split(text: str, lines: list[tuple[int, int]], markdown: bool, lang: str, item: bool) -> list[Piece]:
    """A paragraph, or a question and its answer when it opens with "**Question?**" or "Q:" (and "A:")."""
    s, e = lines[0]
    first = text[s:e]
    m = _BOLD.match(first) if markdown else None
    if m and is_question(m.group(2), lang):
        q = (s + m.start(2), s + m.end(2))
        rest = [(s + m.end(), e)] if s + m.end() < e else []
        return [Piece("question", [q]), *_answer_pieces(text, rest + lines[1:], item)]
    m = _Q_PREFIX.match(first)
    if m and (first.rstrip().endswith("?") or ":" in m.group(0)):
        return [Piece("question", [(s + m.end(), e)]), *_answer_pieces(text, lines[1:], item)]
    return _answer_pieces(text, lines, item)


def _answer_pieces(text: str, lines: list[tuple[int, int]], item: bool) -> list[Piece]:
    """Text lines as one paragraph piece; an "A:" prefix is not part of the answer's text."""
    if not lines:
        return []
    s, e = lines[0]
    return [Piece("text", [_past_answer_label(text[s:e], (s, e)), *lines[1:]], item=item)]


def _past_answer_label(line: str, span: tuple[int, int]) -> tuple[int, int]:
    """The span of an answer's first line without its "A:" label ("A: Only guide dogs…")."""
    m = _A_PREFIX.match(line)
    return (span[0] + m.end(), span[1]) if m and m.end() < len(line) else span


def _html_pieces(raw: str) -> tuple[str, list[Piece], str, str | None, set[str]]:
    """An HTML page -> (its text, as the bot quotes it; pieces; title; declared language; JSON-LD questions).
    The text is the page's visible text, one line per paragraph or list item, blank lines between blocks."""
    from bot.ingest.pages import parse_page

    page = parse_page(raw)
    parts: list[str] = []
    pos = 0
    pieces: list[Piece] = []

    def add_lines(lines: list[str]) -> list[tuple[int, int]]:
        """Append a block (its lines, one per line; a blank line before it) and return the lines' spans."""
        nonlocal pos
        spans = []
        if parts:
            parts.append("\n\n")
            pos += 2
        for i, ln in enumerate(lines):
            if i:
                parts.append("\n")
                pos += 1
            parts.append(ln)
            spans.append((pos, pos + len(ln)))
            pos += len(ln)
        return spans

    def add(line: str) -> tuple[int, int]:
        return add_lines([line])[0]

    def unit(u, in_entry: bool) -> None:
        # a table cell is content even where a lone line would be clutter ("£178", "Share")
        lines = list(u.lines) if u.kind == "row" else [ln for ln in u.lines if not is_boilerplate(ln)]
        if u.kind == "heading" and lines:
            pieces.append(Piece("heading", [add(lines[0])], level=u.level, anchor=u.anchor))
        elif u.kind == "row" and lines and u.headers and u.cells:  # each cell a span, with its column's name
            line = f"{u.key}: {lines[0]}"
            s, e = add(line)
            spans, pos = [], e - len(lines[0])
            for cell in u.cells:
                spans.append((pos, pos + len(cell)))
                pos += len(cell) + 3  # " | "
            pieces.append(Piece("row", spans, key=u.key, line=(s, e), headers=list(u.headers), key_header=u.key_header))
        elif u.kind == "row" and lines:
            line = f"{u.key}: {lines[0]}"
            s, e = add(line)
            pieces.append(Piece("row", [(e - len(lines[0]), e)], key=u.key, line=(s, e)))
        elif u.kind == "text" and lines:
            answer = False
            if u.bold and not in_entry and lines[0].startswith(u.bold) and is_question(u.bold, lang):
                pieces.append(Piece("question", [add(u.bold)], anchor=u.anchor))
                rest = lines[0][len(u.bold) :].strip()
                lines = ([rest] if rest else []) + lines[1:]
                if not lines:
                    return
                answer = True
            spans = add_lines(lines)
            if answer:
                spans[0] = _past_answer_label(lines[0], spans[0])
            pieces.append(Piece("text", spans, item=u.item, ordered=u.ordered))
        elif u.kind == "entry":
            pieces.append(Piece("entry", [add(u.question)], anchor=u.anchor))
            for a in u.answer:
                unit(a, True)
            pieces.append(Piece("end"))

    lang = page_language(page)
    for u in page.units:
        unit(u, False)
    text = "".join(parts) + "\n"
    return text, pieces, page.title, lang, page.ld_questions


def page_language(page) -> str:
    """The page's language: its lang attribute, unless its own words clearly say otherwise (templates often
    declare lang="en" on pages of another language)."""
    from bot.ingest.lang import detect, normalize, scores

    words_ = " ".join(ln for u in page.units for ln in u.lines[:1] + (u.answer[0].lines[:1] if u.answer else []))
    words_ = (words_ + " " + " ".join(q.question or "" for q in page.units if q.kind == "entry"))[:20_000]
    declared = normalize(page.lang)
    found = detect(words_)
    if declared is None:
        return found
    if found != declared and len(words_.split()) >= 100:
        sc = scores(words_)
        if sc[found] > 2 * sc.get(declared, 0.0) + 0.02:
            return found
    return declared


def assemble(
    source: str, text: str, sha: str, pieces: list[Piece], lang: str, title: str = "", ld_questions=frozenset()
) -> Document:
    """Pieces -> a Document: the title, the section of every block, and FAQ entries. An entry is a question
    (a heading phrased as a question, a structured FAQ item, a bold or "Q:" question, a question line in an FAQ
    section) with the blocks that follow it, up to the next heading of its level or above, or the next question.
    A structured entry (accordion, <details>, <dl>, JSON-LD, microdata) holds exactly its own answer."""
    from bot.ingest.pages import norm_question

    doc = Document(source=source, title="", text=text, sha256=sha, lang=lang)
    title_text = None
    section = ""
    in_faq = False
    siblings = _entry_siblings(text, pieces, lang, ld_questions)
    entry: dict | None = None  # question, level, anchor, n, structured, blocks
    n_entries = 0
    # a first "#" heading that asks ("# Why isn't my email or password working?", a Jekyll page's title): the page's
    # title too (its sources were named after the file: "Trouble signing in forgot your password. en")
    asked_title = ""

    def close() -> None:
        nonlocal entry
        if entry is not None and not entry["blocks"] and not entry["structured"]:
            # a question with nothing under it: keep its words as a paragraph
            doc.blocks.append(Block("paragraph", section, [entry["span"]]))
        entry = None

    def start(span, level: int, anchor: str | None, structured: bool = False) -> None:
        nonlocal entry, n_entries
        close()
        n_entries += 1
        q = text[span[0] : span[1]].strip().strip("*").strip()
        label = _Q_PREFIX.match(q)  # "Q: Can I bring my dog?", "**Q: How long…?**": the label is not the question
        q = q[label.end() :] if label else q
        entry = {"q": q, "level": level, "anchor": anchor, "n": n_entries, "structured": structured, "blocks": []}
        entry["span"] = span

    def add_to_entry(
        spans, item: bool = False, ordered: bool = False, key=None, headers=None, code=False, key_header=None
    ) -> None:
        b = Block(
            "faq",
            section,
            spans,
            question=entry["q"],
            key=key,
            headers=headers,
            key_header=key_header,
            entry=entry["n"],
            anchor=entry["anchor"],
            item=item,
            ordered=ordered,
            also=entry.get("also"),
            code=code,
        )
        entry["blocks"].append(b)
        doc.blocks.append(b)

    for i, p in enumerate(pieces):
        if p.kind == "also":  # other wordings of the open entry's question
            if entry is not None and p.label:
                entry.setdefault("also", []).extend(p.label.split("\n"))
            continue
        if p.kind == "end":
            if entry is not None and entry["structured"]:
                close()
            continue
        if p.kind == "entry":
            start(p.spans[0], 0, p.anchor, structured=True)
            continue
        ptext = text[p.spans[0][0] : p.spans[0][1]] if p.spans else ""
        if p.kind == "heading":
            label = p.label if p.label is not None else ptext.strip().strip("*").strip()
            if entry is not None and entry["structured"]:
                add_to_entry(p.spans)
                continue
            asks = _heading_asks(p, ptext, label, lang, ld_questions) or i in siblings
            if asks and p.level == 1 and title_text is None and not doc.blocks and entry is None:
                asked_title = asked_title or label  # a page titled by a question is titled so, its entry though it is
            if title_text is None and not doc.blocks and entry is None and not asks:
                title_text = label
                section = label
                continue
            if in_faq and ptext.rstrip().endswith("?") or asks:
                start(p.spans[0], p.level, p.anchor)
                continue
            if entry is not None and p.level > entry["level"]:
                add_to_entry(p.spans)  # a sub-heading inside an answer ("Protection measures for everyone")
                continue
            close()
            section = label
            in_faq = bool(FAQ_HEADING.match(label))
            continue
        if p.kind == "question":
            if entry is not None and entry["structured"]:
                add_to_entry(p.spans)
            else:
                start(p.spans[0], 99, p.anchor)
            continue
        if p.kind == "row":
            if entry is None and p.key and p.line and p.key.rstrip().endswith("?") and is_question(p.key, lang):
                # a question-and-answer table: each row an entry of its own
                ks = text.index(p.key, p.line[0])
                start((ks, ks + len(p.key)), 99, None, structured=True)
                add_to_entry(p.spans)
                close()
                continue
            if entry is not None and p.headers:
                # a table in an answer ("Ansprechpersonen": Bereich | Name | Büro | Telefon) stays a table: each
                # cell with its row and column, as everywhere (a browser probe got "Metallbau + Sicherheit: Dietmar
                # Krukowski | UG 01.08 | 0234 32 21569", four cells and no column to say which is the phone number)
                add_to_entry(p.spans, key=p.key, headers=p.headers, key_header=p.key_header)
            elif entry is not None:
                add_to_entry([p.line or p.spans[0]])
            else:
                doc.blocks.append(Block("row", section, p.spans, key=p.key, headers=p.headers, key_header=p.key_header))
            continue
        # text
        one_line = len(p.spans) == 1 and len(ptext) < 300
        question_line = one_line and ptext.rstrip().endswith("?") and (in_faq or len(ptext.split()) <= 25)
        if entry is not None and entry["structured"]:
            add_to_entry(p.spans, p.item, p.ordered, code=p.code)
        elif (question_line and not p.item and not p.code) or (one_line and norm_question(ptext) in ld_questions):
            start(p.spans[0], 99, p.anchor)
        elif entry is not None:
            add_to_entry(p.spans, p.item, p.ordered, code=p.code)
        else:
            doc.blocks.append(Block("paragraph", section, p.spans, item=p.item, ordered=p.ordered, code=p.code))
    close()
    doc.title = title_text or title or asked_title or name_title(source)
    for b in doc.blocks:
        if not b.section:
            b.section = doc.title
    return doc


def _heading_asks(p: Piece, ptext: str, label: str, lang: str, ld_questions) -> bool:
    from bot.ingest.pages import norm_question

    asks = p.label is None and (ptext.rstrip().endswith("?") if p.strict else is_question(label, lang))
    return asks or norm_question(label) in ld_questions


SIBLINGS_ASKING = (
    3  # questions among a group of sibling headings, and more than half of them, for the group to be entries
)


def _entry_siblings(text: str, pieces: list[Piece], lang: str, ld_questions) -> set[int]:
    """The pieces of the headings that are FAQ entries by their siblings: of the headings of one level under one
    parent heading, at least SIBLINGS_ASKING and more than half are questions, so the others at that level are
    entries too, though phrased as statements ("### Disk quota exceeded", "### How to cite CSC in a paper" among
    "### I cannot login. What to do?" and its like). Without this, such a heading closed the entry before it,
    its answer was no entry, and it became the section of the questions after it (a new-visitor probe on two real
    help-center FAQs, 2026-12-07: citations labelled with the wrong heading, and the meant entry out of the
    matcher's reach)."""
    groups: dict[tuple[int, int], list[tuple[int, bool]]] = {}
    parents: list[tuple[int, int]] = []  # (level, piece) of the open headings, outermost first
    for i, p in enumerate(pieces):
        if p.kind != "heading" or p.label is not None:
            continue
        while parents and parents[-1][0] >= p.level:
            parents.pop()
        ptext = text[p.spans[0][0] : p.spans[0][1]] if p.spans else ""
        label = ptext.strip().strip("*").strip()
        key = (parents[-1][1] if parents else -1, p.level)
        groups.setdefault(key, []).append((i, _heading_asks(p, ptext, label, lang, ld_questions)))
        parents.append((p.level, i))
    out: set[int] = set()
    for members in groups.values():
        asking = sum(a for _, a in members)
        if asking >= SIBLINGS_ASKING and 2 * asking > len(members):
            out.update(i for i, a in members if not a)
    return out


def name_title(source: str) -> str:
    """A document's title from its file name when it has none of its own: "protospace-visiting.md" -> "Protospace
    visiting" (a browser probe was offered "What do the articles say about protospace member dues?")."""
    t = Path(source).stem.replace("_", " ").replace("-", " ").strip()
    return t[:1].upper() + t[1:]


def parse_text(source: str, text: str, sha: str, markdown: bool = False, lang: str | None = None) -> Document:
    """Recover title, sections, FAQ entries and tables from a plain-text (or Markdown) article."""
    from bot.ingest.lang import detect as detect_lang

    lang = lang or detect_lang(_prose(text[:20_000]))
    return assemble(source, text, sha, _text_pieces(text, markdown, lang), lang)


def _prose(text: str) -> str:
    """The text less its table rows, when enough prose is left to tell its language by (a timetable's place names,
    "Sutton-on-Sea", "Scopwick & Timberland", read as Dutch, and its English quotes were marked as from a page in
    Dutch: a browser probe)."""
    prose = "\n".join(ln for ln in text.splitlines() if not ln.lstrip().startswith("|"))
    return prose if len(prose.split()) >= 12 else text


def _strip_md(text: str, s: int, e: int) -> tuple[int, int]:
    m = re.match(r"\s*(?:[-*+]\s+|\d+[.)]\s+|>\s*)", text[s:e])
    return (s + m.end(), e) if m and m.end() < e - s else (s, e)


def parse_html(source: str, raw: str, sha: str) -> Document:
    """An HTML page: its visible text, headings as sections, and FAQ entries in every common layout."""
    text, pieces, title, lang, ld = _html_pieces(raw)
    return assemble(source, text, sha, pieces, lang or "en", title, ld)


def parse_markdown(source: str, text: str, sha: str, written: bool = False) -> Document:
    """Markdown: '#' headings (with their anchors), lists, pipe tables (one 'key: detail' row each), and FAQ
    entries: question headings, **bold questions**, "Q:"/"A:" lines. `written`: a Markdown file as someone wrote
    it (not a PDF's or Word file's text, which has no inline mark-up), read as its reader sees it first: its
    inline mark-up gone and its hard-wrapped paragraphs whole (bot/ingest/mdplain.py)."""
    if not written:
        return parse_text(source, text, sha, markdown=True)
    from bot.ingest.lang import detect as detect_lang
    from bot.ingest.mdplain import plain

    lang = detect_lang(_prose(text[:20_000]))
    return parse_text(source, plain(text, lambda q: is_question(q, lang)), sha, markdown=True, lang=lang)


def read_document(
    path: Path, root: Path, limits: ReadLimits | None = None, time_budget_s: float | None = None
) -> Document:
    """Read and parse one article. Raises ValueError (with the reason) when it can't be read or is over its
    budget. (A sync reads PDF and Word files through bot/ingest/worker.py: in a child process with limits.)"""
    limits = limits or ReadLimits()
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise ValueError(
            f"is {size / 1e6:.0f} MB; the limit is {limits.max_file_bytes / 1e6:.0f} MB a file (split it, or raise "
            "BOT_MAX_FILE_MB)"
        )
    raw = path.read_bytes()
    source = path.relative_to(root).as_posix()
    sha = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in {".pdf", ".docx"}:
        from bot.ingest.documents import read_docx, read_pdf

        ex = read_pdf(raw, time_budget_s) if suffix == ".pdf" else read_docx(raw, limits.max_unpacked_bytes)
        doc = parse_markdown(source, ex.text, sha)
        if ex.pages:
            doc.pages = ex.pages
        if ex.title and doc.title == name_title(source):
            doc.title = ex.title
        if not doc.blocks:
            raise ValueError("has no readable text")
        return doc
    if b"\x00" in raw[:8192]:
        raise ValueError("looks like a binary file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"is not valid UTF-8 ({e.reason} at byte {e.start}); save it as UTF-8") from None
    if suffix in {".html", ".htm"}:
        from bot.ingest.crawl import source_url_of

        doc = parse_html(source, text, sha)
        doc.url = source_url_of(text[:2000])
    elif suffix in {".md", ".markdown"}:
        doc = parse_markdown(source, text, sha, written=True)
    else:
        doc = parse_text(source, text, sha)
    if not doc.blocks:
        raise ValueError("has no readable text")
    return doc


def scan(root: Path, follow_symlinks: bool = False) -> tuple[list[Path], dict[str, str]]:
    """Article files under root, recursively, sorted (hidden files and folders skipped), and the links refused,
    by source name with the reason. A symbolic link (to a file or a folder) is not followed unless
    `follow_symlinks` (setting BOT_FOLLOW_SYMLINKS); even then, one whose target is outside the corpus folder is
    refused: nothing outside the corpus folder is read."""
    if not root.is_dir():
        raise CorpusNotFound(
            f"Corpus folder {root} does not exist. Create it and put .txt, .md, .html, .pdf or .docx files in it, "
            "or pass --corpus DIR (setting BOT_CORPUS_DIR)."
        )
    real_root = root.resolve()
    files: list[Path] = []
    refused: dict[str, str] = {}

    def refuse(p: Path, what: str) -> None:
        name = p.relative_to(root).as_posix()
        if not follow_symlinks:
            refused[name] = f"is a symbolic link ({what}); links are not followed unless BOT_FOLLOW_SYMLINKS=1"
            return
        target = p.resolve()
        if not target.is_relative_to(real_root):
            refused[name] = f"is a symbolic link to {target}, outside the corpus folder: not read"
        elif target.is_file() and p.suffix.lower() in SUFFIXES:
            files.append(p)

    for folder, dirs, names in os.walk(root, followlinks=False):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if (here / d).is_symlink():
                dirs.remove(d)
                if follow_symlinks and (here / d).resolve().is_relative_to(real_root):
                    continue  # its files are reached through the folder itself, inside the corpus
                refuse(here / d, "a folder")
        for n in names:
            p = here / n
            if n.startswith(".") or p.suffix.lower() not in SUFFIXES:
                continue
            if p.is_symlink():
                refuse(p, "a file")
            elif p.is_file():
                files.append(p)
    return sorted(files), refused


def list_files(root: Path, follow_symlinks: bool = False) -> list[Path]:
    """Article files under root, recursively, sorted; hidden files and folders and symbolic links skipped (see
    `scan`)."""
    return scan(root, follow_symlinks)[0]
