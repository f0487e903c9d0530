"""A document's author and date as the usual tools state them: in the page's ``<meta>`` elements,
and in the lines of its title block that they mark as the author's and the date (pandoc's
``<p class="author">``, LibreOffice's ``<p class="Author">``, and the Author and Date paragraph
styles of the .docx and .odt files pandoc writes). Before, pandoc's HTML, .docx and .odt and
LibreOffice's XHTML lost the date, and the XHTML its author too."""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from tests.conftest import DATA

REPORT = "<h1>Summary</h1><p>Pumping fell by a fifth.</p><h1>Findings</h1><p>Wells fell more slowly.</p>"


@pytest.mark.parametrize(
    ("path", "author", "date"),
    [
        ("titles/pandoc_html5.html", "Plains Water Desk", "May 2023"),
        ("exporters/libreoffice-xhtml.html", "Metropolitan Policy Forum", "November 2023"),
        ("docx/report.docx", "Basin Monitoring Group", "March 2024"),
        ("odt/pandoc_report.odt", "Basin Monitoring Group", "March 2024"),
    ],
)
def test_a_title_blocks_author_and_date_are_the_documents(path: str, author: str, date: str) -> None:
    doc = load(DATA / path)
    assert (doc.metadata.get("author"), doc.metadata.get("date")) == (author, date)
    assert f"\n\n{date}\n\n" in doc.source  # still text where the title block sets it


def test_several_author_lines_are_joined() -> None:
    page = (
        '<h1 class="title">Dry Wells</h1><p class="author">Ann Lee</p><p class="author">Bo Kim</p>'
        f'<p class="date">May 2023</p>{REPORT}'
    )
    doc = parse(page, name="report.html")
    assert (doc.metadata["author"], doc.metadata["date"]) == ("Ann Lee; Bo Kim", "May 2023")


def test_an_author_line_below_the_first_section_is_not_the_documents() -> None:
    page = f'<h1 class="title">Dry Wells</h1>{REPORT}<blockquote><p>Wells run dry.</p><p class="author">A farmer</p></blockquote>'
    doc = parse(page, name="report.html")
    assert "author" not in doc.metadata


def test_a_first_level_heading_that_is_the_title_may_stand_over_the_title_block() -> None:
    page = f'<h1>Dry Wells</h1><p class="Author">Plains Water Desk</p><p class="Date">May 2023</p>{REPORT}'
    doc = parse(page, name="report.html")
    assert (doc.title, doc.metadata["author"], doc.metadata["date"]) == ("Dry Wells", "Plains Water Desk", "May 2023")


@pytest.mark.parametrize(
    ("head", "author", "date"),
    [
        # Dublin Core in any case, as LibreOffice and the KOMA-Script manuals write it.
        (
            '<meta name="DCTERMS.creator" content="Forum"><meta name="dcterms.date" content="2020-03-03">',
            "Forum",
            "2020-03-03",
        ),
        ('<meta name="DC.Creator" content="Forum"><meta name="DC.Date" content="2022-06-03">', "Forum", "2022-06-03"),
        # Highwire's tags (Google Scholar's), one per author.
        (
            '<meta name="citation_author" content="Lee, Ann"><meta name="citation_author" content="Kim, Bo">'
            '<meta name="citation_date" content="2019/04/01">',
            "Lee, Ann; Kim, Bo",
            "2019/04/01",
        ),
        # The first name that states a fact gives it: another name's value is not mixed in.
        ('<meta name="author" content="Ann Lee"><meta name="dc.creator" content="Lee, A.">', "Ann Lee", None),
        # The time LibreOffice wrote the file is not the document's date.
        ('<meta name="DCTERMS.issued" content="2026-12-02T21:51:35Z">', None, None),
    ],
)
def test_meta_elements_state_author_and_date(head: str, author: str | None, date: str | None) -> None:
    doc = parse(f"<html><head>{head}</head><body>{REPORT}</body></html>", name="report.html")
    assert (doc.metadata.get("author"), doc.metadata.get("date")) == (author, date)


def test_a_meta_element_is_preferred_to_the_title_blocks_line() -> None:
    page = f'<head><meta name="author" content="Ann Lee"></head><h1 class="title">Dry Wells</h1><p class="author">A. Lee</p>{REPORT}'
    assert parse(page, name="report.html").metadata["author"] == "Ann Lee"
