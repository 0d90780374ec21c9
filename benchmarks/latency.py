"""Warm answer latency: one Bot loaded once, then many distinct questions, timed stage by stage.

For (a) the shipped corpus and (b) the squad2 pack (default all 35 articles) it measures, per question,
in the same run and in rotating order:

  * query embedding alone        bot.embedder.embed_query_np(q)
  * retrieval                    bot.retriever.search(q, 5)   (embedding + dense/BM25/FAQ ranking + fusion)
  * index search, given vector   bot.retriever.search(q, 5, qvec=v)   (retrieval minus the embedding)
  * full answer                  bot.answer(q)   (validation, retrieval, reader, suggestions)

The query embedding is memoised per text (functools.lru_cache on embed_query_np), so the cache is
cleared before each of those timed calls: every number above includes a real embedding where the
stage needs one. Afterwards the same questions are answered again ("repeat passes") with the cache
primed, which is what a repeated question costs; that is reported separately, never mixed in.

    PYTHONPATH=/work/main python3 benchmarks/latency.py                    # ~1-2 min
    python3 benchmarks/latency.py --squad-articles 3 --questions 100       # quicker, squad subset
    python3 benchmarks/latency.py --questions 1000 --json reports/latency.json
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import _common as C  # also puts the repo root on sys.path

TARGET_MS = {"shipped": 30.0, "squad2": 60.0}
WARMUP = [
    "What is this article about?",
    "Who is mentioned in the articles?",
    "When did it happen?",
    "Where did the meeting take place?",
    "How many people were involved?",
]


def _dedupe(texts: list[str]) -> list[str]:
    seen, out = set(), []
    for t in texts:
        t = " ".join(t.split())
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def shipped_questions() -> list[str]:
    return _dedupe([q["question"] for q in C.read_jsonl(C.SHIPPED_QUESTIONS)])


def squad_questions(bench: Path, chosen: list[str] | None, n: int) -> list[str]:
    from bot.evals.evaluation import load_pack

    qs, _ = load_pack(bench, "test")
    if chosen is not None:
        keep = set(chosen)
        qs = [q for q in qs if q.get("article") in keep]
    qs = C.hash_order(qs, key=lambda q: q["id"])
    return _dedupe([q["question"].strip() for q in qs])[:n]


def open_bot(name: str, corpus: Path, index_dir: Path, rebuild: bool):
    from bot.engine import Bot, ingest
    from bot.settings import load_settings

    s = load_settings(corpus_dir=corpus, index_dir=index_dir, cache_dir=C.CACHE_DIR)
    t0 = time.perf_counter()
    rep = ingest(s, rebuild=rebuild, progress=sys.stderr.isatty())
    ingest_s = time.perf_counter() - t0
    print(f"   [{name}] index {index_dir}: {rep.summary()}")
    if rep.texts_embedded:
        print(f"   [{name}] NOTE: {rep.texts_embedded} text(s) were embedded now (not in the embedding cache yet).")
    t0 = time.perf_counter()
    bot = Bot.from_settings(s, build=False)
    load_s = time.perf_counter() - t0
    return bot, {
        "ingest_seconds": round(ingest_s, 3),
        "embedded_now": rep.texts_embedded,
        "bot_load_seconds": round(load_s, 3),
        "chunks": len(bot.index.chunks),
        "faq_questions": len(bot.index.faq_vectors),
        "index_dir": str(index_dir),
        "corpus_dir": str(corpus),
    }


def measure(bot, questions: list[str], cycles: int, warmup: int) -> dict:
    emb = bot.embedder
    clear = getattr(emb.embed_query_np, "cache_clear", None)
    if clear is None:
        raise SystemExit("embed_query_np has no cache_clear(); this script assumes an lru_cache on it.")
    for q in WARMUP[:warmup]:
        bot.retriever.search(q, 5)
        bot.answer(q)

    def t_embed(q):
        clear()
        t = time.perf_counter()
        emb.embed_query_np(q)
        return "embed", time.perf_counter() - t

    def t_search(q):
        clear()
        t = time.perf_counter()
        bot.retriever.search(q, 5)
        return "retrieval", time.perf_counter() - t

    def t_answer(q):
        clear()
        t = time.perf_counter()
        a = bot.answer(q)
        dt = time.perf_counter() - t
        stage["answer_retrieve"].append(a.timings_ms["retrieve"] / 1000)
        stage["answer_reader"].append(a.timings_ms["answer"] / 1000)
        grounded.append(a.grounded)
        return "answer", dt

    stage = {"answer_retrieve": [], "answer_reader": []}
    grounded: list[bool] = []
    res = {"embed": [], "retrieval": [], "search_given_vector": [], "answer": []}
    fns = [t_embed, t_search, t_answer]
    gc.collect()
    for i, q in enumerate(questions):
        r = i % 3  # rotate the order so no stage always runs right after another warmed the CPU caches
        for fn in fns[r:] + fns[:r]:
            k, dt = fn(q)
            res[k].append(dt)
        v = emb.embed_query_np(q)  # cached now (answer stage filled it or this call does)
        t = time.perf_counter()
        bot.retriever.search(q, 5, qvec=v)
        res["search_given_vector"].append(time.perf_counter() - t)

    # Repeat passes: prime the LRU with every question, then answer them all again `cycles` times.
    clear()
    for q in questions:
        emb.embed_query_np(q)
    info = emb.embed_query_np.cache_info()
    repeat = []
    for _ in range(cycles):
        for q in questions:
            t = time.perf_counter()
            bot.answer(q)
            repeat.append(time.perf_counter() - t)
    info2 = emb.embed_query_np.cache_info()
    out = {k: C.stats_ms(v) for k, v in res.items()}
    out["answer_stage_retrieve"] = C.stats_ms(stage["answer_retrieve"])
    out["answer_stage_reader"] = C.stats_ms(stage["answer_reader"])
    out["answer_repeat_cached_query"] = C.stats_ms(repeat)
    out["repeat_lru_misses"] = info2.misses - info.misses
    out["grounded_rate"] = round(sum(grounded) / max(len(grounded), 1), 3)
    p50a, p50r = out["answer"]["p50"], out["retrieval"]["p50"]
    out["ratio_answer_over_retrieval_p50"] = round(p50a / p50r, 2) if p50r else None
    return out


ROWS = [
    ("query embedding only", "embed"),
    ("retrieval: search(q, 5)", "retrieval"),
    ("  index search, given vector", "search_given_vector"),
    ("full answer: bot.answer(q)", "answer"),
    ("  answer stage 'retrieve'", "answer_stage_retrieve"),
    ("  answer stage 'answer' (reader)", "answer_stage_reader"),
    ("answer, repeat (query vec cached)", "answer_repeat_cached_query"),
]


def report(name: str, meta: dict, res: dict, n_questions: int, cycles: int) -> None:
    print()
    print(
        f"-- {name}: {meta['chunks']} chunks ({meta['faq_questions']} FAQ questions), {n_questions} distinct questions, "
        f"repeat passes: {cycles}"
    )
    print(
        f"   index build/sync {meta['ingest_seconds']:.2f} s (embedded now: {meta['embedded_now']}), "
        f"Bot load {meta['bot_load_seconds']:.2f} s"
    )
    rows = [
        [label, res[k]["n"], res[k]["p50"], res[k]["p95"], res[k]["min"], res[k]["max"], res[k]["mean"]]
        for label, k in ROWS
    ]
    print(C.table(rows, ["measure (ms; cache cleared unless noted)", "n", "p50", "p95", "min", "max", "mean"]))
    print(
        f"   ratio answer/retrieval (p50/p50): {res['ratio_answer_over_retrieval_p50']}x; "
        f"answers grounded: {res['grounded_rate']:.0%}; LRU misses during repeat passes: {res['repeat_lru_misses']}"
    )
    tgt = TARGET_MS[name]
    p50 = res["answer"]["p50"]
    print(
        f"   TARGET warm answer p50 <= {tgt:.0f} ms: measured p50 {p50:.2f} ms -> {'MET' if p50 <= tgt else 'NOT MET'}"
    )


def summary_row(name: str, meta: dict, res: dict, n_questions: int) -> list:
    """One row of the closing summary table."""
    p50 = res["answer"]["p50"]
    return [
        name,
        meta["chunks"],
        n_questions,
        res["embed"]["p50"],
        res["retrieval"]["p50"],
        p50,
        res["answer"]["p95"],
        res["answer_repeat_cached_query"]["p50"],
        TARGET_MS[name],
        "MET" if p50 <= TARGET_MS[name] else "NOT MET",
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=C.DEFAULT_BENCH, help="squad2 pack folder")
    ap.add_argument(
        "--squad-articles",
        type=int,
        default=0,
        help="index only the first N test-split articles (default 0 = all 35, the eval harness index)",
    )
    ap.add_argument("--questions", type=int, default=300, help="distinct squad test-split questions (default 300)")
    ap.add_argument(
        "--cycles",
        type=int,
        default=None,
        help="repeat passes with the query vector cached (default 5 shipped, 1 squad2)",
    )
    ap.add_argument("--warmup", type=int, default=5, help="warm-up questions (not measured; max 5)")
    ap.add_argument("--only", choices=["shipped", "squad2"], help="run one corpus only")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the indexes (embedding cache still used)")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = ap.parse_args(argv)

    start = C.header("latency: warm answer latency (Bot loaded once)")
    C.warn_other_embedders()
    results = {"machine_start": start, "args": vars(args), "targets_ms": TARGET_MS, "corpora": {}}
    summary = []
    if args.only in (None, "shipped"):
        bot, meta = open_bot("shipped", C.SHIPPED_CORPUS, C.SHIPPED_INDEX, args.rebuild)
        qs = shipped_questions()
        cycles = 5 if args.cycles is None else args.cycles
        res = measure(bot, qs, cycles, args.warmup)
        report("shipped", meta, res, len(qs), cycles)
        results["corpora"]["shipped"] = {"meta": meta, "questions": len(qs), "cycles": cycles, **res}
        summary.append(summary_row("shipped", meta, res, len(qs)))
        del bot
        gc.collect()
    if args.only in (None, "squad2"):
        corpus, index_dir, chosen = C.squad_corpus(args.bench, args.squad_articles)
        label = "all articles" if chosen is None else f"{len(chosen)} test-split article(s)"
        print(f"\n   [squad2] corpus: {label} ({corpus})")
        bot, meta = open_bot("squad2", corpus, index_dir, args.rebuild)
        qs = squad_questions(args.bench, chosen, args.questions)
        cycles = 1 if args.cycles is None else args.cycles
        res = measure(bot, qs, cycles, args.warmup)
        report("squad2", meta, res, len(qs), cycles)
        results["corpora"]["squad2"] = {
            "meta": meta,
            "articles": chosen or "all",
            "questions": len(qs),
            "cycles": cycles,
            **res,
        }
        summary.append(summary_row("squad2", meta, res, len(qs)))

    end = C.machine()
    results["machine_end"] = end
    print("\n== summary (ms)")
    print(
        C.table(
            summary,
            [
                "corpus",
                "chunks",
                "questions",
                "embed p50",
                "retrieval p50",
                "answer p50",
                "answer p95",
                "repeat p50",
                "target p50",
                "verdict",
            ],
        )
    )
    print("   " + C.machine_line("start", start))
    print("   " + C.machine_line("end", end))
    C.write_json(args.json, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
