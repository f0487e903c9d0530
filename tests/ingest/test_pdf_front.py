"""A PDF's front matter, its headings and tables, and the web addresses in its notes.

``tests/data/pdf_front/source.md`` is a short report (title, author, date, a table of figures, a note
with a web address) as pandoc 2.17 reads it. ``libreoffice.pdf`` is LibreOffice 7.4's PDF of
pandoc's Word file (``pandoc source.md -o source.docx``, then ``soffice --headless --convert-to
pdf source.docx``): the title over two lines, the author and date centred under it.
``chromium.pdf`` is Chromium 156's print of pandoc's web page (``pandoc -s source.md -o
source.html``, then ``chromium --headless --no-pdf-header-footer --print-to-pdf=chromium.pdf
source.html``): the title over three lines that pdfminer boxes apart. In both, the web address of
note 3 breaks at one of its own hyphens at a line's end ("dwr/water-", "appropriation/water-use").
"""

from __future__ import annotations

import re

import pytest

from footnoted.ingest import load, parse
from footnoted.ingest.pdf import _join_broken_words, level_headings
from footnoted.types import Block, Document
from tests.conftest import DATA

FRONT = DATA / "pdf_front"
TITLE = "Groundwater Under Pressure: Irrigation and Aquifer Depletion in the Ogallala Region"
ADDRESS = "https://agriculture.ks.gov/divisions-programs/dwr/water-appropriation/water-use"
OPENING = "The aquifer underlies some 174,000 square miles in eight states, and its recharge varies widely.\n\n"


@pytest.fixture(scope="module", params=["libreoffice.pdf", "chromium.pdf"])
def report(request: pytest.FixtureRequest) -> Document:
    return load(FRONT / request.param)


def _kinds(doc: Document) -> list[tuple[str, str]]:
    return [(b.kind, " ".join(doc.source[b.start : b.end].split())) for b in doc.blocks]


def test_a_web_address_keeps_the_hyphen_it_breaks_at(report: Document) -> None:
    note = next(n for n in report.footnotes if n.label == "3")
    assert ADDRESS in re.sub(r"\s+", "", note.text)
    assert note.text == report.source[note.start : note.end]


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        # A web address, a path or a mail address: kept as written, its line break too.
        (
            "see https://ks.gov/dwr/water-\nappropriation/water-use.",
            "see https://ks.gov/dwr/water-\nappropriation/water-use.",
        ),
        ("at agriculture.ks.gov/divisions-\nprograms for", "at agriculture.ks.gov/divisions-\nprograms for"),
        ("write to j.smith-\njones@example.org now", "write to j.smith-\njones@example.org now"),
        # Words written with a figure, in capitals or with a hyphen of their own keep the hyphen.
        ("the 1990s-\nera rules", "the 1990s-era\nrules"),
        ("NATO-\nled forces", "NATO-led\nforces"),
        ("non-self-\ndestructing mines", "non-self-destructing\nmines"),
        # A word hyphenated by the typesetter is made whole, a slash in prose notwithstanding.
        ("the input/out-\nput ratio", "the input/output\nratio"),
        ("a 1Consti-\ntution says", "a 1Constitution\nsays"),
    ],
)
def test_a_hyphen_at_a_line_end_is_kept_where_it_is_not_the_typesetters(text: str, joined: str) -> None:
    assert _join_broken_words(text) == joined


def test_the_title_block_is_title_author_and_date_and_the_first_heading_heads_its_section(report: Document) -> None:
    front = [(kind, text) for kind, text in _kinds(report) if kind != "furniture"][:4]
    assert front == [
        ("title", TITLE),
        ("meta", "Prairie Water Institute"),
        ("meta", "March 2023"),
        ("heading", "Summary"),
    ]
    assert (report.metadata["author"], report.metadata["date"]) == ("Prairie Water Institute", "March 2023")
    first = next(b for b in report.blocks if b.kind == "paragraph")
    assert next(s.title for s in report.sections if s.start <= first.start < s.end) == "Summary"


def test_the_cells_of_a_table_are_no_headings(report: Document) -> None:
    assert [s.title for s in report.sections] == ["Summary", "Findings", "Declines by state", "Metering"]


def test_headings_are_levelled_by_the_size_they_are_set_in_as_the_source_levels_them(report: Document) -> None:
    # "# Findings" over "## Declines by state": set larger than it in both PDFs.
    source = load(FRONT / "source.md")
    assert [(s.path, s.level) for s in report.sections] == [(s.path, s.level) for s in source.sections]
    assert ("Findings", "Metering") in [s.path for s in report.sections]


