"""Structure and footnotes of an HTML document.

The source text of an HTML document is its extracted text: block elements are separated by
blank lines, whitespace inside a block is collapsed as a browser would, and every span points
into that text. Page furniture (scripts, navigation, site headers and footers, share bars,
lists of links to other pages, permalink pilcrows) is left out or marked; footnotes linked the
usual ways are resolved from the links themselves: ``<sup><a href="#fn1">1</a></sup>`` to an
endnotes list (pandoc, Python-Markdown, markdown-it, Wikipedia), docutils and Sphinx footnotes
(``<aside>``, ``<dl>`` or ``<table>``), and the anchors of Word, LibreOffice and Google Docs
exports. A note's text leaves out its label and the back-links to its markers.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from footnoted.ingest.footnotes import NOTES_HEADING
from footnoted.ingest.text import FURNITURE, Layout
from footnoted.types import Block, Footnote, Span

_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "iframe",
        "object",
        "canvas",
        "button",
        "select",
        "input",
        "textarea",
        "nav",
        "map",
        "audio",
        "video",
        "-comment",
    }
)
_PAGE_CHROME = frozenset({"header", "footer", "aside"})
_CHROME_HINT = re.compile(
    r"\b(?:nav|navbar|menu|breadcrumbs?|sidebar|share|social|cookie|skip-?link|site-?header|site-?footer)\b",
    re.IGNORECASE,
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "table",
        "tr",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "hr",
        "address",
        "details",
        "summary",
        "caption",
        "body",
        "header",
        "footer",
        "aside",
        "center",
        "form",
        "fieldset",
        "hgroup",
    }
)
_CELL = frozenset({"td", "th"})
_NOTE_CONTAINER = re.compile(r"foot-?notes?|end-?notes?|^notes$|fn-?list", re.IGNORECASE)
_REPEAT_SUFFIX = re.compile(r":\d+$")  # markdown-it numbers a note's second marker "1:1"
_NOTE_ROLES = frozenset({"doc-footnote", "doc-endnote", "doc-endnotes", "note"})
_PERMALINK = re.compile(r"\b(?:headerlink|header-?anchor|anchor-?link|permalink)\b", re.IGNORECASE)
# Before a note's text: its label, back-links to its markers, and the punctuation around them
# ("[1]", "(1, 2)", "^ a b").
_LEAD_PUNCT = re.compile(r"[\s\[\]()^,.:;↑↩\ufe0e]*")
_LEAD_CLOSERS = re.compile(r"[\s\]),.:;]*")
_LABEL = re.compile(r"^(?:\d{1,3}|[a-z]|[ivx]{1,4}|[*†‡§]{1,3})$", re.IGNORECASE)
_BACKLINK_TEXT = re.compile(r"[\s↩↑^⤴︎\ufe0e]*(?:back|return)?[\s↩↑^⤴︎\ufe0e]*$", re.IGNORECASE)


@dataclass(slots=True)
class _Element:
    tag: str
    attrs: dict[str, str | None]
    start: int
    end: int = -1
    block: int = -1
    """Index of the innermost enclosing block element (itself, for a block element)."""
    parent: int = -1
    """Index of the block element enclosing this one (never itself)."""
    last: int = -1
    """Index of its last descendant: elements are kept in document order, so its descendants are
    exactly ``elements[own index + 1 : last + 1]``."""


@dataclass(frozen=True, slots=True)
class _Exit:
    """Marks where the walk leaves an element."""

    index: int
    tag: str
    block: bool


@dataclass(slots=True)
class HtmlLayout:
    """An HTML document's extracted text, its structure and its structurally linked footnotes."""

    source: str
    layout: Layout
    footnotes: list[Footnote] = field(default_factory=list)
    hints: list[Span] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Extractor:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = False
        self.blocks: list[Block] = []
        self.run_start = -1
        self.kinds: list[tuple[str, int]] = [("paragraph", 0)]
        self.elements: list[_Element] = []
        self.block_stack: list[int] = [-1]
        self.pre = 0

    def text(self, raw: str) -> None:
        if not self.pre:
            raw = re.sub(r"[ \t\n\r\f\v]+", " ", raw)
            if self.run_start < 0:
                raw = raw.lstrip(" ")
            if not raw:
                return
            if self.space and not raw.startswith(" "):
                raw = " " + raw
            self.space = raw.endswith(" ")
            raw = raw.rstrip(" ")
            if not raw:
                return
        if self.run_start < 0:
            if self.length:
                self._emit("\n\n")
            self.run_start = self.length
        self._emit(raw)

    def _emit(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def boundary(self) -> None:
        """End the current run of text: it becomes a block of the innermost block element's kind."""
        if self.run_start >= 0:
            kind, level = self.kinds[-1]
            end = self.length
            # Outside <pre> runs never end in whitespace (text() strips it); inside, trim the tail.
            for part in reversed(self.parts):
                stripped = len(part.rstrip())
                end -= len(part) - stripped
                if stripped or end <= self.run_start:
                    break
            if end > self.run_start:
                self.blocks.append(Block(kind, self.run_start, end, level))  # type: ignore[arg-type]
        self.run_start = -1
        self.space = False

    def walk(self, root: LexborNode) -> None:
        """Visit the tree in document order without recursion (pages can nest thousands deep)."""
        stack: list[LexborNode | _Exit] = list(reversed(list(root.iter(include_text=True))))
        while stack:
            item = stack.pop()
            if isinstance(item, _Exit):
                self._leave(item)
                continue
            tag = item.tag
            if tag == "-text":
                self.text(item.text(deep=False) or "")
                continue
            if tag is None or tag in _SKIP:
                continue
            attrs = item.attributes
            if (attrs or tag in _PAGE_CHROME) and _is_chrome(item, tag, attrs):
                continue
            if tag == "br":
                if self.pre:
                    self._emit("\n")
                else:
                    self.boundary()
                continue
            stack.append(self._enter(tag, attrs))
            stack.extend(reversed(list(item.iter(include_text=True))))

    def _enter(self, tag: str, attrs: dict[str, str | None]) -> _Exit:
        block = tag in _BLOCK
        if block:
            self.boundary()
            self.kinds.append(_kind(tag, self.kinds[-1]))
        elif tag in _CELL and self.run_start >= 0:
            self.space = True
        index = len(self.elements)
        start = self.length + (2 if block and self.length else 0)
        parent = self.block_stack[-1]
        self.elements.append(_Element(tag, attrs, start, block=index if block else parent, parent=parent))
        if block:
            self.block_stack.append(index)
        if tag == "pre":
            self.pre += 1
        return _Exit(index, tag, block)

    def _leave(self, exit: _Exit) -> None:
        if exit.tag == "pre":
            self.pre -= 1
        element = self.elements[exit.index]
        element.last = len(self.elements) - 1
        if exit.block:
            self.boundary()
            self.kinds.pop()
            self.block_stack.pop()
        element.end = self.length
        if element.start > element.end:
            element.start = element.end
        if not exit.block and self.run_start >= 0 and element.start < self.run_start:
            element.start = self.run_start


def _kind(tag: str, parent: tuple[str, int]) -> tuple[str, int]:
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "heading", int(tag[1])
    if tag == "li" or tag == "dd":
        return "list_item", 0
    if parent[0] in ("heading", "list_item") and tag not in ("ul", "ol", "table"):
        return parent
    return "paragraph", 0


def _is_chrome(node: LexborNode, tag: str, attrs: dict[str, str | None]) -> bool:
    if attrs.get("role") in ("navigation", "banner", "contentinfo", "search") or "hidden" in attrs:
        return True
    hint = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if tag == "a" and _PERMALINK.search(hint):
        return True  # a heading's pilcrow
    if (
        attrs.get("role") in _NOTE_ROLES
        or _NOTE_CONTAINER.search(hint)
        or _NOTE_CONTAINER.search(attrs.get("epub:type") or "")
    ):
        return False  # notes in an <aside> (docutils, Sphinx, EPUB) or a <footer> are the page's own
    if tag in _PAGE_CHROME and not _inside(node, ("article", "main")):
        return True
    return bool(_CHROME_HINT.search(hint))


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False


def read_html(raw: str) -> HtmlLayout:
    """Extract the text and structure of an HTML page, and the footnotes its links declare."""
    tree = LexborHTMLParser(raw)
    ex = _Extractor()
    root = tree.body or tree.root
    if root is not None:
        ex.walk(root)
    ex.boundary()
    source = "".join(ex.parts)
    layout = Layout(blocks=ex.blocks, title=_title(tree, source, ex.blocks), metadata=_meta(tree))
    page = HtmlLayout(source=source, layout=layout)
    _mark_link_lists(source, ex, layout)
    _link_footnotes(source, ex, page)
    return page


def _title(tree: LexborHTMLParser, source: str, blocks: list[Block]) -> str:
    og = tree.css_first('meta[property="og:title"]')
    if og is not None and og.attributes.get("content"):
        return str(og.attributes["content"]).strip()
    h1 = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    if h1 is not None:
        return source[h1.start : h1.end].strip()
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


def _mark_link_lists(source: str, ex: _Extractor, layout: Layout) -> None:
    """Lists whose items are nothing but links to other pages, and stock phrases, are furniture."""
    furniture: list[Span] = []
    items: dict[int, int] = {}
    for e in ex.elements:
        if e.tag == "li":
            items[e.parent] = items.get(e.parent, 0) + 1
    for index, el in enumerate(ex.elements):
        if el.tag not in ("ul", "ol") or el.end <= el.start or items.get(index, 0) < 2:
            continue
        links = [e for e in ex.elements[index + 1 : el.last + 1] if e.tag == "a"]
        link_chars = sum(len(source[e.start : e.end].replace(" ", "")) for e in links)
        text_chars = sum(1 for c in source[el.start : el.end] if not c.isspace())
        internal = any(str(e.attrs.get("href") or "").startswith("#") for e in links)
        if not internal and link_chars >= 0.9 * max(text_chars, 1):
            furniture.append(Span(el.start, el.end))
    blocks = []
    for b in layout.blocks:
        text = source[b.start : b.end]
        chrome = b.kind != "heading" and len(text) < 80 and FURNITURE.match(text)
        if chrome or any(f.contains(Span(b.start, b.end)) for f in furniture):
            blocks.append(Block("furniture", b.start, b.end))
        else:
            blocks.append(b)
    layout.blocks = blocks


def _link_footnotes(source: str, ex: _Extractor, page: HtmlLayout) -> None:
    """Resolve ``<a href="#id">`` markers to the note elements they point at."""
    targets: dict[str, int] = {}
    for i, el in enumerate(ex.elements):
        for key in ("id", "name"):
            value = el.attrs.get(key)
            if value:
                targets.setdefault(str(value), i)
    links: list[tuple[str, int, _Element]] = []  # (label, the note's block, the marker)
    for el in ex.elements:
        href = str(el.attrs.get("href") or "")
        if el.tag != "a" or not href.startswith("#") or len(href) < 2 or href[1:] not in targets:
            continue
        label = _REPEAT_SUFFIX.sub("", source[el.start : el.end].strip(" []()^\u00a0"))
        if not _LABEL.match(label):
            continue
        target = ex.elements[targets[href[1:]]]
        container_index = target.block if target.tag not in _BLOCK else targets[href[1:]]
        if container_index < 0:
            continue
        container = ex.elements[container_index]
        if container.start <= el.start or container.tag.startswith("h"):
            continue  # a link back up the page, or to a heading: not a note
        if (
            container.tag in ("section", "article", "main", "body", "ol", "ul")
            or container.end - container.start > 20000
        ):
            continue
        links.append((label, container_index, el))
    if not links:
        page.hints = [Span(e.start, e.end) for e in ex.elements if e.tag == "sup" and e.end > e.start]
        _numbered_endnotes(source, ex, page)
        return
    blocks = {index for _, index, _ in links}
    markers = [Span(el.start, el.end) for _, _, el in links]
    notes: dict[int, tuple[str, list[Span]]] = {}
    for label, index, el in links:
        notes.setdefault(_note_block(ex, index, blocks, markers), (label, []))[1].append(Span(el.start, el.end))
    for index, (label, spans) in sorted(notes.items(), key=lambda kv: ex.elements[kv[0]].start):
        start, end = _note_text(source, ex, targets, index, label)
        if start < end:  # an element holding nothing but its label (a jump to "A" of an index) is no note
            page.footnotes.append(Footnote(label, source[start:end], start, end, tuple(spans)))
    _mark_notes(page)


def _note_block(ex: _Extractor, index: int, blocks: set[int], markers: list[Span]) -> int:
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


def _note_text(source: str, ex: _Extractor, targets: dict[str, int], index: int, label: str) -> tuple[int, int]:
    """A note element's text without its label and the back-links to its markers.

    A docutils ``<dt>`` label is followed by the note's ``<dd>``: the note spans both.
    """
    container = ex.elements[index]
    start, end, last = container.start, container.end, container.last
    if container.tag == "dt" and last + 1 < len(ex.elements):
        body = ex.elements[last + 1]
        if body.tag == "dd" and body.parent == container.parent:
            end, last = body.end, body.last
    backlinks = [
        Span(el.start, el.end)
        for el in ex.elements[index + 1 : last + 1]
        if el.tag == "a" and el.end > el.start and _points_above(el, ex, targets, container.start)
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


def _points_above(link: _Element, ex: _Extractor, targets: dict[str, int], offset: int) -> bool:
    """A link to an element of the page that starts before ``offset`` (a note's back-link)."""
    href = str(link.attrs.get("href") or "")
    target = targets.get(href[1:]) if href.startswith("#") else None
    return target is not None and ex.elements[target].start < offset


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


def _numbered_endnotes(source: str, ex: _Extractor, page: HtmlLayout) -> None:
    """An ``<ol>`` of notes with ``<sup>`` markers and no links: number the items as a browser would."""
    for i, el in enumerate(ex.elements):
        if el.tag != "ol":
            continue
        hint = f"{el.attrs.get('class') or ''} {el.attrs.get('id') or ''}"
        parent = ex.elements[el.parent] if el.parent >= 0 else None
        parent_hint = f"{parent.attrs.get('class') or ''} {parent.attrs.get('id') or ''}" if parent else ""
        heading_before = next(
            (b for b in reversed(page.layout.blocks) if b.end <= el.start and b.kind == "heading"), None
        )
        titled = heading_before is not None and NOTES_HEADING.match(source[heading_before.start : heading_before.end])
        if not (_NOTE_CONTAINER.search(hint) or _NOTE_CONTAINER.search(parent_hint) or titled):
            continue
        first = int(str(el.attrs.get("start") or "1")) if str(el.attrs.get("start") or "1").isdigit() else 1
        items = [j for j in range(i + 1, el.last + 1) if ex.elements[j].tag == "li" and ex.elements[j].parent == i]
        for n, item in enumerate(items, start=first):
            label = str(n)
            markers = tuple(
                s for s in page.hints if source[s.start : s.end].strip("[]() ") == label and s.end <= el.start
            )
            start, end = _note_text(source, ex, {}, item, label)
            if start < end:
                page.footnotes.append(Footnote(label, source[start:end], start, end, markers))
    labels = {f.label for f in page.footnotes}
    page.hints = [s for s in page.hints if source[s.start : s.end].strip("[]() ") not in labels]
    _mark_notes(page)


def _mark_notes(page: HtmlLayout) -> None:
    """Blocks that overlap a note body become ``note`` blocks (note spans never overlap each other)."""
    spans = sorted((f.start, f.end) for f in page.footnotes)
    starts = [s for s, _ in spans]

    def in_note(block: Block) -> bool:
        i = bisect.bisect_right(starts, block.end - 1) - 1  # the last note starting before the block ends
        return i >= 0 and spans[i][1] > block.start

    page.layout.blocks = [Block("note", b.start, b.end) if in_note(b) else b for b in page.layout.blocks]
