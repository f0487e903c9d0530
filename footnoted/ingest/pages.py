"""Pages of text extracted from a PDF: running heads, page numbers, and the notes at each page's foot.

``pdftotext`` and pdfminer end every page with a form feed. A report's pages then repeat a
running head or foot and a page number, and a page's footnotes sit at its foot, below the text
that cites them: ``1 The United States used landmines in 1991 ...``. Those notes are found here,
page by page, because nothing else marks them: no heading, no brackets. A page's notes are the
lines from its first note to its foot, where

* the first label continues the labels of the pages before (or starts again at 1) and each
  following note takes the next label, or 1 where the page's text cites 1 after the label before
  (a chapter numbered afresh begins on the page); other lines continue the note above them;
* at least half of the labels also appear as markers in the page's own text, glued to a word
  or a sentence's end (``in 1991.1 Its``), so a numbered list at a page's foot is not taken.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from footnoted.ingest.layout import exponent, normalise_label, paragraphs
from footnoted.ingest.letters import OPENING
from footnoted.types import Span

_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE
)
_ENDS_WITH_PAGE = re.compile(r"\bpage\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)


def _note_line(digits: int) -> re.Pattern[str]:
    """A line that opens as a note does: a label of up to ``digits`` figures (raised or not), then a
    space, or glued to the note's first word ("8Интервью")."""
    label = rf"\d{{1,{digits}}}|[¹²³⁴⁵⁶⁷⁸⁹⁰]{{1,{digits}}}"
    return re.compile(rf"(?P<label>{label})(?:[.)]?[ \t\u00a0]+|(?=[“\"‘']|{OPENING}))(?=\S)")


_NOTE_LINE = _note_line(3)
_BRACKETED_LINE = re.compile(r"\[(?P<label>\d{1,4})\][ \t\u00a0]+(?=\S)")
# A note's first line, to four digits: the notes of a page take only the label after the last (or
# 1), so a line opening with a year is no note unless the notes counted up to the year before.
# (Running heads are judged by ``_NOTE_LINE``: "2004 Annual Report" on every page is one.)
_FOOT_NOTE_LINE = _note_line(4)
_TO_SUPERSCRIPTS = str.maketrans("1234567890", "¹²³⁴⁵⁶⁷⁸⁹⁰")
_FIGURES = re.compile(r"\d+")
_EDGE_LINES = 2
_NEAR_EDGE = 4
"""Lines from a page's edge where a line already known to run at that edge is still taken for it."""


@dataclass(frozen=True, slots=True)
class PageNote:
    """A note found at a page's foot: its label and the span of its text (label left out)."""

    label: str
    start: int
    end: int


@dataclass(slots=True)
class Pages:
    """What the page structure of a text gives: furniture lines, note areas and the notes in them."""

    furniture: list[Span] = field(default_factory=list)
    note_areas: list[Span] = field(default_factory=list)
    notes: list[PageNote] = field(default_factory=list)


def read_pages(source: str) -> Pages:
    """Running heads and feet, page numbers and page-foot notes of a text paged with form feeds."""
    found = Pages()
    bounds = _page_bounds(source)
    if len(bounds) < 2:
        return found
    paras = [paragraphs(source, start, end) for start, end in bounds]
    pages = [[line for para in page for line in para.lines] for page in paras]
    # The lines after the first of a paragraph that opens as a note does ("[19] Landmine Monitor
    # Report ...,", then "pp. 334-995.") carry on that note: never a running head or foot, however
    # often a note's last line looks the same at the foot of a page.
    in_notes = {
        line
        for page in paras
        for para in page
        if _opening_label(source, *para.lines[0]) is not None
        for line in para.lines[1:]
    }
    # ...except a page number at the page's edge ("Page 3", "Audit 2023, page 1 of 2" right under
    # the page's last note).
    # A line after one that does not end a sentence ("Kabul,\npage 4") carries the note on.
    in_notes -= {
        line
        for lines in pages
        for n, line in enumerate(lines)
        if (n < _EDGE_LINES or n >= len(lines) - _EDGE_LINES)
        and n > 0
        and source[lines[n - 1][0] : lines[n - 1][1]].rstrip()[-1:] in tuple('.!?)]"”’')
        and (_PAGE_NUMBER.match(source[line[0] : line[1]]) or _ENDS_WITH_PAGE.search(source, line[0], line[1]))
    }
    alone = {para.lines[0] for page in paras for para in page if len(para.lines) == 1}
    running = _running_lines(source, pages, alone) - in_notes
    last_label = 0
    for lines in pages:
        body = [line for line in lines if line not in running]
        found.furniture.extend(Span(*line) for line in lines if line in running)
        area_start, notes = _foot_notes(source, body, last_label)
        if notes:
            found.notes.extend(notes)
            found.note_areas.append(Span(area_start, notes[-1].end))
            last_label = int(notes[-1].label)
    found.furniture.sort(key=lambda s: s.start)
    return found


