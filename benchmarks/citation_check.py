"""How many bad citations the check catches, with a scripted model (issue 4 target: 100% of out-of-range
and unsupported citations caught; zero answers shown with a quote that is not verbatim in its source).

    python3 benchmarks/citation_check.py [--json PATH]

The model is tests/openai_fake.py, a local server speaking OpenAI's chat-completions protocol; the real
openai SDK and langchain-openai run. For each answerable question of eval/articles/questions.jsonl, the
model's reply is built from the very passages it was given, four sentences:
  a. a sentence of passage 1, cited [1]                       -> kept, cited to a passage that holds it
  b. a sentence found only in passage 2, cited [1]            -> a wrong passage: re-pointed to one that holds it
  c. a sentence of passage 3, cited [9]                       -> out of range: re-pointed to one that holds it
  d. a claim the article does not make (eval/claims), cited [2] -> listed as unsupported, shown uncited
Then every citation shown is checked: its quote verbatim in its source file, its number in range.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from _common import ROOT, SHIPPED_CORPUS, header, machine, machine_line, scripted_model_bot

sys.path.insert(0, str(ROOT / "tests"))
from openai_fake import FakeOpenAI  # noqa: E402


def cited_to_holder(ans, passages, sentence: str) -> bool:
    """The sentence is shown with a citation whose passage really holds it, and whose quote is from there."""
    by_n = {c.n: c for c in ans.citations}
    i = ans.text.find(sentence.strip())
    if i < 0:
        return False
    m = re.match(r"\s*\[(\d+)\]", ans.text[i + len(sentence.strip()) :])
    c = by_n.get(int(m.group(1))) if m else None
    return c is not None and any(sentence.strip() in h.chunk.text and c.quote in h.chunk.text for h in passages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header("Citation check against a scripted model (local OpenAI-protocol server)")

    fake = FakeOpenAI()
    bot = scripted_model_bot(fake.url)
    source_text = {p.name: p.read_bytes().decode("utf-8-sig") for p in SHIPPED_CORPUS.rglob("*") if p.is_file()}
    qs = [json.loads(x) for x in (ROOT / "eval/articles/questions.jsonl").read_text().splitlines() if x.strip()]
    qs = [q["question"] for q in qs if q["answerable"]]
    false_claims = [
        json.loads(x)["claim"]
        for x in (ROOT / "eval/claims/shipped.jsonl").read_text().splitlines()
        if x.strip() and not json.loads(x)["supported"]
    ]

    n = {
        "asked": 0,
        "model_called": 0,
        "correct_kept": 0,
        "wrong_passage": 0,
        "wrong_caught": 0,
        "out_of_range": 0,
        "out_of_range_caught": 0,
        "unsupported": 0,
        "unsupported_caught": 0,
        "citations_shown": 0,
        "quotes_not_verbatim": 0,
        "numbers_out_of_range_shown": 0,
    }
    for qi, q in enumerate(qs):
        hits = bot.retriever.search(q, max(bot.settings.top_k, 5))
        passages = bot.llm.budget(hits, q)
        if len(passages) < 3:
            continue
        texts = [{x.text for x in h.chunk.sentences} for h in passages]
        a_s = next(iter(sorted(texts[0])))
        only2 = sorted(texts[1] - texts[0])
        c_s = sorted(texts[2])
        if not only2 or not c_s:
            continue
        b_s, c_s = only2[0], c_s[-1]
        d_s = false_claims[qi % len(false_claims)]
        reply = f"{a_s} [1] {b_s} [1] {c_s} [9] {d_s.rstrip('.')} [2]."
        fake.script.append({"content": reply})
        n["asked"] += 1
        before = len(fake.chat_requests())
        ans = bot.answer(q)
        if len(fake.chat_requests()) == before:
            continue  # abstained at the gate: no model, nothing to check
        n["model_called"] += 1
        by_quote_src = {c.n: c for c in ans.citations}
        for c in ans.citations:
            n["citations_shown"] += 1
            if c.quote not in source_text[c.source]:
                n["quotes_not_verbatim"] += 1
        marks = [int(x) for x in re.findall(r"\[(\d+)\]", ans.text)]
        n["numbers_out_of_range_shown"] += sum(1 for m in marks if m not in by_quote_src)

        n["correct_kept"] += cited_to_holder(ans, passages, a_s)
        n["wrong_passage"] += 1
        n["wrong_caught"] += cited_to_holder(ans, passages, b_s)
        n["out_of_range"] += 1
        n["out_of_range_caught"] += cited_to_holder(ans, passages, c_s) and "[9]" not in ans.text
        n["unsupported"] += 1
        d_clean = d_s.rstrip(".") + "."
        n["unsupported_caught"] += (
            d_clean in ans.unsupported and re.search(re.escape(d_clean) + r"\s*\[", ans.text) is None
        )
    fake.close()
    rate = lambda a, b: (n[a] / n[b]) if n[b] else float("nan")  # noqa: E731
    print(f"\nquestions: {n['asked']}, model called: {n['model_called']} (the rest abstained at the gate)")
    print(f"correct citations kept:              {n['correct_kept']}/{n['model_called']}")
    print(
        f"wrong-passage citations caught:      {n['wrong_caught']}/{n['wrong_passage']} ({rate('wrong_caught', 'wrong_passage'):.3f})"
    )
    print(
        f"out-of-range citations caught:       {n['out_of_range_caught']}/{n['out_of_range']} ({rate('out_of_range_caught', 'out_of_range'):.3f})"
    )
    print(
        f"unsupported sentences caught:        {n['unsupported_caught']}/{n['unsupported']} ({rate('unsupported_caught', 'unsupported'):.3f})"
    )
    print(
        f"citations shown: {n['citations_shown']}; quotes not verbatim in their source: {n['quotes_not_verbatim']}; "
        f"[n] in the text with no citation behind it: {n['numbers_out_of_range_shown']}"
    )
    met = (
        n["model_called"] > 0
        and n["wrong_caught"] == n["wrong_passage"]
        and n["out_of_range_caught"] == n["out_of_range"]
        and n["unsupported_caught"] == n["unsupported"]
        and n["quotes_not_verbatim"] == 0
    )
    print(f"   TARGET 100% caught, 0 non-verbatim quotes: {'MET' if met else 'NOT MET'}")
    end = machine()
    print("   " + machine_line("start", start))
    print("   " + machine_line("end", end))
    if args.json:
        Path(args.json).write_text(json.dumps({"counts": n, "start": start, "end": end}, indent=2))


if __name__ == "__main__":
    main()
