"""PDF files read through their text layer: notes at the page foot, furniture, metadata, damage.

``tests/data/pdf/report.pdf`` was typeset by Typst 0.15 (typst-py 0.15.2) from ``report.typ`` beside it
(``python -c "import typst; typst.compile('report.typ', output='report.pdf')"``): three A4 pages,
13 footnotes that Typst sets at the foot of the page that cites them, a running head on pages 2-3,
page numbers, a block quote whose last word carries a note, note 10 "Ibid., paras. 52-55; ...",
figures such as "2.4 billion", "1,840" and "0.8 metres", and a numbered list of recommendations.
``two-columns.pdf`` is the same report set in two columns, each column with its own notes at its
foot; ``across-pages.pdf`` (A5) has a note too long for its page, which Typst carries on at the
foot of the next page above that page's own notes; in ``note-over-a-page.pdf`` the note fills
the whole of page 2 and ends at the foot of page 3. ``tests/data/pdf_text/report.pdf`` is the
three-page reportlab PDF of ``test_pages.py``. ``weasyprint.pdf`` is the report typeset by
WeasyPrint 70 from ``weasyprint.html`` (CSS ``float: footnote``): another typesetter's fonts,
spacing and superscripts for the same 13 notes. ``endnotes.pdf`` (from ``endnotes.html``) has
them as endnotes instead: a numbered list under "Notes" at the end, each number hanging in the
margin beside its note. ``libreoffice-endnotes.pdf`` is LibreOffice 7.4's PDF export of
``tests/data/odt/libreoffice_endnotes.odt``: endnotes numbered i to iv, as Word and LibreOffice
number endnotes by default, on a last page of their own with no heading.
``libreoffice-chapters.pdf`` is its PDF export of ``tests/data/odt/libreoffice_report.odt``: the
report's footnotes numbered afresh in each chapter (1 to 5, 1 to 5, 1 to 3).
``ibid-page-feet.pdf`` (Typst, A5, five pages) alternates interviews and "Ibid., p. N." notes, so
that two pages end with an "Ibid." line of the same shape, page number aside. ``typeset/`` holds
two reports written and typeset by ``bench/typeset_reports.py`` (its sources beside them);
``office/`` ten written by ``bench/office_reports.py`` and saved as PDFs by LibreOffice 7.4 (their
OpenDocument sources beside them).
"""

from __future__ import annotations

import html
import random
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from footnoted.errors import DocumentTooLarge, IngestError
from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse, pdf
from footnoted.ingest.pdf_notes import CLOSE, OPEN, Line, rebuild, unwrap
from footnoted.ingest.process import python_command
from footnoted.ingest.read import document_id
from footnoted.types import Document
from tests.conftest import DATA

TYPST = DATA / "pdf" / "report.pdf"
# The words each note's marker follows, and how its note starts.
CITED = {
    "1": ("signed in 1961.", "Lower Basin Water Authority, Annual Allocation Statement 2023"),
    "2": ("over the same period.", "Gauge records for stations 12 to 19"),
    "3": ("reserved for the delta wetlands.", "Lower Basin Water Compact (1961), article 3."),
    "4": ("reached the delta.", "Delta Conservancy, Wetland Inflow Report 2022, p. 17."),
    "5": ("obtained through the courts.", "Interviewees are identified by district only"),
    "6": ("each holder’s entitlement.”", "Lower Basin Water Compact (1961), article 7(2)."),
    "7": ("junior holders were cut.", "The exemptions are listed in annex B"),
    "8": ("divide what is left.", "Interview with a district engineer, Canal District 2"),
    "9": ("before the exemption took effect.", "Ortega et al. v. Lower Basin Water Authority"),
    "10": ("publication cures the defect.", "Ibid., paras. 52-55;"),
    "11": ("at least as many again.", "Registered wells: LBWA well registry"),
    "12": ("on average since 2016.", "Geological Survey, Central Aquifer Monitoring Bulletin no. 31"),
    "13": ("smallholders in the basin.", "Drilling quotations collected from five contractors"),
}


