"""Keyword search on a large index: SQLite FTS5's bm25() against the index's own BM25 (one postings blob a term,
bot/index/diskindex.py), on the same stemmed terms: time to the top 50 and how much the two top-50s overlap.

    python3 benchmarks/keyword.py --index DIR [--questions 300]

DIR is an index built by this bot, e.g. the 100k-chunk one `benchmarks/growth.py --keep K` leaves in K/100000/index.
The FTS5 table is built in a temporary file from the index's own chunk texts.
"""

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np

from bot.index.diskindex import DiskBM25, _Db
from bot.ingest.text import terms

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--index", required=True)
ap.add_argument("--questions", type=int, default=300)
ap.add_argument(
    "--bench", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "squad2-dev")
)
args = ap.parse_args()
idx = Path(args.index)
rec = sorted(idx.glob("records.*.sqlite"))[0]
db = _Db(rec)
bm = DiskBM25(db)
fts_path = Path(tempfile.mkdtemp()) / "fts.sqlite"
t = time.perf_counter()
out = sqlite3.connect(fts_path)
out.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 0')")
src = sqlite3.connect(f"file:{rec}?mode=ro&immutable=1", uri=True)
rows = (
    (r, " ".join(terms(json.loads(js)["embed_text"])))
    for r, js in src.execute("SELECT row, record FROM chunks ORDER BY row")
)
out.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", rows)
out.commit()
build = time.perf_counter() - t
print(
    f"FTS5 build over {bm.n} chunks: {build:.1f} s, {fts_path.stat().st_size / 1e6:.0f} MB; records file {rec.stat().st_size / 1e6:.0f} MB"
)
qs = [json.loads(x)["question"] for x in open(Path(args.bench) / "questions.jsonl")][: args.questions]
tf, tb, overlap = [], [], []
for q in qs:
    ts = [x for x in set(terms(q)) if x.isalnum()]
    if not ts:
        continue
    m = " OR ".join(f'"{x}"' for x in ts)
    t0 = time.perf_counter()
    got = [r for (r,) in out.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 50", (m,))]
    tf.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    s = bm.scores(ts)
    nz = np.flatnonzero(s > 0)
    top = list(nz[np.argsort(-s[nz], kind="stable")][:50])
    tb.append(time.perf_counter() - t0)
    if top:
        overlap.append(len(set(got) & set(int(x) for x in top)) / len(top))
print(
    f"{len(tf)} queries: FTS5 bm25() top-50 p50 {statistics.median(tf) * 1000:.1f} ms p95 {sorted(tf)[int(len(tf) * 0.95)] * 1000:.1f}; "
    f"blob postings (ours, first pass incl. reads) p50 {statistics.median(tb) * 1000:.1f} ms p95 {sorted(tb)[int(len(tb) * 0.95)] * 1000:.1f}; "
    f"top-50 overlap {statistics.mean(overlap):.2f}"
)
