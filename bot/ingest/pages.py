"""HTML pages -> a stream of units (headings, paragraphs, list items, table rows and FAQ entries).

FAQ entries are found in every common layout:
- headings phrased as questions, followed by their content (h2-h6);
- `<details>`/`<summary>` accordions;
- `<dl>` lists whose terms are questions (other `<dl>`s become "term: definition" rows);
- button + panel accordions: a control with `aria-controls` (or `data-target`/`data-bs-target`, or an
  `href="#id"` toggle) and the panel it opens, hidden or not;
- schema.org `FAQPage` JSON-LD and `Question`/`acceptedAnswer` microdata;
- paragraphs that open with a bold question, and "Q:"/"A:" lines (these two are found in corpus.assemble, which
  also handles question headings, since Markdown and plain text share them).

Navigation, headers, footers, sidebars, forms' controls, share boxes and cookie banners are left out: by tag
(nav, footer, aside…), by ARIA role (navigation, contentinfo, banner, search…) and by class or id
(cookie, consent, share, social, breadcrumb, newsletter…), but never an element that holds most of the page.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCK = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "section", "article", "main", "header",
    "figure", "figcaption", "caption", "table", "tr", "td", "th", "thead", "tbody", "tfoot", "form", "fieldset",
    "details", "summary", "address", "hr", "center", "legend", "body", "html",
    # a control's label stands apart from its neighbours: tab labels side by side ("<label>Über mich</label><label>
    # Kontakt</label>", a MkDocs page's tabs) read "Über michKontakt" (a browser probe)
    "label",
}  # fmt: skip
DROP_TAGS = {
    "script", "style", "noscript", "template", "svg", "math", "nav", "footer", "aside", "iframe", "object", "embed",
    "select", "textarea", "input", "option", "head", "canvas", "video", "audio", "map", "dialog", "menu",
}  # fmt: skip
DROP_ROLES = {
    "navigation", "contentinfo", "banner", "search", "complementary", "dialog", "alertdialog", "menu", "menubar",
    "toolbar", "tablist",
}  # fmt: skip
BOILERPLATE_TOKENS = {
    "cookie", "cookies", "consent", "gdpr", "share", "sharing", "sharer", "social", "breadcrumb", "breadcrumbs",
    "skip", "skiplink", "newsletter", "subscribe", "subscription", "navbar", "nav", "navigation", "menu", "footer",
    "sidebar", "advert", "advertisement", "ads", "sponsored", "related", "popup", "toolbar", "masthead", "sitemap",
    "pagination", "pager", "feedback", "rating", "comments", "comment",
}  # fmt: skip
# the classes that hide text for screen readers; inside a link that text names the link's icon ("external icon",
# "PDF", "opens in a new window"), and read into a sentence it reads "best practiceexternal icon"
LINK_LABELS = {"sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "sr-text", "a11y-hidden"}
MAX_DEPTH = 400  # deeper than this, a subtree is taken as plain text (no recursion limit to hit)


@dataclass
class Unit:
    kind: str  # "heading" | "text" | "row" | "entry"
    lines: list[str] = field(default_factory=list)
    level: int = 0  # headings
    anchor: str | None = None
    item: bool = False  # a list item
    ordered: bool = False  # an item of a numbered list (<ol>)
    key: str | None = None  # rows: the first cell
    headers: list[str] | None = None  # rows under a header row: the column name of each of `cells`
    key_header: str | None = None  # such rows: the name of the key's column
    cells: list[str] | None = None  # such rows: the cells after the first (their line is "key: a | b")
    question: str | None = None  # entries
    answer: list[Unit] = field(default_factory=list)  # entries
    bold: str | None = None  # text: the bold words it opens with


_B0, _B1 = "\x01", "\x02"  # around bold text in a block's buffer, so a block can tell it opens with bold words
# a line break the page makes (<br>); a newline in the page's source is only white space ("Anyone can\nchange the
# group name or avatar,\nadd or remove members," is one sentence: a probe got it cited line by line)
_BR = "\x03"
_BOLD_START = re.compile(r"\s*\x01+([^\x01\x02]*)\x02")


def _table_of_contents(el) -> bool:
    """A list of at least 3 items each of which is nothing but a link to a place on the page ("<li><a
    href="#who-sees-my-profile-picture">Who sees my profile picture?</a>", nested lists of them too): the page's
    contents. A probe on a help centre of one page got "- Create a channel [1]" for "how do I create a group"."""
    items = [c for c in el if _tag(c) == "li"]
    if len(items) < 3:
        return False
    for li in items:
        links = [a for a in li if _tag(a) == "a"]
        if len(links) != 1 or not (links[0].get("href") or "").startswith("#") or len(links[0].get("href")) < 2:
            return False
        a = links[0]
        if a.get("aria-expanded") is not None or a.get("data-toggle") or a.get("data-bs-toggle"):
            return False  # an accordion's toggles
        rest = (
            (li.text or "")
            + (a.tail or "")
            + "".join(
                (c.text_content() if _tag(c) not in ("ul", "ol", "a") else "") + (c.tail or "")
                for c in li
                if c is not a
            )
        )
        if rest.strip():
            return False
    return True


def _clean(s: str) -> str:
    s = s.replace(_B0, "").replace(_B1, "").replace(_BR, " ")
    return " ".join(s.replace("\u00a0", " ").replace("\u200b", "").replace("\u00ad", "").split())


def _tag(el) -> str:
    t = el.tag
    return t.lower() if isinstance(t, str) else ""


def _tokens(el) -> set[str]:
    s = f"{el.get('class', '')} {el.get('id', '')}".lower()
    return set(re.split(r"[^a-z0-9]+", s)) - {""}


class _Walker:
    """One pass over the tree, in document order, collecting units; entries' answers are walked apart."""

    def __init__(self, root, page_chars: int):
        self.root = root
        self.page_chars = max(page_chars, 1)
        self.ids = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        self.claimed: set[int] = set()  # panels taken by an accordion control (walked once, as its answer)
        self._size: dict[int, int] = {}

    # -- what to leave out ----------------------------------------------------------------------------------
    def _chars(self, el) -> int:
        k = id(el)
        if k not in self._size:
            self._size[k] = len(_clean(el.text_content()))
        return self._size[k]

    def dropped(self, el) -> bool:
        tag = _tag(el)
        if tag in DROP_TAGS:
            return True
        if tag in {"body", "html", "main", "article"}:
            return False
        if set((el.get("class") or "").lower().split()) & LINK_LABELS and any(
            _tag(a) == "a" for a in el.iterancestors()
        ):
            return True  # a link's words for screen readers about its icon: "best practice" + "external icon"
        if tag in ("ul", "ol") and _table_of_contents(el):
            return True  # a page's contents list: its questions are the headings below, not answers
        role = (el.get("role") or "").lower()
        boiler = role in DROP_ROLES or bool(_tokens(el) & BOILERPLATE_TOKENS)
        if tag == "header" and not any(_tag(x) == "h1" for x in el.iter()):
            boiler = True  # a site header (logo, menu); an article's header holds its h1
        # never drop what holds most of the page: a class like "has-sidebar" on the content's wrapper
        return boiler and self._chars(el) < 0.4 * self.page_chars

    # -- accordions -----------------------------------------------------------------------------------------
    def panel_of(self, el):
        """The panel an accordion control opens, when it is a separate element not yet taken."""
        refs = (el.get("aria-controls") or "").split()
        for attr in ("data-target", "data-bs-target"):
            v = el.get(attr) or ""
            if v.startswith("#"):
                refs.append(v[1:])
        if _tag(el) == "a" and (el.get("href") or "").startswith("#") and len(el.get("href")) > 1:
            toggles = el.get("aria-expanded") is not None or _tokens(el) & {"accordion", "collapse", "toggle"}
            if toggles or el.get("data-toggle") or el.get("data-bs-toggle"):
                refs.append(el.get("href")[1:])
        for r in refs:
            p = self.ids.get(r)
            if p is None or id(p) in self.claimed or p is el:
                continue
            if any(a is p for a in el.iterancestors()) or any(d is el for d in p.iter()):
                continue
            return p
        return None

    def control_inside(self, el):
        for d in el.iter():
            if d is not el and isinstance(d.tag, str) and self.panel_of(d) is not None:
                return d
        return None

    # -- the walk -------------------------------------------------------------------------------------------
    def run(self, el) -> list[Unit]:
        out: list[Unit] = []
        buf: list[str] = []
        self._walk(el, out, buf, 0, block="div")
        self._flush(out, buf, "div", None)
        return out

    def _flush(self, out: list[Unit], buf: list[str], block: str, bold: str | None = None) -> None:
        text = "".join(buf)
        buf.clear()
        m = _BOLD_START.match(text)
        bold = _clean(m.group(1)) if m else None
        lines = [_clean(x) for x in text.split("\n" if block == "pre" else _BR)]
        lines = [x for x in lines if x]
        if lines:
            item = block in ("li", "ol-li")
            out.append(Unit("text", lines, item=item, ordered=block == "ol-li", bold=bold or None))

    def _answer(self, els) -> list[Unit]:
        """The units of an entry's answer: elements (and text between them) walked with one shared buffer."""
        out: list[Unit] = []
        buf: list[str] = []
        for e in els:
            if isinstance(e, str):
                buf.append(e)
            else:
                self._walk(e, out, buf, 1, block="div")
        self._flush(out, buf, "div")
        return out

    def _entry(self, out: list[Unit], question: str, answer: list[Unit], anchor: str | None, level: int = 0) -> None:
        q = _clean(question)
        body = [u for u in answer if u.kind != "entry"]
        nested = [u for u in answer if u.kind == "entry"]
        if q and body:  # (`level`: the heading's, when the question is a heading's accordion control)
            out.append(Unit("entry", question=q, answer=body, anchor=anchor, level=level))
        elif body:
            out.extend(body)
        out.extend(nested)

    def _walk(self, el, out: list[Unit], buf: list[str], depth: int, block: str) -> None:
        tag = _tag(el)
        if not tag:  # a comment or processing instruction: only its tail is text
            return
        if self.dropped(el) or id(el) in self.claimed:
            return
        if depth > MAX_DEPTH:
            buf.append(" " + el.text_content() + " ")
            return
        itemtype = (el.get("itemtype") or "").lower()
        if itemtype.endswith("schema.org/question") and self._microdata(el, out, buf, block):
            return
        if tag == "details":
            self._flush(out, buf, block)
            summary = next((c for c in el if _tag(c) == "summary"), None)
            q = _clean(summary.text_content()) if summary is not None else ""
            rest = [el.text or ""] + [x for c in el if c is not summary for x in (c, c.tail or "")]
            if summary is not None:
                rest.insert(1, summary.tail or "")
            self._entry(
                out, q, self._answer(rest), el.get("id") or (summary.get("id") if summary is not None else None)
            )
            return
        if tag == "dl":
            self._flush(out, buf, block)
            self._dl(el, out)
            return
        panel = self.panel_of(el)
        ctl = el if panel is not None else (self.control_inside(el) if tag in HEADINGS else None)
        if ctl is not None:  # an accordion: the control's (or its heading's) text asks, the panel answers
            panel = panel if panel is not None else self.panel_of(ctl)
            self._flush(out, buf, block)
            answer = self._answer([panel])
            self.claimed.add(id(panel))  # walked once, as this answer: skipped where it stands in the page
            anchor = el.get("id") or ctl.get("id") or panel.get("id")
            self._entry(out, el.text_content(), answer, anchor, HEADINGS.get(tag, 0))
            return
        if tag in HEADINGS:
            self._flush(out, buf, block)
            text = _clean(el.text_content())
            if text:
                out.append(Unit("heading", [text], level=HEADINGS[tag], anchor=self._heading_anchor(el)))
            return
        if tag == "table":
            self._flush(out, buf, block)
            self._table(el, out)
            return
        if tag == "br":
            buf.append(_BR)
            return
        if tag in BLOCK:
            self._flush(out, buf, block)
            mine: list[str] = [el.text or ""]
            parent = el.getparent()
            kind = "ol-li" if tag == "li" and parent is not None and _tag(parent) == "ol" else tag
            for c in el:
                self._walk(c, out, mine, depth + 1, kind)
                mine.append(c.tail or "")
            self._flush(out, mine, kind)
            return
        # inline: its text joins the current block (bold text marked, see _flush)
        bold = tag in {"strong", "b"}
        buf.append((_B0 if bold else "") + (el.text or ""))
        for c in el:
            self._walk(c, out, buf, depth + 1, block)
            buf.append(c.tail or "")
        if bold:
            buf.append(_B1)

    def _heading_anchor(self, el) -> str | None:
        if el.get("id"):
            return el.get("id")
        for a in el.iter("a"):
            if a.get("id") or a.get("name"):
                return a.get("id") or a.get("name")
        parent = el.getparent()
        if parent is not None and parent.get("id") and _tag(parent) in {"section", "div", "article", "li"}:
            first = next((c for c in parent if isinstance(c.tag, str)), None)
            if first is el:
                return parent.get("id")
        prev = el.getprevious()
        if prev is not None and _tag(prev) == "a" and not _clean(prev.text_content()):
            return prev.get("id") or prev.get("name")
        return None

    def _microdata(self, el, out, buf, block) -> bool:
        def props(name):
            return [d for d in el.iter() if isinstance(d.tag, str) and name in (d.get("itemprop") or "").split()]

        answers = props("acceptedAnswer") or props("suggestedAnswer")
        names = [n for n in props("name") if not any(any(a is x for x in n.iterancestors()) for a in answers)]
        if not names or not answers:
            return False
        ans = answers[0]
        texts = [d for d in ans.iter() if isinstance(d.tag, str) and "text" in (d.get("itemprop") or "").split()]
        self._flush(out, buf, block)
        self._entry(out, names[0].text_content(), self._answer([texts[0] if texts else ans]), el.get("id"))
        return True

    def _dl(self, el, out: list[Unit]) -> None:
        pairs: list[tuple[object, list]] = []
        kids = [c for c in el if isinstance(c.tag, str)]
        kids = [g for c in kids for g in ([x for x in c if isinstance(x.tag, str)] if _tag(c) == "div" else [c])]
        for c in kids:  # <dt>s and <dd>s, also inside the <div>s HTML allows as groups
            if self.dropped(c):
                continue
            if _tag(c) == "dt":
                pairs.append((c, []))
            elif _tag(c) == "dd" and pairs:
                pairs[-1][1].append(c)
        from bot.ingest.lang import is_question

        questions = sum(1 for dt, _ in pairs if is_question(_clean(dt.text_content())))
        as_entries = pairs and questions >= max(1, (len(pairs) + 1) // 2)
        for dt, dds in pairs:
            q = _clean(dt.text_content())
            body = self._answer(dds)
            if as_entries:
                self._entry(out, q, body, dt.get("id") or (dds[0].get("id") if dds else None))
            else:  # a glossary: "term: definition" rows
                detail = " ".join(" ".join(u.lines) for u in body if u.kind == "text")
                if q and detail:
                    out.append(Unit("row", [detail], key=q))
                elif q:
                    out.append(Unit("text", [q]))

    def _table(self, el, out: list[Unit]) -> None:
        """The caption (a line of its own), then rows of cells on a grid (a rowspan or colspan cell stands in every
        grid place it covers). A first row of <th> cells (or every <th> row of a <thead>) names the columns: each
        other row is a "row" unit, its first cell the key and every other cell with its column's name. Without
        column names, "key: a | b"."""
        caption = next((c for c in el if _tag(c) == "caption"), None)
        text = _clean(caption.text_content()) if caption is not None else ""
        if text:  # what the table is: a line of its own before it ("Fees by service")
            out.append(Unit("text", [text]))
        header: list[str] | None = None
        # grid column -> (text, rows it still covers, the cell's number): a rowspan cell stands in the rows below
        carry: dict[int, tuple[str, int, int]] = {}
        made = 0  # cells read so far: a cell's number tells the grid places it covers from neighbours that say the same
        for r in (r for r in el.iter("tr") if _in_table(r, el)):
            cells, heads, origin, col = [], [], [], 0
            for c in (c for c in r if _tag(c) in {"td", "th"}):
                while col in carry:
                    cells.append(carry[col][0])
                    heads.append(True)
                    origin.append(carry[col][2])
                    col = self._carry(carry, col)
                for br in c.iter("br"):  # a line break in a cell is a space: "C=US,<br>O=ISRG" is no "C=US,O=ISRG"
                    br.tail = " " + (br.tail or "")
                text, span = _clean(c.text_content()), _span(c.get("colspan"))
                down = _span(c.get("rowspan"))
                made += 1
                for k in range(span):
                    cells.append(text)
                    heads.append(_tag(c) == "th")
                    origin.append(made)
                    if down > 1:
                        carry[col + k] = (text, down - 1, made)
                col += span
            while col in carry:
                cells.append(carry[col][0])
                heads.append(True)
                origin.append(carry[col][2])
                col = self._carry(carry, col)
            if not any(cells):
                continue
            in_head = any(_tag(a) == "thead" for a in r.iterancestors() if a is not el) or all(heads)
            if in_head and (header is None or not any(_tag(a) == "tbody" for a in r.iterancestors())):
                if header is None or len(cells) == len(header):  # column names: not a row to cite
                    header = cells if header is None else [f"{a} {b}" if a != b else a for a, b in zip(header, cells)]
                    continue
            # a colspan cell's text once: the row's cells as a reader sees them (two neighbouring cells that say the
            # same are both kept: "€0.05 per minute" under "E-bike surcharge" and under "Extra time" had been read
            # as one cell across both, named by neither: a browser probe)
            dedup = [(i, t) for i, t in enumerate(cells) if t and (i == 0 or origin[i] != origin[i - 1])]
            if len(dedup) < 2:
                out.append(Unit("text", [t for _, t in dedup]))
                continue
            key, rest = dedup[0][1], dedup[1:]
            if header and any(header[1:]):
                names = [_column_name(header, i, origin) for i, _ in rest]
                texts = [t for _, t in rest]
                kh = header[0].strip() or None
                out.append(Unit("row", [" | ".join(texts)], key=key, headers=names, cells=texts, key_header=kh))
            else:
                out.append(Unit("row", [" | ".join(t for _, t in rest)], key=key))

    @staticmethod
    def _carry(carry: dict[int, tuple[str, int, int]], col: int) -> int:
        text, left, made = carry[col]
        if left > 1:
            carry[col] = (text, left - 1, made)
        else:
            del carry[col]
        return col + 1


def _column_name(header: list[str], i: int, origin: list[int]) -> str:
    """The name of the column a row's cell i starts in (`origin`: each grid place's cell); a cell across several
    columns ("Fee Online", "Fee By post") gets the words their names begin with ("Fee"), or, with none in common,
    their names ("Adultes / Enfants": a browser probe's "Attestation de domicile: CHF 20.–" said for whom)."""
    j = i
    while j + 1 < len(origin) and origin[j + 1] == origin[i]:
        j += 1
    names = [header[k].split() for k in range(i, min(j, len(header) - 1) + 1)] if i < len(header) else [[]]
    common = []
    for ws in zip(*names):
        if len(set(ws)) > 1:
            break
        common.append(ws[0])
    if len(names) > 1 and not common:  # "Adultes / Enfants": columns with no words in common, each named
        return " / ".join(" ".join(n) for n in names)
    return " ".join(common) if len(names) > 1 else " ".join(names[0])


def _span(v) -> int:
    """A colspan or rowspan attribute: 1 to 50 (a hostile 10**9 is not a grid of 10**9 places)."""
    try:
        return max(1, min(50, int(str(v).strip()))) if v is not None else 1
    except ValueError:
        return 1


def _in_table(row, table) -> bool:
    for a in row.iterancestors():
        if _tag(a) == "table":
            return a is table
    return False


def _ld_entries(root) -> list[tuple[str, str, str | None]]:
    """(question, answer HTML, anchor) of every schema.org Question in the page's JSON-LD."""
    out = []

    def visit(x):
        if isinstance(x, list):
            for y in x:
                visit(y)
        elif isinstance(x, dict):
            types = x.get("@type")
            types = types if isinstance(types, list) else [types]
            if "Question" in types:
                ans = x.get("acceptedAnswer") or x.get("suggestedAnswer")
                ans = ans[0] if isinstance(ans, list) and ans else ans
                text = ans.get("text") if isinstance(ans, dict) else None
                name = x.get("name") or x.get("text")
                if isinstance(name, str) and isinstance(text, str):
                    url = x.get("url") or x.get("@id") or ""
                    anchor = url.split("#", 1)[1] if isinstance(url, str) and "#" in url else None
                    out.append((name, text, anchor))
                return
            for v in x.values():
                if isinstance(v, (list, dict)):
                    visit(v)

    for s in root.iter("script"):
        if (s.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            visit(json.loads(s.text or ""))
        except (ValueError, RecursionError):
            log.info("skipped a JSON-LD block that is not valid JSON")
    return out


@dataclass
class Page:
    title: str
    lang: str | None
    units: list[Unit]
    ld_questions: set[str]  # normalised questions the page's JSON-LD names


_SCRIPT = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_BLOCK_TAG = re.compile(r"</?(p|div|br|li|h[1-6]|tr|section|article|dd|dt|summary|details)\b[^>]*>", re.IGNORECASE)


def _plain_text(raw: str) -> str:
    import html as _html

    text = _BLOCK_TAG.sub("\n", _SCRIPT.sub(" ", raw))
    return _html.unescape(_TAG.sub(" ", text))


def _plain_page(raw: str) -> Page:
    """A page the HTML parser cannot take (nesting past libxml2's limit, or worse): its text, paragraph by
    paragraph, with no structure."""
    lines = [" ".join(x.split()) for x in _plain_text(raw).split("\n")]
    return Page("", None, [Unit("text", [x]) for x in lines if x], set())


def norm_question(q: str) -> str:
    return " ".join(re.findall(r"\w+", q.lower()))


def parse_page(raw: str) -> Page:
    """The page's title, declared language and units in reading order; JSON-LD entries that the visible page
    does not show are added at its end."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(raw)
    except (etree.ParserError, ValueError):
        return _plain_page(raw)
    if len(raw) > 1000 and raw.count("<") > 500 and len(root.text_content()) < 0.5 * len(_plain_text(raw)):
        return _plain_page(raw)  # libxml2 drops everything nested deeper than 255 elements: keep the text
    lang = root.get("lang") or root.get("xml:lang")
    title_el = root.find(".//title")
    title = _clean(title_el.text_content()) if title_el is not None else ""
    ld = _ld_entries(root)
    body = root.find("body")
    body = body if body is not None else root
    walker = _Walker(root, len(_clean(body.text_content())))
    units = walker.run(body)
    seen = {norm_question(u.question) for u in units if u.kind == "entry"}
    seen |= {norm_question(u.lines[0]) for u in units if u.kind in ("heading", "text") and u.lines}
    for q, answer_html, anchor in ld:
        if norm_question(q) in seen:
            continue
        try:
            frag = lxml_html.fragment_fromstring(answer_html, create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        answer = _Walker(frag, len(_clean(frag.text_content()))).run(frag)
        if answer:
            units.append(Unit("entry", question=_clean(q), answer=answer, anchor=anchor))
            seen.add(norm_question(q))
    return Page(title, lang, units, {norm_question(q) for q, _, _ in ld})


__all__ = ["Page", "Unit", "norm_question", "parse_page"]
