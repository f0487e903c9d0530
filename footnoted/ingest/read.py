"""From a file (or bytes) to a ``Document`` with its structure and linked footnotes."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from footnoted.collector import bulk
from footnoted.errors import DocumentTooLarge, IngestError, UnsupportedFormat, shows_anything
from footnoted.ingest.decode import decode
from footnoted.ingest.docx import read_docx
from footnoted.ingest.epub import read_epub
from footnoted.ingest.footnotes import find_footnotes
from footnoted.ingest.html import read_html
from footnoted.ingest.latex import read_latex
from footnoted.ingest.latex_source import plain
from footnoted.ingest.markdown import heading_title, read_markdown
from footnoted.ingest.note_bodies import NOTES_HEADING
from footnoted.ingest.odt import read_odt
from footnoted.ingest.package import PackageHtml
from footnoted.ingest.pdf import PdfText, level_headings, read_pdf
from footnoted.ingest.rst import read_rst, rst_title
from footnoted.ingest.rtf import read_rtf
from footnoted.ingest.sources import link_references, link_repeats
from footnoted.ingest.text import MarkedText, read_text
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
    ".rst": "rst",
    ".rest": "rst",
    ".tex": "latex",
    ".latex": "latex",
}
# Names that say their format by two suffixes: Sphinx's copy of a page's source ("re.rst.txt"). The
# id keeps the first ("re.rst", as when such a file was read as text); any other ".txt" is text.
DOUBLE_SUFFIXES = {".rst.txt": "rst"}
# Formats whose markup marks their notes and where they are cited, each read by its own reader.
_MARKUP: dict[str, Callable[[str], MarkedText]] = {"rst": read_rst, "latex": read_latex}
# A heading's title as a reader sees it, without the markup of the formats that have some.
_HEADING_TITLES: dict[str, Callable[[str], str]] = {"markdown": heading_title, "rst": rst_title, "latex": plain}
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
    """A stable, path-safe id from a file name: ``Back in Business.txt`` -> ``back-in-business``.

    Accents are dropped (``Résumé.md`` -> ``resume``). A name with letters or digits that have no
    such ASCII form (``地雷 2004.txt``) keeps what it has and is told apart by a hash of the whole
    name (``2004-96067752``), so that two such names never share an id, and a name with nothing
    left becomes ``document-`` and that hash."""
    stem = Path(name).name
    for suffix in FORMATS:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return _slug(stem, Path(name).name)


def document_id_with_extension(name: str) -> str:
    """``document_id`` with the extension kept (``a.txt`` -> ``a.txt``), which tells apart files
    that differ only in it (``a.md``)."""
    whole = Path(name).name
    return _slug(whole, whole)


def _slug(text: str, whole: str) -> str:
    """``text`` as an id (see ``document_id``); ``whole`` is what its hash is taken of."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    slug = _ID.sub("-", plain.lower()).strip("-._")[:80]
    if slug and not any(c.isalnum() and not c.isascii() for c in plain):
        return slug
    return f"{slug or 'document'}-{_hash8(whole)}"


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def document_ids(paths: Sequence[Path], stored: Mapping[str, Document] | None = None) -> list[str]:
    """Ids for files ingested together, one each: their names (``document_id``). Only files whose
    names clash are told apart: by their paths below the clashing files' common parent
    (``a/index.html`` -> ``a-index``), then, only those still sharing an id (with one another or
    with a file that kept its name), the same with the extension kept (``a.txt`` and ``a.md`` ->
    ``a.txt``, ``a.md``), then a hash of the path added. Every other file keeps the id it would
    have alone in its folder, so ingesting the folder again finds it; so does a clashing file
    whose id ``stored`` (an index's documents) holds for a document read from that very path, and
    a file ``stored`` holds under an id told apart (``a.txt``) keeps it when its namesake is gone.
    Only the same file named twice gets the same id twice."""
    resolved = [p.resolve() for p in paths]
    plain = [document_id(p.name) for p in paths]
    ids: list[str | None] = [None] * len(paths)
    held = _stored_ids(stored, {p.name for p in paths})
    for n, (i, path) in enumerate(zip(plain, resolved, strict=True)):
        if held.get(path, i) != i:
            ids[n] = held[path]  # told apart when it was stored: a later namesake's leaving keeps its id
    taken: set[str] = {i for i in ids if i is not None}
    _settle(ids, plain, resolved, taken)
    clashing = [path for i, path in zip(ids, resolved, strict=True) if i is None]
    for n, (i, path) in enumerate(zip(plain, resolved, strict=True)):
        if ids[n] is None and _stored_path(stored, i) == path:
            ids[n] = i  # the index holds this file under its name: a new namesake must not rename it
    taken.update(i for i in ids if i is not None)
    rest = {path for i, path in zip(ids, resolved, strict=True) if i is None}
    if rest:
        parent = Path(os.path.commonpath([p.parent for p in clashing]))
        below = ["-".join(p.relative_to(parent).parts) if p in rest else "" for p in resolved]
        _settle(ids, [document_id(b) for b in below], resolved, taken)
        _settle(ids, [_slug(b, b) for b in below], resolved, taken)
        where = [p.relative_to(parent).as_posix() if p in rest else "" for p in resolved]
        ids = [i or f"{_slug(b, b)[:119]}-{_hash8(w)}" for i, b, w in zip(ids, below, where, strict=True)]
    return [i for i in ids if i is not None]


