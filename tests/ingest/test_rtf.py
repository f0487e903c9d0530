"""Rich Text Format: the body, its headings and its notes, as Word and LibreOffice write them.

LibreOffice's RTF of a real article is ``tests/data/short-forms/article.rtf`` (read in
``test_short_forms.py`` and by ``bench/office_reports.py``); the file here is written the way Word
writes one: ``{\\footnote ...}`` after a ``\\chftn`` reference in a character style, headings with
an outline level and a style named "heading 1", characters as ``\\'hh`` and ``\\uN``, a field, a
picture, the title and author in ``\\info``.
"""

from __future__ import annotations

import pytest

from footnoted.errors import IngestError
from footnoted.ingest import parse

WORD = rb"""{\rtf1\ansi\ansicpg1252\deff0\uc1{\fonttbl{\f0\froman\fcharset0 Times New Roman;}{\f1\fswiss Arial;}}
{\colortbl;\red0\green0\blue0;}
{\stylesheet{\ql \li0\ri0\widctlpar\f0\fs24 \snext0 Normal;}
{\s1\ql\sb240\sa60\keepn\b\f1\fs32 \sbasedon0 \snext0 heading 1;}
{\s2\ql\sb240\sa60\keepn\b\f1\fs28 \sbasedon0 \snext0 heading 2;}
{\*\cs10 \additive Default Paragraph Font;}
{\*\cs15 \additive \super \sbasedon10 footnote reference;}
{\s16\ql\fs20 \sbasedon0 \snext16 footnote text;}}
{\info{\title Clearance in the Delta}{\author A. Researcher}{\company Nobody}{\creatim\yr2024\mo3\dy1}}
{\header \pard\plain \s0 Running head that is not the text\par}
\pard\plain \s1\outlinelevel0\b\f1\fs32 Groundwater\par
\pard\plain \s0\f0\fs24 The aquifer fell by a fifth between 1950 and 1990.{\cs15\super \chftn {\footnote \pard\plain \s16\fs20 {\cs15\super \chftn } Jane Kessler, The Vanishing Aquifer (1994), 12.}} Caf\'e9s closed \u8212\'97 and wells ran dry.{\cs15\super \chftn {\footnote \pard\plain \s16\fs20 {\cs15\super \chftn } Ibid., 14.}}\par
\pard\plain \s2\b\f1\fs28 Sources\par
\pard\plain \s0\f0\fs24 See {\field{\*\fldinst HYPERLINK "http://example.org/delta"}{\fldrslt {\ul the survey}}} for maps{\*\bkmkstart bmk_delta}{\*\bkmkend bmk_delta}.{\pict\wmetafile8\picw100\pich100 0102abcdef0102abcdef}\par
\pard\plain \s0 A smile \u-10179?\u-8704? and braces \{ \} and a backslash \\.\par
}"""


def test_a_word_rtf_reads_with_its_notes_headings_and_characters() -> None:
    doc = parse(WORD, name="delta.rtf")
    assert doc.format == "rtf"
    assert doc.title == "Clearance in the Delta"
    assert doc.metadata["author"] == "A. Researcher"
    assert not doc.warnings
    assert [(n.label, n.text, n.same_as) for n in doc.footnotes] == [
        ("1", "Jane Kessler, The Vanishing Aquifer (1994), 12.", None),
        ("2", "Ibid., 14.", "1"),
    ]
    for note in doc.footnotes:
        (marker,) = note.markers
        assert doc.source[marker.start : marker.end] == note.label
    first = doc.footnotes[0].markers[0]
    assert doc.source[: first.end].endswith("between 1950 and 1990.1")
    assert "Cafés closed \u2014 and wells ran dry." in doc.source
    assert "See the survey for maps." in doc.source
    assert "A smile \U0001f600 and braces { } and a backslash \\." in doc.source
    for absent in (
        "Times New Roman",
        "Arial",
        "heading 1",
        "Running head",
        "HYPERLINK",
        "0102abcdef",
        "Nobody",
        "bmk_delta",
    ):
        assert absent not in doc.source, absent
    headings = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings == ["Groundwater", "Sources"]
    assert [(s.title, s.level) for s in doc.sections] == [("Groundwater", 1), ("Sources", 2)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"A plain text file that says rtf.", "not an RTF file"),
        (b"{\\rtf1\\ansi {\\b Bold text that never closes.", "cut short"),
        (b"{\\rtf1" + b"{" * 20_000 + b"}" * 20_000 + b"}", "nest deeper"),
    ],
)
def test_what_is_not_rtf_or_is_damaged_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=message):
        parse(data, name="bad.rtf")


