"""LaTeX's notes, numbered as LaTeX numbers them and linked to the commands that cite them.

``\\footnote{...}`` steps the footnote counter and is labelled by it; ``\\footnote[n]{...}`` is
labelled ``n`` and steps nothing. ``\\footnotemark`` steps the counter and cites the note labelled
by it, ``\\footnotemark[n]`` cites note ``n``; ``\\footnotetext{...}`` is the text of the note
labelled by the counter as it stands (``\\footnotetext[n]``: of note ``n``), cited by each mark
with its label for which it is the first such text after the mark (a mark with none after it cites
the last before it).
``\\setcounter``, ``\\addtocounter`` and ``\\stepcounter`` set the counter; a numbered
``\\chapter`` sets it to 0 in a class that numbers notes per chapter (book, report, memoir, KOMA's
scrbook and scrreprt). Inside a ``minipage`` notes are counted apart and lettered (a, b, c), as
LaTeX sets them under the box. ``\\endnote`` (the endnotes package) has a counter of its own that
no chapter resets, and the same forms (``\\endnotemark``, ``\\endnotetext``). The labels are
written as ``\\thefootnote`` is defined where the note is (``\\arabic``, ``\\alph``, ``\\Alph``,
``\\roman``, ``\\Roman`` or ``\\fnsymbol``: *, †, ‡, §, ¶, ‖, **, ††, ‡‡).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from footnoted.ingest.labels import roman
from footnoted.types import Footnote, Span

_SYMBOLS = ("*", "†", "‡", "§", "¶", "‖", "**", "††", "‡‡")
COUNTERS = frozenset({"footnote", "endnote", "mpfootnote"})


def written(number: int, style: str) -> str:
    """A counter's value as ``\\arabic`` (the default), ``\\alph``, ``\\Alph``, ``\\roman``,
    ``\\Roman`` or ``\\fnsymbol`` writes it; a value the style cannot write is written in figures."""
    if style in ("alph", "Alph") and 1 <= number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter.upper() if style == "Alph" else letter
    if style in ("roman", "Roman") and number >= 1:
        return roman(number).upper() if style == "Roman" else roman(number)
    if style == "fnsymbol" and 1 <= number <= len(_SYMBOLS):
        return _SYMBOLS[number - 1]
    return str(number)


@dataclass(slots=True)
class _Note:
    counter: str
    label: str
    text: Span
    markers: list[Span] = field(default_factory=list)
    at: int = 0


@dataclass(slots=True)
class Notes:
    """The notes of one LaTeX document as the reader meets their commands, in source order."""

    per_chapter: bool = False
    """Whether a numbered ``\\chapter`` resets the footnote counter (``chapter_class``)."""
    values: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTERS, 0))
    styles: dict[str, str] = field(default_factory=lambda: {"footnote": "arabic", "endnote": "arabic"})
    minipages: int = 0
    notes: list[_Note] = field(default_factory=list)
    marks: list[tuple[str, str, Span]] = field(default_factory=list)
    """``\\footnotemark``s: counter, label, span."""
    warnings: list[str] = field(default_factory=list)

    def counter(self, kind: str) -> str:
        """The counter a command of ``kind`` (footnote or endnote) steps where the reader is."""
        return "mpfootnote" if kind == "footnote" and self.minipages else kind

    def label(self, counter: str, explicit: str | None) -> str:
        style = "alph" if counter == "mpfootnote" else self.styles.get(counter, "arabic")
        if explicit is not None:
            number = explicit.strip()
            return written(int(number), style) if number.isdecimal() else number
        return written(self.values[counter], style)

    def note(self, kind: str, explicit: str | None, marker: Span, text: Span) -> None:
        """A ``\\footnote`` (``kind`` footnote) or an ``\\endnote``: its own marker and text."""
        counter = self.counter(kind)
        if explicit is None:
            self.values[counter] += 1
        self.notes.append(_Note(counter, self.label(counter, explicit), text, [marker], marker.start))

    def mark(self, kind: str, explicit: str | None, marker: Span) -> None:
        counter = self.counter(kind)
        if explicit is None:
            self.values[counter] += 1
        self.marks.append((counter, self.label(counter, explicit), marker))

    def text(self, kind: str, explicit: str | None, text: Span, at: int) -> None:
        """A ``\\footnotetext``: the text of the note the counter (or ``explicit``) labels."""
        counter = self.counter(kind)
        self.notes.append(_Note(counter, self.label(counter, explicit), text, [], at))

    def set(self, counter: str, value: int, *, add: bool = False) -> None:
        if counter in self.values:
            self.values[counter] = self.values[counter] + value if add else value

    def chapter(self) -> None:
        if self.per_chapter:
            self.values["footnote"] = 0

    def enter_minipage(self) -> None:
        if not self.minipages:
            self.values["mpfootnote"] = 0
        self.minipages += 1

    def leave_minipage(self) -> None:
        self.minipages = max(0, self.minipages - 1)

    def footnotes(self, source: str, cited: list[Span]) -> list[Footnote]:
        """The notes with their markers, in the order they are cited (a text set apart from its
        mark where the mark is); a marker outside the spans ``cited`` (a mark in a float's
        furniture) is dropped, so its note is one no passage carries but still read."""
        texts: dict[tuple[str, str], list[_Note]] = {}
        for n in self.notes:
            if not n.markers:
                texts.setdefault((n.counter, n.label), []).append(n)
        for same in texts.values():
            same.sort(key=lambda n: n.at)
        for counter, label, span in self.marks:
            owner = _owner(texts.get((counter, label), []), span.start)
            if owner is None:
                self.warnings.append(f"\\footnotemark {label!r} at {span.start} has no \\footnotetext")
            else:
                owner.markers.append(span)
        cited = sorted(cited, key=_start)
        out: list[tuple[int, Footnote]] = []
        for note in self.notes:
            markers = tuple(sorted((m for m in note.markers if _within(cited, m)), key=_start))
            at = markers[0].start if markers else note.at
            start, end = note.text.start, note.text.end
            out.append((at, Footnote(note.label, source[start:end], start, end, markers)))
        return [note for _, note in sorted(out, key=lambda pair: pair[0])]


def _start(span: Span) -> int:
    return span.start


def _within(spans: list[Span], span: Span) -> bool:
    """Whether one of ``spans`` (in order, none overlapping another) holds ``span``."""
    i = bisect_right(spans, span.start, key=_start) - 1
    return i >= 0 and spans[i].contains(span)


def _owner(same: list[_Note], at: int) -> _Note | None:
    """The ``\\footnotetext`` a mark at ``at`` cites among those with its counter and label (in
    source order): the first after it, else the last before it."""
    i = bisect_left(same, at, key=lambda n: n.at)
    return same[i] if i < len(same) else (same[-1] if same else None)
