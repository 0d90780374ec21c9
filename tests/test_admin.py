"""The admin page and API (bot/serve/admin.py): off without BOT_ADMIN_TOKEN (404), a missing or wrong token 401 (and
logged; repeated, 429), uploads with size and type limits, documents listed with counts and errors, delete,
re-ingest, sync progress; the new document answered at once after the sync while 20 clients keep asking. The
page itself is driven in the real Chromium."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from _support import admin_sign_in, cites, clients_asking, small_index, wait_sync
from test_documents import make_pdf
from test_server import LiveServer

from bot.engine import Bot
from bot.serve.server import create_app

TOKEN = "s3cret-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
DOC = "# Honey bees\n\n## How many eggs does a queen lay?\n\nA queen lays up to 2,000 eggs a day in spring.\n"
CARDS = "# Library cards\n\n## How much does a library card cost?\n\nA library card costs 12 euros a year.\n"
ASK_CARDS = "How much does a library card cost?"


def _server(tmp_path, **settings):
    s = small_index(
        tmp_path,
        {"bees.md": DOC},
        data_dir=tmp_path / "data",
        trusted_proxies=["127.0.0.1"],
        rate_limit=100_000,
        post_limit=100_000,
        **settings,
    )
    return LiveServer(create_app(Bot.from_settings(s, build=False))), s


def _wait_sync(url: str, timeout: float = 120) -> dict:
    return wait_sync(url, TOKEN, timeout)


def test_without_a_token_setting_the_admin_is_not_there(tmp_path):
    srv, _ = _server(tmp_path)
    with srv:
        for method, path in [("GET", "/admin"), ("GET", "/api/admin/documents"), ("POST", "/api/admin/sync"),
                             ("GET", "/static/admin.js"), ("GET", "/widget-preview")]:  # fmt: skip
            r = httpx.request(method, srv.url + path, headers=AUTH, timeout=30)
            assert r.status_code == 404 and set(r.json()) == {"error"}, (path, r.status_code, r.text)


def test_missing_and_wrong_tokens_are_refused_and_logged(tmp_path, caplog):
    srv, _ = _server(tmp_path, admin_token=TOKEN)
    caplog.set_level(logging.INFO, logger="bot.admin")
    with srv:
        assert httpx.get(srv.url + "/admin", timeout=30).status_code == 200  # the page (it asks for the token)
        r = httpx.get(srv.url + "/api/admin/documents", timeout=30)
        assert r.status_code == 401 and set(r.json()) == {"error"}
        r = httpx.get(srv.url + "/api/admin/documents", headers={"Authorization": "Bearer nope"}, timeout=30)
        assert r.status_code == 401
        # an upload without the token is refused before its body is read
        t = time.monotonic()
        r = httpx.post(srv.url + "/api/admin/documents", content=b"x" * 3_000_000,
                       headers={"Content-Type": "multipart/form-data; boundary=b"}, timeout=30)  # fmt: skip
        assert r.status_code == 401 and time.monotonic() - t < 5
        assert httpx.get(srv.url + "/api/admin/documents", headers=AUTH, timeout=30).status_code == 200
        codes = [httpx.get(srv.url + "/api/admin/sync", headers={"Authorization": f"Bearer x{i}"}, timeout=30).status_code
                 for i in range(12)]  # fmt: skip
        assert codes[:7] == [401] * 7 and codes[-1] == 429, codes  # 10 wrong tokens a while, then 429
        # locked out: even the right token is not looked at, from that address
        assert httpx.get(srv.url + "/api/admin/documents", headers=AUTH, timeout=30).status_code == 429
        other = {**AUTH, "X-Forwarded-For": "10.1.2.3"}  # another address is not locked out by this one
        assert httpx.get(srv.url + "/api/admin/documents", headers=other, timeout=30).status_code == 200
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.admin"]
    assert sum("refused" in m for m in logged) >= 10 and any("accepted" in m for m in logged), logged
    assert all("127.0.0.1" in m or "10.1.2.3" in m for m in logged if "admin GET" in m)
    assert any("locked out" in m for m in logged)


def test_upload_list_reingest_delete_while_clients_keep_asking(tmp_path):
    srv, s = _server(tmp_path, admin_token=TOKEN, admin_max_upload_mb=1, index_poll_s=30)
    pdf = make_pdf(tmp_path / "handbook.pdf").read_bytes()
    with srv, clients_asking(srv.url, "How many eggs does a queen lay?", subnet="10.1") as load:
        files = [
            ("files", ("cards.md", CARDS.encode(), "text/markdown")),
            ("files", ("handbook.pdf", pdf, "application/pdf")),
            ("files", ("tool.exe", b"MZ....", "application/octet-stream")),
            ("files", ("huge.txt", b"word " * 300_000, "text/plain")),
            (
                "files",
                ("../../escape.md", b"# Escape\n\nNothing here leaves the corpus folder.\n", "text/markdown"),
            ),
        ]
        r = httpx.post(f"{srv.url}/api/admin/documents", files=files, headers=AUTH, timeout=60)
        assert r.status_code == 200, r.text
        d = r.json()
        assert {x["name"] for x in d["saved"]} == {"cards.md", "handbook.pdf", "escape.md"}
        why = {x["name"]: x["reason"] for x in d["rejected"]}
        assert "not read" in why["tool.exe"] and ".pdf" in why["tool.exe"]
        assert "limit is 1 MB" in why["huge.txt"]
        assert (s.corpus_dir / "escape.md").exists() and not (tmp_path / "escape.md").exists()
        st = _wait_sync(srv.url)
        assert st["error"] is None and st["files_total"] == 4 and st["files_done"] == 4, st
        t_end = time.monotonic()
        assert cites(srv.url, ASK_CARDS, "cards.md")  # at once: the server swapped the new index in
        assert time.monotonic() - t_end < 5
        docs = {
            x["source"]: x
            for x in httpx.get(f"{srv.url}/api/admin/documents", headers=AUTH, timeout=30).json()["documents"]
        }
        assert docs["cards.md"]["chunks"] >= 1 and docs["cards.md"]["faq_entries"] == 1
        assert docs["handbook.pdf"]["chunks"] >= 3 and docs["handbook.pdf"]["status"] == "indexed"
        assert docs["bees.md"]["ingested"] and docs["cards.md"]["ingested"] >= docs["bees.md"]["ingested"]

        # a damaged upload is listed with its error, by name
        httpx.post(f"{srv.url}/api/admin/documents", files=[("files", ("broken.pdf", b"%PDF-1.4 garbage" * 50, "application/pdf"))],
                   headers=AUTH, timeout=60)  # fmt: skip
        _wait_sync(srv.url)
        docs = {
            x["source"]: x
            for x in httpx.get(f"{srv.url}/api/admin/documents", headers=AUTH, timeout=30).json()["documents"]
        }
        assert docs["broken.pdf"]["status"] == "error" and "not a readable PDF" in docs["broken.pdf"]["error"]

        r = httpx.post(f"{srv.url}/api/admin/documents/cards.md/reingest", headers=AUTH, timeout=30)
        assert r.status_code == 200 and _wait_sync(srv.url)["error"] is None
        assert (
            httpx.post(f"{srv.url}/api/admin/documents/nope.md/reingest", headers=AUTH, timeout=30).status_code == 404
        )

        r = httpx.delete(f"{srv.url}/api/admin/documents/cards.md", headers=AUTH, timeout=30)
        assert r.status_code == 200
        _wait_sync(srv.url)
        assert not cites(srv.url, ASK_CARDS, "cards.md")
        assert not (s.corpus_dir / "cards.md").exists()
        assert httpx.delete(f"{srv.url}/api/admin/documents/cards.md", headers=AUTH, timeout=30).status_code == 404
    assert load.bad == [], load.bad[:5]


@pytest.fixture
def admin_server(tmp_path):
    srv, s = _server(tmp_path, admin_token=TOKEN, index_poll_s=30)
    with srv:
        yield srv, s


def test_the_admin_page_in_a_browser(admin_server, chromium, tmp_path):
    srv, s = admin_server
    (tmp_path / "up").mkdir()
    a = tmp_path / "up" / "cards.md"
    a.write_text(CARDS, encoding="utf-8")
    b = make_pdf(tmp_path / "up" / "handbook.pdf")
    page = chromium.new_page()
    try:
        page.goto(srv.url + "/admin")
        page.fill("#token", "wrong")
        page.click("#login button")
        page.wait_for_selector("#login-msg:has-text('not accepted')")
        page.fill("#token", TOKEN)
        page.click("#login button")
        page.wait_for_selector("#docs tr[data-source='bees.md']")
        page.set_input_files("#files", [str(a), str(b)])
        page.wait_for_selector("#messages:has-text('Uploaded cards.md')")
        row = page.locator("#docs tr[data-source='handbook.pdf']")
        row.wait_for()
        page.wait_for_function(
            "() => { const r = document.querySelector(\"#docs tr[data-source='handbook.pdf'] .chunks\");"
            " return r && Number(r.textContent) > 0 && !document.querySelector('#sync-bar:not([hidden])'); }",
            timeout=120_000,
        )
        assert int(page.locator("#docs tr[data-source='cards.md'] .entries").inner_text()) == 1
        assert page.locator("#docs tr[data-source='handbook.pdf'] .status").inner_text().startswith("indexed")
        assert cites(srv.url, ASK_CARDS, "cards.md")
        page.once("dialog", lambda d: d.dismiss())  # delete asks first: "no" keeps the document
        page.click("#docs tr[data-source='cards.md'] button.delete")
        page.wait_for_timeout(300)
        assert page.locator("#docs tr[data-source='cards.md']").count() == 1 and cites(srv.url, ASK_CARDS, "cards.md")
        page.once("dialog", lambda d: d.accept())
        page.click("#docs tr[data-source='cards.md'] button.delete")
        page.wait_for_selector("#messages:has-text('Deleted cards.md')")
        page.wait_for_function("() => !document.querySelector(\"#docs tr[data-source='cards.md']\")", timeout=120_000)
        _wait_sync(srv.url)
        assert not cites(srv.url, ASK_CARDS, "cards.md")
    finally:
        page.close()


def test_guessing_from_many_addresses_is_slowed_too(tmp_path):
    from bot.serve.guard import Lockout

    lock = Lockout(limit=10, window=600, global_limit=100)
    for i in range(100):  # 20 addresses, 5 wrong tokens each: none reaches its own limit
        assert lock.locked(f"10.0.{i % 20}.1", now=i) == 0
        lock.failed(f"10.0.{i % 20}.1", now=i)
    assert lock.locked("10.9.9.9", now=100) > 0  # the global budget is spent: everyone waits
    assert lock.locked("10.9.9.9", now=700) == 0  # until the window has passed
    srv, _ = _server(tmp_path, admin_token=TOKEN)
    with srv:
        codes = [
            httpx.get(
                srv.url + "/api/admin/sync",
                headers={"Authorization": f"Bearer x{i}", "X-Forwarded-For": f"10.7.{i}.1"},
                timeout=30,
            ).status_code  # fmt: skip
            for i in range(105)
        ]
    assert codes[:100] == [401] * 100 and set(codes[100:]) == {429}, codes[95:]


def test_admin_attempts_are_visible_at_the_default_level_and_query_strings_stay_out_of_the_access_log():
    import logging

    from bot.serve.server import NoQueryStrings, quiet_logs

    quiet_logs()
    assert logging.getLogger("bot.admin").isEnabledFor(logging.INFO)  # whatever the root's level
    rec = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                            ("10.0.0.1:5", "GET", "/api/admin/report?since=7d&format=csv", "1.1", 200), None)  # fmt: skip
    assert NoQueryStrings().filter(rec) and rec.getMessage() == '10.0.0.1:5 - "GET /api/admin/report HTTP/1.1" 200'
    assert any(isinstance(f, NoQueryStrings) for f in logging.getLogger("uvicorn.access").filters)


def test_a_running_sync_can_be_cancelled_and_the_old_index_keeps_answering(tmp_path):
    """A sync stuck on a slow PDF (its reader child busy for up to BOT_READ_TIMEOUT_S) is cancelled from the API:
    it ends within seconds, the child is stopped, nothing of that sync is indexed, the old index answers, and the
    next sync (the PDF gone) indexes what was uploaded."""
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from bombs import shared_stream_pdf

    def readers() -> list[int]:  # this process's reader children (bot/ingest/worker.py), from /proc
        out = []
        for d in Path("/proc").iterdir():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmd = (d / "cmdline").read_bytes()
            except (OSError, ValueError, IndexError):
                continue
            if ppid == os.getpid() and b"bot.ingest.worker" in cmd:
                out.append(int(d.name))
        return out

    srv, s = _server(tmp_path, admin_token=TOKEN, index_poll_s=30, read_timeout_s=120)
    with srv:
        files = [
            ("files", ("cards.md", CARDS.encode(), "text/markdown")),
            ("files", ("slow.pdf", shared_stream_pdf(pages=600, stream_kb=60), "application/pdf")),
        ]
        assert httpx.post(f"{srv.url}/api/admin/documents", files=files, headers=AUTH, timeout=60).status_code == 200
        deadline = time.monotonic() + 60
        while not readers():
            assert time.monotonic() < deadline, "the reader child never started"
            time.sleep(0.05)
        time.sleep(1.0)  # the child is busy with slow.pdf
        st = httpx.get(f"{srv.url}/api/admin/sync", headers=AUTH, timeout=30).json()
        assert st["running"], st
        t0 = time.monotonic()
        r = httpx.post(f"{srv.url}/api/admin/sync/cancel", headers=AUTH, timeout=30)
        assert r.status_code == 200 and r.json()["sync"]["cancelling"] is True
        st = _wait_sync(srv.url, timeout=30)
        took = time.monotonic() - t0
        assert st["cancelled"] is True and st["stage"] == "cancelled" and st["error"] is None, st
        assert took < 5, took
        assert readers() == []
        assert cites(srv.url, "How many eggs does a queen lay?", "bees.md")  # the old index answers
        assert not cites(srv.url, ASK_CARDS, "cards.md")  # nothing of the cancelled sync
        assert (
            httpx.post(f"{srv.url}/api/admin/sync/cancel", headers=AUTH, timeout=30).json()["sync"]["running"] is False
        )
        assert httpx.post(f"{srv.url}/api/admin/sync/cancel", timeout=30).status_code == 401

        assert httpx.delete(f"{srv.url}/api/admin/documents/slow.pdf", headers=AUTH, timeout=30).status_code == 200
        st = _wait_sync(srv.url)
        assert st["error"] is None and not st["cancelled"], st
        assert cites(srv.url, ASK_CARDS, "cards.md")


def test_answers_from_the_report_refuse_bad_input_and_stay_one_entry(tmp_path):
    """/api/admin/answers and /api/admin/gaps/dismiss: the token, one error shape for bad input (empty, not JSON,
    too big), and an answer that tries to start a heading or a comment stays one entry's text."""
    from bot.ingest.corpus import read_document
    from bot.insights import answers as ans

    srv, s = _server(tmp_path, admin_token=TOKEN)
    with srv:
        url = f"{srv.url}/api/admin/answers"
        assert httpx.post(url, json={"question": "q?", "answer": "a"}, timeout=30).status_code == 401
        for body, status, says in [
            ({"question": "Can I park?", "answer": "  "}, 400, "answer is empty"),
            ({"question": "", "answer": "Yes."}, 400, "question is empty"),
            ({"question": "Can I park?", "answer": "x" * 6000}, 400, "keep it under 5000"),
        ]:
            r = httpx.post(url, json=body, headers=AUTH, timeout=30)
            assert r.status_code == status and says in r.json()["error"], r.text
        r = httpx.post(url, content=b"not json", headers=AUTH, timeout=30)
        assert r.status_code == 400 and "JSON object" in r.json()["error"]
        r = httpx.post(url, content=b"{" + b" " * 70_000 + b"}", headers=AUTH, timeout=30)
        assert r.status_code == 413 and "error" in r.json()
        hostile = "# Not a heading\nYes: behind the library. <!-- not a comment --> <script>x</script>"
        r = httpx.post(url, json={"question": "Can I park at the bees", "answer": hostile,
                                  "wordings": ["Where do I park? | or not", "Parking?"]}, headers=AUTH, timeout=30)  # fmt: skip
        assert r.status_code == 200, r.text
        _wait_sync(srv.url)
        r = httpx.post(f"{srv.url}/api/admin/gaps/dismiss", json={"question": " "}, headers=AUTH, timeout=30)
        assert r.status_code == 400 and "question is empty" in r.json()["error"]
    doc = read_document(s.corpus_dir / ans.ANSWERS_FILE, s.corpus_dir)
    entries = {b.question for b in doc.blocks if b.question}
    assert entries == {"Can I park at the bees?"}, entries  # the "#" line did not start a heading
    (b,) = [b for b in doc.blocks if b.question]
    assert b.also == ["Where do I park? / or not", "Parking?"]
    assert "<script>x</script>" in doc.text[b.spans[0][0] : b.spans[-1][1]]  # kept as text (shown escaped)


