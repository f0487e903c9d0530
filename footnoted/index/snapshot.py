"""One generation of an index in memory, and its files.

A snapshot never changes once built: searches hold a reference to the one they started with,
and a write builds the next snapshot beside it and swaps it in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from footnoted.collector import bulk
from footnoted.errors import DocumentNotFound, IndexCorrupt
from footnoted.index.lexical import ANALYZER, Lexical
from footnoted.index.vectors import FaissStore, StoreKind, VectorStore
from footnoted.ingest.chunk import own_text
from footnoted.ingest.sources import link_references, link_repeats
from footnoted.types import Block, Chunk, Document, Footnote, Section, Span

BODY = -1
"""``row_notes`` value of a row that embeds a chunk's body (other rows embed footnote ``i``)."""


@dataclass(frozen=True)
class Snapshot:
    """Documents, their chunks, the vector rows that point at the chunks, and both indexes."""

    documents: Mapping[str, Document]
    chunks: tuple[Chunk, ...]
    vectors: VectorStore
    lexical: Lexical
    row_ids: np.ndarray
    """Sorted int64 ids of the rows in ``vectors``."""
    row_chunks: np.ndarray
    """Position in ``chunks`` of each row's chunk."""
    row_notes: np.ndarray
    """For each row, ``BODY`` or the index of the footnote (within its chunk) that it embeds."""
    row_spans: np.ndarray
    """``(start, end)`` of the source text each row embeds (a sentence, a note, a whole chunk)."""
    next_row_id: int = 0
    generation: int = 0
    chunk_positions: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def empty(cls, dimension: int, kind: StoreKind) -> Snapshot:
        none = np.zeros(0, dtype=np.int64)
        return cls(
            {},
            (),
            FaissStore(dimension, kind),
            Lexical(None, 0),
            none,
            none.astype(np.int32),
            none.astype(np.int32),
            np.zeros((0, 2), dtype=np.int64),
        )

    def chunk_of_rows(self, ids: np.ndarray) -> np.ndarray:
        """Chunk positions of row ids (ids must be present)."""
        return self.row_chunks[np.searchsorted(self.row_ids, ids)]

    def document(self, document_id: str) -> Document:
        """Raises DocumentNotFound when this snapshot does not hold it."""
        try:
            return self.documents[document_id]
        except KeyError:
            raise DocumentNotFound(f"no document {document_id!r} in the index") from None

    def chunk_counts(self) -> dict[str, int]:
        """How many chunks each document has."""
        counts: dict[str, int] = {}
        for c in self.chunks:
            counts[c.document_id] = counts.get(c.document_id, 0) + 1
        return counts

    def carrying(self, labels: Sequence[str]) -> np.ndarray:
        """Positions of the chunks that carry a note labelled one of ``labels``, in index order."""
        found = [self._carriers.get(label, ()) for label in labels]
        return np.unique(np.fromiter((p for positions in found for p in positions), dtype=np.int64))

    @cached_property
    def _carriers(self) -> dict[str, list[int]]:
        """Each note label, and the positions of the chunks carrying a note so labelled (a snapshot
        never changes, so this is built once, at the first question that names a note)."""
        out: dict[str, list[int]] = {}
        for position, c in enumerate(self.chunks):
            for label in {n.label for n in c.footnotes}:
                out.setdefault(label, []).append(position)
        return out

    def rows_of_document(self, document_id: str) -> np.ndarray:
        positions = [i for i, c in enumerate(self.chunks) if c.document_id == document_id]
        return self.row_ids[np.isin(self.row_chunks, positions)]


def cited_sources(chunk: Chunk, doc: Document) -> list[tuple[int, Footnote]]:
    """The sources a chunk cites only through another note: (slot of the citing note, the note
    naming the source) for each of ``Document.sources``.

    "Ibid., p. 6." cites the source named by the note before it, and "Smith, supra note 12, at 4"
    the one note 12 names; that note often belongs to an earlier passage, and its text is indexed
    with this passage too, as the text of the note citing it. A source the chunk carries itself
    is left out: its text is there already.
    """
    carried = {(n.start, n.end) for n in chunk.footnotes}
    out: list[tuple[int, Footnote]] = []
    for slot, note in enumerate(chunk.footnotes):
        for source in doc.sources(note):
            if (source.start, source.end) not in carried:
                carried.add((source.start, source.end))
                out.append((slot, source))
    return out


