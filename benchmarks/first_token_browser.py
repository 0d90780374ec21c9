"""Time to first token forwarded to the browser: from the moment the (fake) model server writes its first
content token to the socket to the moment that token's text is in the page's DOM — for the embeddable widget
(on a host page of another origin) and for the Gradio chat (/chat/). Also Enter -> first model word.

    python3 benchmarks/first_token_browser.py [--n 20] [--first-delay 0.25] [--json PATH]

The model is tests/openai_fake.py, a local server speaking OpenAI's chat-completions protocol, streaming a
correctly cited sentence one word per chunk. It answers the bot's request with headers at once and writes its
first content chunk `--first-delay` seconds later, so the bot has finished retrieval and is only waiting on the
model; it stamps time.time() right after writing that chunk. In the page a MutationObserver stamps Date.now()
when the first model word is in the answer bubble (and a requestAnimationFrame after it: the next frame). Both
are the machine's wall clock, so "forwarding" = page stamp - model stamp, through langchain-openai, the bot,
uvicorn's SSE (widget) or Gradio's queue (chat), Chromium's network stack and the page's script.

Each question is a fresh page (no history, so no condense call) with a distinct supported question from
eval/articles/questions.jsonl; the LLM answer cache is off (BOT_LLM_CACHE_SIZE=0) so the widget and the chat,
which ask the same questions, both make the model call. One warm-up question per page is not counted.
Starts `python -m bot serve` on a free loopback port; only loopback is contacted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    CACHE_DIR,
    ROOT,
    SHIPPED_CORPUS,
    SHIPPED_INDEX,
    SHIPPED_QUESTIONS,
    bot_server,
    header,
    machine,
    machine_line,
    stats_ms,
    table,
    write_json,
)

sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM, HostPage, NetworkGuard, host_page_html, launch_chromium  # noqa: E402
from openai_fake import FakeOpenAI  # noqa: E402

REPLY = "Security guarantees for Ukraine are being actively discussed among European leaders and the US [4]."
FIRST = REPLY.split()[0]  # the first chunk the model writes is "Security "

# Installed in a freshly loaded page, before the question is typed. `scope`: the widget's shadow root or the
# document; `msg`: the bot messages; `done`: a JS expression over the last bot message `m` that is true once
# the final answer is shown.
OBSERVE = """([rootSel, msgSel, doneExpr, first]) => {
  window.__enter = null; window.__first = null; window.__frame = null; window.__done = null;
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && window.__enter === null) window.__enter = Date.now();
  }, true);
  const scope = rootSel ? document.querySelector(rootSel).shadowRoot : document;
  const isDone = new Function('m', 'return (' + doneExpr + ');');
  const obs = new MutationObserver(() => {
    const all = scope.querySelectorAll(msgSel);
    if (!all.length) return;
    const m = all[all.length - 1];
    if (window.__first === null && m.textContent.trim().startsWith(first)) {
      window.__first = Date.now();
      requestAnimationFrame(() => { window.__frame = Date.now(); });
    }
    if (window.__done === null && isDone(m)) { window.__done = Date.now(); obs.disconnect(); }
  });
  obs.observe(scope, {subtree: true, childList: true, characterData: true, attributes: true});
}"""

PAGES = {
    # name: (root selector, bot message selector, done expression over the last bot message m)
    "widget": ("articlebot-widget", ".msg.bot", "!m.hasAttribute('aria-busy')"),
    "chat": (
        None,
        '[data-testid="bot"]',
        "document.body.textContent.includes('Sources (') || document.body.textContent.includes(\"couldn't find\")",
    ),
}


def questions(n: int) -> list[str]:
    """n + 1 distinct supported questions (the first is the warm-up); variants if the set runs out."""
    rows = [json.loads(x) for x in SHIPPED_QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]
    base = [r["question"] for r in rows if r["answerable"]]
    out, k = [], 0
    while len(out) < n + 1:
        round_ = k // len(base)
        q = base[k % len(base)]
        out.append(q if round_ == 0 else f"{q} (Please answer briefly, version {round_ + 1}.)")
        k += 1
    return out


def load(page, name: str, url: str, host_url: str):
    """Open a fresh page; returns the question box."""
    if name == "widget":
        page.goto(host_url + "/index.html")
        page.locator("articlebot-widget .bubble").click()
        box = page.locator("articlebot-widget textarea")
    else:
        page.goto(url + "/chat/")
        box = page.get_by_role("textbox").first
    box.wait_for(timeout=60_000)
    return box


def run_page(browser, name: str, url: str, host_url: str, qs: list[str], fake: FakeOpenAI) -> list[dict]:
    root, msg, done = PAGES[name]
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    guard = NetworkGuard().install(ctx)
    page = ctx.new_page()
    rows = []
    for i, q in enumerate(qs):
        box = load(page, name, url, host_url)
        page.evaluate(OBSERVE, [root, msg, done, FIRST])
        box.fill(q)
        n0 = len(fake.timings)
        box.press("Enter")
        page.wait_for_function("window.__done !== null", timeout=90_000)
        page.wait_for_function("window.__first === null || window.__frame !== null", timeout=10_000)
        got = page.evaluate("({enter: window.__enter, first: window.__first, frame: window.__frame})")
        streamed = [t for t in fake.timings[n0:] if "first_chunk_wall" in t]
        row = {"question": q, "warmup": i == 0, "model_streamed": bool(streamed), "seen": got["first"] is not None}
        if streamed and got["first"] is not None:
            t = streamed[0]
            sent = t["first_chunk_wall"]
            arrived = sent - (t["first_chunk"] - t["arrived"])  # the model request's arrival, on the wall clock
            row.update(
                forward_s=got["first"] / 1000 - sent,
                forward_frame_s=got["frame"] / 1000 - sent,
                enter_to_first_s=(got["first"] - got["enter"]) / 1000,
                enter_to_model_s=arrived - got["enter"] / 1000,
                model_ttft_s=t["first_chunk"] - t["arrived"],
            )
        rows.append(row)
        sys.stdout.write("." if "forward_s" in row else "x")
        sys.stdout.flush()
    ctx.close()
    if guard.blocked:
        raise SystemExit(f"the {name} page tried to leave the machine: {guard.blocked}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="questions per page (plus one warm-up)")
    ap.add_argument("--first-delay", type=float, default=0.25, help="seconds the model waits before its 1st token")
    ap.add_argument("--gap", type=float, default=0.05, help="seconds between the model's chunks")
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header("First model token -> visible in the browser (widget and Gradio chat, fake model on loopback)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM}")
    qs = questions(args.n)
    fake = FakeOpenAI()
    fake.default = {"content": REPLY, "first_delay": args.first_delay, "gap": args.gap}
    env = {
        "BOT_CORPUS_DIR": str(SHIPPED_CORPUS),
        "BOT_INDEX_DIR": str(SHIPPED_INDEX),
        "BOT_CACHE_DIR": str(CACHE_DIR),
        "BOT_DATA_DIR": str(CACHE_DIR / "bench-data"),
        "BOT_RATE_LIMIT": "100000",
        "BOT_LLM": "on",
        "BOT_LLM_CACHE_SIZE": "0",
        "BOT_LLM_RETRIES": "0",
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_API_KEY": "bench",
        "OMP_WAIT_POLICY": "PASSIVE",
    }
    results: dict[str, dict] = {}
    raw: dict[str, list[dict]] = {}
    loads = [machine()]
    with tempfile.TemporaryDirectory() as tmp, bot_server(env) as (url, _proc):
        html = host_page_html(url + "/widget.js", title="Bench", color="#0b6e4f", starters=[])
        (Path(tmp) / "index.html").write_text(html, encoding="utf-8")
        host = HostPage(Path(tmp)).start()
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = launch_chromium(p)
                for name in PAGES:
                    t0 = time.perf_counter()
                    print(f"\n{name}: ", end="")
                    raw[name] = run_page(browser, name, url, host.url, qs, fake)
                    loads.append(machine())
                    print(f" {time.perf_counter() - t0:.0f} s")
                browser.close()
        finally:
            host.stop()
            fake.close()
    rows = []
    for name, rs in raw.items():
        ok = [r for r in rs if not r["warmup"] and "forward_s" in r]
        missed = sum(1 for r in rs if not r["warmup"] and "forward_s" not in r)
        res = {
            k: stats_ms(r[k + "_s"] for r in ok)
            for k in ("forward", "forward_frame", "enter_to_first", "enter_to_model", "model_ttft")
        }
        res["missed"] = missed
        results[name] = res
        for k, label in (
            ("forward", "model's 1st token written -> in the DOM"),
            ("forward_frame", "model's 1st token written -> next frame"),
            ("enter_to_first", "Enter -> 1st model word in the DOM"),
            ("enter_to_model", "Enter -> model request arrives"),
            ("model_ttft", "model request -> 1st token written"),
        ):
            s = res[k]
            rows.append([name, label, s["n"], s["p50"], s["p95"], s["min"], s["max"]])
    print()
    print(table(rows, ["page", "interval", "n", "p50 ms", "p95 ms", "min ms", "max ms"]))
    for name, res in results.items():
        if res["missed"]:
            print(f"   {name}: {res['missed']} question(s) without a measured model token (no model call or not seen)")
    print(
        f"   (model: first token {args.first_delay * 1000:.0f} ms after the request, then a word every "
        f"{args.gap * 1000:.0f} ms; LLM answer cache off; one fresh page per question)"
    )
    end = machine()
    print("   " + machine_line("start", start))
    for label, m in zip(["after widget", "after chat"], loads[1:]):
        print("   " + machine_line(label, m))
    print("   " + machine_line("end", end))
    write_json(
        args.json,
        {
            "benchmark": "first_token_browser",
            "params": {"n": args.n, "first_delay_s": args.first_delay, "gap_s": args.gap},
            "results": results,
            "raw": raw,
            "start": start,
            "loads": loads,
            "end": end,
        },
    )


if __name__ == "__main__":
    main()
