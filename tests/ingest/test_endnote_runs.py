"""Closing endnotes as printed pages and exports give them: a run that crosses a page break, a
table row that opens with a figure above it, roman markers glued to words, notes of several
paragraphs. The fixtures are the text layers of PDFs that Chromium and LibreOffice printed."""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from footnoted.ingest.labels import roman
from footnoted.types import BODY_KINDS, Document
from tests.conftest import DATA

ENDNOTES = DATA / "endnotes"


def _cited(doc: Document) -> dict[str, list[str]]:
    """Each note's label and, for each of its markers, the text that ends with it (12 characters)."""
    return {n.label: [doc.source[max(0, m.start - 12) : m.end] for m in n.markers] for n in doc.footnotes}


def _body(doc: Document) -> list[str]:
    """The text of the document's body blocks."""
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind in BODY_KINDS]


def _outside_notes(doc: Document) -> None:
    """Every body block and piece of furniture lies outside every note."""
    for block in doc.blocks:
        if block.kind != "note":
            assert not any(n.start < block.end and block.start < n.end for n in doc.footnotes), block


@pytest.mark.parametrize("name", ["table-row-chromium.txt", "table-row-libreoffice.txt"])
def test_a_table_row_opening_with_a_figure_is_not_the_first_note(name: str) -> None:
    # "1 City filings8" (a row: its number column runs into the line) sits above note 1 at the foot
    # of the first page; Chromium printed the other notes on the next page, LibreOffice on this one.
    doc = load(ENDNOTES / name)
    assert [n.label for n in doc.footnotes] == [str(n) for n in range(1, 13)]
    cited = _cited(doc)
    assert all(len(markers) == 1 for markers in cited.values()), cited
    assert cited["1"] == ["dband office1"]
    assert (cited["8"], cited["9"]) == (["City filings8"], ["\n4 Interview9"])
    assert doc.footnotes[0].text == "Office of Broadband Development, Annual Report 2021, p. 14."
    body = _body(doc)
    assert "1 City filings8" in body and "4 Interview9" in body
    assert any(text.startswith("Take-up rates ranged") for text in body)
    assert ("heading", "Results") in [(b.kind, doc.source[b.start : b.end]) for b in doc.blocks]
    _outside_notes(doc)
    assert not doc.warnings


@pytest.mark.parametrize("name", ["after-page-break.txt", "after-page-break-notes-heading.txt"])
def test_endnotes_that_run_on_after_a_page_break_are_read_once_each(name: str) -> None:
    # Notes 1 and 2 end the text's page, under its running head, above its page number: they read
    # as that page's footnotes, and 3 to 6 after the break must carry them on.
    doc = load(ENDNOTES / name)
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4", "5", "6"]
    assert [len(n.markers) for n in doc.footnotes] == [1] * 6
    assert [n.text for n in doc.footnotes][1:3] == ["Interviews, June 2022.", "KGS, Water Levels (2020)."]
    assert not [b for b in doc.blocks if b.kind == "list_item"]
    furniture = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "furniture"]
    assert furniture.count("Water Report 2023") == 2 and "1" in furniture and "2" in furniture
    _outside_notes(doc)
    assert not doc.warnings


ROMAN_CITED = (
    "officei Commissionii auditorsiii utilitiesiv cooperativesv colleagues.vi reportvii filingsviii"
    " Interviewix districtsx provider,xi effect.xii"
).split()


def test_roman_markers_glued_to_words_are_linked_when_the_notes_prove_them() -> None:
    # LibreOffice's endnotes (i, ii, iii), printed: most markers glued to a word, not to punctuation.
    doc = load(ENDNOTES / "roman-glued-to-words.txt")
    assert [n.label for n in doc.footnotes] == [roman(n) for n in range(1, 13)]
    for note, word in zip(doc.footnotes, ROMAN_CITED, strict=True):
        assert len(note.markers) == 1, note.label
        assert doc.source[: note.markers[0].end].endswith(word), note.label
        assert doc.source[note.markers[0].start : note.markers[0].end] == note.label
    assert not doc.warnings


def test_words_that_end_in_roman_letters_are_not_markers() -> None:
    doc = parse(
        "Report\n\nHe rode a taxi to the officei at dawn. Levi Strauss wrote to the Commissionii and vi was"
        " the code. The auditorsiii met in Kyiv, where the officials will meet again. They will not"
        " say.iv\n\ni Office report.\n\nii Letter to the Commission.\n\niii Audit.\n\niv Minutes.\n",
        name="words.txt",
    )
    assert _cited(doc) == {
        "i": ["o the officei"],
        "ii": ["e Commissionii"],
        "iii": ["The auditorsiii"],
        "iv": ["ill not say.iv"],
    }
    assert not doc.warnings


