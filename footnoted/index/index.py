"""The index: documents in, cited passages and answers out, persisted in atomic generations."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from footnoted.collector import bulk
from footnoted.errors import (
    DocumentNotFound,
    IndexNotFound,
    InvalidQuery,
    InvalidSettings,
    check_not_blank,
    check_question,
)
from footnoted.index import snapshot as snapshots
from footnoted.index.answer import Candidate, SentenceVectors, answer_sentences, extract, sentence_candidates
from footnoted.index.cache import CachedEncoding, EmbeddingCache
from footnoted.index.config import IndexConfig
from footnoted.index.encoder import Encoder
from footnoted.index.generation import apply_changes, load_generation, manifest_fields, stored_documents
from footnoted.index.named import named_notes, without_names
from footnoted.index.rows import Row, vector_rows
from footnoted.index.search import FUSIONS, MODES, Fusion, Mode, Ranking, dense, fuse, lexical
from footnoted.index.snapshot import BODY, Snapshot
from footnoted.index.store import IndexDir
from footnoted.index.vectors import StoreKind
from footnoted.ingest.chunk import ChunkSettings, chunk
from footnoted.ingest.tokens import Tokenizer
from footnoted.types import Answer, Chunk, Citation, Document, Hit, Span

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class AddReport:
    """What an ``add`` did."""

    added: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    reread: tuple[str, ...] = ()
    """Of ``replaced``, those whose content, format and title are unchanged: stored as other reading
    code (an earlier footnoted) read them, and read again by this one."""
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
        self._cache: EmbeddingCache | None = None  # opened by the first write (_embedding_cache)
        self._cache_lock = threading.Lock()
        self._sentences = SentenceVectors(encoder)
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries_lock = threading.Lock()
        self.query_cache_size = 256
        self.default_mode: Mode | None = None
        """The mode of a question that names none; None: the index's own (``config.mode``).
        ``open_index`` sets it from ``FOOTNOTED_MODE``; it is never stored."""
        self.default_fusion: Fusion | None = None
        """How hybrid search fuses its lists; None: the index's own (``config.fusion``).
        ``open_index`` sets it from ``FOOTNOTED_FUSION``; it is never stored."""

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
        if directory.path.exists() and not directory.path.is_dir():
            raise IndexNotFound(f"{directory.path} is a file, not an index directory")
        if not directory.exists():
            if not create or any(directory.generations.glob("gen-*")):
                directory.current()  # raises: nothing here, or generations without their pointer
            config = _for_model(config, encoder)
            return cls(encoder, tokenizer, config, directory, Snapshot.empty(encoder.dimension, config.store))
        snap, stored = load_generation(directory, encoder, verify=verify)
        return cls(encoder, tokenizer, stored, directory, snap)

    @classmethod
    def rebuild(
        cls,
        path: str | Path,
        encoder: Encoder,
        tokenizer: Tokenizer,
        *,
        chunk_tokens: int | None = None,
        chunk_overlap: int | None = None,
        store: StoreKind | None = None,
        progress: Progress | None = None,
    ) -> tuple[Index, AddReport]:
        """Build the index at ``path`` again from the documents it holds, with this encoder, as its
        next generation. It keeps the configuration it was built with, but for the passages'
        size and overlap in model tokens and ``store`` (the vector index type) where given.

        For an index another model built, or an older footnoted, or to change how it cuts and
        ranks: no source file is needed, since an index stores each document whole. The documents
        keep their ids, text, notes and spans. Until the new generation is in place the old one
        stays live: a rebuild that fails or is stopped changes nothing. Vectors the embedding cache
        holds for this model are reused.

        Raises:
            IndexNotFound: no index at ``path``.
            IndexMismatch: written by a newer footnoted.
            IndexCorrupt: its documents cannot be read back.
            IndexLocked: another process is writing to it.
            ValueError: the passage size or overlap is out of bounds (see ``ChunkSettings``).
        """
        directory = IndexDir(Path(path))
        if not directory.exists():
            directory.current()  # raises: nothing here, or generations without their pointer
        with directory.write_lock():
            documents, config = stored_documents(directory)
            chunking = ChunkSettings(
                config.chunk.max_tokens if chunk_tokens is None else chunk_tokens,
                config.chunk.overlap if chunk_overlap is None else chunk_overlap,
            )
            config = _for_model(replace(config, chunk=chunking, store=store or config.store), encoder)
            index = cls(encoder, tokenizer, config, directory, Snapshot.empty(encoder.dimension, config.store))
            with index._write, bulk():
                report = index._add(documents, progress)
                if not documents:
                    index._commit(index._snapshot)  # the manifest names this model from now on
        return index, report

    @classmethod
    def memory(cls, encoder: Encoder, tokenizer: Tokenizer, config: IndexConfig | None = None) -> Index:
        """An index that lives in memory only (evaluations, tests)."""
        config = _for_model(config or IndexConfig(), encoder)
        return cls(encoder, tokenizer, config, None, Snapshot.empty(encoder.dimension, config.store))

    def close(self) -> None:
        with self._cache_lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    def _embedding_cache(self) -> EmbeddingCache | None:
        """The embedding cache of an index on disk, opened by the first write: searching never
        needs it, so an index on a read-only disk can still be searched."""
        if self.directory is None:
            return None
        with self._cache_lock:
            if self._cache is None:
                self._cache = EmbeddingCache(self.directory.cache_file)
            return self._cache

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
        return self._snapshot.document(document_id)

    def encode_query(self, question: str) -> np.ndarray:
        """The question's vector, from a small LRU cache when it was asked recently.

        Raises:
            InvalidQuery: the question is not text (not a string, or a lone surrogate in it), or is
                empty (nothing, or nothing that is seen).
        """
        check_question(question)
        check_not_blank(question)
        cached = self.cached_query(question)
        if cached is not None:
            return cached
        vector: np.ndarray = self.encoder.encode([question], "query")[0]
        self.remember_query(question, vector)
        return vector

    def cached_query(self, question: str) -> np.ndarray | None:
        """The question's vector when it was asked recently, else None (encodes nothing)."""
        with self._queries_lock:
            cached = self._queries.get(question)
            if cached is not None:
                self._queries.move_to_end(question)
            return cached

    def remember_query(self, question: str, vector: np.ndarray) -> None:
        """Keep a question's vector in the LRU of recent questions."""
        with self._queries_lock:
            self._queries[question] = vector
            while len(self._queries) > self.query_cache_size:
                self._queries.popitem(last=False)

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
        h = fuse(self.fusion, d, lx, depth, self.config.rrf_k)
        return {"dense": d, "lexical": lx, "hybrid": h}

    def search(
        self,
        question: str,
        k: int = 5,
        *,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
        query: np.ndarray | None = None,
        fusion: Fusion | None = None,
    ) -> list[Hit]:
        """The ``k`` passages that best answer ``question``, best first.

        ``query`` is the question's vector when the caller has it already (``encode_query``, or a
        batch of its own); else the question is encoded here. ``fusion`` is how a hybrid search
        fuses its two lists (None: ``self.fusion``).

        Raises:
            InvalidQuery: an empty question, ``k`` not a whole number from 1, an unknown mode or
                fusion, a ``query`` that is not one vector of the encoder's dimension, or an empty
                ``document_ids`` (None searches every document).
            DocumentNotFound: a filter names a document the index does not hold.
        """
        return self._search(self._snapshot, question, k, mode, document_ids, query, fusion)

    def _search(
        self,
        snap: Snapshot,
        question: str,
        k: int,
        mode: Mode | None,
        document_ids: Sequence[str] | None,
        query: np.ndarray | None,
        fusion: Fusion | None = None,
    ) -> list[Hit]:
        if mode is None:
            mode = self.default_mode or self.config.mode
        check_question(question)
        check_not_blank(question)
        if not isinstance(k, int | np.integer) or isinstance(k, bool) or k < 1:
            raise InvalidQuery(f"k must be a whole number from 1, not {k!r}")
        if query is not None:
            query = self._checked_vector(query)
        if mode not in MODES:
            raise InvalidQuery(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if fusion is not None and fusion not in FUSIONS:
            raise InvalidQuery(f"fusion must be one of {', '.join(FUSIONS)}, not {fusion!r}"[:200])
        allowed = self._allowed(snap, document_ids)
        vector = None if mode == "lexical" else self.encode_query(question) if query is None else query
        named = _carrying_named(snap, question, allowed)
        # BM25 reads the question without the words naming a note: they are not what it asks.
        words = without_names(question) if len(named) else question
        ranking = self._rank(snap, words, k, mode, allowed, vector, fusion)
        if len(named):
            # The passages carrying a note the question names by label come first, in their own
            # order (one that shares no word with the question too), then the others.
            first = self._rank(snap, words, k, mode, named, vector, fusion)
            missing = np.setdiff1d(named, first.positions)[: max(0, k - len(first.positions))]
            rest = ~np.isin(ranking.positions, named)
            ranking = Ranking(
                np.concatenate([first.positions, missing, ranking.positions[rest]]),
                np.concatenate([first.scores, np.zeros(len(missing), dtype=np.float32), ranking.scores[rest]]),
            )
        return [
            _hit(snap, rank, int(position), float(score))
            for rank, (position, score) in enumerate(zip(ranking.positions[:k], ranking.scores[:k], strict=True), 1)
        ]

    def _rank(
        self,
        snap: Snapshot,
        question: str,
        k: int,
        mode: Mode,
        allowed: np.ndarray | None,
        vector: np.ndarray | None,
        fusion: Fusion | None,
    ) -> Ranking:
        """The first ``k`` chunks (of ``allowed``, or all) by ``mode``; ``vector`` is the question's."""
        if mode == "lexical" or vector is None:
            return lexical(snap, question, k, allowed)
        depth = max(k, 50)
        d = dense(snap, vector, depth if mode == "hybrid" else k, allowed)
        if mode == "dense":
            return d
        return fuse(fusion or self.fusion, d, lexical(snap, question, depth, allowed), k, self.config.rrf_k)

    def ask(
        self,
        question: str,
        k: int = 5,
        *,
        mode: Mode | None = None,
        document_ids: Sequence[str] | None = None,
        query: np.ndarray | None = None,
        fusion: Fusion | None = None,
    ) -> Answer:
        """The best evidence sentence(s) for ``question``, with the passages it was drawn from.

        ``query``, when given, is the question's vector, and ``fusion`` how a hybrid search fuses
        its lists, as for ``search``.
        """
        snap = self._snapshot
        check_question(question)
        check_not_blank(question)
        query = self.encode_query(question) if query is None else self._checked_vector(query)
        hits = self._search(snap, question, k, mode, document_ids, query, fusion)
        top = hits[: self.config.answer_passages]
        stored = self._stored_sentences(snap, top)
        if stored is not None:
            candidates, vectors = stored
        else:
            candidates = sentence_candidates(top, snap.documents)
            texts = [snap.documents[c.hit.chunk.document_id].source[c.span.start : c.span.end] for c in candidates]
            vectors = self._sentences.encode(texts)
        labels = named_notes(question)
        if labels:
            # A question naming a note is answered from that note (or from the note it cites its
            # source through, for an "Ibid."), when the passages drawn on carry it.
            keep = [i for i, c in enumerate(candidates) if _on_named(c, labels, snap.documents)]
            if keep:
                candidates, vectors = [candidates[i] for i in keep], vectors[keep]
        answer = extract(question, query, candidates, vectors, snap.documents)
        return replace(answer, passages=tuple(hits))

    @property
    def fusion(self) -> Fusion:
        """How hybrid search fuses its lists: ``default_fusion``, else the index's own."""
        return self.default_fusion or self.config.fusion

    @property
    def answers_from_stored_vectors(self) -> bool:
        """Whether ``ask`` scores sentences by vectors the index stores (encoding only the question)."""
        return self.config.sentence_vectors and self.config.footnote_vectors in ("sentences", "contextual")

    def _stored_sentences(self, snap: Snapshot, hits: Sequence[Hit]) -> tuple[list[Candidate], np.ndarray] | None:
        """Answer candidates and their vectors straight from the index, when it stores sentence vectors.

        Rows of one chunk are contiguous (ids are handed out chunk by chunk and never reordered),
        so each chunk's rows are one slice; no sentence is encoded at question time.
        """
        if not self.answers_from_stored_vectors:
            return None
        candidates: list[Candidate] = []
        rows: list[int] = []
        for hit in hits:
            doc = snap.documents[hit.chunk.document_id]
            position = snap.chunk_positions[hit.chunk.id]
            lo = int(np.searchsorted(snap.row_chunks, position, side="left"))
            hi = int(np.searchsorted(snap.row_chunks, position, side="right"))
            for i in range(lo, hi):
                start, end = int(snap.row_spans[i, 0]), int(snap.row_spans[i, 1])
                slot = int(snap.row_notes[i])
                note = None if slot == BODY else hit.chunk.footnotes[slot]
                if note is not None and not note.start <= start < note.end:  # a source it cites through another
                    sources = doc.sources(note)
                    note = next((s for s in sources if s.start <= start < s.end), None)
                # A row may hold a short sentence joined to the one before it ("Ibid.", "Production
                # ended in 1997."): each of its sentences is a candidate of its own, with its vector.
                for n, sentence in enumerate(answer_sentences(doc, Span(start, end))):
                    candidates.append(Candidate(hit, sentence, note, shares_vector=n > 0))
                    rows.append(i)
        if not candidates:
            return None
        return candidates, snap.vectors.vectors(snap.row_ids[rows])

    def _checked_vector(self, query: np.ndarray) -> np.ndarray:
        """A question's vector given by the caller, as the index compares them: one row of the
        encoder's dimension, in float32."""
        try:
            vector = np.asarray(query, dtype=np.float32)
        except (TypeError, ValueError):  # a string, an object: not numbers at all
            raise InvalidQuery(
                f"query must be a vector of {self.encoder.dimension} finite numbers, not {type(query).__name__}"
            ) from None
        if vector.shape != (self.encoder.dimension,) or not np.isfinite(vector).all():
            raise InvalidQuery(
                f"query must be a vector of {self.encoder.dimension} finite numbers, not one of shape {vector.shape}"
            )
        return vector

    def _allowed(self, snap: Snapshot, document_ids: Sequence[str] | None) -> np.ndarray | None:
        if document_ids is None:
            return None
        # One id given as a string is that id, not its characters.
        ids = [document_ids] if isinstance(document_ids, str) else document_ids
        if not isinstance(ids, Iterable) or not all(isinstance(i, str) for i in ids):
            raise InvalidQuery(f"document_ids must be a document id or a list of them, not {document_ids!r}"[:200])
        wanted = set(ids)
        if not wanted:
            # An empty filter would match nothing and read as "no passage answers this".
            raise InvalidQuery("the document filter is empty: name at least one document id, or leave it out")
        missing = wanted - set(snap.documents)
        if missing:
            raise DocumentNotFound(f"no document {sorted(missing)[0]!r} in the index")
        return np.array([i for i, c in enumerate(snap.chunks) if c.document_id in wanted], dtype=np.int64)

    # -- writing ----------------------------------------------------------------------------------

    def add(self, documents: Iterable[Document], *, progress: Progress | None = None) -> AddReport:
        """Add documents, replace changed ones (same id; new content, or the same read as another
        format, under another title or by other reading code), skip unchanged ones."""
        with bulk():
            docs = list(documents)
            for doc in docs:
                if not isinstance(doc, Document):
                    raise TypeError(
                        f"Index.add takes Documents, not {type(doc).__name__}: read a file with footnoted.load(path)"
                    )
            with self._write:
                if self.directory is None:
                    return self._add(docs, progress)
                with self.directory.write_lock():
                    self._refresh()
                    return self._add(docs, progress)

    def remove(self, document_id: str, *more: str) -> None:
        """Remove documents and their chunks, all in one commit.

        Raises:
            DocumentNotFound: the index does not hold one of them (and none is removed).
        """
        ids = (document_id, *more)
        for doc_id in ids:
            if not isinstance(doc_id, str):
                raise TypeError(f"Index.remove takes document ids (strings), not {type(doc_id).__name__}")
        with self._write, bulk():
            if self.directory is None:
                self._remove(ids)
                return
            with self.directory.write_lock():
                self._refresh()
                self._remove(ids)

    def refresh(self) -> bool:
        """Pick up a generation another process committed since this one was loaded.

        Cheap when nothing changed (one small file is read). A new generation is verified and
        swapped in whole; searches already running finish on the one they started with.

        Returns:
            Whether a newer generation was loaded.

        Raises:
            IndexCorrupt: the newer generation does not verify (this index keeps the one it has).
            IndexMismatch: it was built for another model or format.
        """
        if self.directory is None or not self.directory.exists():
            return False
        if int(self.directory.current().name[4:]) == self._snapshot.generation:
            return False
        with self._write:  # not in the middle of this process's own write
            return self._refresh()

    def _refresh(self) -> bool:
        assert self.directory is not None  # only called for on-disk indexes
        if not self.directory.exists():
            return False
        gen = self.directory.current()
        if int(gen.name[4:]) == self._snapshot.generation:
            return False
        # Its configuration too: another process may have built the index again with other settings.
        self._snapshot, self.config = load_generation(self.directory, self.encoder, verify=True)
        return True

    def _remove(self, ids: tuple[str, ...]) -> None:
        for document_id in ids:
            self._snapshot.document(document_id)  # DocumentNotFound when it is not there
        self._commit(apply_changes(self._snapshot, [], set(ids), {}, self.encoder.dimension))

    def _add(self, docs: list[Document], progress: Progress | None) -> AddReport:
        snap = self._snapshot
        added: list[str] = []
        replaced: list[str] = []
        unchanged: list[str] = []
        reread: list[str] = []
        fresh: list[Document] = []
        for doc in {d.id: d for d in docs}.values():
            old = snap.documents.get(doc.id)
            same = (
                old is not None
                and bool(old.content_hash)
                and (old.content_hash, old.format, old.title) == (doc.content_hash, doc.format, doc.title)
            )
            if same and old is not None and old.reader == doc.reader:
                unchanged.append(doc.id)
                continue
            if same:
                reread.append(doc.id)  # the same document, read by other code
            (replaced if old is not None else added).append(doc.id)
            fresh.append(doc)
        # The last copy of an id wins, as in a dict; the others are said to be dropped, not lost unseen.
        warnings = {d.id: d.warnings for d in fresh if d.warnings}
        for doc_id, n in Counter(d.id for d in docs).items():
            if n > 1:
                warnings[doc_id] = (*warnings.get(doc_id, ()), f"given {n} times in one add: the last copy was kept")
        report = AddReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(reread), warnings=warnings)
        if not fresh:
            return report
        try:
            settings = self.config.chunk.within(self.encoder.max_tokens)
        except ValueError as exc:  # an index written before passage sizes were capped as it was made
            raise InvalidSettings(f"{exc}; give a smaller one with `footnoted reindex --chunk-overlap N`") from None
        new_chunks = {d.id: chunk(d, self.tokenizer, settings) for d in fresh}
        rows = self._rows(fresh, new_chunks)
        encoding = CachedEncoding(self.encoder, self._embedding_cache())
        # All texts at once, shortest first (see _encode). Reading and cutting documents in a thread
        # beside the encoder was measured twice and not kept: slower with OpenVINO's threads pinned,
        # and with them unpinned this code was still 2 to 4% quicker (five pairs), as the encoder's
        # threads lose more to the competition than the reading saves; and encoding the texts in
        # document order, as a stream must, cost 4 to 10% more model time than all of them sorted.
        vectors = self._encode([r.text for r in rows], encoding, progress)
        encoded: dict[str, list[tuple[Row, np.ndarray]]] = {}
        for row, vector in zip(rows, vectors, strict=True):
            encoded.setdefault(row.chunk_id, []).append((row, vector))
        self._commit(apply_changes(snap, fresh, set(replaced), new_chunks, self.encoder.dimension, encoded))
        return replace(
            report, chunks=sum(len(c) for c in new_chunks.values()), encoded=encoding.encoded, reused=encoding.reused
        )

    def _encode(self, texts: list[str], encoding: CachedEncoding, progress: Progress | None) -> np.ndarray:
        """Vectors of ``texts``, shortest first in steps (for the progress bar) so batches pad little."""
        vectors = np.zeros((len(texts), self.encoder.dimension), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        step = 512
        for begin in range(0, len(order), step):
            part = order[begin : begin + step]
            vectors[part] = encoding.encode([texts[i] for i in part])
            if progress is not None:
                progress(len(part))
        return vectors

    def _rows(self, docs: list[Document], chunks: dict[str, list[Chunk]]) -> list[Row]:
        return vector_rows(docs, chunks, self.config, self.tokenizer, self.encoder.max_tokens)

    def _commit(self, new: Snapshot) -> None:
        if self.directory is not None:
            config = self.config

            def write(directory: Path) -> dict[str, Any]:
                snapshots.write(new, directory)
                return manifest_fields(new, self.encoder, config)

            gen = self.directory.commit(write)
            new = replace(new, generation=int(gen.name[4:]))
        self._snapshot = new


def _for_model(config: IndexConfig, encoder: Encoder) -> IndexConfig:
    """``config`` with passages no longer than the encoder reads, as the index will record it.

    Raises:
        ValueError: the overlap does not fit a passage so capped.
    """
    return replace(config, chunk=config.chunk.within(encoder.max_tokens))


def _hit(snap: Snapshot, rank: int, position: int, score: float) -> Hit:
    c = snap.chunks[position]
    doc = snap.documents[c.document_id]
    return Hit(rank, score, c, Citation(doc.id, doc.title, c.section, c.start, c.end))


def _carrying_named(snap: Snapshot, question: str, allowed: np.ndarray | None) -> np.ndarray:
    """Positions of the chunks (of ``allowed``) carrying a note that ``question`` names by label."""
    labels = named_notes(question)
    if not labels:
        return np.zeros(0, dtype=np.int64)
    named = snap.carrying(labels)
    return named if allowed is None else named[np.isin(named, allowed)]


def _on_named(c: Candidate, labels: Sequence[str], docs: Mapping[str, Document]) -> bool:
    """Whether a candidate sentence is in a note labelled one of ``labels``, or in the note such a
    note cites its source through ("Ibid.", "supra note 12")."""
    if c.note is None:
        return False
    doc = docs[c.hit.chunk.document_id]
    return any(c.note == n or c.note in doc.sources(n) for n in c.hit.chunk.footnotes if n.label in labels)
