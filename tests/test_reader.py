"""The reader's fitted models are applied by feature name, and its settings have one source."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

from bot.answers.answering import Reader, load_weights
from bot.engine import Bot

ROOT = Path(__file__).resolve().parent.parent


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


def test_the_yes_no_form_is_read_from_the_last_question_in_its_language():
    from bot.answers.qtypes import polar

    assert polar("Can I apply online if I am not in UK?") and polar("I want to complain about my adviser, can I?")
    assert polar("I live in Japan. I would like to renounce my citizenship. Can I apply online?")
    assert polar("Was the plan formalized?") and polar("Darf ich meinen Hund mitbringen?", "de")
    assert not polar("Was kostet eine Farbkopie?", "de")  # a what-question in German
    assert not polar("Are ctenophores predators, vegetarian or parasitic?")  # alternatives: answered by a span
    assert not polar("How many people have died of plague in Baghdad?")
    assert not polar("Is it free? What does it cost for students?")  # the last question asks what


def test_a_yes_no_question_its_page_answers_is_not_declined_by_the_span_gate(tmp_path_factory, monkeypatch):
    """ConditionalQA's "…do we need to register that we are taking our vehicle abroad?" (its gov.uk page answers:
    take the log book) was declined by the gate, fitted on SQuAD's span answers; nearness overrules it for a yes/no
    question (Reader.polar_near), and a yes/no question of another subject is still declined."""
    from _support import small_index

    from bot.answers import answering
    from bot.engine import Bot

    page = (ROOT / "eval" / "conditionalqa" / "corpus" / "taking-vehicles-out-of-uk.md").read_text(encoding="utf-8")
    bot = Bot.from_settings(small_index(tmp_path_factory.mktemp("cqa"), {"taking-vehicles.md": page}), build=False)
    q = (
        "My family and I are intending to go on a camping holiday in Europe and would like to take our SUV. We would"
        " be out of the UK for around five weeks in total. As we are not going to be away for very long, do we need"
        " to register that we are taking our vehicle abroad?"
    )
    a = bot.answer(q)
    assert a.grounded and a.citations[0].source == "taking-vehicles.md", a.text
    assert not bot.answer("Is the museum open on Mondays?").grounded  # nothing near: the gate declines it
    monkeypatch.setattr(answering, "POLAR_NEAR", 2.0)  # the gate alone declines it: the rule is what answers it
    assert not bot.answer(q).grounded


def test_a_number_with_its_unit_attached_is_a_number():
    """ "5GB", "512MB", "24h" give a quantity, as "5 GB" does: "how much free space does the backup need?" was declined
    though "…at least 5GB of free space…" answers it (a probe on Jellyfin's docs). A name's digits are no number."""
    from bot.answers import qtypes

    for text in ("It checks for at least 5GB of free space.", "Keep 512MB free.", "Logs are kept 24h."):
        assert qtypes.evidence("num", text, set()), text
    for text in ("COVID-19 spreads between people.", "Water is H2O.", "Use the mp3 format."):
        assert not qtypes.evidence("num", text, set()), text
