"""PDF and Word (.docx) files -> the text the bot indexes and quotes, in Markdown form, with page offsets.

Both become Markdown that bot/ingest/corpus.parse_markdown reads like any other article: headings (`#` lines) as
sections, list items as `- ` lines, table rows as `| a | b |` lines (one "key: detail" row each, as the Key
Points table of the shipped article), paragraphs as blank-line separated blocks. A PDF citation carries the page
its sentence is on: `pages` lists (offset in the text, page number) for the start of every page.

PDF (pypdf, BSD): each text run's position and size come from the content stream; runs are grouped into lines,
lines into paragraphs by the vertical gap, and a line set in a larger size than the body text is a heading (the
largest sizes the highest levels). Lines whose runs stand in the same columns as their neighbours' are a table.
Lines repeated at the top or bottom of most pages (running headers, "Page 3 of 9") are left out, and a word
hyphenated at a line's end is joined. A PDF without a text layer (scanned pages) or one that is encrypted is
refused with the reason, by name.

Word (python-docx, MIT): the body in order: Title and Heading N styles as headings, list paragraphs as items,
tables as rows.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from bot.ingest.text import escape_bars

PDF_MAX_PAGES = 2000
PDF_MAX_PAGE_CHARS = 100_000  # a printed page holds a few thousand; more is a stream built to be large
PDF_MAX_CHARS = 20_000_000
MAX_UNPACKED_BYTES = 100_000_000  # a zip-based document's parts together, unpacked (BOT_MAX_UNPACKED_MB)
MAX_ZIP_ENTRIES = 5_000


def check_zip(raw: bytes, max_unpacked: int = MAX_UNPACKED_BYTES) -> None:
    """A zip-based document (.docx) within its budget, judged from the zip's directory before anything is
    unpacked: the parts' unpacked sizes together at most `max_unpacked`, no XML part over a quarter of it, at most
    MAX_ZIP_ENTRIES parts. (A part whose directory entry lies about its size stops at that size when read.)
    Raises ValueError naming the limit and the setting that raises it."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise ValueError(f"is not a readable Word document ({type(e).__name__}: {str(e)[:120]})") from None
    mb = max_unpacked / 1e6
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValueError(f"has {len(infos):,} parts in its zip; the limit is {MAX_ZIP_ENTRIES:,}")
    total = sum(i.file_size for i in infos)
    if total > max_unpacked:
        raise ValueError(
            f"unpacks to {total / 1e6:,.0f} MB; the limit is {mb:,.0f} MB (setting BOT_MAX_UNPACKED_MB raises it)"
        )
    xml = max((i.file_size for i in infos if i.filename.endswith(".xml")), default=0)
    if xml > max_unpacked // 4:
        raise ValueError(
            f"has an XML part of {xml / 1e6:,.0f} MB unpacked; the limit is {mb / 4:,.0f} MB, a quarter of "
            "BOT_MAX_UNPACKED_MB (that setting raises it)"
        )


@dataclass
class Extracted:
    text: str  # Markdown
    pages: list[tuple[int, int]]  # (offset into text, page number from 1) at each page's start
    title: str | None = None
    page_count: int = 0


@dataclass
class _Run:
    x: float
    y: float
    size: float
    bold: bool
    text: str


@dataclass
class _Line:
    y: float
    size: float
    bold: bool
    runs: list[_Run]

    @property
    def text(self) -> str:
        out = ""
        for r in self.runs:
            t = r.text
            if out and not out[-1].isspace() and t and not t[0].isspace():
                out += " "
            out += t
        return " ".join(out.split())


