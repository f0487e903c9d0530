"""Footnote finding and linking, on the briefing and on one fixture per convention."""

from __future__ import annotations

import re

import pytest

from footnoted.ingest import ChunkSettings, WordTokenizer, chunk, load, parse
from footnoted.ingest.sources import link_references, link_repeats
from footnoted.types import Document, Footnote
from tests.conftest import DATA


def _links(doc: Document) -> list[tuple[str, list[str], str]]:
    """(label, the 20 characters ending at each marker, the start of the note text)."""
    return [
        (n.label, [doc.source[max(0, m.start - 20) : m.end] for m in n.markers], n.text[:24]) for n in doc.footnotes
    ]


def test_briefing_has_exactly_eight_linked_notes(briefing: Document) -> None:
    assert [n.label for n in briefing.footnotes] == [str(i) for i in range(1, 9)]
    for note in briefing.footnotes:
        assert len(note.markers) == 1, note.label
        marker = note.markers[0]
        assert briefing.source[marker.start : marker.end] == note.label
        assert note.text == briefing.source[note.start : note.end]
    assert not briefing.warnings


@pytest.mark.parametrize(
    ("label", "context"),
    [
        ("1", "since the Gulf War in 1991.1"),
        ("2", "antipersonnel mines.2"),
        ("3", "after China and Russia.3"),
        ("4", "has been ongoing.4"),
        ("5", "use of antipersonnel mines.5"),
        ("6", "and use of the weapon.6"),
        ("7", "joint military operations. 7"),
        ("8", "the new antipersonnel mines.8"),
    ],
)
def test_briefing_marker_sits_where_the_text_cites_it(briefing: Document, label: str, context: str) -> None:
    note = next(n for n in briefing.footnotes if n.label == label)
    marker = note.markers[0]
    assert briefing.source[marker.end - len(context) : marker.end] == context


@pytest.mark.parametrize(
    "number",
    [
        "$1.3 billion",
        "10.4 million",
        "7.5 million",
        "July 1, 2005",
        "pp. 1,141-1,142",
        "p. 6.",
        "145 countries",
        "2008",
    ],
)
def test_numbers_that_are_not_markers(briefing: Document, number: str) -> None:
    markers = [m for n in briefing.footnotes for m in n.markers]
    for found in re.finditer(re.escape(number), briefing.source):
        assert not any(found.start() <= m.start < found.end() for m in markers), number


def test_note_bodies_start_after_their_label(briefing: Document) -> None:
    first = briefing.footnotes[0]
    assert first.text.startswith("The United States used landmines in 1991 in Kuwait and Iraq")
    assert briefing.source[first.start - 4 : first.start] == "[1] "
    assert briefing.footnotes[-1].text == "Ibid."


def test_bracketed_numbering_restarts_per_chapter() -> None:
    doc = load(DATA / "chapters.txt")
    assert _links(doc) == [
        ("1", [" kilometres in 2003.[1]", "irmed the area safe.[1]"], "Provincial Mine Action C"),
        ("2", [" and took 14 months.[2]"], "Interview with a team le"),
        ("1", ["ore clearance began.[1]"], "District health records,"),
        ("2", ["ts fell to 2 a year.[2]"], "Ibid., pp. 4-5."),
        ("3", ["ened in 12 villages.[3]"], "Ministry of Education, c"),
    ]


def test_markdown_footnotes() -> None:
    doc = load(DATA / "notes.md")
    assert _links(doc) == [
        ("1", [" into force in 1999.[^1]", "million units a year[^1]"], "Treaty text, Article 17."),
        ("note-b", ["tates had joined it.[^note-b]"], "Landmine Monitor Report "),
        ("3", ["t item with a claim.[^3]"], "A note on the first item"),
    ]
    note_b = doc.footnotes[1]
    assert note_b.text.endswith("A second paragraph of the same note, indented.")


def test_html_linked_endnotes() -> None:
    doc = load(DATA / "endnotes.html")
    assert _links(doc) == [
        ("1", [" 10.4 million mines.1", "et was $1.3 billion.1"], "Landmine Monitor Report "),
        ("2", ["xports fell in 2004.2"], "Customs data, 2005."),
        ("3", ["pider is a new mine.3"], "Army briefing, May 2005."),
    ]
    # Back-links are not part of the note text.
    assert all("↩" not in n.text for n in doc.footnotes)


def test_html_word_export_anchors() -> None:
    doc = load(DATA / "word_export.html")
    assert _links(doc) == [
        ("1", ["ed mines since 1991.[1]"], "Mines were used in Kuwai"),
        ("2", ["ped exports in 1992.[2]"], "Export moratorium, 1992."),
    ]


def test_html_superscripts_with_numbered_endnotes() -> None:
    doc = load(DATA / "sup_ol.html")
    assert _links(doc) == [
        ("1", ["rance began in 1998.1"], "Mine action centre recor"),
        ("2", ["7.5 million dollars.2"], "Donor reports, 1999."),
    ]


def test_unicode_superscripts_with_a_notes_heading() -> None:
    doc = load(DATA / "superscript.txt")
    assert _links(doc) == [
        ("1", ["d 2.8 million mines.¹"], "Landmine Monitor Report "),
        ("2", [" were mixed systems.²"], "Ibid., p. 6."),
    ]


def test_note_without_marker_and_marker_without_note_are_reported() -> None:
    text = "Title\n\nA claim with a marker.[1] Another claim.[3]\n\n[1] First note.\n\n[2] Orphan note.\n"
    doc = parse(text, name="orphans.txt")
    assert [n.label for n in doc.footnotes] == ["1", "2"]
    assert doc.footnotes[1].markers == ()
    assert any("note '2'" in w and "no marker" in w for w in doc.warnings)
    assert any("'3'" in w and "has no note" in w for w in doc.warnings)


ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xix", "xl"]


def test_roman_endnote_labels_as_word_exports_them() -> None:
    # Word numbers endnotes i, ii, iii by default; its plain-text export keeps them in brackets.
    claims = " ".join(f"Claim {n} rests on a source.[{r}]" for n, r in enumerate(ROMAN, start=1))
    notes = "\n\n".join(f"[{r}] Source {n}, p. {n + 10}." for n, r in enumerate(ROMAN, start=1))
    doc = parse(f"Report\n\n{claims}\n\n{notes}\n", name="word.txt")
    assert [n.label for n in doc.footnotes] == ROMAN
    for n, note in enumerate(doc.footnotes, start=1):
        assert note.text == f"Source {n}, p. {n + 10}."
        assert [doc.source[m.start - 9 : m.end] for m in note.markers] == [f"a source.[{note.label}]"]
    assert not doc.warnings


def test_bracketed_words_made_of_roman_letters_are_not_labels() -> None:
    # "ill", "civil" and "mix" are spelt with roman-numeral letters but are not numerals.
    text = "Report\n\nHe was [ill] at the time.[i] The [civil] war.[ii] A [mix] of both.\n\n[i] One.\n\n[ii] Two.\n"
    doc = parse(text, name="words.txt")
    assert [(n.label, len(n.markers)) for n in doc.footnotes] == [("i", 1), ("ii", 1)]
    assert not doc.warnings


