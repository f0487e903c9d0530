"""Notes an HTML page's links point at (``ingest/html_notes.py``): a note of several paragraphs
that its exporter writes as sibling paragraphs, the anchor in the first only."""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from footnoted.types import BODY_KINDS
from tests.conftest import DATA


def test_libreoffice_xhtml_keeps_every_paragraph_of_a_note() -> None:
    # LibreOffice's XHTML export writes each paragraph of a note as a <p class="Footnote"> of its
    # own; note 5's second paragraph was read as body text, after the notes.
    doc = load(DATA / "exporters" / "libreoffice-xhtml.html")
    assert [n.label for n in doc.footnotes] == [str(n) for n in range(1, 9)]
    assert [len(n.markers) for n in doc.footnotes] == [1] * 8
    fifth = doc.footnotes[4]
    assert fifth.text == (
        "State Treasury, Revenue Options for Regional Transit (2023), table 4.\n\n"
        "The treasury’s estimate assumes no change in taxable retail sales. A recession would reduce"
        " the yield by roughly a tenth."
    )
    assert doc.footnotes[5].text == "Ibid., pp.\u00a031-40."
    body = [doc.source[b.start : b.end] for b in doc.blocks if b.kind in BODY_KINDS]
    assert not any("The treasury’s estimate" in text for text in body)
    assert not doc.warnings


def _page(notes: str) -> str:
    return (
        '<html><body><h1>T</h1><p>A claim.<a href="#ftn1" id="body_ftn1">1</a> Another.'
        f'<a href="#ftn2" id="body_ftn2">2</a></p>{notes}</body></html>'
    )


@pytest.mark.parametrize(
    ("notes", "texts", "body"),
    [
        # The note's next paragraph of its class runs to the next note's anchor.
        (
            '<p class="Footnote"><a id="ftn1" href="#body_ftn1">1</a>First.</p><p class="Footnote">More.</p>'
            '<p class="Footnote"><a id="ftn2" href="#body_ftn2">2</a>Second.</p><p class="Text">After.</p>',
            ["First.\n\nMore.", "Second."],
            "After.",
        ),
        # A paragraph of its class that holds an anchor (a note nothing cites) is no part of it.
        (
            '<p class="Footnote"><a id="ftn1" href="#body_ftn1">1</a>First.</p>'
            '<p class="Footnote"><a id="ftn2" href="#body_ftn2">2</a>Second.</p>'
            '<p class="Footnote"><a id="ftn3">3</a>Third, uncited.</p>',
            ["First.", "Second."],
            None,
        ),
        # Paragraphs of a class that names no note stay text.
        (
            '<p class="body"><a id="ftn1" href="#body_ftn1">1</a>First.</p>'
            '<p class="body"><a id="ftn2" href="#body_ftn2">2</a>Second.</p><p class="body">After.</p>',
            ["First.", "Second."],
            "After.",
        ),
    ],
)
def test_a_note_takes_the_paragraphs_of_its_class_up_to_the_next_note(
    notes: str, texts: list[str], body: str | None
) -> None:
    doc = parse(_page(notes).encode(), name="notes.html")
    assert [n.text for n in doc.footnotes][:2] == texts
    if body is not None:
        assert body in [doc.source[b.start : b.end] for b in doc.blocks if b.kind in BODY_KINDS]


def test_a_note_that_opens_on_a_link_into_the_page_keeps_it() -> None:
    # Sphinx writes a note's back-link in its label; the link opening the note's text points at the
    # entry the note annotates, above it on the page, and is the note's first words, not a back-link
    # ("PurePath.relative_to() requires ..." in Python's pathlib page read as "requires ...").
    page = (
        '<html><body><h1>Paths</h1><dl><dt id="rel">relative_to(other)</dt><dd><p>Relative.</p></dd></dl>'
        '<p>Compare relative_to<a class="footnote-reference brackets" href="#id6" id="id4">'
        '<span class="fn-bracket">[</span>1<span class="fn-bracket">]</span></a>.</p>'
        '<aside class="footnote brackets" id="id6" role="note"><span class="label">'
        '<span class="fn-bracket">[</span><a role="doc-backlink" href="#id4">1</a>'
        '<span class="fn-bracket">]</span></span>'
        '<p><a class="reference internal" href="#rel"><code>relative_to()</code></a> requires a subpath.</p>'
        "</aside></body></html>"
    )
    doc = parse(page, name="paths.html")
    assert [n.text for n in doc.footnotes] == ["relative_to() requires a subpath."]
    assert len(doc.footnotes[0].markers) == 1
