"""The source viewer: a citation opens its document at the quote, highlighted and scrolled into view.

`GET /source/<file>?s=START&e=END` shows the document's text as the bot read it (the text quotes are taken from,
so the quote is found verbatim), laid out as a reader sees it (headings, tables with their header row, lists,
paragraphs: render_blocks), with the quoted span marked (a quoted table cell's row too) and the page opened at
it (`#q`, no script). A PDF
shows the page the quote is on, with its number; a long document the part around the quote. Only files of the
current index are shown. Everything from the document is escaped text: its markup, scripts and links stay
inert, and the page's Content-Security-Policy forbids scripts, frames and any other origin.
"""

from __future__ import annotations

import bisect
import html
import re
import threading
from collections import OrderedDict
from pathlib import Path

from bot.answers.answering import source_url, span_of_url
from bot.ingest.corpus import cell_spans
from bot.ingest.text import unescaped_bars

WINDOW = 40_000  # characters shown either side of the quote in a long document
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"


class NotShown(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Viewer:
    """Renders documents of an index; keeps the last few parsed (a document is read once per version)."""

    def __init__(self, size: int = 16):
        self.size = size
        self._docs: OrderedDict[tuple[str, str], object] = OrderedDict()
        self._lock = threading.Lock()

    def document(self, index, source: str):
        from bot.ingest.corpus import read_document

        files = index.manifest.get("files", {})
        info = files.get(source)
        if info is None:
            raise NotShown(404, f"No document {source!r} in the index. Cite links name the files it holds.")
        key = (source, info.get("sha256", ""))
        with self._lock:
            doc = self._docs.get(key)
            if doc is not None:
                self._docs.move_to_end(key)
                return doc
        root = Path(index.manifest.get("corpus_dir", ""))
        path = root / source
        try:
            if not path.resolve().is_relative_to(root.resolve()):
                raise ValueError("it is outside the corpus folder")
            doc = read_document(path, root)
        except Exception as e:  # noqa: BLE001 - a parser's own error too: the page says so, the server goes on
            raise NotShown(404, f"The document {source!r} cannot be read now ({e}); it may have changed.") from None
        with self._lock:
            self._docs[key] = doc
            while len(self._docs) > self.size:
                self._docs.popitem(last=False)
        return doc

    def render(self, index, source: str, start: int | None, end: int | None, page: int | None = None) -> str:
        """The document at the quote [start, end); a PDF at the quote's page, or at `page` (when no quote is
        given), with links to the pages before and after it."""
        doc = self.document(index, source)
        text = doc.text
        n = len(text)
        if start is None or end is None or not (0 <= start <= end <= n):
            start = end = None
        lo, hi, page_note, nav = 0, n, "", ""
        if doc.pages:  # a PDF: the page of the quote
            starts = [o for o, _ in doc.pages] + [n]
            k = 0
            for i, (o, number) in enumerate(doc.pages):
                if (start is not None and o <= start) or (start is None and page is not None and number == page):
                    k = i
            lo, hi = starts[k], starts[k + 1]
            if start is not None and end > hi:
                hi = min(n, end)
            # in the document's language, as the page's lang says (a French visitor read "Page 2 of 2": a probe)
            from bot.answers import messages

            word = html.escape(messages.text("ui_page", doc.lang or "en").capitalize())
            page_note = f"{word} {doc.pages[k][1]} / {doc.pages[-1][1]}"
            links = []
            if k > 0:
                links.append(f'<a href="?page={doc.pages[k - 1][1]}" rel="prev">← {word} {doc.pages[k - 1][1]}</a>')
            if k + 1 < len(doc.pages):
                links.append(f'<a href="?page={doc.pages[k + 1][1]}" rel="next">{word} {doc.pages[k + 1][1]} →</a>')
            nav = f'<nav class="pages">{" ".join(links)}</nav>' if links else ""
        cut_before = cut_after = False
        if start is not None and hi - lo > 2 * WINDOW:
            a, b = max(lo, start - WINDOW), min(hi, end + WINDOW)
            cut_before, cut_after, lo, hi = a > lo, b < hi, a, b
        elif start is None and hi - lo > 2 * WINDOW:
            hi, cut_after = lo + 2 * WINDOW, True
        body = render_blocks(doc, lo, hi, start, end)
        title = html.escape(doc.title or source)
        meta = " · ".join(x for x in (html.escape(source), page_note) if x)
        return f"""<!doctype html>
<html lang="{html.escape(doc.lang or "en")}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title}</title>
<style>
body {{ font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }}
header {{ border-bottom: 1px solid #ddd; margin-bottom: 1rem; }}
h1 {{ font-size: 1.3rem; margin: 0 0 .2rem; }}
.meta {{ color: #555; font-size: .9rem; margin-bottom: .6rem; }}
.text {{ overflow-wrap: anywhere; }}
.text p, .text li {{ white-space: pre-wrap; }}
.text h2, .text h3, .text h4 {{ margin: 1.2em 0 .4em; line-height: 1.3; }}
.text table {{ border-collapse: collapse; margin: .6em 0 1em; font-size: .95rem; }}
.text th, .text td {{ border: 1px solid #ccd; padding: .3em .6em; text-align: left; vertical-align: top; }}
.text th {{ background: #f3f4f8; }}
.text tr.hit td, .text tr.hit th {{ background: #fff6cc; }}
mark {{ background: #ffe066; padding: .1em 0; scroll-margin-top: 30vh; }}
.cut {{ color: #777; font-style: italic; }}
.pages {{ display: flex; gap: 1rem; margin: 0 0 .6rem; font-size: .95rem; }}
</style></head>
<body><header><h1>{title}</h1><div class="meta">{meta}</div>{nav}</header>
{'<p class="cut">… (earlier text not shown)</p>' if cut_before else ""}<div class="text">{body}</div>
{'<p class="cut">… (later text not shown)</p>' if cut_after else ""}</body></html>
"""


_HEADING = re.compile(r"^(#{1,6})[ \t]+")
_ITEM = re.compile(r"^(?:[-*•][ \t]+|\d{1,3}[.)][ \t]+)")
_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")


_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.DOTALL)


