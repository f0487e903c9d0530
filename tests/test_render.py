"""How a citation reads where its document's title is shown beside it, and a note citing others."""

from __future__ import annotations

import pytest

from footnoted.render import footnote, heading_path, note_links
from footnoted.types import Footnote


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
