"""reStructuredText: section titles, notes numbered as docutils numbers them, directives, metadata.

``tests/data/rst/report.rst`` and ``pep-like.rst`` were written for these tests; docutils 0.23
reads ``report.rst`` with the same section levels, the same note labels and the same references in
the same order (checked once, with docutils in a throwaway environment: it is no dependency).
``__future__.rst.txt`` and ``whatnow.rst.txt`` are Sphinx's copies of two pages of the Python 3.11
docs, ``crcmod.predefined.rst`` crcmod's documentation of its predefined CRCs (MIT licence).
"""

from __future__ import annotations

import pytest

from footnoted.api.schemas import DocumentIn
from footnoted.index import HashEncoder, Index
from footnoted.ingest import WordTokenizer, load, parse
from footnoted.ingest.read import FORMATS, document_id, format_of, reader_format
from footnoted.ingest.rst import rst_title
from footnoted.types import Document
from tests.conftest import DATA
from tests.conftest import block_texts as _blocks
from tests.conftest import note_labelled as _note

RST = DATA / "rst"


@pytest.fixture(scope="module")
def report() -> Document:
    return load(RST / "report.rst")


def test_spans_are_exact_and_blocks_do_not_overlap(report: Document) -> None:
    assert report.format == "rst"
    assert report.source == (RST / "report.rst").read_text(encoding="utf-8")
    for note in report.footnotes:
        assert report.source[note.start : note.end] == note.text
    end = 0
    for block in report.blocks:
        assert block.start >= end
        end = block.end


def test_notes_are_labelled_as_docutils_numbers_them(report: Document) -> None:
    # [1] and [2] are taken by hand; [#wells] is the first auto-numbered note, so 3, then the two
    # anonymous [#] notes 4 and 5; [*] notes take symbols; a citation keeps its name.
    assert [n.label for n in report.footnotes] == ["1", "3", "4", "*", "5", "2", "†", "GSA2022"]
    assert _note(report, "1").text == (
        "California Department of Water Resources, *Groundwater Storage Change*,\n   2022, table 4."
    )
    assert _note(report, "3").text == (
        "Community Water Center, Dry Wells Survey (Visalia, 2023).\n\n"
        "   The survey counted only the households that reported a failed well; the\n"
        "   authors estimate a third more did not report."
    )
    assert _note(report, "GSA2022").text.startswith("Tulare Lake Subbasin Groundwater Sustainability Agency,")


def test_each_reference_links_to_its_note(report: Document) -> None:
    source = report.source

    def cited(label: str) -> list[str]:
        """Each marker's text and the words before it."""
        return [source[m.start - 24 : m.end] for m in _note(report, label).markers]

    assert cited("1") == [" three years on record. [1]_"]
    assert cited("3") == ["ry in 1,410 households, [#wells]_", "ated from crop\nacreage. [#wells]_"]
    assert cited("4") == ["a year along the canal. [#]_"]
    assert cited("5") == ["hs of the water pumped. [#]_"]
    assert cited("*") == ["vises them each spring. [*]_"]
    assert cited("†") == ["quoted from a resident. [*]_"]
    assert cited("2") == ["st where it is shallow. [2]_"]
    assert cited("GSA2022") == ["ance its books by 2040. [GSA2022]_"]
    for note in report.footnotes:
        for m in note.markers:
            assert source[m.start : m.end].endswith("]_")
    assert report.warnings == ()


def test_code_and_literals_hold_no_markers(report: Document) -> None:
    source = report.source
    markers = [source[m.start : m.end] for n in report.footnotes for m in n.markers]
    assert len(markers) == 9
    literal = source.index("T-14,212,see [1]_")
    inline = source.index("``[2]_``")
    code = source.index("[CIT2002]_")
    for n in report.footnotes:
        for m in n.markers:
            assert m.start not in (literal + 13, inline + 2, code)
    # The literal block and the code-block are passages (code is text), the "::" paragraph too.
    paragraphs = _blocks(report, "paragraph")
    assert "well,depth_ft,note\n    T-14,212,see [1]_ above\n    T-15,198,[#]_ not a marker" in paragraphs
    assert 'readings = load("wells.csv")  # [CIT2002]_ is no citation here' in paragraphs


def test_section_titles_and_levels(report: Document) -> None:
    assert [(s.title, s.level) for s in report.sections] == [
        ("Groundwater Under Pressure in the Tulare Lake", 1),
        ("A briefing on pumping and subsidence", 2),
        ("Summary", 3),
        ("Pumping", 3),
        ("Agricultural wells", 4),
        ("Domestic wells", 4),
        ("Monitoring", 3),
        ("Sources", 3),
    ]
    # A title's block is its text, never its adornment; the adornments and the transition are furniture.
    assert _blocks(report, "heading")[0] == "Groundwater Under Pressure in the Tulare Lake"
    furniture = _blocks(report, "furniture")
    assert "=" * 45 in furniture and "----------" in furniture
    assert report.sections[3].path == (
        "Groundwater Under Pressure in the Tulare Lake",
        "A briefing on pumping and subsidence",
        "Pumping",
    )


