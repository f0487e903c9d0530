"""Plain immutable data passed between the parts of footnoted.

Every object that points into a document carries ``start``/``end`` offsets into that
document's source text, and where it has a ``text`` it is exactly ``source[start:end]``.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

BlockKind = Literal["title", "meta", "heading", "paragraph", "list_item", "note", "furniture", "markup"]
"""What a stretch of source is: only title, meta, heading, paragraph and list_item are chunked.
Furniture is text left out of every passage (a running header, a comment, a table of contents);
markup prints nothing (LaTeX's ``\\begin{itemize}``, ``\\label{...}``, ``\\hline`` on a line of its
own): a passage spans it as it spans white space, so a list stays with the sentence that leads
into it and a table's rows with its header."""

BODY_KINDS: frozenset[str] = frozenset({"title", "meta", "heading", "paragraph", "list_item"})
MEANT_LINE_BREAKS: frozenset[str] = frozenset({"html", "docx", "odt", "epub", "rtf"})
"""Formats whose readers fold white space, so that a line break left inside a block is one the
document asked for (preformatted code, an HTML ``<br>``, a Word line break). In plain text, Markdown
and the text of a PDF, a line break is mostly where a line happened to end."""


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of a source text."""

    start: int
    end: int

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit of a document: a heading, a paragraph, a list item, a note, ..."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    """Heading depth (1 is the top), or 0 for blocks that are not headings."""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the stretch of source it governs (up to the next heading at its level or above)."""

    title: str
    level: int
    path: tuple[str, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Footnote:
    """A note body and the markers in the text that cite it."""

    label: str
    text: str
    start: int
    end: int
    markers: tuple[Span, ...] = ()
    same_as: str | None = None
    """For a note that only repeats the one before ("Ibid.", "Id.", "Ibid., p. 6."): the label of the
    note that gives the source, followed through runs of repeats."""
    refers_to: tuple[str, ...] = ()
    """The labels of the notes naming in full a source this one cites short, by number ("Smith,
    supra note 12, at 4", "Smith (n 12) 45", "see note 3 above") or by author ("Smith, supra, at
    4", "Smith, op. cit."), in the order it cites them; each is the last note so labelled before
    this one, else the first after it (``Document.referenced``)."""


TextFormat = Literal["text", "markdown", "rst", "latex", "html"]
"""The formats a document given as a string may be in (the others are files)."""


@dataclass(frozen=True)
class Document:
    """A source text with its structure and its footnotes."""

    id: str
    title: str
    source: str
    format: Literal["text", "markdown", "rst", "latex", "html", "pdf", "docx", "odt", "epub", "rtf"] = "text"
    blocks: tuple[Block, ...] = ()
    """In document order, none overlapping another."""
    sections: tuple[Section, ...] = ()
    footnotes: tuple[Footnote, ...] = ()
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Facts found in the document or given at ingest: date, publisher, path, content_hash, and the
    digest of the reading code that read it (reader)."""
    warnings: tuple[str, ...] = ()
    """What ingest noticed and kept anyway: notes with no marker, markers with no note."""

    @property
    def content_hash(self) -> str:
        return self.metadata.get("content_hash", "")

    @property
    def reader(self) -> str:
        """The digest of the reading code that read it ('' for a document made otherwise)."""
        return self.metadata.get("reader", "")

    def repeated(self, note: Footnote) -> Footnote | None:
        """The note an "Ibid." note repeats (the last before it labelled ``note.same_as``), else None."""
        if note.same_as is None:
            return None
        starts, notes = self._sources.get(note.same_as, ((), ()))
        at = bisect_left(starts, note.start)
        return notes[at - 1] if at else None

    def referenced(self, note: Footnote) -> tuple[Footnote, ...]:
        """The notes ``note`` points to for a source it cites short (``note.refers_to``): for each
        label, the last note so labelled before it, else the first after it."""
        out: list[Footnote] = []
        for label in note.refers_to:
            starts, notes = self._by_label.get(label, ((), ()))
            at = bisect_left(starts, note.start)
            target = notes[at - 1] if at else next((n for n in notes[at:] if n.start > note.start), None)
            if target is not None and target is not note and target not in out:
                out.append(target)
        return tuple(out)

    def sources(self, note: Footnote) -> tuple[Footnote, ...]:
        """The other notes whose text names a source ``note`` cites: the one an "Ibid." repeats, and
        those a short form points to ("supra note 12", "Smith, op. cit."; an "Ibid." after such a
        note points to them too), a repeat among them followed to the note it repeats."""
        out: list[Footnote] = []
        repeated = self.repeated(note)
        for target in (repeated, *self.referenced(note), *(self.referenced(repeated) if repeated else ())):
            if target is not None and target.same_as is not None:
                target = self.repeated(target)
            if target is not None and target is not note and target not in out:
                out.append(target)
        return tuple(out)

    def section_at(self, offset: int) -> Section | None:
        """The innermost section containing ``offset`` (the deepest; the first listed of equals)."""
        bounds, innermost = self._innermost
        at = bisect_right(bounds, offset) - 1
        return innermost[at] if at >= 0 else None

    # Both look-ups are answered from tables built on first use, so that a document with thousands
    # of notes or sections is not scanned whole for each of its passages or blocks.

    @cached_property
    def _sources(self) -> dict[str, tuple[list[int], list[Footnote]]]:
        """Label -> the notes with that label that repeat none, by start (see ``_by_start``)."""
        return _by_start(n for n in self.footnotes if n.same_as is None)

    @cached_property
    def _by_label(self) -> dict[str, tuple[list[int], list[Footnote]]]:
        """Label -> every note with that label, by start (see ``_by_start``)."""
        return _by_start(self.footnotes)

    @cached_property
    def _innermost(self) -> tuple[list[int], list[Section | None]]:
        """The innermost section from each offset where it changes (a sweep over starts and ends)."""
        events = sorted({b for s in self.sections if s.start < s.end for b in (s.start, s.end)})
        opening = sorted((s.start, i) for i, s in enumerate(self.sections) if s.start < s.end)
        active: list[tuple[int, int]] = []  # (-level, position in the list): the deepest, then the first
        innermost: list[Section | None] = []
        j = 0
        for bound in events:
            while j < len(opening) and opening[j][0] == bound:
                i = opening[j][1]
                heapq.heappush(active, (-self.sections[i].level, i))
                j += 1
            while active and self.sections[active[0][1]].end <= bound:
                heapq.heappop(active)
            innermost.append(self.sections[active[0][1]] if active else None)
        return events, innermost


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage of a document: a contiguous span of body text and the footnotes it cites."""

    id: str
    document_id: str
    section: str
    start: int
    end: int
    text: str
    footnotes: tuple[Footnote, ...] = ()
    tokens: int = 0
    """Length of ``text`` in the embedding model's tokens (no special tokens), a note written inside
    it (LaTeX's ``\\footnote{...}``) left out, as the text of a note set apart is."""


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a passage or an answer comes from: a document, its section and an exact span."""

    document_id: str
    title: str
    section: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked search result."""

    rank: int
    score: float
    chunk: Chunk
    citation: Citation


@dataclass(frozen=True, slots=True)
class Answer:
    """The best evidence sentence(s) for a question, extracted from the passages that support it.

    ``text`` is exactly ``source[citation.start:citation.end]`` of the cited document; it is
    empty (and ``citation`` is None) when nothing was found.
    """

    question: str
    text: str
    citation: Citation | None
    footnotes: tuple[Footnote, ...]
    passages: tuple[Hit, ...]
    score: float = 0.0


def _by_start(notes: Iterable[Footnote]) -> dict[str, tuple[list[int], list[Footnote]]]:
    """Label -> (starts, notes) of the notes with that label, by start; of equal starts, the first
    listed last, as the look-ups (which take the last before an offset) want it."""
    by_label: dict[str, list[tuple[int, int, Footnote]]] = {}
    for i, n in enumerate(notes):
        by_label.setdefault(n.label, []).append((n.start, i, n))
    out = {}
    for label, found in by_label.items():
        found.sort(key=lambda t: (t[0], -t[1]))
        out[label] = ([t[0] for t in found], [t[2] for t in found])
    return out
