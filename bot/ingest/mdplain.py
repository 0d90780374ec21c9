"""A Markdown file as its reader sees it, before it is parsed (bot/ingest/corpus.py parse_markdown).

What a renderer shows is what the bot quotes, as for an HTML page's visible text:
- inline markup goes: `code` keeps its text, **bold**, *emphasis*, ~~struck~~ and a few inline HTML tags keep
  theirs, a link [text](url) or [text][ref] keeps its text, an image goes whole (its alt text is no sentence),
  and a backslash escape keeps its character;
- a paragraph hard-wrapped at some width ("…acknowledge CSC – IT Center for Science, Finland, for" / "computational
  resources.") is one paragraph again: a line that stops mid-sentence runs on into the next, as a renderer's soft
  line break does. Only a line of 40 characters or more that ends without a sentence's closing punctuation runs
  on, and never into a heading, a list item, a table row, a quote, a "Q:"/"A:" line or a comment;
- a file's metadata block (YAML or TOML front matter, Pelican's "Category: …" / "Date: …" lines) goes, its
  title becoming the heading when the file has none; Obsidian / wiki links ([[Page|label]]) keep their label and
  an e-mail autolink its address; an MkDocs admonition ("??? question "Why…?"", "!!! note") becomes its title
  (bold when it is a question, so the FAQ parser reads it with its answer) and its content loses its indent;
- a raw HTML block (a Jekyll page's accordion: "<h2><button …>Question?</button></h2><div …><p>…</p>") reads as
  the Markdown it renders as (headings, paragraphs, list items, a pipe table), and a site generator's template
  tags ("{% include … %}") and kramdown's attribute lists ("{: .number-list}") go;
- fenced code keeps its lines, indented (a shell comment, "# Show the MAC algorithms", is no heading), its fences
  go, and so does a line that is one inline code span and nothing else (Jellyfin's docs: "`cp /PATH/TO/jellyfin.db
  /PATH/TO/jellyfin.db.bck`" under "…create a copy of your database before executing:"); admonition fences (":::"
  of VuePress, Docusaurus) and link reference definitions go.
Block structure ("#" headings, lists, pipe tables) stays as it is, and so does a line that opens with a bold
question ("**How do I pay?** …"), which is how some FAQ pages mark their questions.

Found by two new-visitor probes on real help-center Markdown (2026-12-07): Zettlr's documentation showed
"**Windows :** `C:\\Users\\…`" and "[GitHub](https://…)" in answers; a service desk FAQ wrapped at 80 columns
was quoted in halves ("The authors wish to acknowledge CSC – IT Center for Science, Finland, for [1]"). None of
the eval packs' Markdown has inline markup or wrapped lines: `python -m bot eval --all` reads the same text.
"""

from __future__ import annotations

import re

from bot.ingest.text import CELL_BAR, escape_bars

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CONTAINER = re.compile(r"^\s{0,3}:::")
# a line that is one inline code span and nothing else ("`cp jellyfin.db jellyfin.db.bck`"): a command, as a block
_CODE_LINE = re.compile(r"^\s{0,3}(`+)\s*([^`]+?)\s*\1\s*$")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]\n]+)\]:\s*<?\S+>?(?:\s+[\"'(].*)?\s*$")
_STRUCT = re.compile(
    r"\s*(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\||>|<|(?:q|a|question|answer|frage|antwort|réponse|respuesta)\s*:)",
    re.IGNORECASE,
)
_OPENING_BOLD = re.compile(r"(\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?)(\*\*|__)(?=\S)(.+?)(?<=\S)\2")

# metadata at the top of a file: YAML ("---" … "---") or TOML ("+++" … "+++") front matter, or the "Key: value"
# lines of Pelican and MultiMarkdown ("Category: recommended" / "Date: 2000-05-01" above the text)
_META_KEYS = (
    r"title|date|category|categories|tags?|authors?|slug|summary|lang|language|modified|updated|status|description|"
    r"keywords|layout|permalink|template|weight|draft|id|sidebar_position|sidebar_label|toc|nav_order|parent"
)
_META_LINE = re.compile(rf"^(?:{_META_KEYS})\s*:\s*.*$", re.IGNORECASE)
_TITLE_LINE = re.compile(r"^title\s*[:=]\s*[\"']?(.*?)[\"']?\s*$", re.IGNORECASE)
# an admonition of MkDocs Material or Python-Markdown: "!!! note "Title"", "??? question "Why…?"" ("???+" opened),
# its content indented under it
_ADMONITION = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?)\s*[\w-]+(?:\s+[\w-]+)*(?:\s+\"(?P<title>[^\"]*)\")?\s*$")
# an Obsidian / wiki link: [[Page]], [[Page|label]], [[Page#Section|label]]; an embed ![[image.png]] goes whole
_WIKI_EMBED = re.compile(r"!\[\[[^\]\n]*\]\]")
_WIKI = re.compile(r"\[\[([^\]|#\n]*)(?:#[^\]|\n]*)?(?:\|([^\]\n]+))?\]\]")
_MAIL = re.compile(r"<([^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>")

