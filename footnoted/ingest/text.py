"""Structure of a plain-text document: title, front matter, headings, paragraphs, lists, furniture.

Text saved from a web page keeps the page's furniture as short lines: "Related Material",
"Download PDF file", "[208 Kb, 16 pages]", a list of links to other pages, a table of
contents. They are kept in the source (spans stay exact) but marked ``furniture`` so they
never reach a chunk; so are a Project Gutenberg text's header and licence. Text from a PDF has a table's cells as short paragraphs of their own, and a
sentence's lines boxed apart: neither is a heading.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from footnoted.ingest.labels import LABEL
from footnoted.ingest.layout import DATE_LINE, WESTLAW_NOTE, Para, is_label, is_prose, paragraphs, split_items, trim
from footnoted.ingest.pages import PageNote, read_pages
from footnoted.types import Block, Footnote, Span

FURNITURE = re.compile(
    r"^(?:related(?: material| links| content| reading)?|download(?: the)? (?:pdf|full report|report)(?: file)?"
    r"|\[\s*\d[\d.,]*\s*(?:kb|mb|k)\b[^\]]*\]|print(?: this page)?|e-?mail(?: this)?(?: page)?|share(?: this)?"
    r"|back to top|top of page|return to top|skip to (?:main )?content|table of contents|contents"
    r"|next(?: page)?|previous(?: page)?|home|menu|search|subscribe|donate(?: now)?"
    r"|printer[- ]friendly(?: version)?|view (?:the )?pdf|(?:more|see also)(?: on\b.*)?|tweet|follow us.*)$",
    re.IGNORECASE,
)
KICKER = re.compile(
    r"^(?:background briefing|briefing(?: paper)?|policy (?:brief|paper)|report|press release|news release"
    r"|fact sheet|working paper|white paper|commentary|memorandum|q\s*&\s*a|summary)$",
    re.IGNORECASE,
)
PUBLISHER = re.compile(
    r"^(?:an?\s+)?(?!an?\s)(?P<who>\S+(?:\s+\S+)+?)\s+(?P<kind>briefing paper|background briefing|briefing|report|paper|"
    r"publication|white paper|working paper|policy brief)$",
    re.IGNORECASE,
)
AUTHOR = re.compile(r"^by\s+(?P<who>.+)$", re.IGNORECASE)
_LEVEL1 = re.compile(r"^(?:part|chapter|book|appendix|annex)\b|^[IVXLC]+\.\s", re.IGNORECASE)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
# A title page's imprint: a place on a line of its own, the publisher on one or two, then the year.
_IMPRINT = re.compile(
    r"[ \t]*[^\n]{1,40}\n[ \t]*(?P<who>\S[^\n]{0,80}(?:\n[ \t]*\S[^\n]{0,80})?)\n[ \t]*(?P<year>1[5-9]\d\d|20\d\d)\.?[ \t]*$"
)
# A division named by its number alone ("CHAPTER IV.", "Part 2"): a heading right under it is its title.
_DIVISION = re.compile(
    r"(?i:part|chapter|book|appendix|annex|section|article|canto|lecture|letter)\s+(?:[IVXLCDM]+|[ivxlcdm]+|\d{1,3}|[A-Z])\.?\s*$"
)
# The date and time a browser prints at the head of a page it saves as PDF: "11/29/26, 7:57 PM".
_STAMP = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?$", re.IGNORECASE)
_BYLINES = 2
"""Lines a title block may hold between its title and its date: a subtitle and an author."""
# A name or an organisation's: capitalised words, with "and", "of", "for", "the" and initials.
_NAME = re.compile(r"^(?:(?:[A-Z][\w’'.-]*|and|&|of|for|the|[A-Z]\.)[ ,]*){1,8}$")
# A table of contents' entry: dot leaders before a page number, or a page number at its end.
_LEADERS = re.compile(r"(?:\.\s?){3,}\s*\d{1,4}$|…\s*\d{1,4}$")
_PAGE_AT_END = re.compile(r"\S\s+(\d{1,4})$")
_PAGED_LINE = re.compile(rf"{_LEADERS.pattern}|{_PAGE_AT_END.pattern}", re.MULTILINE)
# A table's cells: a figure alone, and a cell that opens with a signed or grouped figure.
_FIGURE = re.compile(r"[-+−–]?[$€£]?\d[\d,]*(?:\.\d+)?%?$")
_ROW_FIGURE = re.compile(r"[-+−–]\d|\d{1,3}(?:,\d{3})+\b")
# Five words or more ending on a word no heading ends on: "... injuries from mines in".
_ENDS_MIDWAY = re.compile(r"^(?:\S+\s+){4,}(?:a|an|the|of|in|to|for|from|by|with|and|or|on|at|as|that|which|than)$")
# Project Gutenberg's frame: a header that ends with its START line, a licence from its END line
# on ("*** START OF THE PROJECT GUTENBERG EBOOK TITLE ***"; older texts say "THIS").
_PG_LINE = r"^[ \t]*\*{3}[ \t]*%s OF TH(?:E|IS) PROJECT GUTENBERG E-?BOOK\b.*$"
_PG_START = re.compile(_PG_LINE % "START", re.MULTILINE | re.IGNORECASE)
_PG_END = re.compile(_PG_LINE % "END", re.MULTILINE | re.IGNORECASE)
_PG_HEADER = 50_000
"""How far into a text its START line may be: a header is a page or two (a line quoted later is text)."""
# The header's fields, a long one carried on over indented lines ("Title: ...", "Author: ...").
_PG_FIELD = re.compile(
    r"^(?P<key>title|author|release date):[ \t]*(?P<value>\S.*(?:\n[ \t]+\S.*)*)", re.MULTILINE | re.IGNORECASE
)
_PG_NUMBER = re.compile(r"\s*\[e-?book\s*#\d+\]\s*$", re.IGNORECASE)
# The credit older texts give right after the START line, a paragraph: the header's too.
_PG_CREDIT = re.compile(r"\s*(?:produced by|e-?text prepared by)\b.*(?:\n[ \t]*\S.*)*", re.IGNORECASE)
# A transcriber's bracketed block ("[Footnote 1: ...]", "[Illustration: ...]", "[Sidenote: ...]",
# as Distributed Proofreaders mark them) is never a heading or a title.
_TRANSCRIBED = re.compile(r"\[(?:Footnote|Illustration|Sidenote)\b", re.IGNORECASE)
# A line that opens with a bracketed label and text, "[1] can be specified ...", is a note (as
# ``note_bodies`` reads it), never a heading, however short.
_BRACKETED_NOTE = re.compile(rf"\[(?:{LABEL})\][ \t\u00a0]*\S")


@dataclass(slots=True)
class Layout:
    """What a reader found: blocks in source order, a title and front-matter facts."""

    blocks: list[Block]
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    page_notes: list[PageNote] = field(default_factory=list)
    """Notes found at the foot of pages (text extracted from a PDF), for the footnote finder."""


@dataclass(slots=True)
class MarkedText:
    """What the reader of a markup that marks its own notes and their references found
    (reStructuredText, LaTeX): the layout, the notes linked to where they are cited, and what was odd."""

    layout: Layout
    footnotes: list[Footnote]
    warnings: list[str] = field(default_factory=list)


def heading_level(text: str, has_level1: bool) -> int:
    if _LEVEL1.match(text) or (text.isupper() and len(text) > 3):
        return 1
    numbered = _NUMBERED.match(text)
    if numbered:
        return numbered.group(1).count(".") + 1
    return 2 if has_level1 else 1


def _is_furniture(text: str) -> bool:
    return bool(FURNITURE.match(text.strip()))


def _label_para(source: str, para: Para) -> bool:
    # (a note, "[1] ...", "[Footnote 1: ...]" or Westlaw's "FN7. 46 C.F.R. § 221.15.", is never a heading)
    if (
        _TRANSCRIBED.match(source, para.start)
        or WESTLAW_NOTE.match(source, para.start, para.end)
        or _BRACKETED_NOTE.match(source, para.start, para.end)
    ):
        return False
    return all(is_label(source[s:e]) for s, e in para.lines)


def read_text(source: str) -> Layout:
    """Find the structure of a plain-text document."""
    pages = read_pages(source)
    frame, facts = _gutenberg(source)
    furniture, note_areas = _outside_frame(pages.furniture, frame), _outside_frame(pages.note_areas, frame)
    paras = _title_apart(source, _outside(paragraphs(source), furniture + note_areas + frame))
    first_body = next(
        (i for i, p in enumerate(paras) if not _label_para(source, p) or is_prose(source[p.start : p.end])),
        len(paras),
    )
    layout = Layout(blocks=[])
    _front_matter(source, paras[:first_body], paras[first_body:], layout)
    _body(source, paras[first_body:], layout)
    if "title" in facts:
        layout.title = facts.pop("title")
    if "date" in layout.metadata:  # the book's own title page's: not the ebook's release
        facts.pop("date", None)
    layout.metadata.update(facts)
    layout.blocks.extend(Block("furniture", f.start, f.end) for f in furniture + frame)
    layout.blocks.extend(Block("note", a.start, a.end) for a in note_areas)
    layout.page_notes = [n for n in pages.notes if not any(f.start <= n.start < f.end for f in frame)]
    layout.blocks.sort(key=lambda b: b.start)
    return layout


def _gutenberg(source: str) -> tuple[list[Span], dict[str, str]]:
    """A Project Gutenberg text's header (to the end of its START line, and the producers' credit
    after it) and licence (from its END line), which are furniture, and the title, author and
    release date its header gives."""
    start = _PG_START.search(source, 0, _PG_HEADER)
    if start is None or "project gutenberg" not in source[: start.start()].lower():
        return [], {}
    end = _PG_END.search(source, start.end())
    credit = _PG_CREDIT.match(source, start.end())
    frame = [Span(*trim(source, 0, credit.end() if credit is not None else start.end()))]
    if end is not None:
        frame.append(Span(*trim(source, end.start(), len(source))))
    facts: dict[str, str] = {}
    for m in _PG_FIELD.finditer(source, 0, start.start()):
        key = "date" if m["key"].lower() == "release date" else m["key"].lower()
        value = " ".join(_PG_NUMBER.sub("", m["value"]).split())
        if value:
            facts.setdefault(key, value)
    return frame, facts


def _outside_frame(spans: list[Span], frame: list[Span]) -> list[Span]:
    """The ``spans`` that start outside a Project Gutenberg text's header and licence."""
    return [s for s in spans if not any(f.start <= s.start < f.end for f in frame)] if frame else spans


