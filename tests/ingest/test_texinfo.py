"""Notes as GNU Texinfo writes them in HTML: each under a heading that is its label, "(1)".

``tests/data/texinfo/mines.html`` is ``makeinfo --html --no-split`` (Texinfo 6.8) of ``mines.texi``
beside it, and ``split_survey.html`` its first chapter's page from ``makeinfo --html``. The other
releases' layouts are made from it below: 6.7's, as the Nettle manual in Debian has it (no
``<div>`` around the notes, each label heading closed by a stray ``</h3>``, a rule after the last);
7's classes; and the ``name`` anchors and ``<h3>`` labels of releases before 6.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.types import Document
from tests.conftest import DATA

HERE = DATA / "texinfo"
MINES = (HERE / "mines.html").read_text(encoding="utf-8")
RELEASES = {
    "6.8": [],
    "6.7": [
        ('<div class="footnote">\n<hr>\n', "<hr>\n"),
        ("</a></h5>", "</a></h3>"),
        ("deminer per day.</p>\n</div>", "deminer per day.</p>\n<hr>"),
    ],
    "7": [
        ('<div class="footnote">', '<div class="footnotes-segment">'),
        ("<h5>", '<h5 class="footnote-body-heading">'),
        ('<a id="DOCF', '<a class="footnote" id="DOCF'),
    ],
    "5": [
        ('<h4 class="footnotes-heading">Footnotes</h4>', "<h3>Footnotes</h3>"),
        ("<h5>", "<h3>"),
        ("</h5>", "</h3>"),
        ('id="FOOT', 'name="FOOT'),
        ('id="DOCF', 'name="DOCF'),
    ],
}


def _release(name: str) -> str:
    html = MINES
    for old, new in RELEASES[name]:
        assert old in html, old
        html = html.replace(old, new)
    return html


def _passages(doc: Document) -> list[str]:
    return [doc.source[b.start : b.end] for b in doc.blocks if b.kind not in ("note", "furniture")]


@pytest.mark.parametrize("release", RELEASES)
def test_each_note_is_the_text_under_its_label_heading(release: str) -> None:
    doc = parse(_release(release), name="mines.html")
    assert [n.label for n in doc.footnotes] == ["1", "2", "3"]
    first, second, third = doc.footnotes
    assert first.text == "Figures from the 2004 provincial report."
    # A note of two paragraphs keeps both, up to the next note's label.
    assert second.text == (
        "Two deminers per lane, as the standard requires.\n\n"
        "A second paragraph of the note: the standard was revised in 2003."
    )
    assert third.text == "About 20 square metres per deminer per day."
    for note, before in zip(
        doc.footnotes, ["dollars per district", "Teams work in pairs", "Manual clearance remains slow"], strict=True
    ):
        assert len(note.markers) == 1
        marker = note.markers[0]
        assert doc.source[marker.start : marker.end] == note.label
        assert doc.source[: marker.start].endswith(before)
        assert note.text == doc.source[note.start : note.end]
    assert not doc.warnings
    # The labels "(1)" and the "Footnotes" heading over them are neither passages nor sections.
    for label in ("(1)", "(2)", "(3)", "Footnotes"):
        at = doc.source.index(label)
        assert [b.kind for b in doc.blocks if b.start <= at < b.end] == ["furniture"]
    assert not any(p in ("(1)", "Footnotes") for p in _passages(doc))
    assert [s.title for s in doc.sections][-2:] == ["1 Survey", "2 Clearance"]
    passages = [c.text for c in chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=0))]
    assert not any("Footnotes" in text or "(1)" in text for text in passages)


def test_a_page_of_a_split_manual_keeps_its_own_notes() -> None:
    doc = load(HERE / "split_survey.html")
    assert [(n.label, n.text[:20], len(n.markers)) for n in doc.footnotes] == [
        ("1", "Figures from the 200", 1),
        ("2", "Two deminers per lan", 1),
    ]
    assert any(p.startswith("A technical survey costs") for p in _passages(doc))
    assert not doc.warnings


@pytest.mark.parametrize(
    "label_heading",
    [
        '<h5><a id="FOOT1" href="#top">(1)</a></h5>',  # its anchor links elsewhere, not back to the marker
        '<h5><a id="FOOT1" href="#DOCF1">(1)</a> Mines</h5>',  # a heading with more than its label
        '<h5 id="FOOT1">(1)</h5>',  # no anchor linking back
    ],
)
def test_a_link_to_a_heading_that_does_not_link_back_alone_is_no_note(label_heading: str) -> None:
    html = (
        '<h1 id="top">Mines</h1><p>Clearance is slow<a id="DOCF1" href="#FOOT1"><sup>1</sup></a> in wet soil.</p>'
        f"{label_heading}<p>About 20 square metres per deminer per day.</p>"
    )
    doc = parse(html, name="page.html")
    assert not doc.footnotes
    assert any(b.kind == "heading" and b.level == 5 for b in doc.blocks)
