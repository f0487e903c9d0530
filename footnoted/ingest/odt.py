"""OpenDocument text (.odt, as LibreOffice, pandoc and Google Docs write it, and its flat XML
form, .fodt): body, notes, metadata.

The document's ``content.xml`` is written out as plain semantic HTML, as the .docx reader has
mammoth do: headings as ``<h1>``..``<h6>`` (and a paragraph in the Title style as ``<h1>``),
paragraphs, lists, tables, and each footnote or endnote as a reference
``<sup><a href="#footnote-N">[1]</a></sup>`` in the text pointing at an ``<li id="footnote-N">``
of a closing list, labelled with the citation the document shows ("1", or "i" for LibreOffice's
endnotes). The HTML reader then links those as it links any exporter's notes. Left out: tracked
deletions, comments, hidden text (in a hidden style too), images, and generated indexes (a table of contents repeats the
headings). Title, author, subject and date come from ``meta.xml`` (in an .fodt, its ``office:meta``).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from xml.etree import ElementTree

from footnoted.errors import IngestError
from footnoted.ingest.html_notes import LETTERS, NOTE_LABEL
from footnoted.ingest.package import PackageHtml, open_package, stated_title

_NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
_MIMETYPE = "application/vnd.oasis.opendocument.text"


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


_BLOCKS = {_q("text:p"), _q("text:h")}
_SKIP = {
    _q(n)
    for n in (
        "text:tracked-changes",  # the text of tracked deletions
        "office:annotation",
        "office:annotation-end",
        "text:note-citation",  # read by the note itself
        "text:table-of-content",
        "text:alphabetical-index",
        "text:bibliography",
        "text:illustration-index",
        "text:table-index",
        "text:object-index",
        "text:user-index",
        "office:forms",
        "text:sequence-decls",
        "text:variable-decls",
        "text:user-field-decls",
        "table:covered-table-cell",
        "draw:image",
        "draw:object",
    )
}
_HIDDEN = {_q("text:hidden-paragraph"), _q("text:hidden-text")}
_CONTAINERS = {
    _q("text:list"): "ul",
    _q("text:list-item"): "li",
    _q("text:list-header"): "li",
    _q("table:table"): "table",
    _q("table:table-row"): "tr",
    _q("table:table-cell"): "td",
}
_META = {
    _q("dc:title"): "title",
    _q("dc:creator"): "author",
    _q("meta:initial-creator"): "author",
    _q("dc:subject"): "subject",
    _q("meta:creation-date"): "created",
}


def read_odt(data: bytes, name: str) -> PackageHtml:
    """The HTML of an OpenDocument text file (.odt, or the flat XML of an .fodt), with its notes,
    and what its metadata says.

    Raises:
        IngestError: the file is not an OpenDocument text (a spreadsheet, a presentation, another
            zip), is damaged, or unpacks to more than 256 MB of text.
    """
    kind = "an OpenDocument text file"
    try:
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            root = ElementTree.fromstring(data)  # flat XML: one document holds the meta, styles and body
            mimetype = root.get(_q("office:mimetype")) or _MIMETYPE
            if root.tag != _q("office:document") or mimetype != _MIMETYPE:
                raise IngestError(
                    f"{name}: not {kind} (its XML is {root.tag.split('}')[-1]!r}, type {mimetype[:80]!r})"
                )
            meta: ElementTree.Element | None = root
            style_roots = [root]
        else:
            package = open_package(data, name, kind, "content.xml", (".xml",))
            parts = set(package.namelist())
            if "mimetype" in parts:
                mimetype = package.read("mimetype").decode("ascii", "replace").strip()
                if mimetype != _MIMETYPE:
                    raise IngestError(f"{name}: not {kind} (its type is {mimetype[:80]!r})")
            root = ElementTree.fromstring(package.read("content.xml"))
            meta = ElementTree.fromstring(package.read("meta.xml")) if "meta.xml" in parts else None
            style_roots = [root]
            if "styles.xml" in parts:
                style_roots.append(ElementTree.fromstring(package.read("styles.xml")))
        body = root.find("office:body/office:text", _NS)
        if body is None:
            raise IngestError(f"{name}: not {kind} (it has no text body)")
        facts = _metadata(meta) if meta is not None else {}
        writer = _Writer(_parent_styles(root), _hidden_styles(style_roots))
        writer.children(body)
    except IngestError:
        raise
    except Exception as exc:
        # A damaged package fails in zipfile or the XML parser (or nests past any real document).
        raise IngestError(f"{name}: cannot read the .odt, it may be damaged ({type(exc).__name__}: {exc})") from None
    title = facts.pop("title", "")
    return PackageHtml(writer.page(), stated_title(title), facts)


def _metadata(document: ElementTree.Element) -> dict[str, str]:
    meta = document.find("office:meta", _NS)
    out: dict[str, str] = {}
    for element in meta if meta is not None else ():
        key = _META.get(element.tag)
        text = " ".join((element.text or "").split())
        if key and text and key not in out:
            out[key] = text[:10] if key == "created" else text
    return out


def _left_out(element: ElementTree.Element) -> bool:
    """What a reader of the document does not see: deletions, comments, indexes, hidden text."""
    return element.tag in _SKIP or (element.tag in _HIDDEN and element.get(_q("text:is-hidden")) != "false")


def _parent_styles(root: ElementTree.Element) -> dict[str, str]:
    """Automatic paragraph styles ("P1") to the named style they derive from ("Title")."""
    out: dict[str, str] = {}
    for style in root.iterfind("office:automatic-styles/style:style", _NS):
        name, parent = style.get(_q("style:name")), style.get(_q("style:parent-style-name"))
        if name and parent:
            out[name] = parent
    return out


def _hidden_styles(roots: list[ElementTree.Element]) -> frozenset[str]:
    """The styles whose text is hidden (``text:display="none"``), or that derive from one."""
    parents: dict[str, str] = {}
    hidden: set[str] = set()
    for root in roots:
        for holder in ("office:styles", "office:automatic-styles"):
            for style in root.iterfind(f"{holder}/style:style", _NS):
                name = style.get(_q("style:name")) or ""
                parents[name] = style.get(_q("style:parent-style-name")) or ""
                props = style.find("style:text-properties", _NS)
                if props is not None and props.get(_q("text:display")) == "none":
                    hidden.add(name)
    out = set()
    for name in parents:
        seen, at = set(), name
        while at and at not in hidden and at not in seen:  # up its parents, to a hidden one or none
            seen.add(at)
            at = parents.get(at, "")
        if at in hidden:
            out.add(name)
    return frozenset(out)


@dataclass
class _Writer:
    """Writes the body out as HTML; notes are collected as they come and listed at the end."""

    styles: dict[str, str]
    hidden: frozenset[str] = frozenset()
    """The styles of hidden text: a span or paragraph in one is left out, as a reader does not see it."""
    out: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    after: list[list[str]] = field(default_factory=list)  # text boxes met inside a paragraph

    def page(self) -> str:
        if self.notes:
            self.out.append("<ol>")
            for n, body in enumerate(self.notes, start=1):
                self.out.append(f'<li id="footnote-{n}">{body}</li>')
            self.out.append("</ol>")
        return "<html><body>" + "".join(self.out) + "</body></html>"

    def children(self, element: ElementTree.Element) -> None:
        for child in element:
            self.block(child)

    def block(self, element: ElementTree.Element) -> None:
        if _left_out(element) or self.invisible(element):
            return
        if element.tag in _BLOCKS:
            self.paragraph(element)
            return
        # Lists and tables become their HTML elements; sections, header rows, soft page breaks and
        # anything new give their content, if any.
        html_tag = _CONTAINERS.get(element.tag)
        if html_tag:
            self.out.append(f"<{html_tag}>")
        self.children(element)
        if html_tag:
            self.out.append(f"</{html_tag}>")

    def paragraph(self, element: ElementTree.Element) -> None:
        style = element.get(_q("text:style-name")) or ""
        style = self.styles.get(style, style)
        if element.tag == _q("text:h"):
            level = element.get(_q("text:outline-level")) or "1"
            tag = f"h{min(6, max(1, int(level)))}" if level.isdigit() else "h1"
        elif style == "Title":
            tag = "h1"
        elif style in ("Quotations", "Quote"):
            tag = "blockquote"
        else:
            tag = "p"
        # A title block's lines as pandoc and LibreOffice style them: the page's reader takes its
        # author and date.
        marked = f' class="{style.lower()}"' if tag == "p" and style in ("Author", "Date") else ""
        self.after.append([])
        inline = "".join(self.inline(element))
        boxes = self.after.pop()
        self.out.append(f"<{tag}{marked}>{inline}</{tag}>")
        self.out.extend(boxes)

    def inline(self, element: ElementTree.Element) -> list[str]:
        parts = [html.escape(element.text or "")]
        for child in element:
            tag = child.tag
            if _left_out(child) or self.invisible(child):
                pass
            elif tag == _q("text:note"):
                parts.append(self.note(child))
            elif tag == _q("text:s"):
                count = child.get(_q("text:c")) or "1"
                parts.append(" " * min(int(count), 100) if count.isdigit() else " ")
            elif tag == _q("text:tab"):
                parts.append(" ")
            elif tag == _q("text:line-break"):
                parts.append("<br>")
            elif tag == _q("draw:frame") or tag == _q("draw:text-box"):
                self.text_boxes(child)
            else:  # spans, links, fields, bookmarks: their text
                parts.extend(self.inline(child))
            parts.append(html.escape(child.tail or ""))
        return parts

    def invisible(self, element: ElementTree.Element) -> bool:
        """In a style of hidden text."""
        return bool(self.hidden) and element.get(_q("text:style-name")) in self.hidden

    def text_boxes(self, element: ElementTree.Element) -> None:
        """A text box's paragraphs (a caption, a sidebar) follow the paragraph it is anchored in."""
        saved, self.out = self.out, []
        for box in element.iter(_q("draw:text-box")):
            self.children(box)
        self.after[-1].extend(self.out)
        self.out = saved

    def note(self, element: ElementTree.Element) -> str:
        n = len(self.notes) + 1
        citation = element.find("text:note-citation", _NS)
        label = " ".join("".join(citation.itertext()).split()) if citation is not None else ""
        if not NOTE_LABEL.match(label) and not LETTERS.fullmatch(label):
            label = str(n)  # a citation the HTML reader would not take
        saved, self.out = self.out, []
        body = element.find("text:note-body", _NS)
        self.after.append([])
        if body is not None:
            self.children(body)
        self.out.extend(self.after.pop())
        self.notes.append("".join(self.out))
        self.out = saved
        return f'<sup><a href="#footnote-{n}" id="footnote-ref-{n}">[{html.escape(label)}]</a></sup>'
