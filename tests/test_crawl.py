"""A website's pages into the corpus (bot/ingest/crawl.py, `ingest --url`), against a small site served here over real
HTTP: from its sitemap or by following links; same origin only; robots.txt respected; a polite rate; a page
cap; a re-run re-fetches only changed pages (ETag / Last-Modified) and removes pages gone from the sitemap; the
citations of a fetched page link to its URL. No other network."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from _support import CACHE_DIR, bot_env, run_bot

from bot.engine import Bot, ingest
from bot.ingest.crawl import Crawler
from bot.settings import load_settings

FAQ = """<html><head><title>Help center</title></head><body><nav><a href="/about.html">About</a></nav><main>
<h1>Help center</h1>
<h2 id="reset">How do I reset my password?</h2><p>Open the sign-in page and choose "Forgot password". A reset link
is sent to your e-mail address within five minutes.</p>
<h2 id="refund">How long does a refund take?</h2><p>Refunds reach your account within ten working days.</p>
<p><a href="/private/secret.html">staff</a> <a href="https://elsewhere.example/x.html">partner</a></p>
</main></body></html>"""
ABOUT = "<html><head><title>About us</title></head><body><h1>About us</h1><p>The shop was founded in 1998 in Ghent.</p></body></html>"
SECRET = "<html><body><h1>Staff only</h1><p>The safe code is 4711.</p></body></html>"


class Site:
    def __init__(self):
        self.pages = {"/faq.html": FAQ, "/about.html": ABOUT, "/private/secret.html": SECRET}
        self.sitemap = ["/faq.html", "/about.html", "/private/secret.html"]
        self.log: list[tuple[float, str, int]] = []
        self.redirects: dict[str, str] = {}  # path -> Location
        site = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                if path in site.redirects:
                    site.log.append((time.monotonic(), path, 302))
                    self.send_response(302)
                    self.send_header("Location", site.redirects[path])
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if path == "/robots.txt":
                    site.log.append((time.monotonic(), path, -1))  # not a page: fetched() leaves it out
                    return self._send(200, "User-agent: *\nDisallow: /private/\n", "text/plain")
                if path in ("/sitemap.xml", "/sitemap-pages.xml"):
                    locs = "".join(f"<url><loc>{site.base}{p}</loc></url>" for p in site.sitemap)
                    xml = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
                    return self._send(200, xml, "application/xml")
                body = site.pages.get(path)
                if body is None:
                    return self._send(404, "not here", "text/plain")
                etag = '"' + hashlib.sha1(body.encode()).hexdigest()[:12] + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.log.append((time.monotonic(), path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                site.log.append((time.monotonic(), path, 200))
                self._send(200, body, "text/html; charset=utf-8", etag)

            def _send(self, code, text, ctype, etag=None):
                data = text.encode()
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def fetched(self, code: int = 200) -> list[str]:
        return [p for _, p, c in self.log if c == code]


@pytest.fixture
def site():
    s = Site()
    yield s
    s.httpd.shutdown()


def test_sitemap_crawl_same_origin_robots_and_cited_urls(site, tmp_path):
    corpus = tmp_path / "corpus"
    rep = Crawler(corpus, delay_s=0.2).crawl(site.base + "/sitemap.xml")
    assert sorted(rep.fetched) == [site.base + "/about.html", site.base + "/faq.html"]
    assert "robots.txt" in rep.skipped[site.base + "/private/secret.html"]
    assert sorted(site.fetched()) == ["/about.html", "/faq.html"]  # the disallowed page was never asked for
    times = [t for t, *_ in site.log]
    assert all(b - a >= 0.18 for a, b in zip(times, times[1:])), times  # one request at a time, politely spaced
    folder = corpus / "web" / site.base.split("//")[1].replace(":", "_")
    assert sorted(p.name for p in folder.iterdir()) == [".crawl.json", "about.html", "faq.html"]

    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=CACHE_DIR)
    ingest(s)
    a = Bot.from_settings(s, build=False).answer("How do I reset my password?")
    assert a.grounded and a.citations, a.text
    c = a.citations[0]
    assert c.source.endswith("faq.html") and c.source_url == f"{site.base}/faq.html#reset", c
    assert "4711" not in a.text

    # a re-run: nothing changed, nothing downloaded again
    site.log.clear()
    rep = Crawler(corpus, delay_s=0.0).crawl(site.base + "/sitemap.xml")
    assert rep.fetched == [] and sorted(site.fetched(304)) == ["/about.html", "/faq.html"] and site.fetched() == []
    # one page changes, one leaves the sitemap
    site.pages["/faq.html"] = FAQ.replace("ten working days", "five working days")
    site.sitemap.remove("/about.html")
    site.log.clear()
    rep = Crawler(corpus, delay_s=0.0).crawl(site.base + "/sitemap.xml")
    assert rep.fetched == [site.base + "/faq.html"] and rep.removed == [site.base + "/about.html"]
    assert site.fetched() == ["/faq.html"]
    assert not (folder / "about.html").exists()
    report = ingest(s)
    assert report.removed and report.updated
    a = Bot.from_settings(s, build=False).answer("How long does a refund take?")
    assert a.grounded and "five working days" in a.text


def test_following_links_with_a_page_cap_and_the_cli(site, tmp_path):
    corpus = tmp_path / "corpus"
    rep = Crawler(corpus, delay_s=0.0, max_pages=1).crawl(site.base + "/faq.html")
    assert rep.fetched == [site.base + "/faq.html"]  # the cap: one page
    rep = Crawler(corpus, delay_s=0.0).crawl(site.base + "/faq.html")
    assert rep.fetched == [site.base + "/about.html"] and rep.unchanged == [site.base + "/faq.html"]
    assert rep.skipped["https://elsewhere.example/x.html"] == "another site"
    assert "robots.txt" in rep.skipped[site.base + "/private/secret.html"]

    env = bot_env(BOT_CORPUS_DIR=tmp_path / "corpus2", BOT_INDEX_DIR=tmp_path / "index2")
    r = run_bot(["ingest", "--url", site.base + "/sitemap.xml", "--delay", "0"], env)
    assert r.returncode == 0, r.stderr
    assert "fetched 2" in r.stdout and "added 2" in r.stdout and "disallowed by robots.txt" in r.stderr
    r = run_bot(["ingest", "--url", "ftp://nowhere/x"], env)
    assert r.returncode == 2 and "not an http(s) URL" in r.stderr


def test_the_crawl_never_leaves_the_named_site(site, tmp_path):
    """A page, a child sitemap and robots.txt that redirect to another origin (another port here) are not
    followed: the other server is never asked for anything; redirects within the site are, at most 5."""
    elsewhere = Site()
    try:
        index = (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site.base}/sitemap-pages.xml</loc></sitemap>"
            f"<sitemap><loc>{site.base}/moved-sitemap.xml</loc></sitemap></sitemapindex>"
        )
        site.pages["/index.xml"] = index
        site.redirects.update({
            "/robots.txt": elsewhere.base + "/robots.txt",
            "/moved-sitemap.xml": elsewhere.base + "/sitemap.xml",
            "/about.html": elsewhere.base + "/about.html",
            "/old-faq.html": "/faq.html",  # within the site: followed
            **{f"/loop{i}.html": f"/loop{i + 1}.html" for i in range(10)},
        })  # fmt: skip
        site.sitemap[:] = ["/faq.html", "/about.html", "/old-faq.html", "/loop0.html"]
        rep = Crawler(tmp_path / "corpus", delay_s=0.0).crawl(site.base + "/index.xml")
        assert elsewhere.log == []  # not one request reached the other origin
        assert "another site" in rep.skipped[site.base + "/moved-sitemap.xml"]
        assert "another site" in rep.skipped[site.base + "/about.html"]
        assert "more than 5 redirects" in rep.skipped[site.base + "/loop0.html"]
        assert site.base + "/old-faq.html" in rep.fetched and site.base + "/faq.html" in rep.fetched
        assert len([p for _, p, c in site.log if p.startswith("/loop")]) == 6  # the first and 5 redirects
    finally:
        elsewhere.httpd.shutdown()