def check_report_notes(doc: Document, marker: str = "{}") -> None:
    """The report's 13 notes, each opening as it does, its one marker (``marker`` with the label
    put in) right after the words that cite it; note 10 ("Ibid.") repeats note 9."""
    assert [n.label for n in doc.footnotes] == list(CITED)
    for note in doc.footnotes:
        words, opening = CITED[note.label]
        assert note.text == doc.source[note.start : note.end]
        assert " ".join(note.text.split()).startswith(opening), note.label
        [cited] = note.markers
        assert doc.source[cited.start : cited.end] == marker.format(note.label)
        assert _plain(doc.source[: cited.start]).endswith(_plain(words)), note.label
    assert doc.footnotes[9].same_as == "9"


def _plain(text: str) -> str:
    """Words single-spaced, quotes straight (pandoc curls the quotes of the .docx's source; the
    WeasyPrint source has straight ones)."""
    return " ".join(text.replace("’", "'").replace("“", '"').replace("”", '"').split())


def test_a_typeset_report_keeps_every_page_foot_note_linked_to_its_marker() -> None:
    doc = load(TYPST)
    assert doc.format == "pdf"
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    assert doc.metadata["author"] == "Basin Monitoring Group"
    assert doc.metadata["pages"] == "3"
    check_report_notes(doc)
    # Headings are set larger than the text: each stands apart, though pdfminer boxes it with the
    # paragraph under it, and governs a section.
    assert [s.title for s in doc.sections] == [
        "Summary",
        "Allocation and its Exceptions",
        "Groundwater",
        "Recommendations",
    ]
    # Justified lines come out of the PDF with runs of spaces, and its hyphens as soft hyphens.
    assert "  " not in doc.source and "\xad" not in doc.source
    assert not doc.warnings


def test_passages_of_a_pdf_leave_out_notes_heads_and_page_numbers() -> None:
    doc = load(TYPST)
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    attached = {n.label: c for c in chunks for n in c.footnotes}
    assert sorted(attached, key=int) == list(CITED)
    for c in chunks:
        assert c.text == doc.source[c.start : c.end]
        assert "Basin Monitoring Group | Dry Channels" not in c.text
        assert not any(n.start < c.end and c.start < n.end for n in doc.footnotes), "a note body became a passage"
        assert "\f" not in c.text.strip("\f\n ")
    text = " ".join(" ".join(c.text for c in chunks).split())
    for figure in ("2.4 billion cubic metres", "1,840 in 2015", "0.8 metres a year", "Register every well"):
        assert figure in text


def test_another_typesetters_pdf_of_the_report_reads_the_same() -> None:
    doc = load(DATA / "pdf" / "weasyprint.pdf")
    assert doc.title == "Dry Channels: Water Allocation in the Lower Basin"
    check_report_notes(doc)
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    assert not any(n.start < c.end and c.start < n.end for c in chunks for n in doc.footnotes)
    assert sorted({n.label for c in chunks for n in c.footnotes}, key=int) == list(CITED)
    # Page 1 ends mid-sentence ("... its full entitlement while"); the sentence ends on page 2
    # with note 7's marker. It is read whole, in the passage that carries note 7.
    [whole] = [c for c in chunks if "entitlement while junior holders were cut." in " ".join(c.text.split())]
    assert "7" in [n.label for n in whole.footnotes]


def test_endnotes_with_hanging_numbers_keep_their_labels() -> None:
    # pdfminer lays a hanging "1." out as a box of its own beside its note; it is joined back.
    doc = load(DATA / "pdf" / "endnotes.pdf")
    check_report_notes(doc)
    assert "2020-118, judgment" in doc.footnotes[8].text  # a note's line that opens with a figure
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    assert not any(n.start < c.end and c.start < n.end for c in chunks for n in doc.footnotes)
    assert sorted({n.label for c in chunks for n in c.footnotes}, key=int) == list(CITED)


