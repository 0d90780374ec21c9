"""Helpers for the real-browser tests of the embeddable widget (tests/test_widget_browser.py).

- `BotServer`: the real web server, `python3 -m bot serve`, in a subprocess on a free loopback port.
- `HostPage`: a third-party page on another origin (another port) that embeds the widget with one tag.
- `chromium()`: Playwright driving Debian's Chromium (`/usr/bin/chromium`; never `playwright install`).
- `NetworkGuard`: aborts and records every request that leaves the machine.

Environment knobs:
  BOT_TEST_CHROMIUM        Chromium executable (default /usr/bin/chromium)
  BOT_TEST_REQUIRE_BROWSER=1  fail instead of skipping when Playwright or Chromium is missing (CI)
  BOT_TEST_CACHE           embedding cache shared with the other tests (see _support.py)
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from _support import ROOT, bot_env

CHROMIUM = os.environ.get("BOT_TEST_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium, or set BOT_TEST_CHROMIUM)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, body: dict | None = None, timeout: float = 30) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


class BotServer:
    """`python3 -m bot serve` in a subprocess; `url` once GET /api/health answers 200."""

    def __init__(self, workdir: Path, *, corpus: Path | None = None, index: Path | None = None, **env: str):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / "server.log"
        self.env = bot_env(
            BOT_CORPUS_DIR=corpus or ROOT / "corpus",
            BOT_INDEX_DIR=index or self.workdir / "index",
            BOT_DATA_DIR=self.workdir / "data",
            **env,
        )
        self.proc: subprocess.Popen | None = None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def start(self, timeout: float = 240) -> BotServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=str(ROOT),
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with status {self.proc.returncode}:\n{self.log()}")
            try:
                status, body = http_json(self.url + "/api/health", timeout=2)
                if status == 200 and body.get("status") == "ok":
                    return self
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer /api/health within {timeout:.0f} s:\n{self.log()}")
            time.sleep(0.25)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


HOSTILE_CSS = """
  * { color: red !important; font-size: 40px; font-family: "DejaVu Serif", serif !important; }
  button { display: none; }
  div, section, p, span, textarea, details { border: 3px dashed orange; margin: 7px; }
  body { background: #ffe; }
"""


def host_page_html(widget_src: str, *, title: str, color: str, starters: list[str], position: str = "right") -> str:
    """A third-party page with hostile CSS and one script tag. Elements named like the widget's parts
    (.panel, .bubble, .log, .msg) check that the widget's own CSS does not leak out."""
    attr = lambda s: s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")  # noqa: E731
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner site</title>
<style>{HOSTILE_CSS}</style></head>
<body>
<h1>Partner news site</h1>
<p id="host-text">Some article text on the host page.</p>
<div id="host-panel" class="panel log msg bub">Host element with the widget's class names</div>
<button id="host-button" class="bubble send chip">Host button</button>
<script src="{attr(widget_src)}" defer
        data-title="{attr(title)}" data-color="{attr(color)}" data-position="{attr(position)}"
        data-starters="{attr("|".join(starters))}"></script>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


class HostPage:
    """Serve a folder (the host page) from another port: another origin than the bot's server."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> HostPage:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class NetworkGuard:
    """Route every request of a browser context: loopback and data: pass, anything else is aborted and recorded."""

    def __init__(self):
        self.blocked: list[str] = []

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "about"}:
            return True
        return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOCAL_HOSTS

    def __call__(self, route) -> None:
        url = route.request.url
        if self.allowed(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def install(self, context) -> NetworkGuard:
        context.route("**/*", self)
        return self


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Counts the text nodes appended to a streaming answer (one per `delta` event) and the bot messages
# finished, from inside the widget's open shadow root. Installed before a question is asked.
STREAM_PROBE = """
() => {
  const root = document.querySelector('articlebot-widget').shadowRoot;
  window.__deltas = 0;
  window.__streamSeen = false;
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.target.nodeType === 1 && r.target.classList.contains('stream')) window.__deltas += r.addedNodes.length;
      for (const n of r.addedNodes) if (n.nodeType === 1 && n.classList.contains('stream')) window.__streamSeen = true;
    }
  }).observe(root, {childList: true, subtree: true});
}
"""


def norm(s: str) -> str:
    """Whitespace collapsed, to compare text as a reader sees it."""
    return " ".join(s.split())


def model_server(workdir: Path, model_url: str) -> BotServer:
    """The web server (not started yet) writing answers with the model at model_url: a scripted
    OpenAI-protocol server (tests/openai_fake.py). Retries off, so a scripted 500 falls back at once."""
    return BotServer(
        workdir,
        BOT_RATE_LIMIT="1000",
        BOT_LLM="on",
        BOT_LLM_RETRIES="0",
        OPENAI_BASE_URL=model_url,
        OPENAI_API_KEY="test",
    )


def reset_script(fake) -> None:
    """An empty script for the scripted model, which then refuses; its request log cleared."""
    fake.script, fake.default = [], {"content": "NOT IN THE ARTICLES"}
    fake.requests.clear()
    fake.timings.clear()


def stream_answer(server, question: str, history=None) -> dict:
    """The answer object of the `done` event of /api/ask/stream (what the pages render), read over HTTP."""
    body = {"question": question, **({"history": history} if history else {})}
    req = urllib.request.Request(
        server.url + "/api/ask/stream", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 200 and r.headers.get("content-type", "").startswith("text/event-stream")
        text = r.read().decode("utf-8")
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if lines[0] == "event: done":
            return json.loads("".join(ln[len("data: ") :] for ln in lines[1:] if ln.startswith("data: ")))
    raise AssertionError(f"no done event in the stream: {text[-2000:]}")


# With a model configured, both browser suites script these replies and check these texts (chat and widget).
UNSUPPORTED_REPLY = (
    "Security guarantees for Ukraine are being actively discussed among European leaders and the US [1]. "
    "The moon is made of green cheese [2]."
)
CHEESE = "The moon is made of green cheese."
UNSUPPORTED_HEAD = "Not found in the articles (shown without a source):"
NOT_REACHED = "The language model could not be reached; this answer is quoted from the articles."
FIRST, FOLLOW = "Which leaders will Zelensky meet?", "What do they want from the US?"
FALLBACK_Q = "Who is the German chancellor?"  # asked only in the fallback test: never in the model's answer cache


def logged_rows(server, question: str, timeout: float = 10.0) -> list[dict]:
    """The conversation-log rows of a question on a BotServer (bot/insights/convlog.py writes them within a second)."""
    import sqlite3

    path = server.workdir / "data" / "log.sqlite"
    deadline = time.monotonic() + timeout
    while True:
        rows = []
        if path.exists():
            db = sqlite3.connect(path)
            db.row_factory = sqlite3.Row
            rows = [
                dict(r) for r in db.execute("SELECT surface, conversation FROM log WHERE question = ?", (question,))
            ]
            db.close()
        if rows or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)
