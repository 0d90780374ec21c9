"""A question about something else than the site is declined by the site's own bar (bot/answers/offtopic.py): it
names what no page mentions and comes no nearer to the pages than generic questions about everyday things do."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.answers import offtopic
from bot.answers.offtopic import SiteBar

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("find-an-immigration-adviser.md", "private-renting.md")  # gov.uk pages of eval/conditionalqa


@pytest.fixture(scope="module")
def gov_uk(tmp_path_factory):
    from _support import small_index

    from bot.engine import Bot

    files = {n: (ROOT / "eval" / "conditionalqa" / "corpus" / n).read_text(encoding="utf-8") for n in PAGES}
    return Bot.from_settings(small_index(tmp_path_factory.mktemp("gov_uk"), files), build=False)


def test_another_subject_is_declined_by_the_sites_bar(gov_uk):
    """ "turn off automatic cleanup in homebrew" had got the renting page's "You must also: … turn off the water at
    the mains": the reader's gate passed it (a word in common). Without the site's bar it is answered still; with
    it, declined, and not passed to a model (confidence 0). The pages' own questions are answered as before."""
    q = "turn off automatic cleanup in homebrew"
    site = gov_uk.composer.site
    try:
        gov_uk.composer.site = None
        assert gov_uk.answer(q).grounded  # what the rule is for: the gate alone answers it
    finally:
        gov_uk.composer.site = site
    a = gov_uk.answer(q)
    assert not a.grounded and a.confidence == 0.0
    assert a.suggestions  # related questions offered, as for any decline
    for asked, words in (
        ("How do I complain about an immigration adviser?", "complain"),
        ("How much notice must I give?", "notice"),
    ):
        got = gov_uk.answer(asked)
        assert got.grounded and words in got.text.lower(), (asked, got.text)


def test_both_signals_are_needed(gov_uk):
    """A word no page has, alone, is a user's own word; far from every passage, alone, a terse question: neither
    declines. The bar is the site's: the QUANTILE of how near its pages come to the generic questions."""
    comp = gov_uk.composer
    r = gov_uk.reader
    far_everything = SiteBar(lambda v: 0.0, gov_uk.embedder)
    far_everything._bar = 1.0
    near_everything = SiteBar(lambda v: 1.0, gov_uk.embedder)
    near_everything._bar = 0.5
    known = r.question("How much notice must my landlord give?")
    unknown = r.question("How much notice must my zorblaxian landlord give?")
    v = gov_uk.retriever.query_vector(known.text)
    site = comp.site
    try:
        comp.site = far_everything
        assert not comp.off_site(known, v)  # every word is the site's
        assert comp.off_site(unknown, v)
        comp.site = near_everything
        assert not comp.off_site(unknown, v)  # near the pages
    finally:
        comp.site = site
    near = [gov_uk.retriever.nearness(x) for x in offtopic.vectors(gov_uk.embedder)]
    assert site.bar() == pytest.approx(float(np.quantile(near, offtopic.QUANTILE)))


def test_shipped_vectors_are_the_questions(gov_uk):
    """offtopic.npy holds the vectors of offtopic.json's questions by the default embedder (an edit to the list
    without scripts/offtopic_vectors.py fails here); another embedder gets its own, computed once."""
    qs = offtopic.questions()
    v = offtopic.vectors(gov_uk.embedder)
    assert v.shape[0] == len(qs) == len(set(qs))
    for i in (0, len(qs) // 2, len(qs) - 1):
        assert float(v[i] @ gov_uk.embedder.embed_query_np(qs[i])) == pytest.approx(1.0, abs=1e-4)

    class Other:
        name = "another-embedder"
        calls = 0

        def embed_query_np(self, text):
            Other.calls += 1
            x = np.zeros(4, dtype=np.float32)
            x[len(text) % 4] = 1.0
            return x

    got = offtopic.vectors(Other())
    assert got.shape == (len(qs), 4) and Other.calls == len(qs)
    offtopic.vectors(Other())
    assert Other.calls == len(qs)  # not again
