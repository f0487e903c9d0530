"""Footnotes an HTML page declares with its links, and the note text they point at.

A marker is an ``<a href="#id">`` whose text is a label; its note is the element that id names
(or, when that is an inline anchor, the block around it, or the ``<div>`` that wraps the note's
paragraphs), below the marker or, where the note links back to it, above. The usual tools are read
as they write: pandoc, Python-Markdown, markdown-it and Wikipedia endnote lists (with their note
groups, "[note 1]"), docutils and Sphinx notes and citations ("[Famiglietti2014]") in ``<aside>``,
``<dl>`` or ``<table>``, EPUB ``epub:type`` notes, and Word, LibreOffice and Google Docs anchors
(LibreOffice's XHTML writes a note's later paragraphs after it, of its class, with no anchor: they
are the note's). A note's text leaves out its label and the back-links to its markers. A page with plain ``<sup>`` markers and an endnotes
``<ol>`` is numbered as a browser would. LaTeXML's notes (arXiv's papers), Tufte CSS's sidenotes
and Distill's notes are written where they are cited, their mark in the text and their text read
after the page's (``dom``); LaTeXML's cross-references (``ltx_ref``: to a section, a table, a
bibliography entry) are never markers.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from footnoted.ingest.dom import BLOCK_TAGS, NOTE_CONTAINER, Element, Extractor, InlineNote
from footnoted.ingest.labels import ROMAN
from footnoted.ingest.layout import FOUR_DIGITS, beyond_999, exponent
from footnoted.ingest.markers import LABEL_RUN, marker_run, strong_candidates
from footnoted.ingest.note_bodies import NOTES_HEADING, SOURCES_HEADING
from footnoted.ingest.texinfo_notes import HEADINGS, labels_note, note_under
from footnoted.ingest.text import Layout
from footnoted.types import BODY_KINDS, Block, Footnote, Span

_REPEAT_SUFFIX = re.compile(r":\d+$")  # markdown-it numbers a note's second marker "1:1"
# Before a note's text: its label, back-links to its markers, and the punctuation around them
# ("[1]", "(1, 2)", "^ a b").
_LEAD_PUNCT = re.compile(r"[\s\[\]()^,.:;↑↩\ufe0e]*")
_LEAD_CLOSERS = re.compile(r"[\s\]),.:;]*")
NOTE_LABEL = re.compile(rf"^(?:\d{{1,3}}|[a-z]|{ROMAN}|[*†‡§¶#♠♥♦♣]{{1,3}})$", re.IGNORECASE)
"""A note's label: a number, a letter, a roman numeral, or docutils' symbols (* † ‡ § ¶ # ♠ ♥ ♦ ♣,
then doubled)."""
_GROUP_LABEL = re.compile(r"\[([^\W\d_]{1,12})[ \u00a0](\d{1,3})\]")
"""A MediaWiki note group's marker, "[note 1]", "[n 2]": numbered apart from the plain "[1]"."""
_CITATION_LABEL = re.compile(r"\[(\w+(?:[-._+:]\w+)*)\]")
"""A docutils citation's marker, "[Famiglietti2014]": its reference name in brackets."""
LETTERS = re.compile(r"[a-z]{2,3}", re.IGNORECASE)
"""Letters past "z" (``fullmatch``): "aa", "ab" as LibreOffice counts, "aa", "bb" as Word does; a
note's label only in a page whose notes reach "z" (a link "up" or "top" is none)."""
_WORD = re.compile(r"[^\W\d_]{4,}")
_BACKLINK_TEXT = re.compile(r"[\s↩↑^⤴︎\ufe0e]*(?:back|return)?[\s↩↑^⤴︎\ufe0e]*$", re.IGNORECASE)


@dataclass(slots=True)
class LinkedNotes:
    """The notes a page's links declare, and the ``<sup>`` spans left for the text finder."""

    footnotes: list[Footnote] = field(default_factory=list)
    hints: list[Span] = field(default_factory=list)
    labels: list[Span] = field(default_factory=list)
    """Headings that are nothing but a note's label (Texinfo's "(1)"): furniture."""


def link_footnotes(source: str, ex: Extractor, layout: Layout) -> LinkedNotes:
    """Resolve ``<a href="#id">`` markers to the note elements they point at, and read the notes
    written where they are cited; note blocks become ``note``."""
    page, holders = _linked_notes(source, ex, layout)
    if ex.notes:
        inline, bodies = _inline_notes(source, ex)
        page.footnotes = sorted([*page.footnotes, *inline], key=lambda note: note.start)
        holders.extend(bodies)
    _mark_notes(layout, page.footnotes, holders)
    if page.labels:
        _mark_labels(layout, page.labels)
    return page