def test_directives_targets_and_comments_are_never_headings(report: Document) -> None:
    headings = _blocks(report, "heading")
    assert not [h for h in headings if h.startswith("..") or "::" in h]
    furniture = _blocks(report, "furniture")
    for kept_out in (
        ".. This comment opens the file; a reader of the page never sees it.",
        ".. contents:: Table of Contents\n   :depth: 2",
        ".. |SGMA| replace:: Sustainable Groundwater Management Act",
        ".. _summary:",
        ".. image:: subsidence-map.png\n   :alt: Map of subsidence, 2015 to 2022",
        ".. toctree::\n   :maxdepth: 1\n\n   appendix",
        "__ https://water.ca.gov/bulletin118",
        ".. _appendix: appendix.html",
        ".. note::",
        "Notes",  # the rubric over the notes
    ):
        assert kept_out in furniture, kept_out
    # An admonition's text is text, and its marker a marker.
    assert "Figures for 2022 are provisional; the district revises them each spring. [*]_" in _blocks(
        report, "paragraph"
    )


def test_lists_read_as_list_items(report: Document) -> None:
    items = _blocks(report, "list_item")
    assert items == [
        "#. Meters on large wells since 2015.",
        "#. Estimates from crop acreage for the rest.",
        "(a) Almonds and pistachios take the most water.",
        "(b) Cotton has shrunk to a tenth of its 1980 area.",
        "Subsidence\n   The sinking of the land surface as the aquifer compacts.",
        "Recharge\n   Water returned to the aquifer on purpose, from canals or flooded fields.",
        "- Bulletin 118, the state's survey of its basins.",
        "- The district's annual reports.",
    ]
    assert "-- A resident of Alpaugh" in _blocks(report, "paragraph")  # a block quote's attribution


def test_the_field_list_before_the_body_is_the_title_block(report: Document) -> None:
    assert report.title == "Groundwater Under Pressure in the Tulare Lake"
    assert report.metadata["author"] == "Maria Ortega; Daniel Kim"
    assert report.metadata["date"] == "14 March 2023"
    assert report.metadata["publisher"] == "Prairie Water Institute"
    assert _blocks(report, "meta") == [
        ":Author: Maria Ortega; Daniel Kim",
        ":Date: 14 March 2023",
        ":Organization: Prairie Water Institute",
    ]
    assert ":orphan:" in _blocks(report, "furniture")  # Sphinx's, not the author's


def test_a_field_list_in_the_body_is_a_list() -> None:
    doc = parse("Title\n=====\n\nSome text here.\n\n:Author: not the document's\n", name="f.rst")
    assert "author" not in doc.metadata
    assert _blocks(doc, "list_item") == [":Author: not the document's"]


def test_a_pep_header_gives_title_author_and_date() -> None:
    doc = load(RST / "pep-like.rst")
    assert doc.title == "Footnotes in Plain-Text Proposals"
    assert doc.metadata["author"] == "Ann Lee; Bo Kim"
    assert doc.metadata["date"] == "01-Apr-2023"
    assert "Status: Draft" in _blocks(doc, "furniture")
    assert [(s.title, s.level) for s in doc.sections][:3] == [("Abstract", 1), ("Rationale", 1), ("Specification", 2)]
    assert [n.label for n in doc.footnotes] == ["1", "2"]
    assert len(_note(doc, "1").markers) == 2
    # ".. [#] The source, its page." inside a literal block is an example, not a note.
    assert len(_note(doc, "2").markers) == 1


@pytest.mark.parametrize(
    ("source", "labels", "cited"),
    [
        # (each checked against docutils 0.23: the notes' labels, and the labels the references show)
        ("A [#]_ B [1]_ C [#]_\n\n.. [#] a\n.. [1] b\n.. [#] c\n", ["2", "1", "3"], ["2", "1", "3"]),
        (
            "A [#]_ B [#x]_ C [#]_ D [3]_\n\n.. [#] a\n.. [3] m\n.. [#x] x\n.. [#] c\n",
            ["1", "3", "2", "4"],
            ["1", "2", "4", "3"],
        ),
        (
            "A [#y]_ B [#]_ C [#x]_ D [2]_\n\n.. [#x] x\n.. [#] a\n.. [2] m\n.. [#y] y\n",
            ["1", "3", "2", "4"],
            ["4", "3", "1", "2"],
        ),
        (
            "A [CIT2002]_ and [cit2002]_ B [1]_\n\n.. [1] one\n.. [CIT2002] cite\n",
            ["1", "CIT2002"],
            ["CIT2002", "CIT2002", "1"],
        ),
        # Inline markup starts after white space or punctuation: "word[1]_" and "\[1]_" cite nothing.
        ("A claim [1]_, a word[1]_ and \\[1]_ (see [1]_).\n\n.. [1] one\n", ["1"], ["1", "1"]),
    ],
)
def test_auto_numbering_mixes_as_docutils_mixes_it(source: str, labels: list[str], cited: list[str]) -> None:
    doc = parse(source, name="mix.rst")
    assert [n.label for n in doc.footnotes] == labels
    assert [label for _, label in sorted((m.start, n.label) for n in doc.footnotes for m in n.markers)] == cited


