"""Hostile files in the corpus: nothing outside the corpus folder is read, and one bad file never stops an
ingest (issue 20). The bombs are built here, small."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from _support import bot_env, run_bot, write_corpus
from bombs import deep_page_tree, docx_bomb, shared_stream_pdf
from test_documents import make_pdf

from bot.engine import Bot, ingest
from bot.ingest.corpus import scan
from bot.serve.admin import save_uploads
from bot.settings import load_settings

SECRET = "root:x:0:0:root:/root:/bin/bash\nThe secret launch code is 7741 and it opens the vault.\n"
GOOD = {"bees.md": "# Bees\n\nHoney bees dance to tell each other where the flowers are.\n"}


@pytest.fixture
def outside(tmp_path) -> Path:
    d = tmp_path / "outside"
    d.mkdir()
    (d / "passwd.txt").write_text(SECRET, encoding="utf-8")
    (d / "notes").mkdir()
    (d / "notes" / "plans.md").write_text("# Plans\n\n" + SECRET, encoding="utf-8")
    return d


def test_links_out_of_the_corpus_are_not_read_and_are_named(tmp_path, outside, cache_dir):
    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "passwd.txt").symlink_to(outside / "passwd.txt")
    (corpus / "notes").symlink_to(outside / "notes", target_is_directory=True)
    files, refused = scan(corpus)
    assert [p.name for p in files] == ["bees.md"]
    assert set(refused) == {"passwd.txt", "notes"} and all("BOT_FOLLOW_SYMLINKS" in r for r in refused.values())
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)
    rep = ingest(s)
    assert rep.added == ["bees.md"] and set(rep.failed) == {"passwd.txt", "notes"}
    bot = Bot.from_settings(s, build=False)
    a = bot.answer("What is the secret launch code?")
    assert "7741" not in a.text and "root:x" not in a.text
    assert {c.source for c in bot.index.chunks} == {"bees.md"}
    # even when links are followed, a target outside the corpus folder is refused, and named
    s2 = s.model_copy(update={"follow_symlinks": True})
    rep = ingest(s2)
    assert set(rep.failed) == {"passwd.txt", "notes"} and all("outside the corpus" in r for r in rep.failed.values())
    assert {c.source for c in Bot.from_settings(s2, build=False).index.chunks} == {"bees.md"}


def test_a_link_inside_the_corpus_is_read_only_when_asked(tmp_path, cache_dir):
    corpus = write_corpus(tmp_path / "corpus", {**GOOD, "real/wasps.md": "# Wasps\n\nWasps build paper nests.\n"})
    (corpus / "wasps-link.md").symlink_to(corpus / "real" / "wasps.md")
    (corpus / "again").symlink_to(corpus / "real", target_is_directory=True)
    assert [p.relative_to(corpus).as_posix() for p in scan(corpus)[0]] == ["bees.md", "real/wasps.md"]
    files, refused = scan(corpus, follow_symlinks=True)
    assert [p.relative_to(corpus).as_posix() for p in files] == ["bees.md", "real/wasps.md", "wasps-link.md"]
    assert refused == {}  # the linked folder is inside: its files are read once, through the folder itself


def test_an_upload_never_writes_through_a_link(tmp_path, outside):
    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "passwd.txt").symlink_to(outside / "passwd.txt")
    (corpus / ".evil.md.upload").symlink_to(outside / "passwd.txt")  # a planted temporary name
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    saved, rejected = save_uploads(s, [("passwd.txt", b"new text\n"), ("evil.md", b"# Evil\n\nNew.\n")])
    assert not rejected and [x["name"] for x in saved] == ["passwd.txt", "evil.md"]
    assert (outside / "passwd.txt").read_text(encoding="utf-8") == SECRET  # the target is untouched
    assert not (corpus / "passwd.txt").is_symlink() and (corpus / "passwd.txt").read_bytes() == b"new text\n"


def test_one_bad_pdf_never_stops_an_ingest(tmp_path, cache_dir):
    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "deep.pdf").write_bytes(deep_page_tree())
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)
    rep = ingest(s)
    assert rep.added == ["bees.md"] and set(rep.failed) == {"deep.pdf"}
    assert "LimitReachedError" in rep.failed["deep.pdf"] or "depth" in rep.failed["deep.pdf"]
    # the CLI names it, says what was indexed, and exits 0
    (corpus / "wasps.md").write_text("# Wasps\n\nWasps build paper nests.\n", encoding="utf-8")
    env = bot_env(BOT_CORPUS_DIR=corpus, BOT_INDEX_DIR=tmp_path / "index")
    r = run_bot(["ingest"], env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "deep.pdf" in r.stderr and "wasps.md" in r.stdout and "Traceback" not in r.stderr
    assert {c.source for c in Bot.from_settings(s, build=False).index.chunks} == {"bees.md", "wasps.md"}
    assert run_bot(["ingest", "--strict"], env, timeout=300).returncode == 1  # --strict: a failure is an error


def test_a_file_that_failed_is_not_read_again_until_it_changes_and_is_named_after_a_restart(
    tmp_path, cache_dir, monkeypatch
):
    from bot.index import store
    from bot.serve.admin import documents

    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "deep.pdf").write_bytes(deep_page_tree())
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)
    first = ingest(s)
    reads: list[str] = []
    real = store.read_document
    monkeypatch.setattr(store, "read_document", lambda p, *a, **k: reads.append(p.name) or real(p, *a, **k))
    from bot.ingest.worker import DocumentReader

    in_child = DocumentReader.read  # PDF and Word files are read in a child process
    monkeypatch.setattr(DocumentReader, "read", lambda self, p, *a: reads.append(p.name) or in_child(self, p, *a))
    (corpus / "wasps.md").write_text("# Wasps\n\nWasps build paper nests.\n", encoding="utf-8")
    again = ingest(s)
    assert reads == ["wasps.md"] and again.failed == first.failed  # still named, not read again
    # after a restart (a new Bot, no sync in memory) the admin page names the file and why
    docs = {d["source"]: d for d in documents(s, Bot.from_settings(s, build=False).index, {})}
    assert docs["deep.pdf"]["status"] == "error" and docs["deep.pdf"]["error"] == first.failed["deep.pdf"]
    (corpus / "deep.pdf").write_bytes(deep_page_tree(40))  # changed: read again (a shallow tree, still no text)
    third = ingest(s)
    assert reads.count("deep.pdf") == 1 and third.failed["deep.pdf"] != first.failed["deep.pdf"]
    # a raised limit reads a file again too
    (corpus / "huge.txt").write_text(
        "# Huge\n\nBees dance.\n" + " " * 1_100_000 + "\n", encoding="utf-8"
    )  # 1.1 MB, little text
    assert "huge.txt" in ingest(s.model_copy(update={"max_file_mb": 1})).failed
    assert "huge.txt" in ingest(s).added


def test_a_zip_bomb_docx_is_refused_from_its_directory_before_it_is_unpacked(tmp_path, cache_dir):
    import time

    bomb = docx_bomb(150)
    assert len(bomb) < 2_000_000
    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "bomb.docx").write_bytes(bomb)
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)
    t0 = time.perf_counter()
    rep = ingest(s)
    took = time.perf_counter() - t0
    assert rep.added == ["bees.md"] and set(rep.failed) == {"bomb.docx"}
    why = rep.failed["bomb.docx"]
    assert "BOT_MAX_UNPACKED_MB" in why and "151 MB" in why and "limit is 100 MB" in why, why
    assert took < 30  # refused from the zip's directory: nothing was unpacked (typically well under a second)
    # the same document within a raised budget is read (the limit is the only thing that refused it)
    from bot.ingest.documents import check_zip

    check_zip(bomb, 700_000_000)


def test_a_file_over_the_size_cap_is_refused_naming_the_setting(tmp_path, cache_dir):
    corpus = write_corpus(tmp_path / "corpus", {**GOOD, "huge.txt": "Bees. " * 300_000})  # 1.8 MB
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir, max_file_mb=1)
    rep = ingest(s)
    assert rep.added == ["bees.md"] and "BOT_MAX_FILE_MB" in rep.failed["huge.txt"]


def test_the_bombs_are_what_they_claim():
    import pypdf

    with pytest.raises(Exception, match="depth"):
        len(pypdf.PdfReader(io.BytesIO(deep_page_tree())).pages)
    import zipfile

    with zipfile.ZipFile(io.BytesIO(docx_bomb(20))) as z:
        assert z.getinfo("word/document.xml").file_size > 19_000_000  # the size is real, not just declared
        assert len(z.read("word/document.xml")) == z.getinfo("word/document.xml").file_size


DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/chat/completions", '{"model": "articlebot", "messages": ' + DEEP + "}"),
        ("/v1/chat/completions", '{"model": "articlebot", "messages": [{"role": "user", "content": ' + DEEP + "}]}"),
        ("/v1/chat/completions", '{"messages": [{"role": "user", "content": "\\ud800"}], "x": ' + DEEP + "}"),
        ("/api/ask", '{"question": "hi", "history": ' + DEEP + "}"),
        ("/api/feedback", '{"question": "\\ud800", "x": ' + DEEP + "}"),
        ("/chat/gradio_api/queue/join", '{"data": ' + DEEP + "}"),
    ],
    ids=["v1 messages", "v1 content", "v1 with a surrogate", "ask", "feedback with a surrogate", "chat"],
)
def test_deep_json_is_a_400_on_every_route_with_one_log_line(shipped_bot, tmp_path, caplog, path, body):
    import logging

    import httpx
    from test_server import LiveServer, _bot

    from bot.serve.server import create_app

    app = create_app(_bot(shipped_bot, tmp_path))
    caplog.set_level(logging.INFO)
    with LiveServer(app) as srv:
        r = httpx.post(srv.url + path, content=body.encode(), headers={"Content-Type": "application/json"}, timeout=60)
        assert r.status_code == 400, r.text
        assert "nested" in r.json()["error"]
        ok = httpx.post(srv.url + "/api/ask", json={"question": "How does the article describe NATO?"}, timeout=60)
        assert ok.status_code == 200  # the server goes on
    assert not [rec for rec in caplog.records if rec.exc_info or "Traceback" in rec.getMessage()]
    assert any("nested" in rec.getMessage() for rec in caplog.records)


def test_a_pdf_that_takes_too_long_is_stopped_and_named(tmp_path, cache_dir):
    import time

    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "slow.pdf").write_bytes(shared_stream_pdf())
    assert (corpus / "slow.pdf").stat().st_size < 1_500_000
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir, read_timeout_s=3)
    t0 = time.perf_counter()
    rep = ingest(s)
    took = time.perf_counter() - t0
    assert rep.added == ["bees.md"] and set(rep.failed) == {"slow.pdf"}
    why = rep.failed["slow.pdf"]
    assert "BOT_READ_TIMEOUT_S" in why or "characters of text on page" in why, why
    assert took < 30, took


def test_a_bomb_past_the_checks_stops_a_child_not_the_ingest(tmp_path, cache_dir):
    """With the unpacked-size check raised out of the way, the 150 MB document.xml reaches the parser: the child
    reading it runs out of its memory limit, and the ingest names the file and goes on."""
    import resource

    corpus = write_corpus(tmp_path / "corpus", GOOD)
    (corpus / "bomb.docx").write_bytes(docx_bomb(150))
    s = load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir, max_unpacked_mb=2000,
                      read_memory_mb=400)  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rep = ingest(s)
    assert rep.added == ["bees.md"] and set(rep.failed) == {"bomb.docx"}
    assert "BOT_READ_MEMORY_MB" in rep.failed["bomb.docx"], rep.failed
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 150, grown_mb  # the parsing happened elsewhere


def test_slow_headers_are_dropped_and_one_address_holds_few_connections(shipped_bot, tmp_path):
    import socket
    import time

    import httpx
    from test_server import LiveServer, _bot

    from bot.serve.server import create_app

    app = create_app(_bot(shipped_bot, tmp_path))
    with LiveServer(app, header_timeout_s=1.0, per_client=8) as srv:
        slow = []
        for _ in range(4):  # each sends a header a byte at a time, never finishing
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(b"GET / HTTP/1.1\r\nX: ")
            slow.append(s)
        t0 = time.monotonic()
        for s in slow:
            s.settimeout(5)
            s.sendall(b"a")
        closed = []
        for s in slow:
            try:
                closed.append(s.recv(100) == b"")
            except ConnectionResetError:
                closed.append(True)
            except TimeoutError:  # still open 5 s later
                closed.append(False)
        assert all(closed) and time.monotonic() - t0 < 4  # dropped at the deadline, not held
        # a normal client on a keep-alive connection is not dropped between its requests
        with httpx.Client(timeout=30) as c:
            for _ in range(3):
                assert c.get(srv.url + "/api/health").status_code == 200
                time.sleep(0.4)
        # past 8 open connections from one address: a 429, and the others still served
        idle = [socket.create_connection(("127.0.0.1", srv.port)) for _ in range(8)]
        extra = socket.create_connection(("127.0.0.1", srv.port))
        extra.settimeout(5)
        assert extra.recv(200).startswith(b"HTTP/1.1 429")
        for s in idle:
            s.close()
        time.sleep(0.3)
        r = httpx.post(srv.url + "/api/ask", json={"question": "How does the article describe NATO?"}, timeout=60)
        assert r.status_code == 200


def test_the_reader_child_works_when_the_process_holds_over_a_thousand_descriptors(tmp_path, cache_dir):
    """A server with many connections open holds descriptors numbered past 1024, where select() refuses to wait
    (seen as "filedescriptor out of range in select()" on a PDF in a long test run): the reader waits with poll."""
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1400:
        pytest.skip(f"this machine allows {hard} open files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1400), hard))
    held = []
    try:
        while len(held) < 1100:
            held.append(os.open(os.devnull, os.O_RDONLY))
        assert max(held) >= 1024
        corpus = write_corpus(tmp_path / "corpus", GOOD)
        make_pdf(corpus / "handbook.pdf")
        rep = ingest(load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir))
        assert rep.failed == {} and "handbook.pdf" in rep.added, rep.failed
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
