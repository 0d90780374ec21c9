"""The large-corpus index (bot/index/diskindex.py): dense search through Chroma's `query`, records and the keyword index
read from an on-disk SQLite file. It must answer as the in-memory snapshot does, and fail clearly when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from _support import ROOT, chroma_ids, manifest, small_index

from bot.engine import Bot, ingest, load_index
from bot.errors import IndexMismatch
from bot.index.diskindex import DiskIndex
from bot.index.store import Index, snapshot_path
from bot.ingest.text import terms

QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "eval" / "articles" / "questions.jsonl").open()]


@pytest.fixture(scope="module")
def both(shipped_settings):
    mem = Bot.from_settings(shipped_settings.model_copy(update={"dense_search": "memory"}), build=False)
    disk = Bot.from_settings(shipped_settings.model_copy(update={"dense_search": "chroma"}), build=False)
    return mem, disk


def test_auto_picks_chroma_past_the_size_and_memory_below(shipped_settings):
    n = manifest(shipped_settings.index_dir)["chunks"]
    emb = manifest(shipped_settings.index_dir)["embedder"]
    assert type(load_index(shipped_settings, emb)) is Index  # the shipped article is small
    assert type(load_index(shipped_settings.model_copy(update={"chroma_query_over": n - 1}), emb)) is DiskIndex
    forced = shipped_settings.model_copy(update={"chroma_query_over": 0, "dense_search": "memory"})
    assert type(load_index(forced, emb)) is Index


def test_the_disk_index_holds_what_the_snapshot_holds(both):
    mem, disk = both
    a, b = mem.index, disk.index
    assert len(a.chunks) == len(b.chunks) > 10
    assert [c.to_dict() for c in a.chunks] == [c.to_dict() for c in b.chunks]
    assert [b.chunks[i].id for i in (0, -1, len(b.chunks) // 2)] == [
        a.chunks[i].id for i in (0, -1, len(a.chunks) // 2)
    ]
    assert np.array_equal(a.sent_offsets, b.sent_offsets) and np.array_equal(a.faq_rows, b.faq_rows)
    assert dict(a.entries) == dict(b.entries.items()) and len(b.entries) == len(a.entries) > 3
    assert b.entries.get("no-such-entry") is None
    assert a.langs == b.langs
    assert a.question_pool(4) == b.question_pool(4) and len(b.question_pool(4)) == 4
    src = a.chunks[0].source
    assert [c.id for c in a.chunks_of(src)] == [c.id for c in b.chunks_of(src)]
    for q in QUESTIONS[:20]:  # the on-disk keyword index scores exactly as the in-memory one
        t = terms(q)
        assert np.allclose(a.bm25.scores(t), b.bm25.scores(t), rtol=1e-6, atol=1e-6)
        assert [a.bm25.idf(x) for x in t] == pytest.approx([b.bm25.idf(x) for x in t])
        assert [a.bm25.has(x) for x in t] == [b.bm25.has(x) for x in t]
        assert [sorted(a.bm25.rows(x).tolist()) for x in t] == [sorted(b.bm25.rows(x).tolist()) for x in t]
    assert sorted(a.bm25.near("zel")) == sorted(b.bm25.near("zel")) and b.bm25.near("zel")


def test_chroma_search_answers_as_the_snapshot_does(both):
    mem, disk = both
    same_text = same_grounded = same_entry = 0
    for q in QUESTIONS:
        x, y = mem.answer(q), disk.answer(q)
        same_text += x.text == y.text
        same_grounded += x.grounded == y.grounded
        same_entry += (x.entry or {}).get("id") == (y.entry or {}).get("id")
        assert all(any(c.quote in ch.text for ch in disk.index.chunks_of(c.source)) for c in y.citations), y.text
    n = len(QUESTIONS)
    # Chroma's HNSW search is approximate: near-ties may order differently, nothing more
    assert same_grounded == n and same_entry == n, (same_grounded, same_entry, n)
    assert same_text >= 0.9 * n, (same_text, n)


def test_a_missing_or_damaged_records_file_names_the_rebuild(tmp_path):
    s = small_index(tmp_path, {"bees.md": "# Bees\n\n## How many eggs does a queen lay?\n\nUp to 2,000 a day.\n"})
    s = s.model_copy(update={"dense_search": "chroma"})
    m = manifest(s.index_dir)
    rec = snapshot_path(s.index_dir, "records.sqlite", m["snapshot"])
    assert rec.exists()
    a = Bot.from_settings(s, build=False).answer("How many eggs does a queen lay?")
    assert a.grounded and "2,000" in a.text
    rec.write_bytes(b"not a database at all" * 100)
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        load_index(s, m["embedder"])
    rec.unlink()
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        load_index(s, m["embedder"])
    ingest(s)  # a plain ingest writes a new generation, records included
    assert Bot.from_settings(s, build=False).answer("How many eggs does a queen lay?").grounded


def test_a_format_5_index_gets_its_records_without_re_embedding(tmp_path):
    s = small_index(tmp_path, {"bees.md": "# Bees\n\n## How many eggs does a queen lay?\n\nUp to 2,000 a day.\n"})
    ids_before = chroma_ids(s.index_dir)
    mp = s.index_dir / "manifest.json"
    m = json.loads(mp.read_text())
    snapshot_path(s.index_dir, "records.sqlite", m["snapshot"]).unlink()
    m["format"] = 5
    mp.write_text(json.dumps(m))
    assert Index.older_format(s.index_dir)
    report = ingest(s)
    assert report.texts_embedded == 0 and report.skipped == ["bees.md"]
    assert chroma_ids(s.index_dir) == ids_before  # the collections were kept, not rebuilt
    assert manifest(s.index_dir)["format"] == 6
    disk = load_index(s.model_copy(update={"dense_search": "chroma"}), m["embedder"])
    assert isinstance(disk, DiskIndex) and len(disk.chunks) == m["chunks"]


def test_chroma_search_follows_an_ingest_in_the_same_folder(tmp_path):
    """A new generation (after an ingest in this process, as the admin page will run it) is read whole: records,
    vectors and the collections' new items."""
    s = small_index(tmp_path, {"bees.md": "# Bees\n\n## How many eggs does a queen lay?\n\nUp to 2,000 a day.\n"})
    s = s.model_copy(update={"dense_search": "chroma"})
    (s.corpus_dir / "ferry.md").write_text(
        "# Ferry\n\nThe island ferry leaves the harbour at seven every morning and returns at noon.\n", encoding="utf-8"
    )
    ingest(s)
    bot = Bot.from_settings(s, build=False)
    a = bot.answer("When does the island ferry leave the harbour?")
    assert a.grounded and any(c.source == "ferry.md" for c in a.citations), a.text
    assert Path(bot.index.db.path).name.startswith("records.")


