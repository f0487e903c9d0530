"""EPUB books: chapters in spine order, notes per chapter or in a notes file of their own.

``tests/data/epub/report.epub`` was written by pandoc 3.9 (pypandoc-binary 1.17,
``--split-level=1``) from ``tests/data/docx/report.md``: a title page and four chapters, each
with its own notes at its end, numbered from 1 again in every chapter (ids ``fn1``... repeat
across files). ``_endnotes_book`` builds a book the way Standard Ebooks marks endnotes: the
notes in a non-linear ``endnotes.xhtml``, each marker a link ``endnotes.xhtml#note-N``.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from tests.conftest import DATA, zip_of
from tests.ingest.test_pdf import CITED

# Each chapter numbers its notes from 1: the report's notes 1-5, 6-10 and 11-13.
CHAPTERS = [("1", "2", "3", "4", "5"), ("1", "2", "3", "4", "5"), ("1", "2", "3")]


def test_notes_numbered_per_chapter_link_to_their_own_chapter() -> None:
    doc = load(DATA / "epub" / "report.epub")
    assert doc.format == "epub"
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    assert doc.metadata["author"] == "Basin Monitoring Group"
    assert [n.label for n in doc.footnotes] == [label for chapter in CHAPTERS for label in chapter]
    for note, (words, opening) in zip(doc.footnotes, CITED.values(), strict=True):
        assert note.text == doc.source[note.start : note.end]
        assert " ".join(note.text.split()).startswith(opening)
        [marker] = note.markers
        assert doc.source[marker.start : marker.end] == note.label
        assert " ".join(doc.source[: marker.start].replace("’", "'").split()).endswith(words.replace("’", "'"))
    assert doc.footnotes[9].same_as == "4"  # "Ibid." repeats the chapter's note 4
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    assert not any(n.start < c.end and c.start < n.end for c in chunks for n in doc.footnotes)
    assert not doc.warnings


def _endnotes_book() -> bytes:
    chapter = (
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
        "<section><h2>{title}</h2><p>{text}</p></section></body></html>"
    )
    ref = '<a href="endnotes.xhtml#note-{n}" id="noteref-{n}" epub:type="noteref">{n}</a>'
    one = chapter.format(
        title="Stockpiles", text=f"The stockpile holds 10.4 million mines.{ref.format(n=1)} It was counted in 2004."
    )
    two = chapter.format(title="Exports", text=f"Exports to South Korea went on until 2004.{ref.format(n=2)}")
    notes = (
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><body>'
        '<section epub:type="endnotes"><h2>Endnotes</h2><ol>'
        '<li id="note-1" epub:type="endnote"><p>Department of Defense, stockpile report, 2004. '
        '<a href="chapter-1.xhtml#noteref-1" epub:type="backlink">↩</a></p></li>'
        '<li id="note-2" epub:type="endnote"><p>124,000 antivehicle mines were shipped in 2004. '
        '<a href="chapter-2.xhtml#noteref-2" epub:type="backlink">↩</a></p></li>'
        "</ol></section></body></html>"
    )
    opf = (
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Mines in Storage</dc:title>'
        "<dc:date>2005-08-01</dc:date></metadata><manifest>"
        '<item id="toc" href="toc.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="c1" href="text/chapter-1.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c2" href="text/chapter-2.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="en" href="text/endnotes.xhtml" media-type="application/xhtml+xml"/>'
        '</manifest><spine><itemref idref="toc"/><itemref idref="c1"/><itemref idref="c2"/>'
        '<itemref idref="en" linear="no"/></spine></package>'
    )
    container = (
        '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
        '<rootfile full-path="epub/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>'
    )
    toc = '<html><body><nav><ol><li><a href="text/chapter-1.xhtml">Stockpiles</a></li></ol></nav></body></html>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", container)
        z.writestr("epub/content.opf", opf)
        z.writestr("epub/toc.xhtml", toc)
        z.writestr("epub/text/chapter-1.xhtml", one)
        z.writestr("epub/text/chapter-2.xhtml", two)
        z.writestr("epub/text/endnotes.xhtml", notes)
    return buffer.getvalue()


def test_endnotes_in_a_file_of_their_own_link_across_files() -> None:
    doc = parse(_endnotes_book(), name="book.epub")
    assert doc.title == "Mines in Storage"
    assert doc.metadata["date"] == "2005-08-01"
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "Department of Defense, stockpile report, 2004."),
        ("2", "124,000 antivehicle mines were shipped in 2004."),
    ]
    for note in doc.footnotes:
        [marker] = note.markers
        assert doc.source[marker.start : marker.end] == note.label
    assert doc.source.index("Stockpiles") < doc.source.index("Exports") < doc.footnotes[0].start
    assert doc.source.count("Stockpiles") == 1  # the navigation document's link to it is left out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Plain text named .epub", "not an EPUB file"),
        (b"PK\x03\x04 and nothing", "cannot read the EPUB"),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"}), "no META-INF/container.xml"),
        (_endnotes_book()[:300], "cannot read the EPUB"),
    ],
)
def test_a_file_that_is_not_a_readable_epub_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse(data, name="book.epub")


def test_notes_numbered_past_z_keep_their_letters() -> None:
    # LibreOffice 7.4's EPUB of tests/data/office-sources/letters30.fodt: notes a .. z, aa .. ad.
    doc = load(DATA / "epub" / "letters30.epub")
    letters = [chr(ord("a") + i) for i in range(26)] + ["aa", "ab", "ac", "ad"]
    assert [(n.label, n.text) for n in doc.footnotes] == [(x, f"Log {i}.") for i, x in enumerate(letters, start=1)]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