def test_each_column_of_a_two_column_page_keeps_its_notes() -> None:
    doc = load(DATA / "pdf" / "two-columns.pdf")
    check_report_notes(doc)
    # A note line that opens with a figure ("17. The Conservancy ...") stays in its note, and a word
    # the narrow column hyphenated at a line's end is whole again ("Bul-" "letin").
    assert "Monitoring Bulletin no. 31" in " ".join(doc.footnotes[11].text.split())
    assert " ".join(doc.footnotes[3].text.split()).endswith(
        "p. 17. The Conservancy measures inflow at the Marsh Gate weir, 4 km above the estuary."
    )
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=8))
    assert not any("Interviewees are identified" in c.text or "The Conservancy measures" in c.text for c in chunks)
    assert not doc.warnings


def test_a_note_carried_on_to_the_next_page_is_read_whole() -> None:
    doc = load(DATA / "pdf" / "across-pages.pdf")
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4"]
    long = " ".join(doc.footnotes[1].text.split())
    assert long.startswith("The changes are these. In 1971 the authority stopped reporting deliveries")
    # The lines at the foot of page 2, above notes 3 and 4, end note 2.
    assert "In 1982 the statement gave 25 tables. In 1983 the statement gave 26 tables." in long
    assert long.endswith("The annex lists every table by year.")
    assert doc.footnotes[1].text == doc.source[doc.footnotes[1].start : doc.footnotes[1].end]
    assert doc.footnotes[3].text == "Ibid., p. 18." and doc.footnotes[3].same_as == "3"
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=120, overlap=8))
    assert not any("In 1983 the statement" in c.text for c in chunks), "the note's end became a passage"
    assert [n.label for c in chunks for n in c.footnotes] == ["1", "2", "3", "4"]


def test_a_note_that_fills_a_page_of_its_own_is_read_whole() -> None:
    doc = load(DATA / "pdf" / "note-over-a-page.pdf")
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4"]
    long = " ".join(doc.footnotes[1].text.split())
    for part in ("In 1982 the statement gave 25 tables.", "In 2000 the statement gave 43 tables,"):
        assert part in long  # from pages 1, 2 and 3
    assert long.endswith("The annex lists every table by year.")
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=120, overlap=8))
    assert not any("the statement gave" in c.text for c in chunks), "a piece of the note became a passage"
    assert [n.label for c in chunks for n in c.footnotes] == ["1", "2", "3", "4"]


def test_the_pdf_and_the_text_extracted_from_it_agree() -> None:
    # The reportlab PDF read directly finds what its pdfminer extract (test_pages.py) finds.
    direct = load(DATA / "pdf_text" / "report.pdf")
    extract = load(DATA / "pdf_text" / "report-pdfminer.txt")
    assert [(n.label, " ".join(n.text.split())) for n in direct.footnotes] == [
        (n.label, " ".join(n.text.split())) for n in extract.footnotes
    ]
    assert direct.footnotes[4].same_as == "4"
    # reportlab's default "anonymous" author and "unspecified" subject are not facts.
    assert "author" not in direct.metadata and "subject" not in direct.metadata
    assert direct.metadata["created"][:2] == "20"


