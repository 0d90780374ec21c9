"""The FAQ matcher's keyword evidence (bot/answers/faq.py EntryMatcher.keyword), on a real index."""

from __future__ import annotations

import numpy as np
from _support import small_index

from bot.engine import Bot

PAGE = """# Account help

## How do I reset my password?

Open the sign-in page, choose "Forgot password" and follow the link we email you.

## How do I set up a passkey?

Go to Settings > Security and choose "Add a passkey". Your phone or laptop stores it.

## How do I change my email address?

Go to Settings > Profile, type the new address and confirm it from the message we send there.
"""


def test_keyword_evidence_ranks_entries_by_their_words_and_leaves_the_embeddings_first_entry_known(tmp_path):
    bot = Bot.from_settings(small_index(tmp_path, {"account.md": PAGE}), build=False)
    m = bot.matcher
    by_q = {e.question: i for i, e in enumerate(m.entries)}
    kw = m.keyword("passkey", m.entries)
    assert kw[by_q["How do I set up a passkey?"]] == 1.0 and kw.sum() == 1.0  # only that entry has the word
    assert not m.keyword("zebra crossings", m.entries).any()  # no word indexed: no evidence
    q = "my passkey on the phone"
    v = bot.retriever.query_vector(q)
    plain, with_text = m.match(v), m.match(v, text=q)
    assert with_text.dense_entry is plain.entry  # the embeddings' first entry is kept beside the ranking
    m.w_keyword = 0.0
    assert m.match(v, text=q).entry is plain.entry  # no weight: the embeddings alone
    m.w_keyword = 10.0
    strong = m.match(v, text="reset password")
    assert strong.entry.question == "How do I reset my password?"
    assert np.isclose(
        strong.p,
        m._p({"score": strong.score, "margin": 0.0, "question": float(m.qv[by_q[strong.entry.question]] @ v)}),
        atol=1e-5,
    )
    assert np.isclose(strong.score, m.scores(v)[0][by_q[strong.entry.question]])  # the decision sees cosines only