def test_symbols_double_after_the_tenth() -> None:
    doc = load(DATA / "html_generators" / "symbols.rst")
    assert [n.label for n in doc.footnotes] == ["*", "†", "‡", "§", "¶", "#", "♠", "♥", "♦", "♣", "**", "††"]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert _note(doc, "††").text == "Source 12 for the claim that courts intervene."


def test_a_reference_to_no_note_and_a_note_nothing_cites_are_warned_of() -> None:
    doc = parse("Title\n=====\n\nA claim. [9]_\n\n.. [1] Never cited.\n", name="w.rst")
    assert doc.warnings == ("marker [9]_ at 22 has no note", "note '1' at 35 has no marker in the text")


def test_sphinx_pages_from_the_python_docs() -> None:
    future = load(RST / "__future__.rst.txt")
    assert future.format == "rst" and future.id == "future__.rst"
    assert future.title == "__future__ --- Future statement definitions"
    note = _note(future, "1")
    assert note.text.startswith("``from __future__ import annotations`` was previously scheduled")
    assert [future.source[m.start : m.end + 1] for m in note.markers] == ["[1]_ "]  # from a grid table's cell
    assert ".. XXX Adding a new entry?  Remember to update simple_stmts.rst, too." in _blocks(future, "furniture")

    whatnow = load(RST / "whatnow.rst.txt")
    assert whatnow.title == "What Now?"
    assert [n.label for n in whatnow.footnotes] == ["1"]
    marker = whatnow.footnotes[0].markers[0]
    assert whatnow.source[marker.start - 16 : marker.end] == "the Cheese Shop [#]_"
    assert "Footnotes" in _blocks(whatnow, "furniture")


def test_a_named_note_cited_from_a_simple_table() -> None:
    doc = load(RST / "crcmod.predefined.rst")
    assert doc.title == "crcmod.predefined -- CRC calculation using predefined algorithms"
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 3)]
    assert not [h for h in _blocks(doc, "heading") if h.startswith("..")]
    # Sphinx's descriptions are text: a class's signature and its description are passages.
    assert "PredefinedCrc(crc_name)" in _blocks(doc, "paragraph")


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        (
            ":mod:`!contextlib` --- Utilities for :keyword:`!with`\\ -statement contexts",
            "contextlib --- Utilities for with-statement contexts",
        ),
        ("PEP 654: Exception Groups and ``except*``", "PEP 654: Exception Groups and except*"),
        ("The *tp_call* Protocol", "The tp_call Protocol"),
        ("oauth2client\\.contrib module", "oauth2client.contrib module"),
        (":meth:`~str.join` and `the docs <https://x>`_", "join and the docs"),
    ],
)
def test_titles_read_as_rendered(title: str, shown: str) -> None:
    assert rst_title(title) == shown


def test_formats_and_names() -> None:
    assert FORMATS[".rst"] == FORMATS[".rest"] == "rst"
    assert format_of("report.rst") == format_of("notes.REST") == format_of("re.rst.txt") == "rst"
    assert format_of("notes.txt") == format_of("rst.txt") == "text"
    assert reader_format("rst") == reader_format(".rst") == "rst"
    assert document_id("report.rst") == "report"
    assert document_id("re.rst.txt") == "re.rst"  # the id it had when it was read as text
    assert DocumentIn.model_validate({"text": "A claim. [1]_\n\n.. [1] Its source.\n", "format": "rst"}).format == "rst"
    doc = parse("A claim. [1]_\n\n.. [1] Its source.\n", name="sent", fmt="rst")
    assert doc.format == "rst" and [(n.label, n.text) for n in doc.footnotes] == [("1", "Its source.")]


def test_a_question_answered_by_a_note_finds_the_passage_that_cites_it(report: Document) -> None:
    index = Index.memory(HashEncoder(), WordTokenizer())
    index.add([report])
    hits = index.search("interferometric radar subsidence report", 3)
    top = hits[0]
    assert "4" in [n.label for n in top.chunk.footnotes]
    assert "along the canal. [#]_" in top.chunk.text
    assert report.source[top.citation.start : top.citation.end] == top.chunk.text
    note = next(n for n in top.chunk.footnotes if n.label == "4")
    assert (
        report.source[note.start : note.end]
        == note.text
        == ("Interferometric radar, 2015 to 2022, in the district's subsidence report.")
    )
    # Note bodies are no passages of their own: every one is cited.
    assert not [h for h in hits if "Interferometric radar" in h.chunk.text]
