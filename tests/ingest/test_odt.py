"""OpenDocument text files: notes linked by the document itself, structure, metadata, damage.

``tests/data/odt/pandoc_report.odt`` was written by pandoc 3.9 from ``tests/data/docx/report.md``
(the report of ``tests/data/pdf``, its 13 notes). ``libreoffice_report.odt`` and
``libreoffice_endnotes.odt`` were written by LibreOffice 7.4 (``soffice --headless --convert-to
odt``) from the two .docx files of ``tests/data/docx``, and ``libreoffice_endnotes.fodt`` is the
second as LibreOffice's flat XML (``--convert-to fodt``): LibreOffice numbers the report's footnotes
afresh in each chapter (its notes configuration says ``start-numbering-at="chapter"``) and the
endnotes i, ii, iii, iv, and stores each citation as it shows it.
"""

from __future__ import annotations

import random

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.ingest.labels import roman
from tests.conftest import DATA, zip_of
from tests.ingest.test_pdf import CITED, _plain, check_report_notes

ODT = DATA / "odt"
MIMETYPE = b"application/vnd.oasis.opendocument.text"
HEADINGS = ["Summary", "Allocation and its Exceptions", "Groundwater", "Recommendations"]


def test_pandoc_odt_notes_are_linked_to_their_citations() -> None:
    doc = load(ODT / "pandoc_report.odt")
    assert doc.format == "odt"
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    assert doc.metadata["author"] == "Basin Monitoring Group"
    check_report_notes(doc, marker="[{}]")
    assert not doc.warnings
    headings = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings[1:] == HEADINGS
    assert [s.title for s in doc.sections][-1] == "Recommendations"


def test_libreoffice_notes_numbered_per_chapter_keep_their_labels_and_links() -> None:
    doc = load(ODT / "libreoffice_report.odt")
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    assert doc.metadata["author"] == "Basin Monitoring Group"
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4", "5", "1", "2", "3", "4", "5", "1", "2", "3"]
    for note, (words, opening) in zip(doc.footnotes, CITED.values(), strict=True):
        assert note.text == doc.source[note.start : note.end]
        assert " ".join(note.text.split()).startswith(opening), note.label
        [cited] = note.markers
        assert doc.source[cited.start : cited.end] == f"[{note.label}]"
        assert _plain(doc.source[: cited.start]).endswith(_plain(words)), note.label
    ibid = doc.footnotes[9]
    assert ibid.text.startswith("Ibid.") and ibid.same_as == "4"  # the note just before, in its chapter
    assert not doc.warnings
    headings = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings[1:] == HEADINGS


@pytest.mark.parametrize("name", ["libreoffice_endnotes.odt", "libreoffice_endnotes.fodt"])
def test_libreoffice_endnotes_keep_roman_labels_and_all_their_paragraphs(name: str) -> None:
    doc = load(ODT / name)
    assert doc.format == "odt"
    assert doc.title == "Mines in Storage"
    assert [n.label for n in doc.footnotes] == ["i", "ii", "iii", "iv"]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert doc.footnotes[1].text == "Ibid." and doc.footnotes[1].same_as == "i"
    assert " ".join(doc.footnotes[2].text.split()) == (
        "For example, 124,000 antivehicle mines were shipped in 2004. "
        "A second paragraph of the third note, about transfers."
    )


def test_passages_of_an_odt_carry_its_notes_and_leave_their_bodies_out() -> None:
    doc = load(ODT / "pandoc_report.odt")
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    attached = {n.label for c in chunks for n in c.footnotes}
    assert attached == set(CITED)
    for c in chunks:
        assert not any(n.start < c.end and c.start < n.end for n in doc.footnotes), "a note body became a passage"


def _odt(body: str, styles: str = "") -> bytes:
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0">'
        f"<office:automatic-styles>{styles}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    return zip_of({"mimetype": MIMETYPE, "content.xml": content.encode()})


def test_what_a_reader_does_not_see_is_left_out_and_what_they_see_is_kept() -> None:
    body = (
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        "<text:p>Deleted draft claim.</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        "<text:table-of-content><text:index-body><text:p>Findings ..... 1</text:p></text:index-body>"
        "</text:table-of-content>"
        '<text:p text:style-name="P1">Field Report</text:p>'
        '<text:h text:outline-level="2">Findings</text:h>'
        "<text:p>Mines<text:s/>were found<text:tab/>in 2004."
        "<office:annotation><text:p>Check this figure.</text:p></office:annotation>"
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>Survey log, p. 3.</text:p></text:note-body></text:note>"
        '<text:hidden-text text:is-hidden="true" text:string-value="x">Secret aside.</text:hidden-text>'
        "<draw:frame><draw:text-box><text:p>Figure 1: the survey area.</text:p></draw:text-box></draw:frame>"
        "</text:p>"
        "<text:list><text:list-item><text:p>First item</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>Cell A</text:p></table:table-cell>"
        "<table:covered-table-cell/></table:table-row></table:table>"
    )
    styles = '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>'
    doc = parse(_odt(body, styles), name="field.odt")
    for hidden in ("Deleted draft claim", "Findings .....", "Check this figure", "Secret aside"):
        assert hidden not in doc.source
    assert doc.title == "Field Report"
    assert "Mines were found in 2004.[1]" in doc.source  # spaces and tabs are white space
    for shown in ("Figure 1: the survey area.", "First item", "Cell A"):
        assert shown in doc.source
    [note] = doc.footnotes
    assert note.text == "Survey log, p. 3." and len(note.markers) == 1
    kinds = {doc.source[b.start : b.end]: b.kind for b in doc.blocks}
    assert kinds["Findings"] == "heading"
    assert kinds["First item"] == "list_item"


