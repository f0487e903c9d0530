"""The document look-ups that passages lean on, against their plain definitions."""

from __future__ import annotations

import random

import pytest

from footnoted.ingest.chunk import _Markers
from footnoted.types import Document, Footnote, Section, Span


def _innermost(doc: Document, offset: int) -> Section | None:
    found: Section | None = None
    for section in doc.sections:
        if section.start <= offset < section.end and (found is None or section.level > found.level):
            found = section
    return found


def _repeated(doc: Document, note: Footnote) -> Footnote | None:
    if note.same_as is None:
        return None
    before = [n for n in doc.footnotes if n.label == note.same_as and n.same_as is None and n.start < note.start]
    return max(before, key=lambda n: n.start, default=None)


@pytest.mark.parametrize("seed", range(40))
def test_section_at_is_the_deepest_section_holding_the_offset_the_first_listed_of_equals(seed: int) -> None:
    rng = random.Random(seed)
    sections = []
    for i in range(rng.randint(0, 30)):  # nested or not, overlapping, empty, equal levels
        start = rng.randint(0, 200)
        sections.append(Section(f"s{i}", rng.randint(1, 4), (f"s{i}",), start, start + rng.randint(-5, 80)))
    doc = Document("d", "D", "x" * 300, sections=tuple(sections))
    for offset in range(-2, 302):
        assert doc.section_at(offset) is _innermost(doc, offset), offset


@pytest.mark.parametrize("seed", range(40))
def test_repeated_is_the_last_source_with_that_label_before_the_repeat(seed: int) -> None:
    rng = random.Random(seed)
    notes = []
    for _ in range(rng.randint(0, 40)):  # labels restart, repeats of repeats, shared starts
        start = rng.randint(0, 60) * 5
        same_as = rng.choice([None, None, str(rng.randint(1, 5))])
        notes.append(
            Footnote(str(rng.randint(1, 5)), "Ibid." if same_as else "A source.", start, start + 5, (), same_as)
        )
    doc = Document("d", "D", "x" * 400, footnotes=tuple(notes))
    for note in notes:
        assert doc.repeated(note) is _repeated(doc, note)


def _referenced(doc: Document, note: Footnote) -> tuple[Footnote, ...]:
    out: list[Footnote] = []
    for label in note.refers_to:
        before = [n for n in doc.footnotes if n.label == label and n.start < note.start]
        after = [n for n in doc.footnotes if n.label == label and n.start > note.start]
        target = max(before, key=lambda n: n.start) if before else min(after, key=lambda n: n.start, default=None)
        if target is not None and target not in out:
            out.append(target)
    return tuple(out)


@pytest.mark.parametrize("seed", range(40))
def test_referenced_is_the_last_note_with_each_label_before_else_the_first_after(seed: int) -> None:
    rng = random.Random(seed)
    notes = []
    for start in sorted(rng.sample(range(0, 300, 5), rng.randint(0, 40))):  # labels restart; forward too
        refers_to = tuple(str(rng.randint(1, 6)) for _ in range(rng.choice([0, 0, 1, 2])))
        notes.append(Footnote(str(rng.randint(1, 5)), "Smith, supra note 1.", start, start + 5, (), None, refers_to))
    doc = Document("d", "D", "x" * 400, footnotes=tuple(notes))
    for note in notes:
        assert doc.referenced(note) == _referenced(doc, note)


@pytest.mark.parametrize("seed", range(40))
def test_the_notes_a_span_cites_are_those_with_a_marker_inside_it(seed: int) -> None:
    rng = random.Random(seed)
    notes = []
    for i in range(rng.randint(0, 30)):
        marks = []
        for _ in range(rng.randint(0, 3)):
            start = rng.randint(0, 200)
            marks.append(Span(start, start + rng.randint(0, 3)))
        notes.append(Footnote(str(i + 1), "A source.", 300 + i, 301 + i, tuple(marks)))
    footnotes = tuple(notes)
    markers = _Markers(footnotes)
    for _ in range(200):
        start = rng.randint(0, 210)
        span = Span(start, start + rng.randint(0, 60))
        assert markers.within(span) == tuple(n for n in footnotes if any(span.contains(m) for m in n.markers))