def _page_bounds(source: str) -> list[tuple[int, int]]:
    bounds, start = [], 0
    while (feed := source.find("\f", start)) != -1:
        bounds.append((start, feed))
        start = feed + 1
    if source[start:].strip():
        bounds.append((start, len(source)))
    return [b for b in bounds if source[b[0] : b[1]].strip()]


def _key(text: str) -> str:
    return _FIGURES.sub("#", " ".join(text.split()).lower())


def _running_lines(
    source: str, pages: list[list[tuple[int, int]]], alone: set[tuple[int, int]] | None = None
) -> set[tuple[int, int]]:
    """Page numbers, and lines repeated at the same edge of several pages (digits aside).

    A repeated line that opens with a number, as a note does ("5 Ibid., p. 6.", "[5] Ibid., p. 6."),
    is a running line only when that number climbs with the page ("12 Human Rights Watch", "13 Human Rights
    Watch"): notes that repeat a source must not become furniture. Lines in ``alone`` are paragraphs
    of their own: one of them a little further from the edge than usual counts too.
    """
    seen: dict[tuple[str, str], list[tuple[int, tuple[int, int]]]] = {}
    nearly: dict[tuple[str, str], list[tuple[int, tuple[int, int]]]] = {}
    for page, lines in enumerate(pages):
        for edge, near, further in (
            ("top", lines[:_EDGE_LINES], lines[_EDGE_LINES:_NEAR_EDGE]),
            ("foot", lines[-_EDGE_LINES:], lines[-_NEAR_EDGE:-_EDGE_LINES]),
        ):
            for line in near:
                seen.setdefault((edge, _key(source[line[0] : line[1]])), []).append((page, line))
            for line in further:
                if alone is None or line not in alone:
                    continue
                nearly.setdefault((edge, _key(source[line[0] : line[1]])), []).append((page, line))
    enough = max(2, round(0.4 * len(pages)))
    running: set[tuple[int, int]] = set()
    for key, occurrences in seen.items():
        for _, (s, e) in occurrences:
            if _PAGE_NUMBER.match(source[s:e]):
                running.add((s, e))
        # A page's lines come in the order of the PDF's text boxes: a chapter's heading at the top
        # of a page, or the end of a sentence carried over from the page before, may come
        # between a running head's two halves ("Human Rights Watch", "Returnees", "Fields of
        # Stone"). A line at an edge of some pages counts where it is a little further in too,
        # as a paragraph of its own (``alone``), as a running line is.
        inside = nearly.get(key, [])
        pages_with = {page for page, _ in occurrences} | {page for page, _ in inside}
        first = occurrences[0][1]
        if len(pages_with) < enough or len(source[first[0] : first[1]].split()) > 16:
            continue
        if _opening_label(source, *first) is not None and not _folio(source, pages, occurrences + inside):
            continue
        # (Figures alone, as page numbers are, are judged as before: a page may hold other figures.)
        if "#" in key[1] and any(c.isalpha() for c in key[1]) and not _steady(source, occurrences + inside):
            continue
        running.update(line for _, line in occurrences + inside)
    return running


def _steady(source: str, occurrences: list[tuple[int, tuple[int, int]]]) -> bool:
    """Whether the figures of a line repeated on several pages (the same but for its figures) vary
    as a running line's do: each the same on every page ("Annual Report 2005"), climbing with the
    page ("Page 3 of 40"), or stepping up now and then ("Chapter 3", then "Chapter 4"). A line of
    notes that wraps alike on several pages has figures that come and go ("delays in 8 districts",
    then 6, then 9): it is no running line."""
    rows = sorted((page, [int(d) for d in _FIGURES.findall(source[s:e])]) for page, (s, e) in occurrences)
    pages = [page for page, _ in rows]
    for values in zip(*(figures for _, figures in rows), strict=True):  # as many on each: one key
        if len(set(values)) == 1:
            continue
        if any(later < earlier for earlier, later in itertools.pairwise(values)):
            return False
        offsets = Counter(value - page for page, value in zip(pages, values, strict=True))
        if offsets.most_common(1)[0][1] < 0.6 * len(values) and len(set(values)) > len(values) / 2:
            return False
    return True


def _opening_label(source: str, start: int, end: int) -> str | None:
    """The number a line opens with as a note does: "5 Ibid.", or "[5] Ibid." as the notes of a
    PDF told apart by their size are written."""
    m = _NOTE_LINE.match(source, start, end) or _BRACKETED_LINE.match(source, start, end)
    return normalise_label(m.group("label")) if m else None


