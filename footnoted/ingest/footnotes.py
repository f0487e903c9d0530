"""Finding note bodies and the markers that cite them, and linking the two.

A single regular expression cannot tell the marker in ``since the Gulf War in 1991.1`` from
the decimal in ``10.4 million``. The finder uses the document's structure instead:

* note bodies come first (``[1] ...`` blocks, ``[^id]: ...`` definitions, numbered lines under
  a "Notes" heading, Project Gutenberg's ``[Footnote 1: ...]``, Westlaw's ``FN1. ...``); each group of consecutive bodies is a *region*, and a marker links to a
  note of the region that closes its own chapter, so numbering may restart per chapter;
* a marker candidate must sit at a plausible place (glued to a word or to punctuation, or one
  space after sentence punctuation) and a note with its label must exist in its region;
* unbracketed digits must also run in order: among the candidates of a region, the chain of
  increasing labels with the best evidence wins (a dynamic programme over labels), so a stray
  number that happens to look like a marker is outvoted by the sequence around it.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from footnoted.ingest.layout import (
    EMPHASIS_OPEN,
    FOUR_DIGITS,
    WESTLAW_NOTE,
    beyond_999,
    exponent,
    is_label,
    is_prose,
    normalise_label,
    paragraphs,
)
from footnoted.ingest.markdown import InlineNote, code_blocks, code_spans, inline_notes
from footnoted.ingest.pages import PageNote, glued_marker
from footnoted.ingest.text import heading_level
from footnoted.types import BODY_KINDS, Block, Footnote, Span

# A lower-case roman numeral up to 399 (the letters, in order; it may match nothing).
_NUMERAL = r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
# Word numbers endnotes i, ii, iii by default, and its text and web exports keep them: "[iv]".
ROMAN = rf"(?=[ivxlc]{{2}}){_NUMERAL}"
"""A lower-case roman numeral of two letters or more, up to 399 (one letter is read as a letter)."""
# Up to four digits: a four-digit label is kept only past note 999 (``layout.beyond_999``).
_LABEL = rf"\d{{1,4}}|{ROMAN}|[a-z]|[*†‡§]{{1,3}}"
_BRACKET_NOTE = re.compile(rf"\[(?P<label>{_LABEL})\][ \t\u00a0]*(?=\S)")
_MD_NOTE = re.compile(r"\[\^(?P<label>[^\]\s]{1,40})\]:[ \t\u00a0]*")
# Project Gutenberg's notes, as Distributed Proofreaders mark them: "[Footnote 1: ...]" on a line of
# its own, over one paragraph or several, to the "]" that closes it; "[Footnote A: ...]" is cited
# "[A]". The whole note: the lead, and where a line inside a paragraph opens one.
_PG_NOTE = re.compile(rf"\[(?i:footnote)[ \t\u00a0]+(?P<label>{_LABEL}|[A-Z])[ \t\u00a0]*:\s*")
_PG_NOTE_LINE = re.compile(rf"(?<![^\n])[ \t\u00a0]*(?P<lead>{_PG_NOTE.pattern})")
_BRACKETS = re.compile(r"[\[\]]")
_PG_KINDS = frozenset({"paragraph", "list_item", "heading"})
"""The blocks a Project Gutenberg note may open in (a short one may have been read as a heading)."""
# Any lower-case roman numeral, one letter or more, as a whole word ("iv", not "ivory").
_ANY_ROMAN = rf"(?=[ivxlc]){_NUMERAL}(?![a-z])"
_NUMBERED_NOTE = re.compile(
    r"(?P<label>\d{1,4}(?![\d,])|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}"
    rf"|{_ANY_ROMAN}(?=[.)]?[ \t\u00a0]|[A-Z]))(?:[.)]|(?<=\d)(?=[ \t]))?[ \t\u00a0]*(?=\S)"
)
# A flattened roman superscript, glued to the end of a sentence or a clause: "mines.ii It".
# After a word's punctuation, or its punctuation and a closing quote ("ends.”ii").
_GLUED_ROMAN = re.compile(
    rf"(?:(?<=[a-z0-9%][.,;:!?\"”’)])|(?<=[a-z0-9%][.,;:!?][\"”’)]))(?P<label>{_ANY_ROMAN})(?=\s|$)"
)
# A word whose last letters may be a flattened roman superscript glued to it ("officei",
# "auditorsiii", "declinesxi"): its first two letters or more, then a run of numeral letters.
_WORD_ROMAN = re.compile(r"(?<![^\W\d_])(?P<stem>[^\W\d_]{2,}?)(?P<letters>[ivxlc]+)(?=[\s.,;:!?)\]\"”’]|$)")
_LETTERS = re.compile(r"[^\W\d_]+")
"""A word's letters (a word with an apostrophe is two: "office", "s")."""
_ONLY_LABELS = re.compile(r"(?:\[[^\]\s]{1,4}\][\s,]*)+")
_BRACKETED_LINE = re.compile(r"^[ \t\u00a0]*\[\d+\]", re.MULTILINE)
NOTES_HEADING = re.compile(
    r"^[#\s]*(?:(?:foot|end|end )?notes?|注|註|注释|注釋|脚注|腳注|尾注|注記)\s*[:：]?\s*$", re.IGNORECASE
)
# Chinese and Japanese punctuation a flattened marker may follow ("地雷。1", "两遍，2"), and then the
# next sentence with no space ("地雷。1技術者").
_CJK_PUNCTUATION = "。！？，、；：」』）】"
# What follows a Chinese or Japanese number: years, months, days, people, things, times...
_CJK_COUNTERS = frozenset("年月日時时分秒歳岁人名個个枚本冊册件回次倍割万千百十億亿号號位台部頁页章節节条條種种つ")
# A heading over numbered entries that may be notes or a bibliography: the markers decide.
_SOURCES_HEADING = re.compile(
    r"^[#\s]*(?:references|sources|citations|notes and (?:references|sources)|references and notes)\s*:?\s*$",
    re.IGNORECASE,
)
# What an exported or printed note keeps of its back-links: "↩" at its end, "^ a b" at its start.
_BACKLINK_TAIL = re.compile(r"[\s↩↑\ufe0e\ufe0f]*$")
_BACKLINK_END = re.compile(r"↩[\ufe0e\ufe0f]?\s*$")
_BACKLINK_HEAD = re.compile(r"(?:[↑^](?:[ \t]+[a-z](?=\s))*\s*)?")

_MD_MARKER = re.compile(r"\[\^(?P<label>[^\]\s]{1,40})\](?!:)")
_BRACKET_MARKER = re.compile(rf"(?<!^)\[(?P<label>{_LABEL})\](?![(:])")
# Westlaw's marker, "FN1" glued to a word or to punctuation or after a space, or "[FN1]": never "FN"
# alone, "FNMA", or "FN1" inside a word or a code ("SFN12", "FN1a").
_WL_MARKER = re.compile(r"\[FN(?P<bracketed>\d{1,4})\]|(?<![A-Z0-9\[])FN(?P<label>\d{1,4})(?![A-Za-z0-9])")
_WL_END = re.compile(r"\s*end of document\b", re.IGNORECASE)
"""What closes a Westlaw export after its last note ("End of Document © 2003 Thomson Reuters ...")."""
# Notes marked with a symbol after a rule ("---", "___", "***") or a "Notes" heading, a line each:
# "* Norway's fund ...", "** See ...", "† ...", cited "2005.*", "decade.**".
_SYMBOL = r"\*{1,3}|†{1,3}|‡{1,3}|§{1,3}"
_SYMBOL_NOTE = re.compile(rf"(?P<label>{_SYMBOL})[ \t\u00a0]+(?=\S)")
_SYMBOL_MARKER = re.compile(rf"(?:(?<=[^\W_])|(?<=[.,;:!?)\]\"”’%]))(?P<label>{_SYMBOL})(?![*†‡§\w])")
# (Where the text has an asterisk opening emphasis, "*word*", "word*" closes it, citing nothing.)
_RULE = re.compile(r"[ \t]*(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})")
_CAPITAL_MARKER = re.compile(r"(?<!^)\[(?P<label>[A-Z])\](?![(:])")
"""A capital letter's marker, "[A]": only Project Gutenberg's notes are so labelled."""
_SUPERSCRIPT_MARKER = re.compile(r"(?<=\S)(?P<label>[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4})")
# Runs of markers: "[2,3]", "[2, 5]", "[4-6]", "[4–6]"; raised "¹¹⁻¹³" (a raised comma is a comma).
LABEL_RUN = re.compile(r"\d{1,4}(?:\s?[,–—-]\s?\d{1,4})+")
_BRACKET_RUN = re.compile(r"(?<!^)\[(?P<labels>\d{1,4}(?:\s?[,–-]\s?\d{1,4})+)\](?![(:])")
_SUPERSCRIPT_RUN = re.compile(r"(?<=\S)[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}(?:⁻[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4})+")
_DIGITS = re.compile(r"\d{1,4}(?!\d)")
_ABBREVIATIONS = re.compile(
    r"\b(?:p|pp|no|nos|vol|vols|art|arts|ch|chap|para|paras|fig|figs|sec|secs|n|nn|col|cols|cf|op|table|note)\.$",
    re.IGNORECASE,
)
_ENDS_SENTENCE = re.compile(r"[.!?;:][\"'”’)\]]*\s*\Z")
_GAP_PENALTY = 0.75
_NOTE_PARAGRAPHS = 20
"""Paragraphs past its first a note may hold: ``_carries_on`` looks no further ahead from each."""
_HEADING_TIE = 0.01
"""Below any difference of weights and penalties: it only breaks ties."""