def _mark_labels(layout: Layout, labels: list[Span]) -> None:
    """Blocks inside a note's label heading (Texinfo's "(1)"; ``labels`` in order) become furniture."""
    starts = [s.start for s in labels]

    def in_label(block: Block) -> bool:
        i = bisect.bisect_right(starts, block.start) - 1
        return i >= 0 and labels[i].contains(Span(block.start, block.end))

    layout.blocks = [Block("furniture", b.start, b.end) if in_label(b) else b for b in layout.blocks]


def _linked_notes(source: str, ex: Extractor, layout: Layout) -> tuple[LinkedNotes, list[tuple[int, int]]]:
    """The notes ``<a href="#id">`` markers point at, and each note's whole element (its label and
    back-links too)."""
    page = LinkedNotes()
    targets: dict[str, int] = {}
    for i, el in enumerate(ex.elements):
        for key in ("id", "name"):
            value = el.attrs.get(key)
            if value:
                targets.setdefault(str(value), i)
    links: list[tuple[str, int, Element]] = []  # (label, the note's block, the marker)
    headed: dict[int, tuple[str, list[Span]]] = {}  # Texinfo's notes, by the heading that labels each
    for i, el in enumerate(ex.elements):
        target_index = _target(ex, targets, i)
        if target_index < 0 or "ltx_ref" in str(el.attrs.get("class")).split():
            continue
        target = ex.elements[target_index]
        container_index = target.block if target.tag not in BLOCK_TAGS else target_index
        if container_index < 0:
            continue
        container = ex.elements[container_index]
        label = _label(source, ex, el, target_index, container)
        if not label:
            continue
        if container.tag in HEADINGS:
            if labels_note(source, ex, targets, i, container_index):
                headed.setdefault(container_index, (label, []))[1].append(Span(el.start, el.end))
            continue  # a link to a heading: not a note, unless the heading is a Texinfo note's label
        below = container.start > el.start
        back = _leads_back(ex, targets, i)
        if back >= 0 and (not below or ex.elements[back].tag in BLOCK_TAGS):
            continue  # a note's back-link to its marker
        if not below and not _names(ex, targets, container_index, i):
            continue  # a link back up the page; a note above it (docutils puts one under its paragraph) links back
        if (
            container.tag in ("section", "article", "main", "body", "ol", "ul")
            or container.end - container.start > 20000
        ):
            continue
        links.append((label, container_index, el))
    past_999 = beyond_999(label for label, _, _ in links)
    past_z = any(label in ("z", "Z") for label, _, _ in links)
    links = [
        link
        for link in links
        if (not FOUR_DIGITS.fullmatch(link[0]) or link[0] in past_999)
        and (past_z or NOTE_LABEL.match(link[0]) or not LETTERS.fullmatch(link[0]))
    ]
    if not links and not headed:
        page.hints = [Span(e.start, e.end) for e in ex.elements if e.tag == "sup" and e.end > e.start]
        _numbered_endnotes(source, ex, layout, page)
        return page, []
    blocks = {index for _, index, _ in links}
    markers = [Span(el.start, el.end) for _, _, el in links]
    notes: dict[int, tuple[str, list[Span]]] = {}
    for label, index, el in links:
        notes.setdefault(_note_block(ex, index, blocks, markers), (label, []))[1].append(Span(el.start, el.end))
    holders: list[tuple[int, int]] = []  # each note's whole element: its label and back-links too
    for index, (label, spans) in sorted({**notes, **headed}.items(), key=lambda kv: ex.elements[kv[0]].start):
        if index in headed:
            start, end = note_under(ex, layout.blocks, index)
            if start < end:
                page.footnotes.append(Footnote(label, source[start:end], start, end, tuple(spans)))
                page.labels.append(Span(ex.elements[index].start, ex.elements[index].end))
            continue
        through = _carried_on(source, ex, index)
        start, end = _note_text(source, ex, targets, index, label, through)
        if start < end:  # an element holding nothing but its label (a jump to "A" of an index) is no note
            page.footnotes.append(Footnote(label, source[start:end], start, end, tuple(spans)))
            holders.append((_extent(ex, index)[0], _extent(ex, through)[1]))
    return page, holders