@pytest.mark.parametrize(
    "text",
    [
        # A closing list numbered in roman that the text does not cite, words ending in i above it.
        "Report\n\nWe took a taxi to meet Levi in Mumbai.\n\ni Fund clearance.\n\nii Train deminers.\n\niii Publish.\n",
        # Notes lettered a, b, c: a word's last letter (c, i, v) is no label.
        "Report\n\nThe public clinic said so.a Then the taxi left.b\n\na Clinic records.\n\nb Driver log.\n\nc Other.\n",
    ],
)
def test_word_endings_cite_no_note_without_roman_notes_to_prove_them(text: str) -> None:
    doc = parse(text, name="list.txt")
    assert not [m for n in doc.footnotes for m in n.markers if doc.source[m.start - 1].isalpha()]


def test_later_paragraphs_of_an_endnote_stay_in_it() -> None:
    # Chromium's print of pandoc's endnotes: no "Notes" heading; each note ends with its back-link.
    doc = load(ENDNOTES / "multi-paragraph.txt")
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 1), ("2", 1), ("3", 1)]
    assert doc.footnotes[1].text.endswith("They are not adjusted for precipitation.")
    assert "Golden’s figures compare" in doc.footnotes[1].text
    assert doc.footnotes[2].text.endswith("lost a third of the water.")
    _outside_notes(doc)
    assert not [b for b in doc.blocks if b.kind == "paragraph" and b.start > doc.footnotes[0].start]


def test_a_note_of_several_paragraphs_runs_to_the_next_label() -> None:
    # A printed office document: a "Notes" heading, no back-links.
    doc = parse(
        "Report\n\nThe district cut withdrawals.1 Farmers kept their income.2 Prices held.3\n\nNotes\n\n"
        "1. Kansas Geological Survey, Atlas (2019).\n\n2. Bill Golden, Monitoring the LEMA (2018), p. 3.\n\n"
        "Golden's figures compare the LEMA with areas outside it.\n\nThey are not adjusted for rain.\n\n"
        "3. Interviews, June 2022.\n",
        name="office.txt",
    )
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 1), ("2", 1), ("3", 1)]
    assert doc.footnotes[1].text.endswith("They are not adjusted for rain.")
    assert not doc.warnings


@pytest.mark.parametrize(
    ("text", "outside"),
    [
        # Text after the closing notes that ends as no exported note does: a page's links.
        (
            "Report\n\nWells ran dry.1 Farmers left.2\n\n1. Survey, 2019.↩\n\n2. Interviews, 2022.↩\n\n"
            "Privacy policy\nAbout the site\n",
            "Privacy policy\nAbout the site",
        ),
        # Paragraphs after the notes, then a list numbered afresh: not a note's paragraphs.
        (
            "Report\n\nWells ran dry.1 Farmers left.2\n\nNotes\n\n1. Survey, 2019.\n\n2. Interviews, 2022.\n\n"
            "We recommend three things.\n\nThey are cheap.\n\n1. Meter every well.\n\n2. Publish the data.\n",
            "We recommend three things.",
        ),
    ],
)
def test_text_after_the_last_note_stays_text(text: str, outside: str) -> None:
    doc = parse(text, name="after.txt")
    assert [n.label for n in doc.footnotes][:2] == ["1", "2"]
    assert doc.footnotes[1].text.startswith("Interviews, 2022.")
    assert outside not in doc.footnotes[1].text


HEALTH_NOTES = [
    "World Health Organization and UNICEF, Estimates of National Immunization\n\nCoverage, 2023 Revision"
    " (Geneva: WHO, 2023),\nhttps://www.who.int/teams/immunization/data.",
    "Ministry of Health, Annual Health Sector Report 2021 (2022), pp. 33-36.",
    "Sarah Okafor, “Trust and Hesitancy in Rural Immunization,” Vaccine Policy Review\n\n11 (2022): 88-104.",
    "Ministry of Health, Annual Health Sector Report 2022 (2023), p. 61.",
    "Okafor, supra note 3, at 97.",
    "James Mwangi et al., “SMS Reminders and Immunization Uptake: A Cluster-\nRandomised Trial,” The Lancet"
    " Global Health 9, no. 4 (2021): e512-e520.",
    "Sarah Okafor, “Trust and Hesitancy in Rural Immunization,” Vaccine Policy Review\n\n11 (2022): 88-104.",
]


