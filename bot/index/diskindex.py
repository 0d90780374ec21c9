"""The index for large corpora: nothing loaded whole, memory per process that hardly grows with the corpus.

For a small corpus `bot.index.store.Index` loads the whole snapshot (chunk records, vectors, BM25 postings) into
memory: answers in milliseconds. Past `BOT_CHROMA_QUERY_OVER` chunks, and always with a Chroma server, the bot
opens this instead:

- dense search (chunks, sentences, FAQ questions and leads) goes through Chroma's `query`, embedded or on the
  server (bot/answers/retrieval.ChromaRetriever, bot/answers/faq.EntryMatcher with a `candidates` source);
- chunk records, FAQ entries and the keyword index live in one SQLite file per index generation
  (`records.<gen>.sqlite`), read-only and shared by every process through the page cache; a record is read
  when an answer needs it and kept in a small LRU;
- the vectors of the chunks an answer reads (to rank their sentences) are gathered from the memory-mapped
  snapshot files, a few rows at a time.

What stays in memory grows by 12 bytes a chunk (document length, sentence offset) and 4 an FAQ entry.

The keyword index is our BM25 (bot/index/keyword.BM25: the same stems, stop words and k1/b) with each term's
postings as one blob, not SQLite FTS5: FTS5's bm25() has its own tokenizer and fixed k1, and the reader's
features (bot/answers/reader.json) were fitted on this scale. A query reads the blobs of its terms only.
"""

from __future__ import annotations

import functools
import json
import math
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from bot.index.indexbase import IndexBase
from bot.ingest.chunking import Chunk

CACHE_CHUNKS = 4096  # chunk records kept per process


class RowFile:
    """The rows of a .npy matrix, read with pread as they are asked for. Not memory-mapped: a mapping's pages
    (and the kernel's read-ahead around each) count in the process's RSS once touched, and over many questions
    would bring the whole file in; read like this, the rows sit in the page cache, shared by every process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with open(self.path, "rb") as f:
            version = np.lib.format.read_magic(f)
            read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = read(f)
            self.offset = f.tell()
        if fortran or len(shape) != 2:
            raise ValueError(f"{self.path.name}: not a row-major matrix")
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.row_bytes = self.shape[1] * self.dtype.itemsize
        self.fd = os.open(self.path, os.O_RDONLY)
        size = os.fstat(self.fd).st_size
        if size < self.offset + self.shape[0] * self.row_bytes:
            os.close(self.fd)
            raise ValueError(f"{self.path.name} is truncated")

    def __del__(self):
        fd = getattr(self, "fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass

    def __len__(self) -> int:
        return self.shape[0]

    def _run(self, start: int, stop: int) -> np.ndarray:
        n = max(0, stop - start)
        buf = os.pread(self.fd, n * self.row_bytes, self.offset + start * self.row_bytes)
        return np.frombuffer(buf, dtype=self.dtype).reshape(n, self.shape[1])

    def __getitem__(self, key) -> np.ndarray:
        if isinstance(key, slice):
            start, stop, step = key.indices(self.shape[0])
            if step != 1:
                raise IndexError("RowFile takes slices with step 1")
            return self._run(start, stop)
        if isinstance(key, (int, np.integer)):
            i = int(key) + (self.shape[0] if key < 0 else 0)
            if not 0 <= i < self.shape[0]:
                raise IndexError(key)
            return self._run(i, i + 1)[0]
        idx = np.asarray(key, dtype=np.int64).reshape(-1)
        if len(idx) and (idx.min() < 0 or idx.max() >= self.shape[0]):
            raise IndexError("row out of range")
        out = np.empty((len(idx), self.shape[1]), dtype=self.dtype)
        order = np.argsort(idx, kind="stable")
        k = 0
        while k < len(order):  # runs of consecutive rows, one read each
            j = k
            while j + 1 < len(order) and idx[order[j + 1]] <= idx[order[j]] + 1:
                j += 1
            a, b = int(idx[order[k]]), int(idx[order[j]]) + 1
            block = self._run(a, b)
            for t in range(k, j + 1):
                out[order[t]] = block[int(idx[order[t]]) - a]
            k = j + 1
        return out


def fold3(term: str) -> str:
    """A term's first three letters, folded (bot.ingest.text.fold): the key near-spellings are looked up by."""
    from bot.ingest.text import fold

    return fold(term)[:3]