def _headings(source: str, *firsts: str) -> list[Block]:
    blocks, at = [], 0
    for first in firsts:
        at = source.index(first, at)
        blocks.append(Block("heading", at, at + len(first), 2))
        at += len(first)
    return blocks


def test_level_headings_ranks_sizes_and_puts_what_is_no_larger_below() -> None:
    source = "Report\n\nSummary\n\nText.\n\nMethods\n\nText.\f\nReport\n\nCode line\n\nText.\f"
    blocks = [Block("title", 0, 6), *_headings(source, "Summary", "Methods", "Report", "Code line")]
    # "Report" is the title (24 pt) and, on page 2, a running head in the text's size; "Code line"
    # was taken for a heading but is set no larger than the text (it has no sizes at all).
    sizes = {"Report": (24.0, 0.0), "Summary": (18.0,), "Methods": (14.0,)}
    levels = [b.level for b in level_headings(source, blocks, sizes) if b.kind == "heading"]
    assert levels == [1, 2, 3, 3]
    # All set in one size: the text's levels stay.
    assert level_headings(source, blocks, {"Summary": (18.0,), "Methods": (18.0,)}) == blocks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A title, its author and date, then the first heading.
        (
            "Dry Wells\n\nPrairie Water Institute\n\nMarch 2023\n\nSummary\n\n",
            [
                ("title", "Dry Wells"),
                ("meta", "Prairie Water Institute"),
                ("meta", "March 2023"),
                ("heading", "Summary"),
            ],
        ),
        # Two headings, one under the other, after the title and its author.
        (
            "Dry Wells\n\nJane Smith\n\nBackground\n\nGeology and recharge\n\n",
            [
                ("title", "Dry Wells"),
                ("meta", "Jane Smith"),
                ("heading", "Background"),
                ("heading", "Geology and recharge"),
            ],
        ),
        # A table of contents, by its page numbers, before the first heading.
        (
            "Dry Wells\n\nMarch 2023\n\nSummary 3\n\nFindings 7\n\nSummary\n\n",
            [
                ("title", "Dry Wells"),
                ("meta", "March 2023"),
                ("furniture", "Summary 3"),
                ("furniture", "Findings 7"),
                ("heading", "Summary"),
            ],
        ),
        # ... or by its dot leaders.
        (
            "Dry Wells\n\nContents\n\nSummary ........ 3\n\nFindings ........ 7\n\nSummary\n\n",
            [
                ("title", "Dry Wells"),
                ("furniture", "Contents"),
                ("furniture", "Summary ........ 3"),
                ("furniture", "Findings ........ 7"),
                ("heading", "Summary"),
            ],
        ),
    ],
)
def test_front_matter_in_text(text: str, expected: list[tuple[str, str]]) -> None:
    doc = parse(text + OPENING, name="report.txt")
    assert _kinds(doc)[: len(expected)] == expected


def test_a_table_read_a_cell_to_a_paragraph_has_no_headings() -> None:
    text = OPENING + (
        "Declines by state\n\nThe table below sums up the changes in water level since 1950.\n\n"
        "State\n\nTexas\n\nKansas\n\nArea (sq mi)\n\n35,450\n\n30,500\n\n-41.0 Largest\n\n"
        "-13.2 Panhandle\n\ncounties\n\nKansas stands apart: its level fell least, because recharge offsets pumping.\n"
    )
    doc = parse(text, name="table.txt")
    assert [s.title for s in doc.sections] == ["Declines by state"]


def test_a_line_boxed_apart_from_its_sentence_is_no_heading() -> None:
    text = OPENING + (
        "Findings\n\nThe table below summarizes average changes in water level from predevelopment to\n\n"
        "2019, the last year of the survey.\n\nOur findings draw on measurements collected by the Survey\n\n"
        "between 1950 and 2020, and on interviews with forty-two irrigators.\n"
    )
    doc = parse(text, name="broken.txt")
    assert [s.title for s in doc.sections] == ["Findings"]


def test_the_date_a_browser_prints_is_furniture_and_the_page_heading_heads_the_text() -> None:
    doc = load(DATA / "printed" / "wikipedia.pdf")
    assert _kinds(doc)[0] == ("furniture", "11/29/26, 7:57 PM")
    first = next(b for b in doc.blocks if b.kind == "paragraph")
    assert next(s.title for s in doc.sections if s.start <= first.start < s.end) == "Mines in Storage"
