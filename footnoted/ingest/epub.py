"""EPUB books: their chapters in reading order as one HTML page, notes linked across chapters.

An EPUB is a zip of XHTML files in the order its package (``.opf``) spine gives. Notes sit at
the end of each chapter or in a notes file of their own, and a marker links to its note by
``file.xhtml#id``. The chapters' bodies are joined in spine order (non-linear items too: a notes
file often is one; the navigation document is left out) and every id and link is rewritten to
be unique in the joined page ("c3-fn1" for ``fn1`` of the third file), so numbering that
restarts per chapter still links each marker to its own chapter's note. The HTML reader then
reads the page (EPUB 3's ``epub:type`` noteref/footnote/endnote included). Title, author and
date come from the package's Dublin Core metadata.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote
from xml.etree import ElementTree

from footnoted.errors import IngestError
from footnoted.ingest.package import PackageHtml, open_package

_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF = "{http://www.idpf.org/2007/opf}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_XHTML = ("application/xhtml+xml", "text/html")
_BODY = re.compile(r"^<body[^>]*>|</body>$", re.IGNORECASE)


def read_epub(data: bytes, name: str) -> PackageHtml:
    """The chapters of an EPUB as one HTML page, and its title, author and date.

    Raises:
        IngestError: the file is not an EPUB, is damaged, or unpacks to more than 256 MB of text.
    """
    try:
        package = open_package(
            data, name, "an EPUB file", "META-INF/container.xml", (".xhtml", ".html", ".htm", ".xml", ".opf")
        )
        parts = set(package.namelist())
        container = ElementTree.fromstring(package.read("META-INF/container.xml"))
        rootfile = container.find(f".//{_CONTAINER}rootfile")
        opf_path = rootfile.get("full-path", "") if rootfile is not None else ""
        if opf_path not in parts:
            raise IngestError(f"{name}: its container names no package document that it holds")
        opf = ElementTree.fromstring(package.read(opf_path))
        chapters = _spine(opf, posixpath.dirname(opf_path))
        html = "".join(
            _chapter(package.read(path).decode("utf-8", errors="replace"), path, chapters)
            for path in chapters
            if path in parts
        )
    except IngestError:
        raise
    except Exception as exc:
        # A damaged package fails in zipfile or the XML parser, with their own errors.
        raise IngestError(f"{name}: cannot read the EPUB, it may be damaged ({type(exc).__name__}: {exc})") from None
    facts = _metadata(opf)
    title = facts.pop("title", "")
    return PackageHtml(f"<html><head><title>{_escape(title)}</title></head><body>{html}</body></html>", title, facts)


def _spine(opf: ElementTree.Element, base: str) -> dict[str, str]:
    """The package's XHTML files in reading order, each with the key its ids get ("c1", "c2", ...)."""
    items = {}
    for item in opf.iter(f"{_OPF}item"):
        if item.get("media-type") in _XHTML and "nav" not in (item.get("properties") or "").split():
            items[item.get("id")] = posixpath.normpath(posixpath.join(base, unquote(item.get("href") or "")))
    order = [items[ref.get("idref")] for ref in opf.iter(f"{_OPF}itemref") if ref.get("idref") in items]
    return {path: f"c{n}" for n, path in enumerate(dict.fromkeys(order), start=1)}


def _chapter(xhtml: str, path: str, chapters: dict[str, str]) -> str:
    """One file's body, its ids and the links into the book rewritten to the joined page's ids."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(xhtml)
    body = tree.body
    if body is None:
        return ""
    key = chapters[path]
    for node in body.css("[id]"):
        node.attrs["id"] = f"{key}-{node.attrs['id']}"
    for node in body.css("a[href]"):
        href = node.attrs.get("href") or ""
        target, _, fragment = href.partition("#")
        if "://" in target or target.startswith("mailto:"):
            continue
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(target))) if target else path
        if resolved in chapters and fragment:
            node.attrs["href"] = f"#{chapters[resolved]}-{fragment}"
        elif resolved in chapters:
            node.attrs["href"] = f"#{chapters[resolved]}"
    return f'<section id="{key}">{_BODY.sub("", body.html or "")}</section>'


def _metadata(opf: ElementTree.Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag, key in (("title", "title"), ("creator", "author"), ("date", "date"), ("publisher", "publisher")):
        element = opf.find(f".//{_DC}{tag}")
        text = " ".join((element.text or "").split()) if element is not None else ""
        if text:
            out[key] = text
    return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