def write_records(path: Path, chunks: list[dict], bm25, faq_rows: list[int]) -> None:
    """Write the records file of one index generation (chunk records as dicts, in row order)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB);
            CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT NOT NULL, source TEXT NOT NULL, entry TEXT,
                                 question TEXT, lang TEXT, faq INTEGER, record TEXT NOT NULL);
            CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL, rows BLOB NOT NULL, tfs BLOB NOT NULL,
                                fold3 TEXT NOT NULL) WITHOUT ROWID;
            """
        )
        faq_of_row = {r: i for i, r in enumerate(faq_rows)}
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?)",
            (
                (
                    r,
                    c["id"],
                    c["source"],
                    c.get("entry"),
                    c.get("question"),
                    c.get("lang", "en"),
                    faq_of_row.get(r),
                    json.dumps(c, ensure_ascii=False),
                )
                for r, c in enumerate(chunks)
            ),
        )
        db.executemany(
            "INSERT INTO terms VALUES (?,?,?,?,?)",
            (
                (t, len(ids), ids.astype(np.int32).tobytes(), tfs.astype(np.float32).tobytes(), fold3(t))
                for t, (ids, tfs) in bm25.postings.items()
            ),
        )
        offsets = np.cumsum([0] + [len(c["sentences"]) for c in chunks]).astype(np.int64)
        meta = {
            "n": str(len(chunks)).encode(),
            "dl": bm25.dl.astype(np.float32).tobytes(),
            "sent_offsets": offsets.tobytes(),
            "faq_rows": np.asarray(faq_rows, dtype=np.int32).tobytes(),
        }
        db.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        db.executescript(
            """
            CREATE INDEX chunks_id ON chunks(id); CREATE INDEX chunks_source ON chunks(source, row);
            CREATE INDEX chunks_entry ON chunks(entry, row); CREATE INDEX terms_fold ON terms(fold3);
            """
        )
        db.commit()
    finally:
        db.close()
    tmp.replace(path)