def test_the_admin_page_by_keyboard_and_on_a_phone(admin_server, chromium, tmp_path):
    """Keyboard users reach the file picker (Tab to "choose files", Enter; or Enter on the drop zone) and upload;
    on a phone-sized screen nothing makes the page scroll sideways (wide tables scroll in their own box)."""
    srv, s = admin_server
    up = tmp_path / "kbd.md"
    up.write_text(CARDS, encoding="utf-8")
    page = chromium.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(srv.url + "/admin")
        page.fill("#token", TOKEN)
        page.keyboard.press("Enter")
        page.wait_for_selector("#docs tr[data-source='bees.md']")
        page.focus("#drop")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "pick"  # "choose files" is reached by Tab
        # Enter on it (and on the drop zone) clicks the file input: the browser's picker opens (whether a headless
        # browser shows it for a synthetic key depends on its user-activation state: the click is what is ours)
        page.evaluate(
            "document.getElementById('files').addEventListener('click', () => window.__picked = (window.__picked || 0) + 1)"
        )
        page.keyboard.press("Enter")
        page.focus("#drop")
        page.keyboard.press("Enter")
        assert page.evaluate("window.__picked") == 2
        page.set_input_files("#files", str(up))
        page.wait_for_selector("#messages:has-text('Uploaded kbd.md')")
        page.wait_for_selector("#docs tr[data-source='kbd.md']")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"the page is {wide}px wide on a 390px screen"
    finally:
        page.close()
    _wait_sync(srv.url)


