"""Page-foot notes of a PDF told apart by their type size, and the text rebuilt around them.

Text alone cannot say where a page's notes stop: a note that runs on to the next page, or the
notes at the foot of each column of a two-column page, read as body text to ``pages.py``. The
PDF says more. A note is set smaller than the body, starts with its label, and its marker in the
text is a raised, smaller figure. So each line of pdfminer's layout keeps the size most of its
characters have, and each raised small figure is wrapped in two private-use characters that
survive normalisation and become exact marker spans (``hints``) at the end.

A page's notes are a run of lines of one smaller size that starts with the next label (or 1)
after some text of the page; a line of that size without a label continues the note above,
anything else ends the run (the next column's text). At least half of a run's labels must be
cited by a raised figure or a glued marker in the text before it, or it is not notes (a
numbered list in small type). Lines of the run's size just before the first label of a page,
or ending a page with no notes of its own, carry on a note the page before left open. The text is rebuilt page by page: the page's
text in reading order (a sentence cut by the first column's notes runs on into the second; a
sentence the page leaves open takes the lines that finish it from the next page, and the notes
they cite), then its notes as ``[label] text`` blocks, a note that crosses a page kept whole,
then its page number; the footnote finder reads the notes as it reads any bracketed notes.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from footnoted.ingest.pages import glued_marker, restarts
from footnoted.types import Span

OPEN, CLOSE = "\ue000", "\ue001"
"""Around a raised small figure in a line's text: a marker, most likely."""
_WRAPPED = re.compile(f"{OPEN}([^{CLOSE}]*){CLOSE}")
# A note's label, then a space or, glued to it, the note's first word ("1Lower Basin", not "1/1").
# Four digits too: a run of notes only takes a label just past the last note's (or 1), so a line
# that opens with a year starts no note unless the notes before it counted nearly up to it.
_LABEL = re.compile(
    rf"[ \t\u00a0]*{OPEN}?(?P<label>\d{{1,4}}){CLOSE}?(?:[.)]?[ \t\u00a0]+(?=\S)|(?=[^\W\d_]|[“\"‘'(\[]))"
)
# A label alone on its line: "1.", "12)", "3", "a.", "ii", a bullet (wrapped if raised).
_HANGING = re.compile(
    rf"{OPEN}?(?:\d{{1,3}}|[a-zA-Z]|[ivxlc]{{2,9}})[.)]?{CLOSE}?|[•◦▪‣·∙○●■□–—*\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc]"
)
_OPENS_ITEM = re.compile(r"[\d\[(•◦▪‣·∙○●■□–—\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc*+-]|[a-zA-Z][.)]\s")
_ENDS_SENTENCE = re.compile(r"[.!?:;][\"'”’)\]]*$|[.!?:;][\"'”’)\]]*" + OPEN + r"\d+" + CLOSE + "$")
_ROMAN_LETTERS = frozenset("ivxlc")
"""Raised, they are an endnote's marker as word processors number endnotes by default (i, ii, iii)."""
_ENTRY = re.compile(r"[ \t\u00a0]*(?:\d{1,4}|[ivxlc]{1,9})(?:[.)]?[ \t\u00a0]|(?=[A-Z]))")
"""A line that opens as a note does: its label (digits, or a lower-case roman numeral), then its text."""
_PARAGRAPH = 80
"""Characters of one size that make it a size of running text, not of a heading."""
_SMALLER = 0.92
"""A note line's size is at most this share of the body's."""
_LARGER = 1.15
"""A heading's size is at least this share of the running text's."""
_LEADER = re.compile(r"(?:\. ?){4,}\s*\d+\s*$")
"""A table of contents' line: dots leading to a page number ("1 Introduction . . . . 1")."""
_SKIPPED = 3
"""Labels a run of notes may start past the one after the last note read (a note lost)."""
_SAME_SIZE = 0.6
"""Points by which the lines of one run of notes may differ."""


