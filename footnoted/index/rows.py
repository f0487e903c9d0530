"""The vectors a chunk gets: its body, its sentences, and the sentences of the footnotes it carries.

All of a chunk's vectors score the chunk (it takes the best), so a question that only a footnote
answers still finds the passage that cites it, and no text is longer than the model's budget.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from footnoted.index.config import IndexConfig
from footnoted.index.snapshot import BODY, cited_notes, lexical_text
from footnoted.ingest.chunk import ChunkSettings, Splitter, own_text
from footnoted.ingest.inline_notes import outside_notes
from footnoted.ingest.sentences import sentences
from footnoted.ingest.tokens import Tokenizer
from footnoted.types import Chunk, Document, Footnote, Span

_WORD = re.compile(r"\w")
SHORT_SENTENCE = 6
"""A sentence of fewer words ("Ibid.", "p. 6.") is embedded together with the one before it."""


@dataclass(frozen=True, slots=True)
class Row:
    """One vector to make: the chunk it scores, BODY or a footnote slot, the text, and its span."""

    chunk_id: str
    slot: int
    text: str
    span: Span


def vector_rows(
    docs: list[Document], chunks: dict[str, list[Chunk]], config: IndexConfig, tokenizer: Tokenizer, max_tokens: int
) -> list[Row]:
    """Every vector the new chunks need: what it embeds and where that text is."""
    splitter = Splitter(tokenizer, ChunkSettings(max_tokens=max_tokens, overlap=16))
    rows: list[Row] = []
    for doc in docs:
        for c in chunks[doc.id]:
            whole = Span(c.start, c.end)
            inline = config.footnote_vectors == "inline"
            fits = c.tokens <= max_tokens
            body = body_sentences(doc, whole, splitter, fits=fits) if config.sentence_vectors and not inline else []
            if len(body) > 1:
                # The passage is represented by its sentences; a vector of the whole adds nothing the
                # best sentence does not already give (measured: equal hit@1, and half the encoding).
                rows.extend(Row(c.id, BODY, doc.source[p.start : p.end], p) for p in body)
            else:
                # (A note written inside the text is left out: it has vectors of its own, and the
                # passage's budget counts its text without it.)
                rows.append(Row(c.id, BODY, lexical_text(c, doc) if inline else own_text(doc, whole), whole))
            if config.footnote_vectors == "none":
                continue
            # A note citing a source through another ("Ibid.", "supra note 12") also gets the vectors
            # of that note when the chunk does not carry it: the chunk cites its source too.
            for slot, note in cited_notes(c, doc):
                if config.footnote_vectors in ("sentences", "contextual"):
                    pieces = sentence_spans(doc.source, Span(note.start, note.end), splitter)
                else:
                    pieces = splitter.split(doc.source, Span(note.start, note.end))
                cited = c.footnotes[slot]
                claim = citing_sentence(doc.source, c, cited) if config.footnote_vectors == "contextual" else ""
                for p in pieces:
                    text = doc.source[p.start : p.end]
                    if claim and tokenizer.count(f"{claim} {text}") <= max_tokens:
                        text = f"{claim} {text}"
                    rows.append(Row(c.id, slot, text, p))
    return rows


def body_sentences(doc: Document, span: Span, splitter: Splitter, *, fits: bool = False) -> list[Span]:
    """The sentences of a passage's own text. A note written inside it (LaTeX's ``\\footnote{...}``,
    Markdown's ``^[...]``) is left out, marker through closing bracket: its sentences are the note's
    vectors (of the passage that cites it), not the text's, as for a note set apart."""
    pieces = outside_notes(doc, span)
    if len(pieces) == 1:
        return sentence_spans(doc.source, span, splitter, fits=fits)
    return [
        sentence
        for piece in pieces
        if _WORD.search(doc.source, piece.start, piece.end)
        for sentence in sentence_spans(doc.source, piece, splitter, fits=fits)
    ]


def sentence_spans(source: str, span: Span, splitter: Splitter, *, fits: bool = False) -> list[Span]:
    """A span cut into sentences, short ones ("Ibid.", "p. 6.") joined to the one before.

    A sentence longer than the model's budget is cut further; ``fits`` says the whole span is
    known to be within it (a chunk), so none of its sentences can be over.
    """
    spans: list[Span] = []
    for sentence in sentences(source, span.start, span.end):
        if spans and len(source[sentence.start : sentence.end].split()) < SHORT_SENTENCE:
            spans[-1] = Span(spans[-1].start, sentence.end)
        else:
            spans.append(sentence)
    if fits:
        return spans
    counts = splitter.count_all([source[s.start : s.end] for s in spans])
    return [
        piece
        for s, n in zip(spans, counts, strict=True)
        for piece in ([s] if n <= splitter.max_tokens else splitter.split(source, s))
    ]


def citing_sentence(source: str, c: Chunk, note: Footnote) -> str:
    """The sentence of ``c`` that carries a marker of ``note`` (the claim the note supports)."""
    for span in sentences(source, c.start, c.end):
        if any(span.contains(m) for m in note.markers):
            return source[span.start : span.end]
    return ""