def test_a_gaps_wordings_mapped_to_an_existing_entry_reach_it(tmp_path):
    """ "These wordings mean that entry": a wording the matcher did not take to bees.md's entry is added to that
    entry as another wording of its question (a line in answers.md; bees.md read again), and is then answered
    from it; an entry the index does not have is a 404."""
    from bot.insights import answers as ans

    srv, s = _server(tmp_path, admin_token=TOKEN)
    odd = "What is the daily output of the hive's mother?"
    with srv:
        before = httpx.post(f"{srv.url}/api/ask", json={"question": odd}, timeout=60).json()
        assert not any(c["source"] == "bees.md" and "2,000 eggs" in c["quote"] for c in before["citations"]), before
        url = f"{srv.url}/api/admin/answers/map"
        r = httpx.post(url, json={"source": "bees.md", "entry_question": "How many eggs does a wasp lay?",
                                  "wordings": [odd]}, headers=AUTH, timeout=30)  # fmt: skip
        assert r.status_code == 404 and "No FAQ entry" in r.json()["error"]
        r = httpx.post(url, json={"source": "bees.md", "entry_question": "How many eggs does a queen lay?",
                                  "wordings": [odd, "How many eggs does a queen lay?"]}, headers=AUTH, timeout=30)  # fmt: skip
        assert r.status_code == 200 and r.json()["mapped"]["wordings"] == [odd], r.text
        _wait_sync(srv.url)
        after = httpx.post(f"{srv.url}/api/ask", json={"question": odd}, timeout=60).json()
        assert after["grounded"] and any("2,000 eggs" in c["quote"] for c in after["citations"]), after
        assert "also asked" not in after["answer"]
    assert ans.mappings(s.corpus_dir) == {"bees.md": {"how many eggs does a queen lay": [odd]}}
    assert [a["action"] for a in ans.actions(s.data_dir)] == ["map"]


