"""Markdown's inline notes, ``^[...]``, as pandoc, Quarto, R Markdown and markdown-it-footnote write
them: a note written where it is cited, numbered with the other notes in the order they are read."""

from __future__ import annotations

import pytest

from footnoted.ingest import load, parse
from footnoted.types import Document
from tests.conftest import DATA


def _md(text: str) -> Document:
    return parse(text.encode(), name="report.md")


def test_pandoc_inline_notes_are_read_in_order_with_exact_spans() -> None:
    doc = load(DATA / "docx" / "report.md")  # pandoc's markdown for the report's 13 notes
    assert [n.label for n in doc.footnotes] == [str(k) for k in range(1, 14)]
    first = doc.footnotes[0]
    assert first.text.startswith("Lower Basin Water Authority, _Annual Allocation Statement 2023_")
    assert first.text.endswith("table 4.")
    for note in doc.footnotes:
        assert doc.source[note.start : note.end] == note.text
        (marker,) = note.markers
        assert doc.source[marker.start : marker.end] == "^["
        assert marker.end == note.start  # the note's text follows its marker
        assert doc.source[note.end] == "]"
    assert not doc.warnings


def test_what_is_no_note_is_left() -> None:
    doc = _md(
        "# R\n\nA claim.^[Smith, *Water*, p. 3.] Powers x^[2] and 2^[n], a class ^[a-z], "
        "code `b^[not a note]` and an escaped \\^[caret here].\n\n"
        "```\nfence^[not a note either]\n```\n"
    )
    assert [(n.label, n.text) for n in doc.footnotes] == [("1", "Smith, *Water*, p. 3.")]


def test_brackets_nest_inside_an_inline_note() -> None:
    doc = _md("# R\n\nA claim.^[See [the report](http://x.org/r), p. 9.] After.\n")
    (note,) = doc.footnotes
    assert note.text == "See [the report](http://x.org/r), p. 9."


def test_inline_notes_take_their_place_among_numbered_notes() -> None:
    doc = _md("# R\n\nOne.^[First source.] Two.[^2] Three.^[Third source.]\n\n[^2]: Second source.\n")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "First source."),
        ("2", "Second source."),
        ("3", "Third source."),
    ]


def test_inline_notes_never_share_a_label_with_a_written_one() -> None:
    # [^1] is cited second: its written number is not its place, so the inline notes number on.
    doc = _md("# R\n\nOne.^[Smith, p. 3.] Two.[^1] Three.^[Jones, supra note 2.]\n\n[^1]: Written note.\n")
    labels = [n.label for n in doc.footnotes]
    assert sorted(labels) == ["1", "2", "3"]
    assert len(set(labels)) == 3
    jones = next(n for n in doc.footnotes if n.text.startswith("Jones"))
    smith = next(n for n in doc.footnotes if n.text.startswith("Smith"))
    assert jones.refers_to == (smith.label,)


def test_named_notes_keep_the_name_the_text_shows() -> None:
    doc = _md("# R\n\nOne.[^fam] Two.^[Inline source.]\n\n[^fam]: Famiglietti, p. 945.\n")
    assert [n.label for n in doc.footnotes] == ["fam", "1"]


@pytest.mark.parametrize(
    "text",
    [
        'Use the pattern r"^[a2-9tjqk]{5}$" in your code.',  # a range, 2-9, in running prose
        'A doctest set in three spaces::\n\n   >>> re.compile(r"^[a2-9tjqk]{5}$")\n\nIt takes five cards.',
        "Accented letters: ^[a-zäöüß]+ matches a word.",  # a range, then a run of letters
        "A card ^[tjqk]{1} and a digit ^[0-9].",  # a count after the bracket: a quantifier
        'Blank lines match r"^[ \\t]*$" alone.',  # its letters only escapes
    ],
)
@pytest.mark.parametrize("name", ["notes.md", "notes.txt"])
def test_a_character_class_is_no_inline_note(text: str, name: str) -> None:
    doc = parse(f"Patterns\n\n{text}\n".encode(), name=name)
    assert doc.footnotes == ()


@pytest.mark.parametrize(
    "note", ["Smith-Jones", "Ibid.", "Lund", "anti-war", "https://example.org/a-z", "See $\\alpha$ in Lund, p. 3"]
)
def test_a_one_word_inline_note_is_still_a_note(note: str) -> None:
    doc = _md(f"# R\n\nA claim.^[{note}] After.\n")
    assert [n.text for n in doc.footnotes] == [note]
