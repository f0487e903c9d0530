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
from xml.etree import ElementTree

from footnoted.errors import IngestError
from footnoted.ingest.footnotes import roman
from footnoted.ingest.package import PackageHtml, open_package, stated_title

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


def read_docx(data: bytes, name: str) -> PackageHtml:
    """The HTML of a .docx file, with its notes, and its core properties.

    Raises:
        IngestError: the file is not a .docx (a legacy .doc, another zip), is damaged, or unpacks
            to more than 256 MB of text.
    """
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(f"{name}: a Word 97-2003 .doc file, not .docx; save it as .docx (or PDF) first")
    try:
        package = open_package(data, name, "a .docx file", "word/document.xml", (".xml", ".rels"))
        parts = set(package.namelist())
        facts = _core_properties(package) if "docProps/core.xml" in parts else {}
        formats = _note_formats(package, parts)
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
    return PackageHtml(_relabel(result.value, formats), stated_title(title), facts)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _note_formats(package: zipfile.ZipFile, parts: set[str]) -> dict[str, tuple[str, int]]:
    """How the document numbers its footnotes and endnotes, by kind: (Word's number format, the
    first number), from its settings and, overriding them, its last section's properties."""
    formats: dict[str, tuple[str, int]] = {}
    for part in ("word/settings.xml", "word/document.xml"):
        if part not in parts:
            continue
        root = ElementTree.fromstring(package.read(part))
        holders = [root] if part.endswith("settings.xml") else root.findall(f".//{_W}sectPr")[-1:]
        for holder in holders:
            for kind in ("footnote", "endnote"):
                props = holder.find(f"{_W}{kind}Pr")
                if props is None:
                    continue
                fmt, start = props.find(f"{_W}numFmt"), props.find(f"{_W}numStart")
                before = formats.get(kind, ("decimal", 1))
                formats[kind] = (
                    fmt.get(f"{_W}val", before[0]) if fmt is not None else before[0],
                    int(start.get(f"{_W}val", before[1])) if start is not None else before[1],
                )
    return formats


def _label(n: int, fmt: str) -> str:
    """Note ``n`` as Word prints it in the number format ``fmt`` (decimal where it is another)."""
    if fmt in ("lowerRoman", "upperRoman") and 0 < n < 400:
        return roman(n) if fmt == "lowerRoman" else roman(n).upper()
    if fmt in ("lowerLetter", "upperLetter") and n > 0:
        letter = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # a .. z, aa .. zz, as Word counts
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt == "chicago" and n > 0:
        return "*†‡§"[(n - 1) % 4] * ((n - 1) // 4 + 1)
    return str(n)


def _relabel(html: str, formats: dict[str, tuple[str, int]]) -> str:
    """mammoth numbers each kind of note 1, 2, 3 in the order cited: the markers as the document
    numbers them instead (endnotes in roman, say), so that a note is named as a reader sees it."""
    for kind, (fmt, start) in formats.items():
        if fmt == "decimal" and start == 1:
            continue

        def numbered(m: re.Match[str], fmt: str = fmt, start: int = start) -> str:
            return f"{m.group(1)}[{_label(int(m.group(2)) + start - 1, fmt)}]{m.group(3)}"

        html = re.sub(rf'(<a href="#{kind}-[^"]+" id="{kind}-ref-[^"]+">)\[(\d+)\](</a>)', numbered, html)
    return html


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