_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[([^\]\n]*)\]")
# a list item that is one link and nothing else ("* [How do I change my password?](/help/…)" under "Related
# articles"): a way to another page, as a site's navigation is; its words, the link gone, answer nothing (a probe
# got "- Authentication methods [1] - Issues with face or touch unlock [2]" as an answer)
_LINK_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\[[^\]\n]+\]\([^)\s]*(?:\s+\"[^\"\n]*\")?\)\s*$")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
# inline HTML a reader never sees as such: its text stays (an anchor "<a name="Can_I_run_my_own_app_repo"></a>" after
# a heading's question went into that question's words and drew every "Can I … app" question to it: a probe)
_TAG = re.compile(
    r"</?(?:a|abbr|acronym|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|nobr|q|s|samp|small|span|"
    r"strike|strong|sub|sup|time|tt|u|var|wbr)\b[^>\n]*>",
    re.IGNORECASE,
)
_IMG = re.compile(r"<img\b[^>\n]*>", re.IGNORECASE)  # an image's alt text is no sentence either
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~])")
_HOLD = re.compile(r"\x00(\d+)\x00")

RUN_ON_MIN = 40  # characters: a hard-wrapped line is long; a short line ("Opening hours") is a line of its own
_CLOSES = ".!?:;…。！？"


def plain(text: str, is_question=None) -> str:
    """The Markdown `text` as a reader sees it (see the module's docstring). `is_question(text) -> bool` tells a
    line-opening bold question, which stays bold (the FAQ parser reads it); without it, none does."""
    lines = _front_matter(text.split("\n"))
    lines = _outer_bars(_html_blocks(_templating(_admonitions(_rules(_setext(lines)), is_question))))
    refs = {m.group(1).strip().lower() for ln in lines if (m := _REF_DEF.match(ln))}
    out: list[str] = []
    code: list[bool] = []  # a fence or a line of fenced code: kept as it is, never run on
    fenced = False
    for ln in lines:
        fence = _FENCE.match(ln) is not None
        fenced = fenced != fence
        code.append(fence or fenced)
        if fence:
            out.append("")
        elif fenced:
            out.append("    " + ln if ln.strip() else ln)  # as indented code: "# a comment" is no heading
        elif _CONTAINER.match(ln) or _REF_DEF.match(ln) or _LINK_ITEM.match(ln):
            out.append("")
        elif m := _CODE_LINE.match(ln):
            code[-1] = True  # a block of its own, as fenced code is (blank lines around it, never run on)
            out.append("\n    " + m.group(2) + "\n")
        else:
            out.append(_inline(ln, refs, is_question))
    return "\n".join(_run_on(out, lines, code))


# a site generator's template tags ("{% include components/icon-list.html … %}", "{{ page.title }}") and kramdown's
# attribute lists ("{: .number-list}" on a line of its own, or after a heading): never shown to a reader
_LIQUID = re.compile(r"\{%-?.*?-?%\}|\{\{-?.*?-?\}\}")
_IAL_LINE = re.compile(r"^\s*\{:[^}\n]*\}\s*$|^\s*\{::[^}\n]*/?\}\s*$")
_IAL_END = re.compile(r"\s*\{:[^}\n]*\}\s*$")


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$")  # "--------|-----|---" (a bar at least)


def _outer_bars(lines: list[str]) -> list[str]:
    """A pipe table written without its outer bars, as GitHub's Markdown allows ("Release |Branch Cut|Release Date"
    over "--------|----|----"): each of its lines with them, as the table reader expects ("| Release |…|")."""
    out = list(lines)
    fenced = False
    i = 0
    while i < len(out):
        if _FENCE.match(out[i]):
            fenced = not fenced
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if fenced or not CELL_BAR.search(out[i]) or not _TABLE_RULE.match(nxt) or out[i].lstrip().startswith("|"):
            i += 1
            continue
        j = i
        while j < len(out) and out[j].strip() and CELL_BAR.search(out[j]):
            ln = out[j].rstrip()
            if not ln.lstrip().startswith("|"):
                ln = "| " + ln.lstrip()
            if not ln.endswith("|") or ln.endswith("\\|"):
                ln += " |"
            out[j] = ln
            j += 1
        i = j
    return out


