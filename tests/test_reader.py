"""The reader's fitted models are applied by feature name, and its settings have one source."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from bot.answers.answering import Reader, load_weights
from bot.engine import Bot


def _permuted(weights: dict, model: str, order: list[int]) -> dict:
    """The same fitted model with its features stored in another order (names, weights and scaling alike)."""
    w = copy.deepcopy(weights)
    w["features"][model] = [w["features"][model][i] for i in order]
    for key in ("coef", "mean", "std"):
        w[model][key] = [w[model][key][i] for i in order]
    return w


def test_a_reordered_reader_json_scores_exactly_the_same(shipped_bot):
    q = "Which leaders will Zelensky meet in London?"
    qvec = shipped_bot.retriever.query_vector(q)
    hits = shipped_bot.retriever.search(q, 5, qvec=qvec)
    base = load_weights()
    rng = np.random.default_rng(7)
    order_s = list(rng.permutation(len(base["features"]["sentence"])))
    order_a = list(rng.permutation(len(base["features"]["abstain"])))
    moved = _permuted(_permuted(base, "sentence", order_s), "abstain", order_a)
    assert moved["features"]["sentence"] != base["features"]["sentence"]
    r0, r1 = Reader(shipped_bot.index, base), Reader(shipped_bot.index, moved)
    c0 = r0.candidates(r0.question(q), hits, qvec)
    c1 = r1.candidates(r1.question(q), hits, qvec)
    assert [c.score for c in c0] == pytest.approx([c.score for c in c1])
    f0 = r0.abstain_features(r0.question(q), hits, c0)
    assert r0.p_unanswerable(f0) == pytest.approx(r1.p_unanswerable(r1.abstain_features(r1.question(q), hits, c1)))
    # and the scores differ when the weights are shuffled without their names: the order matters
    wrong = copy.deepcopy(base)
    wrong["sentence"]["coef"] = [base["sentence"]["coef"][i] for i in order_s]
    c2 = Reader(shipped_bot.index, wrong).candidates(r0.question(q), hits, qvec)
    assert [c.score for c in c2] != pytest.approx([c.score for c in c0])


def test_a_feature_name_the_code_does_not_compute_is_refused_at_load(shipped_bot):
    w = copy.deepcopy(load_weights())
    w["features"]["abstain"][3] = "renamed_feature"
    with pytest.raises(ValueError, match="renamed_feature.*train_reader"):
        Reader(shipped_bot.index, w)


def test_the_faq_decision_has_one_source(shipped_bot):
    """bot/answers/faq.json decides when a question means an FAQ entry; the reader has no FAQ threshold of its own."""
    from bot.answers.faq import load_params

    assert "faq_threshold" not in load_weights()
    assert not hasattr(shipped_bot.reader, "faq_threshold")
    assert shipped_bot.matcher.threshold == load_params()["decision"]["threshold"]


@pytest.mark.parametrize("top_k", [2, 3, 8])
def test_bot_top_k_is_the_number_of_passages_retrieved(shipped_bot, top_k):
    s = shipped_bot.settings.model_copy(update={"top_k": top_k})
    b = Bot(s, shipped_bot.index, shipped_bot.embedder, shipped_bot.reader)
    a = b.answer("What is NATO's role in supporting Ukraine?")
    assert len(a.retrieved) == min(top_k, len(shipped_bot.index.chunks))


def test_names_are_known_with_or_without_accents_possessives_and_small_typos(shipped_bot):
    r = shipped_bot.reader
    assert r.unknown_names("What did Zelensky's team propose?", "en") == []  # a possessive
    assert r.unknown_names("What did Zelenskyy say?", "en") == []  # a spelling a little different
    assert r.unknown_names("What did Zélensky say?", "en") == []  # an accent the article does not write
    assert r.unknown_names("What did Putin say about the talks?", "en") == ["Putin"]  # the article never names him


def test_the_shipped_weights_use_every_feature_the_code_computes():
    """A feature added to the code without refitting bot/answers/reader.json would be computed and never weighed."""
    from bot.answers.answering import ABSTAIN_FEATURES, SENT_FEATURES

    w = json.loads((Path(__file__).resolve().parent.parent / "bot" / "answers" / "reader.json").read_text())
    assert w["features"]["abstain"] == ABSTAIN_FEATURES
    assert w["features"]["sentence"] == SENT_FEATURES
    assert "wh_how" in ABSTAIN_FEATURES
