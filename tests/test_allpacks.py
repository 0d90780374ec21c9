"""The multi-pack evaluation (bot/evals/allpacks.py, `python -m bot eval --all`): entries removed from pages for
the missing-entry rows, every row beside its baselines from the same index, and leave-one-pack-out fitting that
never sees the pack it scores."""

from __future__ import annotations

import json

import numpy as np

from bot.evals import allpacks

PAGE = """# Library FAQ

## How do I get a library card?

Bring an ID to the front desk and the card is made while you wait.

## When is the library open?

The library is open from 9 am to 8 pm on weekdays and from 10 am to 4 pm on Saturdays.

## Can I renew a book online?

Yes, books can be renewed online twice, unless someone else has reserved them.
"""
HTML = (
    "<html lang='en'><body><main><h1>Pool FAQ</h1><h2>Is there a lifeguard?</h2><p>A lifeguard is on duty at all"
    " times.</p><h2>Do I need a swim cap?</h2><ul><li>Swim caps are required for long hair.</li></ul></main></body>"
    "</html>"
)


def test_removed_entries_are_gone_and_the_rest_kept_verbatim(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "library.md").write_text(PAGE)
    (corpus / "pool.html").write_text(HTML)
    gone = {"when is the library open", "do i need a swim cap"}
    out = allpacks._without(corpus, ["library.md", "pool.html"], gone, tmp_path / "cache", "t")
    lib, pool = (out / "library.md").read_text(), (out / "pool.md").read_text()
    assert "## When is the library open?" not in lib and "9 am to 8 pm" not in lib
    assert "## Can I renew a book online?" in lib and "renewed online twice, unless" in lib
    assert "## Is there a lifeguard?" in pool and "on duty at all times" in pool
    assert "swim cap" not in pool.lower()
    qs = [{"faq_question": q} for q in ("How do I get a library card?", "When is the library open?", "Is there a lifeguard?", "Do I need a swim cap?")] * 2  # fmt: skip
    picked = allpacks._removed(qs, every=2)
    assert len(picked) == 2 and picked == allpacks._removed(list(reversed(qs)), every=2)  # stable, order-free


def test_a_pack_is_scored_beside_its_baselines_on_the_same_index(tmp_path, cache_dir):
    from bot.engine import Bot, ingest
    from bot.settings import load_settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "library.md").write_text(PAGE)
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)
    ingest(s)
    bot = Bot.from_settings(s, build=False)
    ans = "The library is open from 9 am to 8 pm on weekdays and from 10 am to 4 pm on Saturdays."
    pack = allpacks.Pack(
        "tiny",
        "faq",
        corpus,
        [
            {
                "question": "What are the library's opening hours?",
                "history": None,
                "gold": "When is the library open?",
                "answer": ans,
            }
        ],  # fmt: skip
        [{"question": "Who won the 1998 football world cup?", "history": None, "kind": "out_of_scope"}],
    )
    r = allpacks.score_pack(pack, bot)
    assert r["answerable"] == 1 and r["unanswerable"] == 1
    assert r["bot"] == 1.0 and r["nearest"] == 1.0  # the meant entry, by the bot and by the nearest question
    assert r["unanswerable_declined"] == 1.0 and r["declined_by_kind"] == {"out_of_scope": "1 of 1"}
    wrong = allpacks.Pack("tiny", "faq", corpus, [{**pack.answerable[0], "gold": "Can I renew a book online?",
                          "answer": "Yes, books can be renewed online twice."}])  # fmt: skip
    r = allpacks.score_pack(wrong, bot)
    assert r["bot"] == 0.0 and r["nearest"] == 0.0  # a wrong gold is scored wrong by both: nothing is hard-coded
    passage = allpacks.Pack("p", "passage", corpus, [{"question": "When is the library open?", "history": None, "gold": "library.md"}])  # fmt: skip
    r = allpacks.score_pack(passage, bot)
    assert r["bot"] == 1.0 and r["top3"] == 1.0 and r["bm25"] == 1.0


