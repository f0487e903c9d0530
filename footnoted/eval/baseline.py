"""The naive baseline: what a default LangChain + FAISS setup would retrieve from the same documents.

Each document's whole source text (front matter, furniture and note bodies included) is cut by
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`` with its default separators
and ``len`` as the length function, as LangChain's tutorials do. Chunks carry no footnotes, and
text beyond the model's input limit is cut off silently by the encoder, as it is there.
The chunks are embedded with the index's own encoder and searched exactly with FAISS
``IndexFlatL2`` (LangChain's ``FAISS`` default). The splitter's ``add_start_index`` is wrong
when chunks overlap, so spans are located here and checked.
"""

from __future__ import annotations

from collections.abc import Iterable

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter

from footnoted.index import Encoder, Ranking
from footnoted.types import Chunk, Document, Span

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def baseline_chunks(document: Document) -> list[Chunk]:
    """The document cut as LangChain would cut it, with exact spans and no footnotes attached."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    source = document.source
    spans = _locate(source, splitter.split_text(source))
    return [
        Chunk(
            id=f"baseline:{document.id}:{s.start}-{s.end}",
            document_id=document.id,
            section="",
            start=s.start,
            end=s.end,
            text=source[s.start : s.end],
        )
        for s in spans
    ]


def _locate(source: str, pieces: list[str]) -> list[Span]:
    """Where each piece lies: it starts after the previous piece's start and at most just past its end.

    Text may repeat itself; the latest match starting inside the previous piece never leaves a gap.
    """
    spans: list[Span] = []
    prev_start, prev_end = -1, 0
    for piece in pieces:
        at = source.rfind(piece, prev_start + 1, prev_end + len(piece))
        if at < 0:
            at = source.find(piece, prev_end)
        if at < 0 or source[at : at + len(piece)] != piece:
            raise RuntimeError("internal error: a piece cut by the splitter is not in the source")
        gap = source[prev_end:at] if at > prev_end else ""
        if gap.strip():
            raise RuntimeError(f"internal error: the baseline's chunks skip text at character {prev_end}")
        spans.append(Span(at, at + len(piece)))
        prev_start, prev_end = at, max(prev_end, at + len(piece))
    if source[prev_end:].strip():
        raise RuntimeError(f"internal error: the baseline's chunks skip text at character {prev_end}")
    return spans


class Baseline:
    """Fixed-size character chunks of every document and an exact L2 search over their vectors."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        self.chunks = tuple(chunks)
        self._store = faiss.IndexFlatL2(vectors.shape[1])
        if len(chunks):
            self._store.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @classmethod
    def build(cls, documents: Iterable[Document], encoder: Encoder) -> Baseline:
        chunks = [c for doc in documents for c in baseline_chunks(doc)]
        vectors = encoder.encode([c.text for c in chunks], "passage")
        return cls(chunks, vectors.reshape(len(chunks), encoder.dimension))

    def rank(self, query: np.ndarray, depth: int) -> Ranking:
        """Chunk positions by L2 distance to the query vector, nearest first.

        Scores are ``1 - d² / 2``, which for unit vectors is their cosine: higher is better.
        """
        n = min(depth, len(self.chunks))
        if n <= 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        distances, ids = self._store.search(np.ascontiguousarray(query[None, :], dtype=np.float32), n)
        keep = ids[0] >= 0
        return Ranking(ids[0][keep].astype(np.int64), (1.0 - distances[0][keep] / 2.0).astype(np.float32))