def _page_lines(page) -> list[_Line]:
    runs: list[_Run] = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text or not text.strip():
            return
        x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
        y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
        scale = (tm[2] ** 2 + tm[3] ** 2) ** 0.5 * (cm[2] ** 2 + cm[3] ** 2) ** 0.5
        name = str((font_dict or {}).get("/BaseFont", "")) if hasattr(font_dict, "get") else ""
        bold = bool(re.search(r"bold|black|heavy|semibold", name, re.IGNORECASE))
        for part in text.split("\n"):
            if part.strip():
                runs.append(_Run(float(x), float(y), float(font_size or 0) * (scale or 1.0), bold, part))

    page.extract_text(visitor_text=visit)
    lines: list[_Line] = []
    for r in sorted(runs, key=lambda r: (-round(r.y, 0), r.x)):
        if lines and abs(lines[-1].y - r.y) <= max(1.0, 0.35 * max(r.size, lines[-1].size)):
            lines[-1].runs.append(r)
        else:
            lines.append(_Line(r.y, r.size, r.bold, [r]))
    for ln in lines:
        ln.runs.sort(key=lambda r: r.x)
        chars = Counter()
        for r in ln.runs:
            chars[(round(r.size, 1), r.bold)] += len(r.text.strip())
        (ln.size, ln.bold), _ = chars.most_common(1)[0]
    return _split_columns([ln for ln in lines if ln.text])


def _split_columns(lines: list[_Line]) -> list[_Line]:
    """A page set in two columns: its lines as the left column's, then the right column's (reading order),
    instead of each printed line joining the two. Told from a two-column table by how long the left parts are:
    a table's first column holds short keys, a column of text runs on, and a wider table's left part is cells."""
    if len(lines) < 6:
        return lines
    left_x = min(ln.runs[0].x for ln in lines)
    starts: Counter = Counter()
    for ln in lines:  # where runs start well right of the left margin, once a line
        starts.update({round(r.x / 4) * 4 for r in ln.runs if r.x - left_x > 6 * ln.size})
    if not starts:
        return lines
    split, n = starts.most_common(1)[0]
    if n < 6 or n < 0.3 * len(lines):
        return lines
    left_len = [len(" ".join(r.text for r in ln.runs if r.x < split - 4)) for ln in lines]
    two = [k for k, ln in enumerate(lines) if any(r.x >= split - 4 for r in ln.runs) and left_len[k]]
    if not two or statistics.mean(left_len[k] for k in two) < 25:
        return lines
    # a table of three columns or more: the left parts are cells themselves ("Still | More than 1.2%, up to 4%")
    cells_left = [
        _columns(_Line(lines[k].y, lines[k].size, lines[k].bold, [r for r in lines[k].runs if r.x < split - 4]))
        for k in two
    ]
    if sum(c is not None for c in cells_left) > len(two) / 2:
        return lines
    left, right = [], []
    for ln in lines:
        lr = [r for r in ln.runs if r.x < split - 4]
        rr = [r for r in ln.runs if r.x >= split - 4]
        if lr:
            left.append(_Line(ln.y, ln.size, ln.bold, lr))
        if rr:
            right.append(_Line(ln.y, ln.size, ln.bold, rr))
    return left + right


def _columns(line: _Line) -> list[float] | None:
    """The x where each cell of a table row starts, when the line's runs stand apart as cells."""
    if len(line.runs) < 2:
        return None
    xs = [line.runs[0].x]
    for r in line.runs[1:]:
        if r.x - xs[-1] > 3 * line.size:
            xs.append(r.x)
    return xs if len(xs) >= 2 else None


def _cells(line: _Line, xs: list[float]) -> list[str]:
    cells = [""] * len(xs)
    for r in line.runs:
        k = max(i for i, x in enumerate(xs) if r.x >= x - 2)
        cells[k] = (cells[k] + " " + r.text).strip()
    return [" ".join(c.split()) for c in cells]


# A printed line's leading, in font sizes: lines closer than this are one paragraph, or one table row whose cells
# wrap; a table's rows stand further apart (their cells' padding) unless the table is set tight, and then each
# line with a cell in the first column is a row of its own.
_LEADING = 1.45


def _joined(row: list[str], more: list[str]) -> list[str]:
    return [(a + " " + b).strip() for a, b in zip(row, more)]


def _at_columns(line: _Line, xs: list[float], tol: float) -> bool:
    """Every run of the line starts where a column of the table does."""
    return all(any(abs(r.x - x) <= tol for x in xs) for r in line.runs)