def _folio(source: str, pages: list[list[tuple[int, int]]], occurrences: list[tuple[int, tuple[int, int]]]) -> bool:
    """Whether a repeated line that opens with a number is a folio: the number climbs with the page
    and the page's text does not cite it as a marker."""
    numbers = [(page, label, s) for page, (s, e) in occurrences if (label := _opening_label(source, s, e)) is not None]
    if not numbers:
        return False
    offsets = Counter(int(label) - page for page, label, _ in numbers)
    if offsets.most_common(1)[0][1] < 0.6 * len(numbers):
        return False
    cited = sum(1 for page, label, start in numbers if glued_marker(source[pages[page][0][0] : start], label))
    return 2 * cited < len(numbers)


def _foot_notes(source: str, lines: list[tuple[int, int]], last_label: int) -> tuple[int, list[PageNote]]:
    """Where the notes at the foot of one page start, and the notes (none when it has none)."""
    for first, (s, e) in enumerate(lines):
        if first == 0:
            continue  # a page's notes sit below some text of its own
        m = _FOOT_NOTE_LINE.match(source, s, e)
        label = int(normalise_label(m.group("label"))) if m else -1
        if label not in (last_label + 1, 1):
            continue
        notes = _run(source, lines[first:], label, source[lines[0][0] : s])
        if notes and _cited(source, lines[0][0], s, notes):
            return s, notes
    return -1, []


def _run(source: str, lines: list[tuple[int, int]], label: int, text: str) -> list[PageNote]:
    """Notes from the first line to the page's foot: each next label starts a note, other lines
    continue one. A 1 starts a note too where the page's ``text`` cites 1 after the label before
    it: a new chapter, numbered afresh, begins on the page."""
    notes: list[PageNote] = []
    for s, e in lines:
        m = _FOOT_NOTE_LINE.match(source, s, e)
        number = int(normalise_label(m.group("label"))) if m else -1
        if m and (number == label or (number == 1 and notes and restarts(text, notes[-1].label))):
            notes.append(PageNote(str(number), m.end(), e))
            label = number + 1
        elif notes:
            notes[-1] = PageNote(notes[-1].label, notes[-1].start, e)
    return notes


def restarts(text: str, label: str) -> bool:
    """Whether ``text`` cites 1 after a marker for ``label`` (its first: the chapter that begins
    may cite a note of that label too, further on)."""
    first = min(_marker_starts(text, label), default=-1)
    return first >= 0 and any(start > first for start in _marker_starts(text, "1"))


def _cited(source: str, start: int, end: int, notes: list[PageNote]) -> bool:
    """At least half the labels appear in the page's text as markers."""
    text = source[start:end]
    cited = sum(1 for note in notes if glued_marker(text, note.label))
    return cited > 0 and 2 * cited >= len(notes)


def glued_marker(text: str, label: str) -> bool:
    """Whether ``label`` appears in ``text`` as a marker: glued to a word of two letters or more or
    to its sentence's end, after a figure's full stop only before a capital (``in 1991.1 Its``), or
    as a superscript. ``10.4 million``, ``version 1.1 of`` and ``A.1 Scope`` cite nothing."""
    return bool(_marker_starts(text, label))


def _marker_starts(text: str, label: str) -> list[int]:
    """Where ``label`` appears in ``text`` as a marker (see ``glued_marker``)."""
    # Each pattern opens with the label itself, so the search skips to where it occurs; what must
    # come before it is looked behind for from its end (the label included), not tried at every
    # character of the text first: on a page of 57,000 characters, 0.04 ms a search where it took
    # 4.1 ms, and the twelve typeset reports of bench/pdf_ingest.py read in 3.35 s, not 3.84 s.
    escaped = re.escape(label)
    glued = (
        rf"{escaped}(?:(?<=[a-z]{{2}}{escaped})|(?<=[A-Za-z]{{2}}[.,;:!?]{escaped})|(?<=[%)\]”’\"']{escaped})"
        rf"|(?<=[%)\]”’\"'][.,;:!?]{escaped}))(?=\s|$|[,.;:])"
    )
    after_figure = rf"{escaped}(?<=\d[.,;:]{escaped})(?=\s+[A-Z“\"‘])"
    raised = re.escape(label.translate(_TO_SUPERSCRIPTS))
    superscript = rf"{raised}(?<=\S{raised})(?![¹²³⁴⁵⁶⁷⁸⁹⁰])"
    found = {m.start() for pattern in (glued, after_figure, superscript) for m in re.finditer(pattern, text)}
    return sorted(start for start in found if not exponent(text, start, label))
