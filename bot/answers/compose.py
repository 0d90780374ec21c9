"""Which quoted answer to give: an FAQ entry, the article's summary, a description, the reader's sentences,
or an honest "the articles don't say".

In order:
1. A question that names someone or something the articles never mention ("What did Putin say…?" of an
   article that has no Putin) is not answered.
2. "Summarise the article", "what is this page about": the article's summary section, else its lead (or, for
   an FAQ page, the questions it answers).
   "What's the third step?": the third item of the numbered list on the page retrieval ranks first (nth_step).
3. A question that means one FAQ entry gets that entry's answer, unless it asks for a kind of thing (a date,
   a number, a name, somebody's statement) that the entry's question does not ask for, or retrieval's best
   passage is body text of another page (prose_elsewhere). So does a question whose best sentence (step 5)
   lies in the entry the matcher ranks first, though the matcher alone was unsure.
4. "How does the article describe X": the sentence that says what X is ("As Europe's largest military
   alliance, NATO …").
5. Otherwise the reader picks the sentences of the page retrieval ranks first, with their neighbours when the
   answer spans them, and the gate decides whether they answer at all (not alone for a yes/no question near a sentence
   read: Reader.polar_near, the gate being fitted on span answers). A question for a number, a calendar
   date or somebody's statement is answered only by a sentence that gives one. When that sentence lies in
   another FAQ entry than the one the matcher ranks first (the matcher unsure), the question is declined and
   both entries are offered as related questions (entry_disagrees).
(Before these steps, bot/engine.py splits a message that asks several things into its parts, each answered in
turn, and searches a message that tells something and then asks for what it asks: bot/answers/followup.py.)
"""

from __future__ import annotations

import re

import numpy as np

from bot.answers import messages, qtypes
from bot.answers.answering import (
    ABSTAIN_TEXT,
    ANAPHOR,
    Answer,
    Citation,
    Reader,
    entry_answer,
    extractive_answer,
    is_calendar_word,
)
from bot.answers.faq import EntryMatcher, asked_in
from bot.answers.offtopic import SiteBar
from bot.answers.retrieval import Hit
from bot.ingest.text import content_stems, stem, unmarked

SUMMARY_SECTION = re.compile(
    r"^\s*(summary|overview|conclusions?|in (short|brief|summary)|tl;?dr|key takeaways|at a glance|"
    r"zusammenfassung|fazit|überblick|auf einen blick|résumé|en bref|en résumé|resumen|conclusiones?|en resumen)\b",
    re.IGNORECASE,
)
OVERVIEW_WORDS = 150


def opening(chunks) -> list:
    """The first sentences of the chunks, in order, with their chunks, up to about OVERVIEW_WORDS words."""
    sents, used = [], 0
    for c in chunks:
        for s in c.sentences:
            n = len(s.text.split())
            if sents and used + n > OVERVIEW_WORDS:
                break
            sents.append((s, c))
            used += n
    return sents


def _about_section() -> list[re.Pattern]:
    """The bot's offer of a section ("What do the articles say about “{section}”?"), in each language, as patterns
    that find the section's name (with or without the quotes around it)."""
    out = []
    for lang in messages.catalogue():
        head, tail = messages.text("about_section", lang).split("{section}")
        head, tail = head.rstrip('“„«" '), tail.lstrip('”“»" ')
        body = re.escape(head) + r"\s*[“„«\"]?\s*(?P<section>.+?)\s*[”“»\"]?\s*" + re.escape(tail)
        out.append(re.compile(rf"^\s*{body}\s*$", re.IGNORECASE))
    return out


ABOUT_SECTION = _about_section()


NAMED_DEPTH = 20  # passages retrieval is asked for when the page a question names is not among the first


