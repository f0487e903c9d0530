"""Finding a document's footnotes: note bodies and the markers that cite them, linked.

A single regular expression cannot tell the marker in ``since the Gulf War in 1991.1`` from
the decimal in ``10.4 million``. The finder uses the document's structure instead:

* note bodies come first (``note_bodies``); each group of consecutive bodies is a *region*, and a
  marker links to a note of the region that closes its own chapter, so numbering may restart per
  chapter;
* a marker candidate (``markers``) must sit at a plausible place (glued to a word or to
  punctuation, or one space after sentence punctuation) and a note with its label must exist in
  its region;
* unbracketed digits must also run in order: among the candidates of a region, the chain of
  increasing labels with the best evidence wins (a dynamic programme over labels), so a stray
  number that happens to look like a marker is outvoted by the sequence around it.

How labels are written and counted is ``labels``'s; which note an "Ibid." or a short form cites as
its source, ``sources``'s.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from footnoted.ingest.labels import label_number
from footnoted.ingest.layout import FOUR_DIGITS, beyond_999, is_label, is_prose, normalise_label, paragraphs
from footnoted.ingest.markdown import InlineNote, code_blocks, code_spans, inline_notes
from footnoted.ingest.markers import (
    GAP_PENALTY,
    Candidate,
    best_chain,
    capital_candidates,
    glued_candidates,
    glued_romans,
    roman_list,
    side_by_side,
    strong_candidates,
    symbol_candidates,
    westlaw_candidates,
)
from footnoted.ingest.note_bodies import BACKLINK_HEAD, BACKLINK_TAIL, NUMBERED_NOTE, Body, endnote_tail, note_bodies
from footnoted.ingest.pages import PageNote, glued_marker
from footnoted.ingest.sources import read_at
from footnoted.ingest.text import heading_level
from footnoted.types import BODY_KINDS, Block, Footnote, Span

_LETTERS = re.compile(r"[^\W\d_]+")
"""A word's letters (a word with an apostrophe is two: "office", "s")."""
_MD_MARKER = re.compile(r"\[\^(?P<label>[^\]\s]{1,40})\](?!:)")
_HEADING_TIE = 0.01
"""Below any difference of weights and penalties: it only breaks ties."""


@dataclass(slots=True)
class _Region:
    bodies: list[Body]
    start: int
    end: int
    scope_start: int = 0
    stacked: bool = False
    """It restarts the numbering with nothing but headings between it and the region before."""
    labels: set[str] = field(default_factory=set)
    """Its bodies' labels."""


@dataclass(slots=True)
class Found:
    """The notes of a document, its blocks with note bodies marked, and what was odd."""

    footnotes: list[Footnote]
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    chapter_headings: bool = False
    """A notes section holds a heading over entries numbered from 1 (a chapter's notes)."""


def find_footnotes(
    source: str, blocks: Sequence[Block], hints: Sequence[Span] = (), page_notes: Sequence[PageNote] = ()
) -> Found:
    """Find note bodies and markers in ``source`` and link them.

    Args:
        source: the document's source text.
        blocks: its blocks, in source order, as a reader found them.
        hints: spans already known to be markers (an HTML ``<sup>``); their text is the label.
        page_notes: note bodies a reader found at the foot of pages, in ``note`` blocks.
    """
    blocks, page_notes = _notes_begin_again(source, list(blocks), list(page_notes))
    found = _find(source, list(blocks), hints, page_notes, None)
    # A "Notes" section may group its numbered notes under one heading per chapter ("Chapter 2",
    # then 1, 2, 3 again): read across such headings, the entries are notes only if the text
    # cites at least half of those this adds (a numbered list under the next heading is not).
    if found.chapter_headings:
        trial = _find(source, list(blocks), hints, page_notes, None, across_headings=True)
        known = {n.start for n in found.footnotes}
        added = [n for n in trial.footnotes if n.start not in known]
        if added and 2 * sum(1 for n in added if any(_cites(source, m, n.label) for m in n.markers)) >= len(added):
            found = trial
    tail = endnote_tail(source, found.blocks)
    if tail is not None:
        # Numbered entries at the end with no "Notes" heading (a printed page, an export that
        # drew a rule instead), or under "References": notes only if the text cites them.
        trial = _find(source, list(blocks), hints, page_notes, tail)
        entries = [n for n in trial.footnotes if n.start >= tail]
        if entries and 2 * sum(1 for n in entries if any(_cites(source, m, n.label) for m in n.markers)) >= len(
            entries
        ):
            return trial
    return found


