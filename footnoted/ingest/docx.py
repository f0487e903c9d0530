"""Word files (.docx): their body, footnotes and endnotes, through mammoth's HTML.

mammoth writes a .docx as plain semantic HTML: Word's heading styles as ``<h1>``..``<h6>``, lists,
tables, and each footnote or endnote reference as ``<sup><a href="#footnote-N">[1]</a></sup>``
pointing at an ``<li id="footnote-N">`` of a closing list. The HTML reader links those as it links
any exporter's notes, so a note keeps all its paragraphs and its marker is exactly ``[1]``. The
document's source is the text the HTML reader extracts; spans point into it. Images are left out,
and so are hidden runs (``w:vanish``, on the run or in its character style), taken out of the
package before mammoth, which would read them.
Title, author and dates come from the package's core properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

from footnoted.errors import IngestError
from footnoted.ingest.labels import lettered, roman
from footnoted.ingest.package import PackageHtml, open_package, stated_title

# Paragraph styles mammoth leaves as plain paragraphs but that say what a paragraph is.
_STYLES = "\n".join(
    [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Subtitle'] => p.subtitle:fresh",
        # A title block's lines as pandoc styles them: the page's reader takes its author and date.
        "p[style-name='Author'] => p.author:fresh",
        "p[style-name='Date'] => p.date:fresh",
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
            io.BytesIO(_without_hidden(package, parts) or data),
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
        letter = lettered(n)  # a .. z, aa .. zz, as Word counts
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt == "chicago" and n > 0:
        return "*†‡§"[(n - 1) % 4] * ((n - 1) // 4 + 1)
    return str(n)


_REFERENCE = re.compile(r'(<a href="#(footnote|endnote)-[^"]+" id="(?:footnote|endnote)-ref-[^"]+">)\[\d+\](</a>)')


def _relabel(html: str, formats: dict[str, tuple[str, int]]) -> str:
    """mammoth numbers all notes 1, 2, 3 in the order cited, footnotes and endnotes in one count:
    the markers as the document numbers them instead, footnotes and endnotes as two series (1, 2,
    3 and i, ii), each counted from its own first number in its own format, so that a note is named
    as a reader sees it."""
    counts = {"footnote": 0, "endnote": 0}

    def numbered(m: re.Match[str]) -> str:
        kind = m.group(2)
        fmt, start = formats.get(kind, ("decimal", 1))
        counts[kind] += 1
        return f"{m.group(1)}[{_label(counts[kind] + start - 1, fmt)}]{m.group(3)}"

    return _REFERENCE.sub(numbered, html)


# A run with no run inside it (a text box's runs sit inside the run that holds the box), and the
# hidden ones among them: ``w:vanish`` set on the run, or in the character style it is in.
_RUN = re.compile(rb"<w:r(?:\s[^>]*)?>(?:(?!<w:r[\s>]).)*?</w:r>", re.DOTALL)
_VANISH = re.compile(rb'<w:vanish(?:\s+w:val="(?:true|on|1)")?\s*/>')
_RUN_STYLE = re.compile(rb'<w:rStyle\s+w:val="([^"]*)"')
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def _without_hidden(package: zipfile.ZipFile, parts: set[str]) -> bytes | None:
    """The package with its hidden runs taken out (mammoth reads them as text), or None when it
    has none."""
    hidden_styles = _hidden_styles(package.read("word/styles.xml")) if "word/styles.xml" in parts else set()

    def hidden(run: re.Match[bytes]) -> bool:
        props = run[0].split(b"</w:rPr>", 1)[0] if b"<w:rPr>" in run[0] else b""
        style = _RUN_STYLE.search(props)
        return _VANISH.search(props) is not None or (style is not None and style[1] in hidden_styles)

    changed: dict[str, bytes] = {}
    for part in _TEXT_PARTS:
        if part in parts:
            xml = package.read(part)
            if b"w:vanish" in xml or hidden_styles:
                visible = _RUN.sub(lambda run: b"" if hidden(run) else run[0], xml)
                if visible != xml:
                    changed[part] = visible
    if not changed:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in package.infolist():
            copy.writestr(info, changed.get(info.filename) or package.read(info))
    return out.getvalue()


def _hidden_styles(styles: bytes) -> set[bytes]:
    """The character styles that hide their text (``w:vanish``)."""
    root = ElementTree.fromstring(styles)
    out = set()
    for style in root.iter(f"{_W}style"):
        vanish = style.find(f"{_W}rPr/{_W}vanish")
        shown = vanish is None or vanish.get(f"{_W}val", "true") not in ("true", "on", "1")
        if style.get(f"{_W}type") == "character" and not shown:
            out.add(style.get(f"{_W}styleId", "").encode())
    return out


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