def _wrapped_row(lines: list[_Line], k: int, xs: list[float], pitch: float = 0.0) -> int:
    """How many lines from k on are one table row whose cells wrap onto several printed lines (each line part of
    the cells, at the table's columns, a leading from the line above), when together they fill two cells or more;
    else 0. ("People who have served the Queen or the Monarchy" / "Royal Victorian Order" / "in a personal way":
    a row whose key is set beside the middle of its second cell.) `pitch`: how far apart the table's rows stand;
    in a table set as loosely as its rows, its key's text goes on within that pitch, on a line that has the key
    as the line above did and fills no other cell again ("Pupil premium plus: looked-after children…" on four
    lines, "£1,900" set beside their middle)."""
    n, filled, last = 0, set(), set()
    while k + n < len(lines):
        ln = lines[k + n]
        cells = {i for i, c in enumerate(_cells(ln, xs)) if c}
        if not _at_columns(ln, xs, 2 * ln.size):
            break
        if n and lines[k + n - 1].y - ln.y > _LEADING * ln.size:
            key_goes_on = 0 in last and 0 in cells and not (cells - {0}) & filled
            if not (key_goes_on and lines[k + n - 1].y - ln.y <= 1.05 * pitch):
                break
        filled |= cells
        last = cells
        n += 1
    return n if n >= 2 and len(filled) >= 2 else 0


def _same_columns(a: list[float], b: list[float], tol: float) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b))


def _within(a: list[float], b: list[float], tol: float) -> bool:
    """A row's cells `a` stand at columns of the table `b`, its first among them: a row with empty cells ("Good
    Friday | 02/04/2021 |" under "Bank holiday | Date | Notes") is a row of that table."""
    return abs(a[0] - b[0]) <= tol and all(any(abs(x - y) <= tol for y in b) for x in a)


_BULLET = re.compile(r"^\s*(?:[•▪‣◦●○■□–-]|\d{1,3}[.)]|[a-z][.)])\s+")
_REPEAT_NORM = re.compile(r"\d+")


def _repeated(pages: list[list[_Line]]) -> set[str]:
    """Texts of the first and last two lines that recur on most pages: running headers and footers."""
    if len(pages) < 3:
        return set()
    seen: Counter = Counter()
    for lines in pages:
        edge = {_REPEAT_NORM.sub("#", ln.text.lower()) for ln in lines[:2] + lines[-2:]}
        seen.update(edge)
    return {t for t, n in seen.items() if n >= max(3, 0.6 * len(pages))}