def _notes_begin_again(
    source: str, blocks: list[Block], page_notes: list[PageNote]
) -> tuple[list[Block], list[PageNote]]:
    """The blocks and page-foot notes, each page's notes starting where they begin again.

    A line of the page's text may open with a number as a note does ("1 City filings8", a table's
    row whose first cell holds a figure) and be read as the page's first note, which then runs on
    over the text below it to the real first note ("1 Office of ..."). Where that note holds a
    paragraph opening with its own label again, and the note after it (on the page, or after the
    page break) takes the next label, the notes start at that paragraph; what comes before it is
    the page's text again, read as paragraphs and headings.
    """
    areas = [b for b in blocks if b.kind == "note"]
    if not page_notes or not areas:
        return blocks, page_notes
    out_blocks, out_notes = list(blocks), list(page_notes)
    level1 = any(b.kind == "heading" and b.level == 1 for b in blocks)
    for area in areas:
        inside = [n for n in page_notes if area.start <= n.start < area.end]
        if not inside or (number := label_number(inside[0].label)) is None:
            continue
        head = inside[0]
        if len(inside) > 1:
            follows = inside[1].label == str(number + 1)
        else:
            after = next((b for b in blocks if b.start >= area.end and b.kind != "furniture"), None)
            opening = NUMBERED_NOTE.match(source, after.start, after.end) if after is not None else None
            follows = opening is not None and normalise_label(opening.group("label")) == str(number + 1)
        again = _again(source, head) if follows else None
        if again is None:
            continue
        line_start, text_start = again
        out_notes[out_notes.index(head)] = PageNote(head.label, text_start, head.end)
        at = out_blocks.index(area)
        released = _text_blocks(source, area.start, line_start, level1)
        out_blocks[at : at + 1] = [*released, Block("note", line_start, area.end)]
    return out_blocks, out_notes


def _again(source: str, note: PageNote) -> tuple[int, int] | None:
    """Where a paragraph inside ``note`` opens with the note's own label: the line's start and the
    text's after the label; None when none does."""
    pos = source.find("\n", note.start, note.end)
    while pos != -1:
        line_start = pos + 1
        line_end = source.find("\n", line_start, note.end)
        line_end = note.end if line_end == -1 else line_end
        previous = source.rfind("\n", note.start, pos)
        blank_before = not source[previous + 1 : pos].strip() if previous != -1 else False
        m = NUMBERED_NOTE.match(source, line_start, line_end)
        if blank_before and m and normalise_label(m.group("label")) == note.label:
            return line_start, m.end()
        pos = source.find("\n", line_start, note.end)
    return None


def _text_blocks(source: str, start: int, end: int, level1: bool) -> list[Block]:
    """``source[start:end]`` as the text reader reads body text: a paragraph per run of lines, a
    short line over prose a heading (``level1``: the document has headings of the first level)."""
    paras = paragraphs(source, start, end)
    out = []
    for k, para in enumerate(paras):
        text = source[para.start : para.end]
        following = paras[k + 1] if k + 1 < len(paras) else None
        if following is not None and is_label(text) and is_prose(source[following.start : following.end]):
            out.append(Block("heading", para.start, para.end, heading_level(text, level1)))
        else:
            out.append(Block("paragraph", para.start, para.end))
    return out