def _title_apart(source: str, paras: list[Para]) -> list[Para]:
    """A first line that reads as a title, run into the prose below it (text from a PDF), stands apart."""
    if not paras or len(paras[0].lines) < 2:
        return paras
    first, *rest = paras[0].lines
    if not is_label(source[first[0] : first[1]]) or not is_prose(source[rest[0][0] : rest[-1][1]]):
        return paras
    return [Para(*first, (first,)), Para(rest[0][0], rest[-1][1], tuple(rest)), *paras[1:]]


def _outside(paras: list[Para], spans: list[Span]) -> list[Para]:
    """Paragraphs with the lines inside ``spans`` (page furniture, page-foot notes) taken out."""
    if not spans:
        return paras
    spans = sorted(spans, key=lambda s: s.start)
    starts = [s.start for s in spans]

    def inside(line: tuple[int, int]) -> bool:
        # Spans never overlap: only the last one starting at or before the line can hold it.
        i = bisect.bisect_right(starts, line[0]) - 1
        return i >= 0 and line[1] <= spans[i].end

    out: list[Para] = []
    for para in paras:
        run: list[tuple[int, int]] = []
        for line in para.lines:
            if inside(line):
                if run:
                    out.append(Para(run[0][0], run[-1][1], tuple(run)))
                run = []
            else:
                run.append(line)
        if run:
            out.append(Para(run[0][0], run[-1][1], tuple(run)))
    return out