def test_endnotes_past_thirty_five_keep_their_roman_labels() -> None:
    # xxxvi (36), xl (40) and xlix (49) are longer, or use other letters, than the first 35.
    notes = "".join(
        f'<text:p>Claim {n}.<text:note text:note-class="endnote"><text:note-citation>{roman(n)}</text:note-citation>'
        f"<text:note-body><text:p>Source {n}.</text:p></text:note-body></text:note></text:p>"
        for n in range(1, 51)
    )
    doc = parse(_odt(notes), name="long.odt")
    assert [n.label for n in doc.footnotes] == [roman(n) for n in range(1, 51)]
    assert all(len(n.markers) == 1 and n.text == f"Source {i}." for i, n in enumerate(doc.footnotes, start=1))
    assert not doc.warnings


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 and nothing", "cannot read the .odt"),
        (b"Plain text named .odt", "not an OpenDocument text file"),
        (zip_of({"word/document.xml": b"<w:document/>"}), "no content.xml"),
        (
            zip_of({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            "its type is 'application/vnd.oasis.opendocument.spreadsheet'",
        ),
        (zip_of({"mimetype": MIMETYPE, "content.xml": b"<office:document-content><unclosed>"}), "cannot read the .odt"),
        (zip_of({"mimetype": MIMETYPE, "content.xml": b"<document/>"}), "has no text body"),
        ((ODT / "libreoffice_report.odt").read_bytes()[:5000], "cannot read the .odt"),
        # Flat XML (.fodt): a spreadsheet's, another XML document, a cut one.
        (
            b'<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"/>',
            "type 'application/vnd.oasis.opendocument.spreadsheet'",
        ),
        (b"<?xml version='1.0'?><html><body>Not OpenDocument</body></html>", "its XML is 'html'"),
        ((ODT / "libreoffice_endnotes.fodt").read_bytes()[:3000], "cannot read the .odt"),
    ],
)
def test_a_file_that_is_not_a_readable_odt_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse(data, name="report.odt")


def test_a_document_nested_past_any_real_one_is_refused_not_crashed() -> None:
    deep = "<text:list><text:list-item>" * 3000 + "<text:p>x</text:p>" + "</text:list-item></text:list>" * 3000
    with pytest.raises(IngestError, match=r"cannot read the \.odt"):
        parse(_odt(deep), name="deep.odt")


def test_a_flat_odt_with_damaged_xml_is_read_or_refused_never_crashed() -> None:
    rng = random.Random(13)
    original = (ODT / "libreoffice_endnotes.fodt").read_bytes()
    refused = 0
    for _ in range(30):
        data = bytearray(original)
        for _ in range(rng.randrange(1, 20)):
            at = rng.randrange(len(data))
            data[at : at + rng.randrange(1, 30)] = rng.choice([b"<", b">", b"&", b'"', b"", b"</text:p>", b"\xff\xfe"])
        try:
            doc = parse(bytes(data), name="damaged.fodt")
        except IngestError:
            refused += 1
        else:
            assert all(n.text == doc.source[n.start : n.end] for n in doc.footnotes)
    assert refused > 0


def test_footnotes_and_endnotes_keep_their_series_and_ibid_names_its_own_series() -> None:
    from tests.ingest.test_docx import TWO_SERIES

    doc = load(ODT / "two_series.odt")  # LibreOffice's, from tests/data/office-sources
    assert [(n.label, n.text, n.same_as) for n in doc.footnotes] == TWO_SERIES


def test_notes_numbered_past_z_keep_the_documents_letters() -> None:
    doc = load(ODT / "letters30.odt")
    letters = [chr(ord("a") + i) for i in range(26)] + ["aa", "ab", "ac", "ad"]  # as LibreOffice counts
    assert [(n.label, n.text) for n in doc.footnotes] == [(x, f"Log {i}.") for i, x in enumerate(letters, start=1)]


def test_text_in_a_hidden_character_style_is_left_out() -> None:
    doc = load(ODT / "hidden_style.odt")
    assert "HIDDENBYSTYLE" not in doc.source
    assert "Shown again." in doc.source
    assert "Sidebar: the canal was lined in 1990." in doc.source


def test_a_paragraph_in_a_style_derived_from_a_hidden_one_is_left_out() -> None:
    styles = (
        '<style:style style:name="Gone" style:family="paragraph">'
        '<style:text-properties text:display="none"/></style:style>'
        '<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Gone"/>'
    )
    doc = parse(_odt('<text:p text:style-name="P2">Secret.</text:p><text:p>Seen.</text:p>', styles), name="h.odt")
    assert doc.source == "Seen."