def test_roman_endnotes_glued_to_sentences_in_plain_text() -> None:
    # A printed Word report: endnotes i, ii, iii at the end with no heading, markers flattened.
    text = (
        "Report\n\nThe stockpile holds 10.4 million mines.i It cost $1.3 billion, e.g.i the whole budget.\n\n"
        "Exports continued until 2004.ii Most went to allies.iii\n\n"
        "i Defense report, p. 6.\n\nii Ibid.\n\niii Customs data, 2005.\n"
    )
    doc = parse(text, name="printed.txt")
    assert [n.label for n in doc.footnotes] == ["i", "ii", "iii"]
    assert [len(n.markers) for n in doc.footnotes] == [1, 1, 1]  # "e.g.i" is an abbreviation's
    ends = [doc.source[: n.markers[0].end] for n in doc.footnotes]
    assert [e.endswith(c) for e, c in zip(ends, [" mines.i", " 2004.ii", " allies.iii"], strict=True)] == [True] * 3
    assert not doc.warnings


def test_a_closing_list_numbered_in_roman_that_nothing_cites_stays_a_list() -> None:
    text = "Report\n\nWe recommend three things.\n\ni Fund clearance.\n\nii Train deminers.\n\niii Publish data.\n"
    doc = parse(text, name="list.txt")
    assert doc.footnotes == ()
    assert "Fund clearance." in [doc.source[b.start : b.end][2:] for b in doc.blocks]


def test_digits_out_of_sequence_are_not_markers() -> None:
    text = (
        "Report\n\nThe fund spent 2.4 million in 2003.1 It grew to 3 Teams by 2004.2 "
        "Nothing here is note 7.5 of anything. The end came in 2005.3\n\n[1] One.\n\n[2] Two.\n\n[3] Three.\n"
    )
    doc = parse(text, name="sequence.txt")
    contexts = [[doc.source[m.start - 5 : m.end] for m in n.markers] for n in doc.footnotes]
    assert contexts == [["2003.1"], ["2004.2"], ["2005.3"]]


def test_briefing_ibid_names_the_note_before(briefing: Document) -> None:
    assert [(n.label, n.same_as) for n in briefing.footnotes if n.same_as] == [("8", "7")]


def _notes(*texts: str) -> list[Footnote]:
    return [Footnote(str(i), t, 10 * i, 10 * i + len(t)) for i, t in enumerate(texts, start=1)]


@pytest.mark.parametrize(
    ("texts", "links"),
    [
        (("Smith, Report (2004), p. 3.", "Ibid.", "Ibid., p. 6.", "IBID", "ibidem, at 4"), [None, "1", "1", "1", "1"]),
        (("A. Jones, Treaty Law.", "Id.", "Id. at 12.", "Idem."), [None, "1", "1", "1"]),
        # After a signal, as legal notes write it.
        (("A. Jones, Treaty Law.", "See id. at 12.", "See also ibid.", "Cf. Id., p. 4."), [None, "1", "1", "1"]),
        (("A. Jones, Treaty Law.", "See Idaho Code 5-1.", "See identical rules."), [None, None, None]),
        (("Ibid.", "Source B.", "Ibid."), [None, None, "2"]),  # nothing before the first
        (("Source A.", "Idaho Code 5-1.", "ID cards were issued.", "Ibidemia is not a repeat."), [None] * 4),
    ],
)
def test_repeats_link_to_the_note_that_gives_the_source(texts: tuple[str, ...], links: list[str | None]) -> None:
    assert [n.same_as for n in link_repeats(_notes(*texts))] == links


def test_repeats_are_found_in_each_convention() -> None:
    doc = parse(
        "Report\n\nA claim.[1] Another.[2] A third.[3]\n\n[1] Smith, p. 1.\n\n[2] Ibid.\n\n[3] Ibid., p. 9.\n",
        name="r.txt",
    )
    assert [(n.label, n.same_as) for n in doc.footnotes] == [("1", None), ("2", "1"), ("3", "1")]
    md = parse("# Report\n\nA claim.[^a] Again.[^b]\n\n[^a]: Smith, p. 1.\n[^b]: Ibid.\n", name="r.md")
    assert [(n.label, n.same_as) for n in md.footnotes] == [("a", None), ("b", "a")]


@pytest.mark.parametrize(
    ("texts", "links"),
    [
        # Bluebook: "supra note", lists and ranges after a plural, "note N above", "n. N supra".
        (("Kessler, Aquifer.", "Hardin v. Dist.", "Kessler, supra note 1, at 251."), [(), (), ("1",)]),
        (("A.", "B.", "C.", "See supra notes 1 and 3; cf. supra notes 1-2."), [(), (), (), ("1", "3", "2")]),
        (
            ("A.", "B.", "See note 1 above; n. 2 supra.", "Supra note 3, at 4; see also footnote 2."),
            [(), (), ("1", "2"), ("3", "2")],
        ),
        # OSCOLA's "(n N)", AGLC's "above n N, page": after a singular a comma starts the page.
        (
            ("Kessler, Aquifer.", "B.", "Kessler (n 1) 45; Doe (nn 1, 2) 7.", "Kessler, above n 1, 45."),
            [(), (), ("1", "2"), ("1",)],
        ),
        # Forward: "infra" and "below" name a later note, "see note N" either.
        (("See infra note 3.", "See note 3.", "The source."), [("3",), ("3",), ()]),
        # Not references: another document's note, a note to accounts, a statistic, a note itself,
        # a note that is not there, "supra" with no note before it.
        (
            (
                "Smith v. Jones, 123 U.S. 456, 460 n.12 (1990).",
                "See Note 1 to the accounts; (n = 2).",
                "See supra note 3.",
                "Doe, supra note 9.",
                "Roe, supra note 6.",
                "A.",
            ),
            [(), (), (), (), (), ()],
        ),
    ],
)
def test_references_to_other_notes_by_number_are_linked(texts: tuple[str, ...], links: list[tuple[str, ...]]) -> None:
    assert [n.refers_to for n in link_references(_notes(*texts))] == links


