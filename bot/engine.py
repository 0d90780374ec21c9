"""The composition root: Bot wires embedder, index, retriever and reader, and answers questions."""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import time
from pathlib import Path

import numpy as np

from bot.answers import messages, qtypes, turns
from bot.answers.answering import ABSTAIN_TEXT, GATE, MESSAGE, Answer, Citation, Reader, extractive_answer
from bot.answers.compose import Composer
from bot.answers.faq import SKIP_ENTRIES, ChromaEntryMatcher, EntryMatcher, asked_in
from bot.answers.followup import asked, exchanges, last_bot_turn, last_user_turn, parts, rewrite
from bot.answers.offtopic import SiteBar
from bot.answers.retrieval import ChromaRetriever, Hit, Retriever
from bot.errors import BadQuestion
from bot.index.embeddings import CachedEmbedder, make_embeddings
from bot.index.store import ChromaServer, Index, SyncReport, open_index, sync
from bot.ingest.chunking import merge_parts
from bot.ingest.corpus import ReadLimits
from bot.ingest.lang import STOPWORDS as LANG_STOPWORDS
from bot.ingest.text import MARKER, has_lone_surrogate, sentence_spans, stem, terms, unmarked, words
from bot.ingest.tokens import enable_offline_cl100k
from bot.settings import Settings, load_settings

log = logging.getLogger(__name__)

INVITE_MOST = 6  # sentences of a page's opening shown with an invitation (Bot.invite)
PAGE_DEPTH = 50  # passages searched for the conversation's page's best ones
# a question of its own in a conversation is read on the conversation's page first when retrieval ranks one of the
# page's passages among the first PAGE_NEAR. On doc2dial's tune dialogues (python -m bot eval
# ../shared/bench/doc2dial, 2026-12-06), follow-ups' page cited / first turns asked after another page's
# conversation, page cited / COVID-19 turns after a conversation, declined: 5: 0.691 / 0.571 / 0.778;
# 8: 0.735 / 0.571 / 0.778; 12: 0.735 / 0.548 / 0.778; 20: 0.735 / 0.548 / 0.667 (alone: 0.595 and 0.778).
PAGE_NEAR = 8
# the conversation's page is read from its last two answered exchanges, among the passages the last one scores at
# least ON_PAGE of its best (Bot.conversation_page). doc2dial tune, follow-ups' agent passage / page: the last
# exchange alone 0.582 / 0.853; both, ON_PAGE 0 and 0.3: 0.597 / 0.882; 0.5 and 0.7: 0.582 / 0.868; the previous
# exchange at half weight: no change. No other row moves. 0.3 keeps the gain and a last exchange on a new page.
ON_PAGE = 0.3
MOVES_ON = 5  # content words of its own a follow-up needs to be read as a question on a new subject (Bot.moves_on)
# ...unless an FAQ entry of another page means it with the matcher's probability ENTRY_OWN or more: then it is
# answered as if it were asked first (a browser probe on the COVID FAQ pages: "HOW DO I WASH MY HANDS PROPERLY",
# after a message about masks, got the WHO mask page's hand-hygiene bullets; alone, the handwashing entry, 0.86).
# doc2dial tune, follow-ups' agent passage / page by the value: 0.6: 0.507 / 0.809; 0.7: 0.507 / 0.809; 0.75:
# 0.522 / 0.824; 0.8 and 0.85: 0.552 / 0.838; 0.9 (SURE, entry_elsewhere's alone): 0.537 / 0.838; no other row moves
# but a first turn after another page's conversation at 0 (0.762).
ENTRY_OWN = 0.8
# A follow-up or a reply is read on the conversation's page with a looser gate: the reader declines it at this
# p_unanswerable or more (answering.GATE), not at its own threshold (0.684, fitted on SQuAD's lone questions). The
# conversation is evidence for its page; off-topic turns in a conversation are questions of their own and keep the
# gate. On doc2dial's tune dialogues (`python -m bot eval ../shared/bench/doc2dial`, 2026-12-06), follow-ups'
# passage / page cited / declined: the shipped gate 0.493 / 0.779 / 0.132; 0.75: 0.522 / 0.809 / 0.118; 0.8:
# 0.537 / 0.838 / 0.103 (answers from a wrong page 0.089 -> 0.059); 0.9: 0.552 / 0.853 / 0.088. Replies' page
# 0.846 -> 0.923 at 0.8; COVID-19 turns after a conversation declined 8 of 9 at every value. The dialogues split in
# two halves by conversation: one half gains 4 follow-ups at 0.8 (passage 0.55 -> 0.625), the other none and loses
# none. 0.8, not the best value here, as the one dialogue data set can't be left out.
FOLLOWUP_GATE = 0.8
# an FAQ entry of another page the matcher gives this probability or more is answered rather than the conversation's
# page (Bot.entry_elsewhere). On doc2dial's tune dialogues (where every follow-up is about the conversation's page)
# it moved 1 of 68 follow-ups off the page ("How do I consolidate my loans?" in a Perkins-loan conversation, to
# the page "Should I consolidate my loans?"; follow-ups' page cited 0.735 -> 0.721); at 0.5 also "and should I
# deliver the plates?" to "How can I get new plates?" (0.706).
SURE = 0.9
STARTER_POOL = 400  # FAQ questions read for the questions to try
# The site's own way to reach its team, offered when a visitor asks for a person and the operator has set no route
# (Bot.site_contact): a sentence with an e-mail address or a phone number, in a passage the keyword search finds for
# these words (the visitor's language's first)
CONTACT_WORDS = {
    "en": "contact us customer service support team help phone call email write",
    "de": "Kontakt kontaktieren Kundenservice Support Team Hilfe Telefon anrufen E-Mail schreiben",
    "fr": "contact contacter service client assistance équipe aide téléphone appeler courriel e-mail écrire",
    "es": "contacto contactar atención al cliente soporte equipo ayuda teléfono llamar correo escribir",
}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w.:])\+?\(?\d[\d ()/.-]{5,}\d(?![\w:])")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")


def gives_contact(text: str) -> bool:
    """The sentence gives an e-mail address or a phone number (seven digits or more, not a date: "2025-01-14")."""
    if _EMAIL.search(text):
        return True
    return any(sum(ch.isdigit() for ch in m.group()) >= 7 and not _DATE.fullmatch(m.group().strip())
               for m in _PHONE.finditer(text))  # fmt: skip


CONTACT_DEPTH = 20  # passages read for it
COMPOUND_PART = 4  # letters of each part of a German compound word parted (Bot.parted)


def ingest(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: bool = False,
    embedder=None,
    force: set[str] | frozenset[str] = frozenset(),
    on_progress=None,
    cancel=None,
) -> SyncReport:
    """Sync the index with the corpus folder (bot.index.store.sync: `force`, `on_progress`, `cancel`)."""
    enable_offline_cl100k()
    embedder = embedder or make_embeddings(settings)
    cache = CachedEmbedder(embedder, Path(settings.cache_dir) / "embeddings.sqlite")
    try:
        return sync(
            settings.corpus_dir,
            settings.index_dir,
            embedder,
            cache,
            rebuild=rebuild,
            max_tokens=settings.chunk_tokens,
            progress=progress,
            server=chroma_server(settings),
            force=force,
            on_progress=on_progress,
            follow_symlinks=settings.follow_symlinks,
            limits=ReadLimits.of(settings),
            cancel=cancel,
        )
    finally:
        cache.close()


def chroma_server(settings: Settings) -> ChromaServer | None:
    if not settings.chroma_host:
        return None
    return ChromaServer(settings.chroma_host, settings.chroma_port, settings.chroma_prefix)


def load_index(settings: Settings, embedder_name: str):
    """The index to answer from: the in-memory snapshot, or for a large corpus or a Chroma server the on-disk
    records with dense search in Chroma (BOT_DENSE_SEARCH, BOT_CHROMA_QUERY_OVER)."""
    return open_index(
        settings.index_dir,
        embedder_name,
        dense=settings.dense_search,
        over=settings.chroma_query_over,
        server=chroma_server(settings),
    )


def validate_question(question, max_chars: int) -> str:
    if not isinstance(question, str):
        raise BadQuestion(f"The question must be text, not {type(question).__name__}.")
    q = " ".join(question.split())
    if not q:
        raise BadQuestion("The question is empty. Type a question about the articles.")
    if len(question) > max_chars:
        raise BadQuestion(
            f"The question is {len(question):,} characters long; the limit is {max_chars:,}. Ask a shorter question."
        )
    if has_lone_surrogate(q):
        raise BadQuestion("The question has invalid text (a lone UTF-16 surrogate); send valid Unicode.")
    return q


def _words(text: str) -> str:
    """The words of a text, less its citation markers: the bot's "[1]" and a page's own "[1]" alike (text.unmarked
    keeps the page's apart with a word joiner, which would leave its number among the words of a shown answer)."""
    return " ".join(re.findall(r"\w+", MARKER.sub(" ", text.replace("\u2060", "")).lower()))


