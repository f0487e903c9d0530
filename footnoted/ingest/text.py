"""Structure of a plain-text document: title, front matter, headings, paragraphs, lists, furniture.

Text saved from a web page keeps the page's furniture as short lines: "Related Material",
"Download PDF file", "[208 Kb, 16 pages]", a list of links to other pages, a table of
contents. They are kept in the source (spans stay exact) but marked ``furniture`` so they
never reach a chunk.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from footnoted.ingest.layout import DATE_LINE, Para, is_label, is_prose, paragraphs, split_items
from footnoted.ingest.pages import PageNote, read_pages
from footnoted.types import Block, Span

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


@dataclass(slots=True)
class Layout:
    """What a reader found: blocks in source order, a title and front-matter facts."""

    blocks: list[Block]
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    page_notes: list[PageNote] = field(default_factory=list)
    """Notes found at the foot of pages (text extracted from a PDF), for the footnote finder."""


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
    return all(is_label(source[s:e]) for s, e in para.lines)


def read_text(source: str) -> Layout:
    """Find the structure of a plain-text document."""
    pages = read_pages(source)
    paras = _title_apart(source, _outside(paragraphs(source), pages.furniture + pages.note_areas))
    first_body = next(
        (i for i, p in enumerate(paras) if not _label_para(source, p) or is_prose(source[p.start : p.end])),
        len(paras),
    )
    layout = Layout(blocks=[])
    _front_matter(source, paras[:first_body], paras[first_body:], layout)
    _body(source, paras[first_body:], layout)
    layout.blocks.extend(Block("furniture", f.start, f.end) for f in pages.furniture)
    layout.blocks.extend(Block("note", a.start, a.end) for a in pages.note_areas)
    layout.page_notes = pages.notes
    layout.blocks.sort(key=lambda b: b.start)
    return layout


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
    """Title, kicker, publisher and date; what follows them before the body is navigation."""
    kinds: list[str] = []
    for para in front:
        text = " ".join(source[s:e] for s, e in para.lines)
        header_zone = all(k in ("title", "meta") for k in kinds)
        if _is_furniture(text) or any(_is_furniture(source[s:e]) for s, e in para.lines):
            kinds.append("furniture")
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
    last_meta = max((i for i, k in enumerate(kinds) if k in ("title", "meta")), default=-1)
    rest = [i for i in range(last_meta + 1, len(front)) if kinds[i] == "rest"]
    later_headings = {source[p.start : p.end].strip().lower() for p in body if _label_para(source, p)}
    toc = len(rest) >= 3 or any(source[front[i].start : front[i].end].strip().lower() in later_headings for i in rest)
    has_level1 = any(heading_level(source[front[i].start : front[i].end], False) == 1 for i in rest)
    for i, (para, kind) in enumerate(zip(front, kinds, strict=True)):
        if kind == "rest" and i > last_meta and toc:
            kind = "furniture"
        elif kind == "rest" and rest and i != rest[-1] and i == last_meta + 1 and kinds[i - 1] == "title":
            # A line right after the title, with a heading still to come, is a subtitle.
            layout.metadata.setdefault("subtitle", " ".join(source[para.start : para.end].split()))
            kind = "meta"
        if kind == "rest":
            text = source[para.start : para.end]
            layout.blocks.append(Block("heading", para.start, para.end, heading_level(text, has_level1)))
        elif kind == "furniture":
            layout.blocks.append(Block("furniture", para.start, para.end))
        else:
            layout.blocks.append(Block("title" if kind == "title" else "meta", para.start, para.end))


def _body(source: str, paras: list[Para], layout: Layout) -> None:
    last_prose = max((i for i, p in enumerate(paras) if not _label_para(source, p)), default=-1)
    labels = [_label_para(source, p) and len(p.lines) == 1 for p in paras]
    has_level1 = any(labels[i] and heading_level(source[p.start : p.end], False) == 1 for i, p in enumerate(paras))
    for i, para in enumerate(paras):
        text = source[para.start : para.end]
        if _setext(source, para, layout, has_level1):
            continue
        if labels[i] and (_is_furniture(text) or i > last_prose):
            layout.blocks.append(Block("furniture", para.start, para.end))
            continue
        followed_by_body = any(not labels[j] for j in range(i + 1, min(i + 3, len(paras))))
        if labels[i] and followed_by_body and not _items(source, para):
            layout.blocks.append(Block("heading", para.start, para.end, heading_level(text, has_level1)))
            continue
        for s, e, item in split_items(source, para):
            layout.blocks.append(Block("list_item" if item else "paragraph", s, e))


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
