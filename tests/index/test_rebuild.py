"""Building an index again from the documents it holds: another model, an older format, other
passage sizes; and the bundled briefing's index, which is built again rather than thrown away."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from footnoted import corpus
from footnoted.errors import IndexCorrupt, IndexLocked, IndexMismatch, IndexNotFound
from footnoted.index import HashEncoder, Index, IndexConfig, open_index
from footnoted.index.cache import EmbeddingCache
from footnoted.index.store import IndexDir, manifest_digest, sha256_file
from footnoted.ingest import ChunkSettings, WordTokenizer, parse, read
from footnoted.settings import Settings
from footnoted.types import Document

DATA = Path(__file__).resolve().parents[1] / "data"
QUESTION = "How many antipersonnel mines does the United States stockpile?"


def _upload() -> Document:
    return parse(
        "Clearance report\n\nThe clearance of Kuwait took years.[1] It cost lives.[2]\n\n"
        "[1] Kessler, Fields of Stone (Oxford, 1999), 12.\n[2] Ibid., 14.\n",
        name="clearance.txt",
    )


def _manifest(path: Path) -> dict[str, object]:
    return json.loads((IndexDir(path).current() / "manifest.json").read_text())  # type: ignore[no-any-return]


def _state(index: Index) -> list[tuple[str, str, object, object]]:
    """What a document is: its id, text and every note with its links."""
    return [
        (d.id, d.source, [(n.label, n.start, n.end, n.markers, n.same_as, n.refers_to) for n in d.footnotes], d.blocks)
        for d in sorted(index.documents.values(), key=lambda d: d.id)
    ]


def test_an_index_another_model_built_is_built_again_for_this_one(tmp_path: Path, briefing: Document) -> None:
    old = Index.open(tmp_path / "ix", HashEncoder(256), WordTokenizer())
    old.add([briefing, _upload()])
    with pytest.raises(IndexMismatch, match="footnoted reindex --index"):
        Index.open(tmp_path / "ix", HashEncoder(128), WordTokenizer())

    index, report = Index.rebuild(tmp_path / "ix", HashEncoder(128), WordTokenizer())

    assert sorted(report.added) == ["back-in-business-2005", "clearance"]
    assert _state(index) == _state(old)
    assert _manifest(tmp_path / "ix")["model"] == {"id": "hash-128", "dimension": 128, "max_tokens": 254}
    reopened = Index.open(tmp_path / "ix", HashEncoder(128), WordTokenizer())
    # The same passages, vectors and rankings as ingesting the documents afresh with this model.
    fresh = Index.memory(HashEncoder(128), WordTokenizer())
    fresh.add(list(old.documents.values()))
    assert [c.id for c in reopened.snapshot.chunks] == [c.id for c in fresh.snapshot.chunks]
    for mode in ("dense", "lexical", "hybrid"):
        ours = reopened.search(QUESTION, 5, mode=mode)  # type: ignore[arg-type]
        theirs = fresh.search(QUESTION, 5, mode=mode)  # type: ignore[arg-type]
        assert [(h.chunk.id, round(h.score, 5)) for h in ours] == [(h.chunk.id, round(h.score, 5)) for h in theirs]


def test_a_rebuild_keeps_the_configuration_unless_told(tmp_path: Path, briefing: Document) -> None:
    config = IndexConfig(chunk=ChunkSettings(64, 8), store="hnsw", rrf_k=20)
    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), config).add([briefing])
    index, _ = Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert index.config == config
    assert max(c.tokens for c in index.snapshot.chunks) <= 64

    index, _ = Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer(), chunk_tokens=120, store="flat")
    assert (index.config.chunk, index.config.store, index.config.rrf_k) == (ChunkSettings(120, 8), "flat", 20)
    reopened = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert reopened.config == index.config
    assert max(c.tokens for c in reopened.snapshot.chunks) > 64
    with pytest.raises(ValueError, match="overlap"):
        Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer(), chunk_overlap=60)
    assert Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).config == index.config


def test_an_index_of_an_older_format_is_built_again_with_its_notes_linked(tmp_path: Path, briefing: Document) -> None:
    # Formats 1 to 3 stored notes without their links and wrote no checksum of the manifest.
    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([briefing])
    gen = IndexDir(tmp_path / "ix").current()
    documents = json.loads((gen / "documents.json").read_text())
    for doc in documents:
        doc["footnotes"] = [note[:4] for note in doc["footnotes"]]
    (gen / "documents.json").write_text(json.dumps(documents))
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["format_version"] = 3
    del manifest["checksum"]
    manifest["files"]["documents.json"] = {
        "sha256": sha256_file(gen / "documents.json"),
        "bytes": (gen / "documents.json").stat().st_size,
    }
    (gen / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match=r"format version 3.*footnoted reindex"):
        Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())

    index, _ = Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())

    assert _manifest(tmp_path / "ix")["format_version"] == 6
    assert [(n.label, n.same_as) for n in index.document(briefing.id).footnotes] == [
        (n.label, n.same_as) for n in briefing.footnotes
    ]
    assert index.document(briefing.id).footnotes[-1].same_as == "7"


def test_the_format_5_fixture_is_built_again_with_its_short_forms_in_its_vectors(tmp_path: Path) -> None:
    shutil.copytree(DATA / "index-format-5", tmp_path / "ix")
    before = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    rows_before = len(before.snapshot.row_ids)
    index, _ = Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert _manifest(tmp_path / "ix")["format_version"] == 6
    assert [n.refers_to for n in index.document("groundwater").footnotes] == [(), ("1",), (), ("1",)]
    # The short forms' passages now carry the source's sentences among their vectors.
    assert len(index.snapshot.row_ids) > rows_before


def test_an_empty_index_takes_the_new_model(tmp_path: Path, briefing: Document) -> None:
    old = Index.open(tmp_path / "ix", HashEncoder(256), WordTokenizer())
    old.add([briefing])
    old.remove(briefing.id)
    index, report = Index.rebuild(tmp_path / "ix", HashEncoder(64), WordTokenizer())
    assert (report.added, len(index.documents)) == ((), 0)
    assert Index.open(tmp_path / "ix", HashEncoder(64), WordTokenizer()).documents == {}


def test_what_cannot_be_built_again_is_refused_and_left_as_it_was(tmp_path: Path, briefing: Document) -> None:
    with pytest.raises(IndexNotFound):
        Index.rebuild(tmp_path / "nothing", HashEncoder(), WordTokenizer())
    assert not (tmp_path / "nothing").exists()

    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([briefing])
    gen = IndexDir(tmp_path / "ix").current()
    manifest = json.loads((gen / "manifest.json").read_text())
    manifest["format_version"] = 7
    manifest["checksum"] = manifest_digest(manifest)
    (gen / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="newer footnoted"):
        Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert IndexDir(tmp_path / "ix").current() == gen

    manifest["format_version"] = 6
    manifest["checksum"] = manifest_digest(manifest)
    (gen / "manifest.json").write_text(json.dumps(manifest))
    data = bytearray((gen / "documents.json").read_bytes())
    data[len(data) // 2] ^= 0x01
    (gen / "documents.json").write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=r"documents\.json"):
        Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())
    assert IndexDir(tmp_path / "ix").current() == gen


def test_a_rebuild_that_fails_part_way_leaves_the_old_index_live(tmp_path: Path, briefing: Document) -> None:
    Index.open(tmp_path / "ix", HashEncoder(256), WordTokenizer()).add([briefing, _upload()])
    gen = IndexDir(tmp_path / "ix").current()

    class Failing(HashEncoder):
        def encode(self, texts, kind="passage"):  # type: ignore[no-untyped-def]
            if len(texts) > 3:
                raise RuntimeError("out of memory")
            return super().encode(texts, kind)

    with pytest.raises(RuntimeError):
        Index.rebuild(tmp_path / "ix", Failing(128), WordTokenizer())
    assert IndexDir(tmp_path / "ix").current() == gen
    assert sorted(Index.open(tmp_path / "ix", HashEncoder(256), WordTokenizer()).documents) == [
        "back-in-business-2005",
        "clearance",
    ]


def test_a_rebuild_waits_for_no_writer(tmp_path: Path, briefing: Document) -> None:
    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([briefing])
    with IndexDir(tmp_path / "ix").write_lock(), pytest.raises(IndexLocked):
        Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer())


def _settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("FOOTNOTED_INDEX", raising=False)
    return Settings(home=home, encoder="hash")


def test_the_briefings_index_keeps_its_uploads_when_the_model_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    open_index(settings, encoder=(HashEncoder(256), WordTokenizer())).add([_upload()])
    with caplog.at_level(logging.WARNING, logger="footnoted"):
        index = open_index(settings, encoder=(HashEncoder(128), WordTokenizer()))
    assert sorted(index.documents) == ["back-in-business-2005", "clearance"]
    assert index.encoder.model_id == "hash-128"
    assert "built again from the 2 documents it holds" in caplog.text
    hit = index.search("Who wrote Fields of Stone?", 1)[0]
    assert hit.citation.document_id == "clearance"


def test_the_briefings_index_is_moved_aside_not_deleted_when_its_documents_are_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    open_index(settings, encoder=(HashEncoder(256), WordTokenizer())).add([_upload()])
    where = settings.index_path()
    victim = IndexDir(where).current() / "documents.json"
    victim.write_bytes(victim.read_bytes()[:-10])
    damaged = victim.read_bytes()
    with caplog.at_level(logging.WARNING, logger="footnoted"):
        index = open_index(settings, encoder=(HashEncoder(256), WordTokenizer()))
    assert sorted(index.documents) == ["back-in-business-2005"]
    (aside,) = where.parent.glob(f"{where.name}.unreadable-*")
    assert (IndexDir(aside).current() / "documents.json").read_bytes() == damaged
    assert str(aside) in caplog.text
    assert np.isfinite(index.search(QUESTION, 1)[0].score)
    # Damaged again within the same second: moved beside the first, not over it.
    victim = IndexDir(where).current() / "documents.json"
    victim.write_bytes(victim.read_bytes()[:-10])
    open_index(settings, encoder=(HashEncoder(256), WordTokenizer()))
    assert len(list(where.parent.glob(f"{where.name}.unreadable-*"))) == 2
    assert (IndexDir(aside).current() / "documents.json").read_bytes() == damaged


def test_a_reader_open_meanwhile_takes_the_settings_of_the_index_built_again(
    tmp_path: Path, briefing: Document
) -> None:
    reader = Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer())
    reader.add([briefing])
    Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer(), chunk_tokens=64, chunk_overlap=8)
    assert reader.refresh()
    assert reader.config.chunk == ChunkSettings(64, 8)
    reader.add([_upload()])  # its next write cuts as the index now does, and records so
    assert max(c.tokens for c in reader.snapshot.chunks) <= 64
    assert _manifest(tmp_path / "ix")["chunker"]["max_tokens"] == 64  # type: ignore[index]


def test_generations_without_their_pointer_are_called_damaged_not_absent(tmp_path: Path, briefing: Document) -> None:
    Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()).add([briefing])
    (tmp_path / "ix" / "CURRENT").unlink()
    for attempt in (
        lambda: Index.rebuild(tmp_path / "ix", HashEncoder(), WordTokenizer()),
        lambda: Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer()),
        lambda: Index.open(tmp_path / "ix", HashEncoder(), WordTokenizer(), create=False),
    ):
        with pytest.raises(IndexCorrupt, match="CURRENT is missing"):
            attempt()
    assert not (tmp_path / "ix" / "CURRENT").exists()


def test_the_briefing_is_added_to_a_new_default_index_only(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, encoder="hash")
    encoder = (HashEncoder(256), WordTokenizer())
    index = open_index(settings, encoder=encoder)
    assert list(index.documents) == ["back-in-business-2005"]
    index.remove("back-in-business-2005")  # emptied on purpose: it stays so
    assert not open_index(settings, encoder=encoder).documents


def test_the_default_index_reads_the_briefing_again_after_an_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built by an earlier footnoted (its reading code, or the briefing it bundled, another): the
    # next process to open it reads the briefing again, once, keeping what was uploaded beside it.
    settings = _settings(tmp_path, monkeypatch)
    encoder = (HashEncoder(256), WordTokenizer())
    with monkeypatch.context() as earlier:
        earlier.setattr(read, "reader_version", lambda: "0123456789ab")
        open_index(settings, encoder=encoder).add([_upload()])
    index = open_index(settings, encoder=encoder)
    assert index.documents["back-in-business-2005"].metadata["reader"] == read.reader_version()
    assert sorted(index.documents) == ["back-in-business-2005", "clearance"]
    generation = index.snapshot.generation
    assert open_index(settings, encoder=encoder).snapshot.generation == generation  # read once
    bundled = corpus.briefing_bytes()
    with monkeypatch.context() as newer:
        newer.setattr(corpus, "briefing_bytes", lambda: bundled + b"\nAddendum.\n")  # the next release's
        assert "Addendum." in open_index(settings, encoder=encoder).documents["back-in-business-2005"].source


def _refused(*args: object, **kwargs: object) -> None:
    raise PermissionError(13, "Permission denied", "index/write.lock")


def _no_cache(*args: object, **kwargs: object) -> None:
    raise sqlite3.OperationalError("unable to open database file")


@pytest.mark.parametrize(
    "why", ["another process is writing to it", "its disk cannot be written", "its embedding cache cannot be opened"]
)
def test_a_default_index_that_cannot_be_written_is_used_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, why: str
) -> None:
    settings = _settings(tmp_path, monkeypatch)
    encoder = (HashEncoder(256), WordTokenizer())
    with monkeypatch.context() as earlier:
        earlier.setattr(read, "reader_version", lambda: "0123456789ab")
        generation = open_index(settings, encoder=encoder).snapshot.generation
    with contextlib.ExitStack() as stack, caplog.at_level(logging.WARNING, logger="footnoted"):
        if why.startswith("another"):
            stack.enter_context(IndexDir(settings.index_path()).write_lock())
        elif why.endswith("written"):
            monkeypatch.setattr(IndexDir, "write_lock", _refused)
        else:
            monkeypatch.setattr(EmbeddingCache, "__init__", _no_cache)
        index = open_index(settings, encoder=encoder)
    assert (index.snapshot.generation, index.documents["back-in-business-2005"].metadata["reader"]) == (
        generation,
        "0123456789ab",
    )
    assert "was not read again" in caplog.text
    assert index.search(QUESTION, 1)