@dataclass(frozen=True, slots=True)
class _Body:
    label: str
    start: int
    end: int
    block_start: int
    style: str


@dataclass(slots=True)
class _Region:
    bodies: list[_Body]
    start: int
    end: int
    scope_start: int = 0
    stacked: bool = False
    """It restarts the numbering with nothing but headings between it and the region before."""
    labels: set[str] = field(default_factory=set)
    """Its bodies' labels."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    label: str
    start: int
    end: int
    weight: float


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
    tail = _endnote_tail(source, found.blocks)
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
        if not inside or (number := _number(inside[0].label)) is None:
            continue
        head = inside[0]
        if len(inside) > 1:
            follows = inside[1].label == str(number + 1)
        else:
            after = next((b for b in blocks if b.start >= area.end and b.kind != "furniture"), None)
            opening = _NUMBERED_NOTE.match(source, after.start, after.end) if after is not None else None
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
        m = _NUMBERED_NOTE.match(source, line_start, line_end)
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
    bodies, found_blocks, chapter_headings = _note_bodies(source, blocks, tail, across_headings)
    past = beyond_999(b.label for b in bodies)
    if any(FOUR_DIGITS.fullmatch(b.label) and b.label not in past for b in bodies):
        # Lines opening with a four-digit number that carries on no count of notes (a year) are
        # read again as text: the note they broke into keeps them.
        bodies, found_blocks, chapter_headings = _note_bodies(source, blocks, tail, across_headings, frozenset(past))
    blocks = found_blocks
    if page_notes:
        areas = sorted((b.start, b.end) for b in blocks if b.kind == "note")
        starts = [a for a, _ in areas]
        found_spans = [(b.start, b.end) for b in bodies]
        for page_note in page_notes:
            if any(s < page_note.end and page_note.start < e for s, e in found_spans):
                continue  # a page's foot that is a notes section's too: its notes were read as such
            area = areas[bisect.bisect_right(starts, page_note.start) - 1]
            bodies.append(_Body(page_note.label, page_note.start, page_note.end, area[0], "page"))
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
    waiting: list[_Candidate] = []  # candidates at the end of the last stack's text, left unlinked
    pool: dict[int, list[_Candidate]] = {}  # each region's candidates
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
        strong: list[_Candidate] = []
        glued: list[_Candidate] = []
        noted = {label for own in labels for label in own}
        romans = any(not label.isdigit() for label in noted)
        capitals = any(label.isupper() for label in noted)
        westlaw = any(b.style == "westlaw" for index in stack for b in regions[index].bodies)
        symbols = {b.label for index in stack for b in regions[index].bodies if b.style == "symbol"}
        proven = romans and _roman_list(noted)
        if proven and word_counts is None:
            word_counts = Counter(w.lower() for w in _LETTERS.findall(source))
        for block in in_scope:
            strong.extend(_strong_candidates(source, block, hint_spans, hint_starts))
            if capitals:
                strong.extend(_capital_candidates(source, block))
            if westlaw:
                strong.extend(_westlaw_candidates(source, block))
            if symbols:
                strong.extend(_symbol_candidates(source, block, symbols))
            glued.extend(_glued_candidates(source, block))
            if romans:
                glued.extend(_glued_romans(source, block, word_counts if proven else None))
        strong = _side_by_side(strong, noted, source)
        strong = [c for c in strong if not FOUR_DIGITS.fullmatch(c.label) or c.label in noted]
        glued = [c for c in glued if not FOUR_DIGITS.fullmatch(c.label) or c.label in noted]
        taken = [(c.start, c.end) for c in strong]
        glued = [c for c in glued if not any(s < c.end and c.start < e for s, e in taken)]
        last: tuple[list[_Candidate], list[_Candidate]] = ([], [])  # the last run's candidates, and those linked
        headings = [b.start for b in in_scope if b.kind == "heading"]
        runs = _cut(strong, glued, labels, headings)
        for index, own, (strong_run, glued_run) in zip(stack, labels, runs, strict=True):
            pool[index] = candidates = strong_run + glued_run
            linked = [c for c in strong_run if c.label in own]
            for c in linked:
                links.setdefault((index, c.label), []).append(Span(c.start, c.end))
            usable = [c for c in glued_run if c.label in own and (index, c.label) not in links]
            for c in _best_chain(usable):
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
        listed.append((_read_at(note), note))
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


def _inline_labels(bodies: list[_Body], cited: dict[str, list[Span]], inline: list[InlineNote]) -> list[str]:
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
    candidates: list[_Candidate],
    linked: list[_Candidate],
    links: dict[tuple[int, str], list[Span]],
) -> None:
    """A note set at the foot of the page before its marker's (a typesetter may move the note of a
    page's first line back): the last notes of the region ``before`` that found no marker take
    one with their label from the text after them, ahead of every marker the next region took."""
    first_taken = min((c.start for c in linked), default=math.inf)
    numbers = [_number(b.label) for b in before.bodies]
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
    pool: dict[int, list[_Candidate]],
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


def _no_note(candidates: Iterable[_Candidate]) -> list[str]:
    """Warnings for markers no prose number looks like (``[3]``, ``³``, a hint) that link to no note."""
    return [f"marker {c.label!r} at {c.start} has no note" for c in candidates if c.weight > 2]


def _footnote(source: str, body: _Body, markers: list[Span]) -> Footnote:
    markers = sorted(set(markers), key=lambda s: s.start)
    start, end = body.start, body.end
    if body.style == "numbered":
        start = _BACKLINK_HEAD.match(source, start, end).end()  # type: ignore[union-attr]
        end = max(start, _BACKLINK_TAIL.search(source, start, end).start())  # type: ignore[union-attr]
        if start == end:
            start, end = body.start, body.end
    return Footnote(body.label, source[start:end], start, end, tuple(markers))


# -- note bodies --------------------------------------------------------------------------------


def _note_bodies(
    source: str,
    blocks: list[Block],
    tail: int | None = None,
    across_headings: bool = False,
    four_digits: frozenset[str] | None = None,
) -> tuple[list[_Body], list[Block], bool]:
    """Find note bodies; return them with the blocks, note blocks re-marked as ``note``, and
    whether a notes section met a heading over lines numbered from 1 (a chapter's notes).

    Numbered lines are notes under a "Notes" heading, and from ``tail`` on (see ``_endnote_tail``).
    Such a heading ends the notes section, unless ``across_headings``. ``four_digits``, where
    given, are the only four-digit labels a note may have.
    """
    bodies: list[_Body] = []
    out: list[Block] = []
    in_notes_section = False
    chapter_headings = False
    markdown_open = False
    numbered_heading: tuple[int, int] | None = None  # the last heading numbered "N. ...": (N, level)
    closed_at = -1  # the end of the last Project Gutenberg note, its "]"
    cited_at: dict[str, int] | None = None  # where the text first cites each Westlaw label ("FN1")
    westlaw_open = False  # the last note is Westlaw's, and may run on over paragraphs
    symbol_end = -1  # the index of the block after the last of a group of symbol notes
    for i, block in enumerate(blocks):
        carried = block.start < closed_at  # a note's next paragraph, up to its "]"
        opening = _gutenberg_opening(source, block, closed_at) if carried or block.kind in _PG_KINDS else None
        if opening is not None:
            found, closed_at = _gutenberg_notes(source, opening, block.end)
            bodies.extend(found)
            if opening > block.start and not carried:
                before = source[block.start : opening].rstrip()
                out.append(Block(block.kind, block.start, block.start + len(before), block.level))
            out.append(Block("note", block.start if carried else opening, block.end))
            markdown_open = False
            continue
        if carried:
            out.append(Block("note", block.start, block.end))
            continue
        ruled = _ruled(source, block) if i >= symbol_end and block.kind == "paragraph" else None
        if ruled is not None:
            # A rule on the line over the notes, with no blank line between: "___\n† By ...".
            rest = Block(block.kind, ruled, block.end)
            end = _symbol_group(
                source, [*blocks[:i], rest, *blocks[i + 1 :]], i, bodies[-1].end if bodies else 0, ruled
            )
            if end > i:
                symbol_end = end
                rule_end = block.start + len(source[block.start : ruled].rstrip())
                out.append(Block("furniture", block.start, rule_end))
                block = rest
        elif i >= symbol_end and block.kind in ("paragraph", "list_item") and _SYMBOL_NOTE.match(source, block.start):
            rule = _rule_before(source, out, in_notes_section)
            if rule is not None:
                scope = bodies[-1].end if bodies else 0
                symbol_end = _symbol_group(source, blocks, i, scope, rule if rule >= 0 else block.start)
                if symbol_end > i and rule >= 0:
                    at = max(k for k, b in enumerate(out) if b.start == rule)
                    out[at] = Block("furniture", out[at].start, out[at].end)
        if i < symbol_end:
            bodies.extend(_symbol_bodies(source, block))
            out.append(Block("note", block.start, block.end))
            markdown_open = westlaw_open = False
            continue
        if block.kind in _PG_KINDS and WESTLAW_NOTE.match(source, block.start, block.end):
            if cited_at is None:
                cited_at = _westlaw_cited(source)
            found = _westlaw_notes(source, block, cited_at)
            if found:
                bodies.extend(found)
                out.append(Block("note", block.start, block.end))
                westlaw_open, markdown_open = True, False
                continue
        if westlaw_open and block.kind in ("paragraph", "list_item") and _carries_westlaw(source, block):
            # A Westlaw note's next paragraph: it runs to the next "FN2.", or to the end.
            last = bodies.pop()
            bodies.append(_Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        if block.kind != "furniture":
            westlaw_open = False
        text = source[block.start : block.end]
        if block.kind == "heading" and (label := _NUMBERED_NOTE.match(source, block.start, block.end)):
            number = _number(normalise_label(label.group("label")))
            numbered_heading = (number, block.level) if number is not None else numbered_heading
        if block.kind in ("heading", "paragraph") and (
            NOTES_HEADING.match(text) or (block.start == tail and _SOURCES_HEADING.match(text))
        ):
            in_notes_section = True
            out.append(Block("furniture", block.start, block.end))
            continue
        if block.kind == "heading":
            if in_notes_section:
                following = next((b for b in blocks[i + 1 :] if b.kind != "furniture"), None)
                entries = _bodies_in_block(source, following, True, four_digits) if following is not None else []
                # (numbered lines only: bracketed notes are notes under any heading)
                if entries and _number(entries[0].label) == 1 and entries[0].style == "numbered":
                    chapter_headings = True
                    if across_headings:
                        out.append(block)
                        continue
            in_notes_section = False
        if tail is not None and block.start >= tail:
            in_notes_section = True
        open_note = bool(bodies) and bodies[-1].style not in ("gutenberg", "westlaw")
        if (
            open_note
            and (in_notes_section or bodies[-1].style == "bracket")
            and out
            and out[-1].kind == "note"
            and block.kind in ("list_item", "paragraph")
            and _indent(source, block.start) >= _indent(source, bodies[-1].block_start) + 2
        ):
            # Set in from the notes' labels: a list or paragraph inside the note above, whatever
            # its numbers ("2. The conditions were: / 1. that ... / 2. that ..."), in a notes
            # section or after a bracketed note ("[1] ...", then an indented paragraph).
            last = bodies.pop()
            bodies.append(_Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        found = _bodies_in_block(source, block, in_notes_section, four_digits)
        last_number = numbered_heading[0] if numbered_heading else None
        if in_notes_section and found and _numbered_heading(source, blocks, i, found, bodies, four_digits, last_number):
            # "2. Villages" after the first chapter's notes, over the next chapter's text: the
            # chapter's heading, not a note out of turn.
            level = numbered_heading[1] if numbered_heading else 2
            out.append(Block("heading", block.start, block.end, level))
            numbered_heading = (_number(found[0].label) or 0, level)
            in_notes_section = False
            continue
        if found:
            bodies.extend(found)
            markdown_open = found[-1].style == "markdown"
            out.append(Block("note", block.start, block.end))
            continue
        if markdown_open and _indented(source, block.start) and bodies:
            last = bodies.pop()
            bodies.append(_Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        markdown_open = False
        if in_notes_section and block.kind == "paragraph" and open_note and _after_note(out):
            lead = _lead(source, block, bodies[-1], four_digits)
            if lead:
                # A block that opens with the end of the note before, then goes on with the next
                # notes: a PDF's page of endnotes, boxed as its typesetter set it.
                last = bodies.pop()
                end = source.rfind("\n", block.start, lead[0].start) + 1
                while end > block.start and source[end - 1].isspace():
                    end -= 1
                bodies.extend([_Body(last.label, last.start, end, last.block_start, last.style), *lead])
                out.append(Block("note", block.start, block.end))
                continue
        if in_notes_section and block.kind == "paragraph" and open_note and out[-1].kind == "note":
            bare = not _BACKLINK_HEAD.sub("", source[bodies[-1].start : bodies[-1].end]).strip("↩↑ \n")
            if (
                bare
                or _carries_on(source, blocks, i, bodies[-1], four_digits)
                or (tail is not None and block.start >= tail and _open(source, bodies[-1]))
            ):
                # A note's next paragraph (see ``_carries_on``), the rest of a note that stops
                # mid-sentence where the document's closing notes break, or the text of a note
                # whose numbered line held only its back-links ("3. ^").
                last = bodies.pop()
                bodies.append(_Body(last.label, last.start, block.end, last.block_start, last.style))
                out.append(Block("note", block.start, block.end))
                continue
        if (
            bodies
            and bodies[-1].style == "bracket"
            and out[-1].kind == "note"
            and block.kind == "paragraph"
            and _continues_bracketed(source, blocks, i, four_digits)
        ):
            # "[1] Documentations:", then its references a paragraph each, then "[2] ...".
            last = bodies.pop()
            bodies.append(_Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        if in_notes_section and block.kind != "furniture":
            in_notes_section = False
        out.append(block)
    return bodies, out, chapter_headings


def _gutenberg_opening(source: str, block: Block, after: int) -> int | None:
    """Where a Project Gutenberg note opens in ``block``, not before ``after`` (the end of the
    note before): at the block's start, or at the start of a line in it (the text above it is the
    block's, read as before); None when none does."""
    if after <= block.start and _PG_NOTE.match(source, block.start, block.end):
        return block.start
    inside = _PG_NOTE_LINE.search(source, max(after, block.start), block.end)
    return inside.start("lead") if inside is not None else None


def _gutenberg_notes(source: str, start: int, block_end: int) -> tuple[list[_Body], int]:
    """Project Gutenberg's notes from ``start``, a line that opens "[Footnote 1: ...", in a block
    that ends at ``block_end``: each runs to the "]" that closes it, over paragraphs if need be,
    and another may follow it in the block. Returns them and where the last one's "]" ends."""
    bodies: list[_Body] = []
    at = start
    while (m := _PG_NOTE.match(source, at)) is not None:
        following = _PG_NOTE_LINE.search(source, m.end())
        limit = following.start("lead") if following is not None else len(source)
        close = _closing(source, m.end(), limit)
        # (a note left open ends with its block, or where the next note begins)
        end = close if close is not None else min(max(block_end, m.end()), limit)
        text_end = len(source[m.end() : end].rstrip()) + m.end()
        bodies.append(_Body(normalise_label(m["label"]), m.end(), text_end, start, "gutenberg"))
        at = end + 1 if close is not None else end
        while at < block_end and source[at].isspace():
            at += 1
        if at >= block_end:
            break
    return bodies, at


def _westlaw_cited(source: str) -> dict[str, int]:
    """Where the text first cites each label of Westlaw's notes ("FN1", "[FN1]")."""
    first: dict[str, int] = {}
    for m in _WL_MARKER.finditer(source):
        first.setdefault(m["bracketed"] or m["label"], m.start())
    return first


def _westlaw_notes(source: str, block: Block, cited_at: dict[str, int]) -> list[_Body]:
    """Westlaw's notes in ``block``, each on the lines from one opening "FN1." ("[FN1].", "FN1 ")
    to the next: none unless the block opens with one. A label is a note's only where the text
    cites it before (a line that happens to open with "FN1 " is not a note)."""
    leads = [m for m in _line_leads(source, block, WESTLAW_NOTE) if cited_at.get(m["label"], m.start()) < m.start()]
    return _lead_to_lead(source, block, leads, "westlaw")


def _lines(source: str, block: Block) -> Iterator[tuple[int, int]]:
    """Each line of ``block`` as (start past its indentation, end)."""
    pos = block.start
    while pos < block.end:
        line_end = source.find("\n", pos, block.end)
        line_end = block.end if line_end == -1 else line_end
        s = pos
        while s < line_end and source[s] in " \t\u00a0":
            s += 1
        yield s, line_end
        pos = line_end + 1


def _line_leads(source: str, block: Block, lead: re.Pattern[str]) -> list[re.Match[str]]:
    """Where ``lead`` matches at the start of a line of ``block``, past its indentation."""
    return [m for s, line_end in _lines(source, block) if (m := lead.match(source, s, line_end)) is not None]


def _lead_to_lead(source: str, block: Block, leads: list[re.Match[str]], style: str) -> list[_Body]:
    """One note for each of ``leads``, labelled by it, from its end to the next one's line (the
    last to the block's end): none unless the block opens with one."""
    if not leads or leads[0].start() != block.start:
        return []
    bodies = []
    for k, m in enumerate(leads):
        end = leads[k + 1].start() if k + 1 < len(leads) else block.end
        while end > m.end() and source[end - 1].isspace():
            end -= 1
        bodies.append(_Body(m["label"], m.end(), end, block.start, style))
    return bodies


def _ruled(source: str, block: Block) -> int | None:
    """Where the second line of ``block`` starts when its first is a rule and its second opens a
    note marked with a symbol ("---", then "* Norway's fund ..."); None otherwise."""
    line_end = source.find("\n", block.start, block.end)
    if line_end == -1 or not _RULE.fullmatch(source, block.start, line_end):
        return None
    at = line_end + 1
    while at < block.end and source[at] in " \t\u00a0":
        at += 1
    return at if _SYMBOL_NOTE.match(source, at, block.end) else None


def _rule_before(source: str, out: list[Block], in_notes_section: bool) -> int | None:
    """Where the rule ("---", "___", "***") that the blocks so far end with starts; -1 for none
    where a "Notes" heading comes before, None when neither does."""
    for k in range(len(out) - 1, -1, -1):
        block = out[k]
        if _RULE.fullmatch(source, block.start, block.end):
            above = out[k - 1] if k else None
            underline = above is not None and above.kind == "heading" and "\n\n" not in source[above.end : block.start]
            return None if underline else block.start  # (a heading's underline is no rule)
        if block.kind != "furniture":
            break
    return -1 if in_notes_section else None


def _symbol_group(source: str, blocks: list[Block], i: int, scope: int, rule: int) -> int:
    """The index after the last of the blocks from ``blocks[i]`` on that hold notes marked with
    symbols ("* ...", "** ..."), one to a line, where they are notes: they end the document or
    its chapter (a heading follows) and the text from ``scope`` to the ``rule`` over them cites
    every symbol, glued to a word or to punctuation ("2005.*"), and no symbol marks two of them;
    ``i`` when they are not (a bulleted list under a rule stays a list)."""
    j, labels = i, set[str]()
    while j < len(blocks) and blocks[j].kind in ("paragraph", "list_item", "furniture"):
        if blocks[j].kind != "furniture":
            found = _symbol_bodies(source, blocks[j])
            if not found:
                break
            if any(b.label in labels for b in found) or len({b.label for b in found}) < len(found):
                return i  # each note its own symbol ("*", "**", "†"): a symbol twice is a bullet
            labels.update(b.label for b in found)
        j += 1
    following = next((b for b in blocks[j:] if b.kind != "furniture"), None)
    if following is not None and following.kind != "heading":
        return i
    emphasis = EMPHASIS_OPEN.search(source, scope, rule) is not None
    cited = {m["label"] for m in _SYMBOL_MARKER.finditer(source, scope, rule) if not (emphasis and "*" in m["label"])}
    return j if labels and labels <= cited else i


def _symbol_bodies(source: str, block: Block) -> list[_Body]:
    """Notes marked with symbols in ``block``, each from a line that opens "* " ("† ", "** ") to
    the next: none unless the block opens with one."""
    return _lead_to_lead(source, block, _line_leads(source, block, _SYMBOL_NOTE), "symbol")


def _carries_westlaw(source: str, block: Block) -> bool:
    """Whether a paragraph after a Westlaw note is more of it: it cites no note and is not the
    export's closing line, nor a "Notes" heading."""
    return not (
        _WL_MARKER.search(source, block.start, block.end)
        or _WL_END.match(source, block.start, block.end)
        or NOTES_HEADING.match(source[block.start : block.end])
    )


def _closing(source: str, start: int, limit: int) -> int | None:
    """Where the "]" closing a bracket opened before ``start`` stands (before ``limit``), the
    brackets opened after ``start`` closed first; None when it is not there."""
    depth = 0
    for m in _BRACKETS.finditer(source, start, limit):
        if m.group() == "[":
            depth += 1
        elif depth:
            depth -= 1
        else:
            return m.start()
    return None


def _carries_on(source: str, blocks: list[Block], i: int, last: _Body, four_digits: frozenset[str] | None) -> bool:
    """Whether paragraph ``blocks[i]``, after the note ``last``, is more of it: it and the paragraphs
    after it (furniture aside, ``_NOTE_PARAGRAPHS`` at most) run to a paragraph that ends as an
    exported note does, with its back-link ("... precipitation.↩"), or to more numbered notes, which
    past one paragraph must take the label after ``last``'s (a note of several paragraphs, then the
    next note)."""
    if _BACKLINK_END.search(source, blocks[i].start, blocks[i].end):
        return True
    crossed = 1
    for block in blocks[i + 1 :]:
        if block.kind == "furniture":
            continue
        if crossed > _NOTE_PARAGRAPHS:
            return False
        found = _bodies_in_block(source, block, True, four_digits)
        if found:
            number = _number(last.label)
            return crossed == 1 or (number is not None and _number(found[0].label) == number + 1)
        if block.kind != "paragraph":
            return False
        if _BACKLINK_END.search(source, block.start, block.end):
            return True
        crossed += 1
    return False


def _continues_bracketed(source: str, blocks: list[Block], i: int, four_digits: frozenset[str] | None) -> bool:
    """Whether paragraph ``blocks[i]``, after a bracketed note, carries it on: it and the paragraphs
    after it cite no note ("[2]"), and the next bracketed note follows them."""
    for block in blocks[i:]:
        if block.kind == "furniture":
            continue
        found = _bodies_in_block(source, block, False, four_digits)
        if found:
            return found[0].style == "bracket"
        if block.kind != "paragraph" or _BRACKET_MARKER.search(source, block.start, block.end):
            return False
    return False


def _numbered_heading(
    source: str,
    blocks: list[Block],
    i: int,
    found: list[_Body],
    bodies: list[_Body],
    four_digits: frozenset[str] | None,
    last_heading: int | None,
) -> bool:
    """Whether the numbered line ``blocks[i]`` (``found``, one note by its look) is a heading: its
    number carries on the numbered headings before (``last_heading`` is the last one's), or does
    not carry on the notes before (nor start them again from 1); it is a short line with no
    sentence's end; and what follows it is prose, not more notes."""
    if len(found) != 1 or found[0].style != "numbered" or not bodies or bodies[-1].style != "numbered":
        return False
    number, before = _number(found[0].label), _number(bodies[-1].label)
    if number is None or before is None:
        return False
    if number != (last_heading or 0) + 1 and number in (before + 1, 1):
        return False
    text = source[found[0].start : found[0].end]
    if "\n" in text or len(text) > 80 or _ENDS_SENTENCE.search(text):
        return False
    following = next((b for b in blocks[i + 1 :] if b.kind != "furniture"), None)
    return (
        following is not None
        and following.kind == "paragraph"
        and not _bodies_in_block(source, following, True, four_digits)
    )


def _endnote_tail(source: str, blocks: list[Block]) -> int | None:
    """Where a run of entries numbered 1, 2, ... n that ends the document starts, if it is not notes yet.

    The run may hold paragraphs between entries (a note's second paragraph) and furniture, and
    starts at its "References" or "Sources" heading when it has one. A block may hold several
    entries, one per line (a PDF's page of endnotes comes as a few boxes of lines); a line inside
    a block that opens with a figure other than the next label carries on the entry above it.
    The run may start in notes already found at the foot of a page, where the entries after the
    page break carry on their numbering: the endnotes began on the page the text ended on.
    """
    trailing: list[Block] = []
    for block in reversed(blocks):
        if block.kind == "furniture":
            continue
        if block.kind == "note":
            if not trailing:
                return None
            trailing.append(block)
            break
        if block.kind not in ("list_item", "paragraph"):
            break
        trailing.append(block)
    # (the block, where its line starts, the line's label, whether it is the block's first line)
    entries = [
        (block, start, label, opens)
        for block in reversed(trailing)
        for start, label, opens in _line_labels(source, block)
    ]
    first = next((k for k in range(len(entries) - 1, -1, -1) if entries[k][2] in ("1", "i") and entries[k][3]), None)
    if first is None:
        return None
    count = 0
    for _, _, label, opens_block in entries[first:]:
        expected = str(count + 1) if entries[first][2] == "1" else roman(count + 1)
        if label == expected:
            count += 1
        elif opens_block:
            return None
    start = entries[first][0].start
    before = [b for b in blocks if b.end <= start and b.kind != "furniture"]
    if before and before[-1].kind == "heading" and _SOURCES_HEADING.match(source[before[-1].start : before[-1].end]):
        return before[-1].start
    if count < 2:
        return None
    return start


def _line_labels(source: str, block: Block) -> list[tuple[int, str, bool]]:
    """The lines of a block that open with a note's label: (where, the label, whether it is the
    block's first line)."""
    out: list[tuple[int, str, bool]] = []
    pos = block.start
    while pos < block.end:
        line_end = source.find("\n", pos, block.end)
        line_end = block.end if line_end == -1 else line_end
        m = _NUMBERED_NOTE.match(source, pos, line_end)
        if m:
            out.append((pos, normalise_label(m.group("label")), pos == block.start))
        pos = line_end + 1
    return out


def _indent(source: str, offset: int) -> int:
    """How far the line holding ``offset`` is set in before it (tabs as four spaces), or -1 when
    text comes before ``offset`` on its line."""
    line_start = source.rfind("\n", 0, offset) + 1
    prefix = source[line_start:offset]
    return len(prefix.expandtabs(4)) if not prefix.strip(" \t\u00a0") else -1


def _indented(source: str, offset: int) -> bool:
    line_start = source.rfind("\n", 0, offset) + 1
    prefix = source[line_start:offset]
    return prefix.startswith(("    ", "\t"))


def _bodies_in_block(
    source: str, block: Block, in_notes_section: bool, four_digits: frozenset[str] | None = None, lead: bool = False
) -> list[_Body]:
    """Note bodies starting at the beginning of lines of a block (of four-digit labels, only
    ``four_digits``, where given). After a numbered note, a line of the block opens the next only
    with the next label (or 1): one that opens with another figure carries on the note ("9
    districts, including ..."). The block must open with a note, unless ``lead``: then lines
    before its first note may carry on a note of an earlier block."""
    if block.kind not in ("paragraph", "list_item", "note"):
        return []
    starts: list[tuple[int, re.Match[str], str]] = []
    for s, line_end in _lines(source, block):
        for style, pattern in (("markdown", _MD_NOTE), ("bracket", _BRACKET_NOTE)):
            m = pattern.match(source, s, line_end)
            if m and (style == "markdown" or _allowed(m.group("label"), four_digits)):
                starts.append((s, m, style))
                break
        else:
            if in_notes_section:
                m = _NUMBERED_NOTE.match(source, s, line_end)
                if m and _allowed(normalise_label(m.group("label")), four_digits) and _next(starts, m):
                    starts.append((s, m, "numbered"))
    if not starts or (starts[0][0] != block.start and not lead):
        return []
    brackets = sum(1 for _, _, style in starts if style == "bracket")
    if brackets and len(_BRACKETED_LINE.findall(source, block.start, block.end)) > brackets:
        # Lines opening with bracketed numbers that are not all notes ("[89] glob: ...",
        # "[1062] ...", "[10580] ..."): a list of bug or item numbers, not a block of notes.
        return []
    bodies = []
    for i, (_, m, style) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else block.end
        while end > m.end() and source[end - 1].isspace():
            end -= 1
        if style == "bracket" and _ONLY_LABELS.fullmatch(source, m.end(), end):
            return []  # "[1][2]": a cell of references to elsewhere, not a note
        bodies.append(_Body(normalise_label(m.group("label")), m.end(), end, block.start, style))
    return bodies


def _open(source: str, body: _Body) -> bool:
    """Whether a note's text stops short of a sentence's end (its back-links aside: "2022.↩")."""
    end = _BACKLINK_TAIL.search(source, body.start, body.end).start()  # type: ignore[union-attr]
    return not _ENDS_SENTENCE.search(source, max(body.start, end - 8), end)


def _after_note(out: list[Block]) -> bool:
    """Whether the last block kept, furniture aside (a page's number and running head), is a note."""
    last = next((b for b in reversed(out) if b.kind != "furniture"), None)
    return last is not None and last.kind == "note"


def _lead(source: str, block: Block, last: _Body, four_digits: frozenset[str] | None) -> list[_Body]:
    """The numbered notes of a block that opens with the rest of the note ``last``: its first note
    takes the label after ``last``'s (none when it does not)."""
    found = _bodies_in_block(source, block, True, four_digits, lead=True)
    before = _number(last.label)
    if not found or found[0].style != "numbered" or before is None or _number(found[0].label) != before + 1:
        return []
    return found


def _next(starts: list[tuple[int, re.Match[str], str]], m: re.Match[str]) -> bool:
    """Whether a numbered line may open a note after the notes of its block so far: the first, or
    the next label after a numbered note (or 1 or i, a chapter's notes starting again)."""
    if not starts or starts[-1][2] != "numbered":
        return True
    before, label = _number(normalise_label(starts[-1][1].group("label"))), normalise_label(m.group("label"))
    return before is None or _number(label) == before + 1 or label in ("1", "i")


def _allowed(label: str, four_digits: frozenset[str] | None) -> bool:
    return four_digits is None or not FOUR_DIGITS.fullmatch(label) or label in four_digits


def _regions(bodies: list[_Body], blocks: list[Block]) -> list[_Region]:
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
            number, before = _number(body.label), _number(last.bodies[-1].label)
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
    strong: list[_Candidate], glued: list[_Candidate], labels: list[set[str]], headings: list[int]
) -> list[tuple[list[_Candidate], list[_Candidate]]]:
    """The candidates of a stack's shared text cut into consecutive runs, one per region in order.

    The runs are those of the best chains of increasing labels, taken region after region through
    the text (the dynamic programme of ``_best_chain``, carried from one region into the next): a
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
    numbered = [sorted(n for n in map(_number, own) if n is not None) for own in labels]
    firsts = [numbers[0] if numbers else 0 for numbers in numbered]
    nodes: list[tuple[int, int, int]] = []  # (candidate, region, the node before it on its path or -1)
    ends: list[dict[int, tuple[float, int]]] = [{} for _ in labels]  # region's chains: last label -> (score, node)
    # The best path through regions 0..j so far (score, its last node), each note it leaves
    # uncited costing as a skipped label does: a region with no run costs all its notes.
    done: list[tuple[float, int]] = []
    for numbers in numbered:
        done.append(((done[-1][0] if done else 0.0) - _GAP_PENALTY * len(numbers), -1))
    best_end = [(-math.inf, -1)] * regions  # each region's best chain so far, its uncited tail paid
    for index, c in enumerate(ordered):
        number = _number(c.label)
        if number is None:
            continue
        steps = []
        for j, own in enumerate(labels):
            if c.label not in own:
                continue
            score, prev = done[j - 1] if j else (0.0, -1)
            score += c.weight - _GAP_PENALTY * (number - firsts[j])
            if j and opens[index] and prev != -1 and nodes[prev][1] == j - 1:
                score += _HEADING_TIE  # a run that starts after a heading ("Chapter 2"), of runs alike
            for lower in range(max(0, number - 12), number):
                if lower in ends[j]:
                    s, node = ends[j][lower]
                    s += c.weight - _GAP_PENALTY * (number - lower - 1)
                    if s > score:
                        score, prev = s, node
            steps.append((j, score, prev))
        for j, score, prev in steps:
            nodes.append((index, j, prev))
            if number not in ends[j] or score > ends[j][number][0]:
                ends[j][number] = (score, len(nodes) - 1)
            finished = score - _GAP_PENALTY * (len(numbered[j]) - bisect.bisect_right(numbered[j], number))
            if finished > best_end[j][0]:
                best_end[j] = (finished, len(nodes) - 1)
        if steps:
            for j in range(steps[0][0], regions):
                before = done[j - 1] if j else (0.0, -1)
                empty = (before[0] - _GAP_PENALTY * len(numbered[j]), before[1])
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


# -- markers ------------------------------------------------------------------------------------


def _strong_candidates(source: str, block: Block, hints: list[Span], hint_starts: list[int]) -> list[_Candidate]:
    """Markers no prose number looks like: ``[3]``, ``³`` and spans a reader marked (``hints``, by
    start; ``hint_starts`` are their starts); and runs of them, ``[2,3]``, ``[4-6]``, ``¹¹⁻¹³``, a
    ``<sup>5,6</sup>``: a marker for each note they name."""
    out = []
    for m in _BRACKET_MARKER.finditer(source, block.start, block.end):
        if m.start() > block.start:
            out.append(_Candidate(m.group("label"), m.start(), m.end(), 3.0))
    for m in _BRACKET_RUN.finditer(source, block.start, block.end):
        if m.start() > block.start:
            out.extend(_run(source, m.start("labels"), m.end("labels")))
    for m in _SUPERSCRIPT_RUN.finditer(source, block.start, block.end):
        out.extend(_run(source, m.start(), m.end()))
    taken = [(c.start, c.end) for c in out]
    for m in _SUPERSCRIPT_MARKER.finditer(source, block.start, block.end):
        label = normalise_label(m.group("label"))
        if not exponent(source, m.start(), label) and not any(s <= m.start() < e for s, e in taken):
            out.append(_Candidate(label, m.start(), m.end(), 3.0))
    for span in hints[bisect.bisect_left(hint_starts, block.start) : bisect.bisect_right(hint_starts, block.end)]:
        if any(c.start <= span.start and span.end <= c.end for c in out):
            continue  # the figure inside a "[3]" already taken
        if block.start <= span.start and span.end <= block.end:
            text = source[span.start : span.end]
            label = normalise_label(text.strip("[]()^ \u00a0"))
            if LABEL_RUN.fullmatch(label):
                inner = span.start + len(text) - len(text.lstrip("[]()^ \u00a0"))
                out.extend(_run(source, inner, inner + len(label)))
            elif label and not exponent(source, span.start, label):
                out.append(_Candidate(label, span.start, span.end, 3.0))
    return out


def _capital_candidates(source: str, block: Block) -> list[_Candidate]:
    """Markers of notes lettered in capitals ("[A]"), as Project Gutenberg's may be."""
    return [
        _Candidate(m["label"], m.start(), m.end(), 3.0)
        for m in _CAPITAL_MARKER.finditer(source, block.start, block.end)
        if m.start() > block.start
    ]


