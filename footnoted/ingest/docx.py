"""Word files (.docx): their body, footnotes and endnotes, through mammoth's HTML.

mammoth writes a .docx as plain semantic HTML: Word's heading styles as ``<h1>``..``<h6>``, lists,
tables, and each footnote or endnote reference as ``<sup><a href="#footnote-N">[1]</a></sup>``
pointing at an ``<li id="footnote-N">`` of a closing list. The HTML reader links those as it links
any exporter's notes, so a note keeps all its paragraphs and its marker is exactly ``[1]``. The
document's source is the text the HTML reader extracts; spans point into it. Images are left out.
Title, author and dates come from the package's core properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from footnoted.errors import IngestError

_MAX_UNPACKED = 256 * 1024 * 1024
"""Bytes a .docx's text parts may unpack to (a zip bomb is refused before it is read)."""
# Paragraph styles mammoth leaves as plain paragraphs but that say what a paragraph is.
_STYLES = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => p.subtitle:fresh",
        "p[style-name='Quote'] => blockquote > p:fresh",
        "p[style-name='Intense Quote'] => blockquote > p:fresh",
        "p[style-name='Block Text'] => blockquote > p:fresh",
    ]
)
_CORE = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "author",
    "{http://purl.org/dc/elements/1.1/}subject": "subject",
    "{http://purl.org/dc/terms/}created": "created",
}
_UNSET = re.compile(r"^(?:untitled|document\d*|\W*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocxHtml:
    """A Word file as HTML, and what its core properties say."""

    html: str
    title: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def read_docx(data: bytes, name: str) -> DocxHtml:
    """The HTML of a .docx file, with its notes, and its core properties.

    Raises:
        IngestError: the file is not a .docx (a legacy .doc, another zip), is damaged, or unpacks
            to more than 256 MB of text.
    """
    if not data.startswith(b"PK\x03\x04"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise IngestError(f"{name}: a Word 97-2003 .doc file, not .docx; save it as .docx (or PDF) first")
        raise IngestError(f"{name}: not a .docx file (it is not a zip package)")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        parts = {info.filename: info for info in package.infolist()}
        if "word/document.xml" not in parts:
            raise IngestError(f"{name}: not a Word document (the package has no word/document.xml)")
        unpacked = sum(info.file_size for path, info in parts.items() if path.endswith((".xml", ".rels")))
        if unpacked > _MAX_UNPACKED:
            raise IngestError(f"{name}: its text parts unpack to {unpacked:,} bytes, over {_MAX_UNPACKED:,}")
        facts = _core_properties(package) if "docProps/core.xml" in parts else {}
        import mammoth

        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=_STYLES,
            convert_image=mammoth.images.img_element(lambda image: {"alt": image.alt_text or ""}),
        )
    except IngestError:
        raise
    except Exception as exc:
        # A damaged package fails in zipfile, the XML parser or mammoth, with their own errors.
        raise IngestError(f"{name}: cannot read the .docx, it may be damaged ({type(exc).__name__}: {exc})") from None
    title = facts.pop("title", "")
    return DocxHtml(result.value, "" if _UNSET.match(title) else title, facts)


def _core_properties(package: zipfile.ZipFile) -> dict[str, str]:
    """Title, author, subject and creation date where the document sets them."""
    root = ElementTree.fromstring(package.read("docProps/core.xml"))
    out: dict[str, str] = {}
    for element in root:
        key = _CORE.get(element.tag)
        text = " ".join((element.text or "").split())
        if key and text:
            out[key] = text[:10] if key == "created" else text
    return out