def read_pdf(raw: bytes, time_budget_s: float | None = None) -> Extracted:
    """The PDF's text as Markdown. Raises ValueError with the reason when it has none to give, or when it is over
    a budget: PDF_MAX_PAGES pages, PDF_MAX_PAGE_CHARS characters of text a page, PDF_MAX_CHARS a file, and
    `time_budget_s` seconds (checked page by page)."""
    import time

    t0 = time.monotonic()
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")  # "encrypted" with an empty user password: readable as it is
            except Exception:  # noqa: BLE001 - pypdf raises several kinds for ciphers it cannot open
                ok = 0
            if not ok:
                raise ValueError("is an encrypted PDF (it needs a password); save an unprotected copy")
        n_pages = len(reader.pages)
    except ValueError:
        raise
    except (PdfReadError, OSError, KeyError, TypeError, AttributeError, IndexError) as e:
        raise ValueError(f"is not a readable PDF ({type(e).__name__}: {str(e)[:120]})") from None
    if n_pages > PDF_MAX_PAGES:
        raise ValueError(f"has {n_pages:,} pages; the limit is {PDF_MAX_PAGES:,} (split it)")
    pages: list[list[_Line]] = []
    images = 0
    total = 0
    for pno, page in enumerate(reader.pages, start=1):
        try:
            pages.append(_page_lines(page))
        except Exception as e:  # noqa: BLE001 - a damaged page stream: that page is skipped, not the file
            pages.append([])
            _ = e
        chars = sum(len(ln.text) for ln in pages[-1])
        total += chars
        if chars > PDF_MAX_PAGE_CHARS:
            raise ValueError(
                f"has {chars:,} characters of text on page {pno}; the limit is {PDF_MAX_PAGE_CHARS:,} a page "
                "(a printed page holds a few thousand)"
            )
        if total > PDF_MAX_CHARS:
            raise ValueError(f"has over {PDF_MAX_CHARS:,} characters of text; the limit is {PDF_MAX_CHARS:,} a file")
        if time_budget_s is not None and time.monotonic() - t0 > time_budget_s:
            raise ValueError(
                f"took more than {time_budget_s:g} s to read ({pno} of {n_pages} pages; BOT_READ_TIMEOUT_S raises "
                "the limit)"
            )
        try:
            images += len(page.images) if not pages[-1] else 0
        except Exception:  # noqa: BLE001 - image listing fails on some damaged pages
            pass
    if not any(pages):
        if images:
            raise ValueError("has no text layer: its pages are images (scanned); they need OCR")
        raise ValueError("has no text to read")
    repeated = _repeated(pages)
    sizes: Counter = Counter()
    for lines in pages:
        for ln in lines:
            sizes[round(ln.size, 1)] += len(ln.text)
    body = sizes.most_common(1)[0][0]
    heading_sizes = sorted({s for s in sizes if s >= body * 1.15}, reverse=True)[:5]
    level_of = {s: i + 1 for i, s in enumerate(heading_sizes)}
    if len(heading_sizes) == 1:
        level_of = {heading_sizes[0]: 2}
    meta_title = None
    try:
        meta_title = (reader.metadata or {}).get("/Title") or None
    except Exception:  # noqa: BLE001 - damaged metadata
        pass

    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos = 0

    def emit(block: str) -> None:
        nonlocal pos
        if parts:
            parts.append("\n\n")
            pos += 2
        parts.append(block)
        pos += len(block)

    # the header row and columns of a table the page before ended with: a table the next page starts with, in the
    # same columns, goes on with it and gets that header row again (where the PDF does not repeat it)
    carry: dict = {"head": None, "cols": None, "first": 0}
    for pno, lines in enumerate(pages, start=1):
        lines = [ln for ln in lines if _REPEAT_NORM.sub("#", ln.text.lower()) not in repeated]
        offsets.append((pos + (2 if parts else 0), pno))
        carry["first"] = len(parts)
        gaps = [a.y - b.y for a, b in zip(lines, lines[1:]) if abs(a.size - body) < 0.6 and 0 < a.y - b.y < 4 * body]
        step = statistics.median(gaps) if gaps else body * 1.2
        para: list[str] = []
        item: bool | str = False  # a list item: True, or its number ("3. ")
        item_x = 0.0  # where the item's marker stands
        heading: dict = {}  # the last heading emitted: its place in parts, its size and where its last line stands
        ln_heading: list = [None]  # its last line
        table: list[list[str]] = []  # rows of cells
        table_cols: list[float] | None = None

        def flush_para() -> None:
            nonlocal para, item
            if para:
                # a numbered item keeps its number ("3. Open…"): a question for the third step finds it (a browser
                # probe: a PDF's steps "1." to "6." became bullets, and "the third step" got the fourth)
                emit((item if isinstance(item, str) else "- " if item else "") + " ".join(para))
            para, item = [], False

        def flush_table() -> None:
            nonlocal table, table_cols
            head = carry["head"]
            if (
                head is not None
                and table
                and table_cols is not None
                and len(parts) == carry["first"]  # the page's first block
                and len(head) == len(table[0])
                and _same_columns(carry["cols"], table_cols, 2 * body)
                and table[0] != head
            ):
                table.insert(0, head)
            if table:
                carry["head"] = None
            rows = ["| " + " | ".join(escape_bars(c) for c in r) + " |" for r in table]
            if len(rows) >= 2:
                emit("\n".join(rows))
            elif rows:
                emit(rows[0].strip("| ").replace(" | ", " "))
            table, table_cols = [], None

        prev = None
        skip = 0
        pitch, prev_row = 0.0, False  # how far apart the table's rows stand; the line before was a table row
        for i, ln in enumerate(lines):
            if skip:
                skip -= 1
                continue
            if not table:
                pitch = 0.0
            text = ln.text
            cols = _columns(ln)
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            ncols = _columns(nxt) if nxt is not None else None
            tol = 2 * ln.size
            in_table = cols is not None and (
                (table_cols is not None and _within(cols, table_cols, tol))
                or (ncols is not None and (_within(cols, ncols, tol) or _within(ncols, cols, tol)))
            )
            near = prev is not None and prev.y - ln.y <= _LEADING * ln.size  # a line's leading from the one above
            if in_table:
                head = None
                if table_cols is None or not _within(cols, table_cols, tol):
                    # a header row whose first cell is empty ("" | "Account number (IBAN)" | "Bank identifier
                    # code (BIC)") stands at the table's columns but the first: read as a paragraph line, it is
                    # the table's first row (a held-out table pack's PDF: its first data row was taken for the header)
                    if (
                        prev is not None
                        and not prev_row
                        and para
                        and para[-1] == prev.text
                        and len(prev.runs) >= 2
                        and prev.runs[0].x > cols[0] + tol
                        and _at_columns(prev, cols[1:], tol)
                        and prev.y - ln.y <= 2.5 * ln.size
                    ):
                        para.pop()
                        head = _cells(prev, cols)
                flush_para()
                if table_cols is None or not _within(cols, table_cols, tol):
                    flush_table()
                    # (the next line's columns when it has more: the first row may leave cells empty)
                    more = ncols is not None and len(ncols) > len(cols) and _within(cols, ncols, tol)
                    table_cols = ncols if more else cols
                    if head is not None:
                        table.append(head)
                cells = _cells(ln, table_cols)
                if table and near and not table[-1][0] and cells[0]:  # a row's key set mid-way down its cells
                    table[-1] = _joined(table[-1], cells)
                else:
                    if table and prev is not None and prev_row:
                        pitch = prev.y - ln.y
                    table.append(cells)
                prev, prev_row = ln, True
                continue
            if table and table_cols and near and _at_columns(ln, table_cols, tol):
                table[-1] = _joined(table[-1], _cells(ln, table_cols))  # a cell's text wrapped onto this line
                prev, prev_row = ln, False
                continue
            n = _wrapped_row(lines, i, table_cols, pitch) if table and table_cols else 0
            if n:  # a row of wrapped cells that starts on a line without them all
                row = _cells(ln, table_cols)
                for k in range(i + 1, i + n):
                    row = _joined(row, _cells(lines[k], table_cols))
                table.append(row)
                skip, prev, prev_row = n - 1, lines[i + n - 1], False
                continue
            flush_table()
            size = round(ln.size, 1)
            short = len(text.split()) <= 20 and not text.endswith((".", ",", ";"))
            if size in level_of and short:
                flush_para()
                mark = "#" * level_of[size] + " "
                last = heading.get("at")
                if last is not None and last == len(parts) - 1 and heading["size"] == size and prev is ln_heading[0]:
                    if heading["y"] - ln.y <= 1.6 * size:
                        # a heading wrapped onto the next line goes on ("Court annuls … over groundwater" / "risk": a
                        # probe got "risk" as a section of its own)
                        parts[-1] += " " + text
                        pos += 1 + len(text)
                        heading["y"] = ln.y
                        ln_heading[0] = ln
                        prev, prev_row = ln, False
                        continue
                emit(mark + text)
                heading.update(at=len(parts) - 1, size=size, y=ln.y)
                ln_heading[0] = ln
                prev, prev_row = ln, False
                continue
            new_para = (
                prev is None
                or prev.y - ln.y > step * 1.35
                or abs(size - round(prev.size, 1)) >= 0.6
                or (ln.bold and not prev.bold and short)
            )
            bullet = _BULLET.match(text)
            # after a list item that ends a sentence, a line that starts a sentence no further right than the item's
            # marker is no more of the item (a hanging indent keeps an item's wrapped lines right of its marker): the
            # paragraph after the list (a browser probe: a PDF's last step took the paragraph after it)
            after_item = (
                item
                and not bullet
                and para
                and para[-1].rstrip().endswith((".", "!", "?", ":"))
                and text[:1].isupper()
                and ln.runs
                and ln.runs[0].x <= item_x + 1.0
            )
            if bullet:
                flush_para()
                number = re.match(r"\s*(\d{1,3})[.)]", text)
                para, item = [text[bullet.end() :]], f"{int(number.group(1))}. " if number else True
                item_x = ln.runs[0].x if ln.runs else 0.0
            elif new_para or after_item:
                flush_para()
                para = [text]
            elif para and re.search(r"[^\W\d_]-$", para[-1]) and text[:1].islower():
                para[-1] = para[-1][:-1] + text  # a word hyphenated at the line's end
            else:
                para.append(text)
            if ln.bold and short and not item and len(para) == 1 and (nxt is None or not nxt.bold):
                # a line of bold text alone (a question, a minor heading): its own block
                if text.endswith("?"):
                    flush_para()
            prev, prev_row = ln, False
        flush_para()
        ends_with = (table[0], table_cols) if len(table) >= 2 and table_cols is not None else (None, None)
        flush_table()
        carry["head"], carry["cols"] = ends_with
    text = "".join(parts) + "\n"
    return Extracted(text, offsets, str(meta_title) if meta_title else None, len(pages))