def _westlaw_candidates(source: str, block: Block) -> list[_Candidate]:
    """Westlaw's markers, "FN1" and "[FN1]": the whole token is the marker, its number the label."""
    return [
        _Candidate(m["bracketed"] or m["label"], m.start(), m.end(), 3.0)
        for m in _WL_MARKER.finditer(source, block.start, block.end)
    ]


def _symbol_candidates(source: str, block: Block, labels: set[str]) -> list[_Candidate]:
    """Symbols glued to a word or to punctuation ("2005.*", "decade.**") that label a note; an
    asterisk only where the block opens no emphasis ("*word*")."""
    emphasis = EMPHASIS_OPEN.search(source, block.start, block.end) is not None
    return [
        _Candidate(m["label"], m.start(), m.end(), 3.0)
        for m in _SYMBOL_MARKER.finditer(source, block.start, block.end)
        if m["label"] in labels and not (emphasis and "*" in m["label"])
    ]


def _run(source: str, start: int, end: int) -> list[_Candidate]:
    """The markers of a run of labels at ``source[start:end]`` ("2,3", "4-6", "¹¹⁻¹³"): each number
    its own digits; a number a range passes over, its dash. A range of more than 20 is no run of
    notes (a span of pages, say) and gives nothing."""
    text = normalise_label(source[start:end]).replace("⁻", "-")
    numbers = [(int(m.group()), start + m.start(), start + m.end()) for m in re.finditer(r"\d+", text)]
    out = []
    for (n, a, b), after in itertools.zip_longest(numbers, numbers[1:]):
        out.append(_Candidate(str(n), a, b, 3.0))
        between = text[b - start : after[1] - start] if after is not None else ""
        if after is not None and between.strip() in ("-", "–", "—"):
            if not 0 < after[0] - n <= 20:
                return []
            dash = b + between.index(between.strip())
            out.extend(_Candidate(str(k), dash, dash + 1, 3.0) for k in range(n + 1, after[0]))
    return out


