"""Judging passages against gold evidence by span overlap, so that re-chunking never invalidates a set.

A passage shows a reader its regions: its own span of the source and the spans of the footnotes
attached to it. It is relevant to a question (grade 1) when one of its regions overlaps a gold
span; for a question judged by document (BEIR), when it belongs to a relevant document, with that
document's grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from footnoted.eval.dataset import Evidence, Question
from footnoted.index import Ranking
from footnoted.types import Chunk, Document, Footnote, Span


def regions(chunk: Chunk) -> tuple[Span, ...]:
    """The spans of the source a chunk shows: its body and each attached footnote."""
    return (Span(chunk.start, chunk.end), *(Span(n.start, n.end) for n in chunk.footnotes))


def grade(question: Question, chunk: Chunk) -> int:
    """How relevant ``chunk`` is to ``question`` (0: not relevant)."""
    if question.evidence:
        return int(any(_touches(chunk, ev) for ev in question.evidence))
    return question.documents.get(chunk.document_id, 0)


def _touches(chunk: Chunk, ev: Evidence) -> bool:
    return chunk.document_id == ev.document_id and any(r.overlaps(ev.span) for r in regions(chunk))


def covered_at(evidence: Sequence[Evidence], ranked: Iterable[Chunk]) -> tuple[int | None, ...]:
    """For each gold span, the first rank at which the passages up to it show all of its text.

    Whitespace does not count: two adjacent chunks cover a sentence that straddles them.
    None when the ranking never covers the span.
    """
    remaining = [{ev.start + i for i, ch in enumerate(ev.text) if not ch.isspace()} for ev in evidence]
    found: list[int | None] = [None] * len(evidence)
    for rank, chunk in enumerate(ranked, 1):
        for i, ev in enumerate(evidence):
            if found[i] is not None or chunk.document_id != ev.document_id:
                continue
            for r in regions(chunk):
                lo, hi = max(r.start, ev.start), min(r.end, ev.end)
                if lo < hi:
                    remaining[i].difference_update(range(lo, hi))
            if not remaining[i]:
                found[i] = rank
        if all(f is not None for f in found):
            break
    return tuple(found)


class Pool:
    """The passages one retrieval mode ranks (chunk positions index ``chunks``), grouped by document."""

    def __init__(self, chunks: Sequence[Chunk], documents: Mapping[str, Document]) -> None:
        self.chunks = tuple(chunks)
        self.documents = documents
        self._by_document: dict[str, list[Chunk]] = {}
        for c in self.chunks:
            self._by_document.setdefault(c.document_id, []).append(c)

    def of_document(self, document_id: str) -> list[Chunk]:
        return self._by_document.get(document_id, [])

    def relevant(self, question: Question) -> dict[str, int]:
        """Chunk id -> grade of every relevant chunk in the pool (the ideal ranking's items)."""
        doc_ids = {ev.document_id for ev in question.evidence} if question.evidence else set(question.documents)
        out = {}
        for doc_id in sorted(doc_ids):
            for c in self.of_document(doc_id):
                g = grade(question, c)
                if g > 0:
                    out[c.id] = g
        return out

    def shows(self, ev: Evidence) -> bool:
        """Whether some passage of the pool shows any of the gold span, in its body or a footnote."""
        return any(r.overlaps(ev.span) for c in self.of_document(ev.document_id) for r in regions(c))

    def split(self, question: Question) -> bool | None:
        """Whether some gold span lies in no single region of any one chunk (None: no gold spans)."""
        if not question.evidence:
            return None
        return any(
            not any(r.contains(ev.span) for c in self.of_document(ev.document_id) for r in regions(c))
            for ev in question.evidence
        )

    def footnote_apart(self, question: Question) -> bool | None:
        """Whether gold text in a footnote is shown by no chunk that holds a marker citing that note.

        None when no gold span lies in a footnote.
        """
        apart: list[bool] = []
        for ev in question.evidence:
            doc = self.documents.get(ev.document_id)
            for note in doc.footnotes if doc is not None else ():
                if note.markers and Span(note.start, note.end).overlaps(ev.span):
                    apart.append(not self._shown_with_marker(note, ev))
        return any(apart) if apart else None

    def _shown_with_marker(self, note: Footnote, ev: Evidence) -> bool:
        part = Span(max(ev.start, note.start), min(ev.end, note.end))
        for c in self.of_document(ev.document_id):
            body = Span(c.start, c.end)
            if any(body.contains(m) for m in note.markers) and any(r.contains(part) for r in regions(c)):
                return True
        return False


@dataclass(frozen=True, slots=True)
class Retrieved:
    """One ranked passage of a list, with its relevance grade for the question (0: not relevant)."""

    chunk: Chunk
    score: float
    grade: int


@dataclass(frozen=True, slots=True)
class Judged:
    """One mode's ranked list for one question, judged against the question's evidence."""

    question: Question
    mode: str
    retrieved: tuple[Retrieved, ...]
    relevant: Mapping[str, int]
    """Chunk id -> grade of every relevant chunk of the mode's pool, retrieved or not."""
    covered_at: tuple[int | None, ...]
    """For each gold span, the rank by which the list shows all of its text (None: never)."""

    @property
    def grades(self) -> list[int]:
        return [r.grade for r in self.retrieved]

    @property
    def first_relevant(self) -> int | None:
        """Rank of the first relevant passage, or None when none was retrieved."""
        return next((rank for rank, r in enumerate(self.retrieved, 1) if r.grade > 0), None)


def judge(question: Question, mode: str, ranking: Ranking, pool: Pool) -> Judged:
    """Grade each passage of ``ranking`` (positions in ``pool.chunks``) for ``question``."""
    chunks = [pool.chunks[p] for p in ranking.positions.tolist()]
    retrieved = tuple(
        Retrieved(c, float(s), grade(question, c)) for c, s in zip(chunks, ranking.scores.tolist(), strict=True)
    )
    return Judged(question, mode, retrieved, pool.relevant(question), covered_at(question.evidence, chunks))
