"""Project Gutenberg plain text: its "[Footnote 1: ...]" notes (Distributed Proofreaders'
convention) and the header and licence around the book."""

from __future__ import annotations

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.ingest.layout import is_label
from footnoted.types import Document
from tests.conftest import DATA

BOOK = DATA / "gutenberg" / "siege-engineer.txt"

# (label, the note's text, the text that ends where its one marker ends)
NOTES = [
    ("1", "See Smith, _History of Sieges_, vol. ii. p. 44.", "siege of the city in 1573.[1]"),
    (
        "2",
        "The counter-mine was known as early as the fourteenth\ncentury; see Jones, _Engineering_, p. 12.",
        "opened beneath the ramparts.[2]",
    ),
    (
        "3",
        "Two such encounters are described at length in the journal\nof the engineer Van Dorp, who lost his "
        "brother in the second.\n\nThe journal was printed at Leyden in 1616, and again, with a French\n"
        "translation, in 1640.",
        "fought hand\nto hand in the dark.[3]",
    ),
    ("A", "The journals are now in the library of the University of\nLeyden.", "of which a few survive.[A]"),
    ("1", "Vauban, _Traité de l'attaque des places_, p. 101.", "a regular art, with rules of its own.[1]"),
    ("2", "The table is reprinted in the Appendix to this volume.", "pounds of powder a given wall would need.[2]"),
    ("3", "See Smith, _History of Sieges_, vol. iii. p. 210.", "galleries before they could be\ncharged.[3]"),
]


@pytest.fixture(scope="module")
def book() -> Document:
    return load(BOOK)


def test_notes_are_found_with_their_text(book: Document) -> None:
    assert [(n.label, n.text) for n in book.footnotes] == [(label, text) for label, text, _ in NOTES]


def test_each_marker_links_to_the_nearest_following_note_with_its_label(book: Document) -> None:
    for note, (label, _, cited) in zip(book.footnotes, NOTES, strict=True):
        assert len(note.markers) == 1, label
        marker = note.markers[0]
        assert book.source[marker.start : marker.end] == f"[{label}]"
        assert book.source[marker.end - len(cited) : marker.end] == cited
    assert not book.warnings


def test_note_spans_are_exact_and_leave_out_the_lead_and_the_closing_bracket(book: Document) -> None:
    assert len(book.footnotes) == len(NOTES)
    for note in book.footnotes:
        assert book.source[note.start : note.end] == note.text
        assert book.source[: note.start].endswith(f"[Footnote {note.label}: ")
        assert book.source[note.end] == "]"


def test_blocks_holding_the_notes_are_notes(book: Document) -> None:
    notes = [b for b in book.blocks if b.kind == "note"]
    assert [book.source[b.start : b.start + 12] for b in notes] == [
        "[Footnote 1:",
        "[Footnote 2:",
        "[Footnote 3:",
        "The journal ",  # the second paragraph of note 3
        "[Footnote A:",
        "[Footnote 1:",
        "[Footnote 2:",
        "[Footnote 3:",
    ]
    for note in book.footnotes:
        holding = [b for b in book.blocks if b.start < note.end and note.start < b.end]
        assert holding and all(b.kind == "note" for b in holding), note.label
        assert holding[0].start < note.start and note.end < holding[-1].end  # the lead and the "]" too
    # A sidenote and an illustration's caption are text, not notes and not headings.
    for lead in ("[Sidenote:", "[Illustration:"):
        start = book.source.index(lead)
        block = next(b for b in book.blocks if b.start == start)
        assert block.kind == "paragraph", lead


def test_header_and_licence_are_furniture(book: Document) -> None:
    start_line = book.source.index("*** START OF THE PROJECT GUTENBERG EBOOK")
    end_line = book.source.index("*** END OF THE PROJECT GUTENBERG EBOOK")
    opening = book.source.index("\n", start_line)
    for block in book.blocks:
        if block.start < opening or block.end > end_line:
            assert block.kind == "furniture", book.source[block.start : block.end][:40]
    furniture = [b for b in book.blocks if b.kind == "furniture"]
    assert furniture[0].start == 0 and furniture[0].end == opening
    assert furniture[-1].start == end_line and furniture[-1].end == len(book.source.rstrip())
    assert all(s.start > opening for s in book.sections)


def test_title_and_author_come_from_the_header(book: Document) -> None:
    assert book.title == "The Siege Engineer"
    assert book.metadata["author"] == "Thomas Hale"


def test_the_title_page_gives_the_subtitle_above_its_byline(book: Document) -> None:
    # "A SHORT HISTORY OF MINES AND COUNTERMINES" over "BY THOMAS HALE": capitalised words, as a
    # name is, but the byline names the author.
    assert book.metadata["subtitle"] == "A SHORT HISTORY OF MINES AND COUNTERMINES"
    line = book.source.index("A SHORT HISTORY")
    assert next(b.kind for b in book.blocks if b.start == line) == "meta"


def test_the_title_page_imprint_gives_the_book_s_date_not_the_ebook_s(book: Document) -> None:
    # "LONDON / SMITH, ELDER & CO. / 1874" under the title: the header's "Release date: March 3,
    # 2024" is the ebook's, and the imprint is no heading.
    assert book.metadata["date"] == "1874"
    assert book.metadata["publisher"] == "SMITH, ELDER & CO."
    imprint = book.source.index("LONDON")
    assert next(b.kind for b in book.blocks if b.start == imprint) == "meta"


