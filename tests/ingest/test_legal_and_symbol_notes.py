"""Notes of legal texts in plain text: Westlaw's "FN1" notes, as opinions and law-review articles
are exported."""

from __future__ import annotations

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.types import Block, Document
from tests.conftest import DATA

OPINION = DATA / "legal" / "opinion.txt"

# (label, the note's text, the text that ends where its one marker ends)
NOTES = [
    ("1", "Smith v. Jones, 123 F. Supp. 2d 456, 460 (D. Mass. 2001).", "only completed transfers. FN1"),
    ("2", "See S. Rep. No. 105-3, at 12 (1997).", "the legislative history confirms.FN2"),
    ("3", "Smith v. Jones, 123 F. Supp. 2d at 461.", "a year earlier.[FN3]"),
    ("4", "Appellant's Br. 14-15.", "until the vessel changes hands.FN4"),
    (
        "5",
        "46 U.S.C. § 31329(a). The clause was added in 1996.\n\nThe House report describes the amendment as a "
        "clarification, not a change. H.R. Rep. No. 104-854, at 3 (1996).",
        '"agreed or completed."FN5',
    ),
    ("6", "Id. at 4.", "Nor does the agency read it so.FN6"),
    ("7", "46 C.F.R. § 221.15 (2002).", "Its rule says as much.FN7"),
]


@pytest.fixture(scope="module")
def opinion() -> Document:
    return load(OPINION)


def test_westlaw_notes_are_found_with_their_text(opinion: Document) -> None:
    assert [(n.label, n.text) for n in opinion.footnotes] == [(label, text) for label, text, _ in NOTES]
    assert not opinion.warnings


def test_note_spans_are_exact_and_leave_out_the_lead(opinion: Document) -> None:
    assert len(opinion.footnotes) == len(NOTES)
    for note in opinion.footnotes:
        assert opinion.source[note.start : note.end] == note.text
        assert opinion.source[: note.start].endswith(f"FN{note.label}. ")


def test_each_fn_token_is_the_marker_of_its_note(opinion: Document) -> None:
    assert len(opinion.footnotes) == len(NOTES)
    for note, (label, _, cited) in zip(opinion.footnotes, NOTES, strict=True):
        assert len(note.markers) == 1, label
        marker = note.markers[0]
        assert opinion.source[marker.start : marker.end] in (f"FN{label}", f"[FN{label}]")
        assert opinion.source[marker.end - len(cited) : marker.end] == cited


def test_fnma_and_a_bare_fn_are_no_markers(opinion: Document) -> None:
    assert opinion.footnotes
    markers = [(m.start, m.end) for n in opinion.footnotes for m in n.markers]
    for word in ("FNMA", '"FN"'):
        at = opinion.source.index(word)
        assert not any(at <= s < at + len(word) for s, _ in markers), word


def test_blocks_holding_the_notes_are_notes(opinion: Document) -> None:
    notes = [b for b in opinion.blocks if b.kind == "note"]
    assert [opinion.source[b.start : b.start + 8] for b in notes] == [
        "FN1. Smi",
        "FN2. See",
        "FN3. Smi",
        "FN4. App",
        "FN5. 46 ",
        "The Hous",  # the second paragraph of note 5
        "FN6. Id.",
        "FN7. 46 ",  # a line in capitals that ends in a full stop, yet no heading or furniture
    ]
    heading = opinion.source.index("FOOTNOTES")
    assert next(b.kind for b in opinion.blocks if b.start == heading) == "furniture"


def test_id_repeats_the_note_before_and_a_short_form_points_to_the_full_one(opinion: Document) -> None:
    by_label = {n.label: n for n in opinion.footnotes}
    assert by_label["6"].same_as == "5"
    assert by_label["3"].refers_to == ("1",)
    assert all(n.same_as is None for n in opinion.footnotes if n.label != "6")


def test_passages_carry_the_notes_and_leave_out_their_text(opinion: Document) -> None:
    chunks = chunk(opinion, WordTokenizer(), ChunkSettings(max_tokens=60, overlap=0))
    assert chunks
    for piece in chunks:
        assert "FN1." not in piece.text
        assert "Appellant's Br." not in piece.text
        for note in piece.footnotes:
            assert any(piece.start <= m.start and m.end <= piece.end for m in note.markers)
    carried = sorted({(n.label, n.start) for piece in chunks for n in piece.footnotes}, key=lambda pair: pair[1])
    assert carried == [(n.label, n.start) for n in opinion.footnotes]


BRIEF = """\
The district court held that the statute reached only completed transfers. FN1 We disagree. The \
text reaches any agreement to transfer, as the legislative history confirms.FN2

The judgment is reversed.

FN1. Smith v. Jones, 123 F. Supp. 2d 456, 460 (D. Mass. 2001).

FN2. Id. at 461.
"""


