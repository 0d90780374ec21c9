"""The index: a Chroma collection on disk (through langchain-chroma) plus a keyword index beside it.

`sync()` brings the index in line with the corpus folder: unchanged files are skipped, changed files
re-chunked (only new chunk ids are embedded), deleted files' chunks removed. After each sync a
read-only snapshot of the store (chunk records, vectors, BM25 postings) is written beside it, so
answering loads in milliseconds without importing chromadb.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.errors import IndexMismatch, IndexMissing, SyncCancelled
from bot.index.diskindex import DiskIndex, RowFile, write_records
from bot.index.indexbase import IndexBase
from bot.index.keyword import BM25
from bot.ingest.answers_file import mappings
from bot.ingest.chunking import Chunk, chunk_document, faq_text
from bot.ingest.corpus import PARSER, ReadLimits, list_files, read_document, scan
from bot.ingest.worker import Cancelled

UNTRUSTED = {".pdf", ".docx"}  # binary formats whose parsers are read in a child process (bot/ingest/worker.py)

log = logging.getLogger(__name__)

FORMAT = 6  # 6: records.sqlite; 5: snapshot files named by generation, the manifest naming the one to read
SAME_STORE = (5, 6)  # formats whose Chroma collections this one keeps (an ingest only writes the new snapshot)
BATCH = 5000  # ids per Chroma delete / $in filter
PAGE = 10000  # items per Chroma get
SNAPSHOT_FILES = (
    "snapshot.json",
    "vectors.npy",
    "faq_vectors.npy",
    "sentence_vectors.npy",
    "lead_vectors.npy",
    "records.sqlite",  # the same records and keyword index, for bot/index/diskindex.py (large corpora, Chroma server)
)


def snapshot_path(index_dir: Path, name: str, gen: str) -> Path:
    """A snapshot file of one generation: `vectors.npy` of generation g is `vectors.g.npy`. An ingest writes a
    whole new generation, then the manifest that names it (one atomic rename): a reader, or an ingest killed
    at any point, never sees files of two generations together."""
    stem, ext = name.split(".", 1)
    return Path(index_dir) / f"{stem}.{gen}.{ext}"


def _drop_other_generations(index_dir: Path, keep: str | None) -> None:
    for name in SNAPSHOT_FILES:
        stem, ext = name.split(".", 1)
        for p in Path(index_dir).glob(f"{stem}.*.{ext}"):
            gen = p.name[len(stem) + 1 : -len(ext) - 1]
            if gen != keep and "." not in gen:
                p.unlink(missing_ok=True)
        old = Path(index_dir) / name  # format 4 and before: unnamed
        old.unlink(missing_ok=True)


COLLECTION = "chunks"
FAQ_COLLECTION = "faq_questions"
LEAD_COLLECTION = "faq_leads"  # each FAQ chunk's entry lead: its question and the opening of its answer
SENTENCE_COLLECTION = "sentences"


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    texts_embedded: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0

    def summary(self) -> str:
        s = (
            f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)} unchanged file(s); embedded {self.texts_embedded} new text(s), "
            f"removed {self.chunks_removed} chunk(s); {self.chunks_total} chunks in the index ({self.seconds:.1f} s)"
        )
        if self.failed:
            s += f"; {len(self.failed)} file(s) could not be read"
        return s


def _write_json(path: Path, obj) -> None:
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def _write_npy(path: Path, arr: np.ndarray) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp.npy")
    np.save(tmp, arr)
    tmp.replace(path)


class _LCEmbeddings:
    """LangChain Embeddings facade over the cached embedder, handed to langchain-chroma."""

    def __init__(self, cached, progress=None, note=None, total: int = 0):
        self.cached = cached
        self.progress = progress
        self.note, self.total, self.done = note, total, 0

    def embed_documents(self, texts):
        v = self.cached.embed(list(texts))
        if self.progress is not None:
            self.progress.update(len(texts))
        self.done += len(texts)
        if self.note is not None:
            self.note("embedding", min(self.done, self.total), self.total)
        return v.tolist()

    def embed_query(self, text):
        return self.cached.inner.embed_query(text)


class Index(IndexBase):
    """Read side: everything retrieval needs, loaded from the snapshot."""

    def __init__(
        self,
        path: Path,
        manifest: dict,
        chunks: list[Chunk],
        vectors: np.ndarray,
        faq_rows: np.ndarray,
        faq_vectors: np.ndarray,
        bm25: BM25,
        sent_vectors: np.ndarray | None = None,
        lead_vectors: np.ndarray | None = None,
    ):
        self.path = path
        self.manifest = manifest
        self.chunks = chunks
        self.vectors = vectors
        self.faq_rows = faq_rows  # chunk row of each FAQ question vector
        self.faq_vectors = faq_vectors
        self.lead_vectors = faq_vectors if lead_vectors is None else lead_vectors  # aligned with faq_rows
        # sentence vectors, chunk by chunk: chunk i owns rows sent_offsets[i] : sent_offsets[i + 1]
        self.sent_vectors = sent_vectors
        self.sent_offsets = np.cumsum([0] + [len(c.sentences) for c in chunks])
        self.bm25 = bm25
        # FAQ entries: id -> the rows of its chunks, in order (a long answer is split into several parts)
        self.entries: dict[str, list[int]] = {}
        for row, c in enumerate(chunks):
            if c.entry:
                self.entries.setdefault(c.entry, []).append(row)
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.lang] = counts.get(c.lang, 0) + 1
        self.langs = sorted(counts, key=lambda k: -counts[k]) or ["en"]  # most chunks first

    def chunks_of(self, source: str) -> list[Chunk]:
        return [c for c in self.chunks if c.source == source]

    def source_counts(self) -> dict[str, tuple[int, int]]:
        """Each document's chunks and FAQ entries."""
        chunks: dict[str, int] = {}
        entries: dict[str, set] = {}
        for c in self.chunks:
            chunks[c.source] = chunks.get(c.source, 0) + 1
            if c.entry:
                entries.setdefault(c.source, set()).add(c.entry)
        return {s: (n, len(entries.get(s, ()))) for s, n in chunks.items()}

    def nearest_questions(self, qvec: np.ndarray, n: int) -> list[str]:
        """The n FAQ questions nearest a question vector."""
        return [self.chunks[int(self.faq_rows[i])].question for i in np.argsort(-(self.faq_vectors @ qvec))[:n]]

    def question_pool(self, n: int) -> list[tuple[str, str, str]]:
        """(question, source, language) of the first n FAQ chunks, in corpus order."""
        return [(c.question, c.source, c.lang) for c in self.chunks if c.question][:n]

    @classmethod
    def exists(cls, path: Path) -> bool:
        return (Path(path) / "manifest.json").exists()

    @classmethod
    def older_format(cls, path: Path) -> bool:
        """An index of ours in an earlier format (an ingest rebuilds it from the embedding cache)."""
        try:
            m = json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(m, dict) and isinstance(m.get("format"), int) and m["format"] < FORMAT

    @classmethod
    def load(cls, path: Path, embedder_name: str, manifest: dict | None = None) -> Index:
        path = Path(path)
        manifest = manifest if manifest is not None else read_manifest(path, embedder_name)
        gen = str(manifest.get("snapshot", ""))
        try:
            data = json.loads(snapshot_path(path, "snapshot.json", gen).read_text(encoding="utf-8"))
            chunks = [Chunk.from_dict(c) for c in data["chunks"]]
            # memory-mapped, read-only: the processes of one host (--workers N, several servers) share one copy
            # of the vectors in the page cache instead of each holding its own
            vectors = np.load(snapshot_path(path, "vectors.npy", gen), mmap_mode="r")
            faq = np.load(snapshot_path(path, "faq_vectors.npy", gen), mmap_mode="r")
            sent = np.load(snapshot_path(path, "sentence_vectors.npy", gen), mmap_mode="r")
            lead = np.load(snapshot_path(path, "lead_vectors.npy", gen), mmap_mode="r")
            bm25 = BM25.from_json(data["bm25"])
        except (OSError, ValueError, KeyError, TypeError, EOFError) as e:
            raise IndexMismatch(
                f"The index in {path} is damaged ({type(e).__name__}: {str(e)[:200]}). "
                "Run `python -m bot ingest --rebuild`."
            ) from None
        rows = np.array(data["faq_rows"], dtype=np.int32)
        n_sent = sum(len(c.sentences) for c in chunks)
        if (
            len(vectors) != len(chunks)
            or len(sent) != n_sent
            or len(faq) != len(rows)
            or len(lead) != len(rows)
            or manifest.get("chunks", len(chunks)) != len(chunks)
        ):
            raise IndexMismatch(
                f"The index in {path} is inconsistent (its files disagree: {len(chunks)} chunks, {len(vectors)} "
                f"vectors, manifest {manifest.get('chunks')}); an ingest may be writing it. If this persists, run "
                "`python -m bot ingest --rebuild`."
            )
        return cls(path, manifest, chunks, vectors, rows, faq, bm25, sent, lead)