def marker_run(source: str, start: int, end: int) -> list[tuple[str, Span]]:
    """The labels a run of markers at ``source[start:end]`` names ("5,6", "4-6"), each with its span
    (see ``_run``)."""
    return [(c.label, Span(c.start, c.end)) for c in _run(source, start, end)]


def _side_by_side(candidates: list[_Candidate], noted: set[str], source: str) -> list[_Candidate]:
    """Two markers set side by side, read as one number (``it.⁵⁶``, a PDF's raised ``56``): a
    candidate whose digits name no note but split into two consecutive numbers that do is those
    two markers."""
    out = []
    for c in candidates:
        digits = c.label
        split = None
        if digits not in noted and digits.isdigit() and len(normalise_label(source[c.start : c.end])) == len(digits):
            split = next(
                (
                    cut
                    for cut in range(1, len(digits))
                    if digits[cut] != "0"
                    and digits[:cut] in noted
                    and digits[cut:] in noted
                    and int(digits[cut:]) == int(digits[:cut]) + 1
                ),
                None,
            )
        if split is None:
            out.append(c)
        else:
            out.append(_Candidate(digits[:split], c.start, c.start + split, c.weight))
            out.append(_Candidate(digits[split:], c.start + split, c.end, c.weight))
    return out


def _glued_candidates(source: str, block: Block) -> list[_Candidate]:
    """Flattened superscripts: ``mines.2``, ``in 1991.1``, ``operations. 7``; never ``$1.3 billion``."""
    out = []
    for m in _DIGITS.finditer(source, block.start, block.end):
        start, end = m.start(), m.end()
        if start == block.start:
            continue
        before = source[start - 1]
        if before.isdigit():
            continue
        after = source[end] if end < block.end else ""
        # After a marker: white space or punctuation, or, past Chinese or Japanese punctuation, the
        # next sentence's first character (a letter of a script without case).
        cjk = (
            before in _CJK_PUNCTUATION
            and after.isalpha()
            and not after.islower()
            and not after.isupper()
            and after not in _CJK_COUNTERS  # "。3年後": a number opening a sentence
        )
        if after and not (after.isspace() or after in ')]"”’.,;:!?' or cjk):
            continue
        if exponent(source, start, m.group()):
            continue  # "340 km2": a power
        if after in ".,:" and end + 1 < block.end and source[end + 1].isdigit():
            continue  # the start of a decimal or a list of numbers
        rest = source[end : min(block.end, end + 6)].lstrip(' \t\n\u00a0.,;:"”’)]')  # a line may break after a marker
        sentence_follows = not rest or rest[0].isupper() or rest[0] in '“"([' or end >= block.end
        weight = _glued_weight(source, block.start, start, before, sentence_follows, after)
        if weight > 0:
            out.append(_Candidate(m.group(), start, end, weight))
    return out


