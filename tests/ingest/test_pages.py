"""Text extracted from a PDF: running heads, page numbers and the notes at each page's foot.

``tests/data/pdf_text/report.pdf`` was drawn with reportlab 5.1: three pages under a running head,
"Page N of 3" at the foot, 7-point superscript markers, 9-point notes under a rule at the foot of
pages 1 and 2 (note 1 runs over two lines, note 5 is "Ibid., p. 6."), and on page 3 a numbered
list with no notes. The .txt files are what pdftotext 22.12 (plain and ``-layout``) and
pdfminer.six 20260107 extract from it, form feeds and all.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.ingest.pages import read_pages
from tests.conftest import DATA

EXTRACTS = ["report-pdftotext.txt", "report-pdftotext-layout.txt", "report-pdfminer.txt"]
CITING = {
    "1": "since the Gulf War in 1991.",
    "2": "on new systems\nsince 2004.",
    "3": "lawful under the treaty.",
    "4": "mines to South Korea.",
    "5": "at some point in the future.",
}


@pytest.mark.parametrize("name", EXTRACTS)
def test_notes_at_the_foot_of_pages_are_found_and_linked(name: str) -> None:
    doc = load(DATA / "pdf_text" / name)
    assert doc.title == "Back in Stock? Landmine Production Resumes"
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4", "5"]
    first = doc.footnotes[0]
    assert first.text.startswith("The United States used landmines in 1991 in Kuwait and Iraq")
    assert " ".join(first.text.split()).endswith(
        "mostly from airplanes. It did not use them in Kosovo in 1999 or in Afghanistan after October 2001."
    )
    assert doc.footnotes[1].text.endswith("pp. 1,141-1,142.")
    assert doc.footnotes[4].text == "Ibid., p. 6." and doc.footnotes[4].same_as == "4"
    for note in doc.footnotes:
        assert note.text == doc.source[note.start : note.end]
        [marker] = note.markers
        assert doc.source[marker.start : marker.end] == note.label
        before = " ".join(doc.source[: marker.start].split())
        assert before.endswith(" ".join(CITING[note.label].split())), note.label
    assert not doc.warnings


@pytest.mark.parametrize("name", EXTRACTS)
def test_passages_carry_the_notes_and_leave_out_the_page_furniture(name: str) -> None:
    doc = load(DATA / "pdf_text" / name)
    chunks = chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=60, overlap=8))
    for c in chunks:
        assert "Page 1 of 3" not in c.text and "| Back in Stock?" not in c.text
        assert not any(n.start <= c.start < n.end for n in doc.footnotes), "a note body became a passage"
    attached = {n.label: c for c in chunks for n in c.footnotes}
    assert sorted(attached) == ["1", "2", "3", "4", "5"]
    for note in doc.footnotes:
        assert attached[note.label].start <= note.markers[0].start < attached[note.label].end
    # Page 3's numbered recommendations are text, not notes.
    assert any("Do not produce the Spider system" in c.text for c in chunks)


def _paged(*pages: str) -> str:
    return "\f".join(pages) + "\f"


def test_a_numbered_list_at_a_page_foot_is_not_notes() -> None:
    head = "Field Report | Clearance\n\n"
    text = _paged(
        head
        + "Teams cleared 40 fields in 2004 and trained 12 new deminers.\n\n1 Survey the roads.\n2 Mark the fields.\n\nPage 1",
        head
        + "Clearance resumed in the spring after the rains ended in April.\n\n1 Train the teams.\n2 Pay the teams.\n\nPage 2",
    )
    assert read_pages(text).notes == []
    doc = parse(text, name="field.txt")
    assert doc.footnotes == ()
    assert "Survey the roads" in doc.source


def test_labels_run_on_across_pages_and_may_start_again() -> None:
    head = "Annual Report\n\n"
    text = _paged(
        head + "The fund grew in 2003.1 Costs fell.2\n\n1 Audit, 2003.\n2 Ledger, p. 4.\n\n1",
        head + "Staff rose to 30 people.3\n\n3 Payroll records.\n\n2",
        head + "Chapter two begins here with a new claim.1\n\n1 Second chapter's first note.\n\n3",
    )
    found = read_pages(text)
    assert [n.label for n in found.notes] == ["1", "2", "3", "1"]
    assert [text[n.start : n.end] for n in found.notes] == [
        "Audit, 2003.",
        "Ledger, p. 4.",
        "Payroll records.",
        "Second chapter's first note.",
    ]
    doc = parse(text, name="annual.txt")
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("1", 1), ("2", 1), ("3", 1), ("1", 1)]
    assert doc.source[doc.footnotes[3].markers[0].start - 10 : doc.footnotes[3].markers[0].end] == "new claim.1"
    # The running head and the page numbers are furniture.
    assert {text[f.start : f.end] for f in found.furniture} == {"Annual Report", "1", "2", "3"}


def test_text_without_form_feeds_is_read_as_before() -> None:
    text = "Annual Report\n\nThe fund grew in 2003.1 Costs fell.\n\n1 Audit, 2003.\n"
    assert read_pages(text).notes == []
    assert parse(text, name="plain.txt").footnotes == ()


def test_section_numbers_and_decimals_cite_no_page_foot_note() -> None:
    # A licence appendix: "A.1", "version 1.1" and "10.4" are not markers, so the numbered clause
    # at the page's foot is text.
    head = "Manual\n\n"
    text = _paged(
        head + "Appendix A Copying\nA.1 Free Documentation License\nVersion 1.1 of the licence covers 10.4 percent.\n"
        "1. DEFINITIONS\nThis License applies to any manual.\n\n1",
        head + "The second page has more text about copying.\n\n2",
    )
    assert read_pages(text).notes == []


def test_superscript_markers_cite_page_foot_notes() -> None:
    head = "Field Report\n\n"
    text = _paged(
        head + "Teams cleared 40 fields in 2004.¹ They trained 12 deminers.²\n\n1 Field logs.\n2 Payroll.\n\n1",
        head + "More work followed.\n\n2",
    )
    assert [(n.label, text[n.start : n.end]) for n in read_pages(text).notes] == [
        ("1", "Field logs."),
        ("2", "Payroll."),
    ]
    doc = parse(text, name="field.txt")
    assert [(n.label, [doc.source[m.start : m.end] for m in n.markers]) for n in doc.footnotes] == [
        ("1", ["¹"]),
        ("2", ["²"]),
    ]


def test_an_ibid_note_at_the_foot_of_every_page_stays_a_note() -> None:
    # "N Ibid., p. 6." closes each page: the same line but for its digits, and not a running foot,
    # because its number does not climb with the page.
    subjects = ["wages", "rents", "fuel", "food", "travel"]
    pages = []
    for n, subject in enumerate(subjects, start=1):
        a, b = 2 * n - 1, 2 * n
        pages.append(
            f"Annual Report\n\nSpending on {subject} rose this year.{a} The ledger for {subject} agrees.{b}\n\n"
            f"{a} Ledger {n}, p. {n}.\n{b} Ibid., p. 6.\n\n{n}"
        )
    found = read_pages(_paged(*pages))
    assert [n.label for n in found.notes] == [str(i) for i in range(1, 11)]
    doc = parse(_paged(*pages), name="ledger.txt")
    assert [n.text for n in doc.footnotes][1::2] == ["Ibid., p. 6."] * 5
    assert all(len(n.markers) == 1 for n in doc.footnotes)


def test_a_folio_that_opens_with_the_page_number_is_furniture() -> None:
    # "12 Human Rights Watch" / "13 Human Rights Watch": a running foot whose number climbs with
    # the page, below the page's notes; it must not end up in the last note's text.
    subjects = ["wages", "rents", "fuel", "food"]
    pages = [
        f"Back in Business\n\nSpending on {subject} rose this year.{n}\n\n{n} Source for page {n}.\n\n{11 + n} Human Rights Watch"
        for n, subject in enumerate(subjects, start=1)
    ]
    text = _paged(*pages)
    found = read_pages(text)
    assert [text[n.start : n.end] for n in found.notes] == [f"Source for page {n}." for n in range(1, 5)]
    assert sum("Human Rights Watch" in text[f.start : f.end] for f in found.furniture) == 4


@pytest.mark.parametrize(
    ("heads", "running"),
    [
        (["Fields of Stone, 2005"] * 4, True),  # the same figures on every page
        ([f"Fields of Stone, page {n} of 4" for n in range(1, 5)], True),  # one climbs with the page
        (["Part 1: Returnees", "Part 1: Returnees", "Part 2: Returnees", "Part 2: Returnees"], True),  # steps up
        # A note's line that wraps alike at the top of several pages, but for a figure that comes and goes.
        ([f"reasons given for delays in {n} districts." for n in (8, 3, 9, 6)], False),
    ],
)
def test_a_line_repeated_at_the_head_of_pages_is_running_when_its_figures_vary_as_a_heads_do(
    heads: list[str], running: bool
) -> None:
    pages = [
        f"{head}\n\nSpending on {subject} rose this year.\n\n{n}"
        for n, (head, subject) in enumerate(zip(heads, ["wages", "rents", "fuel", "food"], strict=True), start=1)
    ]
    text = _paged(*pages)
    furniture = {text[f.start : f.end] for f in read_pages(text).furniture}
    assert all((head in furniture) is running for head in heads)


@pytest.mark.parametrize("foot", ["Page {n}", "Audit 2023, page {n} of 4"])
def test_a_page_number_right_under_the_last_note_is_not_part_of_it(foot: str) -> None:
    # No blank line between the page's notes and its folio: the folio is still the page's furniture.
    subjects = ["wages", "rents", "fuel", "food"]
    pages = [
        f"Annual Report\n\nSpending on {subject} rose this year.{n}\n\n{n} Ledger for {subject}, p. 4.\n"
        + foot.format(n=n)
        for n, subject in enumerate(subjects, start=1)
    ]
    doc = parse(_paged(*pages), name="ledger.txt")
    assert [n.text for n in doc.footnotes] == [f"Ledger for {s}, p. 4." for s in subjects]


def test_a_note_opening_with_a_capital_of_another_script_is_a_note() -> None:
    pages = [
        "Annual Report\n\nThe engineer was interviewed.1 So was the clerk.2 The board met.3\n\n"
        "1Interview, 4 May 2023.\n2Интервью, 12 мая 2023 года.\n3Ibid.\n\n1",
        "Annual Report\n\nMore text follows here.4\n\n4Ledger, p. 6.\n\n2",
    ]
    doc = parse(_paged(*pages), name="interviews.txt")
    assert [(n.label, n.text) for n in doc.footnotes] == [
        ("1", "Interview, 4 May 2023."),
        ("2", "Интервью, 12 мая 2023 года."),
        ("3", "Ibid."),
        ("4", "Ledger, p. 6."),
    ]


def test_a_note_whose_last_line_names_a_page_keeps_it() -> None:
    subjects = ["wages", "rents", "fuel", "food"]
    pages = [
        f"Annual Report\n\nSpending on {subject} rose this year.{n}\n\n{n} Interview with the engineer, Kabul,\n"
        f"page {n + 3}\n\n{n}"
        for n, subject in enumerate(subjects, start=1)
    ]
    doc = parse(_paged(*pages), name="ledger.txt")
    assert [n.text for n in doc.footnotes] == [
        f"Interview with the engineer, Kabul,\npage {n + 3}" for n in range(1, 5)
    ]