def _settle(ids: list[str | None], candidates: list[str], files: list[Path], taken: set[str]) -> None:
    """Give each file without an id its candidate where no other file (and no id ``taken``) has it."""
    holders: dict[str, set[Path]] = {}
    for i, candidate, path in zip(ids, candidates, files, strict=True):
        if i is None:
            holders.setdefault(candidate, set()).add(path)
    for n, candidate in enumerate(candidates):
        if ids[n] is None and candidate not in taken and len(holders[candidate]) == 1:
            ids[n] = candidate
    taken.update(i for i in ids if i is not None)


def _stored_ids(stored: Mapping[str, Document] | None, names: set[str]) -> dict[Path, str]:
    """The ids ``stored`` holds files named ``names`` under, by the file's resolved path (only the
    documents whose recorded path ends in one of those names are looked up on disk)."""
    out: dict[Path, str] = {}
    for doc_id, doc in (stored or {}).items():
        path = doc.metadata.get("path")
        if path and Path(path).name in names:
            out.setdefault(Path(path).resolve(), doc_id)
    return out


def _stored_path(stored: Mapping[str, Document] | None, doc_id: str) -> Path | None:
    """Where the document ``stored`` holds as ``doc_id`` was read from, if a file."""
    doc = stored.get(doc_id) if stored is not None else None
    path = doc.metadata.get("path") if doc is not None else None
    return Path(path).resolve() if path else None


_NOT_TEXT = ("furniture", "markup")
"""Blocks a reader skips: text left out, and markup that prints nothing."""


def _heading_title(source: str, blocks: Sequence[Block]) -> str:
    """A text's title when it opens with a heading of the first level ("Git 2.37.2 Release Notes"
    over a line of "="), as a reader sees it: its first block, furniture aside."""
    first = next((b for b in blocks if b.kind not in _NOT_TEXT), None)
    if first is None or first.kind != "heading" or first.level != 1:
        return ""
    return " ".join(source[first.start : first.end].split())


def given_title(title: str | None) -> str | None:
    """A title given for a document, as it is shown: control characters (a tab, a newline, NUL) and
    runs of white space one space; None when nothing visible is left (spaces, a zero-width space),
    so that the document is titled as if none were given."""
    if title is None:
        return None
    text = " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in title).split())
    return text if shows_anything(text) else None


def reader_format(fmt: str) -> str:
    """A format given by name ("markdown") or by its extension ("md", ".md"), as its reader's name.

    Raises:
        UnsupportedFormat: neither.
    """
    readers = set(FORMATS.values())
    if fmt in readers:
        return fmt
    suffix = "." + str(fmt).lower().lstrip(".")
    if suffix in FORMATS:
        return FORMATS[suffix]
    raise UnsupportedFormat(f"unknown format {fmt!r}; footnoted reads {', '.join(sorted(readers))}")


