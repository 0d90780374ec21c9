"""A Markdown file as its reader sees it, before it is parsed (bot/ingest/corpus.py parse_markdown).

What a renderer shows is what the bot quotes, as for an HTML page's visible text:
- inline markup goes: `code` keeps its text, **bold**, *emphasis*, ~~struck~~ and a few inline HTML tags keep
  theirs, a link [text](url) or [text][ref] keeps its text, an image goes whole (its alt text is no sentence),
  and a backslash escape keeps its character;
- a paragraph hard-wrapped at some width ("…acknowledge CSC – IT Center for Science, Finland, for" / "computational
  resources.") is one paragraph again: a line that stops mid-sentence runs on into the next, as a renderer's soft
  line break does. Only a line of 40 characters or more that ends without a sentence's closing punctuation runs
  on, and never into a heading, a list item, a table row, a quote, a "Q:"/"A:" line or a comment;
- fenced code keeps its lines, indented (a shell comment, "# Show the MAC algorithms", is no heading), its fences
  go; admonition fences (":::" of VuePress, Docusaurus) and link
  reference definitions go.
Block structure ("#" headings, lists, pipe tables) stays as it is, and so does a line that opens with a bold
question ("**How do I pay?** …"), which is how some FAQ pages mark their questions.

Found by two new-visitor probes on real help-center Markdown (2026-12-07): Zettlr's documentation showed
"**Windows :** `C:\\Users\\…`" and "[GitHub](https://…)" in answers; a service desk FAQ wrapped at 80 columns
was quoted in halves ("The authors wish to acknowledge CSC – IT Center for Science, Finland, for [1]"). None of
the eval packs' Markdown has inline markup or wrapped lines: `python -m bot eval --all` reads the same text.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CONTAINER = re.compile(r"^\s{0,3}:::")
_REF_DEF = re.compile(r"^\s{0,3}\[([^\]\n]+)\]:\s*<?\S+>?(?:\s+[\"'(].*)?\s*$")
_STRUCT = re.compile(
    r"\s*(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\||>|<|(?:q|a|question|answer|frage|antwort|réponse|respuesta)\s*:)",
    re.IGNORECASE,
)
_OPENING_BOLD = re.compile(r"(\s*(?:[-*+]\s+|\d{1,3}[.)]\s+)?)(\*\*|__)(?=\S)(.+?)(?<=\S)\2")

_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"\n]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[([^\]\n]*)\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_TAG = re.compile(r"</?(?:kbd|b|i|em|strong|code|span|sup|sub|u|mark|small|abbr|ins|del|s)\b[^>\n]*>", re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~])")
_HOLD = re.compile(r"\x00(\d+)\x00")

RUN_ON_MIN = 40  # characters: a hard-wrapped line is long; a short line ("Opening hours") is a line of its own
_CLOSES = ".!?:;…。！？"


def plain(text: str, is_question=None) -> str:
    """The Markdown `text` as a reader sees it (see the module's docstring). `is_question(text) -> bool` tells a
    line-opening bold question, which stays bold (the FAQ parser reads it); without it, none does."""
    lines = text.split("\n")
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
        elif _CONTAINER.match(ln) or _REF_DEF.match(ln):
            out.append("")
        else:
            out.append(_inline(ln, refs, is_question))
    return "\n".join(_run_on(out, lines, code))


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
    line = _IMAGE.sub("", line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REF_LINK.sub(
        lambda m: m.group(1) if (m.group(2) or m.group(1)).strip().lower() in refs else m.group(0), line
    )
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    line = _BR.sub(" ", line)
    line = _TAG.sub("", line)
    for _ in range(2):  # ***both***, **_nested_**
        line = _STRONG.sub(lambda m: m.group(2), line)
        line = _EM_STAR.sub(lambda m: m.group(1), line)
        line = _EM_UNDER.sub(lambda m: m.group(1), line)
        line = _STRIKE.sub(lambda m: m.group(1), line)
    line = _ESCAPE.sub(lambda m: m.group(1), line)
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
