"""How a citation reads where its document's title is shown beside it, a note citing others, and
the markers a result's notes list."""

from __future__ import annotations

import pytest

from footnoted import render
from footnoted.ingest import parse
from footnoted.render import footnote, heading_path, note_links
from footnoted.types import Answer, Chunk, Citation, Footnote, Hit


@pytest.mark.parametrize(
    ("title", "section", "shown"),
    [
        ("gzip — Support for gzip files", "gzip — Support for gzip files › Examples of usage", "Examples of usage"),
        ("gzip — Support for gzip files", "gzip — Support for gzip files", ""),
        ("Back in Business?", "", ""),
        ("Annual report", "Findings › Costs", "Findings › Costs"),  # the title is not the first heading
        ("Findings", "Findings of the survey › Costs", "Findings of the survey › Costs"),  # a prefix is not the title
    ],
)
def test_the_title_at_the_head_of_the_path_is_not_repeated(title: str, section: str, shown: str) -> None:
    assert heading_path(title, section) == shown


@pytest.mark.parametrize(
    ("note", "shown", "keys"),
    [
        (Footnote("3", "A report, 2004.", 0, 15), "", {}),
        (Footnote("4", "Ibid.", 20, 25, same_as="3"), " (same source as note 3)", {"same_as": "3"}),
        (Footnote("9", "Report, supra note 3.", 30, 51, refers_to=("3",)), " (see note 3)", {"refers_to": ["3"]}),
        (
            Footnote("9", "Supra notes 3, 5 and 7.", 30, 53, refers_to=("3", "5", "7")),
            " (see notes 3, 5 and 7)",
            {"refers_to": ["3", "5", "7"]},
        ),
    ],
)
def test_a_note_citing_others_names_them(note: Footnote, shown: str, keys: dict[str, object]) -> None:
    assert note_links(note) == shown
    assert footnote(note) == {"label": note.label, "text": note.text, "start": note.start, "end": note.end, **keys}


# Two notes cited by touching superscripts: "³⁴" is the marker of note 3, then that of note 4.
_ADJACENT = (
    "Neutrality Report\n\nBoth claimants accepted the canton's neutrality and withdrew their envoys.³⁴ "
    "The treaty confirmed it.⁵\n\nNotes\n\n³ Letter of the first claimant.\n⁴ Letter of the second claimant.\n"
    "⁵ Treaty text, article three.\n"
)


def test_the_notes_of_results_and_answers_list_their_markers() -> None:
    doc = parse(_ADJACENT, name="neutrality.txt")
    start = doc.source.index("Both")
    end = doc.source.index("\n", start)
    notes = tuple(n for n in doc.footnotes if n.label in ("3", "4"))
    cite = Citation(doc.id, doc.title, "", start, end)
    hit = Hit(1, 0.5, Chunk("c1", doc.id, "", start, end, doc.source[start:end], notes), cite)
    answer = Answer("Who withdrew?", hit.chunk.text, cite, notes, (hit,))

    for listed in (render.hit(hit)["footnotes"], render.ask(answer)["answer"]["footnotes"]):
        assert [n["label"] for n in listed] == ["3", "4"]
        assert [[doc.source[m["start"] : m["end"]] for m in n["markers"]] for n in listed] == [["³"], ["⁴"]]
        assert [{k: v for k, v in n.items() if k != "markers"} for n in listed] == [footnote(n) for n in notes]