def test_a_pdf_id_drops_its_extension() -> None:
    assert document_id("Annual Report 2023.pdf") == "annual-report-2023"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4", "cannot read the PDF"),
        (b"Just some text in a file named .pdf", "not a PDF file"),
        (TYPST.read_bytes()[: len(TYPST.read_bytes()) // 3], "cannot read the PDF"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse(data, name="report.pdf")


def test_a_pdf_without_a_text_layer_asks_for_ocr() -> None:
    # no-text.pdf: a Typst page holding one black square and no text, as a scan looks to a text reader.
    with pytest.raises(IngestError, match=r"no text layer \(1 page of images, a scan\?\); run OCR"):
        load(DATA / "pdf" / "no-text.pdf")


def test_damaged_pdfs_are_read_or_refused_never_crash() -> None:
    # Truncated, overwritten and bit-flipped copies of a real PDF: each is a Document or an
    # IngestError (mutating a PDF this way made pdfminer raise assertions and KeyErrors too).
    data = TYPST.read_bytes()
    rng = random.Random(7)
    outcomes = {"read": 0, "refused": 0}
    for _ in range(24):
        damaged = bytearray(data)
        start = rng.randrange(16, len(data))
        damaged[start : start + rng.randrange(1, 4000)] = rng.randbytes(rng.randrange(0, 400))
        try:
            doc = parse(bytes(damaged), name="damaged.pdf")
        except IngestError:
            outcomes["refused"] += 1
        else:
            outcomes["read"] += 1
            assert all(n.text == doc.source[n.start : n.end] for n in doc.footnotes)
    assert outcomes["refused"] > 0


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("granted 23 exemp-\ntions, since 2019", "granted 23 exemptions,\nsince 2019"),
        ("were ex-\nempted.7 A district", "were exempted.7\nA district"),
        ("a long-\nterm view; long-term plans", "a long-term\nview; long-term plans"),
        ("both self-\ndestructing; non-self-destructing", "both self-destructing;\nnon-self-destructing"),
        ("Smith-\nJones", "Smith-\nJones"),
        ("the pre-\n2004 figures", "the pre-\n2004 figures"),
    ],
)
def test_a_word_hyphenated_at_a_line_end_is_made_whole(text: str, joined: str) -> None:
    from footnoted.ingest.pdf import _join_broken_words

    assert _join_broken_words(text) == joined