def _front_matter(source: str, front: list[Para], body: list[Para], layout: Layout) -> None:
    """Title, kicker, publisher and date; what follows them before the body is navigation or headings."""
    kinds: list[str] = []
    texts = [" ".join(source[s:e] for s, e in para.lines) for para in front]
    for para, text in zip(front, texts, strict=True):
        header_zone = all(k in ("title", "meta", "stamp") for k in kinds)
        if _STAMP.match(text):
            kinds.append("stamp")  # furniture that leaves the title block open
        elif _is_furniture(text) or any(_is_furniture(source[s:e]) for s, e in para.lines):
            kinds.append("furniture")
        elif kinds[-1:] == ["title"] and text[:1].islower():
            # The title's next line, boxed apart from it ("Groundwater Under Pressure: Irrigation",
            # then "and Aquifer Depletion ..."): a title does not open in lower case.
            layout.title = f"{layout.title} {text.strip()}"
            kinds.append("title")
        elif layout.title and (m := _IMPRINT.match(source, para.start, para.end)):
            # A title page's imprint: place, publisher, year ("LONDON / SMITH, ELDER & CO. / 1874")
            layout.metadata.setdefault("publisher", " ".join(m["who"].split()))
            layout.metadata.setdefault("date", m["year"])
            kinds.append("meta")
        elif not header_zone:
            kinds.append("rest")
        elif DATE_LINE.match(text):
            layout.metadata.setdefault("date", text.strip())
            kinds.append("meta")
        elif KICKER.match(text):
            layout.metadata.setdefault("kind", text.strip())
            kinds.append("meta")
        elif (m := PUBLISHER.match(text)) and layout.title:
            layout.metadata.setdefault("publisher", m.group("who").strip())
            kinds.append("meta")
        elif (m := AUTHOR.match(text)) and layout.title:
            layout.metadata.setdefault("author", m.group("who").strip())
            kinds.append("meta")
        elif not layout.title:
            layout.title = text.strip()
            kinds.append("title")
        else:
            kinds.append("rest")
    _byline(texts, kinds, layout)
    last_meta = max((i for i, k in enumerate(kinds) if k in ("title", "meta")), default=-1)
    rest = [i for i in range(last_meta + 1, len(front)) if kinds[i] == "rest"]
    later_headings = {source[p.start : p.end].strip().lower() for p in body if _label_para(source, p)}
    # Navigation: entries with page numbers, entries that repeat the headings to come, or a list of
    # links under a label such as "Related Material" (furniture) before them. The body's first
    # heading may follow a table of contents ("Findings ..... 7", then "Summary").
    last = source[front[rest[-1]].start : front[rest[-1]].end] if rest else ""
    opening = rest[-1] if len(rest) > 2 and not _PAGED_LINE.search(last) and _paged(source, front, rest[:-1]) else -1
    listed = bool(rest) and "furniture" in kinds[: rest[0]]
    toc = (
        (len(rest) >= 3 and listed)
        or opening >= 0
        or _paged(source, front, rest)
        or any(source[front[i].start : front[i].end].strip().lower() in later_headings for i in rest)
    )
    has_level1 = any(heading_level(source[front[i].start : front[i].end], False) == 1 for i in rest)
    for i, (para, kind) in enumerate(zip(front, kinds, strict=True)):
        if kind == "rest" and i > last_meta and toc and i != opening:
            kind = "furniture"
        elif kind == "rest" and rest and i != rest[-1] and i == last_meta + 1 and kinds[i - 1] == "title":
            # A line right after the title, with a heading still to come, is a subtitle.
            layout.metadata.setdefault("subtitle", " ".join(source[para.start : para.end].split()))
            kind = "meta"
        if kind == "rest":
            _heading(source, para, has_level1, layout)
        elif kind in ("furniture", "stamp"):
            layout.blocks.append(Block("furniture", para.start, para.end))
        elif kind == "title" and i and kinds[i - 1] == "title":
            layout.blocks[-1] = Block("title", layout.blocks[-1].start, para.end)  # one title over its lines
        else:
            layout.blocks.append(Block("title" if kind == "title" else "meta", para.start, para.end))


