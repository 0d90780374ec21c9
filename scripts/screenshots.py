"""Screenshots of the web chat and the widget for the docs (docs/img/chat.png, docs/img/widget.png).

Start a server first, then point this at it:

    python -m bot serve --port 7860 &
    python scripts/screenshots.py --url http://127.0.0.1:7860 --out docs/img

Playwright drives Debian's Chromium (`/usr/bin/chromium`, or --chromium PATH); `playwright install` is not needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]  # fmt: skip
W = "articlebot-widget"  # the widget's host element; Playwright's CSS locators pierce its shadow root


def chat(page, url: str, question: str, out: Path) -> None:
    page.goto(f"{url}/chat/")
    box = page.get_by_role("textbox").first
    box.fill(question)
    box.press("Enter")
    sources = page.get_by_text("Sources (").first
    expect(sources).to_be_visible(timeout=60_000)
    sources.click()  # open the first answer's sources: file, section, the verbatim quote
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "chat.png"))


def widget(page, url: str, question: str, out: Path) -> None:
    page.goto(f"{url}/")  # the server's own page embeds the widget, opened
    box = page.locator(f"{W} textarea")
    expect(box).to_be_visible(timeout=30_000)
    box.fill(question)
    box.press("Enter")
    done = page.locator(f"{W} .msg.bot:not([aria-busy]) .sources li").first
    expect(done).to_be_visible(timeout=60_000)
    done.locator("summary").click()  # show the first citation's quote
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "widget.png"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:7860")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "img")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--chat-question", default="Which leaders will Zelensky meet?")
    ap.add_argument("--widget-question", default="What security guarantees are being considered?")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    url = a.url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=a.chromium, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            chat(page, url, a.chat_question, a.out)
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            widget(page, url, a.widget_question, a.out)
        finally:
            browser.close()
    for name in ("chat.png", "widget.png"):
        print(a.out / name, (a.out / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
