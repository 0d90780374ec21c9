"""The source viewer: a citation opens its document at the quote, highlighted and scrolled into view.

`GET /source/<file>?s=START&e=END` shows the document's text as the bot read it (the text quotes are taken from,
so the quote is found verbatim), with the quoted span marked and the page opened at it (`#q`, no script). A PDF
shows the page the quote is on, with its number; a long document the part around the quote. Only files of the
current index are shown. Everything from the document is escaped text: its markup, scripts and links stay
inert, and the page's Content-Security-Policy forbids scripts, frames and any other origin.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from pathlib import Path

from bot.answers.answering import source_url, span_of_url

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

    def render(self, index, source: str, start: int | None, end: int | None) -> str:
        doc = self.document(index, source)
        text = doc.text
        n = len(text)
        if start is None or end is None or not (0 <= start <= end <= n):
            start = end = None
        lo, hi, page_note = 0, n, ""
        if doc.pages:  # a PDF: the page of the quote
            starts = [o for o, _ in doc.pages] + [n]
            k = 0
            for i, (o, _) in enumerate(doc.pages):
                if start is not None and o <= start:
                    k = i
            lo, hi = starts[k], starts[k + 1]
            if start is not None and end > hi:
                hi = min(n, end)
            page_note = f"Page {doc.pages[k][1]} of {doc.pages[-1][1]}"
        cut_before = cut_after = False
        if start is not None and hi - lo > 2 * WINDOW:
            a, b = max(lo, start - WINDOW), min(hi, end + WINDOW)
            cut_before, cut_after, lo, hi = a > lo, b < hi, a, b
        elif start is None and hi - lo > 2 * WINDOW:
            hi, cut_after = lo + 2 * WINDOW, True
        if start is not None:
            body = (
                html.escape(text[lo:start])
                + '<mark id="q">'
                + html.escape(text[start:end])
                + "</mark>"
                + html.escape(text[end:hi])
            )
        else:
            body = html.escape(text[lo:hi])
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
.text {{ white-space: pre-wrap; overflow-wrap: anywhere; }}
mark {{ background: #ffe066; padding: .1em 0; scroll-margin-top: 30vh; }}
.cut {{ color: #777; font-style: italic; }}
</style></head>
<body><header><h1>{title}</h1><div class="meta">{meta}</div></header>
{'<p class="cut">… (earlier text not shown)</p>' if cut_before else ""}<div class="text">{body}</div>
{'<p class="cut">… (later text not shown)</p>' if cut_after else ""}</body></html>
"""


__all__ = ["CSP", "NotShown", "Viewer", "source_url", "span_of_url"]