def test_notes_at_the_end_with_no_heading_and_id_after_the_first() -> None:
    doc = parse(BRIEF, name="brief.txt")
    assert [(n.label, n.text, n.same_as) for n in doc.footnotes] == [
        ("1", "Smith v. Jones, 123 F. Supp. 2d 456, 460 (D. Mass. 2001).", None),
        ("2", "Id. at 461.", "1"),
    ]
    assert [doc.source[m.start : m.end] for n in doc.footnotes for m in n.markers] == ["FN1", "FN2"]
    body = [b for b in doc.blocks if b.kind not in ("furniture", "note")]
    assert [doc.source[b.start : b.start + 10] for b in body] == ["The distri", "The judgme"]


# A law-review article: "[FN1]" markers, notes set one to a line as "[FN1]. ...", or "FN2 ..."
# with a space, the last one running over a paragraph of its own.
ARTICLE = """\
The doctrine has drawn little notice.[FN1] Courts apply it rarely,[FN2] and commentators less often.[FN3]

FOOTNOTES

[FN1]. See generally A. Kessler, The Vanishing Aquifer 12 (1994).
[FN2]. Kessler, supra note 1, at 40.
FN3 One exception is B. Okafor, Salvage Law Revisited, 88 Yale L.J. 1 (1979).

Okafor's account has not been answered.
"""


def test_bracketed_markers_and_leads_and_notes_one_to_a_line() -> None:
    doc = parse(ARTICLE, name="article.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "See generally A. Kessler, The Vanishing Aquifer 12 (1994)."),
        ("2", "Kessler, supra note 1, at 40."),
        (
            "3",
            "One exception is B. Okafor, Salvage Law Revisited, 88 Yale L.J. 1 (1979).\n\nOkafor's account has not "
            "been answered.",
        ),
    ]
    assert [doc.source[m.start : m.end] for n in doc.footnotes for m in n.markers] == ["[FN1]", "[FN2]", "[FN3]"]
    assert doc.footnotes[1].refers_to == ("1",)
    for note in doc.footnotes:
        assert doc.source[note.start : note.end] == note.text


# A law review's notes on its title and its author, daggered and starred in print: "[FNd1]" and
# "[FNa1]" in the export, before the numbered notes.
LAW_REVIEW = """\
THE SALVAGE STATUTE RECONSIDERED[FNd1]

Jane Roe[FNa1]

Courts have read the salvage statute to reach only completed transfers.[FN1] The text does not bear it.[FN2]

[FNd1]. The author thanks the editors of the Review for their patience.

[FNa1]. Professor of Law, Example University School of Law.

[FN1]. Smith v. Jones, 123 F. Supp. 2d 456, 460 (D. Mass. 2001).

[FN2]. See S. Rep. No. 105-3, at 12 (1997).
"""


def test_a_law_reviews_notes_on_its_title_and_author() -> None:
    doc = parse(LAW_REVIEW, name="review.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("d1", "The author thanks the editors of the Review for their patience."),
        ("a1", "Professor of Law, Example University School of Law."),
        ("1", "Smith v. Jones, 123 F. Supp. 2d 456, 460 (D. Mass. 2001)."),
        ("2", "See S. Rep. No. 105-3, at 12 (1997)."),
    ]
    assert [doc.source[m.start : m.end] for n in doc.footnotes for m in n.markers] == [
        "[FNd1]",
        "[FNa1]",
        "[FN1]",
        "[FN2]",
    ]
    assert not doc.warnings


# A dissent after the majority's notes, its opening line a paragraph of its own: no part of the last
# note. A note's second paragraph that opens with capitals and names a concurrence still is.
DISSENT = """\
The agency's rule reaches agreements.FN1 Its reading is owed deference.FN2

FN1. 46 C.F.R. § 221.15 (2002).

FN2. See Chevron U.S.A. Inc. v. NRDC, 467 U.S. 837, 844 (1984).

ACLU v. Reno, 521 U.S. 844, 886 (1997) (O'Connor, J., concurring in part), is not to the contrary.

HOWARD, Circuit Judge, dissenting.

I would affirm. An agreement is not a transfer.FN3

FN3. See Black's Law Dictionary 1497 (7th ed. 1999).
"""


def test_a_dissent_after_the_notes_is_no_part_of_the_last_note() -> None:
    doc = parse(DISSENT, name="opinion.txt")
    assert [(n.label, n.text.split("\n")[0][:24], n.text.count("\n\n")) for n in doc.footnotes] == [
        ("1", "46 C.F.R. § 221.15 (2002", 0),
        ("2", "See Chevron U.S.A. Inc. ", 1),  # its second paragraph, "ACLU v. Reno ..."
        ("3", "See Black's Law Dictiona", 0),
    ]
    dissent = doc.source.index("HOWARD")
    assert [b.kind for b in doc.blocks if b.start == dissent] == ["paragraph"]