def cited_notes(chunk: Chunk, doc: Document) -> list[tuple[int, Footnote]]:
    """Every note a chunk cites, as (slot, note), slot by slot: each note it carries, and the notes
    naming the sources they cite through "Ibid." or "supra note 12" when the chunk does not carry
    those (``cited_sources``)."""
    return sorted([*enumerate(chunk.footnotes), *cited_sources(chunk, doc)], key=lambda pair: pair[0])


def lexical_fields(chunk: Chunk, doc: Document) -> list[str]:
    """What BM25 indexes for a chunk, a field each: its body, every footnote it carries, and each
    note naming a source they cite through another note that it does not carry."""
    # (A note written inside the text is left out of its body: the note is a field of its own.)
    return [
        own_text(doc, Span(chunk.start, chunk.end)),
        *(n.text for n in chunk.footnotes),
        *(s.text for _, s in cited_sources(chunk, doc)),
    ]


def lexical_text(chunk: Chunk, doc: Document) -> str:
    """A chunk's lexical fields as one text."""
    return "\n".join(lexical_fields(chunk, doc))


def build_lexical(chunks: Sequence[Chunk], documents: Mapping[str, Document], base: Snapshot | None = None) -> Lexical:
    """The BM25 index of a chunk list (fields of chunk ``i`` belong to position ``i``).

    The fields ``base`` already held, text for text, keep the terms it counted, so adding a
    document to a large index analyses only the new document's text, in a process that opened
    the index as in the one that built it (the matrix is still scored afresh: adding documents
    changes every term's weight)."""
    if base is not None and base.lexical.counts is None and base.lexical.fields:
        base = None  # written without counts (before footnoted kept them): every text is analysed
    if base is not None:
        # The base's fields chunk by chunk: ``order[first[p] : first[p] + many[p]]`` are position p's.
        many = np.bincount(base.lexical.owners, minlength=len(base.chunks))
        order = np.argsort(base.lexical.owners, kind="stable")
        first = np.concatenate([[0], np.cumsum(many)[:-1]]).astype(np.int64)
    texts: list[str] = []
    owners: list[int] = []
    kept: list[int] = []
    for position, c in enumerate(chunks):
        doc = documents[c.document_id]
        was = base.chunk_positions.get(c.id) if base is not None else None
        held: list[int] = []
        fields: list[str] | None = None
        if was is not None and base is not None:
            old, old_doc = base.chunks[was], base.documents.get(c.document_id)
            held = order[first[was] : first[was] + many[was]].tolist()
            if old is c and old_doc is doc:
                fields = [""] * len(held)  # the very chunk of the very document: not read again
            else:
                fields = lexical_fields(c, doc)
                if old_doc is None or fields != lexical_fields(old, old_doc):
                    held = []
        if fields is None:
            fields = lexical_fields(c, doc)
        texts.extend(fields)
        owners.extend([position] * len(fields))
        kept.extend(held if len(held) == len(fields) else [-1] * len(fields))
    return Lexical.build(texts, owners, len(chunks), base.lexical if base is not None else None, kept)


# -- files ----------------------------------------------------------------------------------------


def write(snapshot: Snapshot, directory: Path) -> None:
    """Write a snapshot's files into ``directory`` (the manifest is the caller's)."""
    docs = [_document_json(d) for d in snapshot.documents.values()]
    # orjson: a large index writes every document's text at each write (json took 0.09 s of a write
    # to an index of 300 pages). The files are the same JSON; older ones read the same.
    (directory / "documents.json").write_bytes(orjson.dumps(docs))
    notes = {d.id: {(n.start, n.end): i for i, n in enumerate(d.footnotes)} for d in snapshot.documents.values()}
    chunks = [
        [
            c.id,
            c.document_id,
            c.section,
            c.start,
            c.end,
            c.tokens,
            [notes[c.document_id][(n.start, n.end)] for n in c.footnotes],
        ]
        for c in snapshot.chunks
    ]
    (directory / "chunks.json").write_bytes(orjson.dumps(chunks))
    np.save(directory / "row_ids.npy", snapshot.row_ids)
    np.save(directory / "row_chunks.npy", snapshot.row_chunks)
    np.save(directory / "row_notes.npy", snapshot.row_notes)
    np.save(directory / "row_spans.npy", snapshot.row_spans)
    snapshot.vectors.save(directory / "vectors.faiss")
    snapshot.lexical.save(directory / "lexical")


# Reading makes an object of every document, passage, note and span, and all of them live on: the
# collector's full passes over them are held back meanwhile (at 104,000 passages they took half of
# the time to open the index).
@bulk()
def read_documents(directory: Path) -> dict[str, Document]:
    """The documents a generation's ``documents.json`` holds, by id (raises what parsing it raises)."""
    return {d.id: d for d in (_document(raw) for raw in orjson.loads((directory / "documents.json").read_bytes()))}


