"""A document's title, which every citation shows, as the usual tools write it.

``tests/data/titles/`` holds one short report (``source.md``: a title, author and date, two
sections that are first-level headings, three notes) as pandoc 2.17 writes it to standalone HTML5
(``pandoc -s``: the title block in a ``<header>``) and to RTF (the title block as centred
paragraphs, the title set in the size of a first-level heading, no ``\\info``), and as
LibreOffice 7.4 exports pandoc's .odt of it to HTML (the title in ``<title>`` and in a centred
paragraph, the sections ``<h1>``). Each was titled "Summary", its first section. The pages written
here take the shapes other tools write (Google Docs' ``<p class="title">``, Word's ``<title>`` and
``<p class=MsoTitle>``) and the ones the first ``<h1>`` is preferred for (a site's name added to
``<title>``, an editor's placeholder).
"""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from tests.conftest import DATA

TITLE = "Dry Wells: Pumping Limits on the High Plains"
SECTIONS = "<h1>Summary</h1><p>Pumping fell by a fifth.</p><h1>Findings</h1><p>Wells fell more slowly.</p>"


@pytest.mark.parametrize("name", ["pandoc_html5.html", "libreoffice.html", "pandoc.rtf"])
def test_a_report_exported_by_pandoc_or_libreoffice_is_titled_by_its_title(name: str) -> None:
    doc = load(DATA / "titles" / name)
    assert doc.title == TITLE
    assert doc.source.startswith(f"{TITLE}\n\nPlains Water Desk\n\nMay 2023\n\nSummary\n\n")
    assert [s.title for s in doc.sections if s.level == 1][-2:] == ["Summary", "Findings"]
    assert [n.label for n in doc.footnotes] == ["1", "2", "3"]
    for note in doc.footnotes:
        (marker,) = note.markers
        assert doc.source[marker.start : marker.end] == note.label


def test_pandocs_title_block_header_is_the_pages_text() -> None:
    doc = load(DATA / "titles" / "pandoc_html5.html")
    first = doc.blocks[0]
    assert (first.kind, first.level, doc.source[first.start : first.end]) == ("heading", 1, TITLE)


def test_a_title_set_as_one_in_rtf_is_its_first_heading() -> None:
    doc = load(DATA / "titles" / "pandoc.rtf")
    first = doc.blocks[0]
    assert (first.kind, first.level, doc.source[first.start : first.end]) == ("heading", 1, TITLE)


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # Google Docs: the Title style is a paragraph of class "title", Heading 1 an <h1>.
        (f'<p class="c3 title" id="h.t"><span class="c1">Dry Wells</span></p>{SECTIONS}', "Dry Wells"),
        # Word's "Save as web page": <title> from the properties, the Title style as MsoTitle.
        (f"<title>Dry Wells report</title><p class=MsoTitle>Dry Wells</p>{SECTIONS}", "Dry Wells"),
        # Sections as <h1>, the title in <title> only.
        (f"<title>Dry Wells</title>{SECTIONS}", "Dry Wells"),
        # One section, the title in <title> and set above it (LibreOffice's export).
        (
            '<title>Dry Wells</title><p align="center"><b>Dry\nWells</b></p><h1>Summary</h1><p>Pumping fell.</p>',
            "Dry Wells",
        ),
        # A site's name before or after the page's heading in <title>: the heading.
        ("<title>Dry Wells — Example Org</title><h1>Dry Wells</h1><p>Pumping fell.</p>", "Dry Wells"),
        ("<title>Example Org | Dry Wells</title><h1>Dry Wells</h1><p>Pumping fell.</p>", "Dry Wells"),
        ("<title>Summary - Example Org</title>" + SECTIONS, "Summary"),
        # The only first-level heading, under a <title> that is the site's alone.
        ("<title>Example Org</title><h1>Dry Wells</h1><p>Pumping fell.</p>", "Dry Wells"),
        # An editor's placeholder in <title> says nothing: the first heading, as before.
        (f"<title>Untitled</title>{SECTIONS}", "Summary"),
        # The page's own Open Graph title is what it says it is.
        (f'<meta property="og:title" content="Dry Wells"><title>Other</title>{SECTIONS}', "Dry Wells"),
    ],
)
def test_the_title_of_a_page(page: str, title: str) -> None:
    assert parse(page, name="page.html").title == title  # a <title> or <meta> before the text is in the head


