"""The FAQ bot's own job, on real help-center pages (covid-faq-en): find the entry a user means and give it.

CI runs the 5 CDC pages in their own layout and in 4 others; `--run-slow` adds all 9 pages, where other
agencies' near-duplicate entries compete. A missing pack skips with the reason, or fails where
BOT_TEST_REQUIRE_BENCH=1 (scripts/test.sh sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.corpus import read_document
from bot.faqeval import LAYOUTS, evaluate_faq, render_layout, to_markdown
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
PACK = Path(os.environ.get("BOT_FAQ_BENCH_DIR", ROOT.parent / "shared" / "bench" / "covid-faq-en"))
CACHE = Path(os.environ.get("BOT_TEST_CACHE", ROOT / ".cache"))
REPORTS = ROOT / "reports"


def _pack():
    if not (PACK / "questions.jsonl").exists():
        msg = f"covid-faq-en pack not found at {PACK} (set BOT_FAQ_BENCH_DIR)"
        if os.environ.get("BOT_TEST_REQUIRE_BENCH") == "1":
            pytest.fail(msg)
        pytest.skip(msg)
    return PACK


@pytest.fixture(scope="module")
def cdc():
    r = evaluate_faq(_pack(), load_settings(cache_dir=CACHE), sites=("cdc",), layouts=LAYOUTS)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "eval-covid-faq-en-cdc.md").write_text(to_markdown(r), encoding="utf-8")
    return r


def test_the_paraphrased_entry_is_cited_and_given_on_the_cdc_pages(cdc):
    x = cdc["runs"]["cdc"]
    assert x["questions"] == 76 and x["entries"] >= 80
    # measured: 0.868 (0.921 with the pack's markup spaces ignored); share 0.70 (0.83)
    assert x["entry_cited"] >= 0.84, to_markdown(cdc)
    assert x["entry_cited_bare"] >= 0.89, to_markdown(cdc)
    assert x["share_given_bare"] >= 0.78, to_markdown(cdc)
    assert x["nearest_question"] <= x["entry_cited_bare"]  # better than the plain nearest-question match


@pytest.mark.parametrize("layout", [lay for lay in LAYOUTS if lay != "h2"])
def test_other_layouts_of_the_same_pages_score_within_003(cdc, layout):
    h2, other = cdc["runs"]["cdc"], cdc["runs"][f"cdc-{layout}"]
    assert other["entries"] == h2["entries"]
    assert abs(other["entry_cited"] - h2["entry_cited"]) <= 0.03, to_markdown(cdc)
    assert abs(other["share_given"] - h2["share_given"]) <= 0.05, to_markdown(cdc)


def test_every_quote_is_verbatim_text_of_its_page(cdc, tmp_path):
    from bot.faqeval import corpus_for

    for name, x in cdc["runs"].items():
        corpus = corpus_for(PACK, sorted(p.name for p in (PACK / "corpus").iterdir() if p.name.startswith("center")),
                            x["layout"], CACHE / "eval" / PACK.name)  # fmt: skip
        texts = {p.name: read_document(p, corpus).text for p in corpus.iterdir()}
        for row in x["rows"]:
            for q in row["quotes"]:
                assert any(q["quote"] in t for n, t in texts.items() if n == q["source"]), (name, q)


def test_a_page_rendered_in_another_layout_keeps_every_entry():
    raw = next((_pack() / "corpus").glob("center-*prepare-faq*.html")).read_text(encoding="utf-8")
    for layout in LAYOUTS[1:]:
        suffix, text = render_layout(raw, layout)
        assert text.count("How can my family and I prepare for COVID-19?") >= 1, layout


@pytest.mark.slow
def test_all_nine_pages_where_other_agencies_compete():
    r = evaluate_faq(_pack(), load_settings(cache_dir=CACHE), sites=("all",), layouts=())
    x = r["runs"]["all"]
    # measured 0.737 (0.776 with markup spaces ignored); the target of 0.82 is not met (README)
    assert x["entry_cited_bare"] >= 0.74, to_markdown(r)
    assert x["entry_cited_bare"] >= x["nearest_question"], to_markdown(r)