def render_blocks(doc, lo: int, hi: int, start: int | None, end: int | None) -> str:
    """doc.text[lo:hi] as a reader sees it: headings as headings ("## Fees" in a Markdown, PDF or Word document;
    an HTML page's line that is one of its sections), pipe-table lines and an HTML page's table rows as a table
    (the header row as headers; the row holding the quote marked), list lines as a list, the rest as paragraphs.
    Every character shown is escaped text of the document at its own offset, so the quote [start, end) is marked
    where it stands (across elements: a mark in each, the first with id "q")."""
    text = doc.text
    markdown = doc.source.lower().endswith((".md", ".markdown"))
    # lines that head what follows: sections, the title, and FAQ questions (an HTML page's <h2> questions)
    sections = {b.section.strip() for b in doc.blocks if b.section} | {(doc.title or "").strip()} - {""}
    sections |= {b.question.strip() for b in doc.blocks if b.question}
    # a row's first cell -> its block, in order (a bisect finds a line's row: a page of 10,000 rows stays quick)
    # (a table in an FAQ entry's answer too: its blocks are the entry's, each with its row's key and headers)
    rows = sorted(
        ((b.spans[0][0], i, b) for i, b in enumerate(doc.blocks) if (b.kind == "row" or b.headers) and b.spans)
    )
    # an HTML page's list items (one paragraph each, no "- " in the text): where each starts, and numbered or not
    items = {b.spans[0][0]: b.ordered for b in doc.blocks if b.item and b.spans}
    first = [True]

    def seg(a: int, b: int) -> str:
        """Escaped text[a:b], the part inside the quote in a <mark>; "**" of Markdown bold not shown."""
        if start is None or b <= start or a >= end:
            return html.escape(text[a:b]).replace("**", "")
        x, y = max(a, start), min(b, end)
        mark = '<mark id="q">' if first[0] else '<mark class="q">'
        first[0] = False
        return (
            html.escape(text[a:x]).replace("**", "")
            + mark
            + html.escape(text[x:y])
            + "</mark>"
            + html.escape(text[y:b]).replace("**", "")
        )

    def hit(a: int, b: int) -> bool:
        return start is not None and a < end and start < b

    out: list[str] = []
    pending: list = []  # an HTML page's consecutive table rows: (line, block), drawn as one table (_html_table)

    listed: list[str] = []  # such a page's consecutive list items
    numbered = False

    def flush_rows() -> None:
        if pending:
            out.append(_html_table(text, pending, seg, hit))
            pending.clear()
        if listed:
            tag = "ol" if numbered else "ul"
            out.append(f"<{tag}>{''.join(listed)}</{tag}>")
            listed.clear()

    pos = lo
    for m in re.finditer(r"\n[ \t\r]*\n|\Z", text[lo:hi]):
        a, b = pos, lo + m.start()
        pos = lo + m.end()
        lines, p = [], a
        for ln in text[a:b].split("\n"):
            if ln.strip():
                lines.append((p, p + len(ln)))
            p += len(ln) + 1
        if not lines:
            continue
        first_line = text[lines[0][0] : lines[0][1]].strip()
        if markdown and _COMMENT.fullmatch(text[lines[0][0] : lines[-1][1]]):
            continue  # a Markdown comment ("<!-- also asked: … -->") is not shown, as a Markdown viewer would not
        row = _html_row(text, lines[0], rows) if len(lines) == 1 and not first_line.startswith("|") else None
        if row is not None:
            pending.append((lines[0], row))
            continue
        starts = [x + len(text[x:y]) - len(text[x:y].lstrip()) for x, y in lines]
        if all(x in items for x in starts) and not any(_ITEM.match(text[x:y]) for x, y in lines):
            if pending or (listed and items[starts[0]] != numbered):
                flush_rows()
            numbered = items[starts[0]]
            listed.append("<li>" + "\n".join(seg(x, y) for x, y in lines) + "</li>")
            continue
        flush_rows()
        if all(text[x:y].lstrip().startswith("|") for x, y in lines):
            out.append(_pipe_table(text, lines, seg, hit))
        elif len(lines) == 1 and (h := _HEADING.match(text[lines[0][0] : lines[0][1]])):
            level = min(6, len(h.group(1)) + 1)
            out.append(f"<h{level}>{seg(lines[0][0] + h.end(), lines[0][1])}</h{level}>")
        elif len(lines) == 1 and first_line in sections and len(first_line) < 200:
            level = 2 if first_line == (doc.title or "").strip() else 3
            out.append(f"<h{level}>{seg(*lines[0])}</h{level}>")
        elif all(_ITEM.match(text[x:y]) for x, y in lines):
            ordered = text[lines[0][0]].isdigit()
            tag = "ol" if ordered else "ul"
            lis = "".join(f"<li>{seg(x + _ITEM.match(text[x:y]).end(), y)}</li>" for x, y in lines)
            # a numbered list starts at its first item's number: a PDF's steps, each a paragraph of its own, were all
            # shown as "1." (a browser probe)
            lead = re.match(r"\s*(\d{1,4})", text[lines[0][0] : lines[0][1]]) if ordered else None
            begins = f' start="{int(lead.group(1))}"' if lead and int(lead.group(1)) != 1 else ""
            out.append(f"<{tag}{begins}>{lis}</{tag}>")
        else:
            out.append("<p>" + "\n".join(seg(x, y) for x, y in lines) + "</p>")
    flush_rows()
    return "\n".join(out)


