"""Building the next snapshot from the last one, and the manifest and files of a generation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from footnoted.errors import IndexCorrupt
from footnoted.index import snapshot as snapshots
from footnoted.index.config import IndexConfig
from footnoted.index.encoder import Encoder
from footnoted.index.lexical import ANALYZER
from footnoted.index.rows import Row
from footnoted.index.snapshot import Snapshot, build_lexical
from footnoted.index.store import DOCUMENT_VERSIONS, IndexDir, check_manifest, read_manifest, reading, verify_files
from footnoted.ingest.chunk import ChunkSettings
from footnoted.types import Chunk, Document

T = TypeVar("T")


def apply_changes(
    base: Snapshot,
    add: list[Document],
    remove: set[str],
    new_chunks: dict[str, list[Chunk]],
    dimension: int,
    encoded: dict[str, list[tuple[Row, np.ndarray]]] | None = None,
) -> Snapshot:
    """The snapshot after removing documents ``remove`` and adding ``add`` (a pure function)."""
    encoded = encoded or {}
    gone = remove | {d.id for d in add}
    keep_positions = [i for i, c in enumerate(base.chunks) if c.document_id not in gone]
    remap = np.full(len(base.chunks) + 1, -1, dtype=np.int64)
    remap[keep_positions] = np.arange(len(keep_positions))
    keep_rows = remap[base.row_chunks] >= 0 if len(base.row_chunks) else np.zeros(0, dtype=bool)
    vectors = base.vectors.copy()
    vectors.remove(base.row_ids[~keep_rows])
    chunks = [base.chunks[i] for i in keep_positions]
    row_ids = [base.row_ids[keep_rows]]
    row_chunks = [remap[base.row_chunks[keep_rows]]]
    row_notes = [base.row_notes[keep_rows]]
    row_spans = [base.row_spans[keep_rows]]
    next_id = base.next_row_id
    documents = {k: v for k, v in base.documents.items() if k not in gone}
    for doc in add:
        documents[doc.id] = doc
        for c in new_chunks[doc.id]:
            position = len(chunks)
            chunks.append(c)
            pairs = encoded.get(c.id, [])
            slots = [row.slot for row, _ in pairs]
            vecs = np.stack([v for _, v in pairs]) if pairs else np.zeros((0, dimension), np.float32)
            row_spans.append(
                np.array([[row.span.start, row.span.end] for row, _ in pairs], dtype=np.int64).reshape(-1, 2)
            )
            ids = np.arange(next_id, next_id + len(slots), dtype=np.int64)
            next_id += len(slots)
            vectors.add(ids, vecs)
            row_ids.append(ids)
            row_chunks.append(np.full(len(slots), position, dtype=np.int64))
            row_notes.append(np.array(slots, dtype=np.int64))
    ids = np.concatenate(row_ids).astype(np.int64)
    order = np.argsort(ids, kind="stable")
    return Snapshot(
        documents=documents,
        chunks=tuple(chunks),
        vectors=vectors,
        lexical=build_lexical(chunks, documents, base),
        row_ids=ids[order],
        row_chunks=np.concatenate(row_chunks).astype(np.int32)[order],
        row_notes=np.concatenate(row_notes).astype(np.int32)[order],
        row_spans=np.concatenate(row_spans).astype(np.int64)[order],
        next_row_id=next_id,
        generation=base.generation,
        chunk_positions={c.id: i for i, c in enumerate(chunks)},
    )


def manifest_fields(snap: Snapshot, encoder: Encoder, config: IndexConfig) -> dict[str, Any]:
    return {
        "model": {"id": encoder.model_id, "dimension": encoder.dimension, "max_tokens": encoder.max_tokens},
        "chunker": {"max_tokens": config.chunk.max_tokens, "overlap": config.chunk.overlap},
        "store": {"kind": config.store},
        "retrieval": {
            "footnote_vectors": config.footnote_vectors,
            "sentence_vectors": config.sentence_vectors,
            "fusion": config.fusion,
            "rrf_k": config.rrf_k,
            "mode": config.mode,
            "answer_passages": config.answer_passages,
        },
        "lexical": {"analyzer": ANALYZER},
        "libraries": library_versions(),
        "counts": {
            "documents": len(snap.documents),
            "chunks": len(snap.chunks),
            "vectors": len(snap.row_ids),
            "footnotes": sum(len(d.footnotes) for d in snap.documents.values()),
        },
        "next_row_id": snap.next_row_id,
    }


def library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in (
        "footnoted",
        "faiss-cpu",
        "bm25s",
        "numpy",
        "onnxruntime",
        "openvino",
        "tokenizers",
        "langchain-text-splitters",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


_READ_ATTEMPTS = 5


def _live(directory: IndexDir, read: Callable[[Path], T]) -> T:
    """``read`` of the live generation, held meanwhile (``reading``) so that a commit does not remove
    it. Where it vanishes all the same (a file system without locks), reading fails: when
    ``CURRENT`` has moved on meanwhile, the newer generation is read instead; when it has not, the
    failure is the index's own and is raised.

    Raises:
        IndexCorrupt: the live generation does not read back.
    """
    for _ in range(_READ_ATTEMPTS - 1):
        gen = directory.current()
        try:
            with reading(gen):
                return read(gen)
        except IndexCorrupt:
            if directory.current() == gen:
                raise
    gen = directory.current()
    with reading(gen):
        return read(gen)


def load_generation(directory: IndexDir, encoder: Encoder, *, verify: bool) -> tuple[Snapshot, IndexConfig]:
    return _live(directory, lambda gen: _load(directory, gen, encoder, verify=verify))


def _load(directory: IndexDir, gen: Path, encoder: Encoder, *, verify: bool) -> tuple[Snapshot, IndexConfig]:
    manifest = read_manifest(gen)
    check_manifest(manifest, model_id=encoder.model_id, dimension=encoder.dimension, where=directory.path)
    if verify:
        problems = verify_files(gen, manifest)
        if problems:
            raise IndexCorrupt(
                f"the index at {directory.path} is damaged: {'; '.join(problems)}; "
                f"`footnoted reindex --index {directory.path}` builds it again from the documents it holds "
                f"while those are intact, else ingest them afresh into an empty directory"
            )
    return snapshots.read(gen, manifest), stored_config(manifest)


def stored_config(manifest: dict[str, Any]) -> IndexConfig:
    """The configuration a manifest records (chunking, store, retrieval); a default for what it lacks."""
    default = IndexConfig()
    retrieval = manifest.get("retrieval") or {}
    chunker = manifest.get("chunker") or {}
    store = manifest.get("store") or {}
    try:
        return IndexConfig(
            chunk=ChunkSettings(
                int(chunker.get("max_tokens", default.chunk.max_tokens)),
                int(chunker.get("overlap", default.chunk.overlap)),
            ),
            store=store.get("kind", default.store),
            footnote_vectors=retrieval.get("footnote_vectors", default.footnote_vectors),
            sentence_vectors=bool(retrieval.get("sentence_vectors", default.sentence_vectors)),
            fusion=retrieval.get("fusion", default.fusion),
            rrf_k=int(retrieval.get("rrf_k", default.rrf_k)),
            mode=retrieval.get("mode", default.mode),
            answer_passages=int(retrieval.get("answer_passages", default.answer_passages)),
        )
    except (ValueError, TypeError) as exc:  # written by hand, or by a footnoted that let one through
        raise IndexCorrupt(
            f"the index's manifest records a setting footnoted does not have ({exc}); "
            "ingest its documents afresh into an empty directory"
        ) from None


def stored_settings(directory: IndexDir) -> IndexConfig:
    """The configuration the live generation was built with, from its manifest alone (any format).

    Raises:
        IndexNotFound, IndexMismatch, IndexCorrupt: as ``stored_documents``.
    """
    return _live(directory, lambda gen: stored_config(read_manifest(gen, DOCUMENT_VERSIONS)))


def stored_documents(directory: IndexDir) -> tuple[list[Document], IndexConfig]:
    """The documents the live generation holds, and the configuration it was built with, whatever
    model built it and whichever format (1 on) footnoted wrote it in: what ``Index.rebuild`` builds
    the index again from. Only ``documents.json`` and the manifest are read, each checked.

    Raises:
        IndexNotFound: no index there.
        IndexMismatch: written by a newer footnoted.
        IndexCorrupt: the manifest or ``documents.json`` is damaged.
    """
    return _live(directory, lambda gen: _documents(directory, gen))


def _documents(directory: IndexDir, gen: Path) -> tuple[list[Document], IndexConfig]:
    manifest = read_manifest(gen, DOCUMENT_VERSIONS)
    listed = manifest.get("files") or {}
    problems = verify_files(gen, {"files": {"documents.json": listed.get("documents.json") or {}}})
    if problems:
        raise IndexCorrupt(
            f"the index at {directory.path} cannot be built again from its documents: {'; '.join(problems)}; "
            f"ingest them afresh into an empty directory"
        )
    try:
        documents = snapshots.read_documents(gen)
        config = stored_config(manifest)
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise IndexCorrupt(
            f"the documents in {gen} do not read back ({type(exc).__name__}: {exc}); "
            f"ingest them afresh into an empty directory"
        ) from None
    return list(documents.values()), config
