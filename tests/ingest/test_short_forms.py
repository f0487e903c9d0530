"""Short forms in a report written in a word processor, read from each file it saves.

``tests/data/short-forms/article.*`` were written by ``bench/short_forms.py --office``: a short
article whose nine footnotes cite an article, a book and a case in full, then short, and which
LibreOffice 7.4 saved as PDF, Word, OpenDocument and RTF.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import load
from tests.conftest import DATA

# (label, same_as, refers_to) of each note, as the article's notes mean them.
LINKS = [
    ("1", None, ()),  # Kessler's article, in full
    ("2", None, ()),  # Hardin v. Platte Valley, in full
    ("3", None, ("1",)),  # "See Kessler, supra note 1, at 251."
    ("4", "3", ()),  # "Id. at 252."
    ("5", None, ("2",)),  # "Hardin, 12 P.3d at 50."
    ("6", None, ()),  # Ortiz's book, in full
    ("7", None, ("6",)),  # "Ortiz, Water Markets, 44." (Chicago)
    ("8", None, ("1", "6")),  # "See Kessler, supra note 1, at 255; Ortiz, op. cit., p. 51."
    ("9", None, ("3", "4", "5")),  # "See notes 3-5 and accompanying text."
]


@pytest.mark.parametrize("fmt", ["pdf", "docx", "odt", "rtf"])
def test_every_short_form_points_to_the_note_naming_its_source(fmt: str) -> None:
    doc = load(DATA / "short-forms" / f"article.{fmt}")
    assert [(n.label, n.same_as, n.refers_to) for n in doc.footnotes] == LINKS
    assert not doc.warnings
    notes = {n.label: n for n in doc.footnotes}
    # "Id." after a short form cites what that short form cites.
    assert doc.sources(notes["4"]) == (notes["3"], notes["1"])
    assert doc.sources(notes["8"]) == (notes["1"], notes["6"])