def _cites(source: str, marker: Span, label: str) -> bool:
    """Whether a marker is plainly one: bracketed or superscript, or digits glued to a word or a
    sentence's end (``mines.1``), not to a figure (``version 3.8.1:``)."""
    if source[marker.start : marker.end] != label:
        return True
    return glued_marker(source[max(0, marker.start - 4) : marker.end + 3], label)


def _find(
    source: str,
    blocks: list[Block],
    hints: Sequence[Span],
    page_notes: Sequence[PageNote],
    tail: int | None,
    *,
    across_headings: bool = False,
) -> Found:
    bodies, found_blocks, chapter_headings = note_bodies(source, blocks, tail, across_headings)
    past = beyond_999(b.label for b in bodies)
    if any(FOUR_DIGITS.fullmatch(b.label) and b.label not in past for b in bodies):
        # Lines opening with a four-digit number that carries on no count of notes (a year) are
        # read again as text: the note they broke into keeps them.
        bodies, found_blocks, chapter_headings = note_bodies(source, blocks, tail, across_headings, frozenset(past))
    blocks = found_blocks
    if page_notes:
        areas = sorted((b.start, b.end) for b in blocks if b.kind == "note")
        starts = [a for a, _ in areas]
        found_spans = [(b.start, b.end) for b in bodies]
        for page_note in page_notes:
            if any(s < page_note.end and page_note.start < e for s, e in found_spans):
                continue  # a page's foot that is a notes section's too: its notes were read as such
            area = areas[bisect.bisect_right(starts, page_note.start) - 1]
            bodies.append(Body(page_note.label, page_note.start, page_note.end, area[0], "page"))
        bodies.sort(key=lambda b: b.start)
    warnings: list[str] = []
    markdown = [b for b in bodies if b.style == "markdown"]
    regions = _regions([b for b in bodies if b.style != "markdown"], blocks)
    body_blocks = sorted((b for b in blocks if b.kind in BODY_KINDS), key=lambda b: b.start)
    links: dict[tuple[int, str], list[Span]] = {}

    cited, inline = _markdown_markers(source, body_blocks, {b.label for b in markdown}, warnings)
    links.update({(-1, label): cited_by for label, cited_by in cited.items()})

    hint_spans = sorted(hints, key=lambda s: s.start)
    hint_starts = [s.start for s in hint_spans]
    block_starts = [b.start for b in body_blocks]
    waiting: list[Candidate] = []  # candidates at the end of the last stack's text, left unlinked
    pool: dict[int, list[Candidate]] = {}  # each region's candidates
    word_counts: Counter[str] | None = None  # how often each word occurs, for romans glued to words
    for stack in _stacks(regions):
        # Stacked regions (notes numbered afresh per chapter, gathered under one "Notes" heading or
        # at one page's foot) share the text before the first: it is cut into one run of markers
        # per region, in order.
        first = regions[stack[0]]
        labels = [{b.label for b in regions[index].bodies} for index in stack]
        lo = bisect.bisect_left(block_starts, first.scope_start)
        hi = bisect.bisect_right(block_starts, first.start)
        in_scope = [b for b in body_blocks[lo:hi] if b.end <= first.start]
        strong: list[Candidate] = []
        glued: list[Candidate] = []
        noted = {label for own in labels for label in own}
        romans = any(not label.isdigit() for label in noted)
        capitals = any(label.isupper() for label in noted)
        westlaw = any(b.style == "westlaw" for index in stack for b in regions[index].bodies)
        symbols = {b.label for index in stack for b in regions[index].bodies if b.style == "symbol"}
        proven = romans and roman_list(noted)
        if proven and word_counts is None:
            word_counts = Counter(w.lower() for w in _LETTERS.findall(source))
        for block in in_scope:
            strong.extend(strong_candidates(source, block, hint_spans, hint_starts))
            if capitals:
                strong.extend(capital_candidates(source, block))
            if westlaw:
                strong.extend(westlaw_candidates(source, block))
            if symbols:
                strong.extend(symbol_candidates(source, block, symbols))
            glued.extend(glued_candidates(source, block))
            if romans:
                glued.extend(glued_romans(source, block, word_counts if proven else None))
        strong = side_by_side(strong, noted, source)
        strong = [c for c in strong if not FOUR_DIGITS.fullmatch(c.label) or c.label in noted]
        glued = [c for c in glued if not FOUR_DIGITS.fullmatch(c.label) or c.label in noted]
        taken = [(c.start, c.end) for c in strong]
        glued = [c for c in glued if not any(s < c.end and c.start < e for s, e in taken)]
        last: tuple[list[Candidate], list[Candidate]] = ([], [])  # the last run's candidates, and those linked
        headings = [b.start for b in in_scope if b.kind == "heading"]
        runs = _cut(strong, glued, labels, headings)
        for index, own, (strong_run, glued_run) in zip(stack, labels, runs, strict=True):
            pool[index] = candidates = strong_run + glued_run
            linked = [c for c in strong_run if c.label in own]
            for c in linked:
                links.setdefault((index, c.label), []).append(Span(c.start, c.end))
            usable = [c for c in glued_run if c.label in own and (index, c.label) not in links]
            for c in best_chain(usable):
                links.setdefault((index, c.label), []).append(Span(c.start, c.end))
                linked.append(c)
            if index == stack[0] and index > 0:
                _link_early_notes(regions[index - 1], index - 1, candidates, linked, links)
            if index == stack[-1]:
                last = (candidates, linked)
            else:
                warnings.extend(_no_note(c for c in strong_run if c.label not in own))
        # A note set at the foot of the page after its marker's (that page had no room left): the
        # marker ends the text before the notes before, after every marker those took, and this
        # region has no other for it.
        for body in regions[stack[0]].bodies:
            pushed = next((c for c in waiting if c.label == body.label), None)
            if pushed is not None and (stack[0], body.label) not in links:
                links[(stack[0], body.label)] = [Span(pushed.start, pushed.end)]
                waiting.remove(pushed)
        warnings.extend(_no_note(waiting))
        candidates, linked = last
        after = max((c.start for c in linked), default=-1)
        spans = {(c.start, c.end) for c in linked}
        waiting = sorted(
            (c for c in candidates if c.start > after and (c.start, c.end) not in spans), key=lambda c: c.start
        )
        warnings.extend(_no_note(c for c in candidates if c.start <= after and (c.start, c.end) not in spans))
    warnings.extend(_no_note(waiting))
    warnings = _link_out_of_order(regions, pool, links, warnings)

    # Markdown's notes are listed in the order they are read, as renderers number them (one defined
    # at the end among the inline ones, where it is first cited); the others where their text is.
    listed: list[tuple[int, Footnote]] = []
    inline_labels = _inline_labels(markdown, cited, inline)
    for body in markdown:
        note = _footnote(source, body, cited.get(body.label, []))
        listed.append((read_at(note), note))
    for inline_note, label in zip(inline, inline_labels, strict=True):
        start, end = inline_note.text.start, inline_note.text.end
        listed.append((inline_note.marker.start, Footnote(label, source[start:end], start, end, (inline_note.marker,))))
    for index, region in enumerate(regions):
        for body in region.bodies:
            note = _footnote(source, body, links.get((index, body.label), []))
            listed.append((note.start, note))
    footnotes = [note for _, note in sorted(listed, key=lambda pair: pair[0])]
    for note in footnotes:
        if not note.markers:
            warnings.append(f"note {note.label!r} at {note.start} has no marker in the text")
    return Found(
        footnotes=footnotes,
        blocks=_label_headings(blocks, [m for note in footnotes for m in note.markers]),
        warnings=warnings,
        chapter_headings=chapter_headings,
    )


