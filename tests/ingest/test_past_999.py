"""Reports with more than 999 notes: labels of four digits, read only where the notes count that far.

A four-digit number is most often a year, so each reader takes one as a note's label only past
note 999 (or, in a PDF, only as the label after the last): a year opening a line, bracketed in
the text or linked to a bibliography is never a note.
"""

from __future__ import annotations

import pytest

from footnoted.ingest import parse
from footnoted.ingest.layout import beyond_999
from footnoted.ingest.pdf_notes import CLOSE, OPEN, Line, rebuild
from footnoted.types import Document

_NOTES = 1005


def _source(i: int) -> str:
    return f"Ibid., p. {i % 40 + 1}." if i % 9 == 0 else f"Register of site {i}, sheet {i % 17 + 1}."


_CREWS = ("survey", "repair", "night", "relief", "river", "district", "second")


def _claim(i: int) -> str:
    return f"At site {i} the {_CREWS[i % 7]} crew counted {i % 23 + 1} breaches in the canal wall"


def _check_all_linked(doc: Document) -> None:
    assert [n.label for n in doc.footnotes] == [str(i) for i in range(1, _NOTES + 1)]
    for note in doc.footnotes[-8:]:
        assert len(note.markers) == 1, note.label
        marker = note.markers[0]
        assert doc.source[marker.start : marker.end].strip("[]") == note.label
        assert _claim(int(note.label)) in doc.source[max(0, marker.start - 80) : marker.start]
        assert note.text.startswith(_source(int(note.label)).rstrip("."))


def test_plain_text_with_bracketed_notes_past_999() -> None:
    body = "".join(f"{_claim(i)}.[{i}]\n\n" for i in range(1, _NOTES + 1))
    notes = "".join(f"[{i}] {_source(i)}\n" for i in range(1, _NOTES + 1))
    year = "The canal was first lined in the flood year [2004], as the plaque says.\n\n"
    doc = parse(f"Canal Survey\n\n{year}{body}Notes\n\n{notes}", name="survey.txt")
    _check_all_linked(doc)
    assert not doc.warnings  # the bracketed year is no marker, and no note goes missing


def test_numbered_notes_past_999_keep_a_line_that_opens_with_a_year() -> None:
    body = "".join(f"{_claim(i)}.{i}\n\n" for i in range(1, _NOTES + 1))
    notes = "".join(
        f"{i}. {_source(i)}\n" if i != 1001 else f"{i}. Authority report,\n2004 edition.\n"
        for i in range(1, _NOTES + 1)
    )
    doc = parse(f"Canal Survey\n\n{body}Notes\n\n{notes}", name="survey.txt")
    assert [n.label for n in doc.footnotes] == [str(i) for i in range(1, _NOTES + 1)]
    assert doc.footnotes[1000].text == "Authority report,\n2004 edition."


def test_a_short_report_keeps_a_note_line_that_opens_with_a_year() -> None:
    body = "".join(f"{_claim(i)}.{i}\n\n" for i in range(1, 13))
    notes = "".join(f"{i}. {_source(i)}\n" for i in range(1, 13)).replace(
        "7. Register of site 7, sheet 8.", "7. Basin authority, Annual Report for\n2004 Annual Report of the authority."
    )
    doc = parse(f"Canal Survey\n\n{body}Notes\n\n{notes}", name="survey.txt")
    assert [n.label for n in doc.footnotes] == [str(i) for i in range(1, 13)]
    assert doc.footnotes[6].text == "Basin authority, Annual Report for\n2004 Annual Report of the authority."


def test_html_notes_linked_past_999_and_years_linked_to_a_bibliography() -> None:
    body = "".join(f'<p>{_claim(i)}.<sup><a href="#fn{i}" id="ref{i}">{i}</a></sup></p>' for i in range(1, _NOTES + 1))
    listed = "".join(f'<li id="fn{i}">{_source(i)} <a href="#ref{i}">↩</a></li>' for i in range(1, _NOTES + 1))
    page = f"<html><body><h1>Canal Survey</h1>{body}<h2>Notes</h2><ol>{listed}</ol></body></html>"
    _check_all_linked(parse(page, name="survey.html"))

    cited = (
        '<p>The lining held through two floods (Okafor <a href="#okafor2004">2004</a>; '
        'Lindqvist <a href="#lindqvist2011">2011</a>).</p>'
    )
    works = (
        '<h2>Works cited</h2><ul><li id="okafor2004">Okafor, A. Canal linings. 2004.</li>'
        '<li id="lindqvist2011">Lindqvist, B. Floods and walls. 2011.</li></ul>'
    )
    years = parse(f"<html><body><h1>Linings</h1>{cited}{works}</body></html>", name="linings.html")
    assert years.footnotes == ()


def _page(body: list[str], notes: list[tuple[int, str]]) -> list[Line]:
    lines = [Line("Canal Survey\n", 14.0)]
    lines += [Line(text + "\n", 10.0) for text in body]
    lines += [Line(f"{label} {text}\n", 8.0) for label, text in notes]
    return lines


def test_pdf_foot_notes_past_999_take_the_next_label_only() -> None:
    pages = []
    for first in range(1, _NOTES + 1, 5):
        labels = range(first, min(first + 5, _NOTES + 1))
        body = [f"{_claim(i)}.{OPEN}{i}{CLOSE}" for i in labels]
        notes = [(i, _source(i)) for i in labels]
        if first == 1001:
            notes.insert(1, (2004, "Annual Report of the authority, continued."))  # a year: no note
        pages.append(_page(body, notes))
    text = rebuild(pages)
    assert text is not None
    assert "[1000] Register of site 1000" in text and f"[{_NOTES}] " in text
    assert "[2004]" not in text
    assert "[1001] Register of site 1001, sheet 16. 2004 Annual Report" in text  # one note


def test_page_foot_notes_of_extracted_pdf_text_past_999() -> None:
    pages = []
    count = (_NOTES + 4) // 5
    for k, first in enumerate(range(1, _NOTES + 1, 5), start=1):
        labels = range(first, min(first + 5, _NOTES + 1))
        body = "".join(f"{_claim(i)}.{i}\n" for i in labels)
        notes = [f"{i} {_source(i)}\n" for i in labels]
        if first == 1001:
            notes.insert(1, "2004 Annual Report of the authority, continued.\n")  # a year: no note
        pages.append(f"Canal Survey | Field Report\n\n{body}\n{''.join(notes)}\nPage {k} of {count}\n")
    doc = parse("\f".join(pages), name="survey.txt")
    _check_all_linked(doc)
    assert (
        doc.footnotes[1000].text == "Register of site 1001, sheet 16.\n2004 Annual Report of the authority, continued."
    )


@pytest.mark.parametrize(
    ("labels", "past"),
    [
        ([str(i) for i in range(1, 1004)], {"1000", "1001", "1002", "1003"}),
        (["1", "2", "2004", "2011"], set()),  # years, with no count of notes to reach them
        ([*map(str, range(990, 1000)), "1000", "1010", "1030"], {"1000", "1010"}),  # gaps up to 12
        (["999", "0999", "1000"], {"1000"}),
    ],
)
def test_four_digit_labels_only_carry_on_a_count_past_999(labels: list[str], past: set[str]) -> None:
    assert beyond_999(labels) == past