@dataclass(slots=True)
class Line:
    """One line of pdfminer's layout: its text (ending with its newline) and the size most of its
    characters have; ``box_end`` when its text box ends with it (a blank line follows)."""

    text: str
    size: float
    box_end: bool = False
    x0: float = 0.0
    x1: float = 0.0
    y0: float = 0.0
    """Where the line sits on its page (PDF points, from the bottom left)."""

    def plain(self) -> str:
        return _bare(self.text)

    @property
    def folio(self) -> bool:
        """Whether the line is a page number and nothing else."""
        return self.plain().strip().isdigit()

    def written(self) -> str:
        """The line as the page's text holds it: a blank line after it when its box ends."""
        return self.text + ("\n" if self.box_end else "")


def _bare(text: str) -> str:
    """Text without the characters that wrap raised figures."""
    return text.replace(OPEN, "").replace(CLOSE, "")


@dataclass(slots=True)
class _Note:
    label: str
    lines: list[Line] = field(default_factory=list)
    first: str = ""
    """The first line's text after the label."""


def page_lines(page: Any) -> list[Line]:
    """A pdfminer ``LTPage``'s lines in the order its text converter writes them."""
    from pdfminer.layout import LTChar, LTContainer, LTText, LTTextBox, LTTextLine

    out: list[Line] = []

    def render(item: Any) -> None:
        if isinstance(item, LTTextLine):
            out.append(_line(item, LTChar))
        elif isinstance(item, LTContainer):
            for child in item:
                render(child)
            if isinstance(item, LTTextBox) and out:
                out[-1].box_end = True
        elif isinstance(item, LTText):
            # Characters outside text lines (inside figures) are written as they come.
            if out and out[-1].size == 0.0 and not out[-1].box_end:
                out[-1].text += item.get_text()
            else:
                out.append(Line(item.get_text(), 0.0))

    render(page)
    return _hang_labels(out)


def _hang_labels(lines: list[Line]) -> list[Line]:
    """A list's or a note's label set apart from its text by a hanging indent ("1." in a box of
    its own, the text in another) joined to the line it stands beside, as it reads."""
    labels = [line for line in lines if line.size and _HANGING.fullmatch(line.plain().strip())]
    if not labels:
        return lines
    gone: set[int] = set()
    for label in labels:
        beside = [
            line
            for line in lines
            if line is not label
            and id(line) not in gone
            and line.size
            and line.x0 >= label.x1 - 0.5
            and line.x0 - label.x1 < 4 * line.size
            and abs(line.y0 - label.y0) < 0.4 * line.size
        ]
        if beside:
            target = min(beside, key=lambda line: line.x0)
            target.text = f"{label.text.strip()} {target.text}"
            gone.add(id(label))
    return [line for line in lines if id(line) not in gone]