def _inline_notes(source: str, ex: Extractor) -> tuple[list[Footnote], list[tuple[int, int]]]:
    """LaTeXML's notes, Tufte CSS's sidenotes and Distill's notes, and the whole text of each (its
    label too).

    A sidenote or a Distill note is labelled and cited by the number written for it in the text. A LaTeXML note is
    labelled by the mark its text opens with and cited by its own mark in the text, or, for
    a ``footnotetext``, by the ``footnotemark`` marks of its label (the first after each such mark,
    else the last before it). A margin note, with no mark, is a paragraph of the page."""
    found: list[tuple[InlineNote, Footnote]] = []
    bodies: list[tuple[int, int]] = []
    for note in ex.notes:
        if note.body < 0:
            continue
        body = ex.elements[note.body]
        label_at = next(
            (
                e
                for e in ex.elements[note.body + 1 : body.last + 1]
                if e.tag == "sup" and "ltx_note_mark" in str(e.attrs.get("class")).split()
            ),
            None,
        )
        label = source[label_at.start : label_at.end].strip() if label_at is not None else ""
        if label_at is None and note.mark >= 0:  # a sidenote: labelled by its mark in the text
            label = source[ex.elements[note.mark].start : ex.elements[note.mark].end].strip()
        start = label_at.end if label_at is not None else body.start
        end = body.end
        while start < end and source[start].isspace():
            start += 1
        if not label:
            continue
        bodies.append((body.start, body.end))
        if start >= end:
            continue
        mark = ex.elements[note.mark] if note.mark >= 0 else None
        markers = (Span(mark.start, mark.end),) if mark is not None else ()
        found.append((note, Footnote(label, source[start:end], start, end, markers)))
    texts = [(note, footnote) for note, footnote in found if note.role == "footnotetext"]
    cited: dict[int, list[Span]] = {}
    for mark_note in ex.notes:
        if mark_note.role != "footnotemark" or mark_note.mark < 0:
            continue
        mark = ex.elements[mark_note.mark]
        label = source[mark.start : mark.end].strip()
        same = [(note.at, i) for i, (note, footnote) in enumerate(texts) if footnote.label == label]
        if same:
            after = [pair for pair in same if pair[0] >= mark_note.at]
            cited.setdefault(min(after)[1] if after else max(same)[1], []).append(Span(mark.start, mark.end))
    notes = [footnote for note, footnote in found if note.role != "footnotetext"]
    notes.extend(replace(footnote, markers=tuple(cited.get(i, ()))) for i, (_, footnote) in enumerate(texts))
    return notes, bodies


def _note_block(ex: Extractor, index: int, blocks: set[int], markers: list[Span]) -> int:
    """The element that holds the whole note whose first block is ``index``.

    Word, LibreOffice and Google Docs put the anchor in a note's first paragraph and wrap the note's
    paragraphs in a ``<div>`` of its own: the note is that ``<div>`` when it starts where the
    paragraph does and holds no other note, no marker and no heading.
    """
    while True:
        element = ex.elements[index]
        if element.parent < 0:
            return index
        parent = ex.elements[element.parent]
        if parent.tag not in ("div", "aside") or parent.start != element.start:
            return index
        inside = range(element.parent + 1, parent.last + 1)
        if any(i in blocks and i != index for i in inside) or any(
            ex.elements[i].tag in ("h1", "h2", "h3", "h4", "h5", "h6") for i in inside
        ):
            return index
        if any(parent.start <= m.start < parent.end for m in markers) or parent.end - parent.start > 20000:
            return index
        index = element.parent


def _note_text(
    source: str, ex: Extractor, targets: dict[str, int], index: int, label: str, through: int
) -> tuple[int, int]:
    """A note element's text, through the element ``through`` (see ``_carried_on``), without its
    label and the back-links to its markers.

    A docutils ``<dt>`` label is followed by the note's ``<dd>``: the note spans both.
    """
    container = ex.elements[index]
    start, end = _extent(ex, index)[0], _extent(ex, through)[1]
    last = _last(ex, through)
    backlinks = [
        Span(el.start, el.end)
        for i, el in enumerate(ex.elements[index + 1 : last + 1], start=index + 1)
        if el.tag == "a"
        and el.end > el.start
        and (
            (_points_above(el, ex, targets, container.start) and _names_no_word(source[el.start : el.end]))
            or _leads_back(ex, targets, i) >= 0
        )
    ]
    start = _lead_end(source, start, end, label, backlinks)
    for el in ex.elements[index + 1 : last + 1]:
        href = str(el.attrs.get("href") or "")
        if el.tag == "a" and href.startswith("#") and start < el.start < end and el.end >= end - 2:
            end = el.start
    tail = _BACKLINK_TEXT.search(source, start, end)
    if tail and tail.start() > start:
        end = tail.start()
    while end > start and source[end - 1].isspace():
        end -= 1
    return start, end


