"""Structure and footnotes of an HTML document.

The source text of an HTML document is its extracted text (``dom``), and every span points into
it. The title comes from the block the page marks as its title, its first-level heading or its
``<title>`` (``_title`` says which), metadata from its head; lists of links to other
pages, stock phrases and Project Gutenberg's licence are furniture; footnotes are resolved from the page's links
(``html_notes``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser

from footnoted.ingest.dom import Extractor
from footnoted.ingest.html_notes import link_footnotes
from footnoted.ingest.package import stated_title
from footnoted.ingest.text import FURNITURE, Layout
from footnoted.types import Block, Footnote, Span

# The class exporters give the paragraph or heading that holds a document's title: pandoc's and
# docutils' <h1 class="title">, Google Docs' <p class="title">, Word's <p class=MsoTitle>.
_TITLE_CLASS = re.compile(r"(?:^|\s)(?:Mso)?title(?:\s|$)", re.IGNORECASE)
_FILE_NAME = re.compile(r"\S+\.(?:x?html?|docx?|odt|rtf|md|txt|pdf)", re.IGNORECASE)
"""A ``<title>`` that is the file's name, as an editor sets it when no title is given."""


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
    layout = Layout(blocks=ex.blocks, title=_title(tree, source, ex), metadata=_meta(tree))
    for key, value in _title_block_facts(source, ex, layout.title).items():
        layout.metadata.setdefault(key, value)
    _mark_link_lists(source, ex, layout)
    notes = link_footnotes(source, ex, layout)
    return HtmlLayout(source=source, layout=layout, footnotes=notes.footnotes, hints=notes.hints)


def _title(tree: LexborHTMLParser, source: str, ex: Extractor) -> str:
    """The page's title, as its author wrote it.

    A title its exporter marks as such comes first. Otherwise the first-level heading is preferred
    to ``<title>``, which sites suffix with their name ("Report — Example Org") and editors fill with
    a placeholder or the file's name, but only where it is the page's heading: ``<title>`` names it,
    or it is the only one. Several first-level headings that ``<title>`` does not name are the
    sections of a page whose title is ``<title>`` (LibreOffice's export of a document whose
    sections are Heading 1), and so is a ``<title>`` that is also the text above the first one."""
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and og.attributes.get("content"):
        return str(og.attributes["content"]).strip()
    blocks = ex.blocks
    headings = [b for b in blocks if b.kind == "heading"]
    marked = _marked_title(source, ex, headings[0].start if headings else len(source))
    if marked:
        return marked
    h1s = [_words(source, b) for b in headings if b.level == 1]
    node = tree.css_first("title")
    stated = " ".join(node.text().split()) if node is not None else ""
    if not stated_title(stated) or _FILE_NAME.fullmatch(stated):
        stated = ""  # a placeholder ("Untitled") or the file's name: no one's title
    if not h1s or not stated:
        return h1s[0] if h1s else stated
    named = _named(stated, h1s)
    if named:
        return named
    first = next(b for b in headings if b.level == 1)
    lead = (_words(source, b) for b in blocks if b.end <= first.start)
    if len(h1s) > 1 or stated.casefold() in (text.casefold() for text in lead):
        return stated
    return h1s[0]


def _marked_title(source: str, ex: Extractor, first_heading: int) -> str:
    """The text of the block its exporter marks as the title (by its class), where no heading
    comes before it."""
    for index, e in enumerate(ex.elements):
        if e.start > first_heading:
            break
        if e.block == index and _TITLE_CLASS.search(str(e.attrs.get("class") or "")):
            text = " ".join(source[e.start : e.end].split())
            if text:
                return text
    return ""


def _named(stated: str, h1s: list[str]) -> str:
    """The first-level heading that ``<title>`` is, else one it starts with ("Report — Example Org"),
    else one it ends with ("Example Org | Report"); '' if none."""
    folded = stated.casefold()
    for fits in (
        lambda h: folded == h,
        lambda h: folded.startswith(h) and not folded[len(h)].isalnum(),
        lambda h: folded.endswith(h) and not folded[-len(h) - 1].isalnum(),
    ):
        for h1 in h1s:
            if h1 and fits(h1.casefold()):
                return h1
    return ""


def _words(source: str, block: Block) -> str:
    return " ".join(source[block.start : block.end].split())  # a heading may hold a <br>


# What a page's <meta> elements state, by their name (or property), and the fact each gives. Where
# several name the author (Highwire's citation_author, one per author), they are joined by "; ". A
# date the exporter stamps when it writes (LibreOffice's DCTERMS.issued and .modified) is not the
# document's.
_META = {
    "author": "author",
    "dc.creator": "author",
    "dcterms.creator": "author",
    "citation_author": "author",
    "date": "date",
    "dc.date": "date",
    "dcterms.date": "date",
    "citation_date": "date",
    "citation_publication_date": "date",
    "article:published_time": "date",
    "og:site_name": "publisher",
    "citation_publisher": "publisher",
}


def _meta(tree: LexborHTMLParser) -> dict[str, str]:
    stated: dict[str, tuple[str, list[str]]] = {}  # a fact: the first name that states it, and its values
    for node in tree.css("meta"):
        key = (node.attributes.get("name") or node.attributes.get("property") or "").lower()
        value = " ".join((node.attributes.get("content") or "").split())
        if key not in _META or not value:
            continue
        name, values = stated.setdefault(_META[key], (key, []))
        if name == key and value not in values:
            values.append(value)
    return {fact: "; ".join(values) if fact == "author" else values[0] for fact, (_, values) in stated.items()}


# The classes pandoc (<p class="author">, <p class="date">) and LibreOffice's XHTML export
# (<p class="Author">) give the lines of a title block, and so this reader's .docx and .odt pages.
_FACT_CLASS = re.compile(r"(?:^|\s)(author|date)(?:\s|$)", re.IGNORECASE)


def _title_block_facts(source: str, ex: Extractor, title: str) -> dict[str, str]:
    """The author(s) and date its title block states, as lines marked by their class, above the
    first heading that is not the title itself: below it, an "author" line is a quotation's or a
    comment's, not the document's."""
    found: dict[str, list[str]] = {}
    headings = 0
    for index, e in enumerate(ex.elements):
        if e.block != index:
            continue
        classes = str(e.attrs.get("class") or "")
        text = " ".join(source[e.start : e.end].split())
        if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            headings += 1
            if not (_TITLE_CLASS.search(classes) or (headings == 1 and text == title)):
                break
        fact = _FACT_CLASS.search(classes)
        if fact and text and e.tag in ("p", "div", "address"):
            found.setdefault(fact[1].lower(), []).append(text)
    facts = {"author": "; ".join(found["author"])} if "author" in found else {}
    if "date" in found:
        facts["date"] = found["date"][0]
    return facts


_NAVIGATION = re.compile(r"(?:Next|Previous|Prev|Up):\s")
_GUTENBERG = re.compile(r"\*\*\*\s*(?:START|END) OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK", re.IGNORECASE)
"""The line that opens or closes a Project Gutenberg book's licence, in the ``<pre>`` of its older
pages (newer ones set it in a ``pg-boilerplate`` section: chrome)."""


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
        chrome = b.kind != "heading" and ((len(text) < 80 and FURNITURE.match(text)) or _GUTENBERG.search(text))
        if chrome or any(f.contains(Span(b.start, b.end)) for f in furniture):
            blocks.append(Block("furniture", b.start, b.end))
        else:
            blocks.append(b)
    layout.blocks = blocks