def _templating(lines: list[str]) -> list[str]:
    """Template tags and attribute lists gone (a line of nothing else becomes empty): a browser probe on a Jekyll
    help centre got "{% include components/icon-list.html items=page.bring_list … %}" as the answer."""
    out = []
    for ln in lines:
        if "{" not in ln:
            out.append(ln)
        elif _IAL_LINE.match(ln):
            out.append("")
        else:
            bare = _IAL_END.sub("", _LIQUID.sub("", ln))
            out.append(bare if bare.strip() or not ln.strip() else "")
    return out


# a raw HTML block of a Markdown file (CommonMark's kind 6: a line opening with a block-level tag, up to the next
# blank line), which a renderer shows rendered
_HTML_OPEN = re.compile(
    r"^\s{0,3}</?(?:address|article|aside|blockquote|center|details|dd|div|dl|dt|fieldset|figcaption|figure|footer|"
    r"form|h[1-6]|header|hr|li|main|nav|ol|p|section|summary|table|tbody|td|tfoot|th|thead|tr|ul)(?=[\s/>]|$)",
    re.IGNORECASE,
)
HTML_BLOCK_CHARS = 200_000  # a block longer than this is left as it is (a file is read within its time budget)


def _html_blocks(lines: list[str]) -> list[str]:
    """Each raw HTML block as the Markdown a reader sees in its place: headings as "#" headings (an accordion's
    button text is its heading's), paragraphs, list items as "- " / "1. " lines, a table as a pipe table, a
    <details> summary as a bold line; the tags and their attributes gone. A browser probe on a Jekyll help centre
    got "<p>", "</button>", 'aria-expanded="false"' quoted as answers, and its accordions' questions were no FAQ
    entries."""
    out: list[str] = []
    i, fenced = 0, False
    while i < len(lines):
        ln = lines[i]
        if _FENCE.match(ln):
            fenced = not fenced
        if fenced or not _HTML_OPEN.match(ln):
            out.append(ln)
            i += 1
            continue
        j = _html_block_end(lines, i)
        block = "\n".join(lines[i:j])
        if len(block) <= HTML_BLOCK_CHARS:
            out.extend(["", *_render_html(block), ""])
        else:
            out.extend(lines[i:j])
        i = j
    return out


_TAG_NAME = re.compile(r"^\s*<([A-Za-z][\w-]*)")
HTML_BLOCK_LINES = 2000


def _html_block_end(lines: list[str], i: int) -> int:
    """Where the raw HTML block opening at line i ends: at the first blank line (CommonMark's rule), unless its first
    element is still open there and the next line that holds anything is HTML too (a Jekyll accordion's panel,
    "<p>…</p>", a blank line, "<ol>…"); then after the line that closes that element. Markdown between an opening
    and a closing tag ("<div class="boxed">", a blank line, "## Overrides") stays Markdown."""
    m = _TAG_NAME.match(lines[i])
    name = m.group(1).lower() if m and not lines[i].lstrip().startswith("</") else ""
    opens = re.compile(rf"<{name}(?=[\s/>]|$)", re.IGNORECASE) if name else None
    closes = re.compile(rf"</{name}\s*>", re.IGNORECASE) if name else None
    depth = 0
    j = i
    while j < len(lines) and j < i + HTML_BLOCK_LINES:
        ln = lines[j]
        if not ln.strip():
            k = next((x for x in range(j + 1, len(lines)) if lines[x].strip()), None)
            if depth <= 0 or k is None or not lines[k].lstrip().startswith("<"):
                return j
        elif opens is not None:
            depth += len(opens.findall(ln)) - len(closes.findall(ln))
            if depth <= 0 and j > i:
                return j + 1
        j += 1
    return j


def _render_html(block: str) -> list[str]:
    """The block as Markdown lines, read by the HTML pages' reader (bot/ingest/pages.py: accordions, lists, tables,
    contents lists and boilerplate as on any page): a heading as "#" lines, an FAQ entry as its bold question and its
    answer, list items as "- " / "1. " lines, a table's rows as a pipe table."""
    from bot.ingest.pages import parse_page

    out: list[str] = []
    _units_as_markdown(parse_page(f"<html><body>{block}</body></html>").units, out)
    return out


