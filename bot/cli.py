"""Command line: ingest | ask | report | eval | serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot.errors import BotError


def _settings(args):
    from bot.settings import load_settings

    return load_settings(corpus_dir=getattr(args, "corpus", None), index_dir=getattr(args, "index", None))


def cmd_ingest(args) -> int:
    from bot.engine import ingest

    s = _settings(args)
    for url in getattr(args, "url", None) or []:
        from bot.ingest.crawl import Crawler

        try:
            cr = Crawler(Path(s.corpus_dir), max_pages=args.max_pages, delay_s=args.delay).crawl(url)
        except (ValueError, OSError) as e:
            print(f"error: {url}: {e}", file=sys.stderr)
            return 2
        for name, urls in (("fetched", cr.fetched), ("removed", cr.removed)):
            for u in urls:
                print(f"  {name:8} {u}")
        for u, why in cr.skipped.items():
            print(f"  skipped  {u}: {why}", file=sys.stderr)
        print(f"{url}: {cr.summary()}")
    rep = ingest(s, rebuild=args.rebuild, progress=sys.stderr.isatty() or args.progress)
    for name, files in (("added", rep.added), ("updated", rep.updated), ("removed", rep.removed)):
        for f in files:
            print(f"  {name:8} {f}")
    for f, why in rep.failed.items():
        print(f"  skipped  {f}: it {why}", file=sys.stderr)
    print(rep.summary())
    if rep.texts_embedded:
        print(
            f"embedding: {rep.embed_seconds:.1f} s for {rep.texts_embedded} texts (chunks, FAQ questions, sentences) "
            f"({rep.texts_embedded / max(rep.embed_seconds, 1e-9):.1f}/s); total {rep.seconds:.1f} s"
        )
    return 1 if args.strict and rep.failed else 0


def cmd_report(args) -> int:
    from bot.engine import Bot
    from bot.errors import BotError
    from bot.insights import report as rp

    s = _settings(args)
    try:
        since = rp.parse_since(args.since)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    given: dict = {}
    try:
        given = rp.for_bot(Bot.from_settings(s, build=False))
    except BotError as e:  # no index: the report without nearest entries, questions embedded as needed
        print(f"note: {e} (the report shows no nearest entries)", file=sys.stderr)
    rep = rp.build(Path(s.data_dir) / "log.sqlite", since, **given)
    if args.format == "json":
        print(json.dumps(rep, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        sys.stdout.write(rp.to_csv(rep))
    else:
        sys.stdout.write(rp.to_markdown(rep))
    return 0


def _print_human(a) -> None:
    if a.text:
        print(a.text)
    if a.note:
        print(f"({a.note})")
    for s in a.unsupported:
        print(f"  not supported by the articles: {s}")
    if a.standalone_question:
        print(f"(understood as: {a.standalone_question})")
    if a.grounded:  # each document once, then its quotes
        from bot.answers.answering import grouped_sources, quote_places

        print("\nSources:")
        for src in grouped_sources(a.citations):
            print(f"  {src['title']} ({src['source']})")
            for q, place in zip(src["quotes"], quote_places(src["quotes"])):
                print(f"    [{q['n']}] {place}".rstrip() + f"\n        “{q['quote']}”")
    elif a.suggestions:
        print("\nThe articles can answer, for example:")
        for s in a.suggestions:
            print(f"  - {s}")


def cmd_ask(args) -> int:
    from bot.engine import Bot
    from bot.index.store import Index

    settings = _settings(args)
    if not Index.exists(settings.index_dir):
        print(
            f"No index in {settings.index_dir} yet: building it from {settings.corpus_dir} (first use)…",
            file=sys.stderr,
        )
    bot = Bot.from_settings(settings)
    if args.jsonl:
        status = 0
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                req = json.loads(line)
                if not isinstance(req, dict):
                    raise ValueError('each line must be a JSON object like {"question": "..."}')
                a = bot.answer(req.get("question"), req.get("history"))
                out = a.to_dict(retrieved=args.retrieved)
            except (BotError, ValueError) as e:
                out = {"error": str(e), "line": n}
                status = 1
            print(json.dumps(out, ensure_ascii=False), flush=True)
        return status
    if not args.question:
        print(
            'error: give a question, e.g. python -m bot ask "What security guarantees are being considered?"',
            file=sys.stderr,
        )
        return 2
    question = " ".join(args.question)
    if args.json or args.retrieved:
        a = bot.answer(question)
        print(json.dumps(a.to_dict(retrieved=args.retrieved), ensure_ascii=False, indent=1))
        return 0
    streamed = ""
    for ev in bot.answer_stream(question):  # a model's words appear as they arrive
        if isinstance(ev, str):
            streamed += ev
            print(ev, end="", flush=True)
        else:
            a = ev
    if streamed:
        print("\n")
        if a.text == streamed:
            a.text = ""
        else:
            print("Checked against the articles:")
    _print_human(a)
    return 0


def _bench_root() -> Path:
    import os

    from bot.settings import PROJECT_DIR

    return Path(os.environ.get("BOT_BENCH_ROOT", PROJECT_DIR.parent / "shared" / "bench"))


def _bench(args) -> Path:
    if args.pack:
        return _bench_root() / args.pack
    if not args.bench:
        raise BotError("give the pack's folder, or --pack NAME (a folder of ../shared/bench or $BOT_BENCH_ROOT)")
    return Path(args.bench)


def cmd_eval(args) -> int:
    from bot.evals.evaluation import evaluate, to_markdown, write_reports
    from bot.evals.faqeval import evaluate_faq, is_faq_pack

    s = _settings(args)
    if args.all:
        from bot.evals import allpacks

        r = allpacks.evaluate_all(
            s, _bench_root(), squad_articles=args.articles or 6, log=lambda line: print(line, file=sys.stderr)
        )
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "eval-all.json").write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
        (out / "eval-all.md").write_text(allpacks.to_markdown(r), encoding="utf-8")
        print(allpacks.to_markdown(r))
        print(f"reports: {out / 'eval-all.json'} ({r['seconds']} s)")
        return 0
    bench = _bench(args)
    if not (bench / "questions.jsonl").exists():
        raise BotError(f"No benchmark pack at {bench} (it needs questions.jsonl and corpus/).")
    from bot.evals import dialogues

    def report(r: dict, markdown: str) -> int:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        j = out / f"eval-{bench.resolve().name}.json"
        j.write_text(json.dumps(r, indent=1, ensure_ascii=False), encoding="utf-8")
        (out / f"eval-{bench.resolve().name}.md").write_text(markdown, encoding="utf-8")
        print(markdown)
        print(f"reports: {j}")
        return 0

    if dialogues.is_dialogue_pack(bench):
        r = dialogues.evaluate_dialogues(bench, s, log=lambda line: print(line, file=sys.stderr))
        return report(r, dialogues.to_markdown(r))
    if is_faq_pack(bench):
        from bot.evals import faqeval

        r = evaluate_faq(bench, s, limit=args.limit)
        return report(r, faqeval.to_markdown(r))
    args.bench = str(bench)
    r = evaluate(
        Path(args.bench), s, split=args.split, limit=args.limit, articles=args.articles, progress=sys.stderr.isatty()
    )
    name = f"eval-{Path(args.bench).resolve().name}-{args.split}" + (f"-{args.limit}" if args.limit else "")
    j, m = write_reports(r, Path(args.out), name)
    print(to_markdown(r))
    print(f"reports: {j} {m}")
    return 0


def cmd_serve(args) -> int:
    from bot.serve.server import serve

    serve(_settings(args), host=args.host, port=args.port, workers=args.workers, watch=args.watch)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot", description="Answer questions about a folder of articles.")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="cmd", required=True)

    def where(sp):
        sp.add_argument("--corpus", type=Path, help="corpus folder (setting BOT_CORPUS_DIR)")
        sp.add_argument("--index", type=Path, help="index folder (setting BOT_INDEX_DIR)")

    sp = sub.add_parser("ingest", help="sync the index with the corpus folder")
    where(sp)
    sp.add_argument("--rebuild", action="store_true", help="drop the index and build it again")
    sp.add_argument("--progress", action="store_true", help="show a progress bar even when not on a terminal")
    sp.add_argument(
        "--strict", action="store_true", help="exit 1 when a file could not be read (the others are indexed either way)"
    )
    sp.add_argument(
        "--url",
        action="append",
        metavar="URL",
        help="first fetch a website's pages into corpus/web/<host>/: its sitemap.xml, or a start page whose "
        "links are followed (same site only, robots.txt respected); a re-run fetches only what changed",
    )
    sp.add_argument("--max-pages", type=int, default=200, help="pages fetched per site at most (default 200)")
    sp.add_argument("--delay", type=float, default=1.0, help="seconds between requests to the site (default 1)")
    sp.set_defaults(func=cmd_ingest)

    sp = sub.add_parser("report", help="the knowledge-gap report from the conversation log")
    where(sp)
    sp.add_argument("--since", default="7d", help="7d, 12h, 2w, a date (2026-11-01), or '' for everything")
    sp.add_argument("--format", choices=("md", "json", "csv"), default="md")
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("ask", help="answer a question")
    where(sp)
    sp.add_argument("question", nargs="*")
    sp.add_argument("--json", action="store_true", help="print the answer as JSON")
    sp.add_argument("--jsonl", action="store_true", help='read {"question", "history"} lines from stdin')
    sp.add_argument("--retrieved", action="store_true", help="add the ranked chunks retrieval returned")
    sp.set_defaults(func=cmd_ask)

    sp = sub.add_parser("eval", help="evaluate on a benchmark pack (corpus/, questions.jsonl, splits.json)")
    sp.add_argument("bench", nargs="?", help="the pack's folder (a SQuAD-style or an FAQ pack)")
    sp.add_argument("--pack", help="a pack by name: ../shared/bench/NAME (or $BOT_BENCH_ROOT/NAME)")
    sp.add_argument(
        "--all",
        action="store_true",
        help="every pack in one table, beside plain baselines, with "
        "leave-one-pack-out figures for the FAQ matcher (bot/evals/allpacks.py)",
    )
    sp.add_argument("--split", default="test", help="tune | test | all (default test)")
    sp.add_argument("--limit", type=int, help="at most N questions (a fixed sample)")
    sp.add_argument("--articles", type=int, help="index only the first N articles of the split (quick runs)")
    sp.add_argument("--out", default="reports", help="folder for the JSON and markdown reports")
    sp.set_defaults(func=cmd_eval)
    sp = sub.add_parser("serve", help="run the web app: JSON API and the embeddable widget")
    where(sp)
    sp.add_argument("--host", help="address to listen on (setting BOT_HOST, default 127.0.0.1)")
    sp.add_argument("--port", type=int, help="port (setting BOT_PORT, default 7860)")
    sp.add_argument("--workers", type=int, help="answer processes (setting BOT_WORKERS, default 1)")
    sp.add_argument(
        "--watch", action="store_true", help="ingest changes in the corpus folder while serving (setting BOT_WATCH)"
    )
    sp.set_defaults(func=cmd_serve)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except BotError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
