"""A tiny footnoted document and passages cut from it two ways, shared by the relevance tests."""

from __future__ import annotations

from footnoted.eval.dataset import Evidence, Question
from footnoted.types import Chunk, Document, Footnote, Span

SOURCE = "Alpha claim cites a note.1  Beta sentence follows here.\n\n[1] The note holds the figure 42."
MARKER = SOURCE.index(".1") + 1
NOTE_AT = SOURCE.index("The note")
NOTE = Footnote("1", SOURCE[NOTE_AT:], NOTE_AT, len(SOURCE), (Span(MARKER, MARKER + 1),))
DOC = Document("d", "D", SOURCE, footnotes=(NOTE,))
BETA = SOURCE.index("Beta")
NOTES_AT = SOURCE.index("[1]")


def chunk(start: int, end: int, notes: tuple[Footnote, ...] = (), doc: str = "d") -> Chunk:
    return Chunk(f"{doc}:{start}-{end}", doc, "", start, end, SOURCE[start:end], notes)


def evidence(text: str) -> Evidence:
    at = SOURCE.index(text)
    return Evidence("d", at, at + len(text), text)


def question(*texts: str) -> Question:
    return Question("q", "?", evidence=tuple(evidence(t) for t in texts))


# Chunks as footnoted cuts the text: the claim carries its note. And as the baseline does: no notes.
CLAIM = chunk(0, MARKER + 1, (NOTE,))
BODY_REST = chunk(BETA, NOTES_AT - 2)
NOTE_TEXT = chunk(NOTES_AT, len(SOURCE))