def _glued_romans(source: str, block: Block, word_counts: Counter[str] | None) -> list[_Candidate]:
    """Flattened roman superscripts (Word's and LibreOffice's endnotes, printed): ``mines.ii It``,
    after a sentence's or clause's punctuation but never after an abbreviation (``e.g.``); and,
    given ``word_counts`` (the document's words, lower-cased), glued to a word: ``officei reported``.

    A word's last letters are a numeral only as a weak reading, one for each numeral they end with
    ("auditorsiii": iii, ii or i), and only for a word the document holds once: "taxi" or "will"
    written twice is a word. A reading whose rest is a word the document uses elsewhere ("office"
    in "officei", not "tax" in "taxi") weighs more. The chain of increasing labels then keeps the
    readings that run i, ii, iii in order (``_best_chain`` takes at most one of a word's readings).
    """
    out = []
    for m in _GLUED_ROMAN.finditer(source, block.start, block.end):
        if source[m.start() - 1] == "." and _ABBREVIATIONS.search(source[max(block.start, m.start() - 12) : m.start()]):
            continue
        out.append(_Candidate(m.group("label"), m.start(), m.end(), 2.0))
    if word_counts is None:
        return out
    for m in _WORD_ROMAN.finditer(source, block.start, block.end):
        if m.group("stem")[-1] in "ivxlc" or word_counts[m.group().lower()] > 1:
            continue  # all numeral letters ("xii", "civil"), or a word the text uses again
        letters = m.group("letters")
        for cut in range(len(letters)):
            if re.fullmatch(_ANY_ROMAN, letters[cut:]):
                stem = source[m.start() : m.start("letters") + cut].lower()
                known = word_counts[stem] > 0 or (stem.endswith("s") and word_counts[stem[:-1]] > 0)
                out.append(_Candidate(letters[cut:], m.start("letters") + cut, m.end(), 1.5 if known else 1.0))
    return out


