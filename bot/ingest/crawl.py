"""A website's pages into the corpus: `python -m bot ingest --url https://help.example.com/sitemap.xml`.

From a sitemap (also a sitemap index) or a start page (then its links are followed): pages of the same origin
only, robots.txt respected (and its Crawl-delay), one request at a time at a polite rate, at most `max_pages`.
Each page is saved as one file under `corpus/web/<host>/`, its first line a comment naming its URL, which the
citations of its text link to (`source_url`). The crawl's state (`corpus/web/<host>/.crawl.json`, hidden, so
not ingested) keeps each page's ETag and Last-Modified: a re-run asks for each page conditionally, so an
unchanged page is not downloaded again, and a page gone from the sitemap (or answering 404/410) is removed.

Only the network the user names is used: the site itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import urllib.robotparser
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from bot.version import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"articlebot/{__version__} (+https://github.com/; a help-center bot indexing this site)"
MAX_PAGE_BYTES = 5_000_000
MAX_REDIRECTS = 5


class OffSite(ValueError):
    """A redirect out of the named site: not followed."""


URL_COMMENT = re.compile(r"\A<!--\s*articlebot-source:\s*(\S+)\s*-->")
PAGE_TYPES = {"text/html": ".html", "application/xhtml+xml": ".html", "application/pdf": ".pdf",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
              "text/plain": ".txt", "text/markdown": ".md"}  # fmt: skip


@dataclass
class CrawlReport:
    fetched: list[str] = field(default_factory=list)  # downloaded (new or changed)
    unchanged: list[str] = field(default_factory=list)  # 304, or the same bytes
    removed: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # url -> why (robots, other origin, type, error)

    def summary(self) -> str:
        return (
            f"fetched {len(self.fetched)}, unchanged {len(self.unchanged)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)} page(s)"
        )


def source_url_of(raw_head: str) -> str | None:
    """The URL a saved page came from (its first line), or None."""
    m = URL_COMMENT.match(raw_head)
    return m.group(1) if m else None


def _origin(url: str) -> tuple[str, str]:
    u = urlsplit(url)
    return u.scheme.lower(), u.netloc.lower()


def _normal(url: str) -> str:
    u = urlsplit(url)
    return urlunsplit((u.scheme.lower(), u.netloc.lower(), u.path or "/", u.query, ""))


def _file_name(url: str, suffix: str) -> str:
    u = urlsplit(url)
    path = u.path.strip("/") or "index"
    stem = re.sub(r"[^\w.-]+", "_", path)[:100].strip("._") or "index"
    stem = re.sub(r"\.(html?|php|aspx?|jsp|pdf|docx|txt|md)$", "", stem, flags=re.IGNORECASE)
    if u.query:
        stem += "_" + hashlib.sha1(u.query.encode()).hexdigest()[:8]
    return stem + suffix


def _sitemap_urls(xml: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or a sitemap index."""
    from lxml import etree

    try:
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as e:
        raise ValueError(f"the sitemap is not valid XML ({e})") from None
    locs = [el.text.strip() for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("loc") and el.text]
    if root.tag.endswith("sitemapindex"):
        return [], locs
    return locs, []


def _links(html: str, base: str) -> list[str]:
    from lxml import html as lh

    try:
        doc = lh.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparsable page has no links to follow
        return []
    out = []
    for a in doc.iter("a"):
        href = a.get("href")
        if href and not href.startswith(("mailto:", "javascript:", "tel:", "#")):
            out.append(urljoin(base, href))
    return out