def test_a_title_that_is_the_file_name_is_no_title() -> None:
    doc = parse("<title>report.html</title><p>Pumping fell by a fifth.</p>", name="dry-wells.html")
    assert doc.title == "dry wells"


@pytest.mark.parametrize(
    ("page", "title", "left_out"),
    [
        # A title block: the title, author and date, no links.
        (
            '<header id="title-block-header"><h1 class="title">Dry Wells</h1><p class="author">Plains Desk</p>'
            f'<p class="date">May 2023</p></header>{SECTIONS}',
            "Dry Wells",
            "",
        ),
        # The site's name and menu.
        (
            '<header><a href="/">Example Org</a><ul><li><a href="/a">About</a></li><li><a href="/b">Blog</a></li></ul>'
            "</header><h1>Dry Wells</h1><p>Pumping fell.</p>",
            "Dry Wells",
            "Example Org",
        ),
        # The site's name as a first-level heading linking home.
        (
            '<header><h1><a href="/">Example Org</a></h1></header><h1>Dry Wells</h1><p>Pumping fell.</p>',
            "Dry Wells",
            "Example Org",
        ),
        # The site's name over a page whose <main> has its own first-level heading.
        (
            "<header><h1>Example Org</h1></header><main><h1>Dry Wells</h1><p>Pumping fell.</p></main>",
            "Dry Wells",
            "Example Org",
        ),
    ],
)
def test_a_header_is_text_where_it_holds_the_title_block(page: str, title: str, left_out: str) -> None:
    doc = parse(f"<html><body>{page}</body></html>", name="page.html")
    assert doc.title == title
    assert title in doc.source
    if left_out:
        assert left_out not in doc.source
    else:
        assert doc.source.startswith("Dry Wells\n\nPlains Desk\n\nMay 2023\n\nSummary")


RTF_SECTIONS = rb"{\pard\ql\outlinelevel0\b\fs32 Summary\par}{\pard\ql Pumping fell by a fifth.\par}"


@pytest.mark.parametrize(
    ("rtf", "title"),
    [
        (rb"{\pard\qc\b\fs32 Dry Wells\par}" + RTF_SECTIONS, "Dry Wells"),
        # Centred, but no larger than the text or smaller than the heading: no title.
        (rb"{\pard\qc\b DRAFT\par}" + RTF_SECTIONS, "Summary"),
        (rb"{\pard\qc\fs28 For the board\par}" + RTF_SECTIONS, "Summary"),
        # Large, but not centred.
        (rb"{\pard\ql\b\fs32 Dry Wells\par}" + RTF_SECTIONS, "Summary"),
        # The title \info states comes first.
        (rb"{\info{\title Pumping Limits}}{\pard\qc\b\fs32 Dry Wells\par}" + RTF_SECTIONS, "Pumping Limits"),
    ],
)
def test_the_title_of_an_rtf_file(rtf: bytes, title: str) -> None:
    assert parse(rb"{\rtf1\ansi " + rtf + b"}", name="page.rtf").title == title


@pytest.mark.parametrize(
    ("given", "title"),
    [
        ("  Wells\tof the\nnorth  ", "Wells of the north"),  # controls and runs of white space: one space
        ("Wells\x00 north", "Wells north"),
        ("   ", "Summary"),  # nothing visible: as if no title were given (the first heading)
        ("\u200b\ufeff", "Summary"),
        ("", "Summary"),
        ("کتاب\u200cها", "کتاب\u200cها"),  # a zero-width non-joiner inside a word is kept: it is spelling
    ],
)
def test_a_given_title_is_shown_plain_or_is_none_when_nothing_in_it_is_seen(given: str, title: str) -> None:
    assert parse(SECTIONS, name="page.html", title=given).title == title


@pytest.mark.parametrize(
    ("front", "author"),
    [
        ('author: "Centre for Regional Infrastructure Policy"', "Centre for Regional Infrastructure Policy"),
        ("author:\n  - Ann Lee\n  - 'Bo Kim'", "Ann Lee; Bo Kim"),
        ("author: [Ann Lee, Bo Kim]", "Ann Lee; Bo Kim"),
        ("author: []", None),
        ("author: ~", None),
    ],
)
def test_a_markdown_front_matters_author_is_the_documents(front: str, author: str | None) -> None:
    doc = parse(f"---\ntitle: Pricing the River\n{front}\ndate: March 2024\n---\n\nText.\n", name="report.md")
    assert (doc.title, doc.metadata.get("author"), doc.metadata.get("date")) == (
        "Pricing the River",
        author,
        "March 2024",
    )