def _feats(rng, n: int, better: str) -> dict:
    """n questions over 5 entries: the meant entry is 0; `better` says which cosine ranks it first."""
    ans = []
    for _ in range(n):
        qq, ll = rng.uniform(0.7, 0.8, 5), rng.uniform(0.7, 0.8, 5)
        if better == "question":
            qq[0], ll[0] = 0.95, 0.6
        else:
            qq[0], ll[0] = 0.6, 0.95
        ans.append((qq, ll, np.array([True, False, False, False, False])))
    un = [(rng.uniform(0.6, 0.7, 5), rng.uniform(0.6, 0.7, 5), None) for _ in range(n)]
    return {"ans": ans, "un": un}


def test_leave_one_pack_out_fits_on_the_others_only():
    rng = np.random.default_rng(0)
    full = {"a": _feats(rng, 20, "question"), "b": _feats(rng, 20, "question"), "c": _feats(rng, 20, "lead")}
    rows = {r["left out"]: r for r in allpacks.lopo(full, full, shipped_w=0.5)}
    # c alone wants the lead cosine: fitted on a and b, w leans to the question cosine, and c scores low
    assert rows["c"]["w fitted on the others"] > 0.5 and rows["c"]["top-1, held out"] < 0.5
    assert rows["c"]["top-1, nearest question"] < 0.5
    assert rows["a"]["top-1, nearest question"] == 1.0 and rows["a"]["top-1, held out"] < 1.0  # c pulled w down
    wd, t = (float(x) for x in rows["a"]["decision wd, threshold (fitted on the others)"].split(", "))
    assert rows["a"]["unanswerable declined, held out"] == 1.0 and rows["a"]["answerable declined, held out"] <= 0.05
    assert "(none: fitted on all)" in rows
    json.dumps(rows, default=float)


def test_every_pack_gets_other_data_sets_questions_to_decline():
    P = allpacks.Pack
    packs = [
        P("clinc-faq", "faq", None, [{"question": f"clinc-faq {i}?", "history": None} for i in range(30)]),
        P(
            "clinc-faq, 1 in 4 entries removed",
            "faq",
            None,
            [{"question": f"clinc-faq {i}?", "history": None} for i in range(20)],
        ),  # fmt: skip
        P(
            "doc2dial tune (first turns)",
            "passage",
            None,
            [{"question": f"doc2dial {i}?", "history": None} for i in range(30)],
        ),  # fmt: skip
        P(
            "squad2-dev tune (6 articles)",
            "passage",
            None,
            [{"question": f"squad2-dev {i}?", "history": None} for i in range(30)],
        ),  # fmt: skip
    ]
    packs[2].unanswerable = [{"question": "covid?", "history": None, "kind": "out_of_corpus"}]
    allpacks.add_other_subjects(packs, n=10)
    for p in packs:
        other = [u["question"] for u in p.unanswerable if u["kind"] == "other_subject"]
        assert len(other) == len(set(other)) == 10
        own = allpacks.family(p.name)
        assert not any(q.split()[0] == own for q in other), (p.name, other)  # never its own data set's
        assert len({q.split()[0] for q in other}) == 2, other  # from both other data sets
    assert packs[2].unanswerable[0]["kind"] == "out_of_corpus"  # the pack's own kept
    first = [u["question"] for u in packs[0].unanswerable]
    allpacks.add_other_subjects(packs, n=10)  # the same choice every run, and not added twice
    assert [u["question"] for u in packs[0].unanswerable] == first


def test_the_table_pack_scores_the_cell_named_by_its_row_and_column():
    """A table question is right when each asked cell is quoted from its file on a line that names its row (its
    column, for a column question); the pack's corpus is the one eval/tables/build.py writes, in four formats."""
    from bot.answers.answering import Answer, Citation

    pack = allpacks.table_pack()
    assert pack is not None and pack.style == "table"
    assert {p.suffix for p in pack.corpus.iterdir()} == {".md", ".html", ".docx", ".pdf"}
    assert len(pack.answerable) + len(pack.unanswerable) >= 60
    assert len({q["file"] for q in pack.answerable}) >= 15
    q = {"file": "fees.html", "kind": "cell", "row": "Child passport", "column": "Fee By post", "cells": ["£69"]}

    def answer(text, quote="£69", source="fees.html"):
        return Answer("q", text, True, [Citation(n=1, source=source, section="", quote=quote, score=1.0)])

    assert allpacks.table_hit(answer("Child passport — Fee By post: £69 [1]"), q)
    assert not allpacks.table_hit(answer("£69 [1]"), q)  # the cell without its row
    assert not allpacks.table_hit(answer("Adult passport — Fee By post: £69 [1]"), q)  # another row's words
    assert not allpacks.table_hit(answer("Child passport — Fee By post: £69 [1]", source="other.html"), q)
    assert not allpacks.table_hit(answer("Child passport — Fee Online: £57.50 [1]", quote="£57.50"), q)