def _carried_on(source: str, ex: Extractor, index: int) -> int:
    """The last of the paragraphs after note element ``index`` that carry it on, else ``index``.

    LibreOffice's XHTML export writes each paragraph of a note as a ``<p class="Footnote">`` of its
    own, the note's anchor in the first only: the elements right after it of its tag and its class
    (one that names a note), up to one that holds an anchor (the next note's), are the note's.
    """
    note = ex.elements[index]
    kind = note.attrs.get("class")
    if not kind or "note" not in kind.lower():
        return index
    at = index
    while (after := ex.elements[at].last + 1) < len(ex.elements):
        element = ex.elements[after]
        if (
            element.tag != note.tag
            or element.attrs.get("class") != kind
            or element.parent != note.parent
            or source[ex.elements[at].end : element.start].strip()
            or any("id" in e.attrs or "name" in e.attrs for e in ex.elements[after : element.last + 1])
        ):
            break
        at = after
    return at


def _label(source: str, ex: Extractor, link: Element, target: int, note: Element) -> str:
    """The label a link shows if it can be a note's marker ("1", "iv", "†", "note 1", "Famiglietti2014"), else ''.

    A MediaWiki group's "[note 1]" keeps its group, so that it never takes the place of "[1]"; a word
    in brackets is a label only where it names a docutils citation."""
    text = source[link.start : link.end].strip(" \u00a0")
    grouped = _GROUP_LABEL.fullmatch(text)
    if grouped and note.tag == "li":
        return f"{grouped[1]} {grouped[2]}"
    cited = _CITATION_LABEL.fullmatch(text)
    if cited and _is_citation(ex, target):
        return cited[1]
    label = _REPEAT_SUFFIX.sub("", text.strip(" []()^"))
    if NOTE_LABEL.match(label) or FOUR_DIGITS.fullmatch(label) or LETTERS.fullmatch(label):
        return label
    return ""


def _is_citation(ex: Extractor, index: int) -> bool:
    """Whether an element, or the one around it, is a docutils citation: class "citation" or role
    "doc-biblioentry" (older Sphinx puts the id on the ``<dt>`` of a ``<dl class="citation">``)."""
    element = ex.elements[index]
    around = [element, ex.elements[element.parent]] if element.parent >= 0 else [element]
    return any(
        "citation" in str(e.attrs.get("class") or "").split() or e.attrs.get("role") == "doc-biblioentry"
        for e in around
    )


def _target(ex: Extractor, targets: dict[str, int], index: int) -> int:
    """The element an ``<a href="#id">`` points to, else -1."""
    element = ex.elements[index]
    if element.tag != "a":
        return -1
    href = str(element.attrs.get("href") or "")
    return targets.get(href[1:], -1) if href.startswith("#") else -1


def _leads_back(ex: Extractor, targets: dict[str, int], index: int) -> int:
    """The element around link ``index`` (or the link itself) that a link in its inline target names, else -1.

    A back-link's target is a marker (or the ``<sup>`` around it) whose link names the note that holds
    the back-link: that note, a block, is returned. Word, LibreOffice and Google Docs anchors name each
    other: the link itself is returned, and only its place on the page tells which is the marker."""
    target = _target(ex, targets, index)
    if target < 0 or ex.elements[target].tag in BLOCK_TAGS:
        return -1
    for j in range(target, ex.elements[target].last + 1):
        back = _target(ex, targets, j)
        if back >= 0 and back <= index <= ex.elements[back].last:
            return back
    return -1


def _names(ex: Extractor, targets: dict[str, int], note: int, index: int) -> bool:
    """Whether note element ``note`` holds a back-link to link ``index`` (or to the ``<sup>`` around it)."""
    for j in range(note, _last(ex, note) + 1):
        back = _target(ex, targets, j)
        if back >= 0 and ex.elements[back].tag not in BLOCK_TAGS and back <= index <= ex.elements[back].last:
            return True
    return False