def test_binary_data_and_an_unknown_code_page_are_read_past() -> None:
    data = b"{\\rtf1\\ansi\\ansicpg99999 Before {\\pict\\bin6 {}\\}{x} after.\\par Caf\\'e9.\\par}"
    doc = parse(data, name="bin.rtf")
    assert "Before after." in doc.source
    assert "Café." in doc.source  # an unknown code page is read as Windows-1252


def test_footnotes_and_endnotes_are_counted_apart_and_labelled_as_the_document_numbers_them() -> None:
    data = (
        rb"{\rtf1\ansi\ftnnalc\aftnnruc "
        rb"First claim.{\super\chftn}{\footnote \chftn  A footnote.}"
        rb" Second claim.{\super\chftn}{\footnote \ftnalt \chftn  An endnote.}"
        rb" Third claim.{\super\chftn}{\footnote \chftn  Another footnote.}"
        rb" Fourth claim.{\super\chftn}{\footnote \ftnalt \chftn  Ibid.}\par}"
    )
    doc = parse(data, name="mixed.rtf")
    # Each series as a reader meets it: the footnotes, then the endnotes, whose "Ibid." names the
    # endnote before it, not the footnote that stands between their references.
    assert [(n.label, n.text, n.same_as) for n in doc.footnotes] == [
        ("a", "A footnote.", None),
        ("b", "Another footnote.", None),
        ("I", "An endnote.", None),
        ("II", "Ibid.", "I"),
    ]
    assert all(doc.source[m.start : m.end] == n.label for n in doc.footnotes for m in n.markers)


def test_libreoffices_endnotes_keep_their_roman_labels_and_paragraphs() -> None:
    from tests.conftest import DATA

    doc = parse((DATA / "rtf" / "libreoffice_endnotes.rtf").read_bytes(), name="endnotes.rtf")
    assert [(n.label, n.same_as) for n in doc.footnotes] == [("i", None), ("ii", "i"), ("iii", None), ("iv", None)]
    assert "A second paragraph" in doc.footnotes[2].text


def test_hidden_text_and_tracked_deletions_are_left_out() -> None:
    data = rb"{\rtf1\ansi The {\v secret }visible {\deleted struck }text\v  hidden\v0  shown, {\plain plain}.\par}"
    doc = parse(data, name="hidden.rtf")
    assert doc.source == "The visible text shown, plain."


def test_a_double_byte_code_page_is_read_a_character_at_a_time() -> None:
    # Shift-JIS "日本" as \'hh pairs, and as \uN with each character's two-byte fallback (\uc2).
    data = b"{\\rtf1\\ansi\\ansicpg932\\uc2 \\u26085\\'93\\'fa\\u26412\\'96\\'7b and \\'93\\'fa\\'96\\'7b.\\par}"
    assert parse(data, name="sjis.rtf").source == "日本 and 日本."


def test_a_note_with_a_mark_of_its_own_keeps_it_and_is_not_counted() -> None:
    # Word's "custom mark": the mark raised in the text and again at the head of the note, no \chftn.
    data = (
        rb"{\rtf1\ansi First claim.{\super *}{\footnote \pard {\super *} A starred note.}"
        rb" Second claim.{\super\chftn}{\footnote \chftn  Numbered.}"
        rb" Third claim.{\cs15\super \u8224\'86}{\footnote {\cs15\super \u8224\'86} Dagger.}"
        rb" A 1{\super st} place, and no note.\par}"
    )
    doc = parse(data, name="marks.rtf")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("*", "A starred note."),
        ("1", "Numbered."),
        ("†", "Dagger."),
    ]
    assert all(doc.source[m.start : m.end] == n.label for n in doc.footnotes for m in n.markers)
    assert "First claim.* Second claim.1 Third claim.† A 1st place, and no note." in doc.source