def _line(line: Any, char_type: Any) -> Line:
    chars = [c for c in line if isinstance(c, char_type)]
    sizes = Counter(round(c.size, 1) for c in chars)
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    normal = sorted(c.y0 for c in chars if c.size >= _SMALLER * size)
    base = normal[len(normal) // 2] if normal else 0.0

    def is_small(c: Any) -> bool:
        figure = c.get_text()
        return (
            isinstance(c, char_type)
            and (figure.isdigit() or figure in _ROMAN_LETTERS)
            and c.size < 0.85 * size
            and c.y0 > base + 0.15 * size
        )

    items = list(line)
    parts: list[str] = []
    raised = False
    for k, c in enumerate(items):
        text = c.get_text()
        if text == " " and not isinstance(c, char_type) and k + 1 < len(items) and is_small(items[k + 1]):
            # A space pdfminer put in before a raised figure (a justified line stretched the gap):
            # the PDF sets no space there, the marker is glued to its word ("stones.12").
            continue
        small = is_small(c)
        if small and not raised:
            parts.append(OPEN)
        elif raised and not small:
            parts.append(CLOSE)
        raised = small
        parts.append(text)
    if raised:
        parts.append(CLOSE)
    return Line("".join(parts), float(size), x0=line.x0, x1=line.x1, y0=line.y0)


def _characters(lines: Iterable[Line]) -> Counter[float]:
    """How many characters each size sets in these lines (0.0: characters of no known size)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[line.size] += len(line.text.strip())
    return sizes


def text_size(lines: list[Line]) -> float:
    """The size of these lines' running text: the largest that sets a paragraph's worth of
    characters (a heading's size sets too few; a long note's, running on above, is smaller);
    else the size most characters have; 0.0 when none is known."""
    sizes = _characters(lines)
    sizes.pop(0.0, None)
    if not sizes:
        return 0.0
    return max((size for size, count in sizes.items() if count >= _PARAGRAPH), default=sizes.most_common(1)[0][0])


def set_apart_headings(pages: list[list[Line]]) -> None:
    """End the paragraph before and after each heading: a short line set larger than the running
    text (pdfminer often boxes a heading with the paragraph under it, "Summary\nFarmers in ...").
    Consecutive heading lines of one size stay together (a title over two lines)."""
    sizes = _characters(line for lines in pages for line in lines)
    total = sum(sizes.values())
    body = max((size for size, count in sizes.items() if size and count >= max(_PARAGRAPH, 0.15 * total)), default=0.0)
    if not body:
        return
    for lines in pages:
        heads = [line.size >= _LARGER * body and 0 < len(line.plain().strip()) <= 120 for line in lines]
        for k, line in enumerate(lines):
            if not heads[k]:
                continue
            if k > 0 and not (heads[k - 1] and lines[k - 1].size == line.size):
                lines[k - 1].box_end = True
            if k + 1 == len(lines) or not (heads[k + 1] and lines[k + 1].size == line.size):
                line.box_end = True


def plain_text(pages: list[list[Line]]) -> str:
    """The pages' text as pdfminer's text converter writes it (each page ended by a form feed), but in
    reading order: a page of endnotes top down (see ``_notes_page``), any other page its running
    head first and its columns one after the other (see ``_columns``), and its page number last."""
    sizes = _characters(line for lines in pages for line in lines)
    sizes.pop(0.0, None)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    texts = []
    for lines in pages:
        notes = _notes_page(lines, body)
        ordered = notes if notes is not lines else _reading_order(lines)
        # Its page number last, where the page reader looks for one (pdfminer may give it between
        # the columns, inside a sentence).
        texts.append([line for line in ordered if not line.folio] + [line for line in ordered if line.folio])
    return "".join("".join(_bare(line.written()) for line in lines) + "\f" for lines in texts)


def _notes_page(lines: list[Line], body: float) -> list[Line]:
    """A page of nothing but lines smaller than the document's running text (``body``), two or more
    opening with a label ("12 Ibid.", "xlix Ibid."), in reading order: the column (when labels open
    lines in both halves of the page), then from the top. pdfminer boxes lines apart by where they
    start, and a wide label ("xlix") starts its text further in than a narrow one ("l"): it may give
    the box of later notes first. Any other page as pdfminer gives it."""
    placed = [line for line in lines if line.text.strip()]
    if (
        not body
        or len(placed) < 3
        or any(line.x1 <= line.x0 or not 0 < line.size <= _SMALLER * body for line in placed if not line.folio)
    ):
        return lines
    entries = [line for line in placed if _ENTRY.match(line.plain())]
    if len(entries) < 2:
        return lines
    right = max(line.x1 for line in placed)
    columns = len({line.x0 >= right / 2 for line in entries}) > 1
    order = sorted(
        range(len(lines)),
        key=lambda i: (
            (float(columns and lines[i].x0 >= right / 2), -lines[i].y0, lines[i].x0)
            if lines[i].x1 > lines[i].x0
            else (0.0, float("inf"), float(i))
        ),
    )
    if order == sorted(order):
        return lines
    ordered = [lines[i] for i in order]
    for line in ordered[:-1]:
        line.box_end = False  # pdfminer's boxes, out of order, say nothing of paragraphs now
    return ordered


def rebuild(pages: list[list[Line]]) -> str | None:
    """The pages' text with their notes as ``[label] text`` blocks, raised figures still wrapped
    (see ``unwrap``); None when no page has notes set smaller than its text."""
    notes_of: list[list[_Note]] = []  # each page's notes, run after run as found (in label order)
    taken: set[int] = set()  # ids of note lines
    last: _Note | None = None
    for lines in pages:
        notes_of.append([])
        first_on_page = True
        # Labelled lines in reading order: in two columns of notes pdfminer may give the second
        # column's lines before the first's.
        right = max((line.x1 for line in lines), default=0.0)
        labelled = sorted(
            (i for i, line in enumerate(lines) if i and _LABEL.match(line.text)),
            key=lambda i: _reading_key(lines[i], i, right),
        )
        page_runs: list[tuple[int, list[_Note]]] = []  # (first line, notes) of the page's runs, as found
        while True:
            after = int(last.label) if last else 0
            found = None
            for i in labelled:
                if id(lines[i]) in taken:
                    continue
                # Notes are smaller than the text above them on their page (long notes can
                # outweigh the body over a whole document, so the size is not the document's).
                body = text_size([line for line in lines[:i] if id(line) not in taken])
                notes, used = _run(lines, i, body, after, taken)
                if notes and _cited(_page_text(lines, lines[i].size), notes):
                    found = i, notes, used
                    break
            if found is None:
                break
            i, notes, used = found
            if first_on_page and last is not None and notes[0].label != "1":
                # Lines of the notes' size just above the first label, in its column, end the
                # previous note.
                carried = []
                for line in reversed(lines[1:i]):
                    if id(line) in taken:
                        break
                    if not _same_column(line, lines[i]):
                        continue  # the other column's notes, given in between
                    if not _continues(line, lines[i].size):
                        break
                    carried.append(line)
                last.lines.extend(reversed(carried))
                taken.update(id(line) for line in carried)
            notes_of[-1].extend(notes)
            taken.update(id(line) for line in used)
            last, first_on_page = notes[-1], False
            page_runs.append((i, notes))
        for (i, notes), (j, next_notes) in itertools.pairwise(page_runs):
            # A note that runs on from the foot of one column to the head of the next: the lines of
            # the notes' size in the next column, above its first note, are its, up to one that
            # opens with a label a note between the two could have ("2005. The letter" goes on).
            if _reading_key(lines[j], j, right)[0] <= _reading_key(lines[i], i, right)[0]:
                continue
            above = sorted(
                (
                    line
                    for line in lines
                    if id(line) not in taken and line.y0 > lines[j].y0 and _same_column(line, lines[j])
                ),
                key=lambda line: line.y0,
            )
            going_on: list[Line] = []
            y = lines[j].y0
            between = range(int(notes[-1].label) + 1, int(next_notes[0].label))  # labels a note here could have
            for line in above:  # upwards from the column's first note, line after line
                m = _LABEL.match(line.text)
                if (
                    line.y0 - y > 2 * lines[j].size
                    or not _continues(line, lines[j].size)
                    or (m and int(m.group("label")) in between)
                ):
                    break
                going_on.append(line)
                y = line.y0
            notes[-1].lines.extend(reversed(going_on))
            taken.update(id(line) for line in going_on)
        if first_on_page and last is not None and _open(last):
            # A page with no notes of its own, where a note left open runs on at its foot (or
            # fills it): the lines of the note's size that end the page.
            size = last.lines[0].size
            kept = [line for line in lines if id(line) not in taken and not line.folio]
            k = len(kept)
            while k > 0 and _continues(kept[k - 1], size):
                k -= 1
            last.lines.extend(kept[k:])
            taken.update(id(line) for line in kept[k:])
    if not any(notes_of):
        return None
    texts = [_reading_order([line for line in lines if id(line) not in taken]) for lines in pages]
    for n in range(len(pages) - 1):
        carried = _carried_over(texts[n], texts[n + 1])
        texts[n].extend(carried)
        # The notes the carried lines cite go with them, so that marker and note share a page.
        text = "".join(line.text for line in carried)
        while notes_of[n + 1] and _cites(text, notes_of[n + 1][0].label):
            notes_of[n].append(notes_of[n + 1].pop(0))
    pieces: list[str] = []
    for kept, notes in zip(texts, notes_of, strict=True):
        # The page's text runs on from column to column; its notes follow it, then its page
        # number, where the page reader looks for one.
        pieces.extend(line.written() for line in kept if not line.folio)
        if notes:
            if pieces and not "".join(pieces[-2:]).endswith("\n\n"):
                pieces.append("\n" if pieces[-1].endswith("\n") else "\n\n")
            pieces.extend(f"[{note.label}] {_note_text(note)}\n\n" for note in notes)
        pieces.extend(line.written() for line in kept if line.folio)
        pieces.append("\f")
    return "".join(pieces)


def _reading_order(lines: list[Line]) -> list[Line]:
    """A page's lines with its running head first and its columns one after the other."""
    size = text_size(lines)
    return _columns(_heads_first(lines, size), size)


def _heads_first(lines: list[Line], size: float) -> list[Line]:
    """A page's lines with those set above its text by more than a line and a half first, from the
    top: a running head in two boxes may come apart in pdfminer's order (its left half before the
    first column, its right half before the second), and it must open the page for the page
    reader to know it. A heading at the head of a column sits with the column's first line.
    ``size`` is the page's text size (``text_size``)."""
    body = [line for line in lines if line.x1 > line.x0 and abs(line.size - size) <= _SAME_SIZE]
    if not size or not body:
        return lines
    top = max(line.y0 for line in body)
    head = sorted(
        (line for line in lines if line.x1 > line.x0 and line.y0 > top + 1.5 * size),
        key=lambda line: (-line.y0, line.x0),
    )
    if not head or [id(line) for line in lines[: len(head)]] == [id(line) for line in head]:
        return lines
    head[-1].box_end = True
    above = {id(line) for line in head}
    return head + [line for line in lines if id(line) not in above]


def _columns(lines: list[Line], size: float) -> list[Line]:
    """A page set in two columns, each column's lines from the top: pdfminer may give the first
    paragraph of the left column, then the right column, then the rest of the left. A page is
    read so only when every line of its text sits in one half of it, both halves hold some, and
    nothing below a running head spans the two (a heading or a table across the page: its order
    is pdfminer's). A sentence the left column leaves open goes on at the head of the right.
    ``size`` is the page's text size (``text_size``)."""
    if not size or any(line.x1 <= line.x0 for line in lines):
        return lines
    body = [line for line in lines if abs(line.size - size) <= _SAME_SIZE and not line.folio]
    if not body:
        return lines
    left, right = min(line.x0 for line in body), max(line.x1 for line in body)
    middle = (left + right) / 2
    top = max(line.y0 for line in body)
    placed = [line for line in lines if not line.folio and line.y0 <= top + 1.5 * size]  # below any running head
    if any(line.x0 < middle - size and line.x1 > middle + size for line in placed):
        return lines
    first = [line for line in placed if line.x0 + line.x1 < 2 * middle]
    second = [line for line in placed if line.x0 + line.x1 >= 2 * middle]
    text = {id(line) for line in body}
    if not any(id(line) in text for line in first) or not any(id(line) in text for line in second):
        return lines
    ordered = sorted(first, key=lambda line: -line.y0) + sorted(second, key=lambda line: -line.y0)
    chosen = {id(line) for line in ordered}
    if [id(line) for line in ordered] == [id(line) for line in lines if id(line) in chosen]:
        return lines
    ends = [line for line in ordered[: len(first)] if abs(line.size - size) <= _SAME_SIZE]
    opens = [line for line in ordered[len(first) :] if abs(line.size - size) <= _SAME_SIZE]
    if ends and opens and not _ENDS_SENTENCE.search(ends[-1].plain().rstrip()):
        start = opens[0].plain().lstrip()[:1]
        if (start.islower() or start.isdigit()) and ordered[len(first) - 1] is ends[-1]:
            ends[-1].box_end = False  # the sentence goes on at the head of the second column
    head = [line for line in lines if id(line) not in chosen and not line.folio]
    return head + ordered + [line for line in lines if line.folio and id(line) not in chosen]


def _carried_over(before: list[Line], after: list[Line]) -> list[Line]:
    """The lines that finish a sentence the page before left open, taken from the top of the next
    page's text (after its running head) so that the sentence, and the marker at its end, stay in
    one passage: the first lines of the text's size on the next page, when they open in lower
    case or with a figure, up to the end of their paragraph."""
    prose = [line for line in before if line.size and not line.folio]
    if not prose or _ENDS_SENTENCE.search(prose[-1].plain().rstrip()):
        return []
    size = prose[-1].size
    start = next((k for k, line in enumerate(after) if abs(line.size - size) <= _SAME_SIZE), None)
    if start is None:
        return []
    opening = after[start].plain().lstrip()[:1]
    if not (opening.islower() or opening.isdigit()):  # "2004.34 According ..." goes on too
        return []
    end = next((k for k in range(start, len(after)) if after[k].box_end), len(after) - 1) + 1
    carried = after[start:end]
    del after[start:end]
    prose[-1].box_end = False  # the paragraph goes on
    return carried


def _reading_key(line: Line, i: int, right: float) -> tuple[float, float]:
    """Where a page's line ``i`` comes in reading order: its column (the left or right half of
    what the page sets, which ends at ``right``), then from the top; lines with no position keep
    their order."""
    if line.x1 <= line.x0 or right <= 0:
        return 0.0, float(i)
    return float(line.x0 >= right / 2), -line.y0


def _run(
    lines: list[Line], i: int, body: float, last: int, taken: set[int] | None = None
) -> tuple[list[_Note], list[Line]]:
    """The notes of a run starting at line ``i`` and the lines they take (no notes: not a run).

    The run takes the lines after its first that sit in its column, up to one of another size: in
    two columns of notes pdfminer may give the lines of one between those of the other. It starts
    with 1, or with a label at most ``_SKIPPED`` past the last note's (one lost note must not cost
    all the notes after it)."""
    first = lines[i]
    m = _LABEL.match(first.text)
    if not (m and 0 < first.size <= _SMALLER * body) or _LEADER.search(first.plain()):
        return [], []
    label = int(m.group("label"))
    if not (label == 1 or last < label <= last + 1 + _SKIPPED):
        return [], []
    notes = [_Note(m.group("label"), [first], first.text[m.end() :])]
    used = [first]
    text: str | None = None  # the page's text, read when a 1 needs it
    for line in _below(lines, i):
        if not _same_column(line, first) or (taken is not None and id(line) in taken):
            continue
        if not _continues(line, first.size):
            break
        m = _LABEL.match(line.text)
        number = int(m.group("label")) if m else -1
        if number == 1 and number != int(notes[-1].label) + 1:
            # A chapter numbered afresh that begins on the page: its text cites 1 after a marker
            # of the note before.
            text = _page_text(lines, first.size) if text is None else text
            if not _restarts(text, notes[-1].label):
                number = -1
        if m and (number == int(notes[-1].label) + 1 or number == 1):
            notes.append(_Note(m.group("label"), [line], line.text[m.end() :]))
        else:
            notes[-1].lines.append(line)
        used.append(line)
    return notes, used


def _below(lines: list[Line], i: int) -> list[Line]:
    """The lines set below line ``i`` of a page, from the top down: pdfminer boxes a hanging label's
    lines apart from the others' and may give a box of later notes first ("1", "3", "2"). Where
    a line has no position, the lines after ``i`` in pdfminer's order."""
    first = lines[i]
    if any(line.x1 <= line.x0 for line in lines):
        return lines[i + 1 :]
    return sorted((line for line in lines if line.y0 < first.y0), key=lambda line: (-line.y0, line.x0))


def _same_column(line: Line, first: Line) -> bool:
    """Whether ``line`` starts in the column of ``first``: from a little left of it (a note's first
    line is indented by its label) to its end (a line with no extent is taken to)."""
    if first.x1 <= first.x0 or line.x1 <= line.x0:
        return True
    return first.x0 - 3 * first.size <= line.x0 < first.x1


def _continues(line: Line, size: float) -> bool:
    """A line of a run's size that is more than a page number."""
    return abs(line.size - size) <= _SAME_SIZE and not line.folio and bool(line.text.strip())


def _open(note: _Note) -> bool:
    """Whether a note's text stops short of a sentence's end (it goes on on the next page)."""
    return not _ENDS_SENTENCE.search(note.lines[-1].plain().rstrip())


def _page_text(lines: list[Line], size: float) -> str:
    """A page's text outside its notes: the lines not of the notes' ``size``, in pdfminer's order
    (which may give a page's notes before the last of its text)."""
    return "".join(line.text for line in lines if abs(line.size - size) > _SAME_SIZE)


def _restarts(text: str, label: str) -> bool:
    """Whether a page's text (figures still wrapped) cites 1 after its first marker for ``label``:
    both as raised figures (a word processor may set a space before one, "stones. 12"), or both
    glued to their words."""
    raised = [(m.start(), m.group(1)) for m in _WRAPPED.finditer(text)]
    first = next((start for start, figure in raised if figure == label), None)
    if first is not None and any(start > first and figure == "1" for start, figure in raised):
        return True
    return restarts(_bare(text), label)


def _cited(text: str, notes: list[_Note]) -> bool:
    """At least half of the labels are markers in the page's text."""
    cited = sum(1 for note in notes if _cites(text, note.label))
    return cited > 0 and 2 * cited >= len(notes)


def _cites(text: str, label: str) -> bool:
    """Whether a text (figures still wrapped) cites a label: a raised figure, or a glued marker."""
    return label in _WRAPPED.findall(text) or glued_marker(_bare(text), label)


def _note_text(note: _Note) -> str:
    """A note's lines as one block: its label left out, no blank line inside, figures unwrapped.

    A line that would open like a list item or a note of its own ("17. The Conservancy ...",
    "[2]", "- ") is joined to the line before it with a space instead.
    """
    texts = [_bare(t.strip()) for t in (note.first, *(ln.text for ln in note.lines[1:]))]
    out = ""
    for text in filter(None, texts):
        out += (" " if _OPENS_ITEM.match(text) else "\n") + text if out else text
    return out


def unwrap(text: str) -> tuple[str, list[Span]]:
    """The text without the wrapping characters, and the spans they wrapped."""
    out: list[str] = []
    spans: list[Span] = []
    pos = length = 0
    for m in _WRAPPED.finditer(text):
        out.append(text[pos : m.start()])
        length += m.start() - pos
        spans.append(Span(length, length + len(m.group(1))))
        out.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    out.append(text[pos:])
    text = _bare("".join(out))
    # Raised roman numerals are wrapped to keep them glued to their words; only figures are hints
    # (a page's foot notes are numbered in figures).
    return text, [s for s in spans if text[s.start : s.end].isdigit()]