@pytest.mark.parametrize("name", ["wrapped-figure-pandoc.txt", "wrapped-figure-no-backlinks.txt"])
def test_a_note_line_that_opens_with_a_figure_carries_the_note_on(name: str) -> None:
    # Chromium's print of pandoc's endnotes sets each note's first line apart from the rest, and the
    # rest of notes 3 and 7 opens with the journal's volume, "11 (2022)": all seven notes were lost.
    doc = load(ENDNOTES / name)
    assert [n.text for n in doc.footnotes] == HEALTH_NOTES
    assert [len(n.markers) for n in doc.footnotes] == [1] * 7
    assert _cited(doc)["3"] == ["ocial media.3"]
    assert not any("88-104" in text for text in _body(doc))
    _outside_notes(doc)
    assert not doc.warnings


def test_a_note_line_that_opens_with_a_page_or_a_year_carries_the_note_on() -> None:
    # Python-Markdown's endnotes printed by Chromium: "52. ↩" and "2022. Figures ... ↩↩" open like
    # notes 52 and 2022, but each ends the note above with its back-link, which that note lacks.
    doc = load(ENDNOTES / "wrapped-figure-python-markdown.txt")
    assert [n.label for n in doc.footnotes] == [str(n) for n in range(1, 10)]
    assert all(n.markers for n in doc.footnotes)
    first, second = doc.footnotes[0].text, doc.footnotes[1].text
    assert first.startswith("Mekong River Commission") and first.endswith("pp. 45-\n\n52.")
    assert second.endswith("Vietnam,\n\n2022. Figures converted at average 2022 exchange rates.")
    assert doc.footnotes[2].text.endswith("hectares of irrigated rice.")  # and a second paragraph
    _outside_notes(doc)
    assert not doc.warnings


def test_a_printed_pandoc_note_whose_line_opens_with_a_figure_keeps_every_note() -> None:
    doc = load(DATA / "printed" / "pandoc-wrapped-figure.pdf")
    assert [" ".join(n.text.split()) for n in doc.footnotes] == [" ".join(t.split()) for t in HEALTH_NOTES]
    assert [len(n.markers) for n in doc.footnotes] == [1] * 7
    assert not any("↩" in text for text in _body(doc))
    assert not doc.warnings


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        # Under a "Notes" heading: the volume line carries note 1 on; note 2 still follows.
        (
            "Report\n\nCoverage fell.1 It rose again.2\n\nNotes\n\n1. Okafor, Vaccine Policy Review\n\n"
            "11 (2022): 88-104.↩\n\n2. Ministry of Health, Report 2021.↩\n",
            ["1", "2"],
        ),
        # The same, note 2 on the volume line's block.
        (
            "Report\n\nCoverage fell.1 It rose again.2\n\nNotes\n\n1. Okafor, Vaccine Policy Review\n\n"
            "11 (2022): 88-104.↩\n2. Ministry of Health, Report 2021.↩\n",
            ["1", "2"],
        ),
        # A table of contents closing the text, its sections cited: "2.1." is written as "2." is, and
        # no back-link ends it, so the run ends there and no note is found.
        (
            "Report\n\nSee the introduction.1 And the core.2\n\n1. Introduction\n\n"
            "2. Using and understanding the core\n\n2.1. What the core does\n\n2.2. Getting started\n",
            [],
        ),
        # Figures out of turn in a table after numbered lines: no note either.
        ("Report\n\nBits.1 More bits.2\n\n1-8\n\nPY_MAJOR\n\n0x03\n\n2\n\n9-16\n\nPY_MINOR\n\n0x04\n", []),
    ],
)
def test_a_figure_out_of_turn_carries_a_note_on_only_where_it_ends_as_a_note(text: str, labels: list[str]) -> None:
    doc = parse(text, name="notes.txt")
    assert [n.label for n in doc.footnotes] == labels
    if labels:
        assert [n.text for n in doc.footnotes] == [
            "Okafor, Vaccine Policy Review\n\n11 (2022): 88-104.",
            "Ministry of Health, Report 2021.",
        ]
        assert [len(n.markers) for n in doc.footnotes] == [1, 1]
