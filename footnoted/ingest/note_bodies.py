"""Where a document writes its notes: the blocks that are note bodies, each with its label.

``[1] ...`` blocks, ``[^id]: ...`` definitions, numbered lines under a "Notes" heading (or in
numbered entries closing the text, see ``endnote_tail``), Project Gutenberg's ``[Footnote 1: ...]``,
Westlaw's ``FN1. ...`` and symbol notes after a rule (``* ...``, ``† ...``). A note runs on over
the paragraphs that carry it on, and a block of lines may hold several.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from footnoted.ingest.labels import ANY_ROMAN, LABEL, label_number, roman
from footnoted.ingest.layout import EMPHASIS_OPEN, FOUR_DIGITS, WESTLAW_NOTE, normalise_label
from footnoted.ingest.markers import BRACKET_MARKER, SYMBOL, SYMBOL_MARKER, WL_AFTER_CAPITAL, WL_MARKER
from footnoted.types import Block

_BRACKET_NOTE = re.compile(rf"\[(?P<label>{LABEL})\][ \t\u00a0]*(?=\S)")
_MD_NOTE = re.compile(r"\[\^(?P<label>[^\]\s]{1,40})\]:[ \t\u00a0]*")
# Project Gutenberg's notes, as Distributed Proofreaders mark them: "[Footnote 1: ...]" on a line of
# its own, over one paragraph or several, to the "]" that closes it; "[Footnote A: ...]" is cited
# "[A]". The whole note: the lead, and where a line inside a paragraph opens one.
_PG_NOTE = re.compile(rf"\[(?i:footnote)[ \t\u00a0]+(?P<label>{LABEL}|[A-Z])[ \t\u00a0]*:\s*")
_PG_NOTE_LINE = re.compile(rf"(?<![^\n])[ \t\u00a0]*(?P<lead>{_PG_NOTE.pattern})")
_BRACKETS = re.compile(r"[\[\]]")
_PG_KINDS = frozenset({"paragraph", "list_item", "heading"})
"""The blocks a Project Gutenberg note may open in (a short one may have been read as a heading)."""
NUMBERED_NOTE = re.compile(
    r"(?P<label>\d{1,4}(?![\d,])|[¹²³⁴⁵⁶⁷⁸⁹⁰]{1,4}"
    rf"|{ANY_ROMAN}(?=[.)]?[ \t\u00a0]|[A-Z]))(?:[.)]|(?<=\d)(?=[ \t]))?[ \t\u00a0]*(?=\S)"
)
_ONLY_LABELS = re.compile(r"(?:\[[^\]\s]{1,4}\][\s,]*)+")
_BRACKETED_LINE = re.compile(r"^[ \t\u00a0]*\[\d+\]", re.MULTILINE)
NOTES_HEADING = re.compile(
    r"^[#\s]*(?:(?:foot|end|end )?notes?|注|註|注释|注釋|脚注|腳注|尾注|注記)\s*[:：]?\s*$", re.IGNORECASE
)
# A heading over numbered entries that may be notes or a bibliography: the markers decide.
SOURCES_HEADING = re.compile(
    r"^[#\s]*(?:references|sources|citations|notes and (?:references|sources)|references and notes)\s*:?\s*$",
    re.IGNORECASE,
)
# What an exported or printed note keeps of its back-links: "↩" at its end, "^ a b" at its start.
BACKLINK_TAIL = re.compile(r"[\s↩↑\ufe0e\ufe0f]*$")
_BACKLINK_END = re.compile(r"↩[\ufe0e\ufe0f]?\s*$")
BACKLINK_HEAD = re.compile(r"(?:[↑^](?:[ \t]+[a-z](?=\s))*\s*)?")
_WL_END = re.compile(r"\s*end of document\b", re.IGNORECASE)
"""What closes a Westlaw export after its last note ("End of Document © 2003 Thomson Reuters ...")."""
_OPINION = re.compile(
    r"\s*(?:(?:(?:Chief |Associate )?Justice|Judge)\s+)?[A-Z][A-Z'’-]{2,},[^\n\d]{0,80}?\b(?:dissenting|concurring)\b"
    r"|\s*PER CURIAM\b"
)
"""What opens a court's next opinion after the notes of one: "HOWARD, Circuit Judge, dissenting.",
"SCALIA, J., concurring", "Justice THOMAS, with whom ... joins, dissenting", "PER CURIAM." (a name
in capitals and a comma: a note's "ACLU v. Reno, ... (O'Connor, J., concurring)" is none)."""
_SYMBOL_NOTE = re.compile(rf"(?P<label>{SYMBOL})[ \t\u00a0]+(?=\S)")
_RULE = re.compile(r"[ \t]*(?:(?:-[ \t]*){3,}|(?:_[ \t]*){3,}|(?:\*[ \t]*){3,})")
_ENDS_SENTENCE = re.compile(r"[.!?;:][\"'”’)\]]*\s*\Z")
_NOTE_PARAGRAPHS = 20
"""Paragraphs past its first a note may hold: ``_carries_on`` looks no further ahead from each."""


