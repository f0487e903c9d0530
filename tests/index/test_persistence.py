"""An index on disk: round trips, incremental changes, clear errors, and crashes mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from footnoted.errors import DocumentNotFound, IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound
from footnoted.index import HashEncoder, Index, IndexConfig
from footnoted.index.cache import EmbeddingCache
from footnoted.index.store import IndexDir, manifest_digest
from footnoted.ingest import ChunkSettings, WordTokenizer, parse
from footnoted.ingest.read import reader_version
from footnoted.types import Document

QUESTION = "How many antipersonnel mines does the United States stockpile?"


def _open(path: Path, **kwargs: object) -> Index:
    return Index.open(path, HashEncoder(), WordTokenizer(), **kwargs)  # type: ignore[arg-type]


def _other(
    text: str = "Second report\n\nThe clearance of Kuwait took years and cost lives.[1]\n\n[1] A note.\n",
) -> Document:
    return parse(text, name="second.txt")


def test_round_trip_gives_identical_results(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    index.add([briefing, _other()])
    before = [(h.chunk.id, h.score, h.citation) for h in index.search(QUESTION, 5)]
    reopened = _open(tmp_path / "ix", create=False)
    after = [(h.chunk.id, h.score, h.citation) for h in reopened.search(QUESTION, 5)]
    assert after == before
    assert reopened.snapshot.chunks == index.snapshot.chunks
    assert reopened.documents[briefing.id].footnotes == briefing.footnotes


def test_results_quote_their_source_exactly(hash_index: Index) -> None:
    for hit in hash_index.search(QUESTION, 10):
        source = hash_index.documents[hit.citation.document_id].source
        assert hit.chunk.text == source[hit.citation.start : hit.citation.end]
        for note in hit.chunk.footnotes:
            assert note.text == source[note.start : note.end]
    answer = hash_index.ask(QUESTION)
    assert answer.citation is not None
    source = hash_index.documents[answer.citation.document_id].source
    assert answer.text == source[answer.citation.start : answer.citation.end]


def test_incremental_add_replace_remove(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    first = index.add([briefing])
    assert first.added == (briefing.id,)
    assert first.encoded > 0
    again = index.add([briefing])
    assert again.unchanged == (briefing.id,)
    assert again.encoded == 0
    assert index.snapshot.generation == 1, "an unchanged document must not write a generation"

    index.add([_other()])
    assert set(index.documents) == {briefing.id, "second"}
    changed = _other("Second report\n\nA wholly new text about demining in Angola.\n")
    report = index.add([changed])
    assert report.replaced == ("second",)
    assert all("Kuwait took years" not in c.text for c in index.snapshot.chunks)
    assert any("Angola" in c.text for c in index.snapshot.chunks)

    index.remove("second")
    assert set(index.documents) == {briefing.id}
    assert {c.document_id for c in index.snapshot.chunks} == {briefing.id}
    assert len(index.snapshot.vectors) == len(index.snapshot.row_ids)
    with pytest.raises(DocumentNotFound):
        index.remove("second")
    assert set(_open(tmp_path / "ix").documents) == {briefing.id}


def test_several_documents_are_removed_in_one_commit_or_none_is(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    third = parse("Third report\n\nDemining in Angola went on.[1]\n\n[1] A note.\n", name="third.txt")
    index.add([briefing, _other(), third])
    generation = index.snapshot.generation
    with pytest.raises(DocumentNotFound):
        index.remove("second", "nowhere")
    assert (set(index.documents), index.snapshot.generation) == ({briefing.id, "second", "third"}, generation)
    index.remove("second", "third")
    assert index.snapshot.generation == generation + 1
    reopened = _open(tmp_path / "ix")
    assert set(reopened.documents) == {briefing.id}
    assert {c.document_id for c in reopened.snapshot.chunks} == {briefing.id}
    assert len(reopened.snapshot.vectors) == len(reopened.snapshot.row_ids)


def test_the_same_bytes_read_as_another_format_or_titled_otherwise_replace_the_stored(
    tmp_path: Path,
) -> None:
    index = _open(tmp_path / "ix")
    html = "<h1>Head</h1><p>Body about mines in storage.</p>"
    index.add([parse(html, name="page.txt", doc_id="page")])
    report = index.add([parse(html, name="page.html", doc_id="page")])
    assert (report.replaced, report.reread, index.documents["page"].format) == (("page",), (), "html")
    report = index.add([parse(html, name="page.html", doc_id="page", title="Renamed")])
    assert (report.replaced, report.reread, index.documents["page"].title) == (("page",), (), "Renamed")
    assert index.add([parse(html, name="page.html", doc_id="page", title="Renamed")]).unchanged == ("page",)


def test_a_document_read_by_other_reading_code_replaces_the_stored_one(tmp_path: Path) -> None:
    # Read by an earlier footnoted (another stamp, or none, as before stamps): the same bytes read
    # now replace it, their vectors from the cache. Documents made by hand carry no stamp, and the
    # same one added twice is unchanged.
    index = _open(tmp_path / "ix")
    now = _other()
    assert now.metadata["reader"] == reader_version()
    for then in ({**now.metadata, "reader": "0123456789ab"}, {k: v for k, v in now.metadata.items() if k != "reader"}):
        index.add([replace(now, metadata=then)])
        report = index.add([now])
        assert (report.replaced, report.reread, report.encoded) == (("second",), ("second",), 0)
        assert index.documents["second"].metadata == now.metadata
        assert index.add([now]).unchanged == ("second",)
    made = Document("made", "Made", "A text made by hand about mines.", metadata={"content_hash": "c0ffee"})
    assert (index.add([made]).added, index.add([made]).unchanged) == (("made",), ("made",))


def test_an_index_is_searched_without_writing_to_it(tmp_path: Path, briefing: Document) -> None:
    # Nothing a search does writes: an index on a read-only disk (or one another user owns) can be
    # searched. The embedding cache is opened by the first write, not when the index is opened.
    _open(tmp_path / "ix").add([briefing])
    cache = tmp_path / "ix" / "cache"
    for f in cache.iterdir():
        f.unlink()
    cache.rmdir()
    before = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "ix").rglob("*"))
    index = _open(tmp_path / "ix")
    assert index.search("stockpile", 3)
    assert index.ask("How many antipersonnel mines does the United States stockpile?").text
    index.close()
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "ix").rglob("*")) == before
    assert not cache.exists()


def test_re_ingest_after_removal_reuses_the_embedding_cache(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    index.add([briefing])
    index.remove(briefing.id)
    report = index.add([briefing])
    assert report.encoded == 0
    assert report.reused > 0


def test_document_filter(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    index.add([briefing, _other()])
    hits = index.search("Kuwait", 10, document_ids=["second"])
    assert hits
    assert {h.chunk.document_id for h in hits} == {"second"}
    with pytest.raises(DocumentNotFound):
        index.search("Kuwait", 3, document_ids=["nope"])


def test_missing_index_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="footnoted ingest"):
        _open(tmp_path / "nothing", create=False)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("format_version", 99, "format version 99"),
        ("model", {"id": "other-model@123", "dimension": 256}, "built with model 'other-model@123'"),
        ("model", {"id": "hash-256", "dimension": 128}, "128-dimensional"),
    ],
)
def test_manifest_mismatch_is_refused(
    tmp_path: Path, briefing: Document, field: str, value: object, message: str
) -> None:
    _open(tmp_path / "ix").add([briefing])
    manifest_file = IndexDir(tmp_path / "ix").current() / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    manifest[field] = value
    # Re-signed, so the load gets past the manifest's own checksum to the mismatch.
    manifest["checksum"] = manifest_digest(manifest)
    manifest_file.write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match=message) as err:
        _open(tmp_path / "ix")
    # How to go on: a newer footnoted's index is left to it; another model's is built again.
    assert ("newer footnoted" if field == "format_version" else "footnoted reindex --index") in str(err.value)


@pytest.mark.parametrize("victim", ["vectors.faiss", "chunks.json", "documents.json", "row_ids.npy"])
@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupted_files_are_detected(tmp_path: Path, briefing: Document, victim: str, damage: str) -> None:
    _open(tmp_path / "ix").add([briefing])
    path = IndexDir(tmp_path / "ix").current() / victim
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=victim):
        _open(tmp_path / "ix")


def test_a_second_writer_is_refused(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix")
    index.add([briefing])
    with IndexDir(tmp_path / "ix").write_lock(), pytest.raises(IndexLocked, match="another process"):
        # flock is per open file: a second handle in this process stands in for a second process.
        index.add([_other()])
    assert set(_open(tmp_path / "ix").documents) == {briefing.id}


def test_writes_from_another_process_are_picked_up(tmp_path: Path, briefing: Document) -> None:
    a = _open(tmp_path / "ix")
    a.add([briefing])
    b = _open(tmp_path / "ix")
    b.add([_other()])
    a.add([parse("Third\n\nAnother report on demining.\n", name="third.txt")])
    assert set(_open(tmp_path / "ix").documents) == {briefing.id, "second", "third"}


def test_a_reader_refreshes_to_what_another_writer_committed(tmp_path: Path, briefing: Document) -> None:
    reader = _open(tmp_path / "ix")
    assert not reader.refresh()  # nothing on disk yet
    writer = _open(tmp_path / "ix")
    writer.add([briefing])
    assert set(reader.documents) == set()
    assert reader.refresh()
    assert set(reader.documents) == {briefing.id}
    assert reader.snapshot.generation == writer.snapshot.generation
    assert not reader.refresh()  # unchanged: nothing reloaded
    writer.add([_other()])
    assert reader.refresh()
    assert reader.search("clearance of Kuwait", 1)[0].chunk.document_id == "second"
    assert not Index.memory(HashEncoder(), WordTokenizer()).refresh()


def test_concurrent_searches_during_writes_see_whole_generations(tmp_path: Path, briefing: Document) -> None:
    index = _open(tmp_path / "ix", config=IndexConfig(chunk=ChunkSettings(max_tokens=64, overlap=8)))
    index.add([briefing])
    errors: list[BaseException] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                snap = index.snapshot
                for hit in index.search(QUESTION, 5):
                    assert hit.chunk.document_id in snap.documents or hit.chunk.document_id in index.documents
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(5):
        index.add([_other(f"Report {i}\n\nText number {i} about mines and stockpiles.\n")])
        index.remove("second")
    done.set()
    for t in threads:
        t.join()
    assert not errors


_CRASH_CHILD = textwrap.dedent(
    """
    import os, sys, time
    from footnoted.index import HashEncoder, Index
    from footnoted.index import store
    from footnoted.ingest import WordTokenizer, parse

    phase = sys.argv[2]

    def stall(*args, **kwargs):
        print("STALLED", flush=True)
        time.sleep(60)

    if phase == "files":
        real = store._fsync_tree
        def slow(root):
            real(root)
            stall()
        store._fsync_tree = slow
    elif phase == "pointer":
        real_replace = os.replace
        def slow_replace(a, b):
            if str(b).endswith("CURRENT"):
                stall()
            real_replace(a, b)
        os.replace = slow_replace
    index = Index.open(sys.argv[1], HashEncoder(), WordTokenizer())
    index.add([parse("New report\\n\\nA new text that must not appear half-written.\\n", name="new.txt")])
    """
)


@pytest.mark.parametrize("phase", ["files", "pointer"])
def test_a_crash_mid_commit_leaves_the_old_generation(tmp_path: Path, briefing: Document, phase: str) -> None:
    index = _open(tmp_path / "ix")
    index.add([briefing])
    before = [h.chunk.id for h in index.search(QUESTION, 5)]
    child = subprocess.Popen(
        [sys.executable, "-c", _CRASH_CHILD, str(tmp_path / "ix"), phase],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "STALLED"
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    reopened = _open(tmp_path / "ix", create=False)
    assert set(reopened.documents) == {briefing.id}
    assert [h.chunk.id for h in reopened.search(QUESTION, 5)] == before
    # The next writer sweeps the debris and commits normally.
    reopened.add([_other()])
    assert set(_open(tmp_path / "ix").documents) == {briefing.id, "second"}


def test_a_flat16_index_keeps_its_kind_and_its_results_through_writes_and_reopening(
    tmp_path: Path, briefing: Document
) -> None:
    index = _open(tmp_path / "ix", config=IndexConfig(store="flat16"))
    index.add([briefing, _other()])
    index.remove("second")
    before = [(h.chunk.id, h.score) for h in index.search(QUESTION, 5)]
    reopened = _open(tmp_path / "ix")
    assert json.loads((reopened.directory.current() / "manifest.json").read_text())["store"] == {"kind": "flat16"}
    assert reopened.snapshot.vectors.kind == "flat16"  # type: ignore[attr-defined]
    assert [(h.chunk.id, h.score) for h in reopened.search(QUESTION, 5)] == before
    assert len(reopened.snapshot.vectors) == len(reopened.snapshot.row_ids)
    flat = _open(tmp_path / "flat")
    flat.add([briefing])
    assert [h.chunk.id for h in flat.search(QUESTION, 5)] == [c for c, _ in before]


def test_an_add_stopped_part_way_stores_nothing_but_keeps_what_it_encoded(tmp_path: Path) -> None:
    sentences = " ".join(f"Survey team {k} cleared {k + 7} fields near village {k * 3} that year." for k in range(900))
    doc = parse(f"Field reports\n\n{sentences}\n", name="field.txt")
    encoder = HashEncoder()
    real, calls = encoder.encode, [0]

    def stopping(texts: list[str], kind: str = "passage") -> object:
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt  # stopped after the first batch of texts was encoded
        return real(texts, kind)  # type: ignore[arg-type]

    encoder.encode = stopping  # type: ignore[method-assign]
    index = Index.open(tmp_path / "ix", encoder, WordTokenizer())
    with pytest.raises(KeyboardInterrupt):
        index.add([doc])
    assert not Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).documents
    resumed = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    again = resumed.add([doc])
    assert again.added == ("field",)
    # The stopped add encoded its first step of 512 texts, each step committed to the cache as it
    # is encoded; run again, it encodes only the rest (the ones it reuses include repeated texts).
    assert again.encoded + again.reused == len(resumed.snapshot.row_ids)
    assert 0 < again.encoded <= len(resumed.snapshot.row_ids) - 512


def test_a_damaged_embedding_cache_is_thrown_away_and_made_again(tmp_path: Path) -> None:
    path = tmp_path / "embeddings.sqlite"
    path.write_bytes(b"not a database at all " * 200)
    cache = EmbeddingCache(path)
    cache.put("model", {b"key": np.arange(4, dtype=np.float32)})
    assert cache.get("model", [b"key"], 4)[b"key"].tolist() == [0.0, 1.0, 2.0, 3.0]
    # Made again as the first was: write-ahead log, not flushed at each commit (a cache).
    assert cache._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert cache._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    cache.close()


def test_doctor_tells_an_index_another_model_built_from_a_damaged_one(tmp_path: Path, briefing: Document) -> None:
    from footnoted.index.doctor import examine

    _open(tmp_path / "ix").add([briefing])
    other = examine(tmp_path / "ix", model_id="another-model", dimension=256)
    assert (other.healthy, other.damaged, other.documents, other.chunks > 0) == (False, False, 1, True)
    assert "another-model" in other.problems[0] or "model" in other.problems[0]
    assert "footnoted reindex" in other.notes[-1]
    (tmp_path / "ix" / "generations" / "gen-000001" / "chunks.json").write_text("[]")
    damaged = examine(tmp_path / "ix", model_id="another-model", dimension=256)
    assert (damaged.healthy, damaged.damaged) == (False, True)


@pytest.mark.parametrize("locks", [True, False])
def test_a_slow_reader_is_not_told_the_index_is_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, locks: bool
) -> None:
    # Two commits while a reader is still loading a generation would remove it (the one before the
    # live one is kept, not two). The reader holds it meanwhile, and the commit passes it over;
    # where it cannot be held (no locks), its files vanish mid-read and the newer one is loaded
    # instead. A generation damaged for real is still refused.
    import contextlib

    import footnoted.index.generation as generation
    from footnoted.index import snapshot as snapshots

    if not locks:
        monkeypatch.setattr(generation, "reading", lambda gen: contextlib.nullcontext())
    writer = _open(tmp_path / "ix")
    writer.add([_other()])
    real = snapshots.read
    commits = iter(range(2))

    def slow_read(gen: Path, manifest: dict[str, object]) -> object:
        for n in commits:  # meanwhile, another process commits twice
            writer.add([_other(f"Report {n}\n\nWells near Kuito ran dry in 200{n}.\n")])
        return real(gen, manifest)

    monkeypatch.setattr(snapshots, "read", slow_read)
    reader = _open(tmp_path / "ix")
    monkeypatch.setattr(snapshots, "read", real)
    first = tmp_path / "ix" / "generations" / "gen-000001"
    if locks:  # the generation it began with, kept for it, and removed by the next commit
        assert reader.snapshot.generation == 1 and reader.documents["second"].source.startswith("Second report")
        assert first.is_dir()
        writer.add([_other("Report 9\n\nRoads near Huambo were cleared.\n")])
        assert not first.exists()
        assert reader.refresh() and reader.snapshot.generation == 4
    else:  # the newer one, its files read whole
        assert reader.snapshot.generation == 3 and reader.documents["second"].source.startswith("Report 1")
    live = sorted((tmp_path / "ix" / "generations").glob("gen-*"))[-1]
    (live / "chunks.json").write_text("[]")
    with pytest.raises(IndexCorrupt):
        generation.load_generation(reader.directory, reader.encoder, verify=True)  # type: ignore[arg-type]