def _markdown_markers(
    source: str, blocks: list[Block], labels: set[str], warnings: list[str]
) -> tuple[dict[str, list[Span]], list[InlineNote]]:
    """Markdown's notes as cited in ``blocks``, outside code: the markers of each note labelled in
    ``labels`` (``[^label]``), and the inline notes (``^[...]``). A marker whose note is missing is
    told in ``warnings``."""
    cited: dict[str, list[Span]] = {}
    inline: list[InlineNote] = []
    code = {span.start for span in code_blocks(source, blocks)}
    for block in blocks:
        if block.start in code:
            continue
        markers = list(_MD_MARKER.finditer(source, block.start, block.end)) if labels else []
        in_code = code_spans(source, block.start, block.end) if markers else []
        for m in markers:
            if any(span.start <= m.start() < span.end for span in in_code):
                continue
            label = m.group("label")
            if label in labels:
                cited.setdefault(label, []).append(Span(m.start(), m.end()))
            else:
                warnings.append(f"marker [^{label}] at {m.start()} has no note")
        inline.extend(inline_notes(source, block.start, block.end))
    return cited, inline


def _inline_labels(bodies: list[Body], cited: dict[str, list[Span]], inline: list[InlineNote]) -> list[str]:
    """The labels Markdown's inline notes show. A written label stays as written (the passage text
    is the Markdown, where the reader sees ``[^fam]``).

    Pandoc, markdown-it and cmark-gfm number notes 1, 2, 3 in the order they are first cited,
    ``[^1]`` and ``^[...]`` alike; an inline note takes its place in that order where the numbers
    written are their notes' places too. Elsewhere (a named note, or numbers out of that order, as
    Python-Markdown numbers notes in the order they are defined) inline notes are numbered on from
    the highest number written, so that no two notes share a label.
    """
    if not inline:
        return []
    first = {label: min(span.start for span in spans) for label, spans in cited.items()}
    order = sorted([*first.values(), *(note.marker.start for note in inline)])
    place = {at: k for k, at in enumerate(order, 1)}
    written = [b.label for b in bodies]
    if all(
        label.isdecimal() and (place[first[label]] == int(label) if label in first else int(label) > len(order))
        for label in written
    ):
        return [str(place[n.marker.start]) for n in inline]
    highest = max((int(label) for label in written if label.isdecimal()), default=0)
    return [str(highest + k) for k in range(1, len(inline) + 1)]


