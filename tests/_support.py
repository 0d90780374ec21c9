"""Plain helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
ARTICLE_NAME = "ukraine-peace-negotiations-london.txt"
ARTICLE = CORPUS / ARTICLE_NAME

# One session-wide embedding cache, reused across runs: no text is ever embedded twice.
CACHE_DIR = Path(os.environ.get("BOT_TEST_CACHE") or ROOT / ".cache").resolve()

ON_TOPIC = "What security guarantees are being considered?"
OFF_TOPIC = "Who won the last Eurovision Song Contest?"

# A tiny synthetic corpus: short paragraphs only (the embedder is slow on long ones).
TINY = {
    "bees.txt": (
        "Honey Bees\n\n"
        "Honey bees live in colonies of many thousands. A single queen lays all the eggs.\n\n"
        "Foraging\n\n"
        "Worker bees visit flowers to collect nectar and pollen. They share directions with a waggle dance.\n"
    ),
    "owls.txt": ("Barn Owls\n\nBarn owls hunt at night using their sharp hearing. They eat mostly voles and mice.\n"),
    "birds/robins.txt": (
        "Garden Robins\n\n"
        "Robins sing through the winter to defend their territory.\n\n"
        "Frequently Asked Questions\n\n"
        "Do robins migrate in winter?\n\n"
        "Most robins in Britain stay all year, though some fly south.\n"
    ),
}
# The edited version of bees.txt: only the "Foraging" section changes.
BEES_EDITED = TINY["bees.txt"].replace(
    "They share directions with a waggle dance.", "They tell each other where flowers are by dancing."
)


def write_corpus(folder: Path, files: dict[str, str | bytes] = TINY) -> Path:
    """`files` (name -> text, or bytes for a binary document) written under `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
    return folder


def small_index(root: Path, files: dict[str, str | bytes], **settings):
    """`files` written under root/corpus and ingested into root/index (the session's embedding cache); the
    Settings, with `settings` on top."""
    from bot.engine import ingest
    from bot.settings import load_settings

    s = load_settings(
        corpus_dir=write_corpus(Path(root) / "corpus", files),
        index_dir=Path(root) / "index",
        cache_dir=CACHE_DIR,
        **settings,
    )
    ingest(s)
    return s


def ingest_in_another_process(settings, timeout: float = 600, **env: str) -> None:
    """`python -m bot ingest` for these settings' corpus and index, in its own process (as a user runs it)."""
    r = run_bot(
        ["ingest"],
        env=bot_env(BOT_CORPUS_DIR=settings.corpus_dir, BOT_INDEX_DIR=settings.index_dir, **env),
        timeout=timeout,
    )
    assert r.returncode == 0, r.stderr[-2000:]


def bot_env(**extra: str | os.PathLike) -> dict[str, str]:
    """Environment for a `python3 -m bot` subprocess: no BOT_/OPENAI_ settings leak in from outside."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "OPENAI_"))}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["BOT_CACHE_DIR"] = str(CACHE_DIR)
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_bot(args: list[str], env: dict[str, str], stdin: str | None = None, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=str(ROOT),
        timeout=timeout,
    )


def chroma_collection(index_dir: Path, name: str = "chunks"):
    """The Chroma collection itself (not the snapshot), opened the way chromadb users would."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path = str(Path(index_dir) / "chroma")
    try:
        # chromadb keeps one client per path and process and refuses a second one with other settings:
        # use the settings the bot uses (telemetry off), else the defaults.
        client = chromadb.PersistentClient(
            path=path, settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
        )
    except ValueError:
        client = chromadb.PersistentClient(path=path)
    return client.get_collection(name)


def chroma_ids(index_dir: Path, name: str = "chunks") -> tuple[int, set[str]]:
    col = chroma_collection(index_dir, name)
    return col.count(), set(col.get()["ids"])


def manifest(index_dir: Path) -> dict:
    import json

    return json.loads((Path(index_dir) / "manifest.json").read_text(encoding="utf-8"))


def manifest_ids(index_dir: Path) -> dict[str, list[str]]:
    return {src: f["chunks"] for src, f in manifest(index_dir)["files"].items()}


_MARK = re.compile(r"\[(\d+)\]")


def marked_segments(text: str) -> list[tuple[str, int]]:
    """Split an answer 'S1 [1] S2 [2]' into [(S1, 1), (S2, 2)]; text after the last marker -> n=-1."""
    out, pos = [], 0
    for m in _MARK.finditer(text):
        out.append((text[pos : m.start()].strip(), int(m.group(1))))
        pos = m.end()
    tail = text[pos:].strip()
    if tail:
        out.append((tail, -1))
    return out


def bench_required() -> bool:
    """A missing benchmark pack fails the run instead of skipping: in CI (CI=true, as CI services set it) and
    under scripts/test.sh (BOT_TEST_REQUIRE_BENCH=1)."""
    return os.environ.get("BOT_TEST_REQUIRE_BENCH") == "1" or os.environ.get("CI", "").strip().lower() in ("true", "1")


def cites(url: str, question: str, source: str, client: str = "10.8.8.8") -> bool:
    """Asked over HTTP (from `client`'s address), is `question` answered with a citation of `source`?"""
    import httpx

    r = httpx.post(f"{url}/api/ask", json={"question": question}, headers={"X-Forwarded-For": client}, timeout=60)
    r.raise_for_status()
    d = r.json()
    return d["grounded"] and any(c["source"] == source for c in d["citations"])


@contextlib.contextmanager
def clients_asking(url: str, question: str, n: int = 20, subnet: str = "10.0"):
    """`n` clients asking `question` over and over, each from its own address (subnet.i.1), while the block runs.
    Yields a record: `asked` (answers received) and `bad` (each answer that was not a grounded 200, and each
    connection error)."""
    import httpx

    load = SimpleNamespace(asked=0, bad=[])
    stop = threading.Event()

    def client(i: int) -> None:
        with httpx.Client(timeout=60) as c:
            while not stop.is_set():
                try:
                    r = c.post(f"{url}/api/ask", json={"question": f"{question} ({i})"},
                               headers={"X-Forwarded-For": f"{subnet}.{i}.1"})  # fmt: skip
                    load.asked += 1
                    if r.status_code != 200 or not r.json()["grounded"]:
                        load.bad.append((r.status_code, r.text[:200]))
                except httpx.HTTPError as e:
                    load.bad.append(repr(e))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    try:
        yield load
    finally:
        stop.set()
        for t in threads:
            t.join(60)


def wait_sync(url: str, token: str, timeout: float = 120) -> dict:
    """Until the admin API says no sync is running or queued; its last state."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    while True:
        st = httpx.get(f"{url}/api/admin/sync", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        if not st["running"] and not st.get("queued"):
            return st
        assert time.monotonic() < deadline, st
        time.sleep(0.1)


def admin_sign_in(page, url: str, token: str) -> None:
    """Open the admin page in a Playwright page and sign in with `token` (the form, as a person would)."""
    page.goto(url + "/admin")
    page.fill("#token", token)
    page.click("#login button")