def _units_as_markdown(units, out: list[str]) -> None:
    table: list[str] = []  # the pipe table the consecutive rows under one header make
    number = 0  # the last numbered item's number in a run of them

    def end_table() -> None:
        if table:
            out.extend([*table, ""])
            table.clear()

    for u in units:
        if u.kind != "row":
            end_table()
        if not (u.kind == "text" and u.item) and out and out[-1]:
            out.append("")  # (a list ends with a blank line, or the next paragraph would run on in its last item)
        number = number + 1 if u.kind == "text" and u.item and u.ordered else 0
        if u.kind == "heading" and u.lines:
            out.extend(["#" * max(1, min(6, u.level)) + " " + u.lines[0], ""])
        elif u.kind == "entry":  # a heading's accordion keeps the heading's level; any other is the deepest
            out.extend(["#" * (u.level or 6) + " " + u.question, ""])
            _units_as_markdown(u.answer, out)
        elif u.kind == "row" and u.headers and u.cells:
            head = "| " + " | ".join(escape_bars(h) for h in [u.key_header or "", *u.headers]) + " |"
            if not table or table[0] != head:
                end_table()
                table.extend([head, "|" + " --- |" * (len(u.headers) + 1)])
            table.append("| " + " | ".join(escape_bars(c) for c in [u.key or "", *u.cells]) + " |")
        elif u.kind == "row":
            out.extend([f"{u.key}: {u.lines[0]}" if u.key and u.lines else " ".join(u.lines), ""])
        elif u.kind == "text":
            mark = (f"{number}. " if u.ordered else "- ") if u.item else ""
            out.extend([mark + ln for ln in u.lines])
            if not u.item:
                out.append("")
    end_table()


FRONT_MATTER_LINES = 5000  # a metadata block closes within this many lines of the file's first


_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_NOT_TITLE = re.compile(r"^\s{4,}|^\s*(?:[#|>*+<-]|\d{1,3}[.)]\s|```|~~~|:::)")


def _setext(lines: list[str]) -> list[str]:
    """A heading underlined ("Opening hours" over "=====" or "-----", a line of its own after a blank one) written
    the "#" way ("# Opening hours"; "=" is a first-level heading, "-" a second), the underline blanked: as many lines,
    so nothing else moves. A file written so had its underlines quoted as text and no headings. (A "---" after a
    blank line is a rule, and a "---" under a list item or a table row no underline.)"""
    out = list(lines)
    fenced = False
    for i, ln in enumerate(lines):
        if _FENCE.match(ln):
            fenced = not fenced
            continue
        if fenced or i == 0 or not (m := _SETEXT.match(ln)) or len(m.group(1)) < 2:
            continue
        title = lines[i - 1]
        if not title.strip() or _NOT_TITLE.match(title) or (i > 1 and lines[i - 2].strip()):
            continue
        out[i - 1] = ("# " if m.group(1)[0] == "=" else "## ") + title.strip()
        out[i] = ""
    return out


_RULE = re.compile(r"^\s{0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")


def _rules(lines: list[str]) -> list[str]:
    """A thematic break ("---", "***", "* * *"), which a reader sees as a line across the page, blanked (it had been
    quoted as a sentence of the entry above it)."""
    out, fenced = [], False
    for ln in lines:
        if _FENCE.match(ln):
            fenced = not fenced
        out.append("" if not fenced and _RULE.match(ln) else ln)
    return out


def _front_matter(lines: list[str]) -> list[str]:
    """The lines with a file's metadata block at the top blanked (as many lines, so nothing else moves); its title,
    when the file has no "# " heading of its own, becomes one ("# Member dues")."""
    end = None
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        # (a long one too: endoflife.date's pages carry a release list of a few hundred lines, which a blind probe
        # got quoted as answers)
        end = next(
            (i for i in range(1, min(len(lines), FRONT_MATTER_LINES)) if lines[i].strip() in (fence, "...")), None
        )
        if end is None:
            return lines
        block = lines[1:end]
        end += 1
    else:
        n = next((i for i, ln in enumerate(lines) if not ln.strip()), len(lines))
        block = lines[:n]
        if len(block) < 2 or not all(_META_LINE.match(ln.strip()) for ln in block):
            return lines
        end = n
    title = next((m.group(1).strip() for ln in block if (m := _TITLE_LINE.match(ln.strip()))), "")
    out = [""] * end + lines[end:]
    if title and not any(ln.startswith("# ") for ln in lines[end:]):
        out[0] = f"# {title}"
    return out