def _link_early_notes(
    before: _Region,
    index: int,
    candidates: list[Candidate],
    linked: list[Candidate],
    links: dict[tuple[int, str], list[Span]],
) -> None:
    """A note set at the foot of the page before its marker's (a typesetter may move the note of a
    page's first line back): the last notes of the region ``before`` that found no marker take
    one with their label from the text after them, ahead of every marker the next region took."""
    first_taken = min((c.start for c in linked), default=math.inf)
    numbers = [label_number(b.label) for b in before.bodies]
    found = [n for b, n in zip(before.bodies, numbers, strict=True) if (index, b.label) in links and n is not None]
    after = max(found, default=0)
    open_labels = {
        b.label
        for b, n in zip(before.bodies, numbers, strict=True)
        if n is not None and n > after and (index, b.label) not in links
    }
    for c in sorted(candidates, key=lambda c: c.start):
        if c.start >= first_taken or not open_labels:
            break
        if c.label in open_labels:
            links[(index, c.label)] = [Span(c.start, c.end)]
            open_labels.discard(c.label)


def _link_out_of_order(
    regions: list[_Region],
    pool: dict[int, list[Candidate]],
    links: dict[tuple[int, str], list[Span]],
    warnings: list[str],
) -> list[str]:
    """A note still without a marker takes the one candidate with its label in its region's text
    that nothing took: the chain of increasing labels leaves out a marker that comes out of order
    (a page whose second column a PDF gives before its first). The warnings, less those for the
    markers so taken."""
    taken = {(span.start, span.end) for spans in links.values() for span in spans}
    settled: set[str] = set()
    for index, region in enumerate(regions):
        for body in region.bodies:
            if (index, body.label) in links:
                continue
            options = [c for c in pool.get(index, ()) if c.label == body.label and (c.start, c.end) not in taken]
            if len(options) == 1:
                links[(index, body.label)] = [Span(options[0].start, options[0].end)]
                taken.add((options[0].start, options[0].end))
                settled.update(_no_note(options))
    return [w for w in warnings if w not in settled]