def _last(ex: Extractor, index: int) -> int:
    """The index of a note element's last descendant, or of the last in the ``<dd>`` after a docutils ``<dt>``."""
    container = ex.elements[index]
    if _extent(ex, index)[1] != container.end:
        return ex.elements[container.last + 1].last
    return container.last


def _extent(ex: Extractor, index: int) -> tuple[int, int]:
    """Where a note element starts and ends, a docutils ``<dt>`` label with the ``<dd>`` after it."""
    container = ex.elements[index]
    if container.tag == "dt" and container.last + 1 < len(ex.elements):
        body = ex.elements[container.last + 1]
        if body.tag == "dd" and body.parent == container.parent:
            return container.start, body.end
    return container.start, container.end


def _points_above(link: Element, ex: Extractor, targets: dict[str, int], offset: int) -> bool:
    """A link to an element of the page that starts before ``offset`` (a note's back-link)."""
    href = str(link.attrs.get("href") or "")
    target = targets.get(href[1:]) if href.startswith("#") else None
    return target is not None and ex.elements[target].start < offset


def _names_no_word(text: str) -> bool:
    """Whether a link's text could be a back-link's ("1", "^", "↩", "a", "back"): not a word of the
    note, as a note that opens on a link to what it annotates ("PurePath.relative_to() requires
    ...") has."""
    return len(text) <= 24 and not any(w.lower() not in ("back", "return") for w in _WORD.findall(text))


def _lead_end(source: str, start: int, end: int, label: str, backlinks: list[Span]) -> int:
    """Where a note's own text starts: past a leading label ("[1]", "1.") and back-links ("(1, 2)", "^ a b")."""
    pos, seen_label, skipped = start, False, False
    while pos < end:
        word = _LEAD_PUNCT.match(source, pos, end).end()  # type: ignore[union-attr]
        link = next((b for b in backlinks if b.end > pos and b.start <= word), None)
        if link is not None:
            pos, skipped = link.end, True
            continue
        after = word + len(label)
        if not seen_label and source.startswith(label, word) and (after >= end or not source[after].isalnum()):
            pos, seen_label, skipped = after, True, True
            continue
        break
    if skipped:
        pos = _LEAD_CLOSERS.match(source, pos, end).end()  # type: ignore[union-attr]
    return pos


def _numbered_endnotes(source: str, ex: Extractor, layout: Layout, page: LinkedNotes) -> None:
    """An ``<ol>`` of notes with no links, numbered as a browser shows it and cited by ``<sup>``
    markers or in the text (``[1]``, ``¹``). Its items are notes where its class or id says so or a
    "Notes" heading is over it; under "References" or "Sources" only where the text cites at least
    half of them, so an uncited bibliography stays a list. A marker cites the list below it: not
    one further down that numbers its items again (a chapter's notes, a bibliography after them)."""
    by_label: dict[str, list[Span]] | None = None  # the markers, read once a list may be notes
    headings = [b for b in layout.blocks if b.kind == "heading"]  # blocks are in order: so are their ends
    heading_ends = [b.end for b in headings]
    listed: list[tuple[int, set[str]]] = []  # the end and the labels of each list taken for notes
    for i, el in enumerate(ex.elements):
        if el.tag != "ol" or _in_list_item(ex, el):
            continue  # a list inside a note is part of its text, not more notes
        hint = f"{el.attrs.get('class') or ''} {el.attrs.get('id') or ''}"
        parent = ex.elements[el.parent] if el.parent >= 0 else None
        parent_hint = f"{parent.attrs.get('class') or ''} {parent.attrs.get('id') or ''}" if parent else ""
        at = bisect.bisect_right(heading_ends, el.start) - 1
        heading = source[headings[at].start : headings[at].end] if at >= 0 else ""
        notes = NOTE_CONTAINER.search(hint) or NOTE_CONTAINER.search(parent_hint) or NOTES_HEADING.match(heading)
        if not notes and not SOURCES_HEADING.match(heading):
            continue
        first = int(str(el.attrs.get("start") or "1")) if str(el.attrs.get("start") or "1").isdigit() else 1
        items = [j for j in range(i + 1, el.last + 1) if ex.elements[j].tag == "li" and ex.elements[j].parent == i]
        labels = {str(n) for n in range(first, first + len(items))}
        if by_label is None:
            by_label = _marked(source, page.hints)
            for label, spans in _cited(source, ex, layout, page.hints).items():
                by_label[label] = sorted([*by_label.get(label, []), *spans], key=lambda s: s.start)
        scope = max((end for end, taken in listed if taken & labels), default=0)
        entries = []
        for n, item in enumerate(items, start=first):
            label = str(n)
            markers = tuple(s for s in by_label.get(label, ()) if scope <= s.start and s.end <= el.start)
            start, end = _note_text(source, ex, {}, item, label, item)
            if start < end:
                entries.append(Footnote(label, source[start:end], start, end, markers))
        if notes or 2 * sum(1 for note in entries if note.markers) >= max(len(entries), 1):
            page.footnotes.extend(entries)
            listed.append((el.end, labels))
            if not notes:
                _label_notes(layout, headings[at], el.start)
    labels = {f.label for f in page.footnotes}
    page.hints = [s for s in page.hints if source[s.start : s.end].strip("[]() ") not in labels]