class Composer:
    """Holds what the answer rules need: the index, the reader, the entry matcher, the suggestions."""

    def __init__(
        self, index, reader: Reader, matcher: EntryMatcher, suggestions, site: SiteBar | None = None, search=None
    ):
        self.index = index
        self.search = search or (lambda query, k, qvec: [])  # retrieval (Retriever.search), asked deeper at times
        self.reader = reader
        self.matcher = matcher
        self.suggestions = suggestions
        self.site = site  # the site's bar for "about this site" (bot/answers/offtopic.py)

    # -- the decision ---------------------------------------------------------------------------------------
    def answer(
        self, query: str, hits: list[Hit], qvec: np.ndarray, page: str | None = None, lang: str | None = None
    ) -> Answer:
        """The quoted answer; with `page`, an FAQ entry is looked for on that page alone (a conversation on it);
        with `lang`, among the entries in that language."""
        q = self.reader.question(query)
        if (a := self.about_section(query, hits)) is not None:
            return a
        if q.qtype in qtypes.SPECIFIC | {"describe"} and self.unknown_names(query, q.lang):
            return self.abstain(query, hits)  # asks for a date, number, name or statement of an unknown someone
        if q.qtype == "overview":
            a = self.overview(query, hits)
            if a is not None:
                return a
        n = qtypes.step_asked(query)
        if n is not None and (a := self.nth_step(query, hits, n)) is not None:
            return a
        m = self.matcher.match(qvec, page, lang, text=query)
        if m is not None and page is None and self.prose_elsewhere(hits, m.entry) and not self.across(query, m.entry):
            m = None
        fits = m is not None and self.entry_fits(q, m.entry)
        if m is not None:
            m.also = [(e, p) for e, p in m.also if self.entry_fits(q, e)]
        if fits and m.p >= self.matcher.threshold:
            cell = self.entry_cell(query, m.entry, hits, qvec)
            if cell is not None:
                return cell
            if page is None and self.prose_elsewhere(hits, m.entry) and self.in_own_language(query, hits):
                # an entry in another language, and retrieval's first page prose in the question's: that page
                # first, the entry only when it doesn't answer ("Do I need an appointment to register my address?"
                # on a German town's site got the German entry on cancelling appointments, its English page saying
                # "You need an appointment": a probe)
                a = self.one_page(query, hits, qvec)
                if a.grounded and not a.cells and self.gives_what_was_asked(q, a, 1.0 - a.confidence):
                    return a
            return entry_answer(query, m, self.index, qvec, hits, self.matcher.whole_words, self.matcher.also_words)
        if q.qtype == "describe":
            a = self.describe(query, qtypes.described(query) or "", hits, qvec)
            if a is not None:
                return a
        a = self.one_page(query, hits, qvec)
        # (table cells the question names by row and column are what it asks, whatever their kind: "What year
        # group is a child of 10 in?" is answered by the Year column's "Year 6", not by a calendar year)
        if a.grounded and not a.cells and not self.gives_what_was_asked(q, a, 1.0 - a.confidence):
            return self.abstain(query, hits, a.confidence)
        if a.grounded and not a.cells and fits and m.dense_first and self._in_entry(a, m.entry):
            # the reader's sentence is in the entry the matcher ranks first: two signals agree on the entry, so
            # its whole answer is given (the matcher alone was not sure enough; its cosines run lower in some
            # languages than in the English it was fitted on)
            return entry_answer(
                query, m, self.index, qvec, a.retrieved, self.matcher.whole_words, self.matcher.also_words
            )
        if a.grounded and not a.cells and page is None and self.off_site(q, qvec):
            # about something else ("how do you say please in french" of gov.uk's pages got a complaints form's
            # steps): not answered, whatever sentence the reader found; nor passed to a model (a conversation on a
            # page, `page`, is evidence for it: doc2dial's follow-ups' passage 0.567 -> 0.552 with it there at 0.9)
            return self.abstain(query, hits, 0.0)
        # (a conversation on a page, `page`, is evidence for its passages beyond the two: the rule is not applied)
        # (nor for a table cell the question names by its row and column: that is no guess between entries)
        other = self.entry_disagrees(a, m) if q.qtype not in qtypes.SPECIFIC and page is None and not a.cells else None
        if other is not None:
            # neither is sure, and they point at different entries: both are offered, neither is the answer
            related = [other.question or "", m.entry.question]
            return self.abstain(query, hits, a.confidence, first=[x for x in related if x])
        return a

    def off_site(self, q, qvec: np.ndarray) -> bool:
        """The question is about something else than the site, by two signals that agree: it names something the
        site never mentions (a word of it in no passage), and it comes no nearer to the site's pages than generic
        questions about everyday things do (bot/answers/offtopic.py). Either alone is common in questions the site
        answers: a user's own word ("nike's", "Büchereiausweis"), or a terse question far from every passage."""
        if self.site is None or all(self.index.bm25.has(t) for t in q.terms):
            return False
        return self.site.far(qvec)

    def entry_cell(self, query: str, entry, hits: list[Hit], qvec: np.ndarray) -> Answer | None:
        """The cell of a table in the entry's answer that the question names by its row and column (table_cells,
        as for any table): "Welche Telefonnummer hat die Ansprechperson für die Holzwerkstatt?" of the entry
        "Ansprechpersonen" (a table: Bereich | Name | Büro | Telefon) is "Holzwerkstatt + Handwerk — Telefon: 0234
        32 19367", not the whole table. None when the entry holds no table or no cell is named."""
        rows = [r for r in entry.rows if any(s.label for s in self.index.chunks[r].sentences)]
        if not rows:
            return None
        mine = [Hit(r, self.index.chunks[r], 0.0, 0.0, 0.0, 0.0) for r in rows]
        a = extractive_answer(self.reader, query, mine, lambda q, _: self.suggestions(q, hits), qvec)
        if not a.grounded or not a.cells:
            return None
        a.retrieved = hits
        return a

    def entry_disagrees(self, a: Answer, m):
        """The chunk of the reader's best sentence when it lies in another FAQ entry than the one the matcher
        ranks first, the matcher not sure of its own (its decision is below the threshold): two signals name
        two entries and neither is sure. Such an answer to a question that asks about something (how, what,
        whether: what an entry answers whole) is declined, both entries offered as related questions; a question
        for a fact (a date, number, place, name: qtypes.SPECIFIC) is answered by the sentence that gives it,
        whichever entry it sits in ("Where did the previous talks take place?" in an article's FAQ section).
        Nothing is fitted. Of the 39 such answers in the eval --all packs (2026-12-06), 4 quoted the meant entry
        (2 asked for a fact), 14 another entry and 23 answered a question that should be declined. Measured with
        `python scripts/ablate.py --rules disagree` (load 0.4-1.4): with it on, unanswerable declined clinc-faq
        +0.20 (+0.14 with 1 in 4 entries removed), help-de with entries removed +0.33 (removed entries 3 -> 5
        of 6), doc2dial COVID-19 turns +1 of 18; right entry cited help-de 0.917 -> 0.875 (1 of 24: "Kann ich
        Bücher aus anderen Städten bestellen?", its entry offered), every other pack unchanged; answerable
        declined clinc-faq +0.05 and covid-faq-en CDC +0.013, all of them wrong entries before."""
        if not a.grounded or m is None or m.p >= self.matcher.threshold or not a.citations:
            return None
        best = a.citations[0]
        for h in a.retrieved or []:
            c = h.chunk
            if c.source == best.source and any(s.text == best.quote for s in c.sentences):
                first = m.dense_entry or m.entry  # the embeddings' entry: the reader weighs the words itself
                return c if c.entry is not None and c.entry != first.id else None
        return None

    @staticmethod
    def prose_elsewhere(hits: list[Hit], entry) -> bool:
        """Retrieval's best passage is body text of another page than the entry's: the entry is not the answer
        (the reader reads that page instead). On a site of prose pages with some question headings, a vague
        question ("I need help getting insurance") comes nearest some heading's question on another agency's
        page, while retrieval, which weighs the page's own words, finds the page it is about. On an FAQ site,
        retrieval's best passage is an entry, and this never fires. Nothing is fitted. Measured with `python -m
        bot eval --all` (2026-12-06): doc2dial first turns right page 0.595 -> 0.738; every other pack's every
        figure unchanged (covid-faq-en, help-de, clinc-faq with and without removed entries, conditionalqa,
        squad2 tune). In dialogues (`python -m bot eval ../shared/bench/doc2dial`): first turns' agent passage
        cited 0.359 -> 0.462, a first turn after another page's conversation right page 0.595 -> 0.690."""
        top = hits[0].chunk if hits else None
        return top is not None and top.kind != "faq" and top.source != entry.source

    def across(self, query: str, entry) -> bool:
        """The question is in another language than the entry (faq.asked_in): retrieval's keyword ranking, which
        finds the pages that share the question's words, has nothing to say about the entry, so its best passage on
        another page is no evidence against it (prose_elsewhere). A browser probe: "How much does a library card
        cost?" beside a German library FAQ and an English student-loan page got the loan page's prose read, and
        declined, though the matcher was sure of "Was kostet ein Bibliotheksausweis?"."""
        qlang = asked_in(query)
        return qlang is not None and qlang != self.index.chunks[entry.rows[0]].lang

    def in_own_language(self, query: str, hits: list[Hit]) -> bool:
        """Retrieval's first passage is in the language the question is asked in (faq.asked_in)."""
        qlang = asked_in(query)
        return bool(hits) and qlang is not None and hits[0].chunk.lang == qlang

    def one_page(self, query: str, hits: list[Hit], qvec: np.ndarray) -> Answer:
        """The reader's sentences, from the page retrieval ranks first: an answer never strings together
        sentences of different pages (another agency's rules read as this one's), and the gate judges whether
        that page answers. Measured with `python -m bot eval --all` (2026-12-06), against reading the top 5
        passages of any page: unanswerable questions declined clinc-faq 0.667 -> 0.70, doc2dial (COVID-19 turns)
        0.556 -> 0.778, conditionalqa 0.143 -> 0.286, squad2 tune 0.455 -> 0.458, with answerable ones declined no
        more anywhere; right entry or page cited clinc-faq +0.013, squad2 +0.002, doc2dial -0.024 (1 of 42),
        others unchanged."""
        page = [h for h in hits if h.chunk.source == hits[0].chunk.source] if hits else hits
        named = self.named_pages(query, hits)
        if named:
            # the first retrieved passage of such a page; retrieval is asked deeper when none is among the hits
            # (when its words weigh at least as much there as on the first page: a question "from New Year 2009"
            # of a toll table is not one for the holiday calendar that names New Year's Day)
            deeper = hits if any(h.chunk.source in named for h in hits) else self.search(query, NAMED_DEPTH, qvec)
            first = next((h.chunk.source for h in deeper if h.chunk.source in named), None)
            mine = [h for h in deeper if h.chunk.source == first][: len(hits)]
            if mine and max(h.bm25 for h in mine) >= max(h.bm25 for h in page):
                page = mine
        a = extractive_answer(self.reader, query, page, lambda q, _: self.suggestions(q, hits), qvec)
        a.retrieved = hits
        return a

    def named_pages(self, query: str, hits: list[Hit]) -> set[str]:
        """The pages to read when the question names someone or something (a capitalised word inside it, not an
        acronym: "What did Nadia Kowalski say?") that retrieval's first page never mentions: the pages that name
        every such name. Retrieval fuses rankings by rank, and two of its three are by meaning, which weighs a
        name little: the newsroom probe's "What did Gareth Lloyd say?" got the budget article, thick with "said",
        over the strike article that quotes him. Empty otherwise. Nothing is fitted; `python -m bot eval --all`:
        it changes the page read for 2 of the packs' answerable questions."""
        found = [m.group() for m in qtypes.CAP.finditer(query) if not m.group().isupper() and len(m.group()) > 2]
        lang = self.index.query_lang(query)
        if not hits or not found or lang == "de":  # (German capitalises every noun)
            return set()
        chunks, pages = self.index.chunks, None
        for name in found:
            stems = content_stems(name, lang)
            rows = [self.index.bm25.rows(t) for t in stems]
            lower = re.compile(rf"\b{re.escape(name.lower())}\b")
            if not stems or is_calendar_word(name) or any(lower.search(chunks[int(r)].text) for r in rows[0]):
                continue  # a word the articles also write in lower case is no name ("New Year": "new", "year")
            have = set.intersection(*({chunks[int(r)].source for r in rs} for rs in rows))
            pages = have if pages is None else pages & have
        if not pages or hits[0].chunk.source in pages:
            return set()
        return pages

    def entry_sentences(self, entry) -> list[str]:
        """The sentences of an FAQ entry's answer, in order."""
        return [s.text for r in entry.rows for s in self.index.chunks[r].sentences]

    def _in_entry(self, a: Answer, entry) -> bool:
        best = a.citations[0] if a.citations else None
        if best is None:
            return False
        texts = set(self.entry_sentences(entry))
        return entry.source == best.source and best.quote in texts

    @staticmethod
    def gives_what_was_asked(q, a: Answer, p_unanswerable: float = 1.0) -> bool:
        """A question for somebody's statement is answered only by a sentence that gives one. A question for a
        number or a calendar date is answered only by sentences that give one, unless the gate is sure the
        sentences answer it (p_unanswerable < 0.3): "How many troops…" is not answered by a sentence about
        troops with no number in it. (On the squad2 tune split, at the reader's threshold, this adds 0.5 points
        of abstention on unanswerable questions and 0.16 points on answerable ones.)"""
        if q.qtype == "quote":  # (the speaker named in one sentence, the statement in the next: "…," he said.)
            who = qtypes.speaker(q.text) or ""
            return qtypes.said_in([c.quote for c in a.citations], who)
        if (q.qtype == "num" and qtypes.asks_price(q.text)) or qtypes.asks_price_yes_no(q.text):
            # a price is a sum of money or "free": "une étape" is a number, and no price (a browser probe: "Combien
            # coûte Zettlr ?" got the installation page's "ne nécessite qu'une étape")
            # (or a share: "how much did the price of oil increase?" is answered by "less than two percent a year")
            return p_unanswerable < 0.3 or any(
                qtypes.FREE.search(c.quote) or qtypes.MONEY.search(c.quote) or qtypes.SHARE.search(c.quote)
                for c in a.citations
            )
        if q.qtype == "num" or (q.qtype == "date" and qtypes.asks_calendar(q.text)):
            return p_unanswerable < 0.3 or any(qtypes.evidence(q.qtype, c.quote, q.words) for c in a.citations)
        return True

    def abstain(self, query: str, hits: list[Hit], confidence: float = 0.0, first: list[str] = ()) -> Answer:
        """The articles don't say: questions they can answer are offered, `first` before the nearest."""
        near = self.suggestions(query, hits)
        sugg = list(dict.fromkeys([*first, *near]))[: max(len(near), len(first))]
        return Answer(query, ABSTAIN_TEXT, False, suggestions=sugg, retrieved=hits, confidence=confidence)

    # -- 1. names the articles never mention ----------------------------------------------------------------
    def unknown_names(self, query: str, lang: str) -> list[str]:
        return self.reader.unknown_names(query, lang)

    # -- 2. overview questions ------------------------------------------------------------------------------
    def about_section(self, query: str, hits: list[Hit]) -> Answer | None:
        """The bot's own offer of a section, clicked ('What do the articles say about “What you need”?', in any of
        the four languages): that section's opening, cited, from the first retrieved page that has a section of
        that name. A probe's visitor clicked two such offers and got "I couldn't find that in the articles"."""
        m = next((m for rx in ABOUT_SECTION if (m := rx.match(query))), None)
        if m is None or not hits:
            return None
        name = m.group("section").strip().casefold()
        for src in dict.fromkeys(h.chunk.source for h in hits):
            mine = sorted(
                (c for c in self.index.chunks_of(src) if (c.section or "").strip().casefold() == name),
                key=lambda c: c.start,
            )
            if sents := opening(mine):
                return self._cited(query, sents, hits, 0.9, lines=True)
        return None

    def overview(self, query: str, hits: list[Hit]) -> Answer | None:
        ix = self.index
        sources = [h.chunk.source for h in hits] or ([ix.chunks[0].source] if len(ix.chunks) else [])
        if not sources:
            return None
        src = sources[0]
        chunks = ix.chunks_of(src)
        picked = [c for c in chunks if SUMMARY_SECTION.match(c.section or "") and c.kind != "faq"]
        if not picked:
            body = sorted((c for c in chunks if c.kind in ("section", "part")), key=lambda c: c.start)
            lead = next((c for c in body if sum(len(s.text.split()) for s in c.sentences) >= 25), None)
            entries = list(dict.fromkeys(c.question for c in chunks if c.question))
            if lead is None and len(entries) >= 3:
                return self.questions_of(query, chunks, hits)
            if lead is None:
                return None
            picked = [lead]
        return self._cited(query, opening(sorted(picked, key=lambda c: c.start)), hits, 0.9)

    def nth_step(self, query: str, hits: list[Hit], n: int) -> Answer | None:
        """Step `n` of the numbered list on the page retrieval ranks first ("Was ist der dritte Schritt bei der
        Anmeldung?": the list's third item, numbered, cited), the first of its passages (in retrieval's order) whose
        list has that many items; None when none has. A browser probe's Word procedure got its introduction."""
        page = [h for h in hits if h.chunk.source == hits[0].chunk.source] if hits else []
        for h in page:
            items: list[list] = []  # the chunk's first numbered list: its items' sentences
            for x in h.chunk.sentences:
                if x.item and x.ordered:
                    if not items or x.block != items[-1][-1].block:
                        items.append([])
                    items[-1].append(x)
                elif items:
                    break
            if len(items) >= n:
                return self._cited(query, [(x, h.chunk) for x in items[n - 1]], hits, 0.8, number=n)
        return None

    def questions_of(self, query: str, chunks, hits: list[Hit], in_order: bool = True) -> Answer:
        """The questions a page's FAQ entries answer, each quoted and cited (at most 8, in the page's order, or in
        the order given when not `in_order`): an FAQ page's overview when it has no summary, and what an invitation
        shows (Bot.invite)."""
        seen, lines, cites = set(), [], []
        for c in sorted(chunks, key=lambda c: c.start) if in_order else chunks:
            if not c.question or c.question in seen or len(cites) >= 8:
                continue
            seen.add(c.question)
            n = len(cites) + 1
            cites.append(
                Citation(
                    n, c.source, c.section, c.question, 0.9, c.question, c.anchor, c.page_at(c.start), title=c.title
                )
            )
            lines.append(f"- {unmarked(c.question)} [{n}]")
        title = chunks[0].title
        text = messages.text("answers_such_as", chunks[0].lang or "en", title=title) + "\n\n" + "\n".join(lines)
        return Answer(query, text, True, cites, retrieved=hits, confidence=0.9)

    def _cited(
        self, query: str, sents, hits: list[Hit], confidence: float, number: int | None = None, lines: bool = False
    ) -> Answer:
        """The sentences quoted and cited, in one paragraph (after "3. " with `number`: a list's item); with
        `lines`, each paragraph on a line of its own and each list item as "- …"."""
        cites, parts = [], []
        prev = None
        for s, c in sents:
            n = len(cites) + 1
            cites.append(Citation.of(n, c, s.text, confidence, (s.start, s.end)))
            piece = f"{unmarked(s.text)} [{n}]"
            if lines and parts and (c.id, s.block) != prev:
                piece = ("\n- " if s.item else "\n\n") + piece
            elif lines and s.item and not parts:
                piece = "- " + piece
            parts.append(piece)
            prev = (c.id, s.block)
        text = (f"{number}. " if number is not None else "") + " ".join(parts).replace(" \n", "\n")
        return Answer(query, text, True, cites, retrieved=hits, confidence=confidence)

    # -- 3. entries ------------------------------------------------------------------------------------------
    def entry_fits(self, q, entry) -> bool:
        """The entry asks for the kind of thing the question does: a "how many" question is not answered by an
        entry about something else that happens to be close in words, nor "what did X say" by one that doesn't
        quote X."""
        if q.qtype == "quote":
            who = qtypes.speaker(q.text) or ""
            return any(qtypes.said_by(t, who) for t in self.entry_sentences(entry))
        if (q.qtype == "num" and qtypes.asks_price(q.text)) or qtypes.asks_price_yes_no(q.text):
            # "How much does Pouta cost?": "What does Pouta cost?", "Is Tor Browser free?", or an entry whose answer
            # names a sum or says it is free; not "How fast is the network?" for its "10 gigabits"
            if qtypes.about_price(entry.question):
                return True
            return any(qtypes.MONEY.search(t) or qtypes.FREE.search(t) for t in self.entry_sentences(entry))
        if q.qtype in ("date", "num", "person", "why"):
            return qtypes.question_type(entry.question) == q.qtype
        if qtypes.asks_name(q.text):
            # "What is the name of the CDC Director?" is not answered by "What is CDC doing…": the entry must
            # hold every other word of the question, and a name the question doesn't have
            sents = self.entry_sentences(entry)
            have = set().union(content_stems(entry.question, q.lang), *(content_stems(t, q.lang) for t in sents))
            rest = [t for t in q.terms if t not in {stem(w, q.lang) for w in qtypes.NAME_WORDS}]
            return all(t in have for t in rest) and any(qtypes.evidence("person", t, q.words) for t in sents)
        return True

    # -- 4. descriptions -------------------------------------------------------------------------------------
    def describe(self, query: str, what: str, hits: list[Hit], qvec: np.ndarray) -> Answer | None:
        target = re.sub(r"^(the|a|an)\s+", "", what.strip(), flags=re.IGNORECASE)
        if not target:
            return None
        x = re.escape(target)
        patterns = [
            re.compile(rf"^(?:as|being)\s+(?:an?\s+|the\s+)?[^,]{{3,80}},\s*(?:the\s+)?{x}\b", re.IGNORECASE),
            re.compile(rf"\b{x}\s*[,(]\s*(?:an?|the)\s+[^,)]{{3,80}}[,)]", re.IGNORECASE),
            re.compile(rf"\b{x}\s+(?:is|are|was|were|remains|serves as|acts as)\s+(?:an?|the|one)\b", re.IGNORECASE),
            re.compile(rf"\b{x}\s+(?:is|are|was|were)\s+(?:described|seen|regarded|considered|viewed)\s+as\b", re.I),
            re.compile(rf"\b(?:described|characteri[sz]ed|portrayed|called)\s+{x}\s+as\b", re.IGNORECASE),
        ]
        best = None
        ix = self.index
        for h in hits:
            off = int(ix.sent_offsets[h.row])
            sims = ix.sent_vectors[off : off + len(h.chunk.sentences)] @ qvec
            for i, s in enumerate(h.chunk.sentences):
                if any(p.search(s.text) for p in patterns):
                    if best is None or sims[i] > best[0]:
                        best = (float(sims[i]), h, i)
        if best is None:  # a sentence that names X, then one that says what "this force" / "the plan" is
            lead_in = re.compile(
                r"^(?:this|that|the|such)\s+[a-z]+\s+(?:is|was|aims|would|will|could|has|envisioned)\b", re.I
            )
            for h in hits:
                ss = h.chunk.sentences
                for i in range(len(ss) - 1):
                    if re.search(rf"\b{x}\b", ss[i].text, re.IGNORECASE) and lead_in.match(ss[i + 1].text.lower()):
                        return self._cited(query, [(ss[i], h.chunk), (ss[i + 1], h.chunk)], hits, 0.7)
            return None
        _, h, i = best
        sents = [(h.chunk.sentences[i], h.chunk)]
        nxt = h.chunk.sentences[i + 1] if i + 1 < len(h.chunk.sentences) else None
        if nxt is not None and (ANAPHOR.match(nxt.text) or re.match(rf"{x}\b", nxt.text, re.IGNORECASE)):
            sents.append((nxt, h.chunk))
        return self._cited(query, sents, hits, 0.8)


__all__ = ["Composer", "SUMMARY_SECTION"]