def _label_headings(blocks: list[Block], markers: list[Span]) -> list[Block]:
    """Headings over nothing but notes ("Chapter 2" in a closing "Notes" section) become furniture,
    as the "Notes" heading is: alone they would make passages of a heading and nothing else. A
    heading that cites a note stays."""
    out = list(blocks)
    cited = sorted(m.start for m in markers)
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        j = i + 1
        while j < len(blocks) and blocks[j].kind in ("note", "furniture"):
            j += 1
        over_notes = (j == len(blocks) or blocks[j].kind == "heading") and any(
            b.kind == "note" for b in blocks[i + 1 : j]
        )
        k = bisect.bisect_left(cited, block.start)
        if over_notes and not (k < len(cited) and cited[k] < block.end):
            out[i] = Block("furniture", block.start, block.end)
    return out


def _no_note(candidates: Iterable[Candidate]) -> list[str]:
    """Warnings for markers no prose number looks like (``[3]``, ``³``, a hint) that link to no note."""
    return [f"marker {c.label!r} at {c.start} has no note" for c in candidates if c.weight > 2]


def _footnote(source: str, body: Body, markers: list[Span]) -> Footnote:
    markers = sorted(set(markers), key=lambda s: s.start)
    start, end = body.start, body.end
    if body.style == "numbered":
        start = BACKLINK_HEAD.match(source, start, end).end()  # type: ignore[union-attr]
        end = max(start, BACKLINK_TAIL.search(source, start, end).start())  # type: ignore[union-attr]
        if start == end:
            start, end = body.start, body.end
    return Footnote(body.label, source[start:end], start, end, tuple(markers))


def _regions(bodies: list[Body], blocks: list[Block]) -> list[_Region]:
    """Group consecutive note bodies; each region's scope runs back to the previous region.

    A label that comes again, or a number lower than the one before, starts a new region (numbering
    restarts per chapter); with nothing but headings between it and the region before ("Chapter 2"
    in a closing "Notes" section, or the same page's foot), it is ``stacked`` on it.
    """
    regions: list[_Region] = []
    body_starts = sorted(b.start for b in blocks if b.kind in BODY_KINDS)
    prose_starts = sorted(b.start for b in blocks if b.kind in BODY_KINDS and b.kind not in ("heading", "title"))
    for body in bodies:
        stacked = False
        if regions:
            last = regions[-1]
            first_after = bisect.bisect_left(body_starts, last.end)
            between = first_after < len(body_starts) and body_starts[first_after] < body.block_start
            number, before = label_number(body.label), label_number(last.bodies[-1].label)
            restarted = body.label in last.labels or (number is not None and before is not None and number <= before)
            if not between and not restarted:
                last.bodies.append(body)
                last.labels.add(body.label)
                last.end = body.end
                continue
            first_prose = bisect.bisect_left(prose_starts, last.end)
            stacked = not (first_prose < len(prose_starts) and prose_starts[first_prose] < body.block_start)
        regions.append(_Region([body], body.block_start, body.end, stacked=stacked, labels={body.label}))
    for prev, region in itertools.pairwise(regions):
        region.scope_start = prev.end
    return regions


def _stacks(regions: list[_Region]) -> list[list[int]]:
    """The regions' indexes, grouped: each region with those stacked on it."""
    stacks: list[list[int]] = []
    for index, region in enumerate(regions):
        if region.stacked and stacks:
            stacks[-1].append(index)
        else:
            stacks.append([index])
    return stacks