def quotes_any(a: Answer, stems: set[str], lang: str) -> bool:
    """A sentence the answer quotes has one of the words (stems)."""
    return any(stems & set(terms(c.quote, lang)) for c in a.citations)


def repeats(a: Answer, history) -> bool:
    """Every sentence the answer quotes is in the bot's last answer already (its last reply from the articles: not
    an "ok" or an abstention after it; a browser probe: "no, I meant while breastfeeding" after "yes" got the
    pregnancy answer of two turns before again)."""
    last = _words(answered_exchange(history)[1])
    return bool(last) and bool(a.citations) and all(_words(c.quote) in last for c in a.citations)


def leaned_on(history) -> str:
    """What a follow-up leans on: the question of the last exchange the bot answered (answered_exchanges; not a
    declined off-topic question, nor a bare "yes": "und DVDs?" after a football question the bot declined is about
    the library), with the answered question before it when it was a follow-up of that one ("do I have to go to an
    office or can I do it online", after "how much is it?" after new plates: the plates, not "it"). The user's last
    question when the bot answered none."""
    return " ".join(leaned_on_questions(history))


CHAIN = 4  # answered questions looked back at for the question of its own a run of follow-ups leans on


def leaned_on_questions(history) -> list[str]:
    """leaned_on's questions, the last first: the last answered question and, when it was a follow-up, the question
    of its own the run of follow-ups before it leans on (up to CHAIN back: "what if I lost it?" after "how much does
    it cost?" after "I need help with my ID": the ID, not the cost)."""
    if topic := turns.announced(last_user_turn(history)):
        # "Hi, I have a question about deleting my account", then "I lost my phone, can I still do it?": the topic
        # just announced, not the question answered before it (a new-visitor probe got the barcode's answer again)
        return [topic]
    qs = [turns.without_opener(u) for u, _ in answered_exchanges(history, CHAIN, questions=True)]
    if not qs:
        prev = turns.previous_question(history)
        return [prev] if prev else []
    for i in range(len(qs) - 2, -1, -1):  # "et sur Linux ?" stands for the question it swapped a phrase of
        swap = turns.swapped(qs[i + 1], qs[i])
        if swap:
            qs[i] = swap
            if i == 0:
                return [swap]
    root = 0
    while root + 1 < len(qs) and turns.classify(qs[root], qs[root + 1]).kind == turns.FOLLOWUP:
        root += 1
    return [qs[0], qs[root]] if root else qs[:1]


def answered_exchange(history) -> tuple[str, str]:
    """The last exchange of the conversation that the bot answered from the articles: the user's question and the
    reply, passing over small talk, requests for a person and the bot's own messages (an abstention: "I couldn't find
    that" is about no page). ("", "") when there is none. A browser probe: after a question about moving a vehicle's
    registration, a declined COVID-19 question and a declined pizza order, "do both cars have to be the same type?"
    was read on the page the pizza order's words pointed at."""
    got = answered_exchanges(history, 1)
    return got[0] if got else ("", "")


def answered_exchanges(history, n: int, questions: bool = False, person: bool = False) -> list[tuple[str, str]]:
    """The last `n` exchanges the bot answered (answered_exchange), the last first; with `questions`, not those
    whose message is a bare yes or no (what it answered is the question before it); with `person`, a request for a
    person whose reply quoted the site's contact sentence too (that sentence, for Bot.in_last_answer)."""
    stock = _stock_openings()
    out: list[tuple[str, str]] = []
    for user, bot in reversed(exchanges(history)):
        kind = turns.classify(user, None).kind if user else None
        if not user or kind == turns.SMALLTALK or (kind == turns.PERSON and not person):
            continue
        if kind == turns.PERSON:
            # a person asked for, and the site's sentence on how to reach its team quoted after the bot's own words:
            # what follows is about it ("What's their phone number?"; a probe got the phone line's hours)
            said = (bot or "").split("\n\n", 1)
            if len(said) < 2 or not MARKER.search(said[1]):
                continue
            bot = said[1]
        if questions and turns.is_bare_reply(user):
            continue
        if bot and any(bot.startswith(m) for m in stock):
            continue
        out.append((user, bot))
        if len(out) >= n:
            break
    return out


def cells_only(a: Answer) -> bool:
    """Every quote of the answer is a table's cell (a sentence with a row and a column)."""
    labelled = {(h.chunk.source, x.start) for h in a.retrieved or [] for x in h.chunk.sentences if x.label}
    return bool(a.citations) and all((c.source, c.start) in labelled for c in a.citations)


def narrows(b: Answer, a: Answer) -> bool:
    """Answer `b` gives some of the quotes `a` gives, and fewer (the same column's cells of fewer rows)."""
    quoted = {(c.source, c.start, c.end) for c in a.citations}
    return 0 < len(b.citations) < len(quoted) and all((c.source, c.start, c.end) in quoted for c in b.citations)


def offerable(question: str) -> bool:
    """A question short and plain enough to offer a visitor: one sentence of at most OFFER_WORDS words."""
    return len(question.split()) <= OFFER_WORDS and len(sentence_spans(question)) == 1


OFFER_WORDS = 16


# the bot's words that open an answer from the articles, not a message of its own: what follows is quoted
_ANSWER_OPENINGS = frozenset({"answer_to", "confirm"})


@functools.cache
def _stock_openings() -> tuple[str, ...]:
    """The first words of every message the bot writes itself, in every language (bot/answers/messages.json), less
    those that open an answer ("The answer to “…”:", which a browser-probe fix of 2026-12-07 added: an entry's answer
    after it was taken for a message of the bot's own, and the conversation's page was lost)."""
    out = set()
    for msgs in messages.catalogue().values():
        for key, m in msgs.items():
            if key in _ANSWER_OPENINGS:
                continue
            head = " ".join(m.split("{")[0].split())[:24]
            if len(head) >= 12:
                out.add(head)
    return tuple(sorted(out))


WORD_ROWS = 20  # passages read per word and language to tell a keyword message's language (Bot.words_language)


def _kind_asked(message: str):
    """What a sentence must give to answer a message that asks for a kind of thing: a length of time ("how long"),
    a price or "free" ("how much does it cost?"), a phone number or an e-mail address ("what's their number?");
    None for another message."""
    if qtypes.DURATION_Q.search(message):
        return qtypes.DURATION.search
    if qtypes.asks_price(message):
        return lambda t: qtypes.MONEY.search(t) or qtypes.FREE.search(t)
    if turns.asks_contact(message):
        return gives_contact
    return None


