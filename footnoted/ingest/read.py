"""From a file (or bytes) to a ``Document`` with its structure and linked footnotes."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

from footnoted.collector import bulk
from footnoted.errors import DocumentTooLarge, IngestError, UnsupportedFormat
from footnoted.ingest.decode import decode
from footnoted.ingest.docx import read_docx
from footnoted.ingest.epub import read_epub
from footnoted.ingest.footnotes import NOTES_HEADING, find_footnotes, link_references, link_repeats
from footnoted.ingest.html import read_html
from footnoted.ingest.markdown import heading_title, read_markdown
from footnoted.ingest.odt import read_odt
from footnoted.ingest.package import PackageHtml
from footnoted.ingest.pdf import read_pdf
from footnoted.ingest.rtf import read_rtf
from footnoted.ingest.text import read_text
from footnoted.types import Block, Document, Footnote, Section, Span

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
    ".fodt": "odt",
    ".epub": "epub",
    ".rtf": "rtf",
}
# Formats each read as one HTML page, their notes linked: packages (a zip; an .fodt is one XML
# file), Word's and OpenDocument's notes and a book's chapters, and RTF, turned to HTML by its reader.
_PACKAGES: dict[str, Callable[[bytes, str], PackageHtml]] = {
    "docx": read_docx,
    "odt": read_odt,
    "epub": read_epub,
    "rtf": read_rtf,
}
PACKAGE_FORMATS = frozenset(_PACKAGES)
"""The formats read as one HTML page by a reader of their own."""
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
CONTAINER_FACTOR = 10
"""A .pdf, .docx, .odt, .epub or .rtf may be this many times the limit: its bytes are mostly images and fonts."""
_ID = re.compile(r"[^a-z0-9._-]+")
DOCUMENT_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
"""What a document id may be: something every API route can address."""
_VALID_ID = re.compile(DOCUMENT_ID)


def document_id(name: str) -> str:
    """A stable, path-safe id from a file name: ``Back in Business.txt`` -> ``back-in-business``."""
    stem = Path(name).name
    for suffix in FORMATS:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    slug = _ID.sub("-", stem.lower()).strip("-._")
    return slug[:80] or "document"


def document_ids(paths: list[Path]) -> list[str]:
    """Ids for files ingested together: their names, or, where names clash, their paths below a common parent."""
    ids = [document_id(p.name) for p in paths]
    if len(set(ids)) == len(ids):
        return ids
    resolved = [p.resolve() for p in paths]
    parent = Path(os.path.commonpath([p.parent for p in resolved]))
    return [document_id("-".join(p.relative_to(parent).parts)) for p in resolved]


def format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(
            f"{name}: unsupported file type {suffix or '(none)'!r}; footnoted reads {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[suffix]


def content_hash(data: bytes) -> str:
    """What tells one version of a document from another: the SHA-256 of its bytes as read."""
    return hashlib.sha256(data).hexdigest()


def stored_unchanged(stored: Document | None, data: bytes) -> bool:
    """Whether ``data`` is exactly what ``stored`` was read from, so reading it again would change
    nothing (an index keeps an unchanged document as it is)."""
    return stored is not None and bool(stored.content_hash) and stored.content_hash == content_hash(data)


def load(
    path: str | Path, *, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, stored: Document | None = None
) -> Document:
    """Read a .txt, .md, .html, .pdf, .docx, .odt, .epub or .rtf file into a ``Document``.

    ``max_bytes`` bounds a text file; a .pdf, .docx, .odt, .epub or .rtf may be ``CONTAINER_FACTOR`` times larger.
    ``stored`` is the version an index holds: it is returned as it is when the file's bytes are the
    very ones it was read from (the size is checked first, and the file is read once).

    Raises:
        UnsupportedFormat: the extension is not one footnoted reads.
        IngestError: the file is missing, empty, binary, too large or undecodable.
    """
    path = Path(path)
    fmt, data = read_bytes(path, max_bytes)
    if stored is not None and stored_unchanged(stored, data):
        return stored
    return parse(data, name=path.name, fmt=fmt, doc_id=doc_id, extra={"path": str(path)})


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, bytes]:
    """A file's format and bytes, within the limit ``load`` sets.

    Raises:
        UnsupportedFormat: the extension is not one footnoted reads.
        IngestError: the file is missing, unreadable or too large.
    """
    fmt = format_of(path.name)
    if fmt == "pdf" or fmt in _PACKAGES:
        max_bytes *= CONTAINER_FACTOR
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentTooLarge(f"{path}: {size:,} bytes is over the limit of {max_bytes:,} bytes")
        return fmt, path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file ({exc.strerror or exc})") from None


def parse(
    data: bytes | str,
    *,
    name: str,
    fmt: str | None = None,
    doc_id: str | None = None,
    title: str | None = None,
    extra: dict[str, str] | None = None,
) -> Document:
    """Read a document from bytes or text; ``fmt`` defaults to the one ``name``'s extension implies."""
    with bulk():
        return _parse(data, name=name, fmt=fmt, doc_id=doc_id, title=title, extra=extra)


