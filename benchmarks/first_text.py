"""From pressing Enter to the first answer text visible, in a real headless Chromium (issue 3 target: ≤ 300 ms
median, offline, shipped corpus). Measured in the Gradio chat (/chat/) and in the embeddable widget.

    python3 benchmarks/first_text.py [--questions 20] [--json PATH]

Starts `python -m bot serve` on a free loopback port. A MutationObserver in the page stamps the first moment a
new answer has text; the clock starts in the page just before Enter is dispatched. Distinct questions (our
own set) so the query-embedding cache does not help. Only loopback is contacted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from _common import CACHE_DIR, ROOT, SHIPPED_CORPUS, SHIPPED_INDEX, bot_server, header, machine, machine_line, stats_ms

sys.path.insert(0, str(ROOT / "tests"))
from browser_support import CHROMIUM_ARGS as ARGS  # noqa: E402  (one list of Chromium flags)

OBSERVE = """([selector, root]) => {
  window.__first = null;
  const scope = root ? document.querySelector(root).shadowRoot : document;
  const before = scope.querySelectorAll(selector).length;
  const obs = new MutationObserver(() => {
    const all = scope.querySelectorAll(selector);
    if (all.length > before && all[all.length - 1].textContent.trim()) {
      window.__first = performance.now(); obs.disconnect();
    }
  });
  obs.observe(scope, {subtree: true, childList: true, characterData: true});
  window.__start = performance.now();
}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=20)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args()
    start = header("Enter -> first answer text visible, headless Chromium, shipped corpus")
    qs = [json.loads(x)["question"] for x in (ROOT / "eval/articles/questions.jsonl").read_text().splitlines()]
    qs = qs[: args.questions]
    env = {
        "BOT_CORPUS_DIR": str(SHIPPED_CORPUS),
        "BOT_INDEX_DIR": str(SHIPPED_INDEX),
        "BOT_CACHE_DIR": str(CACHE_DIR),
        "BOT_RATE_LIMIT": "100000",
        "BOT_DATA_DIR": str(CACHE_DIR / "bench-data"),
    }
    results = {}
    with bot_server(env) as (url, proc):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, path, box_sel, msg_sel, root in (
                ("chat (/chat/)", "/chat/", None, '[data-testid="bot"]', None),
                ("widget (/)", "/", "articlebot-widget textarea", ".msg.bot", "articlebot-widget"),
            ):
                page = b.new_page()
                page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
                page.goto(url + path)
                box = page.get_by_role("textbox").first if box_sel is None else page.locator(box_sel).first
                box.wait_for(timeout=30000)
                times = []
                for q in [qs[0], *qs]:  # the first is a warm-up
                    box.fill(q)
                    page.evaluate(OBSERVE, [msg_sel, root])
                    box.press("Enter")
                    page.wait_for_function("window.__first !== null", timeout=30000)
                    times.append(page.evaluate("window.__first - window.__start") / 1000)
                    page.wait_for_timeout(400)  # let the stream finish before the next question
                results[name] = stats_ms(times[1:])
                page.close()
            b.close()
    print(f"\n{'page':<16} {'n':>3} {'p50 ms':>8} {'p95 ms':>8} {'min':>7} {'max':>7}")
    for name, s in results.items():
        print(f"{name:<16} {s['n']:>3} {s['p50']:>8.1f} {s['p95']:>8.1f} {s['min']:>7.1f} {s['max']:>7.1f}")
    ok = all(s["p50"] <= 300 for s in results.values())
    print(f"   TARGET median <= 300 ms: {'MET' if ok else 'NOT MET'}")
    end = machine()
    print("   " + machine_line("start", start))
    print("   " + machine_line("end", end))
    if args.json:
        Path(args.json).write_text(json.dumps({"start": start, "end": end, "results": results}, indent=1))


if __name__ == "__main__":
    main()