def read_manifest(path: Path, embedder_name: str) -> dict:
    mpath = Path(path) / "manifest.json"
    if not mpath.exists():
        raise IndexMissing(f"No index in {path}. Run `python -m bot ingest` to build it.")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        raise IndexMismatch(
            f"The index manifest {mpath} is damaged ({e}). Run `python -m bot ingest --rebuild`."
        ) from None
    check_compatible(manifest, embedder_name, path)
    return manifest


def dense_in_chroma(manifest: dict, dense: str, over: int, server: ChromaServer | None) -> bool:
    """Whether dense search goes through Chroma's `query` (bot/index/diskindex.py) rather than the in-memory snapshot:
    always with a Chroma server, past `over` chunks on disk, or when asked for; 'memory' keeps the snapshot."""
    if dense == "memory":
        return False
    return dense == "chroma" or server is not None or int(manifest.get("chunks", 0)) > over


def open_index(
    path: Path, embedder_name: str, *, dense: str = "auto", over: int = 20000, server: ChromaServer | None = None
):
    """The index to answer from: the in-memory snapshot (bot.index.store.Index), or for a large corpus or a Chroma
    server the records file with dense search in Chroma (bot.index.diskindex.DiskIndex)."""
    path = Path(path)
    manifest = read_manifest(path, embedder_name)
    if not dense_in_chroma(manifest, dense, over, server):
        return Index.load(path, embedder_name, manifest)
    gen = str(manifest.get("snapshot", ""))
    try:
        records = snapshot_path(path, "records.sqlite", gen)
        if not records.exists():
            raise OSError(f"{records.name} is missing")
        vec = {n: RowFile(snapshot_path(path, n, gen)) for n in SNAPSHOT_FILES if n.endswith(".npy")}
        ix = DiskIndex(
            path,
            manifest,
            records,
            vec["vectors.npy"],
            vec["faq_vectors.npy"],
            vec["sentence_vectors.npy"],
            vec["lead_vectors.npy"],
        )
    except (OSError, ValueError, KeyError, TypeError, EOFError, sqlite3.Error) as e:
        raise IndexMismatch(
            f"The index in {path} is damaged ({type(e).__name__}: {str(e)[:200]}). "
            "Run `python -m bot ingest --rebuild`."
        ) from None
    n = len(ix.chunks)
    if len(ix.vectors) != n or len(ix.sent_vectors) != int(ix.sent_offsets[-1]) or manifest.get("chunks", n) != n:
        raise IndexMismatch(
            f"The index in {path} is inconsistent (its files disagree: {n} chunks, {len(ix.vectors)} vectors, "
            f"manifest {manifest.get('chunks')}). Run `python -m bot ingest --rebuild`."
        )
    if server is None:
        # a new client: Chroma's embedded client keeps each collection's vector index in memory and does not see
        # what another process (an ingest) added since, though its counts do
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    client = _client(path, server)
    try:
        ix.collections = {
            name: client.get_collection(_collection_name(name, server))
            for name in (COLLECTION, FAQ_COLLECTION, LEAD_COLLECTION, SENTENCE_COLLECTION)
        }
    except Exception as e:  # noqa: BLE001 - chromadb raises its own kinds for a missing collection
        raise IndexMismatch(
            f"The Chroma collections of the index in {path} are missing ({type(e).__name__}: {str(e)[:200]}). "
            "Run `python -m bot ingest --rebuild`."
        ) from None
    return ix