def test_a_marker_glued_to_a_capital_where_the_text_cites_westlaw_notes_otherwise_too() -> None:
    text = (
        "Liability under CERCLAFN1 is strict and joint.FN2 The part is listed as SFN9 in the catalogue.\n\n"
        "FN1. 42 U.S.C. § 9607(a).\n\n"
        "FN2. United States v. Monsanto Co., 858 F.2d 160, 171 (4th Cir. 1988).\n"
    )
    doc = parse(text, name="opinion.txt")
    assert [(n.label, [doc.source[m.start - 6 : m.end] for m in n.markers]) for n in doc.footnotes] == [
        ("1", ["CERCLAFN1"]),
        ("2", ["joint.FN2"]),
    ]
    assert not doc.warnings  # "SFN9", a code with no note, is nothing


@pytest.mark.parametrize(
    "text",
    [
        # "FN" alone, or letters after it, cites nothing, though a line opens "FN1." below.
        "The FNMA guarantee and the FN column are described below.\n\nFN1. A line of a table.\n",
        # A line opening "FN1" that the text never cites is no note.
        "Press the function key to start.\n\nFN1 Help\nFN2 Save\n",
        # "SFN1" is a code, not a marker.
        "The part is listed as SFN1 in the catalogue.\n\nFN1. A note no one cites.\n",
    ],
)
def test_no_westlaw_note_where_nothing_cites_one(text: str) -> None:
    doc = parse(text, name="plain.txt")
    assert not doc.footnotes
    assert not any(b.kind == "note" for b in doc.blocks)


# Notes marked with symbols, a line each, under a rule at the end of the text or of a chapter.
SYMBOLS = """\
Several pension funds sold their holdings in mine makers in 2005.* Others kept them for a decade.**

---
* Norway's fund was the first, in June 2005.
** See the annual reports of the Dutch ABP fund.
"""

CHAPTERS = """\
THE FUNDS AND THE MINES

CHAPTER ONE

The mines along the northern border were cleared in 1998 by the army.† Some fields were left for a \
decade or more, as the surveys show.‡

___________
† By the army's engineers.
‡ See the survey of 2008.

CHAPTER TWO

The pension funds of three countries sold their holdings in the makers of mines.*

Notes

* Norway's fund was the first.
"""


def test_symbol_notes_under_a_rule_at_the_end() -> None:
    doc = parse(SYMBOLS, name="funds.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("*", "Norway's fund was the first, in June 2005."),
        ("**", "See the annual reports of the Dutch ABP fund."),
    ]
    assert [doc.source[m.start - 5 : m.end] for n in doc.footnotes for m in n.markers] == ["2005.*", "cade.**"]
    for note in doc.footnotes:
        assert doc.source[note.start : note.end] == note.text
    assert [(b.kind, doc.source[b.start : b.end][:6]) for b in doc.blocks] == [
        ("paragraph", "Severa"),
        ("furniture", "---"),
        ("note", "* Norw"),
    ]
    assert not doc.warnings


def test_symbol_notes_at_each_chapter_s_end_under_a_rule_or_a_notes_heading() -> None:
    doc = parse(CHAPTERS, name="chapters.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("†", "By the army's engineers."),
        ("‡", "See the survey of 2008."),
        ("*", "Norway's fund was the first."),
    ]
    assert [doc.source[m.start - 5 : m.end] for n in doc.footnotes for m in n.markers] == [
        "army.†",
        "show.‡",
        "ines.*",
    ]
    rule = doc.source.index("___")
    assert next(b for b in doc.blocks if b.start == rule) == Block("furniture", rule, rule + 11)
    assert [doc.source[b.start : b.start + 2] for b in doc.blocks if b.kind == "note"] == ["† ", "* "]
    assert [s.path for s in doc.sections] == [("CHAPTER ONE",), ("CHAPTER TWO",)]
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=80, overlap=0))
    assert all("engineers" not in piece.text for piece in chunks)
    carried = sorted({(n.label, n.start) for piece in chunks for n in piece.footnotes}, key=lambda pair: pair[1])
    assert carried == [(n.label, n.start) for n in doc.footnotes]


@pytest.mark.parametrize(
    "text",
    [
        # Markdown bullets under a rule, cited by nothing.
        "The plan has three parts.\n\n---\n* Clear the roads.\n* Rebuild the wells.\n",
        # "*essential*" is emphasis: its closing asterisk cites nothing.
        "Each part is *essential* to the rest.\n\n---\n* Clear the roads.\n* Rebuild the wells.\n",
        # The list under the rule does not end the text.
        "Roads were cleared first.*\n\n---\n* Clear the roads.\n\nMore text follows here, as it does.\n",
        # A heading's underline is no rule, and bullets share one symbol.
        "Fixes\n-----\n\n * The *.idx files are read.*\n\n * The index is written once.\n",
    ],
)
def test_bullets_under_a_rule_stay_a_list(text: str) -> None:
    doc = parse(text, name="list.txt")
    assert not doc.footnotes
    assert not any(b.kind == "note" for b in doc.blocks)
    assert any(b.kind == "list_item" for b in doc.blocks)