@pytest.mark.parametrize(
    ("texts", "links"),
    [
        # "supra" or "op. cit." with no number: the last note before naming that author in full.
        (
            (
                "Jane Kessler, Aquifer (1994).",
                "Ortiz, Markets (1990).",
                "Kessler, supra, at 251.",
                "See Ortiz, op. cit.",
            ),
            [(), (), ("1",), ("2",)],
        ),
        (
            ("Ortiz, Markets.", "Kessler, Aquifer.", "Cf. Kessler et al., loc. cit.; Ortiz, supra, at 4."),
            [(), (), ("2", "1")],
        ),
        (("Human Rights Watch, Back in Business? (2005).", "Human Rights Watch, op. cit., p. 3."), [(), ("1",)]),
        # The last work by that author: a later full citation takes over.
        (("Kessler, Aquifer (1994).", "Kessler, Wells (1999).", "Kessler, supra, at 9."), [(), (), ("2",)]),
        # A note naming the author in passing, with no work of hers, is not the source either.
        (
            ("Jane Kessler, Aquifer (1994), 12.", "As Kessler argues, caps bind; see Brandt.", "Kessler, supra, at 9."),
            [(), (), ("1",)],
        ),
        (("Kessler wrote on wells.", "Kessler, supra, at 9."), [(), ("1",)]),  # none gives a year: the last
        # A note naming the author only in a short form is not the source: the one before it is.
        (
            ("J. Kessler, Aquifer (1994).", "Kessler, supra note 1, at 3.", "Kessler, supra, at 9."),
            [(), ("1",), ("1",)],
        ),
        # No author named before, prose, an "Id." between.
        (
            ("Kessler, supra, at 4.", "As discussed supra, the rule held.", "Smith, Title.", "Id.", "Jones, op. cit."),
            [()] * 5,
        ),
    ],
)
def test_short_forms_by_author_point_to_the_last_note_naming_the_author(
    texts: tuple[str, ...], links: list[tuple[str, ...]]
) -> None:
    assert [n.refers_to for n in link_references(_notes(*texts))] == links


@pytest.mark.parametrize(
    ("texts", "links"),
    [
        # Chicago: author, short title, page; a note before names both.
        (
            (
                "Jane Kessler, The Vanishing Aquifer: Depletion of the Ogallala Formation (1994), 233.",
                "Kessler, Vanishing Aquifer, 45.",
            ),
            [(), ("1",)],
        ),
        (
            (
                "J. Kessler, “Wells and Their Keepers,” Water History 4 (1999): 12.",
                "Ortiz, Markets (1990).",
                "See Kessler, “Wells and Their Keepers,” 14-16.",
            ),
            [(), (), ("1",)],
        ),
        (
            (
                "Jane Kessler, Aquifer (1994).",
                "O. Ortiz, Markets (1990).",
                "Kessler, Aquifer, 4; Ortiz, Markets, p. 9.",
            ),
            [(), (), ("1", "2")],
        ),
        # The Bluebook's short form of a case: name, volume and reporter, "at" the page.
        (
            (
                "Hardin v. Platte Valley Irrigation Dist., 12 P.3d 45, 48 (Colo. 2000).",
                "Kessler, Aquifer.",
                "See Hardin, 12 P.3d at 50.",
            ),
            [(), (), ("1",)],
        ),
        (("Hardin v. Platte Valley Irrigation Dist., 12 P.3d 45 (Colo. 2000).", "Hardin, 14 P.3d at 50."), [(), ()]),
        # The title must be the one named before; a year is not a page; an author never named before.
        (("Jane Kessler, The Vanishing Aquifer (1994).", "Kessler, Wells, 45."), [(), ()]),
        (("World Bank, Development Report, 2003.", "World Bank, Development Report, 2004."), [(), ()]),
        (("Ortiz, Markets, 9.", "Kessler, Aquifer, 4."), [(), ()]),
    ],
)
def test_chicago_short_forms_point_to_the_note_naming_author_and_title(
    texts: tuple[str, ...], links: list[tuple[str, ...]]
) -> None:
    assert [n.refers_to for n in link_references(_notes(*texts))] == links


def test_a_short_form_by_author_across_a_restarted_numbering_is_left_out() -> None:
    # Chapter two's note 1 comes between: "the last note labelled 1" would be the wrong one.
    notes = [
        Footnote("1", "Kessler, Aquifer (1994).", 10, 34),
        Footnote("1", "Ortiz, Markets (1990).", 40, 62),
        Footnote("2", "Kessler, supra, at 9; Ortiz, supra, at 3.", 70, 111),
    ]
    assert [n.refers_to for n in link_references(notes)] == [(), (), ("1",)]  # Ortiz's, not Kessler's


def test_references_are_found_in_each_convention() -> None:
    doc = parse(
        "Article\n\nA claim.[1] Another.[2] A third.[3]\n\n[1] Kessler, Aquifer (1994).\n\n[2] Ibid., at 7.\n\n"
        "[3] Kessler, supra note 1, at 9.\n",
        name="a.txt",
    )
    assert [(n.label, n.same_as, n.refers_to) for n in doc.footnotes] == [
        ("1", None, ()),
        ("2", "1", ()),
        ("3", None, ("1",)),
    ]
    md = parse("# Article\n\nA claim.[^1] Again.[^2]\n\n[^1]: Kessler, Aquifer.\n[^2]: Kessler (n 1) 9.\n", name="a.md")
    assert [n.refers_to for n in md.footnotes] == [(), ("1",)]


def test_a_reference_past_a_restarted_numbering_is_left_out() -> None:
    # Chapter two numbers its notes from 1 again. Its "note 2 below" means its own note 2, which the
    # look-up (the last so labelled before, else the first after) would miss for chapter one's: it
    # is left out rather than misread. Chapter one's, with no note 2 before it, is kept.
    notes = [
        Footnote("1", "See note 2 below.", 10, 27),
        Footnote("2", "Chapter one's source.", 30, 51),
        Footnote("1", "See note 2 below.", 60, 77),
        Footnote("2", "Chapter two's source.", 80, 101),
    ]
    assert [n.refers_to for n in link_references(notes)] == [("2",), (), (), ()]


# The same three-note report (tests/data/exporters/source.md and source.rst) as the usual tools
# write it: pandoc 3.9, docutils 0.23 (html5, html4) and 0.17.1 (html5, notes in a <dl>),
# Python-Markdown 3.11 and markdown-it-py 4.3 with mdit-py-plugins 0.7 generated theirs; the Sphinx,
# Wikipedia, LibreOffice, Google Docs and EPUB 3 files are written in those tools' markup. Pandoc gives a
# repeated note a number of its own; the office suites' fourth note is "Ibid., p. 6." of the third.
EXPORTERS = {
    "pandoc.html": ["1", "2", "3", "4"],
    "docutils_html5.html": ["1", "2", "3"],
    "docutils_html4.html": ["1", "2", "3"],
    "docutils_0.17_html5.html": ["1", "2", "3"],
    "sphinx.html": ["1", "2", "3"],
    "python_markdown.html": ["1", "2", "3"],
    "markdown_it.html": ["1", "2", "3"],
    "wikipedia.html": ["1", "2", "3"],
    "libreoffice.html": ["1", "2", "3", "4"],
    "google_docs.html": ["1", "2", "3", "4"],
    "epub_chapter.xhtml": ["1", "2", "3"],
}