def test_chapters_and_their_titles_ending_in_a_full_stop_are_headings(book: Document) -> None:
    # "CHAPTER II." and "THE ART PERFECTED." end as sentences do, but are a chapter and its title.
    paths = [s.path for s in book.sections]
    assert paths == [
        ("CHAPTER I.",),
        ("CHAPTER I.", "THE FIRST MINES."),
        ("CHAPTER II.",),
        ("CHAPTER II.", "THE ART PERFECTED."),
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("CHAPTER XII.", True),
        ("Chapter 12.", True),
        ("Article 4.", True),
        ("THE COUNTER-MINE.", True),
        ("INTRODUCTION.", True),
        ("The depot was built.", False),
        ("2004.", False),
        ("IT WAS BUILT IN 1990 AND CLOSED IN 1995 BY THE ARMY AND NAVY.", False),
    ],
)
def test_a_heading_may_end_in_a_full_stop_where_it_is_a_division_or_in_capitals(text: str, label: bool) -> None:
    assert is_label(text) is label


def test_passages_carry_the_notes_and_leave_out_their_text(book: Document) -> None:
    chunks = chunk(book, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=0))
    for piece in chunks:
        assert "[Footnote" not in piece.text
        assert "Project Gutenberg" not in piece.text
        assert "This ebook is for the use" not in piece.text
        for note in piece.footnotes:
            assert any(piece.start <= m.start and m.end <= piece.end for m in note.markers)
    carried = [(n.label, n.start) for piece in chunks for n in piece.footnotes]
    assert sorted(carried, key=lambda pair: pair[1]) == [(n.label, n.start) for n in book.footnotes]


OLDER = """\
The Project Gutenberg EBook of Notes on Mining, by Anonymous

Title: Notes on Mining

Author: Anonymous

Release Date: May, 2005 [EBook #8123]

*** START OF THIS PROJECT GUTENBERG EBOOK NOTES ON MINING ***




Produced by Jane Roe and the Online Distributed
Proofreading Team.




NOTES ON MINING


The galleries were cut by hand,[*] and lit by candles set in clay.[1]
The air was bad below the second level.[2]


FOOTNOTES:

[Footnote *: By the miners of the Harz, brought over for the purpose.]

[Footnote 1: So the surveyor's report, p. 3.]

[Footnote 2: Compare the note [*] above.]




End of the Project Gutenberg EBook of Notes on Mining, by Anonymous

*** END OF THIS PROJECT GUTENBERG EBOOK NOTES ON MINING ***

***** This file should be named 8123.txt or 8123.zip *****
"""


def test_older_header_and_notes_gathered_at_the_end() -> None:
    doc = parse(OLDER, name="8123.txt")
    assert doc.title == "Notes on Mining"
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("*", "By the miners of the Harz, brought over for the purpose."),
        ("1", "So the surveyor's report, p. 3."),
        ("2", "Compare the note [*] above."),
    ]
    assert [doc.source[m.start - 5 : m.end] for n in doc.footnotes for m in n.markers] == [
        "hand,[*]",
        "clay.[1]",
        "evel.[2]",
    ]
    body = [b for b in doc.blocks if b.kind not in ("furniture", "note")]
    assert [doc.source[b.start : b.end][:15] for b in body] == ["NOTES ON MINING", "The galleries w"]
    header = doc.blocks[0]
    assert header.kind == "furniture" and doc.source[header.start : header.end].endswith("Proofreading Team.")
    assert not doc.warnings


# Notes numbered afresh on each page of the printed book, placed after the paragraph: the same label
# twice in a row, and again after the next paragraph.
PER_PAGE = """\
The mine was laid under the north bastion at night,[1] and it was fired on the morning of the third
day when the garrison was at prayers.[2] A second charge followed at noon.[1]

[Footnote 1: The north bastion was the weakest.]

[Footnote 2: So the governor's letter.]

[Footnote 1: Under the curtain wall, not the bastion.]

The siege was raised in the spring, when the relieving army came over the hills from the south.[1]

[Footnote 1: It was the army of the Prince.]
"""


def test_a_marker_takes_the_nearest_following_note_with_its_label() -> None:
    doc = parse(PER_PAGE, name="pages.txt")
    assert [(n.label, n.text[:12], [doc.source[m.start - 6 : m.end] for m in n.markers]) for n in doc.footnotes] == [
        ("1", "The north ba", ["night,[1]"]),
        ("2", "So the gover", ["ayers.[2]"]),
        ("1", "Under the cu", [" noon.[1]"]),
        ("1", "It was the a", ["south.[1]"]),
    ]
    assert not doc.warnings


def test_a_note_of_two_paragraphs_with_the_next_note_on_the_line_after_its_close() -> None:
    text = (
        "The mine was laid under the north bastion at night,[1] and it was fired at dawn.[2]\n\n"
        "[Footnote 1: The bastion was the weakest [see the plan].\n\nIt had been rebuilt in haste.]\n"
        "[Footnote 2: So the governor's letter.]\n\nThe siege was raised in the spring.\n"
    )
    doc = parse(text, name="two.txt")
    assert [(n.label, n.text, len(n.markers)) for n in doc.footnotes] == [
        ("1", "The bastion was the weakest [see the plan].\n\nIt had been rebuilt in haste.", 1),
        ("2", "So the governor's letter.", 1),
    ]
    assert [b.kind for b in doc.blocks] == ["paragraph", "note", "note", "paragraph"]
