"""Notes as documentation generators write them: docutils, Sphinx, MediaWiki and Asciidoctor pages.

The pages in ``tests/data/html_generators`` are the generators' own output for the ``.rst`` and
``.adoc`` sources beside them (docutils 0.22.4 ``rst2html5`` and ``rst2html4`` with
``--link-stylesheet --stylesheet-path=``, Sphinx 9.0.4 with Alabaster, Asciidoctor 2.0.18 with
``-a linkcss``); ``wikipedia_groups.html`` is written as MediaWiki renders ``{{efn}}`` note groups.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from footnoted.types import Document
from tests.conftest import DATA

HERE = DATA / "html_generators"


def _passages(doc: Document) -> list[str]:
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind not in ("note", "furniture")]


def _marker_texts(doc: Document, label: str) -> list[str]:
    note = next(n for n in doc.footnotes if n.label == label)
    return [doc.source[m.start : m.end] for m in note.markers]


@pytest.mark.parametrize("name", ["docutils_inline_defs.html", "sphinx_inline_defs.html"])
def test_a_note_defined_under_its_paragraph_and_cited_again_below_keeps_both_markers(name: str) -> None:
    doc = load(HERE / name)
    assert [n.label for n in doc.footnotes] == ["1", "2", "3"]
    first = doc.footnotes[0]
    assert first.text == "Jay Famiglietti, The Global Groundwater Crisis, Nature Climate Change 4 (2014): 945-948."
    assert _marker_texts(doc, "1") == ["[1]", "[1]"]
    assert doc.source[: first.markers[1].start].endswith("shorter than the plans assume.")
    # The paragraph the second marker sits in is a passage, not a note its back-link "2" names.
    assert any(p.startswith("The Act") for p in _passages(doc))
    assert not doc.warnings


@pytest.mark.parametrize("name", ["docutils_citations.html", "docutils_html4_citations.html", "sphinx_citations.html"])
def test_docutils_citations_are_notes_labelled_by_their_name(name: str) -> None:
    doc = load(HERE / name)
    assert [n.label for n in doc.footnotes] == ["1", "Famiglietti2014", "DWR-2020"]
    assert _marker_texts(doc, "Famiglietti2014") == ["[Famiglietti2014]", "[Famiglietti2014]"]
    assert _marker_texts(doc, "DWR-2020") == ["[DWR-2020]"]
    cited = doc.footnotes[1]
    assert cited.text == "Jay Famiglietti, The Global Groundwater Crisis, Nature Climate Change 4 (2014): 945-948."
    assert not any("Famiglietti," in p or "Bulletin 118" in p for p in _passages(doc))


def test_docutils_symbol_notes_run_through_the_whole_sequence_and_double() -> None:
    doc = load(HERE / "docutils_symbols.html")
    labels = [*"*†‡§¶#♠♥♦♣", "**", "††"]
    assert [n.label for n in doc.footnotes] == labels
    for number, (note, label) in enumerate(zip(doc.footnotes, labels, strict=True), start=1):
        assert [doc.source[m.start : m.end] for m in note.markers] == [f"[{label}]"]
        assert note.text.startswith(f"Source {number} for the claim")
    assert not any("Source" in p for p in _passages(doc))


def test_wikipedia_note_groups_are_labelled_as_the_reader_sees_them() -> None:
    doc = load(HERE / "wikipedia_groups.html")
    # "[note 1]" and "[1]" are two notes: the group keeps the labels apart.
    assert [n.label for n in doc.footnotes] == ["note 1", "note 2", "n 1", "1", "2"]
    assert _marker_texts(doc, "note 1") == ["[note 1]", "[note 1]"]
    assert doc.footnotes[0].text == "Interviews with county water managers in Fresno and Tulare counties, October 2023."
    assert not any(p.startswith("^") for p in _passages(doc))


def test_a_link_to_a_numbered_step_above_is_no_note() -> None:
    html = (
        "<html><body><h1>T</h1><ol><li id='s1'>Drill the well.</li><li id='s2'>Test the water.</li></ol>"
        "<p>Repeat step <a href='#s1'>1</a> where the water fails.</p></body></html>"
    )
    doc = parse(html.encode(), name="steps.html")
    assert not doc.footnotes


def test_section_edit_links_and_page_footers_are_not_text() -> None:
    wiki = load(HERE / "wikipedia_groups.html")
    # No "[edit]" in a title; "Notes" heads only notes, so it is furniture, not a section.
    assert [s.title for s in wiki.sections][1:] == ["Findings", "References"]
    for name, footer in [("asciidoctor_footer.html", "Last updated"), ("sphinx_inline_defs.html", "Powered by")]:
        doc = load(HERE / name)
        assert footer not in doc.source
        assert any(p.startswith("Groundwater supplies") for p in _passages(doc))


def test_a_footer_inside_the_article_is_its_own() -> None:
    html = (
        "<html><body><article><h1>T</h1><p>The claim.</p>"
        "<div class='footer'>Written by the county water office.</div></article></body></html>"
    )
    doc = parse(html.encode(), name="page.html")
    assert "Written by the county water office." in _passages(doc)


@pytest.mark.parametrize(
    "section",
    [
        '<section id="cookie-objects">',  # Sphinx: the Python docs' http.cookies, "Cookie Objects"
        '<section id="how-do-i-share-global-variables-across-modules">',
        '<div class="subsection" id="Menu-Example">',  # Texinfo: a manual's node on menus
        '<div class="section" id="navigation-bars">',  # docutils
    ],
)
def test_a_section_named_like_page_chrome_is_text(section: str) -> None:
    # Its id names what the section is about; a site's menu, sidebar or share buttons are still
    # left out by their own class or id. Those sections were dropped whole (the Python docs lost
    # "Cookie Objects", IDLE's menus and "How do I share global variables across modules?").
    tag = section[1 : section.index(" ")]
    page = (
        "<html><body><nav>Home | Library</nav><div class='sidebar'>Quick search</div>"
        f"<h1>Guide</h1>{section}<h2>About it</h2><p>The section's own text, which answers.</p></{tag}>"
        "<div id='share'>Share this page</div><div class='menu'>Next page</div></body></html>"
    )
    doc = parse(page, name="guide.html")
    assert "The section's own text, which answers." in doc.source
    for chrome in ("Home | Library", "Quick search", "Share this page", "Next page"):
        assert chrome not in doc.source
