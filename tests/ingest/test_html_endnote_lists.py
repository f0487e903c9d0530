"""An HTML page's notes as an ``<ol>`` with no links, numbered as a browser shows them: cited by
``<sup>`` markers or in the text itself ("[1]", "¹"); under a "Notes" heading always notes, under
"References" or "Sources" only when the text cites at least half of them."""

from __future__ import annotations

import pytest

from footnoted.ingest import parse
from footnoted.types import Document

_TEXT = (
    "<h1>Orchards of the Vale</h1>\n"
    "<p>The Vale once grew ninety named apple varieties{0}. Most were lost after 1950{1}.</p>\n"
    "<p>The russet Vale Gold was found again in 1994 by Peter Lund{2}.</p>\n"
)
_ENTRIES = (
    "<ol><li>Harris, M. Orchards of the Vale. 1938.</li>"
    "<li>Smith, J. The Decline of Regional Fruit. 1970.</li>"
    "<li>Lund found the tree beside a collapsed barn.</li></ol>\n"
)


def _page(heading: str, markers: list[str], after: str = "") -> Document:
    text = _TEXT.format(*markers)
    return parse(f"<html><body>{text}<h2>{heading}</h2>\n{_ENTRIES}{after}</body></html>".encode(), name="vale.html")


def _links(doc: Document) -> list[tuple[str, list[str]]]:
    """Each note's label and, for each of its markers, the marker and the 4 characters before it."""
    return [(n.label, [doc.source[m.start - 4 : m.end] for m in n.markers]) for n in doc.footnotes]


BRACKETED = [" [1]", " [2]", " [3]"]
SUPERSCRIPT = ["<sup>1</sup>", "<sup>2</sup>", "<sup>3</sup>"]
RAISED = ["¹", "²", "³"]


@pytest.mark.parametrize(
    ("heading", "markers", "shown"),
    [
        ("Notes", BRACKETED, ["ies [1]", "950 [2]", "und [3]"]),
        ("Notes", RAISED, ["ties¹", "1950²", "Lund³"]),
        ("References", SUPERSCRIPT, ["ties1", "19502", "Lund3"]),
        ("References", BRACKETED, ["ies [1]", "950 [2]", "und [3]"]),
        ("Sources", BRACKETED, ["ies [1]", "950 [2]", "und [3]"]),
    ],
)
def test_an_endnotes_list_is_linked_to_the_markers_the_text_shows(
    heading: str, markers: list[str], shown: list[str]
) -> None:
    doc = _page(heading, markers)
    assert _links(doc) == [("1", [shown[0]]), ("2", [shown[1]]), ("3", [shown[2]])]
    assert doc.footnotes[0].text == "Harris, M. Orchards of the Vale. 1938."
    assert not doc.warnings
    assert [b.kind for b in doc.blocks].count("note") == 3
    assert [s.title for s in doc.sections] == ["Orchards of the Vale"]  # the notes' heading is no section


@pytest.mark.parametrize(
    "markers",
    [
        ["", "", ""],  # a bibliography the text does not cite
        [" [1]", "", ""],  # one entry of three cited: less than half
    ],
)
def test_a_references_list_the_text_hardly_cites_stays_a_list(markers: list[str]) -> None:
    doc = _page("References", markers)
    assert doc.footnotes == ()
    assert [b.kind for b in doc.blocks].count("list_item") == 3


def test_a_marker_cites_the_list_after_it_not_one_further_down() -> None:
    # Endnotes under "Notes" take the text's markers; the bibliography below them, numbered 1, 2, 3
    # too, is cited by none of them.
    doc = _page("Notes", BRACKETED, after=f"<h2>References</h2>\n{_ENTRIES}")
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 1), ("2", 1), ("3", 1)]
    assert [b.kind for b in doc.blocks].count("list_item") == 3


def test_an_index_in_code_is_no_marker() -> None:
    page = (
        "<html><body><h1>Lists</h1><p>Take the second item.<sup>1</sup></p>"
        "<pre>first = items[1]</pre><h2>Notes</h2><ol><li>Counting from zero.</li><li>Unused.</li></ol>"
        "</body></html>"
    )
    doc = parse(page.encode(), name="lists.html")
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 1), ("2", 0)]