def _roman_list(labels: set[str]) -> bool:
    """Whether notes so labelled are endnotes numbered i, ii, iii (every label a roman numeral, i and
    ii among them), which may prove a word's last letters a marker."""
    return {"i", "ii"} <= labels and all(not label.isdigit() and _number(label) is not None for label in labels)


def _glued_weight(
    source: str, block_start: int, start: int, before: str, sentence_follows: bool, after: str = ""
) -> float:
    prefix = source[max(block_start, start - 12) : start]
    if before.islower() or before in ')]"”’%;!?':
        return 2.0
    if before in _CJK_PUNCTUATION:
        return 1.5
    if before in ".":
        if start >= 2 and source[start - 2].isdigit():
            # "in 1991.1 It": a figure, the sentence's full stop, then a marker; but "10.4 million"
            # is a decimal, and "since version 3.2. The" ends its sentence after the figure.
            return 1.0 if sentence_follows and (not after or after not in ".!?") else 0.0
        return 0.0 if _ABBREVIATIONS.search(prefix) else 2.0
    if before == "," and not (start >= 2 and source[start - 2].isdigit()):
        return 1.5
    if before in " \u00a0" and sentence_follows:
        # "operations. 7 Moreover": one space after sentence punctuation.
        head = prefix[:-1]
        if head and head[-1] in '.!?;:"”’)' and not _ABBREVIATIONS.search(head):
            return 1.0
    return 0.0