def _byline(texts: list[str], kinds: list[str], layout: Layout) -> None:
    """A title's author and date ("Prairie Water Institute", "March 2023"), or its subtitle and date,
    are front matter, not headings: up to ``_BYLINES`` lines between the title and a date or a
    "By ..." line under it are its subtitle and author."""
    title = max((i for i, k in enumerate(kinds) if k == "title"), default=-1)
    if title < 0:
        return
    for end in range(title + 1, min(title + _BYLINES + 2, len(kinds))):
        if kinds[end] != "rest":
            return
        if DATE_LINE.match(texts[end]) or AUTHOR.match(texts[end]):
            break
    else:
        return
    if end == title + 1:
        return  # (a date right under the title is found as it is read)
    for i in range(title + 1, end + 1):
        text = texts[i].strip()
        if DATE_LINE.match(text):
            layout.metadata.setdefault("date", text)
        elif m := AUTHOR.match(text):
            layout.metadata.setdefault("author", m.group("who").strip())
        elif i == end - 1 and _NAME.match(text) and not AUTHOR.match(texts[end]):
            # A name right above the date is the author's; above a "By ..." line, a subtitle in
            # capitals ("A SHORT HISTORY OF MINES") reads as a name too, and is the subtitle.
            layout.metadata.setdefault("author", text)
        else:
            layout.metadata.setdefault("subtitle", " ".join(text.split()))
        kinds[i] = "meta"