def test_the_widget_section_writes_the_tag_and_previews_it(admin_server, chromium):
    """The admin page's Widget section: the options chosen become the script tag to paste (escaped attributes)
    and a live preview of the widget with them; what an option holds is shown as text."""
    from playwright.sync_api import expect

    srv, _ = admin_server
    page = chromium.new_page()
    try:
        admin_sign_in(page, srv.url, TOKEN)
        page.wait_for_selector("#docs tr[data-source='bees.md']")
        page.fill("#w-name", "Newsie")
        page.fill("#w-welcome", 'Hello from the desk <b>"x"</b>')
        page.select_option("#w-theme", "dark")
        page.fill("#w-placeholder", "Ask the desk…")
        tag = page.locator("#widget-tag").input_value()
        assert tag.startswith(f'<script src="{srv.url}/widget.js" defer') and tag.endswith("></script>"), tag
        assert 'data-name="Newsie"' in tag and 'data-theme="dark"' in tag
        assert 'data-welcome="Hello from the desk &lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in tag, tag
        frame = page.frame_locator("#widget-preview")
        expect(frame.locator("articlebot-widget .welcome")).to_contain_text('Hello from the desk <b>"x"</b>')
        expect(frame.locator("articlebot-widget .title")).to_contain_text("Newsie")
        assert 'data-placeholder="Ask the desk…"' in tag, tag
        expect(frame.locator("articlebot-widget textarea")).to_have_attribute("placeholder", "Ask the desk…")
        assert frame.locator("articlebot-widget .welcome b").count() == 0  # text, not HTML
        page.reload()  # the options chosen are kept for the next visit (this browser)
        page.wait_for_selector("#docs tr[data-source='bees.md']")
        assert page.locator("#w-name").input_value() == "Newsie" and page.locator("#w-theme").input_value() == "dark"
    finally:
        page.close()


def test_named_admin_tokens_each_sign_in_and_are_named_in_the_change_log(tmp_path):
    """BOT_ADMIN_TOKENS: several named tokens, each accepted (and BOT_ADMIN_TOKEN as "admin"); a change made from the
    report is logged with the name of the token that made it."""
    from bot.insights import answers as ans

    srv, s = _server(tmp_path, admin_token=TOKEN, admin_tokens={"alice": "alice-token-123", "bob": "bob-token-456"})
    with srv:
        for key in (TOKEN, "alice-token-123", "bob-token-456"):
            r = httpx.get(f"{srv.url}/api/admin/documents", headers={"Authorization": f"Bearer {key}"}, timeout=30)
            assert r.status_code == 200, key
        r = httpx.get(f"{srv.url}/api/admin/documents", headers={"Authorization": "Bearer carol"}, timeout=30)
        assert r.status_code == 401
        r = httpx.post(f"{srv.url}/api/admin/gaps/dismiss", json={"question": "spam spam"},
                       headers={"Authorization": "Bearer bob-token-456"}, timeout=30)  # fmt: skip
        assert r.status_code == 200, r.text
    (done,) = ans.actions(s.data_dir)
    assert done["who"].startswith("bob (") and done["action"] == "dismiss"