def _best_chain(candidates: list[_Candidate]) -> list[_Candidate]:
    """The increasing-label subsequence of numeric candidates with the most evidence.

    best[L] is the best score of a chain that ends in a candidate labelled L seen so far;
    a chain's score is the sum of its weights less a penalty for each label it skips.
    Overlapping candidates are readings of one word ("utilitiesiv": iv, or v): a chain takes
    one of them, never one after another.
    """
    numeric = sorted((c for c in candidates if _number(c.label) is not None), key=lambda c: c.start)
    if not numeric:
        return []
    words: list[list[int]] = []  # the candidates' indexes, overlapping ones together
    for j, c in enumerate(numeric):
        if words and c.start < max(numeric[k].end for k in words[-1]):
            words[-1].append(j)
        else:
            words.append([j])
    first = min(_number(c.label) or 0 for c in numeric)
    best: dict[int, tuple[float, int]] = {}
    back: list[int] = []
    for word in words:
        readings = []
        for j in word:
            c = numeric[j]
            label = _number(c.label) or 0
            score, prev = c.weight - _GAP_PENALTY * (label - first), -1
            for lower in range(max(0, label - 12), label):
                if lower in best:
                    s, i = best[lower]
                    s += c.weight - _GAP_PENALTY * (label - lower - 1)
                    if s > score:
                        score, prev = s, i
            back.append(prev)
            readings.append((label, score, j))
        for label, score, j in readings:
            if label not in best or score > best[label][0]:
                best[label] = (score, j)
    score, j = max(best.values())
    if score <= 0:
        return []
    chain = []
    while j != -1:
        chain.append(numeric[j])
        j = back[j]
    return chain[::-1]


_ROMAN_VALUES = (
    ("m", 1000),
    ("cm", 900),
    ("d", 500),
    ("cd", 400),
    ("c", 100),
    ("xc", 90),
    ("l", 50),
    ("xl", 40),
    ("x", 10),
    ("ix", 9),
    ("v", 5),
    ("iv", 4),
    ("i", 1),
)


def roman(n: int) -> str:
    """``n`` (from 1) as a lower-case roman numeral (labels are read as notes to 399, cccxcix)."""
    out = ""
    for letters, value in _ROMAN_VALUES:
        while n >= value:
            out, n = out + letters, n - value
    return out


def lettered(n: int) -> str:
    """``n`` (from 1) as word processors letter notes: a .. z, then aa .. zz, then aaa."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _number(label: str) -> int | None:
    """A label's place in its sequence: "12" is 12, "xii" is 12; None for a letter or a symbol."""
    if label.isdigit():
        return int(label)
    if re.fullmatch(_ANY_ROMAN, label) and len(label) <= 9:
        value = 0
        rest = label
        for letters, amount in _ROMAN_VALUES:
            while rest.startswith(letters):
                value, rest = value + amount, rest[len(letters) :]
        return value if not rest else None
    return None


# "Ibid." / "Ibidem" / "Id." / "Idem", alone or with a new page ("Ibid., p. 6."), at the start of a note,
# perhaps after a signal ("See id. at 12.", "Cf. ibid.").
_SIGNAL = r"(?:see(?:\s+also)?|but\s+see|cf\.|accord|compare)\s+"
"""A signal opening a citation ("See", "See also", "But see", "Cf.", "Accord", "Compare"), in lower case."""
_REPEAT = re.compile(rf"\s*(?:{_SIGNAL})?(?:ibid(?:em)?\b|id(?:em)?\s*(?:[.,;:]|$))", re.IGNORECASE)


def link_repeats(notes: Sequence[Footnote]) -> tuple[Footnote, ...]:
    """Notes in document order, each "Ibid."-style note given the label of the note it repeats.

    "Ibid." means the source of the note just before in its series; a run of them all point at
    the note that named the source. Where footnotes numbered 1, 2, 3 and endnotes numbered i, ii,
    iii are read in the order they are cited, the endnotes are one series and the footnotes the
    other (see ``_series``). A repeat with nothing before it in its series is left unlinked.
    """
    series = _series([n.label for n in notes])
    linked: list[Footnote] = []
    last: dict[bool, Footnote] = {}  # the last note of each series so far
    for note, kind in zip(notes, series, strict=True):
        previous = last.get(kind)
        if _REPEAT.match(note.text) and previous is not None:
            note = dataclasses.replace(note, same_as=previous.same_as or previous.label)
        linked.append(note)
        last[kind] = note
    return tuple(linked)


def _series(labels: Sequence[str]) -> list[bool]:
    """Each label's series: whether it is a roman numeral among decimal ones (an endnote of Word or
    LibreOffice among footnotes). Only where every label is one or the other and both are there:
    otherwise all are one series (an "i" among letters a, b, c is a letter)."""
    roman = [_ROMAN_LABEL.fullmatch(label) is not None for label in labels]
    mixed = any(roman) and not all(roman) and all(r or label.isdigit() for r, label in zip(roman, labels, strict=True))
    return roman if mixed else [False] * len(labels)


_ROMAN_LABEL = re.compile(rf"{_ANY_ROMAN}|(?=[IVXLC]){_NUMERAL.upper()}(?![A-Z])")
"""A roman numeral label, lower or upper case ("iv", "XIV")."""


