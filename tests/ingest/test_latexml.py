"""Papers as LaTeXML writes them (arXiv's HTML, ar5iv) and books as Project Gutenberg serves them.

LaTeXML writes a note where it is cited: ``<span class="ltx_note ltx_role_footnote">`` holds the
mark shown in the text and, in ``ltx_note_outer``, the note's text, shown beside the text or on
hover. ``tests/data/latexml/paper.html`` is laid out as LaTeXML 0.8.8 writes an article (a
``\\thanks`` note, a note of two paragraphs and a formula, a note in a table's caption, numbered
citations and a bibliography) and as arXiv serves it (its licence and version above the paper);
``footnotemark.html`` cites notes from a table with ``\\footnotemark`` and gives their text with
``\\footnotetext``. ``gutenberg.html`` is a book as Project Gutenberg's HTML5 files open and close.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.types import Document
from tests.conftest import DATA

HERE = DATA / "latexml"

NOTES = {
    "†": "Supported by the Croatian Mine Action Centre under grant 17-2021.",
    "1": "Measured in dry sandy soil at the Benkovac test site in 2019.",
    "2": "The PMA-2 holds under ten grams of metal, in its fuze.\n\n"
    "Its permittivity contrast with wet soil is below 0.5.",
    "3": "Moisture by volume, read with a TDR probe at ten centimetres.",
    "4": "Two of the twelve targets were still missed.",
}


@pytest.fixture(scope="module")
def paper() -> Document:
    return load(HERE / "paper.html")


def _passages(doc: Document) -> list[str]:
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind not in ("note", "furniture")]


def _cited_in(doc: Document, label: str) -> list[str]:
    """The marker's text, with what comes before it in its block."""
    note = next(n for n in doc.footnotes if n.label == label)
    found = []
    for m in note.markers:
        block = next(b for b in doc.blocks if b.start <= m.start < b.end)
        found.append(doc.source[block.start : m.end])
    return found


def test_a_paper_s_notes_are_its_footnotes_and_its_bibliography_is_not(paper: Document) -> None:
    assert {n.label: n.text for n in paper.footnotes} == NOTES
    for note in paper.footnotes:
        assert paper.source[note.start : note.end] == note.text
        assert [paper.source[m.start : m.end] for m in note.markers] == [note.label]
    assert not paper.warnings


def test_each_mark_stays_where_the_reader_sees_it(paper: Document) -> None:
    assert _cited_in(paper, "1") == [
        "Metal detectors cannot tell a mine from scrap, and most alarms in a cleared field are scrap [1]. "
        "Radar finds casings at up to thirty centimetres1"
    ]
    assert _cited_in(paper, "2") == ["Plastic-cased mines are the hard case2"]
    assert _cited_in(paper, "3") == ["Table 1: Detection rate by soil type3"]  # in a table's caption
    assert _cited_in(paper, "4") == ["Clay lanes were swept again after a dry week, and the rate rose to 81%4"]
    assert _cited_in(paper, "†") == ["Ana Kovačić†"]  # an author's \thanks


def test_paragraphs_read_as_the_page_shows_them(paper: Document) -> None:
    passages = _passages(paper)
    assert (
        "Metal detectors cannot tell a mine from scrap, and most alarms in a cleared field are scrap [1]. "
        "Radar finds casings at up to thirty centimetres1. Wet clay halves that range."
    ) in passages
    assert "Plastic-cased mines are the hard case2, as Section 2 shows." in passages
    assert "Table 1: Detection rate by soil type3." in passages
    for text in NOTES.values():
        for paragraph in text.split("\n\n"):
            assert not any(paragraph in p for p in passages)
    # The note's type ("thanks:"), its repeated tag and a formula's TeX are never shown.
    assert "thanks:" not in paper.source
    assert "††" not in paper.source


def test_citations_stay_text_and_page_chrome_is_left_out(paper: Document) -> None:
    passages = _passages(paper)
    assert "[1] GICHD. A Guide to Mine Action. Geneva International Centre for Humanitarian Demining, 2014." in passages
    assert paper.title == "Ground-Penetrating Radar for Humanitarian Demining"
    for chrome in ("Proceedings of the Workshop", "Generated on", "License: CC BY 4.0", "arXiv:2403.01234v1"):
        assert chrome not in paper.source


def test_passages_carry_the_notes_they_cite(paper: Document) -> None:
    chunks = chunk(paper, WordTokenizer(), ChunkSettings(max_tokens=60, overlap=0))
    carried: dict[str, list[str]] = {}
    for c in chunks:
        assert paper.source[c.start : c.end] == c.text
        for note in c.footnotes:
            carried.setdefault(note.label, []).append(c.text)
    assert set(carried) == set(NOTES)
    assert all("thirty centimetres1. Wet clay" in text for text in carried["1"])
    assert all("Measured in dry sandy soil" not in c.text for c in chunks)


def test_footnotemarks_in_a_table_cite_the_footnotetexts_after_it() -> None:
    doc = load(HERE / "footnotemark.html")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "Six deminers with prodders and detectors."),
        ("2", "A flail followed by a manual check of the verges."),
    ]
    assert _cited_in(doc, "1") == ["Manual1"]
    assert _cited_in(doc, "2") == ["Mechanical2"]
    assert "footnotemark:" not in doc.source and "footnotetext:" not in doc.source
    assert not doc.warnings


def test_project_gutenberg_boilerplate_is_left_out_of_the_book() -> None:
    doc = load(HERE / "gutenberg.html")
    assert doc.title == "A TREATISE ON FIELD FORTIFICATION"
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "The French engineers call it a rameau when it branches from the main gallery."),
        ("2", "Belidor, Le Bombardier François, Paris, 1731."),
    ]
    assert [doc.source[m.start : m.end] for n in doc.footnotes for m in n.markers] == ["[1]", "[2]"]
    for boilerplate in ("START OF THE PROJECT GUTENBERG", "END OF THE PROJECT GUTENBERG", "GUTENBERG LICENSE"):
        assert boilerplate not in doc.source
    assert [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"][1:] == [
        "CHAPTER I.\nOF MINES.",
        "CHAPTER II.\nOF COUNTERMINES.",
    ]


def test_an_older_project_gutenberg_page_s_licence_in_pre_is_furniture() -> None:
    html = (
        "<html><head><title>The Project Gutenberg eBook of Mines, by J. Doe</title></head><body>"
        "<pre>\nThe Project Gutenberg EBook of Mines, by J. Doe\n\nThis eBook is for the use of anyone.\n\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK MINES ***\n</pre>"
        "<h1>MINES</h1><p>A mine is a gallery driven under the enemy's works.</p>"
        "<pre>\n*** END OF THIS PROJECT GUTENBERG EBOOK MINES ***\n\n***** This file should be named 1-h.htm *****\n</pre>"
        "</body></html>"
    )
    doc = parse(html, name="mines.html")
    assert doc.title == "MINES"
    assert _passages(doc) == ["MINES", "A mine is a gallery driven under the enemy's works."]
    assert "*** START OF THIS PROJECT GUTENBERG EBOOK MINES ***" in doc.source  # kept in the source