@pytest.mark.parametrize(("name", "labels"), EXPORTERS.items())
def test_html_from_the_usual_exporters(name: str, labels: list[str]) -> None:
    doc = load(DATA / "exporters" / name)
    assert doc.title == "Mines in Storage"
    assert [n.label for n in doc.footnotes] == labels
    first, ibid, third = doc.footnotes[:3]
    # The note's own words: no label, no "(1, 2)" or "^ a b" back-links, no "↩".
    assert re.fullmatch(r"Department of Defense, .Stockpile report,. February 2004, p.\s6\.", first.text)
    assert ibid.text == "Ibid." and ibid.same_as == "1"
    assert third.text.startswith("For example, 124,000 antivehicle mines")
    assert third.text.endswith("A second paragraph of the third note, about transfers.")  # both paragraphs
    # Markers sit after the claims, and a note cited twice (when the tool keeps one note) has both.
    assert len(first.markers) == (1 if len(labels) == 4 else 2)
    assert doc.source[: first.markers[0].start].rstrip().endswith("10.4 million antipersonnel mines.")
    assert doc.source[: third.markers[0].start].rstrip().endswith("continued until 2004.")
    for note in doc.footnotes:
        assert note.text == doc.source[note.start : note.end]
    # Sphinx's heading pilcrows are not text; its footnotes in <aside> are not page furniture.
    assert "¶" not in doc.source
    assert not doc.warnings
    # A note's label and back-links, set apart from its text ("[2]", "(1,2)", "^"), are no passage.
    for block in doc.blocks:
        if block.kind not in ("note", "furniture"):
            assert re.search(r"[^\W\d_]{2}", doc.source[block.start : block.end]), doc.source[block.start : block.end]


@pytest.mark.parametrize(
    ("note", "text"),
    [
        ('<p><a href="#r1" id="n1">1</a> (see the annex) Figures for 2004.</p>', "(see the annex) Figures for 2004."),
        ('<p><a href="#r1" id="n1">1</a> 1998 figures, revised.</p>', "1998 figures, revised."),
        ('<p><a href="#r1" id="n1">1</a>. (): a slot in parentheses.</p>', "(): a slot in parentheses."),
        ('<p><a href="#r1" id="n1">[1]</a> <a href="#r1">^</a> Ibid.</p>', "Ibid."),
    ],
)
def test_only_the_label_and_back_links_are_taken_off_a_note(note: str, text: str) -> None:
    html = f'<html><body><h1>T</h1><p>A claim.<sup><a href="#n1" id="r1">1</a></sup></p><div id="notes">{note}</div></body></html>'
    doc = parse(html.encode(), name="notes.html")
    assert [n.text for n in doc.footnotes] == [text]


def test_chapter_notes_gathered_under_one_notes_heading_link_to_their_own_chapter() -> None:
    md = (
        "# Report\n\n## One\n\nThe first claim.[1] The second claim.[2]\n\n"
        "## Two\n\nAnother claim.[1] And more.[2] The last one.[3]\n\n"
        "## Notes\n\n### Chapter One\n\n[1] Source A.\n\n[2] Source B.\n\n"
        "### Chapter Two\n\n[1] Source C.\n\n[2] Source D.\n\n[3] Source E.\n"
    )
    doc = parse(md.encode(), name="report.md")
    assert [(n.label, _cited_by(doc, n), n.text) for n in doc.footnotes] == [
        ("1", ["claim.[1]"], "Source A."),
        ("2", ["claim.[2]"], "Source B."),
        ("1", ["claim.[1]"], "Source C."),
        ("2", ["more.[2]"], "Source D."),
        ("3", ["one.[3]"], "Source E."),
    ]
    assert not doc.warnings
    # The chapters' headings over their notes are furniture, as "Notes" is: no passage of a heading alone.
    headings = [doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings == ["# Report", "## One", "## Two"]
    texts = [c.text for c in chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=32))]
    assert not any("Chapter" in t for t in texts)


def test_each_chapter_of_a_book_with_its_notes_gathered_at_the_end_cites_its_own_notes() -> None:
    # Six chapters of twelve notes each, each numbered from 1, some cited again: one right after
    # itself, one at the chapter's end (note 1 again, which is not the next chapter's first).
    parts = ["# A Book"]
    for k in range(1, 7):
        parts.append(f"## Chapter {k}")
        for n in range(1, 13):
            again = " As said before.[1]" if n in (1, 12) else (" See also.[3]" if n == 7 else "")
            parts.append(f"Claim {n} of chapter {k} is made here in 2004.[{n}]{again}")
    parts.append("## Notes")
    for k in range(1, 7):
        parts.append(f"### Chapter {k}")
        parts.extend(f"[{n}] Source {n} of chapter {k}." for n in range(1, 13))
    doc = parse("\n\n".join(parts).encode(), name="book.md")
    assert len(doc.footnotes) == 72
    for note in doc.footnotes:
        chapter = note.text.split()[-1].rstrip(".")
        cited = [doc.source[doc.source.rfind("Claim", 0, m.start) : m.start] for m in note.markers]
        assert cited and all(f" of chapter {chapter} " in c for c in cited), (note.label, note.text)
    assert sum(len(n.markers) for n in doc.footnotes) == 6 * 15
    assert not doc.warnings


_CHAPTER_NOTES = (
    "The Cost of Clearance\n\nChapter 1: Fields\n\n"
    "Deminers cleared 4.2 square kilometres in 2003.1 The work cost $2.5 million.2\n\n"
    "Chapter 2: Villages\n\n"
    "Villagers reported 37 accidents.1 After it, accidents fell to 2 a year.2 Schools reopened.3\n\n"
    "Notes\n\nChapter 1\n\n1. Provincial Mine Action Centre, Annual Report 2004, p. 12.\n\n"
    "2. Interview with a team leader, March 3, 2004.\n\nChapter 2\n\n1. District health records, 1999-2003.\n\n"
    "2. Ibid., pp. 4-5.\n\n3. Ministry of Education, circular no. 7, 2005.\n"
)
_CHAPTER_LINKS = [
    ("1", ["2003.1"], "Provincial Mine Action Centre, Annual Report 2004, p. 12."),
    ("2", ["million.2"], "Interview with a team leader, March 3, 2004."),
    ("1", ["accidents.1"], "District health records, 1999-2003."),
    ("2", ["year.2"], "Ibid., pp. 4-5."),
    ("3", ["reopened.3"], "Ministry of Education, circular no. 7, 2005."),
]


def test_numbered_notes_under_a_heading_per_chapter_in_a_notes_section_are_notes() -> None:
    doc = parse(_CHAPTER_NOTES.encode(), name="report.txt")
    assert [(n.label, _cited_by(doc, n), n.text) for n in doc.footnotes] == _CHAPTER_LINKS
    assert not doc.warnings


def test_a_numbered_list_after_the_chapter_notes_does_not_take_their_markers() -> None:
    text = _CHAPTER_NOTES + "\nRecommendations\n\n1. Stop the exemptions.\n\n2. Deliver the reserve.\n\n3. Publish.\n"
    doc = parse(text.encode(), name="report.txt")
    assert [(n.label, _cited_by(doc, n), n.text) for n in doc.footnotes][:5] == _CHAPTER_LINKS


def _cited_by(doc: Document, note: Footnote) -> list[str]:
    """The word each of a note's markers is glued to, with the marker."""
    return [doc.source[: m.end].split()[-1] for m in note.markers]


def _paged(*pages: str) -> Document:
    return parse(("\f".join(pages) + "\f").encode(), name="printed.txt")


_FIRST_PAGE = (
    "Field Report\n\nChapter 2\n\nThe second chapter opens with a claim.1 It goes on to a\n"
    "second claim.2 And a third.3\n\n1 Source one.\n\n2 Source two.\n\n3 Source three.\n\n1\n"
)