def _admonitions(lines: list[str], is_question) -> list[str]:
    """Admonitions as their reader sees them: the marker line becomes its title (in bold when the title is a
    question, "??? question "Warum kann ich nicht zu anderen Zeiten kommen?"", so the FAQ parser reads it as a
    question with its answer), and the content indented under it loses that indent (it was read as nothing but
    the marker: a browser probe got the raw '??? question "…"' line as an answer)."""
    out: list[str] = []
    inside: str | None = None  # the indent of the open admonition's content
    fenced = False
    for ln in lines:
        if _FENCE.match(ln):
            fenced = not fenced
        if inside is not None and not fenced:
            if not ln.strip():
                out.append(ln)
                continue
            if ln.startswith(inside + "\t"):
                out.append(inside + ln[len(inside) + 1 :])
                continue
            if ln.startswith(inside + "    "):
                out.append(inside + ln[len(inside) + 4 :])
                continue
            inside = None
        m = None if fenced else _ADMONITION.match(ln)
        if m:
            title = (m.group("title") or "").strip()
            if title and is_question is not None and is_question(title):
                out.append(f"{m.group(1)}**{title}**")
            else:
                out.append(f"{m.group(1)}{title}")
            inside = m.group(1)
            continue
        out.append(ln)
    return out


def _inline(line: str, refs: set[str], is_question) -> str:
    held: list[str] = []

    def hold(s: str) -> str:
        held.append(s)
        return f"\x00{len(held) - 1}\x00"

    head = ""
    m = _OPENING_BOLD.match(line)
    if m and is_question is not None and is_question(_inline(m.group(3), refs, None)):
        head, line = m.group(0), line[m.end() :]  # "**How do I pay?**": the FAQ parser's question mark-up
    line = _CODE.sub(lambda m: hold(m.group(2).strip() or m.group(2)), line)
    line = _WIKI_EMBED.sub("", line)
    line = _WIKI.sub(lambda m: (m.group(2) or m.group(1)).strip(), line)
    line = _MAIL.sub(lambda m: m.group(1), line)
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REF_LINK.sub(
        lambda m: m.group(1) if (m.group(2) or m.group(1)).strip().lower() in refs else m.group(0), line
    )
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    line = _BR.sub(" ", line)
    line = _TAG.sub("", _IMG.sub("", line))
    for _ in range(2):  # ***both***, **_nested_**
        line = _STRONG.sub(lambda m: m.group(2), line)
        line = _EM_STAR.sub(lambda m: m.group(1), line)
        line = _EM_UNDER.sub(lambda m: m.group(1), line)
        line = _STRIKE.sub(lambda m: m.group(1), line)
    # (a line's leading "\#" keeps its backslash: it says the line is text, not a heading, and the parser reads
    # this text; the admin page's answers file escapes an answer's "#" lines so)
    kept = re.match(r"\s*\\#", line) is not None
    line = _ESCAPE.sub(lambda m: m.group(1), line)
    if kept:
        i = len(line) - len(line.lstrip())
        line = line[:i] + "\\" + line[i:]
    line = _HOLD.sub(lambda m: held[int(m.group(1))], line)
    return head + line


def _runs_on(line: str, raw: str, nxt: str) -> bool:
    """A hard-wrapped line: long, ending mid-sentence, followed by more of its paragraph."""
    body = line.strip()
    if len(body) < RUN_ON_MIN or not nxt.strip() or raw.endswith(("  ", "\\")):
        return False
    if (
        body.startswith(("#", "|", "<!--"))
        or body.endswith("-->")
        or _STRUCT.match(nxt)
        or nxt.lstrip().startswith("<!--")
    ):
        return False
    return not body.rstrip("\"'”’»)]*_").endswith(tuple(_CLOSES))


def _run_on(lines: list[str], raw: list[str], code: list[bool]) -> list[str]:
    """The lines, each hard-wrapped run joined into one (offsets are into this text, which the parser and the
    source viewer both read)."""
    out: list[str] = []
    join = False
    for i, ln in enumerate(lines):
        if join:
            out[-1] = out[-1].rstrip() + " " + ln.lstrip()
        else:
            out.append(ln)
        last = i + 1 >= len(lines)
        join = not last and not code[i] and not code[i + 1] and _runs_on(out[-1], raw[i], lines[i + 1])
    return out
