"""Each rule of the answer decision switched off in turn, every pack scored (python -m bot eval --all's rows):
does the rule earn its place across data sets?

    python scripts/ablate.py [--rules names,entry_fits,...]

Rules (bot/answers/compose.py, answering.py, faq.py):
  unknown_names   decline a specific question about a name no article mentions
  prose_elsewhere an entry is not given when retrieval's best passage is body text of another page
  entry_fits      an entry is not given to a question asking another kind of thing (number, date, person, why)
  in_entry        the reader's best sentence inside the matcher's first entry: give that entry whole
  asked_kind      a number / date / statement question is declined when no cited sentence gives one
  also            other pages' entries for the same question shown under "Also on"
  names           who/which: add the sentence that names the most
  one_page        the reader quotes the page retrieval ranks first only
  describe        "How does the article describe X": the sentence that says what X is
  disagree        the reader's sentence in another entry than the unsure matcher's first: declined
Prints one line per rule: each pack's right entry/page cited, answerable declined and unanswerable declined,
as differences from everything on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answers import answering, compose
from bot.evals import allpacks
from bot.settings import load_settings

ALL = (
    "unknown_names",
    "prose_elsewhere",
    "entry_fits",
    "in_entry",
    "asked_kind",
    "also",
    "names",
    "one_page",
    "describe",
    "disagree",
)


def switch_off(rule: str, bots) -> None:
    C = compose.Composer
    if rule == "unknown_names":
        C.unknown_names = lambda self, query, lang: []
    elif rule == "prose_elsewhere":
        C.prose_elsewhere = staticmethod(lambda hits, entry: False)
    elif rule == "entry_fits":
        C.entry_fits = lambda self, q, entry: True
    elif rule == "in_entry":
        C._in_entry = lambda self, a, entry: False
    elif rule == "asked_kind":
        C.gives_what_was_asked = staticmethod(lambda q, a, p=1.0: True)
    elif rule == "also":
        for b in bots:
            b.composer.matcher.also_max = 0
    elif rule == "names":
        answering.NAMES_MIN_RATIO = float("inf")
    elif rule == "one_page":
        C.one_page = lambda self, query, hits, qvec: compose.extractive_answer(
            self.reader, query, hits, self.suggestions, qvec
        )
    elif rule == "describe":
        C.describe = lambda self, *a, **k: None
    elif rule == "disagree":
        C.entry_disagrees = lambda self, a, m: None
    else:
        raise SystemExit(f"unknown rule {rule!r}; choose from {', '.join(ALL)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rules", default=",".join(ALL))
    ap.add_argument("--bench-root", default=str(ROOT.parent / "shared" / "bench"))
    args = ap.parse_args()
    s = load_settings()
    cache = Path(s.cache_dir) / "eval"
    root = Path(args.bench_root)
    packs = [x for pair in allpacks.faq_packs(root, cache) for x in pair] + allpacks.passage_packs(root, cache)
    bots = {p.name: allpacks._bot(p, s, cache) for p in packs}

    def run():
        return {p.name: allpacks.score_pack(p, bots[p.name]) for p in packs}

    base = run()
    short = {"CDC pages": "cdc", "all 9 pages": "covid-all", "first turns": "doc2dial", "gov.uk": "cqa"}
    names = {}
    for p in packs:
        n = next((v for k, v in short.items() if k in p.name), p.name.split(" ")[0].rstrip(","))
        names[p.name] = n + ("-missing" if "removed" in p.name else "")

    def fmt(r) -> str:
        u = r["unanswerable_declined"]
        share = f"/s{r['share_given']:.3f}" if "share_given" in r else ""
        return f"{r['bot']:.3f}/d{r['answerable_declined']:.2f}/u{'-' if u is None else u}{share}"

    print("everything on: " + " | ".join(f"{names[n]} {fmt(r)}" for n, r in base.items()), flush=True)
    kept = (
        "unknown_names",
        "entry_fits",
        "_in_entry",
        "gives_what_was_asked",
        "one_page",
        "describe",
        "entry_disagrees",
    )
    saved = {k: compose.Composer.__dict__[k] for k in kept}  # staticmethods stay static
    ratio = answering.NAMES_MIN_RATIO
    for rule in args.rules.split(","):
        switch_off(rule, bots.values())
        got = run()
        parts = []
        for n, r in got.items():
            b = base[n]
            u = r["unanswerable_declined"]
            u = "" if u is None else f" u{u - b['unanswerable_declined']:+.3f}"
            d = r["answerable_declined"] - b["answerable_declined"]
            sh = f" s{r['share_given'] - b['share_given']:+.3f}" if "share_given" in r else ""
            parts.append(f"{names[n]} {r['bot'] - b['bot']:+.3f} d{d:+.3f}{u}{sh}")
        print(f"{rule} off: " + " | ".join(parts), flush=True)
        for k, v in saved.items():  # back on
            setattr(compose.Composer, k, v)
        answering.NAMES_MIN_RATIO = ratio
        for b in bots.values():
            b.composer.matcher.also_max = int(b.composer.matcher.params.get("also", {}).get("max", 0))


if __name__ == "__main__":
    main()