# A note pointing to other notes by number, for a source it cites short: "supra note 12", "above
# n 12", "infra notes 14-16", "supra fn. 12", "see note 12", "footnote 12", "note 12 above", "n. 12
# supra", or OSCOLA's "(n 12)". A list ("notes 12 and 14", "nn 12, 14", "notes 12-14") only after
# a plural, since after a singular a comma starts the page ("above n 7, 45"). A bare "note 12" may
# name another document's note ("460 n.12"), and is not read as one.
_NOTES = (
    r"(?:(?:foot)?notes|nn\.?|fns\.?)\s*(\d{1,4}(?:\s*(?:[-\u2013\u2014]|,|&|and|to)\s*\d{1,4})*)"
    r"|(?:(?:foot)?note|n\.?|fn\.?)\s*(\d{1,4})"
)
_REFERENCE = re.compile(
    rf"\b(?P<where>supra|infra|above|below),?\s+(?:{_NOTES})"
    rf"|\b(?:{_NOTES})\s*,?\s+(?P<after>supra|infra|above|below)\b"
    rf"|\((?:{_NOTES})\)"
    rf"|\bsee\s+(?:also\s+)?(?:{_NOTES})(?=\s*(?:[.;,:)]|$|and\s+accompanying))"
    rf"|\bfoot(?:{_NOTES})(?=\s*(?:[.;,:)]|$|and\s+accompanying))",
    re.IGNORECASE,
)
# A short form naming its author but no note: "Kessler, supra, at 251", "Kessler, op. cit., p. 5",
# "Kessler, loc. cit.", opening the note or a citation in it (after ";"), perhaps after a signal
# ("See", "Cf."). "Kessler, supra note 1" is read by number instead.
_BY_AUTHOR = re.compile(
    rf"(?:^|;)\s*(?i:{_SIGNAL})?"
    r"(?P<who>[A-Z][^,;()]{0,60}?),?\s+(?i:supra\b|op\.\s*cit\.?|loc\.\s*cit\.?)"
    r"(?!,?\s*(?i:(?:foot)?notes?|nn?\.?|fns?\.?)\s*\d)"
)
# Chicago's short form: author, short title, page, as a whole note or one citation in it ("Kessler,
# Vanishing Aquifer, 45.", "See Kessler, “Wells,” 12-14."). With no "supra" it reads like any
# citation, so it is a short form only where a note before names that author and that title. A
# year is not a page ("World Bank, Development Report, 2004." cites an edition of its own).
_YEAR_DIGITS = r"(?:1[5-9]|20)\d\d\b"
"""A year from 1500 to 2099, as citations give it."""
_SEE = r"(?:see(?:\s+also)?|cf\.)\s+"
"""The signals a short form by title may open with ("See", "See also", "Cf."), in lower case."""
_AUTHOR_TITLE = re.compile(
    rf"\s*(?i:{_SEE})?"
    r"(?P<who>[A-Z][^,;()\d]{0,60}?),\s+"
    r"(?:[“\"](?P<quoted>[^”\"]{3,80}?),?[”\"],?|(?P<title>[A-Z][^,;()“”\"]{2,80}?),)"
    rf"\s+(?:pp?\.\s*\d+|(?!{_YEAR_DIGITS})\d+)(?:\s*[-\u2013]\s*\d+)?\.?\s*"
)
# The Bluebook's short form of a case: name, volume and reporter, "at" the page ("Hardin, 12 P.3d at
# 48."), which points to the note naming the case with that volume and reporter.
_CASE_SHORT = re.compile(
    rf"\s*(?i:{_SEE})?"
    r"(?P<who>[A-Z][^,;()\d]{0,60}?),\s+"
    r"(?P<reporter>\d{1,4}\s+[A-Z][\w.]*(?:\s+[A-Z\d][\w.]*){0,3})\s+at\s+\d+(?:\s*[-\u2013]\s*\d+)?\.?\s*"
)
_NOT_WORD = re.compile(r"[^\w]+")
_LOOK_BACK = 50
_YEAR = re.compile(rf"\b{_YEAR_DIGITS}")
# The author of any short form, by number or not ("Kessler, supra", "Kessler (n 1)"), which does not
# make a note one that names Kessler for a later "Kessler, op. cit." to point to.
_SHORT_FORM_AUTHOR = re.compile(r"[A-Z][^,;()]{0,60}?(?:,?\s+(?i:supra\b|op\.\s*cit|loc\.\s*cit)|\s+\(nn?\s+\d)")
# What every reference holds, by number or by author, in lower case (searched in the lower-cased
# text: the case-blind search of alternatives costs ten times as much): a note without it refers
# to none.
_MAY_REFER = re.compile(
    r"supra|infra|above|below|footnote|\((?:notes?|nn?|fns?)\.?\s*\d|see\s+(?:also\s+)?(?:notes?|nn?|fns?)\b"
)
_SHORT_FORM = re.compile(r"supra\b|op\.\s*cit|loc\.\s*cit|\(nn?\s+\d")
_CAPITALISED = re.compile(r"\b[A-Z][\w'\u2019-]+")
_ET_AL = re.compile(r"\bet\s+al\.?|\band\s+others\b", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
_RANGE = re.compile(r"[-\u2013\u2014]|\bto\b")
_LONGEST_RANGE = 20


def link_references(notes: Sequence[Footnote]) -> tuple[Footnote, ...]:
    """Notes in document order, each that cites a source short given the labels of the notes
    naming it in full (``Footnote.refers_to``).

    "Smith, supra note 12, at 4" cites the source note 12 names in full: the last note labelled 12
    before it ("supra", "above", "(n 12)"), the first after it ("infra", "below"), or either ("see
    note 12": the one before when there is one). "Smith, supra, at 4" and "Smith, op. cit., p. 4"
    name no number: they cite the last note before that names Smith other than in a short form.
    Chicago's "Smith, Short Title, 4." and a case's "Hardin, 12 P.3d at 50." cite the last note
    before that names Smith and that title (Hardin and that volume and reporter). A label is kept
    only where that is the note ``Document.referenced`` finds for it (the last so labelled before,
    else the first after), so a reference to no such note, or across a numbering that restarts, is
    left out.
    """
    starts: dict[str, list[int]] = {}
    read: dict[str, list[int]] = {}
    for n in notes:
        starts.setdefault(n.label, []).append(n.start)
        read.setdefault(n.label, []).append(_read_at(n))
    # Most notes cite no other: cheap searches for the words a reference needs rule them out first,
    # and only a document with short forms by author or title needs to know who each note names.
    lowered = [n.text.lower() for n in notes]
    shorts = [_SHORT_FORM.search(text) is not None for text in lowered]
    titles = [[m for part in n.text.split(";") if (m := _short_title(part))] for n in notes]
    by_author, by_title = any(shorts), any(titles)
    naming: dict[str, list[Footnote]] = {}  # a capitalised word -> the notes so far naming it, not in a short form
    out: list[Footnote] = []
    for note, text, short, cites in zip(notes, lowered, shorts, titles, strict=True):
        labels = _numbered(note, read) if _MAY_REFER.search(text) else []
        for found in _BY_AUTHOR.finditer(note.text) if short else ():
            named = naming.get(_surname(found["who"]))
            _point(note, _cited_in_full(named) if named else None, labels, starts)
        titled = []
        for cited in cites if note.same_as is None and not labels else ():
            named_as = cited.groupdict()
            title = _words(named_as.get("quoted") or named_as.get("title") or named_as["reporter"])
            named = naming.get(_surname(cited["who"]), [])[-_LOOK_BACK:]
            target = next((n for n in reversed(named) if f" {title} " in f" {_words(n.text)} "), None)
            if target is not None:
                titled.append(target)
        for target in titled:
            _point(note, target, labels, starts)
        out.append(dataclasses.replace(note, refers_to=tuple(labels)) if labels else note)
        if (by_author or by_title) and note.same_as is None and not titled:
            for word in set(_CAPITALISED.findall(_SHORT_FORM_AUTHOR.sub(" ", note.text) if short else note.text)):
                naming.setdefault(word, []).append(note)
    return tuple(out)


def _cited_in_full(named: list[Footnote]) -> Footnote:
    """Of the notes naming an author, the one "Kessler, supra" means: the last that cites a work in
    full, by its year ("Jane Kessler, The Vanishing Aquifer (1994)"), rather than one naming her in
    passing ("Kessler's critics disagree") after it; the last of them all when none gives a year."""
    return next((n for n in reversed(named[-_LOOK_BACK:]) if _YEAR.search(n.text)), named[-1])


def _numbered(note: Footnote, read: dict[str, list[int]]) -> list[str]:
    """The labels ``note`` names by number ("supra note 12", "see notes 3-5", "(n 4)"), where a
    note so labelled is read the way the words point (``read``: where each label's notes are read,
    see ``_read_at``): before for "supra", "above" and "(n 12)", after (and none before) for "infra"
    and "below", either for "see note 12"."""
    here = _read_at(note)
    labels: list[str] = []
    for found in _REFERENCE.finditer(note.text):
        where = (found["where"] or found["after"] or "").lower()
        direction = "forward" if where in ("infra", "below") else "back" if where or found[0][0] == "(" else "either"
        numbers = next(g for g in found.groups() if g and g[0].isdigit())
        for label in _labels(numbers):
            others = read.get(label, [])
            before = any(s < here for s in others)
            after = any(s > here for s in others)
            meant = {"back": before, "forward": after and not before, "either": before or after}[direction]
            if meant and label != note.label and label not in labels:
                labels.append(label)
    return labels


def _read_at(note: Footnote) -> int:
    """Where a note is read: where it is first cited, or its text where that comes first. Markdown's
    notes defined at the end are read among its inline notes, where their markers are."""
    return min([note.start, *(m.start for m in note.markers)])


def _short_title(citation: str) -> re.Match[str] | None:
    """A citation by author and short title, or a case's by name and reporter, else None."""
    return _AUTHOR_TITLE.fullmatch(citation) or _CASE_SHORT.fullmatch(citation)


def _point(note: Footnote, target: Footnote | None, labels: list[str], starts: dict[str, list[int]]) -> None:
    """Add ``target``'s label to the ``labels`` of ``note`` when the look-up by label, which takes
    the last note so labelled before ``note``, would find ``target``."""
    if (
        target is not None
        and target.label not in labels
        and not any(target.start < s < note.start for s in starts[target.label])
    ):
        labels.append(target.label)


def _words(text: str) -> str:
    """Lower-cased words, one space apart: "The Vanishing Aquifer:" -> "the vanishing aquifer"."""
    return _NOT_WORD.sub(" ", text.lower()).strip()


def _surname(who: str) -> str:
    """The word a short form's author is looked up by: its last, when capitalised as a name's is
    ("J. Kessler", "Kessler et al.", "Human Rights Watch": "Kessler", "Kessler", "Watch"; "As
    discussed": none)."""
    words = _ET_AL.sub("", who).split()
    last = words[-1].strip(".") if words else ""
    return last if _CAPITALISED.fullmatch(last) else ""


def _labels(numbers: str) -> list[str]:
    """The labels a list of note numbers names: "12 and 14", "12, 14", "12-14" (a range up to 20 long)."""
    values = [int(v) for v in _NUMBER.findall(numbers)]
    between = _NUMBER.split(numbers)[1:-1]  # what stands between each number and the next
    out = [values[0]]
    for (low, high), joint in zip(itertools.pairwise(values), between, strict=True):
        if _RANGE.search(joint) and 0 < high - low <= _LONGEST_RANGE:
            out.extend(range(low + 1, high + 1))
        else:
            out.append(high)
    return list(dict.fromkeys(str(v) for v in out))
