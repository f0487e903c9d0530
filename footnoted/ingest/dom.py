"""The text of an HTML page and its elements, from one walk over the parsed tree.

Block elements are separated by blank lines and whitespace inside a block collapses as a browser
would; a ``<br>`` is a line break inside its block (two in a row end it). Every element is kept
with its span in that text, in document order, so that what needs the page's structure (footnote
links, link lists) works on spans. Scripts, navigation, site headers and footers and heading
pilcrows are left out; notes in an ``<aside>`` and a ``<header>`` holding the page's title block are not.
A note written where it is cited (LaTeXML's ``ltx_note``, as arXiv serves papers; a sidenote of Tufte
CSS, ``<span class="sidenote">`` after its ``<label class="sidenote-number">``; Distill's
``<d-footnote>``) leaves its mark in the text, as a reader sees it, and its text is read after the
page's, a block of its own. The mark of a sidenote or a Distill note is the number the page's style
sheet or script draws (a counter, one more at each), written into the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborNode

from footnoted.types import Block

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
        "annotation",
        "annotation-xml",
    }
)
"""Left out; MathML's annotations (a formula's TeX) are never shown."""
_PAGE_CHROME = frozenset({"header", "footer", "aside"})
_CHROME_HINT = re.compile(
    r"\b(?:nav|navbar|menu|breadcrumbs?|sidebar|share|social|cookie|skip-?link|site-?header|site-?footer|mw-editsection"
    # LaTeXML's page header, footer, navigation bar and logo, and the licence and version arXiv
    # prints above a paper; Project Gutenberg's licence and "*** START OF THE PROJECT GUTENBERG
    # EBOOK ***" sections.
    r"|ltx_page_(?:header|footer|navbar|logo)|license-tr|watermark-tr|pg-boilerplate)\b",
    re.IGNORECASE,
)
_SECTION_CLASS = re.compile(
    r"\b(?:chapter|(?:sub)*section|appendix|unnumbered(?:sub)*(?:sec)?|section-level-extent|node)\b", re.IGNORECASE
)
"""The classes documentation generators give a section of the text (Texinfo's ``subsection``, a
``div class="section"`` of docutils and older Sphinx)."""
BLOCK_TAGS = frozenset(
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
_PLAIN = frozenset(
    {"span", "code", "em", "strong", "b", "i", "u", "s", "small", "big", "kbd", "samp", "var", "tt", "mark", "font"}
)
"""Inline elements no reader of the walk looks for: without an id or a name (a link's target) they
are walked through unrecorded, the text they hold emitted as it would be anyway. A page of
highlighted code holds thousands of them."""
NOTE_CONTAINER = re.compile(r"foot-?notes?|end-?notes?|^notes$|fn-?list", re.IGNORECASE)
_NOTE_ROLES = frozenset({"doc-footnote", "doc-endnote", "doc-endnotes", "note"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_SPACES = re.compile(r"[ \t\n\r\f\v]+")
_PERMALINK = re.compile(r"\b(?:headerlink|header-?anchor|anchor-?link|permalink)\b", re.IGNORECASE)
# A page's footer by class or id (Sphinx's "footer", Asciidoctor's "footer"): chrome as <footer> is,
# outside the page's <article> or <main>.
_FOOTER_HINT = re.compile(r"\bfooter\b", re.IGNORECASE)


@dataclass(slots=True)
class Element:
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


@dataclass(slots=True)
class InlineNote:
    """A note LaTeXML writes where it is cited: ``<span class="ltx_note ltx_role_footnote">`` holding
    its mark (``<sup class="ltx_note_mark">``) and its text (``ltx_note_outer``), shown beside the
    text or on hover. The mark stays in the text; the text is read after the page's."""

    role: str
    """``footnote``, ``endnote``, ``thanks``, ``footnotemark`` (a mark whose text a ``footnotetext``
    note gives) or ``footnotetext`` (a text with no mark of its own)."""
    at: int
    """Where it sits in the text."""
    mark: int = -1
    """Index of its mark in the text, else -1."""
    body: int = -1
    """Index of the element holding its text, read after the page's, else -1."""


class _Exit(NamedTuple):
    """Marks where the walk leaves an element (a tuple: made once per element, it must be cheap)."""

    element: int
    tag: str
    block: bool


class Extractor:
    """Walks a parsed page once: its text, its blocks and its elements with their spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.space = False
        self.blocks: list[Block] = []
        self.run_start = -1
        self.kinds: list[tuple[str, int]] = [("paragraph", 0)]
        self.elements: list[Element] = []
        self.block_stack: list[int] = [-1]
        self.pre = 0
        self.newline = False
        """A ``<br>`` was met in the current run: what follows it starts a line."""
        self.notes: list[InlineNote] = []
        self._deferred: list[tuple[LexborNode, InlineNote]] = []
        self._mark = -1  # the last LaTeXML note mark met in the text
        self._drawn = 0  # the marks drawn for sidenotes and Distill's notes so far
        self._in_notes = False  # reading the notes' texts, after the page's

    def text(self, raw: str) -> None:
        if not self.pre:
            raw = _SPACES.sub(" ", raw)
            if self.run_start < 0 or self.newline:
                raw = raw.lstrip(" ")
            if not raw:
                return
            if self.space and not raw.startswith(" ") and not self.newline:
                raw = " " + raw
            self.space = raw.endswith(" ")
            raw = raw.rstrip(" ")
            if not raw:
                return
            self.line_break()
        if self.run_start < 0:
            if self.length:
                self._emit("\n\n")
            self.run_start = self.length
        self._emit(raw)

    def _emit(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def line_break(self) -> None:
        """Emit the break a ``<br>`` left pending, now that something follows it in the block."""
        if self.newline:
            self.newline = False
            self._emit("\n")

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
        self.newline = False

    def walk(self, root: LexborNode) -> None:
        """Visit the tree in document order, then the texts of the notes written where they are cited,
        each a block of its own (a note inside a note's text comes after it)."""
        self._walk(root.child)
        self.boundary()
        self._in_notes = True
        while self._deferred:
            node, note = self._deferred.pop(0)
            exit = self._enter(node.tag or "span", node.attributes, block=True)
            note.body = exit.element
            self._walk(node.child)
            self._leave(exit)

    def _walk(self, node: LexborNode | None) -> None:
        """Visit ``node``, its siblings after it and all their descendants, in document order without
        recursion (pages can nest thousands deep).

        Each node is reached once, from its parent's first child or its previous sibling; the way
        back up is a stack of the elements entered, each with where the walk leaves it."""
        up: list[tuple[_Exit | None, LexborNode]] = []
        while True:
            while node is None:
                if not up:
                    return
                exit, node = up.pop()
                if exit is not None:
                    self._leave(exit)
                node = node.next
            tag = node.tag
            if tag == "-text":
                self.text(node.text_content or "")
            elif tag is not None and tag not in _SKIP:
                attrs = node.attributes
                if (
                    ((attrs or tag in _PAGE_CHROME) and _is_chrome(node, tag, attrs))
                    or ("note" in (attrs.get("class") or "") and self._inline_note(node, attrs))
                    or (tag == "d-footnote" and not self._in_notes and self._distill_note(node))
                ):
                    pass  # left out, or a note's text set aside to be read after the page's
                elif tag == "br":
                    if self.pre:
                        self._emit("\n")
                    elif self.newline:
                        self.boundary()  # two breaks in a row leave a blank line: a paragraph ends
                    elif self.run_start >= 0:
                        # A break inside the block, not between blocks; it is emitted only once text
                        # follows, so a block never ends in one.
                        self.newline = True
                        self.space = False
                elif tag in _PLAIN and "id" not in attrs and "name" not in attrs:
                    child = node.child
                    if child is not None and child.next is None and child.tag == "-text":
                        self.text(child.text_content or "")
                    elif child is not None:
                        up.append((None, node))
                        node = child
                        continue
                else:
                    up.append((self._enter(tag, attrs), node))
                    node = node.child
                    continue
            node = node.next

    def _inline_note(self, node: LexborNode, attrs: dict[str, str | None]) -> bool:
        """Read a part of a LaTeXML note or a sidenote; whether it was read here (left out, its number
        written, or its text set aside).

        A note's type ("footnote:", "thanks:") and the tag repeating its mark inside its text are never
        shown; nor is the mark of a ``footnotetext`` (a ``footnotemark`` elsewhere cites it)."""
        classes = str(attrs.get("class")).split()
        if "sidenote-number" in classes and not self._in_notes:
            # Tufte CSS draws the number after the (empty) label; it is written here, as shown.
            self._mark = self._drawn_number(node.tag or "label", attrs)
            return True
        if "sidenote" in classes and not self._in_notes:
            mark = self.elements[self._mark] if self._mark >= 0 else None
            if mark is None or mark.end != self.length or "sidenote-number" not in str(mark.attrs.get("class")):
                return False  # no number drawn just before it: read where it stands, as text
            note = InlineNote("footnote", self.length, mark=self._mark)
            self._mark = -1
            self._set_aside(node, note)
            return True
        if "ltx_note_type" in classes or ("ltx_tag_note" in classes and self._in_notes):
            return True
        if "ltx_note_mark" in classes and not self._in_notes:
            if _note_role(node.parent) == "footnotetext":
                return True
            self._mark = len(self.elements)  # the <sup> is about to be entered, with this index
            return False
        if "ltx_note_outer" not in classes:
            return False
        note = InlineNote(_note_role(node.parent), self.length)
        mark = self.elements[self._mark] if self._mark >= 0 else None
        if mark is not None and mark.end == self.length and note.role != "footnotetext":
            note.mark = self._mark  # its own mark, just read
        self._mark = -1
        if note.role == "footnotemark":  # its text holds nothing but its mark
            self.notes.append(note)
        else:
            self._set_aside(node, note)
        return True

    def _drawn_number(self, tag: str, attrs: dict[str, str | None]) -> int:
        """Write the next number of the page's note counter as an element of its own (a mark the
        page's style sheet or script draws, not in its HTML); its index."""
        self._drawn += 1
        exit = self._enter(tag, attrs)
        self.text(str(self._drawn))
        self._leave(exit)
        return exit.element

    def _distill_note(self, node: LexborNode) -> bool:
        """Distill's ``<d-footnote>``: its text is the note, and its script shows a number in its place."""
        mark = self._drawn_number("sup", {"class": "d-footnote-number"})
        self._set_aside(node, InlineNote("footnote", self.length, mark=mark))
        return True

    def _set_aside(self, node: LexborNode, note: InlineNote) -> None:
        """Keep ``note``, its text (``node``'s) to be read after the page's."""
        self.notes.append(note)
        self._deferred.append((node, note))

    def _enter(self, tag: str, attrs: dict[str, str | None], block: bool | None = None) -> _Exit:
        if block is None:
            block = tag in BLOCK_TAGS or (self._in_notes and "ltx_para" in str(attrs.get("class")).split())
        if block:
            self.boundary()
            self.kinds.append(_kind(tag, self.kinds[-1]))
        elif tag in _CELL and self.run_start >= 0:
            self.space = True
        else:
            self.line_break()  # an element after a break starts on the new line
        index = len(self.elements)
        start = self.length + (2 if block and self.length else 0)
        parent = self.block_stack[-1]
        self.elements.append(Element(tag, attrs, start, block=index if block else parent, parent=parent))
        if block:
            self.block_stack.append(index)
        if tag == "pre":
            self.pre += 1
        return _Exit(index, tag, block)

    def _leave(self, exit: _Exit) -> None:
        if exit.tag == "pre":
            self.pre -= 1
        element = self.elements[exit.element]
        element.last = len(self.elements) - 1
        if exit.block:
            self.boundary()
            self.kinds.pop()
            self.block_stack.pop()
        element.end = self.length
        if element.start > element.end:
            element.start = element.end
        if self._in_notes and exit.tag == "sup" and "ltx_note_mark" in str(element.attrs.get("class")).split():
            self.text(" ")  # a note's label, set apart from its text as the page shows it
        if not exit.block and self.run_start >= 0 and element.start < self.run_start:
            element.start = self.run_start


_NOTE_ROLE = re.compile(r"\bltx_role_(\w+)")


def _note_role(node: LexborNode | None) -> str:
    """The role of the LaTeXML note ``node`` is ("footnote", "thanks", ...), else ''."""
    classes = str(node.attributes.get("class")) if node is not None else ""
    found = _NOTE_ROLE.search(classes) if "ltx_note" in classes.split() else None
    return found[1] if found else ""


def _kind(tag: str, parent: tuple[str, int]) -> tuple[str, int]:
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return "heading", int(tag[1])
    if tag == "li" or tag == "dd":
        return "list_item", 0
    if parent[0] in ("heading", "list_item") and tag not in ("ul", "ol", "table"):
        return parent
    return "paragraph", 0


def _is_chrome(node: LexborNode, tag: str, attrs: dict[str, str | None]) -> bool:
    role = attrs.get("role")
    if role in _CHROME_ROLES or "hidden" in attrs:
        return True
    classes = attrs.get("class")
    # A section of the text names itself by its id ("Menu-Example", a manual's node on menus): its id
    # says what it is about, not that it is a site's menu.
    named = tag in ("section", "article") or (classes is not None and _SECTION_CLASS.search(classes) is not None)
    permalink, notes, chrome, footer = _hint(classes, None if named else attrs.get("id"))
    if tag == "a" and permalink:
        return True  # a heading's pilcrow
    if notes or role in _NOTE_ROLES or ("epub:type" in attrs and NOTE_CONTAINER.search(attrs["epub:type"] or "")):
        return False  # notes in an <aside> (docutils, Sphinx, EPUB) or a <footer> are the page's own
    if (
        (tag in _PAGE_CHROME or footer)
        and not _inside(node, ("article", "main"))
        and not (tag == "header" and _title_block(node))
    ):
        return True
    return chrome


def _title_block(node: LexborNode) -> bool:
    """A ``<header>`` that holds the page's title block (pandoc's: its ``<h1 class="title">``, author
    and date), not the site's name and menus: a first-level heading or a title, no navigation (lists,
    forms, links to other pages), and no first-level heading in the page's ``<article>`` or ``<main>``."""
    if node.css_first("h1, .title") is None or node.css_first("nav, ul, ol, menu, form") is not None:
        return False
    if any(not str(a.attributes.get("href")).startswith(("#", "mailto:")) for a in node.css("a[href]")):
        return False
    root = node
    while root.parent is not None:
        root = root.parent
    return root.css_first("article h1, main h1") is None


@functools.lru_cache(maxsize=8192)
def _hint(classes: str | None, id: str | None) -> tuple[bool, bool, bool, bool]:
    """What an element's class and id say: a permalink, notes, page chrome, a footer (pages repeat
    their classes thousands of times, so each is read once)."""
    hint = f"{classes or ''} {id or ''}"
    return (
        bool(_PERMALINK.search(hint)),
        bool(NOTE_CONTAINER.search(hint)),
        bool(_CHROME_HINT.search(hint)),
        bool(_FOOTER_HINT.search(hint)),
    )


def _inside(node: LexborNode, tags: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.parent
    return False