def _pipe_table(text: str, lines, seg, hit) -> str:
    def cell(a: int, b: int) -> str:  # a cell's own bars are escaped in the table line (text.escape_bars)
        return unescaped_bars(seg(a, b))

    body = [(x, y) for x, y in lines if not _SEPARATOR.match(text[x:y].strip())]
    head, rest = (body[0], body[1:]) if len(body) > 1 else (None, body)
    parts = ["<table>"]
    if head is not None:
        parts.append(
            "<thead><tr>" + "".join(f"<th>{cell(a, b)}</th>" for a, b in cell_spans(text, *head)) + "</tr></thead>"
        )
    parts.append("<tbody>")
    for x, y in rest:
        cls = ' class="hit"' if hit(x, y) else ""
        parts.append(f"<tr{cls}>" + "".join(f"<td>{cell(a, b)}</td>" for a, b in cell_spans(text, x, y)) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _html_row(text: str, line: tuple[int, int], rows: list):
    """The block of an HTML page's table row ("Child passport: £57.50 | £69", its cells the block's spans) that
    `line` is, else None."""
    x, y = line
    k = bisect.bisect_left(rows, (x, -1))
    block = rows[k][2] if k < len(rows) and rows[k][0] < y else None
    return block if block is not None and block.key else None


def _html_table(text: str, pending: list, seg, hit) -> str:
    """An HTML page's consecutive table rows as one table: a header row of the key's column name and the columns
    of the row that has most cells, and each row's cells under their columns; a cell the page spans over several
    columns ("CHF 20.–" under "Adultes" and "Enfants") spans them here too (its name is none of theirs, or theirs in
    common: "Fee" of "Fee Online" and "Fee By post")."""
    named = [b for _, b in pending if b.headers and len(b.headers) == len(b.spans)]
    names = max((b.headers for b in named), key=len) if named else []
    key_name = next((b.key_header for _, b in pending if b.key_header), "") or ""
    head = ""
    if names:
        head = f"<tr><th>{html.escape(key_name)}</th>" + "".join(f"<th>{html.escape(h)}</th>" for h in names) + "</tr>"
    body = []
    for (x, y), block in pending:
        key_end = text.find(":", x, y)
        key = f"<th>{seg(x, key_end)}</th>" if key_end > 0 else ""
        cls = ' class="hit"' if hit(x, y) else ""
        if names and block.headers and len(block.headers) == len(block.spans):
            cells = "".join(
                f"<td{f' colspan={n}' if n > 1 else ''}>{seg(a, b)}</td>"
                for (a, b), n in zip(block.spans, _column_spans(block.headers, names))
            )
        else:
            cells = f"<td>{seg(block.spans[0][0], block.spans[-1][1])}</td>"
        body.append(f"<tr{cls}>{key}{cells}</tr>")
    return f"<table>{f'<thead>{head}</thead>' if head else ''}<tbody>{''.join(body)}</tbody></table>"


def _column_spans(row: list[str], names: list[str]) -> list[int]:
    """How many of the table's columns (`names`) each of a row's cells (named `row`) spans: one for a cell named
    as a column; a run of cells named otherwise shares the columns up to the next named cell's (or the end)."""
    at: list[int | None] = []  # each cell's column, None when it is named as none of them
    pos = 0
    for h in row:
        i = names.index(h, pos) if h in names[pos:] else None
        at.append(i)
        if i is not None:
            pos = i + 1
    out: list[int] = []
    pos = k = 0
    while k < len(at):
        i = at[k]
        if i is not None:
            out.append(1)
            pos, k = i + 1, k + 1
            continue
        j = k
        while j < len(at) and at[j] is None:
            j += 1
        room, run = (at[j] if j < len(at) else len(names)) - pos, j - k
        out += [max(1, room // run + (1 if m < room % run else 0)) for m in range(run)]
        pos, k = pos + max(room, run), j
    return out


__all__ = ["CSP", "NotShown", "Viewer", "render_blocks", "source_url", "span_of_url"]