# ``two_series.rtf``, ``deleted_note.rtf`` and ``text_box.rtf`` were written by LibreOffice 7.4
# (``soffice --headless --convert-to rtf``) from the flat OpenDocument files of
# ``tests/data/office-sources`` (``text_box.rtf`` from ``boxes.fodt``).
def test_each_series_counts_from_its_first_number_and_ibid_names_its_own_series() -> None:
    from tests.conftest import DATA

    doc = parse((DATA / "rtf" / "two_series.rtf").read_bytes(), name="two_series.rtf")  # \ftnstart5, \aftnstart3
    assert [(n.label, n.same_as) for n in doc.footnotes] == [
        ("5", None),
        ("6", None),
        ("7", "6"),
        ("8", None),
        ("iii", None),
        ("iv", "iii"),
    ]
    assert all([doc.source[m.start : m.end] for m in n.markers] == [n.label] for n in doc.footnotes)


def test_a_note_deleted_with_tracked_changes_or_hidden_is_left_out() -> None:
    from tests.conftest import DATA

    doc = parse((DATA / "rtf" / "deleted_note.rtf").read_bytes(), name="deleted_note.rtf")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "Metered draws, annex C."),
        ("2", "District engineer, interview."),
        ("3", "INSERTEDNOTE: board minutes, April."),
        ("4", "Appeals register."),
    ]
    assert "WITHDRAWNNOTE" not in doc.source and "withdrawn" not in doc.source
    assert "Senior holders drew their full entitlement.1 Junior holders were cut.2" in doc.source
    hidden = rb"{\rtf1\ansi One.{\super\chftn}{\footnote \chftn  Kept.}{\v Two.{\super\chftn}{\footnote \chftn\pard\plain  Gone.}} Three.{\super\chftn}{\footnote \chftn  Also kept.}\par}"
    doc = parse(hidden, name="hidden.rtf")
    assert [(n.label, n.text) for n in doc.footnotes] == [("1", "Kept."), ("2", "Also kept.")]
    assert "Gone" not in doc.source and "Two." not in doc.source


def test_a_text_box_is_read_after_the_paragraph_it_is_anchored_in() -> None:
    from tests.conftest import DATA

    doc = parse((DATA / "rtf" / "text_box.rtf").read_bytes(), name="text_box.rtf")
    paragraphs = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "paragraph"]
    assert paragraphs == [
        "Senior holders drew their full entitlement.1 Shown again.",  # its hidden words left out
        "Sidebar: the canal was lined in 1990.",
        "Junior holders were cut.2",
    ]
    inline = rb"{\rtf1\ansi Before {\shp{\*\shpinst{\sp{\sn shapeType}{\sv 202}}{\shptxt Boxed.\par}}{\shprslt{\*\do\dptxbx{\dptxbxtext Boxed.}}}} after.\par}"
    assert parse(inline, name="box.rtf").source == "Before after.\n\nBoxed."


def test_notes_numbered_past_z_keep_their_letters() -> None:
    notes = b"".join(rb"Claim %d.{\super\chftn}{\footnote \chftn  Log %d.}" % (i, i) for i in range(1, 31))
    doc = parse(rb"{\rtf1\ansi\ftnnalc " + notes + rb"\par}", name="letters.rtf")
    letters = [chr(ord("a") + i) for i in range(26)] + ["aa", "bb", "cc", "dd"]
    assert [(n.label, n.text) for n in doc.footnotes] == [(x, f"Log {i}.") for i, x in enumerate(letters, start=1)]


def test_a_field_given_in_ansi_and_in_unicode_is_read_once() -> None:
    # LibreOffice writes a title that is not plain ANSI twice: {\upr{ANSI}{\*\ud{Unicode}}}.
    data = (
        rb"{\rtf1\ansi\ansicpg1252\uc1{\info{\upr{\title Rapport sur Luanda ?}{\*\ud{\title Rapport sur "
        rb"\u1051?\u1091?\u1072?\u1085?\u1076?\u1072?}}}{\upr{\author ?}{\*\ud{\author \u1048?\u1074?\u1072?\u1085?}}}}"
        b"\n\\pard Clearing a mine costs 300 dollars.\\par\n}"
    )
    doc = parse(data, name="luanda.rtf")
    assert doc.title == "Rapport sur Луанда"
    assert doc.metadata["author"] == "Иван"