def test_a_chapter_that_starts_on_a_page_numbers_its_notes_afresh_at_that_page_foot() -> None:
    doc = _paged(
        _FIRST_PAGE,
        "The chapter ends with two more claims.4 And the last.5\n\nChapter 3\n\n"
        "A new chapter begins here.1 And cites again.2\n\n"
        "4 Source four.\n\n5 Source five.\n\n1 Source six.\n\n2 Source seven.\n\n2\n",
    )
    assert [(n.label, n.text) for n in doc.footnotes][3:] == [
        ("4", "Source four."),
        ("5", "Source five."),
        ("1", "Source six."),
        ("2", "Source seven."),
    ]
    cited = [_cited_by(doc, n) for n in doc.footnotes]
    assert cited == [["claim.1"], ["claim.2"], ["third.3"], ["claims.4"], ["last.5"], ["here.1"], ["again.2"]]
    assert not doc.warnings


def test_a_line_of_a_note_that_opens_with_1_does_not_start_a_note_unless_the_page_cites_1_again() -> None:
    doc = _paged(
        _FIRST_PAGE,
        "The chapter ends with two more claims.4 And the last.5 Nothing\nelse is cited on this page.\n\n"
        "4 Source four.\n\n5 Source five, quoting\n1 Kings 3 in full.\n\n2\n",
    )
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4", "5"]
    assert doc.footnotes[-1].text == "Source five, quoting\n1 Kings 3 in full."
    assert not doc.warnings


def test_a_note_set_at_the_foot_of_the_page_after_its_marker_is_linked() -> None:
    # The marker ends the first page, which had room for note 1 only.
    doc = _paged(
        "Report title\n\nThe first claim is here.1 Another sentence follows it and\n"
        "the page ends with a second claim.2\n\n1 Source one, 2001.\n\n3\n",
        "The text goes on with a third claim.3 And more words\nto fill the page.\n\n"
        "2 Source two, 2002.\n\n3 Source three, 2003.\n\n4\n",
    )
    assert [(n.label, _cited_by(doc, n)) for n in doc.footnotes] == [
        ("1", ["here.1"]),
        ("2", ["claim.2"]),
        ("3", ["claim.3"]),
    ]
    assert not doc.warnings


def test_a_note_may_be_the_target_of_an_inline_element() -> None:
    html = (
        '<html><body><h1>T</h1><p>A claim.<sup><a href="#fn1">1</a></sup></p><ol>'
        '<li><span id="fn1">Figures for <em>2004</em>.</span></li></ol></body></html>'
    )
    doc = parse(html.encode(), name="notes.html")
    assert [(n.label, n.text) for n in doc.footnotes] == [("1", "Figures for 2004.")]


def test_inline_formatting_and_highlighted_code_keep_their_text_as_written() -> None:
    # Text inside spans, code and emphasis (thousands of them in highlighted code) reads as written;
    # hidden and page-chrome spans stay out.
    html = (
        "<html><body><p>a<span> b </span><code><span class='pre'>c</span></code><em>d<b>e</b></em>"
        "<span hidden>gone</span><span class='sidebar'>gone</span> f</p>"
        "<pre><span class='k'>def</span> <span class='nf'>f</span>():\n    <span class='k'>pass</span></pre>"
        "</body></html>"
    )
    doc = parse(html.encode(), name="page.html")
    assert doc.source == "a b cde f\n\ndef f():\n    pass"
    assert [(b.start, b.end) for b in doc.blocks] == [(0, 9), (11, 28)]


def test_a_jump_index_is_not_footnotes() -> None:
    # A module index: in-page links "a", "b" to rows that hold nothing but that letter.
    html = (
        "<html><body><h1>Module index</h1><p><a href='#cap-a'>a</a> | <a href='#cap-b'>b</a></p><table>"
        "<tr id='cap-a'><td>a</td></tr><tr><td>abc: abstract base classes</td></tr>"
        "<tr id='cap-b'><td>b</td></tr><tr><td>base64: data encodings</td></tr></table></body></html>"
    )
    doc = parse(html.encode(), name="modindex.html")
    assert doc.footnotes == ()
    assert not doc.warnings


def test_cells_of_bracketed_references_are_not_notes() -> None:
    # A table of events whose last column links to other pages: "[1]", "[1][2]".
    doc = parse(
        b"<html><body><h1>Audit events</h1><table>"
        b"<tr><td><p>exec</p></td><td><p><a href='a.html'>[1]</a><a href='b.html'>[2]</a></p></td></tr>"
        b"<tr><td><p>open</p></td><td><p><a href='c.html'>[1]</a><a href='d.html'>[2]</a></p></td></tr>"
        b"</table></body></html>",
        name="events.html",
    )
    assert doc.footnotes == ()
    assert not doc.warnings


# -- endnotes with no "Notes" heading ------------------------------------------------------------

_CITED_ENDNOTES = (
    "Mines in Storage\n\n"
    "The stockpile holds 10.4 million antipersonnel mines.1 It was last counted in 2004.2\n\n"
    "Exports to South Korea continued until 2004.3 The figure above is the official one.4\n\n"
    "1. Department of Defense, “Stockpile report,” February 2004, p. 6.↩\n\n"
    "2. Ibid.↩\n\n"
    "3. For example, 124,000 antivehicle mines were shipped in 2004.\n\n"
    "A second paragraph of the third note, about transfers.↩\n\n"
    "4. Department of Defense, “Stockpile report,” February 2004, p. 7.↩\n"
)


def test_a_numbered_list_ending_the_text_is_notes_when_the_text_cites_it() -> None:
    # What a page printed from an export looks like: the notes under a rule, not a heading, each
    # with its back-link, the third running to a second paragraph.
    doc = parse(_CITED_ENDNOTES, name="printed.txt")
    assert _links(doc) == [
        ("1", ["antipersonnel mines.1"], "Department of Defense, “"),
        ("2", ["ast counted in 2004.2"], "Ibid."),
        ("3", ["ontinued until 2004.3"], "For example, 124,000 ant"),
        ("4", ["is the official one.4"], "Department of Defense, “"),
    ]
    assert doc.footnotes[2].text.endswith("about transfers.")  # both paragraphs, no back-link
    assert doc.footnotes[3].text.endswith("p. 7.")
    assert doc.footnotes[1].same_as == "1"
    assert not doc.warnings


@pytest.mark.parametrize(
    "text",
    [
        # Recommendations that end a report: nothing cites them.
        "Findings\n\nThe stockpile holds 10.4 million mines and was counted in 2004.\n\n"
        "1. Destroy the stockpile.\n\n2. Join the treaty.\n\n3. Stop all exports.\n",
        # Figures that end in a list's numbers are not markers ("version 3.8.1:", "2.3 million").
        "Changes\n\nChanged in version 3.8.1: the value is read once. New in version 3.2.2 and 2.3 million.\n\n"
        "1 (VER_NT_WORKSTATION) The system is a workstation.\n\n2 (VER_NT_SERVER) The system is a server.\n",
        # A bibliography under "References" that the text does not cite.
        "Method\n\nWe counted the mines in storage in 2004 and again in 2005.\n\nReferences\n\n"
        "1. Smith, J. Counting Mines. 2003.\n\n2. Jones, K. Storage Records. 2004.\n",
    ],
)
def test_a_numbered_list_ending_the_text_stays_a_list_when_nothing_cites_it(text: str) -> None:
    doc = parse(text, name="plain.txt")
    assert doc.footnotes == ()
    assert any(b.kind == "list_item" for b in doc.blocks) or "VER_NT" in text