def _numbered_format(d, el) -> str | None:
    """The number format ("decimal", "bullet", "lowerLetter", …) of a Word list paragraph's level, from the
    document's numbering part; None when it can't be told."""
    try:
        num_pr = el.pPr.numPr
        num_id, ilvl = num_pr.numId.val, (num_pr.ilvl.val if num_pr.ilvl is not None else 0)
        numbering = d.part.numbering_part.element
        ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
        w = "{" + ns["w"] + "}"
        num = numbering.find(f"w:num[@w:numId='{num_id}']", ns)
        abstract = num.find("w:abstractNumId", ns).get(w + "val")
        lvl = numbering.find(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[@w:ilvl='{ilvl}']", ns)
        return lvl.find("w:numFmt", ns).get(w + "val")
    except (AttributeError, KeyError, NotImplementedError, TypeError, ValueError):
        return None


def read_docx(raw: bytes, max_unpacked: int = MAX_UNPACKED_BYTES) -> Extracted:
    """A Word document's body as Markdown, in order. Raises ValueError with the reason when it can't be read or
    is over its budget (check_zip)."""
    import zipfile

    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValueError("is a password-protected (encrypted) or old-format Word file; save it as an unprotected .docx")
    check_zip(raw, max_unpacked)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(io.BytesIO(raw))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ValueError(f"is not a readable Word document ({type(e).__name__}: {str(e)[:120]})") from None
    except Exception as e:  # noqa: BLE001 - python-docx/lxml raise their own kinds for damaged XML
        raise ValueError(f"is not a readable Word document ({type(e).__name__}: {str(e)[:120]})") from None
    blocks: list[str] = []
    items: list[str] = []
    title = None

    def flush_items() -> None:
        if items:
            blocks.append("\n".join(items))
            items.clear()

    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(el, d)
            text = " ".join(p.text.split())
            if not text:
                continue
            style = (p.style.name if p.style is not None else "") or ""
            m = re.match(r"Heading (\d)", style)
            numbered = el.pPr is not None and el.pPr.numPr is not None
            if style == "Title" or m:
                flush_items()
                level = 1 if style == "Title" else min(6, int(m.group(1)) + 1)
                if style == "Title" and title is None:
                    title = text
                blocks.append("#" * level + " " + text)
            elif numbered or style.startswith("List"):
                # a numbered list ("List Number", or numbering whose format is a number) as "1. ", else "- "
                ordered = style.startswith("List Number") or (numbered and _numbered_format(d, el) == "decimal")
                items.append(f"{len(items) + 1}. " + text if ordered else "- " + text)
            else:
                flush_items()
                blocks.append(text)
        elif tag == "tbl":
            flush_items()
            rows = []
            for row in Table(el, d).rows:
                cells: list[str] = []
                last = None
                for c in row.cells:  # a merged cell is listed once per grid column it spans: the same element
                    if c._tc is last:  # (two cells that merely say the same, "4 hours | 4 hours", are both kept)
                        continue
                    last = c._tc
                    cells.append(escape_bars(" ".join(c.text.split())))
                if any(cells):
                    rows.append("| " + " | ".join(cells) + " |")
            if rows:
                blocks.append("\n".join(rows))
    flush_items()
    if not blocks:
        raise ValueError("has no text to read")
    return Extracted("\n\n".join(blocks) + "\n", [], title, 0)


__all__ = ["Extracted", "check_zip", "read_docx", "read_pdf"]
