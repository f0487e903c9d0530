"""Word files: footnotes and endnotes linked by Word itself, structure, core properties, damage.

``tests/data/docx/report.docx`` was written by pandoc 3.9 (pypandoc-binary 1.17) from
``report.md`` beside it (the report of ``tests/data/pdf``, its 13 notes as pandoc inline notes):
real Word footnotes in ``word/footnotes.xml``, a Title, Author and Date paragraph, Heading 1
sections, a block quote whose last word carries a note, and a numbered list. ``endnotes.docx`` is
pandoc's .docx of ``tests/data/exporters/source.md`` with its footnotes turned into endnotes (the
part, its relationship and content type, and the reference elements renamed): four notes, the
third of two paragraphs, the second "Ibid.".
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from tests.conftest import DATA, zip_of
from tests.ingest.test_pdf import CITED, check_report_notes

DOCX = DATA / "docx"


def test_word_footnotes_are_linked_to_their_references() -> None:
    doc = load(DOCX / "report.docx")
    assert doc.format == "docx"
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    assert doc.metadata["author"] == "Basin Monitoring Group"
    check_report_notes(doc, marker="[{}]")  # mammoth numbers Word's references "[1]", "[2]", ...
    assert not doc.warnings
    headings = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings[1:] == ["Summary", "Allocation and its Exceptions", "Groundwater", "Recommendations"]
    assert [s.title for s in doc.sections][-1] == "Recommendations"


def test_passages_of_a_word_file_carry_its_notes_and_leave_their_bodies_out() -> None:
    doc = load(DOCX / "report.docx")
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    attached = {n.label: c for c in chunks for n in c.footnotes}
    assert sorted(attached, key=int) == list(CITED)
    for c in chunks:
        assert not any(n.start < c.end and c.start < n.end for n in doc.footnotes), "a note body became a passage"
    assert any("Register every well in the basin" in c.text for c in chunks)


def test_word_endnotes_keep_all_their_paragraphs() -> None:
    doc = load(DOCX / "endnotes.docx")
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4"]
    assert doc.footnotes[1].text == "Ibid." and doc.footnotes[1].same_as == "1"
    third = " ".join(doc.footnotes[2].text.split())
    assert third == (
        "For example, 124,000 antivehicle mines were shipped in 2004. "
        "A second paragraph of the third note, about transfers."
    )
    assert all(len(n.markers) == 1 for n in doc.footnotes)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 and nothing", "cannot read the .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old Word", "a Word 97-2003 .doc file"),
        (b"Plain text named .docx", "not a .docx file"),
        (zip_of({"mimetype": b"application/vnd.oasis.opendocument.text"}), "no word/document.xml"),
        ((DOCX / "report.docx").read_bytes()[:4000], "cannot read the .docx"),
        (zip_of({"word/document.xml": b"<w:document><unclosed>"}), "cannot read the .docx"),
    ],
)
def test_a_file_that_is_not_a_readable_docx_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse(data, name="report.docx")


@pytest.mark.parametrize(
    "path", [DOCX / "report.docx", DATA / "odt" / "libreoffice_report.odt", DATA / "epub" / "report.epub"]
)
def test_packages_with_damaged_xml_are_read_or_refused_never_crash(path: Path) -> None:
    # Each copy has stray markup, cut text or bad bytes in some of its XML parts, or a part gone.
    rng = random.Random(5)
    source = zipfile.ZipFile(path)
    refused = 0
    for _ in range(30):
        files = {}
        for info in source.infolist():
            data = bytearray(source.read(info.filename))
            if info.filename.endswith((".xml", ".xhtml", ".opf", ".rels")) and data and rng.random() < 0.5:
                for _ in range(rng.randrange(1, 20)):
                    at = rng.randrange(max(1, len(data)))
                    data[at : at + rng.randrange(1, 30)] = rng.choice(
                        [b"<", b">", b"&", b'"', b"", b"</p>", b"\xff\xfe"]
                    )
            if rng.random() > 0.05:
                files[info.filename] = bytes(data)
        try:
            doc = parse(zip_of(files), name=path.name)
        except IngestError:
            refused += 1
        else:
            assert all(n.text == doc.source[n.start : n.end] for n in doc.footnotes)
    assert refused > 0


def test_a_part_that_unpacks_hundreds_of_times_its_size_is_refused_before_reading() -> None:
    import io

    paragraphs = "<w:p><w:r><w:t>aaaa</w:t></w:r></w:p>" * 60_000  # 2.2 MB that compresses to kilobytes
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{paragraphs}</w:body></w:document>",
        )
    with pytest.raises(IngestError, match="more than 100 times its size"):
        parse(buffer.getvalue(), name="bomb.docx")


def test_endnotes_are_labelled_as_the_document_numbers_them() -> None:
    # LibreOffice 7 (as Word does by default) numbers endnotes i, ii, iii: the settings say so
    # (w:endnotePr/w:numFmt), and mammoth's [1], [2], [3] are read as the document prints them.
    doc = load(DATA / "docx" / "roman_endnotes.docx")
    assert [n.label for n in doc.footnotes] == ["i", "ii", "iii", "iv"]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert doc.footnotes[3].text == "Ibid., p. 6." and doc.footnotes[3].same_as == "iii"
    assert not doc.warnings


@pytest.mark.parametrize(
    ("n", "fmt", "label"),
    [
        (4, "lowerRoman", "iv"),
        (14, "upperRoman", "XIV"),
        (2, "lowerLetter", "b"),
        (27, "lowerLetter", "aa"),
        (3, "upperLetter", "C"),
        (6, "chicago", "††"),
        (7, "decimal", "7"),
        (7, "cardinalText", "7"),
    ],
)
def test_word_number_formats(n: int, fmt: str, label: str) -> None:
    from footnoted.ingest.docx import _label

    assert _label(n, fmt) == label


# ``two_series.docx``, ``letters30.docx`` and ``hidden_style.docx`` were written by LibreOffice 7.4
# (``soffice --headless --convert-to docx``) from the flat OpenDocument files of
# ``tests/data/office-sources``, as were the .odt and .rtf files of the same names.
TWO_SERIES = [
    ("5", "Annex B of the 2023 statement.", None),
    ("6", "Northfield Irrigation Company.", None),
    ("iii", "Board minutes, 14 March 2023.", None),
    ("7", "Ibid., annex C.", "6"),
    ("iv", "Ibid., p. 2.", "iii"),
    ("8", "District engineer, interview.", None),
]


def test_footnotes_and_endnotes_are_numbered_as_two_series_from_their_own_first_numbers() -> None:
    # Footnotes from 5 (w:numStart), endnotes in roman from iii; an "Ibid." names the note before
    # it in its own series, not the other series' note cited between them.
    doc = load(DOCX / "two_series.docx")
    assert [(n.label, n.text, n.same_as) for n in doc.footnotes] == TWO_SERIES
    assert all([doc.source[m.start : m.end] for m in n.markers] == [f"[{n.label}]"] for n in doc.footnotes)


def test_notes_numbered_past_z_keep_their_letters() -> None:
    doc = load(DOCX / "letters30.docx")
    letters = [chr(ord("a") + i) for i in range(26)] + ["aa", "bb", "cc", "dd"]  # as Word counts
    assert [(n.label, n.text) for n in doc.footnotes] == [(x, f"Log {i}.") for i, x in enumerate(letters, start=1)]
    assert all(len(n.markers) == 1 for n in doc.footnotes)


def test_text_hidden_by_its_run_or_character_style_is_left_out_and_a_text_box_kept() -> None:
    doc = load(DOCX / "hidden_style.docx")
    assert "HIDDENBYSTYLE" not in doc.source
    assert "Shown again." in doc.source
    assert "Sidebar: the canal was lined in 1990." in doc.source
    assert [n.label for n in doc.footnotes] == ["1", "2"]