def test_numbered_references_cited_in_brackets_are_notes() -> None:
    text = (
        "Method\n\nWe counted the mines in storage [1] and compared the export records [2].\n\n"
        "References\n\n1. Smith, J. Counting Mines. 2003.\n\n2. Jones, K. Storage Records. 2004.\n"
    )
    doc = parse(text, name="paper.txt")
    assert _links(doc) == [
        ("1", ["he mines in storage [1]"], "Smith, J. Counting Mines"),
        ("2", [" the export records [2]"], "Jones, K. Storage Record"),
    ]


@pytest.mark.parametrize(("name", "marker"), [("pandoc.pdf", "1"), ("wikipedia.pdf", "[1]")])
def test_a_page_printed_to_pdf_keeps_its_endnotes(name: str, marker: str) -> None:
    # tests/data/exporters' pandoc and Wikipedia pages printed by Chromium 150 (--print-to-pdf;
    # the Wikipedia one with the browser's date, address and page-number lines).
    doc = load(DATA / "printed" / name)
    assert [n.label for n in doc.footnotes] == (["1", "2", "3", "4"] if name == "pandoc.pdf" else ["1", "2", "3"])
    first = doc.footnotes[0]
    assert first.text.startswith("Department of Defense") and first.text.endswith("p. 6.")
    cited = first.markers[0]
    assert doc.source[cited.start : cited.end] == marker
    assert doc.source[: cited.start].endswith("antipersonnel mines.")
    assert doc.footnotes[1].text == "Ibid." and doc.footnotes[1].same_as == "1"
    assert doc.footnotes[2].text.startswith("For example, 124,000 antivehicle mines")
    assert all(n.markers for n in doc.footnotes)


@pytest.mark.parametrize(
    ("text", "links"),
    [
        # "in 2003.1" then a line break: the capital that follows opens a sentence all the same (a
        # typeset page breaks its lines anywhere); without it, "2003.1" could be a decimal.
        (
            "Clearance in the North\n\nThe authority spent $1.9 million on clearance in 2003.1\nIts survey teams "
            "worked through the winter, and the district hospital treated 39 people.2\n\nNotes\n\n"
            "1 Annual statement of the authority, 2004.\n2 Survey office, letter of 3 May 2005.\n",
            [
                ("1", ["n clearance in 2003.1"], "Annual statement of the "),
                ("2", ["l treated 39 people.2"], "Survey office, letter of"),
            ],
        ),
        # As a PDF page whose second column comes out before its first: the markers read 2, 3, 1.
        # The chain of increasing labels takes 2 and 3; the 1 left over is the only one for note 1.
        (
            "Canal Survey\n\nRepairs began the following spring.2 The register gives no dates.3\n\n"
            "The survey of the northern canals counted 41 breaches.1\n\nNotes\n\n"
            "1 Canal Survey, vol. 1, p. 4.\n2 Ibid., p. 9.\n3 Southern Works Office, sheet 3.\n",
            [
                ("1", ["counted 41 breaches.1"], "Canal Survey, vol. 1, p."),
                ("2", ["he following spring.2"], "Ibid., p. 9."),
                ("3", ["ster gives no dates.3"], "Southern Works Office, s"),
            ],
        ),
    ],
    ids=["after a year at a line's end", "out of order"],
)
def test_a_marker_the_chain_of_labels_first_missed_reaches_its_note(
    text: str, links: list[tuple[str, list[str], str]]
) -> None:
    doc = parse(text, name="report.txt")
    assert _links(doc) == links
    assert not doc.warnings


def test_a_line_of_a_note_that_opens_with_a_figure_stays_in_its_note() -> None:
    # Notes set one to a line, as a PDF's page of endnotes gives them: a note's second line that
    # opens with a figure ("9 districts") is no note 9 (after note 1 only a 2 opens a note).
    text = (
        "Surveys were delayed.1 The centre said so again.2\n\n"
        "Notes\n\n"
        "1 Letter from the Mine Action Centre describing delays in\n"
        "9 districts, including weather and security.\n"
        "2 Ibid.\n"
    )
    doc = parse(text.encode(), name="report.txt")
    assert [n.label for n in doc.footnotes] == ["1", "2"]
    assert doc.footnotes[0].text.endswith("9 districts, including weather and security.")
    assert [len(n.markers) for n in doc.footnotes] == [1, 1]


def _linked(doc: Document) -> dict[str, list[str]]:
    """Each note's label: the text just before each of its markers (twelve characters)."""
    return {n.label: [doc.source[max(0, m.start - 12) : m.start] for m in n.markers] for n in doc.footnotes}


UNITS_TEXT = """Water Report

The authority disputes the storage figure.¹ It cites its own survey of the dam.²

The catchment covers 340 km², most of it farmland. The reservoir holds 4.2 million m³ of water in a normal year, and loses 10³ litres a day to seepage.³

Notes

1. Letter from the authority, 2 May 2024.
2. Basin Authority, Dam Survey 2023, p. 4.
3. Field measurements, 2023.
"""

UNITS_HTML = """<html><body><h1>Water Report</h1>
<p>The reservoir holds 4.2 million m<sup>3</sup> of water.<sup>1</sup> Its catchment covers 340 km<sup>2</sup>,
most of it farmland.<sup>2</sup> Losses are about 10<sup>3</sup> litres a day.<sup>3</sup></p>
<h2>Notes</h2><ol><li>Basin Authority, Annual Report 2023, p. 4.</li><li>Land register, 2022.</li>
<li>Field measurements, 2023.</li></ol></body></html>"""


@pytest.mark.parametrize(("text", "name"), [(UNITS_TEXT, "units.txt"), (UNITS_HTML, "units.html")])
def test_a_squared_or_cubed_unit_is_not_a_marker(text: str, name: str) -> None:
    doc = parse(text, name=name)
    for label, before in _linked(doc).items():
        assert len(before) == 1, (label, before)
        assert not re.search(r"(km|m|10)$", before[0]), (label, before)
    if name.endswith(".txt"):  # the catchment's paragraph cites no survey of the dam
        chunks = chunk(doc, WordTokenizer(), ChunkSettings(24, 0))
        catchment = next(c for c in chunks if "340 km" in c.text)
        assert "2" not in [n.label for n in catchment.footnotes]