class Bot:
    """Answers questions about a corpus. Build once, call `answer` many times."""

    def __init__(self, settings: Settings, index: Index, embedder, reader: Reader | None = None):
        self.settings = settings
        self.index = index
        self.embedder = embedder
        self._contact: dict = {}  # (index version, language) -> the site's contact sentence (contact_sentence)
        large = index.dense_in_chroma  # bot/index/diskindex.py: dense search in Chroma
        self.retriever = (ChromaRetriever if large else Retriever)(index, embedder)
        self.reader = reader or Reader(index)
        self.matcher = (ChromaEntryMatcher if large else EntryMatcher)(index)
        self.site = SiteBar(self.retriever.nearness, embedder)
        self.composer = Composer(
            index, self.reader, self.matcher, self.suggestions, self.site, search=self.retriever.search
        )
        self.llm = None
        if settings.llm == "on" or (settings.llm == "auto" and (settings.openai_api_key or settings.openai_base_url)):
            from bot.answers.citations import support_rule
            from bot.answers.llm import LLMAnswerer

            self.llm = LLMAnswerer(settings)
            if len(index.sent_vectors) and getattr(embedder, "name", "") == support_rule()["embedder"]:
                self.llm.similarity = self.similarity
                self.llm.prefetch = embedder.embed_query_np

    def similarity(self, sentence: str, hit: Hit) -> tuple[float, str]:
        """The best cosine of a written sentence against one passage's sentences, and that sentence."""
        n = len(hit.chunk.sentences)
        if not n:
            return 0.0, ""
        ix = self.index
        rows = hit.rows or [hit.row]  # a whole FAQ entry: the sentence vectors of all its parts
        vecs = np.concatenate([ix.sent_vectors[int(ix.sent_offsets[r]) : int(ix.sent_offsets[r + 1])] for r in rows])
        sims = vecs @ self.embedder.embed_query_np(sentence)
        k = int(np.argmax(sims))
        return float(sims[k]), hit.chunk.sentences[k].text

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, build: bool = True) -> Bot:
        """Open the index (building or syncing it first when there is none and `build` is set)."""
        settings = settings or load_settings()
        embedder = make_embeddings(settings)
        if build and not Index.exists(settings.index_dir):
            log.info("No index in %s yet: building it from %s", settings.index_dir, settings.corpus_dir)
            ingest(settings, embedder=embedder)
        elif build and Index.older_format(settings.index_dir):  # made by an earlier version of this bot
            log.info("The index in %s has an older format: rebuilding it (cached embeddings)", settings.index_dir)
            ingest(settings, embedder=embedder)
        return cls(settings, load_index(settings, embedder.name), embedder)

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        q = validate_question(question, self.settings.max_question_chars)
        return self.retriever.search(q, k or self.settings.top_k)

    def search_query(self, question: str, history, kind: str | None = None) -> str:
        """The standalone question, offline. What the message is decides (bot/answers/turns.py): a question of
        its own is searched alone, whatever came before; a follow-up has its pronouns resolved against the
        previous question ("they" -> "the leaders"), and when the rule cannot resolve what it leans on ("Why?",
        "and there?") the previous question is folded in; a reply to the bot ("Yes, I have a Pennsylvania
        licence") is searched with the question it answers. A message that tells something and then asks is
        searched for what it asks (bot/answers/followup.py asked). `kind`: the message's kind when the caller has
        classified it already."""
        # ("Otra cosa: ¿cómo uso Zettlr desde una memoria USB?": the opener's words are no part of what is searched; a
        # browser probe got another page for it, asked first or in a conversation)
        question = asked(turns.without_opener(question))
        prev = leaned_on(history)
        if not prev:
            return question
        kind = kind or turns.classify(question, prev).kind
        if kind == turns.REPLY:
            said = self.read_with(history, kind)
            rest = turns.content(question)
            lang = self.index.query_lang(rest) if rest else "en"
            if rest and not any(self.index.bm25.has(t) for t in terms(rest, lang)):
                rest = ""  # "Yes, that's right.": no word the articles have, nothing to search for but what it answers
            return f"{rest} ({said})" if rest else said
        if kind != turns.FOLLOWUP:
            return question
        said = turns.correction(question)
        if said:  # "no I mean for my 1 year old": what it says instead, read with the question it corrects
            last = (leaned_on_questions(history) or [prev])[0]
            # ...or put in the place of what it corrects ("No, I meant the Syncthing config" after "Can I copy my
            # rclone config…?": a browser probe got an rclone command, the folded question's words being rclone's)
            return turns.corrected(last, said, turns.language(said)) or f"{said} ({prev})"
        swap = turns.swapped(prev, question)
        if swap:  # "et sur Linux ?" after "Comment désinstaller Zettlr sur Mac ?": that question, on Linux
            return swap
        ix = self.index
        resolved = rewrite(
            question, prev, known=lambda ref: any(ix.bm25.has(t) for t in terms(ref, ix.query_lang(ref)))
        )
        if turns.leans_back(resolved):
            return f"{resolved} ({prev})"
        return resolved

    @staticmethod
    def replied_to(history) -> str:
        """What a reply answers: the bot's (or the agent's) last turn, its [n] markers removed, unless that turn is
        one of the bot's own messages (an abstention, a welcome, where to reach a person), which say nothing of the
        articles; "" then. "Yeah, I don't have one at the moment." answers "Do you not have insurance, or is it
        about to expire?", not the user's question before it. Measured on doc2dial's tune dialogues (`python -m
        bot eval ../shared/bench/doc2dial`, 2026-12-06), against searching a reply with the user's previous
        question: replies' agent passage cited 0.385 -> 0.462 (declined 0.231 -> 0.154), follow-ups' 0.448 ->
        0.463; every other row the same. A reply's own words are kept in the search only when the articles have
        one of them ("Yes, that's right." is searched as what it answers): replies' right page 0.692 -> 0.769
        (declined 0.154 -> 0.077), follow-ups' 0.735 -> 0.750, every other row the same."""
        said = " ".join(MARKER.sub(" ", last_bot_turn(history)).split())
        if not said or any(said.startswith(m) for m in _stock_openings()):
            return ""
        return said

    def asks_back(self, history) -> bool:
        """The bot's (or the agent's) last turn ends with a question of its own to the visitor ("Do you have a
        service related disability?"); not one of its quotes (those end in a citation marker) nor its stock
        messages."""
        said = last_bot_turn(history).rstrip()
        return said.endswith("?") and bool(self.replied_to(history))

    def read_with(self, history, kind: str) -> str:
        """What a message that leans on the conversation is read with: a reply, what it answers (replied_to); any
        other message, the user's previous question, and the one before when that was a follow-up itself
        (leaned_on)."""
        return (self.replied_to(history) if kind == turns.REPLY else "") or leaned_on(history)

    def parted(self, query: str) -> str:
        """A German question's compound word that no article has, written as its two parts when the articles have
        both ("am Freitagnachmittag" -> "am Freitag Nachmittag", beside a timetable of days and half-days; a
        "Kinderpass" beside "Pass" and "Kinder"): what search and the reader then find. A browser probe: "Wann ist
        das Einwohneramt am Freitagnachmittag offen?" got the holiday closing, "…am Freitag am Nachmittag…" the
        cell. Parts of at least COMPOUND_PART letters (and a linking "s": "Arbeitstag" + "s" + "zeit")."""
        ix = self.index
        if "de" not in ix.langs or ix.query_lang(query) != "de" or asked_in(query) not in (None, "de"):
            return query  # (nor an English question on a German site: its words are no German compounds)

        def known(w: str) -> bool:
            t = terms(w, "de")
            return len(t) == 1 and ix.bm25.has(t[0])

        def part(m: re.Match) -> str:
            w = m.group(0)
            if len(w) < 2 * COMPOUND_PART or known(w):
                return w
            best = None
            for i in range(COMPOUND_PART, len(w) - COMPOUND_PART + 1):
                left, right = w[:i], w[i:]
                for lft in (left, left[:-1] if left.endswith("s") and len(left) > COMPOUND_PART else None):
                    if lft and known(lft) and known(right):
                        score = min(len(lft), len(right))
                        if best is None or score > best[0]:
                            best = (score, f"{lft} {right[0].upper()}{right[1:]}")
            return best[1] if best else w

        return re.sub(r"[^\W\d_]+", part, query)

    def words_language(self, message: str) -> str | None:
        """The language of the articles that have the message's words, when they are of one language more than
        any other: "Meldebescheinigung kosten" or "auto abmelden was mitbringen", no function word of any
        language (or of two), on a site of German and English pages is German (a browser probe got "Sources" and
        "Copy" for them between German answers). None when the words tell nothing, or the site has one language."""
        ix = self.index
        if len(ix.langs) < 2:
            return None
        count = dict.fromkeys(ix.langs, 0)
        for w in set(words(message)) - frozenset().union(*LANG_STOPWORDS.values()):
            for lang in ix.langs:
                rows = ix.bm25.rows(stem(w, lang))
                if any(ix.chunks[int(r)].lang == lang for r in rows[:WORD_ROWS]):
                    count[lang] += 1
        ranked = sorted(count.values(), reverse=True)
        best = max(count, key=count.get)
        return best if ranked[0] > ranked[1] and best in turns.LANGUAGES else None

    def answer(self, question: str, history=None, lang: str | None = None) -> Answer:
        """The answer, whole. `lang`: the visitor's language as the page or browser tells it ("de"), for the bot's
        own words when the message is too short to tell ("hi")."""
        for ev in self.answer_stream(question, history, stream=False, lang=lang):
            if isinstance(ev, Answer):
                return ev
        raise AssertionError("answer_stream ended without an answer")

    def answer_stream(self, question: str, history=None, stream: bool = True, lang: str | None = None):
        """Yields text as a model writes it (str; none for quoted answers), then the final Answer.
        The final Answer's text is the one to show: citations are resolved only then."""
        t0 = time.perf_counter()
        q = validate_question(question, self.settings.max_question_chars)
        prev = turns.previous_question(history)
        turn = turns.classify(asked(q), prev, self.asks_back(history))
        if turn.kind == turns.FOLLOWUP and self.moves_on(q, history):
            turn = turns.Turn(turns.QUESTION)
        # (a bare reply is read as one after a request for a person too, which no question before it leans on: "yes
        # please" after the site's contact sentence had got "I couldn't find that", a probe)
        replying = turn.kind == turns.REPLY or (turn.kind == turns.QUESTION and bool(history))
        if replying and turns.is_bare_reply(q) and not self.asks_back(history):
            if MARKER.search(last_bot_turn(history)) or not self.replied_to(history):
                # a bare "yes" / "no" after a quoted answer or the bot's own message answers nothing of the articles:
                # taken as "ok" (a browser probe: "ja" after the library card's price got both earlier answers
                # again, merged, with 7 citations); a question the bot (or an agent) asked is still answered by it
                turn = turns.Turn(turns.SMALLTALK, "ack")
        if turn.kind == turns.QUESTION and not prev and turns.nothing_to_lean_on(q):
            turn = turns.Turn(turns.SMALLTALK, "clarify")  # "why?" with nothing before it: what is asked?
        # (a message too short to tell its language, "Gruppe anlegen", with no language from the client, on a site of
        # one language: that language, not English; a site of several keeps English for "hi", "ok")
        site = self.index.langs[0] if len(self.index.langs) == 1 else "en"
        prefer = turns.language_tag(lang) or site
        lang = turns.told_language(q, prefer) or self.words_language(q) or prefer
        if history and turns.asks_confirmation(q) and (sure := self.confirm(q, history, lang)) is not None:
            # "Are you sure?", "Wo steht das?" after an answer: what the articles say, cited again (a probe had "I
            # couldn't find that in the articles" right after a cited answer)
            sure.lang = lang
            for c in sure.citations:
                c.source_url = self.index.link(c.source, c.anchor)
            sure.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": (time.perf_counter() - t0) * 1000}
            yield sure
            return
        if turn.kind in (turns.SMALLTALK, turns.PERSON):  # no search, no model: a greeting or a person wanted
            ans = self.social(q, turn, lang, history)
            ans.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": (time.perf_counter() - t0) * 1000}
            yield ans
            return
        if self.llm is not None and (hit := self.llm.cached(q, history, self.index.version)) is not None:
            hit.question = q
            hit.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": (time.perf_counter() - t0) * 1000}
            yield hit
            return
        # a model rewrites a follow-up or a reply into a standalone question; a question of its own is searched
        # as typed (no model call, and nothing of an earlier topic folded in)
        leans = prev and turn.kind in (turns.FOLLOWUP, turns.REPLY)
        query = self.llm.condense(q, history) if self.llm is not None and leans else None
        query = query or self.search_query(q, history, turn.kind)  # the standalone question
        shown = query  # (what "Understood as" compares: not the compounds parted below)
        query = parted = self.parted(query)
        qvec = self.retriever.query_vector(query)
        # several questions at once: each answered and cited on its own; only a message that asks several itself (a
        # bare "ja" read with the two questions it leans on was answered as both at once: a browser probe)
        pieces = parts(query) if len(parts(asked(q))) > 1 else [query]
        hits = self.retriever.search(query, self.settings.top_k, qvec=qvec) if len(pieces) == 1 else []
        t1 = time.perf_counter()
        if len(pieces) > 1:
            ans, hits = self.quote_parts(query, pieces)
        else:
            told = MESSAGE.set(q)  # a table reads the numbers the whole message tells
            try:
                ans, hits, query = self.quote_in_conversation(q, query, hits, qvec, history, turn.kind)
            finally:
                MESSAGE.reset(told)
            if not ans.grounded and self.llm is None and (topic := turns.info_asked(q)):
                # information asked for on a topic that no passage answers as a question ("I need more information
                # about your medical benefits package", declined on doc2dial): the page on it, as for a question
                # announced (invite), when one is; else the abstention stands (a need the report should show)
                shown_page = self.invite(q, topic, lang)
                if shown_page.grounded:
                    ans = shown_page
        if self.llm is not None:
            for ev in self.llm.answer_stream(
                q, self.passages(hits, ans), ans, self.suggestions, history, self.index.version, stream, query
            ):
                if isinstance(ev, Answer):
                    ans = ev
                else:
                    yield ev
        ans.question = q
        query = shown if query == parted else query  # (a follow-up read by its own words has its own query)
        ans.standalone_question = query if query != q else None
        said = self.read_with(history, turn.kind) if prev else ""
        if said and (query == said or query.endswith(f" ({said})")):
            # read with the previous question, or (a reply) with what the bot said last: say which question it
            # follows, never the two glued nor the bot's answer pasted in ("Understood as: I have insurance (The
            # letter means your insurance company notified…)", a browser probe)
            # (a follow-up of a follow-up: the question the two lean on; a reply: the question before it)
            on = leaned_on_questions(history)
            replied = turn.kind == turns.REPLY and self.replied_to(history)
            ans.follows_up = prev if replied or not on else on[-1]
            ans.standalone_question = None
            head = query[: -len(said) - 3].strip() if query != said else ""
            if head and head not in (q, turns.content(q), turns.correction(q)):  # its pronouns were resolved as well
                ans.standalone_question = head
        ans.lang = lang
        if not ans.grounded:  # "I couldn't find that", in the user's language, and where a person can help
            if ans.text == ABSTAIN_TEXT:
                ans.text = messages.text("abstain", lang)
            route = self.handoff_route(lang)
            if route:
                ans.handoff = self.handoff()
                ans.text += "\n\n" + messages.text("handoff", lang, route=route)
            elif ans.text == messages.text("abstain", lang) and (reach := self.contact_sentence(lang)):
                # no route set by the operator: the site's own words on how to reach its team, quoted, as a way
                # forward (a probe: "I couldn't find that" offered nothing, though "Can I talk to someone?" quoted
                # the Service Desk's phone number)
                ans.text += "\n\n" + messages.text("handoff_site", lang, quote=reach)
        for c in ans.citations:  # a website's page: its address
            c.source_url = self.index.link(c.source, c.anchor)
        ans.qvec = qvec
        t2 = time.perf_counter()
        ans.timings_ms = {"retrieve": (t1 - t0) * 1000, "answer": (t2 - t1) * 1000, "total": (t2 - t0) * 1000}
        yield ans

    def confirm(self, question: str, history, lang: str) -> Answer | None:
        """The visitor doubts the last answer or asks where the articles say it ("Are you sure?"): the passages that
        answer cited again, under "This is what the articles say:". The last answer is found again by asking its
        question with the conversation before it; its quotes must all be in the reply the history holds. A reply that
        quotes nothing (an agent's own words, as in doc2dial's dialogues) is matched to the sentence of the page it
        is on nearest in meaning that shares two content words with it. None when the last reply was no answer
        (small talk, an abstention): the message is read as any other."""
        ex = exchanges(history)
        while ex and turns.asks_confirmation(ex[-1][0]):
            ex = ex[:-1]  # ("Really?" after "Are you sure?": the answer both doubt)
        if not ex or not ex[-1][0] or not ex[-1][1] or not len(self.index.chunks):
            return None
        user, reply = ex[-1]
        if any(reply.startswith(m) for m in _stock_openings()) or turns.classify(user, None).kind in (
            turns.SMALLTALK,
            turns.PERSON,
        ):
            return None
        said = " ".join(MARKER.sub(" ", reply.replace("\u2060", "")).split())
        intro = messages.text("confirm", lang)
        if MARKER.search(reply):
            again = self.answer(user, [list(x) for x in ex[:-1]] or None, lang=lang)
            if not again.grounded or not again.citations:
                return None
            if not all(" ".join(unmarked(c.quote).split()) in said for c in again.citations):
                return None
            again.question, again.text = question, f"{intro}\n\n{again.text}"
            again.suggestions, again.standalone_question, again.follows_up = [], None, user
            return again
        page = self.conversation_page(history)
        if not page:
            return None
        ix = self.index
        v = self.retriever.query_vector(said)
        mine = set(terms(said, ix.query_lang(said)))
        best = None
        for h in self.retriever.search(said, PAGE_DEPTH, qvec=v):
            if h.chunk.source != page:
                continue
            off = int(ix.sent_offsets[h.row])
            sims = ix.sent_vectors[off : off + len(h.chunk.sentences)] @ v
            for x, sim in zip(h.chunk.sentences, sims):
                if len(mine & set(terms(x.text, h.chunk.lang or "en"))) >= 2 and (best is None or sim > best[0]):
                    best = (float(sim), x, h)
        if best is None:
            return None
        a = self.composer._cited(question, [(best[1], best[2].chunk)], [best[2]], 0.5)
        a.text = f"{intro}\n\n{a.text}"
        a.follows_up = user
        return a

    def passages(self, hits: list[Hit], quoted: Answer) -> list[Hit]:
        """What a language model reads: the retrieved passages, with each FAQ entry whole (a long entry's parts
        merged into one passage), and the entry the question was matched to first."""
        ix = self.index
        order = list(hits)
        if quoted.entry:  # the matched entry first, then other pages' entries for the same question
            ids = [quoted.entry["id"]] + [x["id"] for x in quoted.entry.get("also", [])]
            first = [
                next(h for h in quoted.retrieved if h.chunk.entry == i)
                for i in ids
                if any(h.chunk.entry == i for h in quoted.retrieved)
            ]
            order = first + [h for h in order if h.chunk.entry not in ids]
        out, seen = [], set()
        for h in order:
            e = h.chunk.entry
            if e is None:
                out.append(h)
                continue
            if e in seen:
                continue
            seen.add(e)
            rows = ix.entries.get(e, [h.row])
            if len(rows) == 1:
                out.append(h)
                continue
            merged = merge_parts([ix.chunks[r] for r in rows])
            out.append(Hit(rows[0], merged, h.score, h.dense, h.bm25, h.faq, rows=rows))
        return out

    def quote(self, query: str, hits: list[Hit], qvec, page: str | None = None, lang: str | None = None) -> Answer:
        """The answer quoted from the articles (bot/answers/compose.py): the FAQ entry the question means, the summary,
        the sentences that answer it, or an abstention. With `page` (`lang`), FAQ entries of that page (language)
        alone."""
        return self.composer.answer(query, hits, qvec, page, lang)

    def handoff(self) -> dict | None:
        """Where a person can be reached, as the operator set it (BOT_HANDOFF_URL, BOT_HANDOFF_EMAIL)."""
        h = {k: v for k, v in (("url", self.settings.handoff_url), ("email", self.settings.handoff_email)) if v}
        return h or None

    def handoff_route(self, lang: str) -> str:
        h = self.handoff() or {}
        return " · ".join(x for x in (h.get("url"), h.get("email")) if x)

    def social(self, question: str, turn, lang: str, history=None) -> Answer:
        """The reply to small talk or to a request for a person, in the user's language: a greeting gets a welcome
        and the starter questions, thanks and goodbye a short reply, a request for a person where to reach one
        (or, when the operator has set none, that the bot can't pass them on, with the site's own sentence on how to
        reach its team when a page has one: site_contact)."""
        if turn.kind == turns.SMALLTALK and turn.act == "invite":
            a = self.invite(question, turns.announced(question) or "", lang)
        elif turn.kind == turns.SMALLTALK:
            key = {"greeting": "welcome", "thanks": "thanks", "bye": "bye", "ack": "ack", "clarify": "clarify"}[
                turn.act
            ]
            sugg = self.starter_questions(lang=lang) if key in ("welcome", "clarify") else []
            a = Answer(question, messages.text(key, lang), False, suggestions=sugg, confidence=1.0)
        else:
            h = self.handoff()
            parts = []
            if h and h.get("url"):
                parts.append(messages.text("person_url", lang, url=h["url"]))
            if h and h.get("email"):
                parts.append(messages.text("person_email", lang, email=h["email"]))
            if not parts and self.settings.handoff_webhook:  # the server tells the operator's webhook
                parts.append(messages.text("person_webhook", lang))
            found = None if parts else self.site_contact(lang, self.conversation_page(history) if history else None)
            if found is not None:  # the site's own words on how to reach its team, quoted and cited
                sent, chunk = found
                cite = Citation.of(1, chunk, sent.text, 1.0, (sent.start, sent.end))
                text = f"{messages.text('person_site', lang)}\n\n{unmarked(sent.text)} [1]"
                a = Answer(question, text, True, [cite], confidence=1.0)
            else:
                a = Answer(question, "\n\n".join(parts) or messages.text("person_none", lang), False, confidence=1.0)
                if not parts:
                    a.suggestions = self.starter_questions(lang=lang)
            a.handoff = h
            a.turn, a.lang = turn.kind, lang
            return a
        # (an invitation that shows a page's opening, cited, is shown as an answer with its sources)
        a.turn, a.lang = (None if a.grounded else turn.kind), lang
        return a

    def site_contact(self, lang: str, page: str | None = None):
        """(sentence, chunk): the site's own words on how to reach its team, in the visitor's language where the site
        has them. In a conversation on a `page`, that page's own first; else, of the passages the keyword search
        ranks first for CONTACT_WORDS and the page's title (a site of several teams: the one the conversation is
        with), the first with a sentence that gives an e-mail address or a phone number (of its sentences, the one
        with most of those words). None when no page gives one. A browser probe: "Can I talk to a person?" got "I
        can't pass you to a person here" while the prices page gave the customer service's phone number. (On
        doc2dial's four agencies, "Is there someone I can call?" in a student-aid conversation got a VA number
        before the conversation's page and its title counted; now a student-aid support centre's.)"""
        ix = self.index
        if not len(ix.chunks):
            return None

        def contact(c, asked_for: set[str], want: str):
            found = [x for x in c.sentences if not x.code and gives_contact(x.text)]
            return max(found, key=lambda x: len(asked_for & set(terms(x.text, want)))) if found else None

        title = ix.chunks_of(page)[0].title if page and ix.chunks_of(page) else ""
        for want in dict.fromkeys([lang, *ix.langs]):  # (the index's languages, most passages first)
            asked_for = set(terms(CONTACT_WORDS.get(want, CONTACT_WORDS["en"]), want))
            for c in ix.chunks_of(page) if page else []:
                if (x := contact(c, asked_for, want)) is not None:
                    return x, c
            bm = ix.bm25.scores(list(asked_for | set(terms(title, want))))
            for r in np.argsort(-bm)[:CONTACT_DEPTH]:
                c = ix.chunks[int(r)]
                if bm[r] <= 0:
                    break
                if len(ix.langs) > 1 and c.lang and c.lang != want:
                    continue
                if (x := contact(c, asked_for, want)) is not None:
                    return x, c
        return None

    def contact_sentence(self, lang: str) -> str | None:
        """The site's sentence on how to reach its team (site_contact), as text, once per index and language; None
        when the page or section it is in is not about reaching the team (its title, section or entry question has
        none of CONTACT_WORDS)."""
        key = (self.index.version, lang)
        if any(k[0] != key[0] for k in self._contact):
            self._contact = {}  # (a new index: its pages may say it otherwise)
        if key not in self._contact:
            got = self.site_contact(lang)
            # only from a page or section about reaching the team ("How do I contact the service desk?", "Kontakt"),
            # not a topic's own contact ("If you have questions about the incident, please contact security@…" on a
            # blog post, quoted under "What is the weather tomorrow?" in a browser check)
            if got is not None:
                c = got[1]
                heads = set(terms(f"{c.title} {c.section} {c.question or ''}", c.lang or lang))
                if not heads & set(terms(CONTACT_WORDS.get(c.lang or lang, CONTACT_WORDS["en"]), c.lang or lang)):
                    got = None
            self._contact[key] = " ".join(unmarked(got[0].text).split()) if got else None
        return self._contact[key]

    def invite(self, question: str, topic: str, lang: str) -> Answer:
        """A question announced, not asked ("Hallo, ich habe eine Frage zur Bibliothek": a browser probe got the
        library's WLAN entry): the bot asks for it. When the topic's words are a page's (the keyword search's best
        passage has them), that page's opening is shown, cited, to say which page it can answer from: an FAQ page's
        questions, else the first sentence of its summary or first paragraph; and questions near the topic are
        offered. Otherwise the starter questions."""
        text = messages.text("invite", lang)
        ix = self.index
        said = terms(topic, ix.query_lang(question)) if topic and ix.chunks else []
        # (a topic with a word no article has is not the page's that has its other words: "information about
        # interrupting home isolation … with COVID-19" is no VA page's)
        if said and all(ix.bm25.has(t) for t in said):
            hits = self.retriever.search(topic, PAGE_DEPTH)
            # the visitor's language's pages first (a probe: "I have another question about calls" in an English
            # chat was shown the French help page's questions)
            hits = sorted(hits, key=lambda h: (h.chunk.lang or lang) != lang) if len(ix.langs) > 1 else hits
            if hits and hits[0].bm25 > 0:
                page = hits[0].chunk.source
                near = [h.chunk for h in hits if h.chunk.source == page]
                asks = [c.question for c in near if c.question and offerable(c.question)]
                asks = asks or [
                    messages.text("about_section", c.lang or "en", section=c.section) for c in near if c.section
                ]
                asks = list(dict.fromkeys(asks))[:3]  # the page's, nearest first
                chunks = ix.chunks_of(page)
                asked_here = {c.question for c in chunks if c.question}
                listed = len(asked_here) >= 3  # an FAQ page: its questions
                # (a whole help centre on one page, 78 questions: those near the topic, not the page's first eight)
                mine = list({c.question: c for c in near if c.question}.values())[:8]  # nearest first, once each
                shown = mine if len(asked_here) > 8 and mine else chunks
                o = (
                    self.composer.questions_of(topic, shown, hits, in_order=shown is chunks)
                    if listed
                    else self.composer.overview(topic, hits)
                )
                if o is not None and o.grounded and o.citations:
                    if "\n- " not in o.text:  # a page's opening: its first sentence says which page it is,
                        # with what it announces when it ends in ":" ("…you might be eligible for:" was left
                        # hanging, a browser probe), up to INVITE_MOST sentences
                        first, items = o.citations[0], []
                        if first.quote.rstrip().endswith(":"):  # the list it announces: its short items
                            for c in o.citations[1:INVITE_MOST]:
                                if c.quote.rstrip().endswith((".", "!", "?")) or len(c.quote.split()) > 12:
                                    break
                                items.append(c)
                        o.citations = [first, *items]
                        o.text = f"{unmarked(first.quote)} [{first.n}]" + "".join(
                            f"\n- {unmarked(c.quote)} [{c.n}]" for c in items
                        )
                    o.text = f"{text}\n\n{o.text}"
                    o.question, o.suggestions = question, asks
                    return o
                return Answer(question, text, False, suggestions=asks, confidence=1.0)
        return Answer(question, text, False, suggestions=self.starter_questions(lang=lang), confidence=1.0)

    def conversation_page(self, history) -> str | None:
        """The page the conversation is on: the keyword search's best passage for the last exchange the bot answered
        (the user's message and the reply to it: a quoted answer holds the page's own words; answered_exchange).
        None at the start, and after a message that announces a new topic ("I have a question about deleting my
        account": the conversation has left the page it was on)."""
        last = last_user_turn(history)
        prev, reply = answered_exchange(history)
        if turns.announced(last) and prev != last:
            return None  # (when the invitation named the page the topic is on, the conversation is on that page)
        text = f"{prev} {MARKER.sub(' ', reply)}".strip()
        if not text:
            return None
        ix = self.index
        bm = ix.bm25.scores(terms(text, ix.query_lang(text)))
        if not len(bm) or float(bm.max()) <= 0:
            return None
        got = answered_exchanges(history, 2)
        if len(got) > 1 and got[0][0] == prev:
            # the exchange before it counts as much, among the passages the last one points to (at least ON_PAGE of
            # its best score): a short last exchange names little of the page ("do not" / "does not qualify as it
            # does not meet all the requirements" on doc2dial pointed at student aid's eligibility page, not the VA
            # health page the conversation was on); a last exchange on a new page keeps it
            u, b = got[1]
            t = f"{u} {MARKER.sub(' ', b)}"
            both = bm + ix.bm25.scores(terms(t, ix.query_lang(t)))
            bm = np.where(bm >= ON_PAGE * float(bm.max()), both, -1.0)
        return ix.chunks[int(bm.argmax())].source

    def quote_in_conversation(
        self, message: str, query: str, hits: list[Hit], qvec, history, kind: str
    ) -> tuple[Answer, list[Hit], str]:
        """The quoted answer, preferring the page the conversation is on when it answers. Returns the answer, its
        passages and the query it answers.

        - A follow-up or a reply is read on that page: first its own words ("And what are the fees?" in a
          passport conversation: the page's fees), kept when the answer is new and quotes the message's most
          specific word; else read with the previous question (query: "How much is it? (How do I renew my
          passport?)").
        - A question of its own is read on the page only when retrieval found the page among its passages.
        - An FAQ entry of another page that the matcher is sure of (entry_elsewhere) is answered instead.
        - A page that doesn't answer is never forced: the answer from retrieval's order is given then.
        - A follow-up that brings back only what the bot had just said ("And for adults?" after how the virus
          spreads; "Where does it come from?", read as "…the virus…") gets "the articles don't say".
        `kind`: the message's (bot/answers/turns.py)."""
        if kind == turns.FOLLOWUP and turns.next_asked(message) and hits:
            # "¿y el siguiente?" after a numbered list's step (the last answer "3. …"): the step after it, on the page
            # the question before found (a browser probe: declined, the fold asking for step 3 again)
            step = re.match(r"\s*(\d{1,3})\. ", answered_exchange(history)[1])
            a = self.composer.nth_step(query, hits, int(step.group(1)) + 1) if step else None
            if a is not None:
                return a, hits, query
        page = self.conversation_page(history) if history and hits else None
        if page and kind != turns.REPLY and self.entry_elsewhere(query, qvec, page, hits):
            page = None  # (a reply answers the bot: it stays on the page)
        prev = self.read_with(history, kind)
        folded = bool(prev) and query.endswith(f" ({prev})")
        if page and kind == turns.FOLLOWUP and (said := self.in_last_answer(message, query, qvec, history, page)):
            return said, said.retrieved or hits, query
        if kind == turns.QUESTION and history and hits and _kind_asked(message) is not None:
            # a kind of thing asked with at most one word of its own ("What's their phone number?" after the site's
            # contact sentence was quoted for "Can I talk to someone?"): the last answer's sentence that gives it
            if said := self.in_last_answer(message, query, qvec, history, page):
                return said, said.retrieved or hits, query
        if page and kind in (turns.FOLLOWUP, turns.REPLY):
            head = query[: -len(prev) - 3].strip() if folded else ""
            loose = GATE.set(FOLLOWUP_GATE)  # the conversation is evidence for its page (FOLLOWUP_GATE)
            try:
                deep = self.retriever.search(query, PAGE_DEPTH, qvec=qvec)
                if head:  # its own words first
                    v = self.retriever.query_vector(head)
                    a, found = self.on_page(head, page, self.retriever.search(head, PAGE_DEPTH, qvec=v), v, hits)
                    if a is not None and not repeats(a, history) and self.quotes_what_is_asked(a, head):
                        if len(a.citations) > 1 and cells_only(a):
                            # a table's column for every row: the question before may name the row ("how much is
                            # that per minute on an e-bike?" after the annual plan's price)
                            b, found_b = self.on_page(query, page, deep, qvec, hits)
                            if b is not None and narrows(b, a):
                                return b, found_b, query
                        return a, found, head
                a, found = self.on_page(query, page, deep, qvec, hits)
            finally:
                GATE.reset(loose)
        elif page:  # a question of its own: the page only when retrieval ranks it among the first PAGE_NEAR
            m = self.matcher.match(qvec, text=query)
            if m is not None and m.entry.source != page and m.p >= ENTRY_OWN:
                a = None  # another page's FAQ entry answers it as if it were asked first (ENTRY_OWN)
            elif self.new_to_page(message, page, hits[0].chunk.source):
                a = None  # a new subject, read as if asked first (new_to_page)
            elif self.unknown_words(message):
                # it names what no article has: a new subject, read as if asked first (doc2dial tune, 2026-12-07: a
                # COVID-19 turn after a conversation declined 7 -> 8 of 9, as when asked first; "we have pets… and
                # if it spreads through pets" had got the Camp Lejeune page's health-care sentences. No other row
                # moves; the quotes_what_is_asked check instead cost follow-ups' passage 0.552 -> 0.493)
                a = None
            else:
                near = self.retriever.search(query, PAGE_NEAR, qvec=qvec) if PAGE_NEAR > len(hits) else hits
                a, found = self.on_page(query, page, near, qvec, hits)
        else:
            a = None
        if a is None:
            a, found = self.quote_in_language(message, query, hits, qvec)
            # (another page's FAQ entry only when the matcher is sure of it: a browser probe got the German library's
            # WLAN entry for "Et sous Windows ?" after a Syncthing question; on doc2dial's tune dialogues one first
            # turn after another page's conversation, a wrong page's entry, is declined instead: 0.024 -> 0.048)
            sure = bool(a.entry) and a.confidence >= SURE
            if page and kind in (turns.FOLLOWUP, turns.REPLY) and a.grounded and not sure and not a.cells:
                # a follow-up the conversation's page doesn't answer is not answered by sentences of another page
                # (another agency's rules read as this one's: "Is it accurate?" about the SSA estimator got the
                # loan simulator's page); an FAQ entry the matcher chose, or a table's named cell, still is
                return self.composer.abstain(query, hits, a.confidence), hits, query
        if (folded or kind == turns.FOLLOWUP) and a.grounded and repeats(a, history):
            if a.cells and len(a.citations) < len(set(MARKER.findall(answered_exchange(history)[1]))):
                # the cell the message names of the row or column just given whole ("what about extra time?" after
                # the day pass's row): that cell is the answer, not "the articles don't say" (a browser probe)
                return a, found, query
            b = self.something_new(message, query, a, hits, qvec, history)
            if b is not None:
                return b, b.retrieved or hits, query
            if (d := self.detail_of(message, a)) is not None:
                return d, found, query
            return self.composer.abstain(query, hits), hits, query
        if kind == turns.QUESTION and history and a.grounded and len(a.citations) > 1 and repeats(a, history):
            # a question of its own that brings back the whole last answer ("Wie lang muss das neue sein?" after the
            # password entry, a probe): the sentence of it that it asks about, when one is
            if (d := self.detail_of(message, a)) is not None:
                return d, found, query
        return a, found, query

    def detail_of(self, message: str, a: Answer) -> Answer | None:
        """The one sentence of answer `a` (which only brings back the last answer) that a message asks about: the one
        that holds the message's most specific word of those `a` quotes (not in every sentence), or that gives the
        kind of thing asked (a length of time, a price, a phone number). "What happens when it's full?" after the
        mailbox entry: "When your mailbox is 95% full, …" (a probe got "I couldn't find that"). None when no one
        sentence does."""
        own, lang = self.asked_words(message)
        quoted = [(c, set(terms(c.quote, lang))) for c in a.citations]
        ix = self.index
        held = sorted(
            (t for t in own if 0 < sum(t in q for _, q in quoted) < len(quoted)),
            key=lambda t: (-ix.bm25.idf(t) if ix.bm25.has(t) else 0.0, t),
        )
        picked = [c for c, q in quoted if held[0] in q] if held else []
        fits = _kind_asked(message)
        if len(picked) != 1 and fits is not None:
            picked = [c for c, _ in quoted if fits(c.quote)]
        if len(picked) != 1:
            return None
        (c,) = picked
        one = dataclasses.replace(c, n=1)
        text = f"{unmarked(c.quote)} [1]"
        if c.cell and not c.quote.startswith(c.cell):
            text = f"{c.cell}: {unmarked(c.quote)} [1]"
        return Answer(message, text, True, [one], retrieved=a.retrieved, confidence=a.confidence)

    def in_last_answer(self, message: str, query: str, qvec, history, page: str | None) -> Answer | None:
        """A follow-up of one word of its own or none ("Und für Kinder?" after what a library card costs; "wie
        oft?" after "you can renew up to three times…") asks for a detail of what the bot just said: the sentence
        of the passages its last answer quoted that names that word ("Kinder bis 12 Jahre erhalten den Ausweis
        kostenlos."), or, with none, gives the kind of thing asked (a number for "how often"). None otherwise."""
        own, lang = self.asked_words(message)
        if turns.bare_measure(message):
            own = set()  # "wie oft?": "oft" is what is asked, a number, not a word to find
        fits = _kind_asked(message)
        if len(own) > 1:
            return None
        # the last answer from the articles (not an abstention after it: "und für Studenten?", declined, then "Und
        # für Kinder?" got another entry's sentence about children, a browser probe)
        got = answered_exchanges(history, 1, person=True)
        last = " ".join(MARKER.sub(" ", (got[0][1] if got else "").replace("\u2060", "")).split())
        if not last:
            return None
        deep = self.retriever.search(query, PAGE_DEPTH, qvec=qvec)
        said = [
            h
            for h in deep
            if page in (None, h.chunk.source) and any(len(x.text) >= 20 and x.text in last for x in h.chunk.sentences)
        ]
        if not said:
            return None
        if not own and fits is not None:
            # "how long does it take?": the one sentence of the last answer that gives a length of time ("…nach etwa
            # zwei Wochen per Post zugeschickt"), not another number of it (the fee); "was kostet das?": the one that
            # gives a price or says it is free ("Die Anmeldung ist gebührenfrei.": a probe got another entry's fee);
            # "what's their phone number?": the one with a phone number or an e-mail address
            timed = [
                (x, h.chunk)
                for h in said
                for x in h.chunk.sentences
                if len(x.text) >= 20 and x.text in last and fits(x.text)
            ]
            if len(timed) == 1:
                return self.composer._cited(query, timed, said, 0.5)
        if own:
            # the one sentence of the last answer that names the word ("¿y para el personal?" after the students'
            # mailbox entry: "El personal dispone de buzones de 100 GB."; a browser probe got the FAQ page's
            # introduction, which names "personal" too, read with the question before)
            named = [
                (x, h.chunk)
                for h in said
                for x in h.chunk.sentences
                if len(x.text) >= 20 and x.text in last and own & set(terms(x.text, lang))
            ]
            if len(named) == 1:
                return self.composer._cited(query, named, said, 0.5)
        a = extractive_answer(self.reader, query, said, lambda q, _: [], qvec)
        if not a.grounded or len(a.citations) > 2:
            return None
        if own:
            return a if quotes_any(a, own, lang) else None
        q = self.reader.question(query)
        # the kind asked is the message's own when it asks one ("Warum?" after opening hours asks a reason, not the
        # date the question it is read with asks: a browser probe got the hours again)
        own_kind = qtypes.question_type(message)
        kind = own_kind if own_kind != "other" else q.qtype
        return a if kind in ("num", "date") and self.composer.gives_what_was_asked(q, a, 1.0) else None

    def something_new(self, message: str, query: str, a: Answer, hits: list[Hit], qvec, history) -> Answer | None:
        """A follow-up whose answer only brought back the last one ("what about swimming pools?" after drinking
        water: the drinking-water entry again), read again without the passages and entries that answer quoted:
        the new answer when it quotes a word of the message's own ("There is no evidence that COVID-19 can be
        spread … through the use of pools and hot tubs."), else None ("And for adults?" after how the virus
        spreads: nothing new about adults)."""
        ix = self.index
        quoted = {(c.source, c.quote) for c in a.citations}
        rows = {h.row for h in a.retrieved or [] for s in h.chunk.sentences if (h.chunk.source, s.text) in quoted}
        entries = frozenset(ix.chunks[r].entry for r in rows if ix.chunks[r].entry is not None)
        deep = self.retriever.search(query, PAGE_DEPTH, qvec=qvec)
        rest = [h for h in deep if h.row not in rows and h.chunk.entry not in entries][: self.settings.top_k]
        if not rest:
            return None
        token = SKIP_ENTRIES.set(entries)
        try:
            b = self.quote(query, rest, qvec)
        finally:
            SKIP_ENTRIES.reset(token)
        own, lang = self.own_words(message)
        if not b.grounded or repeats(b, history) or not own:
            return None
        return b if quotes_any(b, own, lang) else None

    def new_to_page(self, message: str, page: str, top: str) -> bool:
        """A message names a new subject: its most specific word (the highest idf of the words the articles have) is
        not on the conversation's `page` but is on `top`, the page retrieval ranks first for it, and it does not
        open with "and…" (which goes on with the conversation: doc2dial's "and should I deliver the plates?" in a
        registration conversation). A browser probe: "do I have to pay for new license plates?" after the REAL ID's
        cost was read on the REAL ID page and got its Social Security card sentences; asked first, the plates page
        answers. On doc2dial's tune dialogues (2026-12-07) no row moves; the same check without the opener and
        top-page conditions cost follow-ups' passage 0.567 -> 0.522."""
        ix = self.index
        if turns.opens_with_and(message) or not top or top == page:
            return False
        own, _ = self.own_words(message)
        known = [t for t in own if ix.bm25.has(t)]
        if not known:
            return False
        key = max(known, key=lambda t: (ix.bm25.idf(t), t))
        on = {ix.chunks[int(r)].source for r in ix.bm25.rows(key)}  # the pages the keyword index has it on
        return page not in on and top in on

    def moves_on(self, message: str, history) -> bool:
        """A message read as a follow-up (it has a pronoun) that says enough of its own, at least MOVES_ON content
        words, about a new subject (new_to_page, with the keyword search's first page for it): a question of its
        own. A browser probe: "In the pupil premium rates, how much is it per pupil for service children?" after a
        funeral question was read as "…how much is the funeral per pupil…" and answered from the funeral page."""
        ix = self.index
        own, lang = self.own_words(message)
        if len(own) < MOVES_ON and (len(own) > 1 or turns.leans_back(message, short=False)):
            return False
        if len(own) == 1 and turns.correction(message) is None and self.unknown_words(message):
            # its one word is in no article ("When is the strike?" on a software help center): read alone (not a
            # correction, "no, I meant for a motorcycle", which is read with the question it corrects)
            return True
        # (a message of one word of its own that points at nothing, "When is the strike?" after a hospital's waiting
        # times, read as a follow-up for its shortness alone: a new subject when its word is; a newsroom probe got the
        # hospital's date. Two words or more, under MOVES_ON, still follow up: "The whole process must be done at
        # the office?" in a DMV conversation)
        page = self.conversation_page(history)
        bm = ix.bm25.scores(terms(asked(message), lang))
        if not page or not len(bm) or float(bm.max()) <= 0:
            return False
        return self.new_to_page(message, page, ix.chunks[int(bm.argmax())].source)

    def unknown_words(self, message: str) -> list[str]:
        """The message's words no article has (stems), less greetings and interjections ("hello", "ah")."""
        lang = self.index.query_lang(message)
        words = " ".join(w for w in re.findall(r"[\w'’-]+", turns.content(asked(message))) if not turns.chatter(w))
        return [t for t in terms(words, lang) if not self.index.bm25.has(t)]

    def own_words(self, message: str) -> tuple[set[str], str]:
        """The content words (stems) of what a message asks, less a reply's yes or no and a correction's "I meant"
        ("nein, ich meinte Zeitschriften": "Zeitschriften", a detail of the last answer); and its language."""
        lang = self.index.query_lang(message)
        said = turns.correction(message)
        return set(terms(said or turns.content(asked(message)), lang)), lang

    def asked_words(self, message: str) -> tuple[set[str], str]:
        """own_words less the words that say what kind of thing is asked, which are no detail to find ("Wie lang muss
        das neue sein?": "lang"; "What's their phone number?": "phone", "number")."""
        own, lang = self.own_words(message)
        return own - set(terms(" ".join(turns.measure_words(message)), lang)), lang

    def quotes_what_is_asked(self, a: Answer, message: str) -> bool:
        """The message's most specific word the articles have (highest idf) is in a sentence the answer quotes:
        "And what are the fees?" -> "The passport fee is…"; not "Und für Erwachsene?" -> the page's introduction.
        (Any of its two most specific words, on doc2dial's tune dialogues: follow-ups' agent passage cited
        0.448 -> 0.478, replies' 0.385 -> 0.462, but a COVID-19 turn after a conversation declined 7 -> 6 of 9,
        against 7 of 9 when asked first: "we have pets so I just wanted to know more about coronavirus and if it
        spreads…" got a VA sentence. Not kept.)"""
        ix = self.index
        lang = ix.query_lang(message)
        known = [t for t in terms(message, lang) if ix.bm25.has(t)]
        # (not a word the conversation already gave, nor one that names no subject: "How much will I pay for these
        # benefits?" asks an amount to pay, and "benefits" are those just talked of)
        given = set(terms(" ".join(turns.given_words(message)), lang)) | turns.LIGHT
        known = [t for t in known if t not in given] or known
        if not known:
            return False
        key = max(known, key=lambda t: (ix.bm25.idf(t), t))
        return any(key in terms(c.quote, lang) for c in a.citations)

    def on_page(self, query: str, page: str, ranked: list[Hit], qvec, hits: list[Hit]):
        """The answer read on `page` (its passages among `ranked` first, then the other pages' of `hits`), or
        (None, hits) when the page doesn't answer."""
        pref = [h for h in ranked if h.chunk.source == page][: self.settings.top_k]
        if not pref:
            return None, hits
        pref += [h for h in hits if h.chunk.source != page]
        a = self.quote(query, pref, qvec, page)
        if a.grounded and any(c.source == page for c in a.citations):
            return a, pref
        return None, hits

    def entry_elsewhere(self, query: str, qvec, page: str, hits: list[Hit]) -> bool:
        """An FAQ entry of another page means the message more than anything on the conversation's page: the
        matcher is sure of it (probability SURE), it scores above the page's best entry, and retrieval's best
        passage is that entry. (A reply to the bot stays on the page: see quote_in_conversation.)
        "And is it found in feces?" after "How does the virus spread?" is asked of the water page's "Is the
        COVID-19 virus found in feces?", not read on the page the conversation was on."""
        m = self.matcher.match(qvec, text=query)
        if m is None or m.entry.source == page or m.p < SURE:
            return False
        if not hits or hits[0].row not in m.entry.rows:
            return False
        here = self.matcher.match(qvec, page, text=query)
        return here is None or m.score > here.score

    def quote_in_language(self, message: str, query: str, hits: list[Hit], qvec) -> tuple[Answer, list[Hit]]:
        """The quoted answer; in an index of several languages, an answer from pages in another language than the
        message's says so (a note: "The answer is from a page in English"). A message too short to tell its
        language is not marked. (Reading the message's own language first was tried and not kept: on a German
        library page beside English CDC pages, "Darf ich meinen Hund mitbringen?" then got the German page's
        introduction instead of the CDC's dog-import rules: both wrong, and the gate let either through.)"""
        ix = self.index
        a = self.quote(query, hits, qvec)
        ql = turns.confident_language(message, ix.langs) if len(ix.langs) > 1 and a.grounded else None
        if ql and a.citations:
            cited = {c.source for c in a.citations}
            other = {h.chunk.lang for h in a.retrieved if h.chunk.source in cited}
            if other and ql not in other:
                a.note = messages.text("other_language", ql, language=messages.language_name(sorted(other)[0], ql))
        return a, hits

    def quote_parts(self, query: str, pieces: list[str]) -> tuple[Answer, list[Hit]]:
        """A message that asks several things ("What guarantees are considered, and who is wary of sending
        troops?"): each part searched and quoted on its own, the answers given in turn, a part the articles don't
        answer named as such. Returns the answer and the passages of all parts (a language model reads those)."""
        answers, found = [], []
        for p in pieces:
            v = self.retriever.query_vector(p)
            h = self.retriever.search(p, self.settings.top_k, qvec=v)
            answers.append(self.quote(p, h, v))
            found.append(h)
        hits, seen = [], set()
        for rank in range(max(len(h) for h in found)):  # taken in turn, so a model's passages cover every part
            for h in found:
                if rank < len(h) and h[rank].row not in seen:
                    seen.add(h[rank].row)
                    hits.append(h[rank])
        if not any(a.grounded for a in answers):
            return Answer(query, ABSTAIN_TEXT, False, suggestions=self.suggestions(query, hits), retrieved=hits), hits
        texts, cites = [], []
        lang = turns.language(query)  # (a browser probe: a German message's part got the English "I couldn't find…")
        for p, a in zip(pieces, answers):
            if not a.grounded:
                texts.append(f"{messages.text('ui_quoted', lang, text=p)}: {messages.text('abstain', lang)}")
                continue
            shift = len(cites)
            texts.append(MARKER.sub(lambda m, s=shift: f"[{int(m.group(1)) + s}]", a.text))
            cites.extend(dataclasses.replace(c, n=c.n + shift) for c in a.citations)
        conf = min(a.confidence for a in answers if a.grounded)
        return Answer(query, "\n\n".join(texts), True, cites, retrieved=hits, confidence=conf), hits

    def suggestions(self, question: str, hits: list[Hit], n: int = 3) -> list[str]:
        """Questions the articles can answer, nearest first: FAQ questions, else section topics. In an index of
        several languages, those in the question's language come first (an English question is not offered the
        German page's questions while English ones are near)."""
        ix = self.index
        out: list[str] = []
        if len(ix.faq_vectors):
            ql = None
            if len(ix.langs) > 1:
                # the question's language, or its likely one when it is too short to be sure ("how much would I
                # get?"), or the site's main language when no page is in the visitor's (a browser probe offered an
                # English and a French visitor the German library's questions)
                ql = turns.confident_language(question, ix.langs) or turns.language(question, ix.langs[0])
                ql = ql if ql in ix.langs else ix.langs[0]
            # a page may ask one question twice (the CDC water page does): each offered once; a heading of several
            # sentences or many words is no question to offer ("Did you chown root /Applications/TextMate.app?
            # Probably not. So is it…")
            near = list(dict.fromkeys(ix.nearest_questions(self.embedder.embed_query_np(question), 3 * n)))
            near = [x for x in near if offerable(x)] or near
            if ql:
                # only questions in the visitor's language (or too short to tell), else the topics of the pages in
                # it below: a browser probe offered a Spanish visitor the French FAQ's questions, the Spanish pages
                # having no FAQ entries
                near = [x for x in near if turns.confident_language(x, ix.langs) in (ql, None)]
                hits = sorted(hits, key=lambda h: (h.chunk.lang or ql) != ql)
            # the section retrieval ranks first, when it is no FAQ entry, keeps a place: a question near a prose page
            # ("Can I pay with PayPal?" beside the Billing section) was offered only FAQ questions far from it (a
            # browser probe)
            top = hits[0].chunk if hits else None
            keep = 1 if top is not None and top.kind != "faq" and top.section and len(near) >= n else 0
            out.extend(near[: n - keep])
        seen = set(out)
        for h in hits:
            if len(out) >= n:
                break
            sec = h.chunk.section
            # in the page's language (a German page's section was offered in English)
            s = messages.text("about_section", h.chunk.lang or "en", section=sec) if sec else None
            if s and s not in seen and h.chunk.kind != "faq":
                out.append(s)
                seen.add(s)
        return out[:n]

    def starter_questions(self, n: int = 4, lang: str | None = None) -> list[str]:
        """Questions to try: FAQ questions of the index, in `lang` when it has some (a German visitor is not
        offered English ones), from as many pages as there are (the first of each page in corpus order, then the
        second…), so that they show what the site covers rather than one page."""
        pool = list(dict.fromkeys(self.index.question_pool(STARTER_POOL)))
        # (no page in the visitor's language: the site's main language's, not a mix: a browser probe offered a
        # French visitor English and German questions side by side)
        if lang and not any(x[2] == lang for x in pool):
            lang = self.index.langs[0]
        if lang and any(x[2] == lang for x in pool):
            pool = [x for x in pool if x[2] == lang]
        # whole questions, short and plain, when the pages have enough: a heading read as an entry ("What is
        # checked") means nothing out of its page (a browser probe), nor does one of three sentences
        whole = [x for x in pool if x[0].rstrip().endswith(("?", "？")) and offerable(x[0])]
        if len(whole) >= n:
            pool = whole
        by_page: dict[str, list[str]] = {}
        for q, src, _ in pool:
            if q not in by_page.setdefault(src, []):
                by_page[src].append(q)
        out: list[str] = []
        for k in range(max((len(v) for v in by_page.values()), default=0)):
            for v in by_page.values():
                if k < len(v) and v[k] not in out:
                    out.append(v[k])
        return out[:n]


__all__ = ["ABSTAIN_TEXT", "Bot", "ingest", "validate_question"]
