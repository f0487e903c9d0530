"""How a citation reads where its document's title is shown beside it."""

from __future__ import annotations

import pytest

from footnoted.render import heading_path


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