def test_two_raised_markers_side_by_side_are_two_markers() -> None:
    doc = parse(
        "Report\n\nThe ministry confirmed the figures.¹ A second source disagreed.² The third source was neutral.³⁴"
        " The camps closed.⁵\n\nNotes\n\n1. Ministry of Defence, press release, 4 May 2004.\n"
        "2. Interview with an analyst, 12 June 2004.\n3. Survey, 2004.\n4. Ibid., p. 5.\n5. Camp records, 2006.\n",
        name="pair.txt",
    )
    linked = _linked(doc)
    assert linked["3"] == ["was neutral."] and linked["4"] == ["as neutral.³"]
    assert not doc.warnings


NESTED_TEXT = """Returns to the Villages

Families began to return in 2003.1 The ministry set three conditions for return.2 Most families met them by 2005.3 Some did not.4

Notes

1. UNHCR, Return Monitoring Report (Geneva: UNHCR, 2004), p. 7.
2. Ministry of Refugees, circular of 4 March 2004. The conditions were:
   1. that the village had been surveyed;
   2. that a school was open;
   3. that water was safe.
3. Field survey, 2005.
4. Interview with a returnee, Kunduz, 9 June 2005.
"""

NESTED_HTML = """<html><body><h1>Returns to the Villages</h1>
<p>Families began to return in 2003.<sup>1</sup> The ministry set three conditions for return.<sup>2</sup>
Most families met them by 2005.<sup>3</sup> Some did not.<sup>4</sup></p>
<h2>Notes</h2><ol><li>UNHCR, Return Monitoring Report (Geneva: UNHCR, 2004), p. 7.</li>
<li>Ministry of Refugees, circular of 4 March 2004. The conditions were:
<ol><li>that the village had been surveyed;</li><li>that a school was open;</li><li>that water was safe.</li></ol></li>
<li>Field survey, 2005.</li><li>Interview with a returnee, Kunduz, 9 June 2005.</li></ol></body></html>"""


@pytest.mark.parametrize(("text", "name"), [(NESTED_TEXT, "nested.txt"), (NESTED_HTML, "nested.html")])
def test_a_numbered_list_inside_a_note_is_part_of_it(text: str, name: str) -> None:
    doc = parse(text, name=name)
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "4"]
    notes = {n.label: n for n in doc.footnotes}
    assert notes["2"].text.startswith("Ministry of Refugees") and notes["2"].text.endswith("that water was safe.")
    assert notes["3"].text == "Field survey, 2005."
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert not doc.warnings
    for n in doc.footnotes:
        assert doc.source[n.start : n.end] == n.text


def test_a_bracketed_notes_indented_paragraph_and_list_stay_with_it() -> None:
    doc = parse(
        "Water Rights\n\nThe authority granted 23 exemptions.[1] Most went to two holders.[2] The rest went to"
        " smaller users.[3]\n\n[1] The exemptions are listed in annex B of the authority's 2023 statement.\n\n"
        "    Of the 23, 19 went to two holders.\n\n"
        "[2] Interview with a district engineer, 4 March 2024.\n\n[3] Authority records, 2023. The records list:\n"
        "    - Northfield Irrigation Company: 11 exemptions;\n    - Basin Sugar Cooperative: 8 exemptions.\n",
        name="brackets.txt",
    )
    notes = {n.label: n.text for n in doc.footnotes}
    assert notes["1"].endswith("Of the 23, 19 went to two holders.")
    assert notes["3"].endswith("Basin Sugar Cooperative: 8 exemptions.")
    body = " ".join(doc.source[b.start : b.end] for b in doc.blocks if b.kind not in ("note", "furniture"))
    assert "Of the 23" not in body and "Cooperative" not in body


def test_a_roman_marker_after_a_closing_quote_is_linked() -> None:
    doc = parse(
        "Report\n\nThe ministry confirmed the figures.i In the words of one deminer, “the work never ends.”ii"
        " Officials disputed this,iii but the data support it.iv\n\ni Ministry of Defence, press release, 4 May 2004.\n"
        "ii Interview with a deminer, Herat, 12 May 2004.\niii Letter of 3 June 2004.\niv Survey, 2004.\n",
        name="romans.txt",
    )
    assert _linked(doc)["ii"] == ["never ends.”"]
    assert not doc.warnings


RUNS = """Multiple Markers

Officials disputed this,[1] but the data support it.[2,3] Later studies confirmed the trend.[4-6] A final review agreed.[7][8] Superscript pairs too.⁹,¹⁰ And a range.¹¹⁻¹³ Pages [1-40] are no run of notes.

""" + "".join(f"[{n}] Source number {n}, 2004.\n" for n in range(1, 14))


def test_runs_of_markers_name_each_note() -> None:
    doc = parse(RUNS, name="runs.txt")
    assert {n.label: len(n.markers) for n in doc.footnotes} == {str(n): 1 for n in range(1, 14)}
    assert not doc.warnings
    linked = {n.label: doc.source[n.markers[0].start : n.markers[0].end] for n in doc.footnotes}
    assert (linked["2"], linked["3"], linked["4"], linked["5"], linked["6"]) == ("2", "3", "4", "-", "6")
    assert (linked["11"], linked["12"], linked["13"]) == ("¹¹", "⁻", "¹³")
    html = parse(
        "<html><body><h1>Report</h1><p>The data support it.<sup>1,2</sup> Later studies agreed.<sup>3–5</sup></p>"
        "<h2>Notes</h2><ol>" + "".join(f"<li>Source number {n}.</li>" for n in range(1, 6)) + "</ol></body></html>",
        name="runs.html",
    )
    assert [len(n.markers) for n in html.footnotes] == [1] * 5
    assert not html.warnings


CHAPTERS = """The Cost of Clearance

1. Fields

Deminers cleared 4.2 square kilometres in 2003.1 The work cost $2.5 million.2 Teams found 1,250 mines.3

Notes

1. Provincial Mine Action Centre, Annual Report 2004, p. 12.
2. Interview with a team leader, March 3, 2004.
3. Survey records, 2003.

2. Villages

Villagers reported 37 accidents before clearance began.1 After it, accidents fell to 2 a year.2

Notes

1. District health records, 1999-2003.
2. Ibid., pp. 4-5.

3. Schools

Schools reopened in 12 villages.1 Attendance doubled.2 Teachers returned.3

Notes

1. Ministry of Education, circular no. 7, 2005.
2. School attendance registers, 2005.
3. Teachers' union, statement, 2006.
"""


def test_a_numbered_chapter_heading_after_a_chapters_notes_is_a_heading() -> None:
    doc = parse(CHAPTERS, name="chapters.txt")
    assert [s.title for s in doc.sections] == ["1. Fields", "2. Villages", "3. Schools"]
    assert [n.label for n in doc.footnotes] == ["1", "2", "3", "1", "2", "1", "2", "3"]
    assert all(len(n.markers) == 1 for n in doc.footnotes)
    assert not doc.warnings


def test_markdown_link_reference_definitions_are_not_notes() -> None:
    doc = parse(
        "# Building\n\nBuild it with [scons][0] or [cmake][1], as the [manual][2] says.[^1]\n\n"
        '[0]: http://www.scons.org/\n[1]: <https://cmake.org/>\n[2]: https://example.org/manual "The manual"\n\n'
        "[^1]: Tested with both in 2024.\n",
        name="linkref.md",
    )
    assert [(n.label, n.text) for n in doc.footnotes] == [("1", "Tested with both in 2024.")]
    assert not doc.warnings
    kinds = {doc.source[b.start : b.end]: b.kind for b in doc.blocks}
    assert kinds["[0]: http://www.scons.org/"] == "furniture"


