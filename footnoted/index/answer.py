"""Extracting the answer: the evidence sentence(s) that best answer a question, with an exact span.

No language model writes anything: candidate sentences are cut from the top passages and from
the footnotes they carry, and scored by

    score = cosine(question, sentence) + 0.35 * coverage + 0.05 / passage_rank

where ``coverage`` is the share of the question's terms (stemmed, stop words removed) that the
sentence contains. Candidates are single sentences, never running across a block (a heading and
the line under it are two), so a short sentence that states the answer is the answer. A heading or
a title is never the answer while any other sentence is a candidate: it names a topic rather than
stating anything. A neighbouring sentence of the same paragraph joins the answer when it scores
almost as well, so an answer split over two sentences is returned whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from threading import Lock

import numpy as np

from footnoted.index.encoder import Encoder
from footnoted.index.lexical import analyze
from footnoted.index.rows import SHORT_SENTENCE
from footnoted.index.snapshot import cited_notes
from footnoted.ingest.inline_notes import inline_notes
from footnoted.ingest.letters import OPENING
from footnoted.ingest.sentences import sentences
from footnoted.types import MEANT_LINE_BREAKS, Answer, Citation, Document, Footnote, Hit, Span

_COVERAGE_WEIGHT = 0.35
_RANK_WEIGHT = 0.05
_JOIN_MARGIN = 0.04
_MIN_JOIN_WORDS = 5
_MAX_SENTENCES = 60


@dataclass(frozen=True, slots=True)
class Candidate:
    """A sentence that may answer: the passage it belongs to, its span, and its footnote if in one."""

    hit: Hit
    span: Span
    note: Footnote | None
    shares_vector: bool = False
    """Scored by the vector of the sentence before it: the index embeds a short sentence ("Ibid.",
    "Production ended in 1997.") together with the one it follows."""


class SentenceVectors:
    """A bounded LRU of sentence vectors: passages that come back often are encoded once."""

    def __init__(self, encoder: Encoder, size: int = 4096) -> None:
        self._encoder = encoder
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self._encoder.dimension), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._cache.get(text)
                if vector is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vector
        if missing:
            vectors = self._encoder.encode([texts[i] for i in missing], "passage")
            with self._lock:
                for i, vector in zip(missing, vectors, strict=True):
                    out[i] = vector
                    self._cache[texts[i]] = vector
                while len(self._cache) > self._size:
                    self._cache.popitem(last=False)
        return out


def sentence_candidates(hits: Sequence[Hit], docs: Mapping[str, Document]) -> list[Candidate]:
    """The sentences of the passages and of the footnotes they carry (with the source of each
    "Ibid." among them), in reading order."""
    out: list[Candidate] = []
    for hit in hits:
        doc = docs[hit.chunk.document_id]
        out.extend(Candidate(hit, span, None) for span in answer_sentences(doc, Span(hit.chunk.start, hit.chunk.end)))
        for _, note in cited_notes(hit.chunk, doc):
            out.extend(Candidate(hit, span, note) for span in answer_sentences(doc, Span(note.start, note.end)))
    return out[:_MAX_SENTENCES]


def answer_sentences(doc: Document, span: Span) -> list[Span]:
    """The sentences of ``span``, each within one block of ``doc``: a heading and the line under it,
    or two paragraphs, are never one sentence, even where no full stop parts them. A note written
    where it is cited (Markdown's ``^[...]``, LaTeX's ``\\footnote{...}``) is left out, its command
    and brackets too: its sentences are the note's, and the one citing it ends before it. Markup
    that prints nothing (``\\begin{itemize}``) is no sentence."""
    blocks = doc.blocks
    lines = doc.format in MEANT_LINE_BREAKS
    i = _block_before(doc, span.start) + 1
    out: list[Span] = []
    start = span.start
    for cut in [*inline_notes(doc, span), Span(span.end, span.end)]:
        while i < len(blocks) and blocks[i].start < cut.start:
            out.extend(_sentences(doc.source, start, blocks[i].start, lines))
            start = blocks[i].start
            i += 1
        out.extend(_sentences(doc.source, start, cut.start, lines))
        start = max(start, cut.end)
        while i < len(blocks) and blocks[i].start < start:
            i += 1
    return [s for s in out if not _in_markup(doc, s.start)]


def _in_markup(doc: Document, offset: int) -> bool:
    i = _block_before(doc, offset)
    return i >= 0 and doc.blocks[i].kind == "markup" and offset < doc.blocks[i].end


# A sentence's end: a stop, then perhaps a closing quote or bracket and a marker ("1997.[^1]", "2019.²").
_ENDS_SENTENCE = re.compile(r"[.!?…。！？][\"”’)\]」』）]*(?:\[\^?[^\]\s]{1,10}\]|[\d⁰¹²³⁴-⁹*†‡]{1,3}|[ivx]{1,4})?$")
# In a format whose line breaks were asked for (``MEANT_LINE_BREAKS``), a line that opens with a
# capital opens a sentence, as in a list of changes with no full stops ("Fix a leak in X\nFix a
# crash in Y").
_LINE_OPENS = re.compile(rf"\n(?=[\"“‘(\[]?{OPENING})")


@lru_cache(maxsize=8192)
def _sentences(source: str, start: int, end: int, lines: bool = False) -> tuple[Span, ...]:
    """Sentences of a stretch of a source, remembered: the passages that answer one question often
    answer the next (the key hashes the source once: a string keeps its hash)."""
    found = sentences(source, start, end)
    if not lines:
        return tuple(found)
    out: list[Span] = []
    for s in found:
        at = s.start
        for m in _LINE_OPENS.finditer(source, s.start, s.end):
            out.append(Span(at, at + len(source[at : m.start()].rstrip())))
            at = m.end()
        out.append(Span(at, s.end))
    return tuple(p for p in out if p.end > p.start)


def extract(
    question: str,
    query: np.ndarray,
    candidates: Sequence[Candidate],
    vectors: np.ndarray,
    docs: Mapping[str, Document],
) -> Answer:
    """The best evidence among ``candidates`` (with their unit ``vectors``) for ``question``."""
    hits = tuple({id(c.hit): c.hit for c in candidates}.values())  # by identity: hashing a Hit hashes its chunk
    if not candidates:
        return Answer(question, "", None, (), hits)
    texts = [docs[c.hit.chunk.document_id].source[c.span.start : c.span.end] for c in candidates]
    cosine = vectors @ query
    terms = set(analyze(question))
    coverage = np.array([len(terms & _terms(t)) / len(terms) if terms else 0.0 for t in texts], dtype=np.float32)
    prior = np.array([_RANK_WEIGHT / c.hit.rank for c in candidates], dtype=np.float32)
    scores = cosine + _COVERAGE_WEIGHT * coverage + prior
    headings = np.array([c.note is None and _in_heading(docs[c.hit.chunk.document_id], c.span) for c in candidates])
    if not headings.all():
        scores[headings] = -np.inf  # a heading names a topic; it is not evidence
    lead = 0
    for i, c in enumerate(candidates):
        # A sentence scored by the vector of the one before it answers only where it holds more of
        # the question's words than that one: the vector is mostly the other sentence's. Not so for
        # a heading run into a whole sentence with no full stop between (LaTeX's "\\section{Data}"
        # over its first line): that vector is mostly the sentence's. (A short line joined to a
        # heading, "Source code: Lib/csv.py", still shares the heading's.)
        if not c.shares_vector or (headings[lead] and len(texts[i].split()) >= SHORT_SENTENCE):
            lead = i
        elif coverage[i] <= coverage[lead] or not (
            _ENDS_SENTENCE.search(texts[i]) or _same_block(c, candidates[lead], docs)
        ):
            # ...and only a sentence, or a line of the same block: a name or a signature in a block
            # of its own ("__missing__(key)", "time.monotonic() → float") is what the text after it
            # describes.
            scores[i] = -np.inf
    best = int(np.argmax(scores))
    chosen = candidates[best]
    doc = docs[chosen.hit.chunk.document_id]
    span = _trim(doc.source, chosen.span)
    block = _block_before(doc, chosen.span.start)
    for step in (-1, 1):
        j = best + step
        if 0 <= j < len(candidates):
            other = candidates[j]
            adjacent = (
                other.hit is chosen.hit
                and other.note is chosen.note
                and _block_before(doc, other.span.start) == block
                and "\n\n" not in doc.source[min(span.end, other.span.end) : max(span.start, other.span.start)]
            )
            substantial = len(texts[j].split()) >= _MIN_JOIN_WORDS  # not a lead-in like "However:"
            if adjacent and substantial and scores[j] >= scores[best] - _JOIN_MARGIN:
                span = Span(min(span.start, other.span.start), max(span.end, other.span.end))
    if chosen.note is None:
        span = _with_what_it_announces(doc, span, chosen.hit.chunk.end)
    notes: tuple[Footnote, ...]
    if chosen.note is not None:
        notes = (chosen.note,)
    else:
        # A note written where it is cited has its marker just past the sentence that cites it.
        notes = tuple(
            n for n in chosen.hit.chunk.footnotes if any(span.contains(m) or m.start == span.end for m in n.markers)
        )
    citation = Citation(doc.id, doc.title, chosen.hit.citation.section, span.start, span.end)
    return Answer(question, doc.source[span.start : span.end], citation, notes, hits, float(scores[best]))


def _same_block(a: Candidate, b: Candidate, docs: Mapping[str, Document]) -> bool:
    doc = docs[a.hit.chunk.document_id]
    return a.hit.chunk.document_id == b.hit.chunk.document_id and _block_before(doc, a.span.start) == _block_before(
        doc, b.span.start
    )


def _block_before(doc: Document, offset: int) -> int:
    """Index of the last block of ``doc`` that starts at or before ``offset`` (-1: none). The blocks
    are in document order and never overlap, so that is the one ``offset`` falls in, if any."""
    return bisect_right(doc.blocks, offset, key=lambda b: b.start) - 1


def _in_heading(doc: Document, span: Span) -> bool:
    """Whether ``span`` is one of the document's headings (or its title), or starts with one and
    goes on only for a fragment."""
    i = _block_before(doc, span.start)
    if i < 0 or doc.blocks[i].kind not in ("heading", "title") or span.start >= doc.blocks[i].end:
        return False
    return len(doc.source[doc.blocks[i].end : span.end].split()) < _MIN_JOIN_WORDS


def _with_what_it_announces(doc: Document, span: Span, limit: int) -> Span:
    """An answer that ends its block with a colon ("The simplest example of reading a CSV file:")
    announces what follows: it takes the next block with it (a list: all of its items), as far as
    the passage goes."""
    if not doc.source[span.start : span.end].rstrip().endswith(":"):
        return span
    blocks = doc.blocks
    i = _block_before(doc, span.end - 1)  # the block the answer ends in
    if i < 0 or blocks[i].end < span.end or doc.source[span.end : blocks[i].end].strip():
        return span  # the colon does not end its block
    # Markup between them prints nothing (LaTeX's "\\begin{itemize}"): what follows is the next other block.
    following = (blocks[j] for j in range(i + 1, len(blocks)) if blocks[j].kind != "markup")
    first = next(following, None)
    if first is None or first.kind not in ("paragraph", "list_item") or first.end > limit:
        return span
    end = first.end
    if first.kind == "list_item":
        for block in following:
            if block.kind != "list_item" or block.end > limit:
                break
            end = block.end
    return Span(span.start, end)


@lru_cache(maxsize=8192)
def _terms(sentence: str) -> frozenset[str]:
    """A candidate sentence's terms. The passages that answer one question often answer the next,
    so their sentences come back: analysing one costs about 20 us, the cache's look-up under 1."""
    return frozenset(analyze(sentence))


def _trim(source: str, span: Span) -> Span:
    """Drop fragments at the edges of a unit ("However:" after a sentence), keeping its sentences."""
    parts = sentences(source, span.start, span.end)
    kept = [p for p in parts if len(source[p.start : p.end].split()) >= _MIN_JOIN_WORDS] or parts
    return Span(kept[0].start, kept[-1].end) if kept else span