def test_the_held_out_table_questions_check_out_and_are_scored_apart():
    """eval/tables-heldout (written blind): every asked cell is verbatim in its rendered file and names a real row
    and column (its check.py), and `eval --all` scores its two parts as rows of their own, on their corpora."""
    import subprocess
    import sys

    root = allpacks.ROOT / "eval" / "tables-heldout"
    for folder in (
        "tables-heldout",
        "tables-blind2",
        "tables-blind3",
        "tables-blind4",
        "tables-blind5",
        "tables-blind6",
    ):
        check = allpacks.ROOT / "eval" / folder / "check.py"
        done = subprocess.run([sys.executable, str(check)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, folder + ": " + done.stdout + done.stderr
    packs = allpacks.table_packs()
    assert [p.name.split(":")[0] for p in packs] == [
        "tables (gov.uk; Markdown, HTML, Word, PDF)",
        "tables, held out",
        "tables, held out",
        "tables, blind 2",
        "tables, blind 3",
        "tables, blind 4",
        "tables, blind 5",
        "tables, blind 6",
        "tables, blind 7",
    ]
    own, blind_new, blind_old, _, third, fourth, fifth, sixth, seventh = packs
    assert seventh.corpus == allpacks.ROOT / "eval" / "tables-blind7" / "corpus" and len(seventh.answerable) >= 30
    assert sixth.corpus == allpacks.ROOT / "eval" / "tables-blind6" / "corpus" and len(sixth.answerable) >= 30
    assert fifth.corpus == allpacks.ROOT / "eval" / "tables-blind5" / "corpus" and len(fifth.answerable) >= 30
    assert fourth.corpus == allpacks.ROOT / "eval" / "tables-blind4" / "corpus" and len(fourth.answerable) >= 30
    assert third.corpus == allpacks.ROOT / "eval" / "tables-blind3" / "corpus" and len(third.answerable) >= 30
    assert blind_new.corpus == root / "corpus" and blind_old.corpus == own.corpus
    assert len(blind_new.answerable) + len(blind_new.unanswerable) >= 40
    assert {q["file"] for q in blind_old.answerable} <= {p.name for p in own.corpus.iterdir()}


def test_the_software_faq_pack_checks_out_and_is_scored_with_the_faq_packs(tmp_path):
    """eval/oss-faq (six open-source projects' FAQ pages, users' wordings, written blind): its check.py holds (every
    meant entry is a heading of its page, its answer the text under it, the splits by entry), and `eval --all` scores
    its tune half whole and with 1 in 4 entries removed."""
    import subprocess
    import sys

    check = allpacks.ROOT / "eval" / "oss-faq" / "check.py"
    done = subprocess.run([sys.executable, str(check)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    pairs = allpacks.faq_packs(tmp_path / "no-bench", tmp_path / "cache")
    full, missing = next(pair for pair in pairs if pair[0].name == "oss-faq")
    assert len(full.answerable) >= 70 and {u["kind"] for u in full.unanswerable} == {"missing_entry", "out_of_scope"}
    assert missing.name == "oss-faq, 1 in 4 entries removed" and len(missing.answerable) < len(full.answerable)
    gone = {q["question"] for q in full.answerable} - {q["question"] for q in missing.answerable}
    assert gone and gone <= {u["question"] for u in missing.unanswerable}


def _kw_feats(rng, n: int, keyword_knows: bool) -> dict:
    """n questions over 5 entries, the meant entry 0 a little behind on the cosines; the keyword evidence points
    at it (keyword_knows) or is noise."""
    f = {"ans": [], "un": [], "kw_ans": []}
    for _ in range(n):
        qq, ll = rng.uniform(0.80, 0.84, 5), rng.uniform(0.80, 0.84, 5)
        qq[0], ll[0] = qq.max() - 0.002, ll.max() - 0.002
        kw = rng.uniform(0.0, 0.5, 5)
        if keyword_knows:
            kw[0] = 1.0
        f["ans"].append((qq, ll, np.array([True, False, False, False, False])))
        f["kw_ans"].append(kw)
    return f


def test_the_keyword_weight_is_fitted_on_the_other_packs_and_scored_on_the_one_left_out():
    rng = np.random.default_rng(1)
    full = {"a": _kw_feats(rng, 30, True), "b": _kw_feats(rng, 30, True), "c": _kw_feats(rng, 30, True)}
    rows = {r["left out"]: r for r in allpacks.lopo(full, {}, shipped_w=0.5, shipped_b=0.0)}
    assert rows["a"]["keyword b fitted on the others"] > 0
    assert rows["a"]["top-1 with b, held out"] > rows["a"]["top-1, shipped w and b"]  # shipped b = 0 here
    noise = {"a": _kw_feats(rng, 30, False), "b": _kw_feats(rng, 30, False), "c": _kw_feats(rng, 30, False)}
    assert allpacks.fit_keyword(list(noise.values()), 0.5) == 0.0  # words that point nowhere earn no weight


def test_the_cross_language_pack_points_at_real_entries(tmp_path):
    """eval/crosslang: every translated wording names a question of its site's pack (so it keeps that entry and its
    answer), is in another language than the site's, and `eval --all` scores each site's part as a FAQ row; the
    questions the pages don't answer are its unanswerable ones. Its help-de part needs no shared bench."""
    import json

    from bot.ingest.lang import detect

    rows = [json.loads(x) for x in (allpacks.ROOT / "eval" / "crosslang" / "questions.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 60 and len({r["question"] for r in rows}) == len(rows)
    for r in rows:
        site = "de" if r["pack"] == "help-de" else "en"
        assert r["lang"] != site and detect(r["question"]) == r["lang"], r
    pairs = allpacks.faq_packs(tmp_path / "no-bench", tmp_path / "cache")
    (pack,) = allpacks.crosslang_packs(tmp_path / "no-bench", pairs)
    assert pack.name == "help-de, asked in en" and pack.corpus == allpacks.ROOT / "eval" / "help-de" / "corpus"
    mine = [r for r in rows if r["pack"] == "help-de"]
    assert len(pack.answerable) == sum("source_id" in r for r in mine) == 24
    assert len(pack.unanswerable) == sum(r.get("kind") == "not_answered" for r in mine) == 8
    entries = {a["gold"] for a in pack.answerable}
    page = (allpacks.ROOT / "eval" / "help-de" / "corpus" / "stadtbibliothek-faq.html").read_text(encoding="utf-8")
    assert entries and all(e in page for e in entries)


def test_the_docs_pack_names_real_sections_and_scores_the_section_cited():
    """eval/jellyfin: every expected section is a heading of its page (or a part of one), and an answer is right
    only when a citation is of that page under that heading (its section or FAQ question), not elsewhere on it."""
    import json
    from types import SimpleNamespace as NS

    pack = allpacks.docs_pack()
    assert pack is not None and pack.style == "section"
    assert len(pack.answerable) == 36 and {u["kind"] for u in pack.unanswerable} == {"not_answered", "off_topic"}
    for q in pack.answerable:
        for want in q["sections"]:
            f, h = want.split("#", 1)
            page = (pack.corpus / f).read_text(encoding="utf-8")
            assert any(ln.lstrip("#").strip().startswith(h) for ln in page.splitlines() if ln.startswith("#")), want
    rows = [json.loads(x) for x in (pack.corpus.parent / "questions.jsonl").open(encoding="utf-8")]
    assert len(rows) == 46
    q = {"sections": ["troubleshooting.md#Debug Logging"]}
    cite = lambda src, sec, question=None: NS(source=src, section=sec, question=question)  # noqa: E731
    assert allpacks.section_hit(NS(grounded=True, citations=[cite("troubleshooting.md", "Debug Logging")]), q)
    assert not allpacks.section_hit(NS(grounded=True, citations=[cite("troubleshooting.md", "Playback Issues")]), q)
    assert not allpacks.section_hit(NS(grounded=True, citations=[cite("faq.md", "Debug Logging")]), q)
    assert not allpacks.section_hit(NS(grounded=False, citations=[cite("troubleshooting.md", "Debug Logging")]), q)
    q = {"sections": ["faq.md#When will release"]}
    assert allpacks.section_hit(NS(grounded=True, citations=[cite("faq.md", "FAQ", "When will release X be out?")]), q)