def _label_notes(layout: Layout, heading: Block, start: int) -> None:
    """A "References" heading right over the notes that start at ``start`` labels them, as "Notes"
    does and as a text file's does: it is not a passage of its own."""
    if any(heading.end <= b.start and b.end <= start and b.kind != "furniture" for b in layout.blocks):
        return
    layout.blocks = [Block("furniture", b.start, b.end) if b is heading else b for b in layout.blocks]


def _marked(source: str, hints: list[Span]) -> dict[str, list[Span]]:
    """The ``<sup>`` markers by the label each names, in order."""
    by_label: dict[str, list[Span]] = {}
    for s in hints:
        text = source[s.start : s.end]
        label = text.strip("[]() ")
        if LABEL_RUN.fullmatch(label):  # "<sup>5,6</sup>", "<sup>4-6</sup>": a marker for each
            inner = s.start + len(text) - len(text.lstrip("[]() "))
            for each, span in marker_run(source, inner, inner + len(label)):
                by_label.setdefault(each, []).append(span)
        elif not exponent(source, s.start, label):  # "km<sup>2</sup>" squares; it cites nothing
            by_label.setdefault(label, []).append(s)
    return by_label


def _cited(source: str, ex: Extractor, layout: Layout, hints: list[Span]) -> dict[str, list[Span]]:
    """The markers the text itself shows, as a text file's are read (``[1]``, ``[2, 3]``, ``¹``), by
    label: in the body's blocks, not in code (``<pre>``) nor inside a ``<sup>``."""
    code = [Span(e.start, e.end) for e in ex.elements if e.tag == "pre" and e.end > e.start]
    by_label: dict[str, list[Span]] = {}
    for block in layout.blocks:
        if block.kind not in BODY_KINDS:
            continue
        for c in strong_candidates(source, block, [], []):
            span = Span(c.start, c.end)
            if not any(other.overlaps(span) for other in (*code, *hints)):
                by_label.setdefault(c.label, []).append(span)
    return by_label


def _in_list_item(ex: Extractor, el: Element) -> bool:
    """Whether ``el`` sits inside a list item (its enclosing block elements, outwards)."""
    at = el.parent
    while at >= 0:
        if ex.elements[at].tag == "li":
            return True
        at = ex.elements[at].parent
    return False


def _mark_notes(layout: Layout, footnotes: list[Footnote], holders: Sequence[tuple[int, int]] = ()) -> None:
    """Blocks that overlap a note body become ``note`` blocks (note spans never overlap each other),
    and the rest of a note's element (``holders``: its label "[2]", its back-links "(1,2)" or "^",
    set apart from its text) becomes furniture: kept in the source, never a passage."""
    spans = sorted((f.start, f.end) for f in footnotes)
    starts = [s for s, _ in spans]
    around = sorted(holders)
    around_starts = [s for s, _ in around]

    def in_note(block: Block) -> bool:
        i = bisect.bisect_right(starts, block.end - 1) - 1  # the last note starting before the block ends
        return i >= 0 and spans[i][1] > block.start

    def in_holder(block: Block) -> bool:
        i = bisect.bisect_right(around_starts, block.start) - 1  # the last element starting at or before it
        return i >= 0 and block.end <= around[i][1]

    layout.blocks = [
        Block("note", b.start, b.end)
        if in_note(b)
        else Block("furniture", b.start, b.end)
        if b.kind != "heading" and in_holder(b)
        else b
        for b in layout.blocks
    ]