def _cut(
    strong: list[Candidate], glued: list[Candidate], labels: list[set[str]], headings: list[int]
) -> list[tuple[list[Candidate], list[Candidate]]]:
    """The candidates of a stack's shared text cut into consecutive runs, one per region in order.

    The runs are those of the best chains of increasing labels, taken region after region through
    the text (the dynamic programme of ``best_chain``, carried from one region into the next): a
    region's run starts at its chain's first marker, after a heading where runs score alike (a
    chapter's note 1 cited again at its end is not the next chapter's first marker). ``headings``
    are where the text's headings start. A region with one run of text, the usual case, takes
    every candidate.
    """
    if len(labels) == 1:
        return [(strong, glued)]
    ordered = sorted(strong + glued, key=lambda c: c.start)
    # Whether a heading comes between a candidate and the one before it.
    opens = [
        bisect.bisect_left(headings, c.start) > bisect.bisect_left(headings, ordered[i - 1].end if i else -1)
        for i, c in enumerate(ordered)
    ]
    regions = len(labels)
    numbered = [sorted(n for n in map(label_number, own) if n is not None) for own in labels]
    firsts = [numbers[0] if numbers else 0 for numbers in numbered]
    nodes: list[tuple[int, int, int]] = []  # (candidate, region, the node before it on its path or -1)
    ends: list[dict[int, tuple[float, int]]] = [{} for _ in labels]  # region's chains: last label -> (score, node)
    # The best path through regions 0..j so far (score, its last node), each note it leaves
    # uncited costing as a skipped label does: a region with no run costs all its notes.
    done: list[tuple[float, int]] = []
    for numbers in numbered:
        done.append(((done[-1][0] if done else 0.0) - GAP_PENALTY * len(numbers), -1))
    best_end = [(-math.inf, -1)] * regions  # each region's best chain so far, its uncited tail paid
    for index, c in enumerate(ordered):
        number = label_number(c.label)
        if number is None:
            continue
        steps = []
        for j, own in enumerate(labels):
            if c.label not in own:
                continue
            score, prev = done[j - 1] if j else (0.0, -1)
            score += c.weight - GAP_PENALTY * (number - firsts[j])
            if j and opens[index] and prev != -1 and nodes[prev][1] == j - 1:
                score += _HEADING_TIE  # a run that starts after a heading ("Chapter 2"), of runs alike
            for lower in range(max(0, number - 12), number):
                if lower in ends[j]:
                    s, node = ends[j][lower]
                    s += c.weight - GAP_PENALTY * (number - lower - 1)
                    if s > score:
                        score, prev = s, node
            steps.append((j, score, prev))
        for j, score, prev in steps:
            nodes.append((index, j, prev))
            if number not in ends[j] or score > ends[j][number][0]:
                ends[j][number] = (score, len(nodes) - 1)
            finished = score - GAP_PENALTY * (len(numbered[j]) - bisect.bisect_right(numbered[j], number))
            if finished > best_end[j][0]:
                best_end[j] = (finished, len(nodes) - 1)
        if steps:
            for j in range(steps[0][0], regions):
                before = done[j - 1] if j else (0.0, -1)
                empty = (before[0] - GAP_PENALTY * len(numbered[j]), before[1])
                done[j] = max(done[j], empty, best_end[j], key=lambda path: path[0])
    first_of = [len(ordered)] * (regions + 1)
    node = done[-1][1]
    while node != -1:
        index, j, node = nodes[node]
        first_of[j] = index
    starts = [0] * regions + [len(ordered)]
    for j in range(regions - 1, 0, -1):
        starts[j] = min(first_of[j], starts[j + 1])
    strong_spans = {(c.start, c.end) for c in strong}
    runs = []
    for a, b in itertools.pairwise(starts):
        run = ordered[a:b]
        runs.append(
            (
                [c for c in run if (c.start, c.end) in strong_spans],
                [c for c in run if (c.start, c.end) not in strong_spans],
            )
        )
    return runs
