"""The index: documents in, cited passages and answers out, persisted in atomic generations."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from footnoted.errors import DocumentNotFound, IndexNotFound, InvalidQuery
from footnoted.index import snapshot as snapshots
from footnoted.index.answer import Candidate, SentenceVectors, extract, sentence_candidates
from footnoted.index.cache import CachedEncoding, EmbeddingCache
from footnoted.index.encoder import Encoder
from footnoted.index.lexical import Lexical
from footnoted.index.search import MODES, Fusion, Mode, Ranking, convex, dense, lexical, rrf
from footnoted.index.snapshot import BODY, Snapshot, lexical_text
from footnoted.index.store import IndexDir, check_manifest, read_manifest, verify_files
from footnoted.index.vectors import StoreKind
from footnoted.ingest.chunk import ChunkSettings, Splitter, chunk
from footnoted.ingest.sentences import sentences
from footnoted.ingest.tokens import Tokenizer
from footnoted.types import Answer, Chunk, Citation, Document, Footnote, Hit, Span

FootnoteVectors = Literal["sentences", "contextual", "separate", "inline", "none"]
Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class IndexConfig:
    """How an index cuts, embeds and ranks; recorded in its manifest."""

    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    store: StoreKind = "flat"
    footnote_vectors: FootnoteVectors = "sentences"
    """``sentences``: one extra vector per sentence of each attached footnote (the default);
    ``separate``: one per footnote; ``inline``: footnotes appended to the body in one vector (cut
    off by the model's limit: for comparison only); ``none``: body only."""
    sentence_vectors: bool = True
    """Also one vector per sentence of each chunk's body (the chunk scores its best)."""
    fusion: Fusion = "rrf"
    rrf_k: int = 60
    mode: Mode = "hybrid"
    answer_passages: int = 4


@dataclass(frozen=True, slots=True)
class _Row:
    """One vector to make: the chunk it scores, BODY or a footnote slot, the text, and its span."""

    chunk_id: str
    slot: int
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class AddReport:
    """What an ``add`` did."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    chunks: int = 0
    encoded: int = 0
    reused: int = 0
    warnings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


class Index:
    """Documents, chunks and their vectors; ``search`` and ``ask`` over them.

    Readers never block: each search runs on the snapshot that was current when it began, and
    writes build the next snapshot beside it, persist it, then swap it in.
    """

    def __init__(
        self,
        encoder: Encoder,
        tokenizer: Tokenizer,
        config: IndexConfig,
        directory: IndexDir | None,
        snapshot: Snapshot,
    ) -> None:
        self.encoder = encoder
        self.tokenizer = tokenizer
        self.config = config
        self.directory = directory
        self._snapshot = snapshot
        self._write = threading.Lock()
        self._cache = EmbeddingCache(directory.cache_file) if directory else None
        self._sentences = SentenceVectors(encoder)
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        self.query_cache_size = 256

    # -- opening ----------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path,
        encoder: Encoder,
        tokenizer: Tokenizer,
        config: IndexConfig | None = None,
        *,
        create: bool = True,
        verify: bool = True,
    ) -> Index:
        """Open the index at ``path``, or an empty one there when ``create`` is set.

        An existing index keeps the configuration in its manifest (chunking, store, fusion).

        Raises:
            IndexNotFound: nothing at ``path`` and ``create`` is False.
            IndexMismatch: built with another model, dimension or format version.
            IndexCorrupt: a file is missing, truncated or fails its checksum.
        """
        directory = IndexDir(Path(path))
        config = config or IndexConfig()
        if not directory.exists():
            if not create:
                raise IndexNotFound(f"no index at {path}; build one with `footnoted ingest PATH --index {path}`")
            return cls(encoder, tokenizer, config, directory, Snapshot.empty(encoder.dimension, config.store))
        snap, stored = _load(directory, encoder, verify=verify)
        return cls(encoder, tokenizer, stored, directory, snap)

    @classmethod
    def memory(cls, encoder: Encoder, tokenizer: Tokenizer, config: IndexConfig | None = None) -> Index:
        """An index that lives in memory only (evaluations, tests)."""
        config = config or IndexConfig()
        return cls(encoder, tokenizer, config, None, Snapshot.empty(encoder.dimension, config.store))

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    # -- reading ----------------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def documents(self) -> Mapping[str, Document]:
        return self._snapshot.documents

    @property
    def path(self) -> Path | None:
        return self.directory.path if self.directory else None

    def document(self, document_id: str) -> Document:
        try:
            return self._snapshot.documents[document_id]
        except KeyError:
            raise DocumentNotFound(f"no document {document_id!r} in the index") from None

    def encode_query(self, question: str) -> np.ndarray:
        """The question's vector, from a small LRU cache when it was asked recently."""
        with self._queries_lock:
            cached = self._queries.get(question)
            if cached is not None:
                self._queries.move_to_end(question)
                return cached
        vector: np.ndarray = self.encoder.encode([question], "query")[0]
        with self._queries_lock:
            self._queries[question] = vector
            while len(self._queries) > self.query_cache_size:
                self._queries.popitem(last=False)
        return vector

    def rankings(
        self,
        question: str,
        depth: int,
        *,
        document_ids: Sequence[str] | None = None,
        query: np.ndarray | None = None,
        snap: Snapshot | None = None,
    ) -> dict[Mode, Ranking]:
        """Each mode's ranking of chunk positions (for evaluation and diagnostics)."""
        snap = snap or self._snapshot
        allowed = self._allowed(snap, document_ids)
        vector = self.encode_query(question) if query is None else query
        d = dense(snap, vector, depth, allowed)
        lx = lexical(snap, question, depth, allowed)
        h = convex(d, lx, depth) if self.config.fusion == "convex" else rrf([d, lx], depth, self.config.rrf_k)
        return {"dense": d, "lexical": lx, "hybrid": h}

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` passages that best answer ``question``, best first.

        Raises:
            InvalidQuery: an empty question, ``k`` below 1 or an unknown mode.
            DocumentNotFound: a filter names a document the index does not hold.
        """
        return self._search(self._snapshot, question, k, mode, document_ids, None)

    def _search(
        self,
        snap: Snapshot,
        question: str,
        k: int,
        mode: Mode | None,
        document_ids: Sequence[str] | None,
        query: np.ndarray | None,
    ) -> list[Hit]:
        mode = mode or self.config.mode
        if not question or not question.strip():
            raise InvalidQuery("the question is empty")
        if k < 1:
            raise InvalidQuery(f"k must be at least 1, not {k}")
        if mode not in MODES:
            raise InvalidQuery(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        allowed = self._allowed(snap, document_ids)
        depth = max(k, 50)
        if mode == "lexical":
            ranking = lexical(snap, question, k, allowed)
        else:
            vector = self.encode_query(question) if query is None else query
            d = dense(snap, vector, depth if mode == "hybrid" else k, allowed)
            if mode == "dense":
                ranking = d
            else:
                lx = lexical(snap, question, depth, allowed)
                ranking = convex(d, lx, k) if self.config.fusion == "convex" else rrf([d, lx], k, self.config.rrf_k)
        return [
            _hit(snap, rank, int(position), float(score))
            for rank, (position, score) in enumerate(zip(ranking.positions[:k], ranking.scores[:k], strict=True), 1)
        ]

    def ask(
        self,
        question: str,
        k: int = 5,
        *,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
    ) -> Answer:
        """The best evidence sentence(s) for ``question``, with the passages it was drawn from."""
        snap = self._snapshot
        query = self.encode_query(question) if question and question.strip() else None
        hits = self._search(snap, question, k, mode, document_ids, query)
        if query is None:  # unreachable: _search refuses an empty question first
            raise InvalidQuery("the question is empty")
        top = hits[: self.config.answer_passages]
        stored = self._stored_sentences(snap, top)
        if stored is not None:
            candidates, vectors = stored
        else:
            candidates = sentence_candidates(top, snap.documents)
            texts = [snap.documents[c.hit.chunk.document_id].source[c.span.start : c.span.end] for c in candidates]
            vectors = self._sentences.encode(texts)
        answer = extract(question, query, candidates, vectors, snap.documents)
        return replace(answer, passages=tuple(hits))

    def _stored_sentences(self, snap: Snapshot, hits: Sequence[Hit]) -> tuple[list[Candidate], np.ndarray] | None:
        """Answer candidates and their vectors straight from the index, when it stores sentence vectors.

        Rows of one chunk are contiguous (ids are handed out chunk by chunk and never reordered),
        so each chunk's rows are one slice; no sentence is encoded at question time.
        """
        if not self.config.sentence_vectors or self.config.footnote_vectors not in ("sentences", "contextual"):
            return None
        candidates: list[Candidate] = []
        rows: list[int] = []
        for hit in hits:
            position = snap.chunk_positions[hit.chunk.id]
            lo = int(np.searchsorted(snap.row_chunks, position, side="left"))
            hi = int(np.searchsorted(snap.row_chunks, position, side="right"))
            whole = (hit.chunk.start, hit.chunk.end)
            body_rows = [i for i in range(lo, hi) if snap.row_notes[i] == BODY]
            for i in range(lo, hi):
                start, end = int(snap.row_spans[i, 0]), int(snap.row_spans[i, 1])
                slot = int(snap.row_notes[i])
                if slot == BODY and (start, end) == whole and len(body_rows) > 1:
                    continue  # the whole passage; its sentences have rows of their own
                note = None if slot == BODY else hit.chunk.footnotes[slot]
                candidates.append(Candidate(hit, Span(start, end), note))
                rows.append(i)
        if not candidates:
            return None
        return candidates, snap.vectors.vectors(snap.row_ids[rows])

    def _allowed(self, snap: Snapshot, document_ids: Sequence[str] | None) -> np.ndarray | None:
        if document_ids is None:
            return None
        wanted = set(document_ids)
        missing = wanted - set(snap.documents)
        if missing:
            raise DocumentNotFound(f"no document {sorted(missing)[0]!r} in the index")
        return np.array([i for i, c in enumerate(snap.chunks) if c.document_id in wanted], dtype=np.int64)

    # -- writing ----------------------------------------------------------------------------------

    def add(self, documents: Iterable[Document], *, progress: Progress | None = None) -> AddReport:
        """Add documents, replace changed ones (same id, new content), skip unchanged ones."""
        docs = list(documents)
        with self._write:
            if self.directory is None:
                return self._add(docs, progress)
            with self.directory.write_lock():
                self._refresh()
                return self._add(docs, progress)

    def remove(self, document_id: str) -> None:
        """Remove a document and its chunks.

        Raises:
            DocumentNotFound: the index does not hold it.
        """
        with self._write:
            if self.directory is None:
                self._remove(document_id)
                return
            with self.directory.write_lock():
                self._refresh()
                self._remove(document_id)

    def _refresh(self) -> None:
        """Pick up a generation another process committed since this one loaded."""
        assert self.directory is not None  # only called for on-disk indexes
        if not self.directory.exists():
            return
        gen = self.directory.current()
        if int(gen.name[4:]) != self._snapshot.generation:
            self._snapshot, _ = _load(self.directory, self.encoder, verify=True)

    def _remove(self, document_id: str) -> None:
        if document_id not in self._snapshot.documents:
            raise DocumentNotFound(f"no document {document_id!r} in the index")
        self._commit(_apply(self._snapshot, [], {document_id}, {}, self.encoder.dimension))

    def _add(self, docs: list[Document], progress: Progress | None) -> AddReport:
        snap = self._snapshot
        added: list[str] = []
        replaced: list[str] = []
        unchanged: list[str] = []
        fresh: list[Document] = []
        for doc in {d.id: d for d in docs}.values():
            old = snap.documents.get(doc.id)
            if old is not None and old.content_hash and old.content_hash == doc.content_hash:
                unchanged.append(doc.id)
                continue
            (replaced if old is not None else added).append(doc.id)
            fresh.append(doc)
        report = AddReport(
            tuple(added), tuple(replaced), tuple(unchanged), warnings={d.id: d.warnings for d in fresh if d.warnings}
        )
        if not fresh:
            return report
        settings = replace(self.config.chunk, max_tokens=min(self.config.chunk.max_tokens, self.encoder.max_tokens))
        new_chunks = {d.id: chunk(d, self.tokenizer, settings) for d in fresh}
        rows = self._rows(fresh, new_chunks)
        encoding = CachedEncoding(self.encoder, self._cache)
        texts = [row.text for row in rows]
        vectors = np.zeros((len(texts), self.encoder.dimension), dtype=np.float32)
        # Encoded shortest first, in steps (for the progress bar), so each model batch pads little.
        order = np.argsort([len(t) for t in texts], kind="stable")
        step = 512
        for begin in range(0, len(order), step):
            part = order[begin : begin + step]
            vectors[part] = encoding.encode([texts[i] for i in part])
            if progress is not None:
                progress(len(part))
        encoded: dict[str, list[tuple[_Row, np.ndarray]]] = {}
        for row, vector in zip(rows, vectors, strict=True):
            encoded.setdefault(row.chunk_id, []).append((row, vector))
        self._commit(_apply(snap, fresh, set(replaced), new_chunks, self.encoder.dimension, encoded))
        return replace(
            report, chunks=sum(len(c) for c in new_chunks.values()), encoded=encoding.encoded, reused=encoding.reused
        )

    def _rows(self, docs: list[Document], chunks: dict[str, list[Chunk]]) -> list[_Row]:
        """Every vector the new chunks need: what it embeds and where that text is."""
        splitter = Splitter(self.tokenizer, ChunkSettings(max_tokens=self.encoder.max_tokens, overlap=16))
        rows: list[_Row] = []
        for doc in docs:
            for c in chunks[doc.id]:
                whole = Span(c.start, c.end)
                inline = self.config.footnote_vectors == "inline"
                rows.append(_Row(c.id, BODY, lexical_text(c) if inline else c.text, whole))
                if self.config.sentence_vectors:
                    body = _note_sentences(doc.source, whole, splitter)
                    if len(body) > 1:
                        rows.extend(_Row(c.id, BODY, doc.source[p.start : p.end], p) for p in body)
                if self.config.footnote_vectors == "none":
                    continue
                for slot, note in enumerate(c.footnotes):
                    if self.config.footnote_vectors in ("sentences", "contextual"):
                        pieces = _note_sentences(doc.source, Span(note.start, note.end), splitter)
                    else:
                        pieces = splitter.split(doc.source, Span(note.start, note.end))
                    claim = (
                        _citing_sentence(doc.source, c, note) if self.config.footnote_vectors == "contextual" else ""
                    )
                    for p in pieces:
                        text = doc.source[p.start : p.end]
                        if claim and self.tokenizer.count(f"{claim} {text}") <= self.encoder.max_tokens:
                            text = f"{claim} {text}"
                        rows.append(_Row(c.id, slot, text, p))
        return rows

    def _commit(self, new: Snapshot) -> None:
        if self.directory is not None:
            config = self.config

            def write(directory: Path) -> dict[str, Any]:
                snapshots.write(new, directory)
                return _manifest_fields(new, self.encoder, config)

            gen = self.directory.commit(write)
            new = replace(new, generation=int(gen.name[4:]))
        self._snapshot = new


def _note_sentences(source: str, span: Span, splitter: Splitter) -> list[Span]:
    """A span cut into sentences, short ones ("Ibid.", "p. 6.") joined to the one before."""
    spans: list[Span] = []
    for sentence in sentences(source, span.start, span.end):
        if spans and len(source[sentence.start : sentence.end].split()) < 6:
            spans[-1] = Span(spans[-1].start, sentence.end)
        else:
            spans.append(sentence)
    return [piece for span in spans for piece in splitter.split(source, span)]


def _citing_sentence(source: str, c: Chunk, note: Footnote) -> str:
    """The sentence of ``c`` that carries a marker of ``note`` (the claim the note supports)."""
    for span in sentences(source, c.start, c.end):
        if any(span.contains(m) for m in note.markers):
            return source[span.start : span.end]
    return ""


def _hit(snap: Snapshot, rank: int, position: int, score: float) -> Hit:
    c = snap.chunks[position]
    doc = snap.documents[c.document_id]
    return Hit(rank, score, c, Citation(doc.id, doc.title, c.section, c.start, c.end))


def _apply(
    base: Snapshot,
    add: list[Document],
    remove: set[str],
    new_chunks: dict[str, list[Chunk]],
    dimension: int,
    encoded: dict[str, list[tuple[_Row, np.ndarray]]] | None = None,
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
        lexical=Lexical.build([lexical_text(c) for c in chunks]),
        row_ids=ids[order],
        row_chunks=np.concatenate(row_chunks).astype(np.int32)[order],
        row_notes=np.concatenate(row_notes).astype(np.int32)[order],
        row_spans=np.concatenate(row_spans).astype(np.int64)[order],
        next_row_id=next_id,
        generation=base.generation,
        chunk_positions={c.id: i for i, c in enumerate(chunks)},
    )


def _manifest_fields(snap: Snapshot, encoder: Encoder, config: IndexConfig) -> dict[str, Any]:
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
        "libraries": _library_versions(),
        "counts": {
            "documents": len(snap.documents),
            "chunks": len(snap.chunks),
            "vectors": len(snap.row_ids),
            "footnotes": sum(len(d.footnotes) for d in snap.documents.values()),
        },
        "next_row_id": snap.next_row_id,
    }


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("footnoted", "faiss-cpu", "bm25s", "numpy", "onnxruntime", "tokenizers", "langchain-text-splitters"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


def _load(directory: IndexDir, encoder: Encoder, *, verify: bool) -> tuple[Snapshot, IndexConfig]:
    from footnoted.errors import IndexCorrupt

    gen = directory.current()
    manifest = read_manifest(gen)
    check_manifest(manifest, model_id=encoder.model_id, dimension=encoder.dimension, where=directory.path)
    if verify:
        problems = verify_files(gen, manifest)
        if problems:
            raise IndexCorrupt(
                f"the index at {directory.path} is damaged: {'; '.join(problems)}; "
                f"rebuild it with `footnoted ingest PATH --index {directory.path}` (after deleting it)"
            )
    snap = snapshots.read(gen, manifest)
    retrieval = manifest.get("retrieval", {})
    chunker = manifest.get("chunker", {})
    config = IndexConfig(
        chunk=ChunkSettings(int(chunker.get("max_tokens", 200)), int(chunker.get("overlap", 32))),
        store=manifest["store"]["kind"],
        footnote_vectors=retrieval.get("footnote_vectors", "sentences"),
        sentence_vectors=bool(retrieval.get("sentence_vectors", True)),
        fusion=retrieval.get("fusion", "rrf"),
        rrf_k=int(retrieval.get("rrf_k", 60)),
        mode=retrieval.get("mode", "hybrid"),
        answer_passages=int(retrieval.get("answer_passages", 4)),
    )
    return snap, config