def check_compatible(manifest: dict, embedder_name: str, path: Path, formats: tuple[int, ...] = (FORMAT,)) -> None:
    if manifest.get("format") not in formats:
        raise IndexMismatch(
            f"The index in {path} has an older format. Run `python -m bot ingest --rebuild` to rebuild it."
        )
    if manifest.get("embedder") != embedder_name:
        raise IndexMismatch(
            f"The index in {path} was built with embedder {manifest.get('embedder')!r}, but the bot is "
            f"configured for {embedder_name!r}. Run `python -m bot ingest --rebuild` (or switch BOT_EMBEDDER back)."
        )


@dataclass
class ChromaServer:
    """A Chroma server (`chroma run`) holding the collections, instead of a folder in the index directory.
    Several indexes can share one server: each names its collections with its own prefix."""

    host: str
    port: int = 8000
    prefix: str = "bot"

    def name(self, collection: str) -> str:
        return f"{self.prefix}-{collection}"


def _collection_name(name: str, server: ChromaServer | None) -> str:
    return server.name(name) if server else name


def _client(path: Path, server: ChromaServer | None = None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if server is not None:
        try:
            return chromadb.HttpClient(
                host=server.host, port=server.port, settings=ChromaSettings(anonymized_telemetry=False)
            )
        except Exception as e:  # noqa: BLE001 - chromadb raises several kinds when the server is not there
            raise IndexMissing(
                f"No Chroma server answers at {server.host}:{server.port} ({type(e).__name__}). Start one "
                "(`chroma run --path DIR --port P`) or unset BOT_CHROMA_HOST to keep the store on disk."
            ) from None
    return chromadb.PersistentClient(
        path=str(path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    )


def _chroma(path: Path, embeddings, name: str, server: ChromaServer | None = None):
    from langchain_chroma import Chroma

    client = _client(path, server)
    return Chroma(
        collection_name=_collection_name(name, server),
        embedding_function=embeddings,
        client=client,
        collection_metadata={"hnsw:space": "cosine"},
    )


@contextmanager
def _index_lock(index_dir: Path):
    """Chroma's on-disk client is not safe for concurrent writers: a second `ingest` waits here."""
    import fcntl

    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def sync(
    corpus_dir: Path,
    index_dir: Path,
    embedder,
    cache,
    *,
    rebuild: bool = False,
    max_tokens: int = 400,
    progress: bool = False,
    server: ChromaServer | None = None,
    force: set[str] | frozenset[str] = frozenset(),
    on_progress=None,
    follow_symlinks: bool = False,
    limits: ReadLimits | None = None,
    cancel=None,
) -> SyncReport:
    """Bring the index in index_dir in line with corpus_dir, one writer at a time. Returns what changed. With
    `server`, the collections live on that Chroma server; the manifest and snapshot stay in index_dir. Files
    named in `force` are read again even when unchanged. `on_progress(stage, done, total)` is told how far it
    is: stage "files" (files read of all), "embedding" (texts embedded of those to embed), "writing", "done".
    `cancel` (a threading.Event), once set, stops the sync with SyncCancelled before it writes a new snapshot or
    manifest: the index it had keeps answering (what it had added to Chroma is swept by the next sync)."""
    told = on_progress or (lambda stage, done, total: None)

    def note(stage: str, done: int, total: int) -> None:
        if cancel is not None and cancel.is_set() and stage != "done":
            raise SyncCancelled("the sync was cancelled; the index it had is unchanged")
        told(stage, done, total)

    list_files(Path(corpus_dir))  # a missing corpus is an error before anything is created
    with _index_lock(Path(index_dir)):
        t0 = time.perf_counter()
        corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
        files, refused = scan(corpus_dir, follow_symlinks)  # raises CorpusNotFound
        index_dir.mkdir(parents=True, exist_ok=True)
        mpath = index_dir / "manifest.json"
        for tmp in [*index_dir.glob("*.tmp"), *index_dir.glob("*.tmp.npy")]:  # left by a writer that was killed
            tmp.unlink(missing_ok=True)
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8")) if mpath.exists() else None
        except ValueError:  # a damaged manifest: start over (the embedding cache keeps it cheap)
            log.warning("the manifest in %s is damaged: rebuilding the index", index_dir)
            manifest, rebuild = None, True
        if manifest is not None and not rebuild and manifest.get("format") in SAME_STORE:
            check_compatible(manifest, embedder.name, index_dir, SAME_STORE)
        if (
            rebuild
            or manifest is None
            or manifest.get("max_tokens") != max_tokens
            or manifest.get("format") not in SAME_STORE
        ):  # an older layout of ours: rebuilt (the cache keeps it cheap)
            if (index_dir / "chroma").exists() or server is not None:
                client = _client(index_dir, server)
                for name in (COLLECTION, FAQ_COLLECTION, SENTENCE_COLLECTION, LEAD_COLLECTION):
                    try:
                        client.delete_collection(_collection_name(name, server))
                    except Exception:  # noqa: BLE001 - absent collection: nothing to drop
                        pass
            (index_dir / "manifest.json").unlink(missing_ok=True)
            _drop_other_generations(index_dir, None)
            manifest = None
        old_files: dict = (manifest or {}).get("files", {})
        reparse = manifest is not None and manifest.get("parser", 1) != PARSER  # read by another parser version
        report = SyncReport()
        # files that could not be read, kept in the manifest: one is not read again until it changes, and the
        # admin page names it after a restart too
        old_failed: dict = {} if manifest is None or reparse else manifest.get("failed", {})
        new_failed: dict[str, dict] = {}
        limits = limits or ReadLimits()

        budget = limits.key()  # a raised limit reads them again
        reader = None  # PDF and Word files: read in a child process with a memory and a time limit

        def fail(source: str, why: str, sha: str = "") -> None:
            report.failed[source] = why
            new_failed[source] = {"sha256": sha, "reason": why, "limits": budget}
            log.warning("skipped %s: it %s", source, why)

        for source, why in refused.items():  # symbolic links: nothing outside the corpus folder is read
            fail(source, why)

        new_files: dict[str, dict] = {}
        new_chunks: dict[str, Chunk] = {}
        mapped = mappings(corpus_dir)

        try:
            for k, path in enumerate(files):
                note("files", k, len(files))
                source = path.relative_to(corpus_dir).as_posix()
                try:
                    size = path.stat().st_size
                    if size > limits.max_file_bytes:  # not even hashed: nothing of it is read
                        mb = limits.max_file_bytes / 1e6
                        fail(source, f"is {size / 1e6:,.0f} MB; the limit is {mb:,.0f} MB a file (split it, or raise "
                                     "BOT_MAX_FILE_MB)", f"size:{size}")  # fmt: skip
                        continue
                    raw_sha = hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError as e:
                    fail(source, str(e))
                    continue
                prev = old_files.get(source)
                also = mapped.get(source)  # other wordings the admin page gave this document's entries
                also_key = hashlib.sha256(json.dumps(also, sort_keys=True).encode()).hexdigest()[:16] if also else ""
                if (
                    prev
                    and prev["sha256"] == raw_sha
                    and prev.get("also", "") == also_key
                    and manifest is not None
                    and source not in force
                    and not reparse
                ):
                    new_files[source] = prev
                    report.skipped.append(source)
                    continue
                failed = old_failed.get(source)
                same = failed and failed.get("sha256") == raw_sha and failed.get("limits") == budget
                if same and source not in force:
                    report.failed[source] = failed["reason"]  # unchanged since it failed: not read again
                    new_failed[source] = failed
                    continue
                try:
                    if path.suffix.lower() in UNTRUSTED:
                        from bot.ingest.worker import DocumentReader

                        reader = reader or DocumentReader(limits.memory_mb, limits.timeout_s)
                        try:
                            doc = reader.read(path, corpus_dir, limits, cancel)
                        except Cancelled:
                            reader.close()
                            raise SyncCancelled("the sync was cancelled; the index it had is unchanged") from None
                    else:
                        doc = read_document(path, corpus_dir, limits)
                except (ValueError, OSError) as e:
                    fail(source, str(e), raw_sha)
                    continue
                except Exception as e:  # noqa: BLE001 - a parser's own error (pypdf's LimitReachedError, ...): one bad
                    # file is skipped, named with the reason, and the rest is indexed
                    fail(source, f"could not be read ({type(e).__name__}: {str(e)[:300]})", raw_sha)
                    continue
                chunks = chunk_document(doc, max_tokens, also)
                new_files[source] = {
                    "sha256": doc.sha256,
                    "chunks": [c.id for c in chunks],
                    "ingested": round(time.time(), 1),
                }
                if also_key:
                    new_files[source]["also"] = also_key
                if doc.url:
                    new_files[source]["url"] = doc.url  # a website's page: citations link to it
                for c in chunks:
                    new_chunks[c.id] = c
                (report.updated if prev else report.added).append(source)
        finally:
            if reader is not None:
                reader.close()
        report.removed = sorted(set(old_files) - set(new_files))
        note("files", len(files), len(files))

        old_ids = {i for f in old_files.values() for i in f["chunks"]}
        keep_ids = {i for f in new_files.values() for i in f["chunks"]}
        to_add = [c for i, c in new_chunks.items() if i not in old_ids]
        to_delete = sorted(old_ids - keep_ids)
        if (
            manifest is not None
            and manifest.get("format") == FORMAT
            and manifest.get("snapshot")
            and all(snapshot_path(index_dir, n, manifest["snapshot"]).is_file() for n in SNAPSHOT_FILES)
            and not (report.added or report.updated or report.removed or to_add or to_delete)
        ):  # nothing changed (but perhaps which files fail): the same snapshot, Chroma untouched, a new manifest
            report.chunks_total = int(manifest.get("chunks", len(keep_ids)))
            if manifest.get("failed", {}) != new_failed:
                _write_json(mpath, {**manifest, "failed": new_failed})
            report.seconds = time.perf_counter() - t0
            note("done", 1, 1)
            return report

        bar = None
        if progress and len(to_add) > 20:
            from tqdm import tqdm

            bar = tqdm(
                total=sum(1 + 2 * bool(c.question) + len(c.sentences) for c in to_add),
                unit="text",
                desc="embedding",
                leave=False,
            )
        lc = _LCEmbeddings(cache, bar, note, sum(1 + 2 * bool(c.question) + len(c.sentences) for c in to_add))
        store = _chroma(index_dir, lc, COLLECTION, server)
        faq_store = _chroma(index_dir, lc, FAQ_COLLECTION, server)
        lead_store = _chroma(index_dir, lc, LEAD_COLLECTION, server)
        sent_store = _chroma(index_dir, lc, SENTENCE_COLLECTION, server)
        te = time.perf_counter()
        misses0 = cache.misses
        batch = 64
        for i in range(0, len(to_add), batch):
            part = to_add[i : i + batch]
            store.add_texts(
                texts=[c.embed_text for c in part],
                metadatas=[
                    {
                        "source": c.source,
                        "section": c.section,
                        "title": c.title,
                        "kind": c.kind,
                        "record": json.dumps(c.to_dict(), ensure_ascii=False),
                    }
                    for c in part
                ],
                ids=[c.id for c in part],
            )
        faqs = [c for c in to_add if c.question]
        if faqs:
            faq_store.add_texts(
                texts=[faq_text(c) for c in faqs],
                metadatas=[{"chunk": c.id, "source": c.source} for c in faqs],
                ids=[c.id for c in faqs],
            )
            lead_store.add_texts(
                texts=[c.lead or c.question for c in faqs],
                metadatas=[{"chunk": c.id, "source": c.source} for c in faqs],
                ids=[c.id for c in faqs],
            )
        sents = [(f"{c.id}:{i}", sentence_embed_text(c, i), c.id) for c in to_add for i in range(len(c.sentences))]
        for i in range(0, len(sents), 256):
            part = sents[i : i + 256]
            sent_store.add_texts(
                texts=[t for _, t, _ in part], metadatas=[{"chunk": c} for *_, c in part], ids=[s for s, _, _ in part]
            )
        # deletions after additions: a sync cancelled (or killed) while embedding leaves the old chunks in place
        for k in range(0, len(to_delete), BATCH):  # in batches: SQLite caps the variables of one statement
            part = to_delete[k : k + BATCH]
            store.delete(ids=part)
            faq_store.delete(ids=part)
            lead_store.delete(ids=part)
            old_sent = sent_store.get(where={"chunk": {"$in": part}}, include=[])["ids"]
            for j in range(0, len(old_sent), BATCH):
                sent_store.delete(ids=old_sent[j : j + BATCH])
        if bar is not None:
            bar.close()
        report.embed_seconds = time.perf_counter() - te
        report.texts_embedded = cache.misses - misses0
        report.chunks_removed = len(to_delete)

        note("writing", 0, 1)
        order = [s for f in new_files.values() for s in f["chunks"]]
        _sweep_orphans(keep_ids, store, faq_store, lead_store, sent_store)
        gen = f"{int(time.time() * 1000):x}{os.getpid():x}"
        _write_snapshot(index_dir, store, faq_store, sent_store, lead_store, order, gen)
        report.chunks_total = len(keep_ids)
        # (a file's other wordings from the answers file change what it answers: a new version too)
        shas = sorted(
            (k, v["sha256"]) if not v.get("also") else (k, v["sha256"], v["also"]) for k, v in new_files.items()
        )
        version = hashlib.sha1(json.dumps([shas, PARSER]).encode()).hexdigest()[:12]
        _write_json(
            mpath,
            {
                "format": FORMAT,
                "parser": PARSER,
                "embedder": embedder.name,
                "max_tokens": max_tokens,
                "version": version,
                "corpus_dir": str(corpus_dir),
                "files": new_files,
                "failed": new_failed,
                "chunks": report.chunks_total,
                "snapshot": gen,
                "chroma": f"http://{server.host}:{server.port} ({server.prefix}-*)" if server else "index folder",
            },
        )
        _drop_other_generations(index_dir, gen)
        report.seconds = time.perf_counter() - t0
        note("done", 1, 1)
        return report


def sentence_embed_text(chunk: Chunk, i: int) -> str:
    """What is embedded for sentence i: the sentence; a table cell with its row and column ("Pier 1 to
    Saltmarsh — Last sailing: 19:55"); a row without column names its 'key: detail' line."""
    s = chunk.sentences[i].text
    if chunk.sentences[i].label:
        return f"{chunk.sentences[i].label}: {s}"
    if chunk.kind == "table":
        return next((ln for ln in chunk.text.split("\n") if ln.endswith(s)), s)
    return s


def _sweep_orphans(keep_ids: set[str], store, faq_store, lead_store, sent_store) -> None:
    """Drop from Chroma what no file of the manifest owns: what an ingest killed part-way had added for files
    that have changed again since. The next ingest converges on the corpus whatever happened before."""
    for st in (store, faq_store, lead_store):
        extra = [i for i in _get_all(st, [])["ids"] if i not in keep_ids]
        for k in range(0, len(extra), BATCH):
            st.delete(ids=extra[k : k + BATCH])
    extra = [i for i in _get_all(sent_store, [])["ids"] if i.rsplit(":", 1)[0] not in keep_ids]
    for k in range(0, len(extra), BATCH):
        sent_store.delete(ids=extra[k : k + BATCH])


def _get_all(store, include: list[str]) -> dict:
    """A whole collection, page by page: one `get` of 100k items fails in Chroma ("too many SQL variables")."""
    out: dict = {"ids": [], **{k: [] for k in include}}
    offset = 0
    while True:
        page = store.get(include=include, limit=PAGE, offset=offset)
        out["ids"].extend(page["ids"])
        for k in include:
            got = page[k] if page[k] is not None else []
            if k == "embeddings":  # float32 blocks: as Python lists, 500k vectors would take gigabytes
                got = [np.asarray(got, dtype=np.float32).reshape(len(page["ids"]), -1)] if len(page["ids"]) else []
            out[k].extend(got)
        if len(page["ids"]) < PAGE:
            break
        offset += PAGE
    if "embeddings" in include:
        blocks = out["embeddings"]
        out["embeddings"] = np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
    return out


def _write_snapshot(index_dir: Path, store, faq_store, sent_store, lead_store, order: list[str], gen: str) -> None:
    """Export the Chroma collections (the store of record) to the fast read-only snapshot, generation `gen`."""
    got = _get_all(store, ["embeddings", "metadatas"])
    by_id = {i: (m, e) for i, m, e in zip(got["ids"], got["metadatas"], got["embeddings"])}
    missing = [i for i in order if i not in by_id]
    if missing:
        raise RuntimeError(f"Chroma is missing {len(missing)} chunk(s); run `python -m bot ingest --rebuild`.")
    chunks = [json.loads(by_id[i][0]["record"]) for i in order]
    dim = len(by_id[order[0]][1]) if order else 0
    vectors = np.array([by_id[i][1] for i in order], dtype=np.float32).reshape(len(order), dim)
    row = {i: n for n, i in enumerate(order)}
    fgot = _get_all(faq_store, ["embeddings"])
    pairs = [(row[i], e) for i, e in zip(fgot["ids"], fgot["embeddings"]) if i in row]
    pairs.sort(key=lambda p: p[0])
    faq_rows = [r for r, _ in pairs]
    faq_vectors = np.array([e for _, e in pairs], dtype=np.float32).reshape(len(pairs), dim)
    lgot = _get_all(lead_store, ["embeddings"])
    lvec = dict(zip(lgot["ids"], lgot["embeddings"]))
    faq_ids = [order[r] for r in faq_rows]
    if any(i not in lvec for i in faq_ids):
        raise RuntimeError("Chroma is missing FAQ lead vectors; run `python -m bot ingest --rebuild`.")
    lead_vectors = np.array([lvec[i] for i in faq_ids], dtype=np.float32).reshape(len(faq_ids), dim)
    _write_npy(snapshot_path(index_dir, "lead_vectors.npy", gen), lead_vectors)
    sgot = _get_all(sent_store, ["embeddings"])
    svec = dict(zip(sgot["ids"], sgot["embeddings"]))
    sids = [f"{c['id']}:{i}" for c in chunks for i in range(len(c["sentences"]))]
    if any(s not in svec for s in sids):
        raise RuntimeError("Chroma is missing sentence vectors; run `python -m bot ingest --rebuild`.")
    sent_vectors = np.array([svec[s] for s in sids], dtype=np.float32).reshape(len(sids), dim)
    _write_npy(snapshot_path(index_dir, "sentence_vectors.npy", gen), sent_vectors)
    bm25 = BM25.build([c["embed_text"] for c in chunks], [c.get("lang", "en") for c in chunks])
    _write_npy(snapshot_path(index_dir, "vectors.npy", gen), vectors)
    _write_npy(snapshot_path(index_dir, "faq_vectors.npy", gen), faq_vectors)
    write_records(snapshot_path(index_dir, "records.sqlite", gen), chunks, bm25, faq_rows)
    _write_json(
        snapshot_path(index_dir, "snapshot.json", gen), {"chunks": chunks, "faq_rows": faq_rows, "bm25": bm25.to_json()}
    )