def format_of(name: str) -> str:
    """The format a file's name says: its last suffix's, or its last two's ("re.rst.txt" is reST)."""
    lower = Path(name).name.lower()
    double = next((fmt for suffix, fmt in DOUBLE_SUFFIXES.items() if lower.endswith(suffix)), None)
    if double is not None:
        return double
    suffix = Path(name).suffix.lower()
    if suffix not in FORMATS:
        raise UnsupportedFormat(
            f"{name}: unsupported file type {suffix or '(none)'!r}; footnoted reads {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[suffix]


def content_hash(data: bytes) -> str:
    """What tells one version of a document from another: the SHA-256 of its bytes as read."""
    return hashlib.sha256(data).hexdigest()


@functools.cache
def reader_version() -> str:
    """A digest of the code that reads documents and of the code that makes what an index keeps of
    their passages: the modules of ``footnoted.ingest``, and the three of ``footnoted.index`` that
    make each passage's vectors' texts and BM25 fields (``_INDEX_MODULES``). It is stamped on each
    document read (``metadata["reader"]``).

    A file that other code read (an earlier footnoted, or one before the stamp) is read again when
    it is ingested again, however unchanged its bytes, so that what a newer footnoted reads or
    embeds better reaches the indexes that hold it; its unchanged texts take their vectors from
    the cache."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for module in [*sorted(package.glob("*.py")), *(package.parent / "index" / m for m in _INDEX_MODULES)]:
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()[:12]


_INDEX_MODULES = ("rows.py", "snapshot.py", "lexical.py")


def stored_unchanged(stored: Document | None, data: bytes, fmt: str | None = None, title: str | None = None) -> bool:
    """Whether ``data`` is exactly what ``stored`` was read from, by this footnoted's reading code,
    read as the same format (``fmt``, where given) under the same title (``title``, where given),
    so reading it again would change nothing (an index keeps an unchanged document as it is)."""
    return (
        stored is not None
        and bool(stored.content_hash)
        and (fmt is None or fmt == stored.format)
        and (title is None or title == stored.title)
        and stored.reader == reader_version()
        and stored.content_hash == content_hash(data)
    )


def load(
    path: str | Path, *, doc_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, stored: Document | None = None
) -> Document:
    """Read a .txt, .md, .rst, .tex, .html, .pdf, .docx, .odt, .epub or .rtf file into a ``Document``.

    ``max_bytes`` bounds a text file; a .pdf, .docx, .odt, .epub or .rtf may be ``CONTAINER_FACTOR`` times larger.
    ``stored`` is the version an index holds: it is returned as it is when the file's bytes are the
    very ones it was read from (the size is checked first, and the file is read once).

    Raises:
        UnsupportedFormat: the extension is not one footnoted reads.
        IngestError: the file is missing, empty, binary, too large or undecodable.
    """
    path = Path(path)
    fmt, data = read_bytes(path, max_bytes)
    if stored is not None and stored_unchanged(stored, data, fmt):
        return stored
    return parse(data, name=path.name, fmt=fmt, doc_id=doc_id, extra={"path": str(path)}, max_chars=max_bytes)


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
    max_chars: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Read a document from bytes or text; ``fmt`` defaults to the one ``name``'s extension implies.

    Raises:
        DocumentTooLarge: its text is longer than ``max_chars`` characters (a text file may hold as
            many bytes; a package or a PDF must not hold more text than that).
    """
    with bulk():
        doc = _parse(data, name=name, fmt=fmt, doc_id=doc_id, title=title, extra=extra)
    check_length(doc, max_chars)
    return doc


def check_length(doc: Document, max_chars: int) -> None:
    """Raise ``DocumentTooLarge`` when ``doc``'s text is longer than ``max_chars`` characters."""
    if len(doc.source) > max_chars:
        raise DocumentTooLarge(
            f"{doc.metadata.get('name') or doc.id}: its text is {len(doc.source):,} characters long, "
            f"over the limit of {max_chars:,}"
        )


def _parse(
    data: bytes | str,
    *,
    name: str,
    fmt: str | None,
    doc_id: str | None,
    title: str | None,
    extra: dict[str, str] | None,
) -> Document:
    if doc_id is not None and not isinstance(doc_id, str):
        raise IngestError(f"a document id is a string, not {type(doc_id).__name__} {str(doc_id)[:40]!r}")
    if doc_id is not None and not _VALID_ID.fullmatch(doc_id):
        raise IngestError(
            f"invalid document id {str(doc_id)[:40]!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit, at most 128 characters"
        )
    fmt = reader_format(fmt) if fmt is not None else format_of(name)
    title = given_title(title)
    if not isinstance(data, str | bytes | bytearray | memoryview):
        raise IngestError(f"{name}: a document is read from bytes or text, not {type(data).__name__}")
    try:
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    except UnicodeEncodeError as exc:
        raise IngestError(f"{name}: the text holds half of a character (a lone surrogate) at {exc.start}") from None
    warnings: list[str] = []
    facts: dict[str, str] = {}
    markers: tuple[Span, ...] = ()
    pdf: PdfText | None = None
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
        decoded = decode(raw, name, html=fmt == "html")
        text, encoding = decoded.text, decoded.encoding
        warnings.extend(decoded.warnings)
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
    elif fmt in _MARKUP:
        # reST and LaTeX mark their notes and where they are cited themselves: read, not guessed.
        source = text
        marked = _MARKUP[fmt](source)
        layout, footnotes, blocks = marked.layout, marked.footnotes, marked.layout.blocks
        warnings.extend(marked.warnings)
    else:
        source = text
        layout = read_markdown(source) if fmt == "markdown" else read_text(source)  # text or a PDF's text layer
        found = find_footnotes(source, layout.blocks, markers, page_notes=layout.page_notes)
        footnotes, blocks = found.footnotes, found.blocks
        warnings.extend(found.warnings)
        if pdf is not None:
            blocks = level_headings(source, blocks, pdf.heading_sizes)
    blocks = _notes_headings(source, blocks)
    footnotes = list(link_references(link_repeats(footnotes)))
    if not any(b.kind not in (*_NOT_TEXT, "note") for b in blocks) and not footnotes:
        raise IngestError(f"{name}: no readable text was found")
    metadata = dict(layout.metadata)
    metadata.update(facts)
    metadata.update(extra or {})
    metadata["content_hash"] = content_hash(raw)
    metadata["reader"] = reader_version()
    metadata["encoding"] = encoding
    metadata["name"] = Path(name).name
    return Document(
        id=doc_id or document_id(name),
        title=title or layout.title or _heading_title(source, blocks) or _fallback_title(name),
        source=source,
        format=fmt,  # type: ignore[arg-type]
        blocks=tuple(blocks),
        sections=tuple(sections(source, blocks, fmt=fmt, footnotes=footnotes)),
        footnotes=tuple(footnotes),
        metadata=metadata,
        warnings=tuple(warnings),
    )


def _without_markers(source: str, start: int, end: int, markers: list[tuple[int, int]]) -> str:
    """``source[start:end]`` without the note markers that lie in it."""
    pieces, at = [], start
    for m_start, m_end in markers[bisect_left(markers, (start, start)) :]:
        if m_start >= end:
            break
        if m_end <= end:
            pieces.append(source[at:m_start])
            at = m_end
    pieces.append(source[at:end])
    return "".join(pieces)


def _notes_headings(source: str, blocks: list[Block]) -> list[Block]:
    """A "Notes" or "Footnotes" heading over note bodies labels them; it is not a passage of its own.

    So is such a line set as a paragraph (Sphinx's ``<p class="rubric">Footnotes</p>``), and the
    notes may open with furniture (a note's label "[1]" set apart, Texinfo's "(1)" heading)."""
    out = list(blocks)
    for i, block in enumerate(out[:-1]):
        if block.kind not in ("heading", "paragraph") or not NOTES_HEADING.match(source[block.start : block.end]):
            continue
        following = next((b for b in out[i + 1 :] if b.kind not in _NOT_TEXT), None)
        if following is not None and following.kind == "note":
            out[i] = Block("furniture", block.start, block.end)
    return out


def _spaced(text: str) -> str:
    return " ".join(text.split())


def _fallback_title(name: str) -> str:
    return Path(name).stem.replace("_", " ").replace("-", " ").strip() or "Untitled"


def sections(
    source: str, blocks: list[Block], *, fmt: str = "text", footnotes: Sequence[Footnote] = ()
) -> list[Section]:
    """Sections from heading blocks: each runs to the next heading at its level or above. A note's
    marker in a heading ("Background[1]") is left out of the section's title, and so is the markup
    of a ``fmt`` that has some ("## Methods", "``re`` module")."""
    heads = [b for b in blocks if b.kind == "heading"]
    markers = sorted((m.start, m.end) for note in footnotes for m in note.markers)
    out: list[Section] = []
    stack: list[tuple[int, str]] = []
    for i, head in enumerate(heads):
        title = _without_markers(source, head.start, head.end, markers)
        title = _HEADING_TITLES.get(fmt, _spaced)(title)
        while stack and stack[-1][0] >= head.level:
            stack.pop()
        stack.append((head.level, title))
        end = next((h.start for h in heads[i + 1 :] if h.level <= head.level), len(source))
        out.append(Section(title, head.level, tuple(t for _, t in stack), head.start, end))
    return out