@dataclass(frozen=True, slots=True)
class Body:
    label: str
    start: int
    end: int
    block_start: int
    style: str


def note_bodies(
    source: str,
    blocks: list[Block],
    tail: int | None = None,
    across_headings: bool = False,
    four_digits: frozenset[str] | None = None,
) -> tuple[list[Body], list[Block], bool]:
    """Find note bodies; return them with the blocks, note blocks re-marked as ``note``, and
    whether a notes section met a heading over lines numbered from 1 (a chapter's notes).

    Numbered lines are notes under a "Notes" heading, and from ``tail`` on (see ``endnote_tail``).
    Such a heading ends the notes section, unless ``across_headings``. ``four_digits``, where
    given, are the only four-digit labels a note may have.
    """
    bodies: list[Body] = []
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
            bodies.append(Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        if block.kind != "furniture":
            westlaw_open = False
        text = source[block.start : block.end]
        if block.kind == "heading" and (label := NUMBERED_NOTE.match(source, block.start, block.end)):
            number = label_number(normalise_label(label.group("label")))
            numbered_heading = (number, block.level) if number is not None else numbered_heading
        if block.kind in ("heading", "paragraph") and (
            NOTES_HEADING.match(text) or (block.start == tail and SOURCES_HEADING.match(text))
        ):
            in_notes_section = True
            out.append(Block("furniture", block.start, block.end))
            continue
        if block.kind == "heading":
            if in_notes_section:
                following = next((b for b in blocks[i + 1 :] if b.kind != "furniture"), None)
                entries = _bodies_in_block(source, following, True, four_digits) if following is not None else []
                # (numbered lines only: bracketed notes are notes under any heading)
                if entries and label_number(entries[0].label) == 1 and entries[0].style == "numbered":
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
            bodies.append(Body(last.label, last.start, block.end, last.block_start, last.style))
            out.append(Block("note", block.start, block.end))
            continue
        found = _bodies_in_block(source, block, in_notes_section, four_digits)
        last_number = numbered_heading[0] if numbered_heading else None
        if in_notes_section and found and _numbered_heading(source, blocks, i, found, bodies, four_digits, last_number):
            # "2. Villages" after the first chapter's notes, over the next chapter's text: the
            # chapter's heading, not a note out of turn.
            level = numbered_heading[1] if numbered_heading else 2
            out.append(Block("heading", block.start, block.end, level))
            numbered_heading = (label_number(found[0].label) or 0, level)
            in_notes_section = False
            continue
        if (
            in_notes_section
            and found
            and open_note
            and bodies[-1].style == "numbered"
            and _after_note(out)
            and _wraps(source, bodies[-1], block)
        ):
            # "11 (2022): 88-104.↩" under "3. ... Vaccine Policy Review": the rest of the note above,
            # its line opening with a figure (see ``_wrapped``); the block's next lines may open
            # the next notes.
            last = bodies.pop()
            line_end = source.find("\n", block.start, block.end)
            after = Block(block.kind, line_end + 1, block.end)
            next_notes = [] if line_end == -1 else _lead(source, after, last, four_digits)
            end = block.end if not next_notes else source.rfind("\n", block.start, next_notes[0].start)
            while end > block.start and source[end - 1].isspace():
                end -= 1
            bodies.extend([Body(last.label, last.start, end, last.block_start, last.style), *next_notes])
            out.append(Block("note", block.start, block.end))
            continue
        if found:
            bodies.extend(found)
            markdown_open = found[-1].style == "markdown"
            out.append(Block("note", block.start, block.end))
            continue
        if markdown_open and _indented(source, block.start) and bodies:
            last = bodies.pop()
            bodies.append(Body(last.label, last.start, block.end, last.block_start, last.style))
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
                bodies.extend([Body(last.label, last.start, end, last.block_start, last.style), *lead])
                out.append(Block("note", block.start, block.end))
                continue
        if in_notes_section and block.kind == "paragraph" and open_note and out[-1].kind == "note":
            bare = not BACKLINK_HEAD.sub("", source[bodies[-1].start : bodies[-1].end]).strip("↩↑ \n")
            if (
                bare
                or _carries_on(source, blocks, i, bodies[-1], four_digits)
                or (tail is not None and block.start >= tail and _open(source, bodies[-1]))
            ):
                # A note's next paragraph (see ``_carries_on``), the rest of a note that stops
                # mid-sentence where the document's closing notes break, or the text of a note
                # whose numbered line held only its back-links ("3. ^").
                last = bodies.pop()
                bodies.append(Body(last.label, last.start, block.end, last.block_start, last.style))
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
            bodies.append(Body(last.label, last.start, block.end, last.block_start, last.style))
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


def _gutenberg_notes(source: str, start: int, block_end: int) -> tuple[list[Body], int]:
    """Project Gutenberg's notes from ``start``, a line that opens "[Footnote 1: ...", in a block
    that ends at ``block_end``: each runs to the "]" that closes it, over paragraphs if need be,
    and another may follow it in the block. Returns them and where the last one's "]" ends."""
    bodies: list[Body] = []
    at = start
    while (m := _PG_NOTE.match(source, at)) is not None:
        following = _PG_NOTE_LINE.search(source, m.end())
        limit = following.start("lead") if following is not None else len(source)
        close = _closing(source, m.end(), limit)
        # (a note left open ends with its block, or where the next note begins)
        end = close if close is not None else min(max(block_end, m.end()), limit)
        text_end = len(source[m.end() : end].rstrip()) + m.end()
        bodies.append(Body(normalise_label(m["label"]), m.end(), text_end, start, "gutenberg"))
        at = end + 1 if close is not None else end
        while at < block_end and source[at].isspace():
            at += 1
        if at >= block_end:
            break
    return bodies, at


def _westlaw_cited(source: str) -> dict[str, int]:
    """Where the text first cites each label of Westlaw's notes ("FN1", "[FN1]"; "CERCLAFN3" where
    it cites one otherwise too)."""
    first: dict[str, int] = {}
    cites = False  # a marker that is not a note's own lead
    for m in WL_MARKER.finditer(source):
        first.setdefault(m["bracketed"] or m["label"], m.start())
        cites = cites or _indent(source, m.start()) < 0 or not WESTLAW_NOTE.match(source, m.start())
    if cites:
        for m in WL_AFTER_CAPITAL.finditer(source):
            first[m["label"]] = min(first.get(m["label"], m.start()), m.start())
    return first


def _westlaw_notes(source: str, block: Block, cited_at: dict[str, int]) -> list[Body]:
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


def _lead_to_lead(source: str, block: Block, leads: list[re.Match[str]], style: str) -> list[Body]:
    """One note for each of ``leads``, labelled by it, from its end to the next one's line (the
    last to the block's end): none unless the block opens with one."""
    if not leads or leads[0].start() != block.start:
        return []
    bodies = []
    for k, m in enumerate(leads):
        end = leads[k + 1].start() if k + 1 < len(leads) else block.end
        while end > m.end() and source[end - 1].isspace():
            end -= 1
        bodies.append(Body(m["label"], m.end(), end, block.start, style))
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
    cited = {m["label"] for m in SYMBOL_MARKER.finditer(source, scope, rule) if not (emphasis and "*" in m["label"])}
    return j if labels and labels <= cited else i


def _symbol_bodies(source: str, block: Block) -> list[Body]:
    """Notes marked with symbols in ``block``, each from a line that opens "* " ("† ", "** ") to
    the next: none unless the block opens with one."""
    return _lead_to_lead(source, block, _line_leads(source, block, _SYMBOL_NOTE), "symbol")


def _carries_westlaw(source: str, block: Block) -> bool:
    """Whether a paragraph after a Westlaw note is more of it: it cites no note and is not the
    export's closing line, a "Notes" heading, nor the opening of the court's next opinion."""
    return not (
        WL_MARKER.search(source, block.start, block.end)
        or _WL_END.match(source, block.start, block.end)
        or _OPINION.match(source, block.start, block.end)
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


def _carries_on(source: str, blocks: list[Block], i: int, last: Body, four_digits: frozenset[str] | None) -> bool:
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
            number = label_number(last.label)
            return crossed == 1 or (number is not None and label_number(found[0].label) == number + 1)
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
        if block.kind != "paragraph" or BRACKET_MARKER.search(source, block.start, block.end):
            return False
    return False


def _numbered_heading(
    source: str,
    blocks: list[Block],
    i: int,
    found: list[Body],
    bodies: list[Body],
    four_digits: frozenset[str] | None,
    last_heading: int | None,
) -> bool:
    """Whether the numbered line ``blocks[i]`` (``found``, one note by its look) is a heading: its
    number carries on the numbered headings before (``last_heading`` is the last one's), or does
    not carry on the notes before (nor start them again from 1); it is a short line with no
    sentence's end; and what follows it is prose, not more notes."""
    if len(found) != 1 or found[0].style != "numbered" or not bodies or bodies[-1].style != "numbered":
        return False
    number, before = label_number(found[0].label), label_number(bodies[-1].label)
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


def endnote_tail(source: str, blocks: list[Block]) -> int | None:
    """Where a run of entries numbered 1, 2, ... n that ends the document starts, if it is not notes yet.

    The run may hold paragraphs between entries (a note's second paragraph) and furniture, and
    starts at its "References" or "Sources" heading when it has one. A block may hold several
    entries, one per line (a PDF's page of endnotes comes as a few boxes of lines); a line inside
    a block that opens with a figure other than the next label carries on the entry above it, and
    so does a paragraph that opens with one where it ends the entry as a note ends (``_wrapped``).
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
    last = entries[first][1]  # where the line of the last entry counted starts
    for block, line, label, opens_block in entries[first:]:
        expected = str(count + 1) if entries[first][2] == "1" else roman(count + 1)
        if label == expected:
            count += 1
            last = line
        elif opens_block and not _wrapped(source, last, block.start, block):
            return None
    start = entries[first][0].start
    before = [b for b in blocks if b.end <= start and b.kind != "furniture"]
    if before and before[-1].kind == "heading" and SOURCES_HEADING.match(source[before[-1].start : before[-1].end]):
        return before[-1].start
    if count < 2:
        return None
    return start


def _wraps(source: str, last: Body, block: Block) -> bool:
    """Whether ``block``, opening with a numbered line, carries on the numbered note ``last``."""
    entry = max(source.rfind("\n", 0, last.start) + 1, last.block_start)  # (a page's form feed before)
    while source[entry] in " \t\u00a0":
        entry += 1
    return _wrapped(source, entry, last.end, block)


def _wrapped(source: str, entry: int, end: int, block: Block) -> bool:
    """Whether ``block``, whose first line opens with a figure, carries on the numbered entry whose
    line starts at ``entry`` (its text so far running to ``end``) rather than opening the next.

    Chromium's text layer sets a printed note's first line apart from the rest, which may open with
    a figure ("3. ... Vaccine Policy Review", then "11 (2022): 88-104.↩"; "2012), p. 7.↩"; "2022.
    Figures ... ↩"). An entry that ends with its back-link (↩) is whole. A block that ends with one
    the entry lacks carries it on when its figure is not the label after the entry's, or is not
    written as the entry's label is ("11 (" under "3."); with no back-links, only when it is not so
    written and the entry stops short of a sentence's end. Otherwise a figure out of turn still
    ends the run (a table's cells, a table of contents' "2.1.").
    """
    line = NUMBERED_NOTE.match(source, block.start, block.end)
    before = NUMBERED_NOTE.match(source, entry, end)
    if line is None or before is None or not line.group("label").isdigit():
        return False
    number = label_number(normalise_label(before.group("label")))
    while end > entry and source[end - 1].isspace():
        end -= 1
    if number is None or _BACKLINK_END.search(source, entry, end):
        return False
    unlike = _form(line) != _form(before)
    if _BACKLINK_END.search(source, block.start, block.end):
        return unlike or int(line.group("label")) not in (number + 1, 1)
    return unlike and not _ENDS_SENTENCE.search(source, max(entry, end - 8), end)


def _form(label: re.Match[str]) -> str:
    """How a numbered line's label is written: "." for "3.", ")" for "3)", "" for "3 "."""
    return label.group()[len(label.group("label")) :].strip(" \t\u00a0")


def _line_labels(source: str, block: Block) -> list[tuple[int, str, bool]]:
    """The lines of a block that open with a note's label: (where, the label, whether it is the
    block's first line)."""
    out: list[tuple[int, str, bool]] = []
    pos = block.start
    while pos < block.end:
        line_end = source.find("\n", pos, block.end)
        line_end = block.end if line_end == -1 else line_end
        m = NUMBERED_NOTE.match(source, pos, line_end)
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
) -> list[Body]:
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
                m = NUMBERED_NOTE.match(source, s, line_end)
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
        bodies.append(Body(normalise_label(m.group("label")), m.end(), end, block.start, style))
    return bodies


def _open(source: str, body: Body) -> bool:
    """Whether a note's text stops short of a sentence's end (its back-links aside: "2022.↩")."""
    end = BACKLINK_TAIL.search(source, body.start, body.end).start()  # type: ignore[union-attr]
    return not _ENDS_SENTENCE.search(source, max(body.start, end - 8), end)


def _after_note(out: list[Block]) -> bool:
    """Whether the last block kept, furniture aside (a page's number and running head), is a note."""
    last = next((b for b in reversed(out) if b.kind != "furniture"), None)
    return last is not None and last.kind == "note"


def _lead(source: str, block: Block, last: Body, four_digits: frozenset[str] | None) -> list[Body]:
    """The numbered notes of a block that opens with the rest of the note ``last``: its first note
    takes the label after ``last``'s (none when it does not)."""
    found = _bodies_in_block(source, block, True, four_digits, lead=True)
    before = label_number(last.label)
    if not found or found[0].style != "numbered" or before is None or label_number(found[0].label) != before + 1:
        return []
    return found


def _next(starts: list[tuple[int, re.Match[str], str]], m: re.Match[str]) -> bool:
    """Whether a numbered line may open a note after the notes of its block so far: the first, or
    the next label after a numbered note (or 1 or i, a chapter's notes starting again)."""
    if not starts or starts[-1][2] != "numbered":
        return True
    before, label = label_number(normalise_label(starts[-1][1].group("label"))), normalise_label(m.group("label"))
    return before is None or label_number(label) == before + 1 or label in ("1", "i")


def _allowed(label: str, four_digits: frozenset[str] | None) -> bool:
    return four_digits is None or not FOUR_DIGITS.fullmatch(label) or label in four_digits