def test_a_pdf_may_be_larger_than_a_text_file_before_it_is_refused(tmp_path: Path) -> None:
    # A PDF's bytes are mostly fonts and images: 58 KB of PDF holds about 5 KB of text.
    size = TYPST.stat().st_size
    assert load(TYPST, max_bytes=size // 2).footnotes
    text = tmp_path / "report.txt"
    text.write_text("A report about mines.\n" * (size // 20))
    with pytest.raises(DocumentTooLarge, match="over the limit"):
        load(text, max_bytes=size // 2)
    with pytest.raises(DocumentTooLarge, match="over the limit"):
        load(TYPST, max_bytes=size // 20)


def test_roman_endnotes_printed_by_an_office_suite_are_linked() -> None:
    doc = load(DATA / "pdf" / "libreoffice-endnotes.pdf")
    assert [n.label for n in doc.footnotes] == ["i", "ii", "iii", "iv"]
    assert [len(n.markers) for n in doc.footnotes] == [1, 1, 1, 1]
    ends = [doc.source[: n.markers[0].end] for n in doc.footnotes]
    cited = [" mines.i", " 2004.ii", " 2004.iii", " one.iv"]
    assert [e.endswith(c) for e, c in zip(ends, cited, strict=True)] == [True] * 4
    assert doc.footnotes[1].text == "Ibid." and doc.footnotes[1].same_as == "i"
    assert " ".join(doc.footnotes[2].text.split()) == (
        "For example, 124,000 antivehicle mines were shipped in 2004. "
        "A second paragraph of the third note, about transfers."
    )
    assert not doc.warnings


def test_footnotes_numbered_per_chapter_by_an_office_suite_are_linked() -> None:
    # The second page's foot holds the second chapter's notes 1 to 5 and then the third's 1 to 3,
    # and the second chapter's note 1 is set there although its marker ends the first page (which
    # had no room left for it).
    doc = load(DATA / "pdf" / "libreoffice-chapters.pdf")
    assert [n.label for n in doc.footnotes] == [*"12345", *"12345", *"123"]
    for note, (words, opening) in zip(doc.footnotes, CITED.values(), strict=True):
        assert len(note.markers) == 1, note.label
        assert " ".join(doc.source[: note.markers[0].start].split()).endswith(words), note.label
        assert " ".join(note.text.split()).startswith(opening), note.label
    pages = [doc.source.count("\f", 0, n.markers[0].start) + 1 for n in doc.footnotes]
    assert pages == [1] * 6 + [2] * 7
    assert not doc.warnings


def _reading(doc: Document) -> tuple[object, ...]:
    return doc.source, doc.blocks, doc.sections, doc.footnotes, dict(doc.metadata), doc.warnings


def test_a_long_pdf_read_in_two_processes_reads_as_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("note-over-a-page.pdf", "report.pdf", "two-columns.pdf")
    alone = {name: load(DATA / "pdf" / name) for name in names}
    monkeypatch.setattr(pdf, "SPLIT_AT", 2)  # every one of them is "long" now
    monkeypatch.setattr(pdf, "SPLIT_FROM_SECONDS", 0.0)  # and slow
    started = []
    popen = subprocess.Popen

    def counted(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(args[0])
        return popen(*args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "Popen", counted)
    for name in names:
        assert _reading(load(DATA / "pdf" / name)) == _reading(alone[name]), name
    assert len(started) == 3 and started[0] == python_command(
        "from footnoted.ingest.pdf import serve_pages; serve_pages()"
    )


def test_a_long_pdf_whose_pages_lay_out_quickly_stays_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # Its first pages timed, the rest would take less than the threshold: no second process.
    alone = load(DATA / "pdf" / "note-over-a-page.pdf")
    monkeypatch.setattr(pdf, "SPLIT_AT", 2)
    monkeypatch.setattr(pdf, "SPLIT_FROM_SECONDS", 3600.0)
    started: list[object] = []
    popen = subprocess.Popen

    def counted(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(args[0])
        return popen(*args, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "Popen", counted)
    assert _reading(load(DATA / "pdf" / "note-over-a-page.pdf")) == _reading(alone)
    assert started == []
    # Nor where the caller keeps every core busy already (load_all with its helpers), however slow.
    monkeypatch.setattr(pdf, "SPLIT_FROM_SECONDS", 0.0)
    with pdf.in_one_process():
        assert _reading(load(DATA / "pdf" / "note-over-a-page.pdf")) == _reading(alone)
    assert started == []
    load(DATA / "pdf" / "note-over-a-page.pdf")
    assert len(started) == 1  # and outside it, it is split again


@pytest.mark.parametrize("executable", ["/bin/false", "/nonexistent/python"])
def test_when_the_second_process_fails_or_cannot_start_this_one_reads_every_page(
    monkeypatch: pytest.MonkeyPatch, executable: str
) -> None:
    alone = load(DATA / "pdf" / "note-over-a-page.pdf")
    monkeypatch.setattr(pdf, "SPLIT_AT", 2)
    monkeypatch.setattr(pdf, "SPLIT_FROM_SECONDS", 0.0)
    monkeypatch.setattr(pdf.sys, "executable", executable)
    assert _reading(load(DATA / "pdf" / "note-over-a-page.pdf")) == _reading(alone)


def test_a_damaged_long_pdf_is_read_or_refused_as_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def outcome(data: bytes) -> object:
        try:
            return _reading(parse(data, name="damaged.pdf"))
        except IngestError as exc:
            return str(exc)

    data = (DATA / "pdf" / "note-over-a-page.pdf").read_bytes()
    rng = random.Random(11)
    damaged = []
    for _ in range(6):  # damage past the first third, where the pages of the second half are
        copy = bytearray(data)
        start = rng.randrange(len(data) // 3, len(data))
        copy[start : start + rng.randrange(1, 4000)] = rng.randbytes(rng.randrange(0, 400))
        damaged.append(bytes(copy))
    alone = [outcome(d) for d in damaged]
    monkeypatch.setattr(pdf, "SPLIT_AT", 2)
    monkeypatch.setattr(pdf, "SPLIT_FROM_SECONDS", 0.0)
    assert [outcome(d) for d in damaged] == alone
    assert any(isinstance(o, str) for o in alone) and any(not isinstance(o, str) for o in alone)


def test_ibid_notes_ending_several_pages_are_notes_not_a_running_foot() -> None:
    # "[4] Ibid., p. 7." and "[18] Ibid., p. 21." end two of the five pages: the same line, digits
    # aside, at the same edge of 40% of the pages, as a running foot is; but it opens with a label
    # that does not climb with the page.
    doc = load(DATA / "pdf" / "ibid-page-feet.pdf")
    assert [n.label for n in doc.footnotes] == [str(i) for i in range(1, 19)]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert [n.text for n in doc.footnotes if n.label in ("4", "18")] == ["Ibid., p. 7.", "Ibid., p. 21."]
    assert [n.same_as for n in doc.footnotes if n.label in ("4", "18")] == ["3", "17"]


def _written(typ: str) -> list[tuple[str, str]]:
    """(the sentence a note closes, the note's text) for each note of a Typst source, in order."""
    return re.findall(r"([^.\]]*?)\.#footnote\[(.*?)\](?=[ .])", typ)


def _letters(text: str) -> str:
    return re.sub(r"\W+", "", text.replace("\\$", "$")).lower()


@pytest.mark.parametrize("name", ["two-columns", "numbered-per-chapter", "across-columns"])
def test_every_note_of_a_typeset_report_is_read_whole_and_linked(name: str) -> None:
    # Written by bench/typeset_reports.py (seeds 40 and 43, three chapters): two columns whose notes
    # pdfminer gives interleaved, a column's notes before the other's, and a note set at the foot
    # of the page before its marker's; and notes numbered afresh in each chapter, the new chapter
    # beginning mid-page, its notes given before the text that cites them; and (seed 52) two
    # columns with a note that runs on from the foot of the first to the head of the second.
    typ = (DATA / "pdf" / "typeset" / f"{name}.typ").read_text()
    check_written_notes(load(DATA / "pdf" / "typeset" / f"{name}.pdf"), _written(typ), 40)


def check_written_notes(doc: Document, written: list[tuple[str, str]], at_least: int) -> None:
    """Every note written, (the sentence it closes, its text), read with its text and one marker
    right after that sentence, in order, and nothing amiss."""
    notes = sorted(doc.footnotes, key=lambda n: n.start)
    assert len(notes) == len(written) >= at_least
    for note, (claim, text) in zip(notes, written, strict=True):
        assert _letters(note.text) == _letters(text), note.label
        assert len(note.markers) == 1, note.label
        before = doc.source[max(0, note.markers[0].start - 60) : note.markers[0].start]
        assert _letters(claim)[-15:] in _letters(before), note.label
    assert not doc.warnings


def _office_notes(fodt: str) -> list[tuple[str, str]]:
    """(the sentence a note closes, the note's text) for each note of a flat OpenDocument source."""
    pairs = re.findall(
        r"([^.>]*?)\.<text:note [^>]*><text:note-citation>\d+</text:note-citation>"
        r"<text:note-body><text:p[^>]*>(.*?)</text:p>",
        fodt,
    )
    return [(html.unescape(claim), html.unescape(text)) for claim, text in pairs]


@pytest.mark.parametrize(
    "name",
    [
        "endnotes",
        "endnotes-spaced-markers",
        "endnotes-roman",
        "a5-small-type",
        "numbered-per-chapter",
        "two-columns",
        "two-columns-note-across",
        "two-columns-out-of-order",
        "two-columns-endnotes",
        "two-columns-endnotes-page-number",
        "two-columns-endnotes-wrapped-alike",
    ],
)
def test_every_note_of_a_word_processor_report_is_read_whole_and_linked(name: str) -> None:
    # Written by bench/office_reports.py (three chapters; seeds 42, 46, 46, 46, 49, 42, 47, 55, 50, 44, 48) and
    # saved as PDFs by LibreOffice: endnotes numbered 1, 2, 3 on pages of their own with no heading,
    # a box of them opening with the end of the note before; markers that pdfminer gives a space
    # before ("stones. 12", a justified line); endnotes numbered i, ii, iii, as word processors
    # number them by default, a label set apart ("ii", then "Ibid.") or glued to its note
    # ("viiiLetter"); notes of one page boxed apart by their hanging labels and given out of order
    # ("1", "3", "2"); notes numbered afresh in each chapter, on a page whose head pdfminer splits
    # round the chapter's heading; two columns whose head pdfminer splits between them; a note
    # that runs on from the foot of the first column with a line that opens with a year; and a
    # page whose columns pdfminer gives as the left one's first paragraph, the right one, then the
    # rest of the left, a sentence running on from the left column's foot to the right's head; and
    # two columns with endnotes (no notes at the pages' feet), read in the same order, one page's
    # number given between its columns, inside a sentence; and two columns of endnotes in which
    # five letters wrap alike at the top of several pages, "reasons given for delays in 8
    # districts, including ...", but for the figure: no running head, for its figures vary.
    fodt = (DATA / "pdf" / "office" / f"{name}.fodt").read_text()
    doc = load(DATA / "pdf" / "office" / f"{name}.pdf")
    check_written_notes(doc, _office_notes(fodt), 35)
    # The running head ("Human Rights Watch", "Fields of Stone") and the page numbers are furniture.
    left = [
        doc.source[b.start : b.end]
        for b in doc.blocks
        if b.kind != "furniture"
        and (
            doc.source[b.start : b.end] in ("Human Rights Watch", "Fields of Stone")
            or doc.source[b.start : b.end].isdigit()
        )
    ]
    assert not left


def test_a_chapter_numbered_afresh_is_told_by_raised_markers_set_after_a_space() -> None:
    # A page whose text cites 5, then (a new chapter) 1, each raised figure after a space the PDF
    # itself sets ("killed. 5"): its notes 5 and 1 are two notes, not one.
    wrap = f"{OPEN}{{}}{CLOSE}"
    body = [
        f"At least 40 people were killed. {wrap.format(5)} The road stayed closed.\n",
        "Victims\n",
        f"The hospital treated 60 injuries. {wrap.format(1)} Most were farmers.\n",
    ]
    lines = [Line(text, 10.0 if k != 1 else 14.0, True, 60, 500, 700 - 20 * k) for k, text in enumerate(body)]
    lines += [
        Line("5 Interview with a deminer, Kabul, March 3, 2005.\n", 8.0, False, 60, 400, 120),
        Line("1 Interview with a nurse, Herat, April 4, 2005.\n", 8.0, True, 60, 400, 110),
    ]
    first_page = [Line(f"Text citing {wrap.format(k)} earlier notes.\n", 10.0, False, 60, 500, 700) for k in "1234"]
    first_page += [Line(f"{k} Note {k}.\n", 8.0, False, 60, 400, 200 - 10 * int(k)) for k in "1234"]
    text = unwrap(rebuild([first_page, lines]) or "")[0]
    assert "[5] Interview with a deminer, Kabul, March 3, 2005." in text
    assert "[1] Interview with a nurse, Herat, April 4, 2005." in text


def test_a_sentence_running_on_from_one_column_to_the_next_stays_one_paragraph() -> None:
    # Page 3 of the report above: the left column ends "... although frozen ground" and the right
    # one opens "slowed them.41": one sentence, one paragraph, its marker in it.
    doc = load(DATA / "pdf" / "office" / "two-columns-out-of-order.pdf")
    [note] = [n for n in doc.footnotes if n.label == "41"]
    block = next(b for b in doc.blocks if b.start <= note.markers[0].start < b.end)
    assert "although frozen ground slowed them." in " ".join(doc.source[block.start : block.end].split())


def test_a_table_of_contents_set_small_is_not_notes() -> None:
    # A manual's contents, set smaller than its text, under a title that ends with a figure
    # ("Libtasn1", "1" glued to a word as a marker is): dots lead to page numbers, not notes.
    page = [Line("Libtasn1 manual, version 4.19, of 2022\n", 10.0, True, 60, 500, 700)]
    page += [
        Line(f"The library{' handles ASN.1 structures' * 3}.\n", 10.0, True, 60, 500, 680 - 12 * k) for k in range(4)
    ]
    page += [
        Line("1 Introduction . . . . . . . . . . . . . . . . . 1\n", 8.0, True, 60, 400, 300),
        Line("2 ASN.1 structure handling . . . . . . . . . . . 2\n", 8.0, True, 60, 400, 290),
    ]
    assert rebuild([page]) is None
