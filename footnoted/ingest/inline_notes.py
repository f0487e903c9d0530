"""Notes written inside the text they annotate (LaTeX's ``\\footnote{...}``, Markdown's ``^[...]``):
where each lies, marker through closing bracket, so that a passage can leave them out of its
budget, its vectors, its BM25 body and its answers, while the note's own sentences stand as the
note's, as those of a note set apart do."""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from footnoted.types import Document, Footnote, Span


def inline_notes(doc: Document, span: Span) -> list[Span]:
    """What of ``span`` is a note written inside the text (``average.^[Monitoring ...]``: a note
    whose text follows its marker at once), from its marker through the bracket that closes it;
    none where ``span`` is that note's own text."""
    notes = _INLINE_NOTES.of(doc)
    out: list[Span] = []
    j = bisect_right(notes.starts, span.end - 1) - 1
    while j >= 0 and notes.reach[j] > span.start:
        note, whole = notes.notes[j]
        if whole.end > span.start and not (note.start <= span.start and span.end <= note.end):
            out.append(Span(max(whole.start, span.start), min(whole.end, span.end)))
        j -= 1
    out.sort(key=lambda c: c.start)
    return [c for k, c in enumerate(out) if not any(o.contains(c) for o in out[:k])]


def outside_notes(doc: Document, span: Span) -> list[Span]:
    """The pieces of ``span`` around the notes written inside it (``inline_notes``), in order: the
    passage's own text. Pieces may be empty (a note at either end, or two notes side by side)."""
    pieces: list[Span] = []
    at = span.start
    for cut in inline_notes(doc, span):
        pieces.append(Span(at, max(at, cut.start)))
        at = max(at, cut.end)
    pieces.append(Span(at, span.end))
    return pieces


@dataclass(frozen=True, slots=True)
class _InlineNotes:
    """A document's notes written where they are cited, each (its text, marker through closing
    bracket), by where they start, with ``reach[j]``, the furthest any of the first ``j + 1`` ends."""

    notes: list[tuple[Span, Span]]
    starts: list[int]
    reach: list[int]


class _InlineNotesCache:
    """Each document's inline notes, found once: a document of 3,000 notes took 6 ms a sentence
    list otherwise. Keyed by the document's notes (held, so their id is not reused while here)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._cache: OrderedDict[int, tuple[tuple[Footnote, ...], _InlineNotes]] = OrderedDict()
        self._lock = Lock()

    def of(self, doc: Document) -> _InlineNotes:
        key = id(doc.footnotes)
        with self._lock:
            held = self._cache.get(key)
            if held is not None and held[0] is doc.footnotes:
                self._cache.move_to_end(key)
                return held[1]
        found = _find_inline_notes(doc)
        with self._lock:
            self._cache[key] = (doc.footnotes, found)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return found


def _find_inline_notes(doc: Document) -> _InlineNotes:
    source = doc.source
    notes: list[tuple[Span, Span]] = []
    for note in doc.footnotes:
        for marker in note.markers:
            if marker.end <= note.start and not source[marker.end : note.start].strip():
                after = source[note.end : note.end + 40]
                end = note.end + len(after) - len(after.lstrip())
                end += 1 if source[end : end + 1] in ("}", "]") else 0
                notes.append((Span(note.start, note.end), Span(marker.start, end)))
    notes.sort(key=lambda pair: pair[1].start)
    reach: list[int] = []
    for _, whole in notes:
        reach.append(max(whole.end, reach[-1] if reach else 0))
    return _InlineNotes(notes, [whole.start for _, whole in notes], reach)


_INLINE_NOTES = _InlineNotesCache()
