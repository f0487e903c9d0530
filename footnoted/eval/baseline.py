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

from collections.abc import Iterable, Iterator

import faiss
import numpy as np

from footnoted.index import Encoder, Ranking
from footnoted.types import Chunk, Document, Span

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def baseline_chunks(document: Document, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[Chunk]:
    """The document cut as LangChain would cut it, with exact spans and no footnotes attached."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter  # not on the CLI's start-up path

    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)
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
    """Where each piece lies, checked: pieces start in order and leave no text between them uncovered.

    Text can repeat itself, so a piece may match in several places. Each piece is tried right
    after the previous one first, then at the latest start inside it (an overlap); a choice that
    leaves no valid place for a later piece is undone (depth-first, without recursion).
    """
    if not pieces:
        if source.strip():
            raise RuntimeError("internal error: the splitter returned nothing for a non-empty text")
        return []
    spans: list[Span] = []
    reach: list[int] = []
    states = [(-1, 0)]
    options = [_starts(source, pieces[0], -1, 0)]
    failed: set[tuple[int, int, int]] = set()
    while options:
        at = next(options[-1], None)
        if at is None:
            failed.add((len(spans), *states.pop()))
            options.pop()
            if spans:
                spans.pop()
                reach.pop()
            continue
        span = Span(at, at + len(pieces[len(spans)]))
        end = max(reach[-1] if reach else 0, span.end)
        if len(spans) + 1 == len(pieces):
            if not source[end:].strip():
                return [*spans, span]
            continue
        if (len(spans) + 1, span.start, end) in failed:
            continue
        spans.append(span)
        reach.append(end)
        states.append((span.start, end))
        options.append(_starts(source, pieces[len(spans)], span.start, end))
    raise RuntimeError("internal error: the pieces cut by the splitter cannot be placed in the source")


def _starts(source: str, piece: str, prev_start: int, prev_end: int) -> Iterator[int]:
    """Candidate starts of a piece: not before the previous piece's start, leaving no text uncovered.

    A piece may start where the previous one starts: the overlap carried over can be all of a short piece.
    """
    after = prev_end
    while after < len(source) and source[after].isspace():
        after += 1
    if source.startswith(piece, after):
        yield after
    limit = after - 1 + len(piece)
    while (at := source.rfind(piece, max(prev_start, 0), limit)) >= 0:
        yield at
        limit = at - 1 + len(piece)


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