def test_row_file_reads_the_rows_numpy_reads(tmp_path):
    from bot.index.diskindex import RowFile

    m = np.random.default_rng(0).standard_normal((300, 7)).astype(np.float32)
    np.save(tmp_path / "m.npy", m)
    f = RowFile(tmp_path / "m.npy")
    assert len(f) == 300 and f.shape == (300, 7)
    assert np.array_equal(f[10:20], m[10:20]) and np.array_equal(f[5], m[5]) and np.array_equal(f[-1], m[-1])
    idx = [299, 3, 4, 5, 150, 3, 0]
    assert np.array_equal(f[idx], m[idx]) and f[[]].shape == (0, 7)
    with pytest.raises(IndexError):
        f[[300]]
    (tmp_path / "t.npy").write_bytes((tmp_path / "m.npy").read_bytes()[:500])
    with pytest.raises(ValueError, match="truncated"):
        RowFile(tmp_path / "t.npy")


def test_several_workers_on_chroma_on_disk_is_refused_with_what_to_do(tmp_path):
    from bot.errors import ConfigError
    from bot.serve.server import create_app

    s = small_index(tmp_path, {"bees.md": "# Bees\n\n## How many eggs does a queen lay?\n\nUp to 2,000 a day.\n"})
    s = s.model_copy(update={"dense_search": "chroma", "workers": 2, "data_dir": tmp_path / "data"})
    with pytest.raises(ConfigError, match="BOT_CHROMA_HOST"):
        create_app(Bot.from_settings(s, build=False))


def test_chroma_nearness_and_site_bar_are_the_snapshots(both):
    """How near the site comes to a question (the off-topic bar's measure, bot/answers/offtopic.py) is the same
    through Chroma as in memory, and so is the site's bar."""
    from bot.answers import offtopic

    mem, disk = both
    for q in QUESTIONS[:10] + offtopic.questions()[:10]:
        v = mem.retriever.query_vector(q)
        assert disk.retriever.nearness(v) == pytest.approx(mem.retriever.nearness(v), abs=1e-5), q
    assert disk.site.bar() == pytest.approx(mem.site.bar(), abs=1e-5)