def test_a_list_of_bracketed_bug_numbers_is_no_block_of_notes() -> None:
    doc = parse(
        "Release notes\n\nVersion 2.27\n\n* Programs compiled with -std=c89 -D_REENTRANT now see the new"
        " declarations.\n\nThe following bugs are resolved with this release:\n\n"
        "  [89] glob: glob should match dangling symlinks\n  [1062] glob: merge from gnulib\n"
        "  [2522] localedata: new Valencian locale\n  [10580] localedata: updated locale\n\n"
        "Version 2.26\n\n* Something else changed here in the library.\n",
        name="NEWS.txt",
    )
    assert doc.footnotes == ()
    assert "[1062] glob" in " ".join(doc.source[b.start : b.end] for b in doc.blocks if b.kind != "note")


def test_a_manuals_navigation_lines_and_table_of_contents_are_furniture() -> None:
    # As Texinfo writes them: a "Next: ..., Up: ..." line over every node, a contents list of
    # "toc-" links.
    page = (
        '<html><body><div class="top" id="Top"><div class="header"><p>Next: <a href="#Intro" rel="next">'
        'Introduction</a> &nbsp; [<a href="#SEC_Contents" rel="contents">Contents</a>]</p></div>'
        '<h1 class="top">Time</h1><div class="contents"><ul class="no-bullet">'
        '<li><a id="toc-Intro" href="#Intro">1 Introduction</a></li>'
        '<li><a id="toc-Format" href="#Format">2 The Format String</a></li></ul></div></div>'
        '<div class="chapter" id="Intro"><div class="header"><p>Next: <a href="#Format" rel="next">The Format '
        'String</a>, Previous: <a href="#Top" rel="prev">Time</a>, Up: <a href="#Top" rel="up">Time</a></p></div>'
        "<h2>1 Introduction</h2><p>The time command runs another program and reports its use of resources.</p>"
        "</div></body></html>"
    )
    doc = parse(page, name="time.html")
    prose = [doc.source[b.start : b.end] for b in doc.blocks if b.kind not in ("furniture", "heading", "title")]
    assert prose == ["The time command runs another program and reports its use of resources."]


def test_paragraphs_between_bracketed_notes_carry_the_note_before_on_unless_they_cite() -> None:
    closing = parse(
        "Hyphenation\n\nBrief explanation of the hyphenation algorithm herein.[1] It was extended.[2]\n\n"
        "[1] Documentations:\n\nFranklin M. Liang: Word Hy-phen-a-tion by Com-put-er. Stanford University, 1983.\n\n"
        "László Németh: Automatic non-standard hyphenation in OpenOffice.org. TUGboat, 2006.\n\n"
        "[2] There is the C version of the pattern converter in the distribution.\n",
        name="hyphen.txt",
    )
    first = closing.footnotes[0]
    assert first.text.startswith("Documentations:") and first.text.endswith("TUGboat, 2006.")
    inline = parse(
        "Report\n\nThe first claim is here.[1]\n\n[1] The first source, 2004.\n\n"
        "A paragraph of the body that cites nothing at all.\n\nThe second claim is here.[2]\n\n"
        "[2] The second source, 2005.\n",
        name="inline.txt",
    )
    assert [n.text for n in inline.footnotes] == ["The first source, 2004.", "The second source, 2005."]


def test_a_version_number_ending_a_sentence_is_no_marker_but_a_year_may_carry_one() -> None:
    # Note 2's own marker was lost (as a PDF's raised figure in a table can be): "3.2." must not
    # stand in for it.
    doc = parse(
        "Changes\n\nThe class was added in 1991.1 It has been stable since version 3.2. The old name is gone.\n\n"
        "Notes\n\n1. Release notes, 1991.\n2. Mailing list, 2004.\n",
        name="versions.txt",
    )
    linked = _linked(doc)
    assert linked == {"1": ["ded in 1991."], "2": []}
    # A figure that is no year, its sentence's full stop, then a marker: still a marker.
    figures = parse(
        "Report\n\nThe district counted a total of 145.1 The next year it counted 212.2\n\n"
        "Notes\n\n1. District records, 2003.\n2. District records, 2004.\n",
        name="figures.txt",
    )
    assert _linked(figures) == {"1": ["otal of 145."], "2": ["counted 212."]}


def test_a_bracketed_note_under_a_table_that_cites_it_is_a_note_not_a_heading() -> None:
    # The layout of dpkg's triggers spec: a table whose cells cite "usually[1]", then the note's
    # one short line, then the section goes on. The line was a heading, and the section's last
    # paragraphs were filed under it.
    rows = "\n".join(f" --{verb}\t\tn/a\t\tusually[1]\tnone" for verb in ("unpack", "remove", "install"))
    text = (
        "TRIGGERS\n\nIntroduction\n------------\n\nA trigger is a facility that allows events caused by one package.\n\n"
        "Command line interfaces\n-----------------------\n\n"
        f"Here is a summary of the behaviours:\n\n Command\t\tConfigure\tTrigproc\tOthers\n{rows}\n\n"
        " [1] can be specified explicitly by --triggers or --no-triggers\n\n\n"
        "A trigger may be activated explicitly with the dpkg-trigger command.\n"
    )
    doc = parse(text, name="triggers.txt")
    assert [(n.label, n.text, len(n.markers)) for n in doc.footnotes] == [
        ("1", "can be specified explicitly by --triggers or --no-triggers", 3)
    ]
    assert all(doc.source[m.start - 7 : m.end] == "usually[1]" for m in doc.footnotes[0].markers)
    assert not any("[1]" in doc.source[b.start : b.end] for b in doc.blocks if b.kind == "heading")
    last = doc.source.index("A trigger may")
    assert [s.title for s in doc.sections if s.start <= last < s.end] == ["Command line interfaces"]
    assert not doc.warnings


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("exporters/sphinx.html", "Footnotes"),
        ("exporters/docutils_html5.html", "Footnotes"),
        ("exporters/docutils_html4.html", "Footnotes"),
        ("exporters/docutils_0.17_html5.html", "Footnotes"),
        ("html_generators/docutils_citations.html", "Notes"),
        ("html_generators/sphinx_citations.html", "Notes"),
    ],
)
def test_the_rubric_over_a_pages_notes_labels_them_and_is_no_passage(name: str, label: str) -> None:
    # Sphinx and docutils set it as a paragraph, <p class="rubric">, with the notes' labels ("[1]")
    # between it and their text: it was read as the end of the passage before.
    doc = load(DATA / name)
    at = doc.source.index(f"\n\n{label}\n\n") + 2
    assert [b.kind for b in doc.blocks if b.start <= at < b.end] == ["furniture"]
    texts = [c.text for c in chunk(doc, WordTokenizer(), ChunkSettings(max_tokens=200, overlap=0))]
    assert not any(t.rstrip().endswith(label) for t in texts)