class _Db:
    """One read-only connection per thread to an immutable records file."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self.uri = f"file:{self.path}?mode=ro&immutable=1"
        self.conn().execute("SELECT count(*) FROM meta").fetchone()  # fails now if the file is not ours

    def conn(self) -> sqlite3.Connection:
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            self._local.conn = c
        return c

    def all(self, sql: str, args=()) -> list[tuple]:
        return self.conn().execute(sql, args).fetchall()

    def meta(self, key: str) -> bytes:
        row = self.conn().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row[0]


class ChunkTable(Sequence):
    """The index's chunks by row, read from the records file when asked for."""

    def __init__(self, db: _Db, n: int):
        self.db = db
        self.n = n
        self._cache: OrderedDict[int, Chunk] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(self.n))]
        row = int(row)
        if row < 0:
            row += self.n
        if not 0 <= row < self.n:
            raise IndexError(row)
        with self._lock:
            c = self._cache.get(row)
            if c is not None:
                self._cache.move_to_end(row)
                return c
        got = self.db.all("SELECT record FROM chunks WHERE row=?", (row,))
        c = Chunk.from_dict(json.loads(got[0][0]))
        with self._lock:
            self._cache[row] = c
            while len(self._cache) > CACHE_CHUNKS:
                self._cache.popitem(last=False)
        return c

    def __iter__(self) -> Iterator[Chunk]:  # streams: for whole-corpus passes (evaluation), not answering
        last = -1
        while True:
            page = self.db.all("SELECT row, record FROM chunks WHERE row>? ORDER BY row LIMIT 1000", (last,))
            if not page:
                return
            for _, rec in page:
                yield Chunk.from_dict(json.loads(rec))
            last = page[-1][0]

    def of_source(self, source: str) -> list[Chunk]:
        rows = self.db.all("SELECT row FROM chunks WHERE source=? ORDER BY row", (source,))
        return [self[r] for (r,) in rows]

    def rows_of(self, ids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for k in range(0, len(ids), 500):
            part = ids[k : k + 500]
            q = ",".join("?" * len(part))
            out.update(self.db.all(f"SELECT id, row FROM chunks WHERE id IN ({q})", part))
        return out

    def question_pool(self, limit: int) -> list[tuple[str, str, str]]:
        return [
            (q, s, lang or "en")
            for q, s, lang in self.db.all(
                "SELECT question, source, lang FROM chunks WHERE question IS NOT NULL ORDER BY row LIMIT ?", (limit,)
            )
        ]


class EntryRows:
    """FAQ entry id -> the rows of its chunks, in order (a mapping read from the records file)."""

    def __init__(self, db: _Db):
        self.db = db

    def get(self, entry: str, default=None):
        rows = [r for (r,) in self.db.all("SELECT row FROM chunks WHERE entry=? ORDER BY row", (entry,))]
        return rows or default

    def __getitem__(self, entry: str) -> list[int]:
        rows = self.get(entry)
        if rows is None:
            raise KeyError(entry)
        return rows

    def __contains__(self, entry) -> bool:
        return bool(self.db.all("SELECT 1 FROM chunks WHERE entry=? LIMIT 1", (entry,)))

    def __len__(self) -> int:
        return self.db.all("SELECT count(DISTINCT entry) FROM chunks WHERE entry IS NOT NULL")[0][0]

    def items(self) -> Iterator[tuple[str, list[int]]]:
        cur, rows = None, []
        for e, r in self.db.all("SELECT entry, row FROM chunks WHERE entry IS NOT NULL ORDER BY entry, row"):
            if e != cur and rows:
                yield cur, rows
                rows = []
            cur = e
            rows.append(r)
        if rows:
            yield cur, rows


class DiskBM25:
    """bot.index.keyword.BM25's scores, its postings read from the records file term by term."""

    def __init__(self, db: _Db, k1: float = 1.5, b: float = 0.75):
        self.db = db
        self.dl = np.frombuffer(db.meta("dl"), dtype=np.float32)
        self.n = len(self.dl)
        self.avgdl = float(self.dl.mean()) if self.n else 1.0
        self.k1, self.b = k1, b
        self._norm = (k1 * (1 - b + b * self.dl / max(self.avgdl, 1e-9))).astype(np.float32)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one per index, which lives as long as the process uses it
    def _posting(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        got = self.db.all("SELECT rows, tfs FROM terms WHERE term=?", (term,))
        if not got:
            return None
        return np.frombuffer(got[0][0], dtype=np.int32), np.frombuffer(got[0][1], dtype=np.float32)

    def has(self, term: str) -> bool:
        return self._posting(term) is not None

    def rows(self, term: str) -> np.ndarray:
        """The rows (chunks) whose text has the term."""
        p = self._posting(term)
        return p[0] if p is not None else np.zeros(0, dtype=np.int32)

    def near(self, prefix: str) -> list[str]:
        """Terms whose folded first three letters are `prefix` (for near-spellings of a name)."""
        return [t for (t,) in self.db.all("SELECT term FROM terms WHERE fold3=?", (prefix,))]

    def idf(self, term: str) -> float:
        p = self._posting(term)
        df = 0 if p is None else len(p[0])
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        for t in set(query_terms):
            p = self._posting(t)
            if p is None:
                continue
            ids, tf = p
            out[ids] += self.idf(t) * tf * (self.k1 + 1) / (tf + self._norm[ids])
        return out


class DiskIndex(IndexBase):
    """bot.index.store.Index's read interface over the records file, the vectors read as needed and Chroma."""

    dense_in_chroma = True

    def __init__(self, path: Path, manifest: dict, records: Path, vectors, faq_vectors, sent_vectors, lead_vectors):
        self.path = path
        self.manifest = manifest
        self.db = _Db(records)
        n = int(self.db.meta("n"))
        self.chunks = ChunkTable(self.db, n)
        self.vectors = vectors
        self.faq_vectors = faq_vectors
        self.lead_vectors = lead_vectors
        self.sent_vectors = sent_vectors
        self.sent_offsets = np.frombuffer(self.db.meta("sent_offsets"), dtype=np.int64)
        self.faq_rows = np.frombuffer(self.db.meta("faq_rows"), dtype=np.int32)
        self.bm25 = DiskBM25(self.db)
        self.entries = EntryRows(self.db)
        counts = self.db.all("SELECT lang, count(*) FROM chunks GROUP BY lang ORDER BY count(*) DESC, lang")
        self.langs = [lang for lang, _ in counts] or ["en"]
        self.collections: dict = {}  # Chroma collections, set by bot.index.store.open_index

    def faq_index_of_rows(self, rows: list[int]) -> dict[int, int]:
        """Chunk row -> its row in the FAQ vectors, for those rows that are FAQ chunks."""
        if not rows:
            return {}
        q = ",".join("?" * len(rows))
        return dict(self.db.all(f"SELECT row, faq FROM chunks WHERE faq IS NOT NULL AND row IN ({q})", list(rows)))

    def chunks_of(self, source: str) -> list[Chunk]:
        return self.chunks.of_source(source)

    def question_pool(self, n: int) -> list[tuple[str, str, str]]:
        return self.chunks.question_pool(n)

    def source_counts(self) -> dict[str, tuple[int, int]]:
        rows = self.db.all("SELECT source, count(*), count(DISTINCT entry) FROM chunks GROUP BY source")
        return {s: (n, e) for s, n, e in rows}

    def nearest(self, collection: str, qvec: np.ndarray, n: int, total: int) -> list[str]:
        """The ids of the `n` items of a Chroma collection (of `total` items) nearest a question vector."""
        if total <= 0:
            return []
        got = self.collections[collection].query(
            query_embeddings=[qvec.astype(np.float32).tolist()], n_results=min(n, total), include=[]
        )
        return got["ids"][0]

    def nearest_questions(self, qvec: np.ndarray, n: int) -> list[str]:
        ids = self.nearest("faq_questions", qvec, n, len(self.faq_rows))
        rows = self.chunk_rows(ids)
        return [self.chunks[rows[i]].question for i in ids if i in rows]

    def chunk_rows(self, ids: list[str]) -> dict[str, int]:
        return self.chunks.rows_of(ids)
