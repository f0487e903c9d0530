"""Structure and footnotes of an HTML document.

The source text of an HTML document is its extracted text (``dom``), and every span points into
it. The title and metadata come from the page's head and first heading; lists of links to other
pages and stock phrases are furniture; footnotes are resolved from the page's links
(``html_notes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from footnoted.ingest.dom import Extractor
from footnoted.ingest.html_notes import link_footnotes
from footnoted.ingest.text import FURNITURE, Layout
from footnoted.types import Block, Footnote, Span


@dataclass(slots=True)
class HtmlLayout:
    """An HTML document's extracted text, its structure and its structurally linked footnotes."""

    source: str
    layout: Layout
    footnotes: list[Footnote] = field(default_factory=list)
    hints: list[Span] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_html(raw: str) -> HtmlLayout:
    """Extract the text and structure of an HTML page, and the footnotes its links declare."""
    tree = LexborHTMLParser(raw)
    ex = Extractor()
    root = tree.body or tree.root
    if root is not None:
        ex.walk(root)
    ex.boundary()
    source = "".join(ex.parts)
    layout = Layout(blocks=ex.blocks, title=_title(tree, source, ex.blocks), metadata=_meta(tree))
    _mark_link_lists(source, ex, layout)
    notes = link_footnotes(source, ex, layout)
    return HtmlLayout(source=source, layout=layout, footnotes=notes.footnotes, hints=notes.hints)


def _title(tree: LexborHTMLParser, source: str, blocks: list[Block]) -> str:
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and og.attributes.get("content"):
        return str(og.attributes["content"]).strip()
    h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    if h1 is not None:
        return " ".join(source[h1.start : h1.end].split())  # a heading may hold a <br>
    styled = tree.css_first("p.title")  # Google Docs' "Title" paragraph style
    if styled is not None and styled.text(strip=True):
        return styled.text(strip=True)
    title = tree.css_first("title")
    return title.text(strip=True) if title is not None else ""


def _meta(tree: LexborHTMLParser) -> dict[str, str]:
    found: dict[str, str] = {}
    names = {
        "author": "author",
        "date": "date",
        "dc.date": "date",
        "citation_publication_date": "date",
        "article:published_time": "date",
        "og:site_name": "publisher",
        "citation_publisher": "publisher",
    }
    for node in tree.css("meta"):
        key = (node.attributes.get("name") or node.attributes.get("property") or "").lower()
        value = node.attributes.get("content")
        if key in names and value:
            found.setdefault(names[key], value.strip())
    return found


_NAVIGATION = re.compile(r"(?:Next|Previous|Prev|Up):\s")


def _mark_link_lists(source: str, ex: Extractor, layout: Layout) -> None:
    """Lists whose items are nothing but links to other pages, and stock phrases, are furniture."""
    furniture: list[Span] = []
    items: dict[int, int] = {}
    navigation: set[int] = set()  # blocks holding a link that says where the next page is
    for e in ex.elements:
        if e.tag == "li":
            items[e.parent] = items.get(e.parent, 0) + 1
        elif e.tag == "a" and e.block >= 0 and str(e.attrs.get("rel") or "") in ("next", "prev", "previous", "up"):
            navigation.add(e.block)
    for index, el in enumerate(ex.elements):
        if el.tag not in ("ul", "ol") or el.end <= el.start or items.get(index, 0) < 2:
            continue
        links = [e for e in ex.elements[index + 1 : el.last + 1] if e.tag == "a"]
        link_chars = sum(len(source[e.start : e.end].replace(" ", "")) for e in links)
        text_chars = sum(map(len, source[el.start : el.end].split()))
        internal = any(str(e.attrs.get("href") or "").startswith("#") for e in links)
        # A table of contents (Texinfo's links are "toc-..."): internal links, but only a map of the page.
        toc = bool(links) and all(str(e.attrs.get("id") or "").startswith("toc-") for e in links)
        if (toc or not internal) and link_chars >= 0.9 * max(text_chars, 1):
            furniture.append(Span(el.start, el.end))
    for index in sorted(navigation):
        # A manual's "Next: ..., Previous: ..., Up: ..." line (Texinfo), by its links' rel.
        block = ex.elements[index]
        if _NAVIGATION.match(source, block.start, block.end):
            furniture.append(Span(block.start, block.end))
    blocks = []
    for b in layout.blocks:
        text = source[b.start : b.end]
        chrome = b.kind != "heading" and len(text) < 80 and FURNITURE.match(text)
        if chrome or any(f.contains(Span(b.start, b.end)) for f in furniture):
            blocks.append(Block("furniture", b.start, b.end))
        else:
            blocks.append(b)
    layout.blocks = blocks