def _paged(source: str, paras: list[Para], which: list[int]) -> bool:
    """Whether the paragraphs ``which`` are a table of contents: entries with dot leaders before a
    page number, or two or more ending with page numbers that climb."""
    lines = [source[s:e] for i in which for s, e in paras[i].lines]
    if any(_LEADERS.search(line) for line in lines):
        return True
    pages = [int(m.group(1)) for line in lines if (m := _PAGE_AT_END.search(line))]
    return len(pages) >= 2 and len(pages) == len(lines) and pages == sorted(pages) and pages[0] < pages[-1]


def _body(source: str, paras: list[Para], layout: Layout) -> None:
    last_prose = max((i for i, p in enumerate(paras) if not _label_para(source, p)), default=-1)
    labels = [_label_para(source, p) and len(p.lines) == 1 for p in paras]
    has_level1 = any(labels[i] and heading_level(source[p.start : p.end], False) == 1 for i, p in enumerate(paras))
    texts = [source[p.start : p.end] for p in paras]
    # A table read from a PDF comes out a cell to a paragraph: a figure alone ("35,450") is no body
    # for the cell before it to head, and a cell with a line that opens with a signed or grouped
    # figure ("-13.2 Panhandle"), or a cell beside one ("counties"), is no heading.
    figures = [all(_FIGURE.match(source, s, e) for s, e in p.lines) for p in paras]
    cells = [
        not is_prose(text) and any(_ROW_FIGURE.match(source, s, e) for s, e in p.lines)
        for text, p in zip(texts, paras, strict=True)
    ]
    # A line boxed apart from the rest of its sentence ("... collected by the U.S. Geological
    # Survey", then "between 1950 and 2020, ..."; "... from predevelopment to", then "2019.") is no
    # heading: what a heading heads opens in capitals, and a heading ends on no "to". Five words or
    # more of it are body for a heading before it.
    opens_lower = [text[:1].islower() for text in texts[1:]] + [False]
    runs_on = [labels[i] and (opens_lower[i] or bool(_ENDS_MIDWAY.search(texts[i]))) for i in range(len(paras))]
    broken = [runs_on[i] and len(texts[i].split()) >= 5 for i in range(len(paras))]
    for i, para in enumerate(paras):
        text = texts[i]
        if _setext(source, para, layout, has_level1):
            continue
        # (Entries of a table of contents with dot leaders end as sentences do: "Summary ..... 3".)
        contents = all(_LEADERS.search(source, s, e) for s, e in para.lines)
        if (labels[i] and (_is_furniture(text) or i > last_prose)) or contents:
            layout.blocks.append(Block("furniture", para.start, para.end))
            continue
        following = range(i + 1, min(i + 3, len(paras)))
        followed_by_body = any((not labels[j] or broken[j]) and not figures[j] for j in following)
        in_row = any(cells[max(0, i - 1) : i + 2])
        if labels[i] and followed_by_body and not in_row and not runs_on[i] and not _items(source, para):
            _heading(source, para, has_level1, layout)
            continue
        for s, e, item in split_items(source, para):
            layout.blocks.append(Block("list_item" if item else "paragraph", s, e))


def _heading(source: str, para: Para, has_level1: bool, layout: Layout) -> None:
    """Add ``para`` as a heading: at its own level, or one below a bare "CHAPTER IV." right above it
    (its title)."""
    level = heading_level(source[para.start : para.end], has_level1)
    last = layout.blocks[-1] if layout.blocks else None
    if last is not None and last.kind == "heading" and _DIVISION.match(source, last.start, last.end):
        level = last.level + 1
    layout.blocks.append(Block("heading", para.start, para.end, level))


def _items(source: str, para: Para) -> bool:
    return any(item for _, _, item in split_items(source, para))


def _setext(source: str, para: Para, layout: Layout, has_level1: bool) -> bool:
    """A line underlined with ``===`` or ``---`` is a heading; the underline is furniture."""
    if len(para.lines) != 2:
        return False
    (hs, he), (us, ue) = para.lines
    underline = source[us:ue]
    if len(underline) < 3 or set(underline) not in ({"="}, {"-"}):
        return False
    layout.blocks.append(Block("heading", hs, he, 1 if underline[0] == "=" else 2))
    layout.blocks.append(Block("furniture", us, ue))
    return True