def _parse(
    data: bytes | str,
    *,
    name: str,
    fmt: str | None,
    doc_id: str | None,
    title: str | None,
    extra: dict[str, str] | None,
) -> Document:
    if doc_id is not None and not _VALID_ID.match(doc_id):
        raise IngestError(
            f"invalid document id {doc_id[:40]!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, at most 128 characters"
        )
    fmt = fmt or format_of(name)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    warnings: list[str] = []
    facts: dict[str, str] = {}
    markers: tuple[Span, ...] = ()
    if fmt == "pdf":
        # The text layer, pages ended by form feeds; its notes set apart by their type size where
        # they can be (pdf_notes.py), else found as in any text extracted from a PDF.
        pdf = read_pdf(raw, name)
        text, encoding = pdf.text, "pdf"
        facts, markers = pdf.metadata, pdf.markers
        warnings.extend(pdf.warnings)
        title = title or pdf.title or None
    elif fmt in _PACKAGES:
        # A Word file or a book as one HTML page whose notes are links, read as any exporter's are.
        package = _PACKAGES[fmt](raw, name)
        text, encoding, facts = package.html, fmt, package.metadata
        title = title or package.title or None
    else:
        decoded = decode(raw, name)
        text, encoding = decoded.text, decoded.encoding
        if encoding != "utf-8":
            warnings.append(f"not valid UTF-8; decoded as {encoding}")
    footnotes: list[Footnote]
    if fmt == "html" or fmt in _PACKAGES:
        page = read_html(text)
        source, layout = page.source, page.layout
        if not source.strip():
            raise IngestError(f"{name}: the page has no text outside scripts, styles and navigation")
        if page.footnotes:
            footnotes, blocks = page.footnotes, layout.blocks
            warnings.extend(
                f"note {f.label!r} at {f.start} has no marker in the text" for f in footnotes if not f.markers
            )
        else:
            found = find_footnotes(source, layout.blocks, page.hints)
            footnotes, blocks = found.footnotes, found.blocks
            warnings.extend(found.warnings)
    else:
        source = text
        layout = read_markdown(source) if fmt == "markdown" else read_text(source)  # text or a PDF's text layer
        found = find_footnotes(source, layout.blocks, markers, page_notes=layout.page_notes)
        footnotes, blocks = found.footnotes, found.blocks
        warnings.extend(found.warnings)
    blocks = _notes_headings(source, blocks)
    footnotes = list(link_references(link_repeats(footnotes)))
    if not any(b.kind not in ("furniture", "note") for b in blocks) and not footnotes:
        raise IngestError(f"{name}: no readable text was found")
    metadata = dict(layout.metadata)
    metadata.update(facts)
    metadata.update(extra or {})
    metadata["content_hash"] = content_hash(raw)
    metadata["encoding"] = encoding
    metadata["name"] = Path(name).name
    return Document(
        id=doc_id or document_id(name),
        title=title or layout.title or _fallback_title(name),
        source=source,
        format=fmt,  # type: ignore[arg-type]
        blocks=tuple(blocks),
        sections=tuple(sections(source, blocks, markdown=fmt == "markdown")),
        footnotes=tuple(footnotes),
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _notes_headings(source: str, blocks: list[Block]) -> list[Block]:
    """A "Notes" heading over note bodies labels them; it is not a passage of its own."""
    out = list(blocks)
    for i, block in enumerate(out[:-1]):
        if (
            block.kind == "heading"
            and out[i + 1].kind == "note"
            and NOTES_HEADING.match(source[block.start : block.end])
        ):
            out[i] = Block("furniture", block.start, block.end)
    return out


def _fallback_title(name: str) -> str:
    return Path(name).stem.replace("_", " ").replace("-", " ").strip() or "Untitled"


def sections(source: str, blocks: list[Block], *, markdown: bool = False) -> list[Section]:
    """Sections from heading blocks: each runs to the next heading at its level or above."""
    heads = [b for b in blocks if b.kind == "heading"]
    out: list[Section] = []
    stack: list[tuple[int, str]] = []
    for i, head in enumerate(heads):
        title = source[head.start : head.end]
        title = heading_title(title) if markdown else " ".join(title.split())
        while stack and stack[-1][0] >= head.level:
            stack.pop()
        stack.append((head.level, title))
        end = next((h.start for h in heads[i + 1 :] if h.level <= head.level), len(source))
        out.append(Section(title, head.level, tuple(t for _, t in stack), head.start, end))
    return out