@bulk()
def read(directory: Path, manifest: dict[str, Any]) -> Snapshot:
    """Read the snapshot a verified manifest describes.

    Raises:
        IndexCorrupt: a file does not parse or does not agree with the others.
    """
    try:
        documents = read_documents(directory)
        chunks = []
        for cid, doc_id, section, start, end, tokens, note_ids in orjson.loads(
            (directory / "chunks.json").read_bytes()
        ):
            doc = documents[doc_id]
            chunks.append(
                Chunk(
                    cid,
                    doc_id,
                    section,
                    start,
                    end,
                    doc.source[start:end],
                    tuple(doc.footnotes[i] for i in note_ids),
                    tokens,
                )
            )
        store = manifest["store"]
        vectors = FaissStore.load(directory / "vectors.faiss", store["kind"], int(manifest["model"]["dimension"]))
        lexical = Lexical.load(directory / "lexical")
        row_ids = np.load(directory / "row_ids.npy")
        row_chunks = np.load(directory / "row_chunks.npy")
        row_notes = np.load(directory / "row_notes.npy")
        row_spans = np.load(directory / "row_spans.npy")
    except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError) as exc:
        raise IndexCorrupt(
            f"the index files in {directory} do not read back ({type(exc).__name__}: {exc}); rebuild the index"
        ) from None
    if not (len(row_ids) == len(row_chunks) == len(row_notes) == len(row_spans) == len(vectors)) or lexical.size != len(
        chunks
    ):
        raise IndexCorrupt(f"the index files in {directory} disagree on their sizes; rebuild the index")
    if (manifest.get("lexical") or {}).get("analyzer", 1) != ANALYZER:
        # Written by a footnoted that analysed text for BM25 otherwise: analysed again now, in
        # memory (questions are analysed the new way), and on disk at the next write.
        lexical = build_lexical(chunks, documents)
    return Snapshot(
        documents=documents,
        chunks=tuple(chunks),
        vectors=vectors,
        lexical=lexical,
        row_ids=row_ids,
        row_chunks=row_chunks,
        row_notes=row_notes,
        row_spans=row_spans,
        next_row_id=int(manifest.get("next_row_id", 0)),
        generation=int(manifest.get("generation", 0)),
        chunk_positions={c.id: i for i, c in enumerate(chunks)},
    )


def _document_json(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "format": doc.format,
        "source": doc.source,
        "blocks": [[b.kind, b.start, b.end, b.level] for b in doc.blocks],
        "sections": [[s.title, s.level, list(s.path), s.start, s.end] for s in doc.sections],
        "footnotes": [
            [n.label, n.start, n.end, [[m.start, m.end] for m in n.markers], n.same_as, list(n.refers_to)]
            for n in doc.footnotes
        ],
        "metadata": dict(doc.metadata),
        "warnings": list(doc.warnings),
    }


def _footnotes(source: str, raw: list[list[Any]]) -> tuple[Footnote, ...]:
    """A document's notes as stored, ``[label, start, end, markers, same_as, refers_to]``. Format 5
    did not record ``refers_to``, formats 1 to 4 ``same_as`` either: what a note of such an index
    cites through another ("Ibid.", "supra note 12") is linked again from the notes' text (its
    vectors do not hold those sources until the document is ingested again)."""
    notes = []
    for label, s, e, markers, *links in raw:
        spans = tuple(Span(a, b) for a, b in markers)
        same_as = links[0] if links else None
        notes.append(Footnote(label, source[s:e], s, e, spans, same_as, tuple(links[1]) if len(links) > 1 else ()))
    if any(len(n) == 4 for n in raw):
        return link_references(link_repeats(notes))
    return link_references(notes) if any(len(n) == 5 for n in raw) else tuple(notes)


def _document(raw: dict[str, Any]) -> Document:
    source = raw["source"]
    return Document(
        id=raw["id"],
        title=raw["title"],
        source=source,
        format=raw["format"],
        blocks=tuple(Block(k, s, e, lv) for k, s, e, lv in raw["blocks"]),
        sections=tuple(Section(t, lv, tuple(p), s, e) for t, lv, p, s, e in raw["sections"]),
        footnotes=_footnotes(source, raw["footnotes"]),
        metadata=dict(raw["metadata"]),
        warnings=tuple(raw["warnings"]),
    )