@dataclass
class _Page:
    status_code: int
    headers: dict
    url: str
    content: bytes
    encoding: str

    @property
    def text(self) -> str:
        try:
            return self.content.decode(self.encoding, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


class Crawler:
    def __init__(self, corpus_dir: Path, *, max_pages: int = 200, delay_s: float = 1.0, timeout_s: float = 20.0,
                 client=None):  # fmt: skip
        import httpx

        self.corpus_dir = Path(corpus_dir)
        self.max_pages = max_pages
        self.delay_s = delay_s
        # redirects are followed by hand (_get), each checked: the crawl never leaves the named site
        self.client = client or httpx.Client(
            timeout=timeout_s, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        )
        self._last = 0.0
        self.origin: tuple[str, str] | None = None  # the named site: (scheme, host:port)

    def _get(self, url: str, headers: dict | None = None) -> _Page:
        """GET with at most MAX_REDIRECTS redirects, each within the named site's origin; a redirect elsewhere
        raises OffSite (logged) and nothing is requested there. The site is the only host ever asked, so no
        private or loopback address is reached unless the named site itself is one."""
        for _ in range(MAX_REDIRECTS + 1):
            wait = self._last + self.delay_s - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                with self.client.stream("GET", url, headers=headers or {}) as r:
                    if r.is_redirect and r.headers.get("location"):
                        nxt = urljoin(url, r.headers["location"])
                        if self.origin is not None and _origin(nxt) != self.origin:
                            log.info("%s redirects to another site (%s): not followed", url, nxt[:300])
                            raise OffSite(f"redirected to another site ({nxt[:200]})")
                        url = nxt
                        continue
                    body = bytearray()
                    for part in r.iter_bytes():
                        body += part
                        if len(body) > MAX_PAGE_BYTES:
                            raise ValueError(f"the page is over {MAX_PAGE_BYTES // 1_000_000} MB")
                    return _Page(r.status_code, r.headers, url, bytes(body), r.encoding or "utf-8")
            finally:
                self._last = time.monotonic()
        raise ValueError(f"more than {MAX_REDIRECTS} redirects")

    def crawl(self, start: str) -> CrawlReport:
        report = CrawlReport()
        scheme, host = _origin(start)
        if scheme not in ("http", "https") or not host:
            raise ValueError(f"{start!r} is not an http(s) URL")
        self.origin = (scheme, host)
        folder = self.corpus_dir / "web" / re.sub(r"[^\w.-]+", "_", host)
        folder.mkdir(parents=True, exist_ok=True)
        state_path = folder / ".crawl.json"
        try:
            state: dict = json.loads(state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {}
        pages: dict = state.get("pages", {})

        robots = urllib.robotparser.RobotFileParser()
        try:
            r = self._get(f"{scheme}://{host}/robots.txt")
            robots.parse(r.text.splitlines() if r.status_code == 200 else [])
        except Exception as e:  # noqa: BLE001 - no robots.txt to read: everything is allowed
            log.info("robots.txt of %s: %s", host, e)
            robots.parse([])
        delay = robots.crawl_delay(USER_AGENT)
        if delay:
            self.delay_s = max(self.delay_s, float(delay))

        def allowed(url: str) -> bool:
            if _origin(url) != (scheme, host):
                report.skipped[url] = "another site"
                return False
            if not robots.can_fetch(USER_AGENT, url):
                report.skipped[url] = "disallowed by robots.txt"
                return False
            return True

        from_sitemap = start.lower().rstrip("/").endswith(".xml")
        queue: list[str] = []
        if from_sitemap:
            todo, seen_maps = [start], set()
            while todo and len(seen_maps) < 50:
                sm = todo.pop(0)
                if sm in seen_maps or not allowed(sm):
                    continue
                seen_maps.add(sm)
                try:
                    r = self._get(sm)
                except OffSite as e:
                    report.skipped[sm] = str(e)
                    continue
                if r.status_code != 200:
                    raise ValueError(f"the sitemap {sm} answered HTTP {r.status_code}")
                urls, maps = _sitemap_urls(r.content)
                queue.extend(urls)
                todo.extend(maps)
        else:
            queue = [start]
        seen: set[str] = set()
        wanted: set[str] = set()
        while queue and len(wanted) < self.max_pages:
            url = _normal(queue.pop(0))
            if url in seen:
                continue
            seen.add(url)
            if not allowed(url):
                continue
            prev = pages.get(url)
            headers = {}
            if prev and (folder / prev["file"]).exists():
                if prev.get("etag"):
                    headers["If-None-Match"] = prev["etag"]
                if prev.get("last_modified"):
                    headers["If-Modified-Since"] = prev["last_modified"]
            try:
                r = self._get(url, headers)
            except Exception as e:  # noqa: BLE001 - one page failing does not stop the crawl
                report.skipped[url] = f"{type(e).__name__}: {str(e)[:120]}"
                if prev:
                    wanted.add(url)  # keep what we have
                continue
            if r.status_code == 304 and prev:
                wanted.add(url)
                report.unchanged.append(url)
                if not from_sitemap:
                    queue.extend(_links((folder / prev["file"]).read_text(encoding="utf-8", errors="replace"), url))
                continue
            if r.status_code in (404, 410):
                report.skipped[url] = f"HTTP {r.status_code}"
                continue
            if r.status_code != 200:
                report.skipped[url] = f"HTTP {r.status_code}"
                if prev:
                    wanted.add(url)
                continue
            final = _normal(r.url)
            if _origin(final) != (scheme, host):
                report.skipped[url] = "redirected to another site"
                continue
            ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
            suffix = PAGE_TYPES.get(ctype)
            if suffix is None:
                report.skipped[url] = f"not a page the bot reads ({ctype or 'no type'})"
                continue
            name = prev["file"] if prev and prev["file"].endswith(suffix) else _file_name(url, suffix)
            body = r.content
            if suffix == ".html":
                text = r.text
                if not from_sitemap:
                    queue.extend(_links(text, final))
                body = f"<!-- articlebot-source: {url} -->\n{text}".encode()
            sha = hashlib.sha256(body).hexdigest()
            wanted.add(url)
            entry = {"file": name, "etag": r.headers.get("etag"), "last_modified": r.headers.get("last-modified"),
                     "sha256": sha}  # fmt: skip
            if prev and prev.get("sha256") == sha and (folder / name).exists():
                report.unchanged.append(url)
            else:
                tmp = folder / f".{name}.tmp"
                tmp.write_bytes(body)
                tmp.replace(folder / name)
                report.fetched.append(url)
            pages[url] = entry
        for url in sorted(set(pages) - wanted):  # gone from the sitemap, no longer linked, or 404/410
            (folder / pages[url]["file"]).unlink(missing_ok=True)
            report.removed.append(url)
            del pages[url]
        tmp = state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"start": start, "pages": pages}, indent=1), encoding="utf-8")
        tmp.replace(state_path)
        return report


__all__ = ["CrawlReport", "Crawler", "source_url_of"]
